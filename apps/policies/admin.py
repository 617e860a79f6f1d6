from django.contrib import admin

from .models import Citation, Clause, IssuingBody, IssuingBodyAlias, Regulation, RegulationSource


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
    readonly_fields = ["source_path", "source_checksum", "text_source", "updated_at"]
    date_hierarchy = "promulgated_on"
    inlines = [RegulationSourceInline, ClauseInline]


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
