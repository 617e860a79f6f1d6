from django.contrib import admin, messages

from apps.core.exceptions import ApplicationError

from .models import (
    Citation,
    Clause,
    IssuingBody,
    IssuingBodyAlias,
    Regulation,
    RegulationSource,
    Work,
)
from .services.versions import regulation_split, works_merge, works_refresh


class IssuingBodyAliasInline(admin.TabularInline):
    model = IssuingBodyAlias
    fields = ["name", "source"]
    extra = 1


@admin.register(IssuingBody)
class IssuingBodyAdmin(admin.ModelAdmin):
    search_fields = ["name", "aliases__name"]
    inlines = [IssuingBodyAliasInline]


@admin.register(IssuingBodyAlias)
class IssuingBodyAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "body", "source"]
    search_fields = ["name", "body__name"]
    raw_id_fields = ["body"]


class RegulationSourceInline(admin.TabularInline):
    model = RegulationSource
    fields = ["path", "role", "note", "checksum"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class ClauseInline(admin.TabularInline):
    model = Clause
    fields = ["order", "label", "number", "suffix", "chapter", "section"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False


class VersionInline(admin.TabularInline):
    model = Regulation
    fields = ["title", "version_label", "promulgated_on", "in_force_from", "expires_on", "status"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    """Editors merge works that are one regulation; a version is split off from its page."""

    list_display = ["title", "version_count", "grouped_by_editor"]
    list_filter = ["grouped_by_editor"]
    search_fields = ["title", "key"]
    readonly_fields = ["key", "version_count"]
    inlines = [VersionInline]
    actions = ["merge"]

    @admin.action(description="合并为同一法规的不同版本")
    def merge(self, request, queryset):
        try:
            work = works_merge(works=list(queryset))
        except ApplicationError as problem:
            self.message_user(request, str(problem), level=messages.ERROR)
            return
        self.message_user(request, f"已合并：{work.title}（{work.version_count} 个版本）")


@admin.register(Regulation)
class RegulationAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "doc_number",
        "level",
        "province",
        "city",
        "status",
        "promulgated_on",
        "has_full_text",
    ]
    list_filter = ["level", "status", "province", "has_full_text", "text_source"]
    search_fields = ["title", "short_title", "doc_number"]
    filter_horizontal = ["issuers", "approvers"]
    raw_id_fields = ["source_article", "catalogue_publication"]
    readonly_fields = [
        "source_path",
        "source_checksum",
        "text_source",
        "updated_at",
        "work",
        "version_label",
        "in_force_from",
        "status",
    ]
    date_hierarchy = "promulgated_on"
    inlines = [RegulationSourceInline, ClauseInline]
    actions = ["split"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        works_refresh(regulation_ids=[obj.pk])  # dates or the repeal may move its status

    @admin.action(description="拆出为单独的法规（不再作为原法规的版本）")
    def split(self, request, queryset):
        for regulation in queryset:
            try:
                regulation_split(regulation=regulation)
            except ApplicationError as problem:
                self.message_user(request, f"{regulation}：{problem}", level=messages.WARNING)
            else:
                self.message_user(request, f"已拆出：{regulation}")


@admin.register(Clause)
class ClauseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "number", "chapter", "section"]
    list_filter = ["regulation__level", "regulation__status"]
    search_fields = ["text", "label", "regulation__title"]
    list_select_related = ["regulation"]
    raw_id_fields = ["regulation"]


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["raw", "clause", "target_regulation", "target_clause"]
    list_select_related = ["clause__regulation", "target_regulation", "target_clause__regulation"]
    raw_id_fields = ["clause", "target_regulation", "target_clause"]
    search_fields = ["raw", "target_title"]
