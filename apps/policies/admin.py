from django.contrib import admin

from .models import Citation, Clause, IssuingBody, Regulation


@admin.register(IssuingBody)
class IssuingBodyAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class ClauseInline(admin.TabularInline):
    model = Clause
    fields = ["order", "label", "number", "suffix", "chapter", "section"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False


@admin.register(Regulation)
class RegulationAdmin(admin.ModelAdmin):
    list_display = ["title", "doc_number", "level", "status", "promulgated_on", "has_full_text"]
    list_filter = ["level", "status", "has_full_text", "text_source", "issuers"]
    search_fields = ["title", "short_title", "doc_number"]
    filter_horizontal = ["issuers"]
    raw_id_fields = ["source_article", "catalogue_publication"]
    readonly_fields = ["source_path", "source_checksum", "text_source", "updated_at"]
    date_hierarchy = "promulgated_on"
    inlines = [ClauseInline]


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
