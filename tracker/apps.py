import importlib

from django.apps import AppConfig
from django.conf import settings


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker"

    def ready(self) -> None:
        from diary.changes import on_diary_changed
        from tracker.summaries.services import on_diary_changed as request_analysis

        on_diary_changed(request_analysis)
        # Jobs are sent by their task's name (tracker.jobs), so the task modules must have
        # registered their tasks in every process that sends one: a worker imports
        # CELERY_IMPORTS itself, the web processes and the management commands do it here.
        for module in settings.CELERY_IMPORTS:
            importlib.import_module(module)
