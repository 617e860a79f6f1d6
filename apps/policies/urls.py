from django.urls import path

from . import views

app_name = "policies"
urlpatterns = [
    path("", views.home, name="home"),
    path("regulations/", views.regulation_list, name="regulation_list"),
    path("regulations/<str:slug>/", views.regulation_detail, name="regulation_detail"),
    path(
        "regulations/<str:slug>/compare/<str:other>/",
        views.regulation_compare,
        name="regulation_compare",
    ),
    path("regulations/<str:slug>/clauses/<str:number>/", views.clause_detail, name="clause_detail"),
    path(
        "regulations/<str:slug>/export.<export_format:fmt>",
        views.regulation_export,
        name="regulation_export",
    ),
    path(
        "regulations/<str:slug>/clauses/<str:number>/export.<export_format:fmt>",
        views.clause_export,
        name="clause_export",
    ),
]
