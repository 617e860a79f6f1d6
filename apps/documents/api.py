from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from apps.core.api import reject_empty
from apps.core.exceptions import ApiError
from apps.core.schema import PAGE_PARAMS, READ_ERRORS, SYNC_PARAMS, int_param
from apps.core.views import PublicListView
from lawtext.numerals import ascii_int

from .models import Article, Publication
from .selectors import article_list, publication_list


class PublicationSerializer(serializers.ModelSerializer):
    article_count = serializers.IntegerField(read_only=True)
    html_url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Publication
        fields = [
            "id",
            "title",
            "publisher",
            "issue_label",
            "published_on",
            "article_count",
            "html_url",
        ]


class ArticleSerializer(serializers.ModelSerializer):
    publication = serializers.PrimaryKeyRelatedField(read_only=True)
    regulations = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    html_url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Article
        fields = [
            "id",
            "publication",
            "order",
            "column",
            "title",
            "source",
            "body",
            "regulations",
            "html_url",
        ]


@extend_schema_view(
    get=extend_schema(
        parameters=[*PAGE_PARAMS, *SYNC_PARAMS],
        responses={200: PublicationSerializer(many=True), **READ_ERRORS},
    )
)
class PublicationListView(PublicListView):
    serializer_class = PublicationSerializer
    change_kind = "publication"

    def rows(self, request):
        return publication_list()


@extend_schema_view(
    get=extend_schema(
        parameters=[
            int_param("publication", 1, 2**31 - 1, "出版物 id"),
            OpenApiParameter("column", str, description="栏目，如 政策规范"),
            *PAGE_PARAMS,
            *SYNC_PARAMS,
        ],
        responses={200: ArticleSerializer(many=True), **READ_ERRORS},
    )
)
class ArticleListView(PublicListView):
    serializer_class = ArticleSerializer
    change_kind = "article"

    def rows(self, request):
        reject_empty(request, allowed=("column",))
        raw = request.query_params.get("publication")
        publication = ascii_int(raw, max_digits=10) if raw is not None else None
        if raw is not None and not (publication and publication < 2**31):
            raise ApiError(
                "publication 应为出版物的数字 id。", fields={"publication": ["应为整数"]}
            )
        column = request.query_params.get("column", "")[:100]
        return article_list(publication=publication, column=column).prefetch_related("regulations")
