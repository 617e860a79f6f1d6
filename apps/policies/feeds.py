"""Atom feeds for compliance staff: what changed in the base, in one work, in a search.

An entry is a new regulation or version (dated by its 公布 day), or a status change its dates
imply: a version superseded by the next one on that version's start (已被修改), a repealed
latest version (已废止). Entry ids are tag URIs that depend only on the records' keys, so a
feed reader recognises an entry it has seen however often the feed is fetched.

The search feed is wired in config.feed_urls: this app is below apps.search in the layers, so
the search function, its form and its errors are handed to `SearchResultsFeed` from there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.db.models import DateField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.html import escape, strip_tags

from .models import Regulation

TAG = "tag:fagui,2024:"
MAX_ENTRIES = 50
SITE_NAME = "法规知识库"

VERSION, AMENDED, REPEALED = "version", "amended", "repealed"
_KIND_RANK = {VERSION: 2, REPEALED: 1, AMENDED: 0}
_FIELDS = (
    "pk",
    "title",
    "slug",
    "level",
    "status",
    "work",
    "version_label",
    "promulgated_on",
    "effective_on",
    "in_force_from",
    "expires_on",
    "repealed",
    "updated_at",
)


def moment(day: date | datetime | None) -> datetime | None:
    """A feed's time for a day (its midnight in the site's time zone) or a datetime."""
    if day is None or isinstance(day, datetime):
        return day
    return timezone.make_aware(datetime.combine(day, time.min))


def with_place_in_work(regulations: QuerySet[Regulation]) -> QuerySet[Regulation]:
    """Annotated `has_earlier`: not the first version of its work (a version's place among
    them is `Regulation.version_order`; `superseded`, a later version follows, is a field)."""
    order = Coalesce(
        "promulgated_on", "in_force_from", "effective_on", Value(date.min), output_field=DateField()
    )
    siblings = Regulation.objects.filter(work=OuterRef("work")).annotate(order_key=order)
    earlier = siblings.filter(
        Q(order_key__lt=OuterRef("order_key"))
        | Q(order_key=OuterRef("order_key"), pk__lt=OuterRef("pk"))
    )
    return regulations.annotate(order_key=order, has_earlier=Exists(earlier))


@dataclass(frozen=True)
class ChangeEntry:
    """One entry of a change feed: `kind` is VERSION, AMENDED or REPEALED."""

    regulation: Regulation
    kind: str
    updated: datetime

    @property
    def guid(self) -> str:
        if self.kind == VERSION:
            return f"{TAG}regulation/{self.regulation.pk}/version"
        return f"{TAG}regulation/{self.regulation.pk}/status/{self.kind}"

    @property
    def is_new_work(self) -> bool:
        return not self.regulation.has_earlier

    @property
    def category(self) -> str:
        if self.kind == VERSION:
            return "新法规" if self.is_new_work else "新版本"
        return "已被修改" if self.kind == AMENDED else "已废止"

    @property
    def title(self) -> str:
        regulation = self.regulation
        if self.kind == VERSION:
            if self.is_new_work:
                return f"新法规：《{regulation.title}》"
            label = f"（{regulation.version_label}）" if regulation.version_label else ""
            return f"新版本{label}：《{regulation.title}》"
        return f"{self.regulation.cited_title}{self.category}"

    @property
    def summary(self) -> str:
        """HTML (Atom summary type="html"): the facts behind the entry."""
        regulation = self.regulation
        if self.kind == VERSION:
            parts = [regulation.level or "效力级别不详"]
            if regulation.promulgated_on:
                parts.append(f"{regulation.promulgated_on.isoformat()} 公布")
            start = regulation.in_force_from or regulation.effective_on
            if start:
                parts.append(f"{start.isoformat()} 施行")
            parts.append(f"时效性：{regulation.status}")
            return escape("；".join(parts))
        if self.kind == AMENDED:
            return escape(f"{regulation.expires_on.isoformat()} 起由新版本取代。")
        if regulation.expires_on:
            return escape(f"{regulation.expires_on.isoformat()} 起失效。")
        return escape("已废止（失效日期不详）。")


def change_entries(
    *,
    regulations: QuerySet[Regulation] | None = None,
    today: date | None = None,
    limit: int = MAX_ENTRIES,
) -> list[ChangeEntry]:
    """The newest `limit` changes among these regulations (all by default), newest first.

    Each kind of change is read newest first from its own query, `limit` at most, so the whole
    base is never loaded; the merged list is cut to `limit`.
    """
    today = today or timezone.localdate()
    base = (
        with_place_in_work(regulations if regulations is not None else Regulation.objects.all())
        .select_related("work")
        .only(*_FIELDS, "work__version_count")
    )
    dated = base.filter(promulgated_on__isnull=False).order_by("-promulgated_on", "-pk")
    undated = base.filter(promulgated_on__isnull=True).order_by("-updated_at", "-pk")
    amended = base.filter(superseded=True, expires_on__lte=today).order_by("-expires_on", "-pk")
    # The repeal of a work is told once, on its latest version; its earlier versions had been
    # amended before. A repeal dated in the future has not happened yet.
    latest_repealed = base.filter(repealed=True, superseded=False)
    repealed_dated = latest_repealed.filter(expires_on__lte=today).order_by("-expires_on", "-pk")
    repealed_undated = latest_repealed.filter(expires_on__isnull=True).order_by(
        "-updated_at", "-pk"
    )
    streams: list[tuple[QuerySet[Regulation], str, Callable[[Regulation], object]]] = [
        (dated, VERSION, lambda r: r.promulgated_on),
        (undated, VERSION, lambda r: r.updated_at),
        (amended, AMENDED, lambda r: r.expires_on),
        (repealed_dated, REPEALED, lambda r: r.expires_on),
        (repealed_undated, REPEALED, lambda r: r.updated_at),
    ]
    entries = [
        ChangeEntry(regulation=r, kind=kind, updated=moment(when(r)))
        for queryset, kind, when in streams
        for r in queryset[:limit]
    ]
    # On one day a new version comes before the change it makes to the version before it.
    entries.sort(key=lambda e: (e.updated, _KIND_RANK[e.kind], e.regulation.pk), reverse=True)
    return entries[:limit]


class _ChangeFeed(Feed):
    feed_type = feedgenerator.Atom1Feed
    author_name = SITE_NAME

    def item_title(self, item: ChangeEntry) -> str:
        return item.title  # Atom titles are text: no double escaping as for RSS

    def item_description(self, item: ChangeEntry) -> str:
        return item.summary

    def item_link(self, item: ChangeEntry) -> str:
        return item.regulation.get_absolute_url()

    def item_guid(self, item: ChangeEntry) -> str:
        return item.guid

    def item_updateddate(self, item: ChangeEntry) -> datetime:
        return item.updated

    def item_categories(self, item: ChangeEntry) -> list[str]:
        return [item.category]


class RegulationChangesFeed(_ChangeFeed):
    """/feeds/: new regulations and versions and status changes of the whole base."""

    title = "法规知识库：新法规与版本变化"
    subtitle = "新公布的法规与版本，以及版本被修改、法规被废止"
    feed_guid = f"{TAG}feed/changes"

    def link(self) -> str:
        return reverse("policies:regulation_list")

    def items(self) -> list[ChangeEntry]:
        return change_entries()


class WorkChangesFeed(_ChangeFeed):
    """/regulations/<slug>/feed/: the changes of the work of that version (404 when unknown)."""

    def get_object(self, request, slug: str) -> Regulation:
        return Regulation.objects.select_related("work").get(slug=slug)

    def title(self, obj: Regulation) -> str:
        return f"《{obj.work.title if obj.work else obj.title}》的版本变化"

    def subtitle(self, obj: Regulation) -> str:
        return "新版本，以及版本被修改、法规被废止"

    def feed_guid(self, obj: Regulation) -> str:
        if obj.work_id:
            return f"{TAG}feed/work/{obj.work_id}"
        return f"{TAG}feed/regulation/{obj.pk}"

    def link(self, obj: Regulation) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Regulation) -> list[ChangeEntry]:
        if obj.work_id:
            return change_entries(regulations=Regulation.objects.filter(work=obj.work_id))
        return change_entries(regulations=Regulation.objects.filter(pk=obj.pk))


# ---------------------------------------------------------------- search results


_PAGING = ("page", "page_size", "sort")  # the feed's own: its newest MAX_ENTRIES hits


class FeedRequestError(Exception):
    """A feed request that cannot be answered with a feed: a plain-text message and status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass
class SearchFeedQuery:
    query: str
    filter_labels: list[str]
    results: list
    path: str  # of the feed
    params: str  # the search's parameters (not the paging), in one order: its identity


class SearchResultsFeed(Feed):
    """/search/feed/?q=…&<filters>: the newest results of a search, one entry per hit.

    `search` is apps.search.selectors.search_documents; `form_class` validates the request's
    parameters and gives its keyword arguments (`search_kwargs()`); only the filters named in
    `filter_names` are used; `errors` maps the search's exceptions to the status answered
    (400 for bad parameters, 503 when the index cannot be read).
    """

    feed_type = feedgenerator.Atom1Feed
    author_name = SITE_NAME
    page_url_name = "search:search"

    def __init__(
        self,
        *,
        search: Callable,
        form_class: type,
        filter_names: Iterable[str],
        errors: dict[type[Exception], int],
    ):
        self.search = search
        self.form_class = form_class
        self.filter_names = tuple(filter_names)
        self.errors = dict(errors)

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except FeedRequestError as problem:
            return HttpResponse(
                str(problem), status=problem.status, content_type="text/plain; charset=utf-8"
            )

    def get_object(self, request) -> SearchFeedQuery:
        form = self.form_class(request.GET)
        if not form.is_valid():
            messages = [
                f"{form.fields[name].label if name in form.fields else name}：{error}"
                for name, errors in form.errors.items()
                for error in errors
            ]
            raise FeedRequestError("检索参数有误。" + "；".join(messages))
        arguments = form.search_kwargs()
        arguments["filters"] = {
            name: value
            for name, value in (arguments.get("filters") or {}).items()
            if name in self.filter_names
        }
        arguments.update(page=1, page_size=MAX_ENTRIES, sort="date")
        try:
            page = self.search(**arguments)
        except tuple(self.errors) as error:
            status = next(s for kind, s in self.errors.items() if isinstance(error, kind))
            raise FeedRequestError(str(error) or "检索失败。", status) from error
        labels = []
        for name, chosen in page.filters.items():
            field = form.fields.get(name)
            choices = dict(getattr(getattr(field, "field", field), "choices", ()) or ())
            values = chosen if isinstance(chosen, list) else [chosen]
            shown = "、".join(str(choices.get(v, v)) for v in values)
            labels.append(f"{field.label if field else name}：{shown}")
        params = sorted(
            (name, value)
            for name, values in request.GET.lists()
            for value in values
            if value and name in form.fields and name not in _PAGING
        )
        return SearchFeedQuery(
            query=arguments.get("query", ""),
            filter_labels=labels,
            results=page.results,
            path=request.path,
            params=urlencode(params),
        )

    @staticmethod
    def _with_params(url: str, obj: SearchFeedQuery) -> str:
        return f"{url}?{obj.params}" if obj.params else url

    def title(self, obj: SearchFeedQuery) -> str:
        what = f"检索“{obj.query}”" if obj.query else "检索全部内容"
        narrowed = f"（{'，'.join(obj.filter_labels)}）" if obj.filter_labels else ""
        return f"{what}{narrowed}的新结果"

    def subtitle(self, obj: SearchFeedQuery) -> str:
        return f"按日期排列的最新 {MAX_ENTRIES} 条检索结果"

    def feed_guid(self, obj: SearchFeedQuery) -> str:
        return self._with_params(f"{TAG}feed/search", obj)

    def feed_url(self, obj: SearchFeedQuery) -> str:
        return self._with_params(obj.path, obj)

    def link(self, obj: SearchFeedQuery) -> str:
        return self._with_params(reverse(self.page_url_name), obj)

    def items(self, obj: SearchFeedQuery) -> list:
        return obj.results

    def item_title(self, hit) -> str:
        return hit.title

    def item_description(self, hit) -> str:
        return strip_tags(hit.highlight)  # still escaped text: readers show it as it was

    def item_link(self, hit) -> str:
        return hit.url

    def item_guid(self, hit) -> str:
        record = getattr(hit, hit.type, None)
        if record is None:
            return hit.url
        return f"{TAG}{hit.type}/{record.pk}"

    def item_updateddate(self, hit) -> datetime | None:
        if hit.date:
            return moment(hit.date)
        record = getattr(hit, hit.type, None)
        return getattr(record, "updated_at", None)  # Atom needs a date: when it last changed

    def item_categories(self, hit) -> list[str]:
        return [hit.type_label]
