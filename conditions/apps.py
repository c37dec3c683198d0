from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ConditionsConfig(AppConfig):
    name = "conditions"
    verbose_name = "Condition reference data"

    def ready(self) -> None:
        from conditions import models
        from conditions.reference import on_reference_row_changed

        for model in (
            models.BodyRegion,
            models.Trigger,
            models.Symptom,
            models.Condition,
            models.ConditionFeature,
            models.ConditionSource,
        ):
            post_save.connect(on_reference_row_changed, sender=model, dispatch_uid=f"reference-save-{model.__name__}")
            post_delete.connect(
                on_reference_row_changed, sender=model, dispatch_uid=f"reference-delete-{model.__name__}"
            )
