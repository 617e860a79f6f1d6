from django.http import Http404
from django.shortcuts import render

from .models import Article, Publication
from .selectors import (
    article_get,
    article_layout,
    article_toc,
    publication_catalogue,
    publication_columns,
    publication_get,
    publication_list,
)


def publication_list_view(request):
    return render(request, "documents/publication_list.html", {"publications": publication_list()})


def publication_detail_view(request, pk):
    try:
        publication = publication_get(pk=pk)
    except Publication.DoesNotExist:
        raise Http404("没有这份出版物。") from None
    return render(
        request,
        "documents/publication_detail.html",
        {
            "publication": publication,
            "columns": publication_columns(publication=publication),
            "catalogue": publication_catalogue(publication=publication),
        },
    )


def article_detail_view(request, pk):
    try:
        article = article_get(pk=pk)
    except Article.DoesNotExist:
        raise Http404("没有这篇文章。") from None
    layout = article_layout(article=article)
    return render(
        request,
        "documents/article_detail.html",
        {"article": article, "layout": layout, "toc": article_toc(layout)},
    )
