from django.contrib import admin

from .models import Article, Publication


class ArticleInline(admin.TabularInline):
    model = Article
    fields = ["order", "column", "title", "source"]
    extra = 0
    show_change_link = True


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["title", "issue_label", "publisher", "published_on"]
    search_fields = ["title", "issue_label", "publisher"]
    readonly_fields = ["source_path", "checksum", "updated_at"]
    inlines = [ArticleInline]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "column", "publication", "order"]
    list_filter = ["column", "publication"]
    search_fields = ["title", "body"]
    list_select_related = ["publication"]
