from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("publications/", views.publication_list_view, name="publication_list"),
    path("publications/<int:pk>/", views.publication_detail_view, name="publication_detail"),
    path("articles/<int:pk>/", views.article_detail_view, name="article_detail"),
]
