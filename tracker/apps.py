from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker"

    def ready(self) -> None:
        from diary.changes import on_diary_changed
        from tracker.summaries.services import on_diary_changed as request_analysis

        on_diary_changed(request_analysis)
