from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/export.<export_format:fmt>", views.search_export, name="search_export"),
]
