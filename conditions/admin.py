from django.contrib import admin

from .models import BodyRegion, Condition, ConditionFeature, ConditionSource, Symptom, Trigger


@admin.register(BodyRegion)
class BodyRegionAdmin(admin.ModelAdmin[BodyRegion]):
    list_display = ["code", "name", "group", "has_sides", "sort_order"]
    list_filter = ["group", "has_sides"]
    search_fields = ["code", "name"]


@admin.register(Trigger)
class TriggerAdmin(admin.ModelAdmin[Trigger]):
    list_display = ["code", "name", "sort_order"]
    search_fields = ["code", "name", "description"]


@admin.register(Symptom)
class SymptomAdmin(admin.ModelAdmin[Symptom]):
    list_display = ["code", "name", "red_flag", "sort_order"]
    list_filter = ["red_flag"]
    search_fields = ["code", "name", "description"]


class ConditionFeatureInline(admin.TabularInline[ConditionFeature, Condition]):
    model = ConditionFeature
    extra = 0
    autocomplete_fields = ["region", "symptom", "trigger"]


class ConditionSourceInline(admin.TabularInline[ConditionSource, Condition]):
    model = ConditionSource
    extra = 0


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin[Condition]):
    list_display = ["name", "slug", "category", "sort_order"]
    list_filter = ["category", "sources__seed"]
    search_fields = ["slug", "name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ConditionFeatureInline, ConditionSourceInline]


@admin.register(ConditionFeature)
class ConditionFeatureAdmin(admin.ModelAdmin[ConditionFeature]):
    list_display = ["condition", "kind", "role", "region", "symptom", "trigger", "pattern"]
    list_filter = ["kind", "role", "condition"]
    list_select_related = ["condition", "region", "symptom", "trigger"]
