"""What goes into the search index for clauses, regulations and articles."""

from datetime import date

from django.db.models import Prefetch
from haystack import indexes

from apps.documents.models import Article
from apps.policies.models import Clause, Regulation

from .fields import (
    NO_SUFFIX,
    BigramsField,
    CharGramsField,
    DayField,
    FacetField,
    GroupField,
    MultiFacetField,
    StampField,
    WordsField,
)

TYPE_CLAUSE, TYPE_REGULATION, TYPE_ARTICLE = "clause", "regulation", "article"
TYPE_LABELS = {TYPE_CLAUSE: "条文", TYPE_REGULATION: "法规", TYPE_ARTICLE: "文章"}


def indexed_models() -> list[type]:
    """The indexed models, in the order a rebuild writes them (which fixes their docnums)."""
    return [Clause, Regulation, Article]


class _Common(indexes.SearchIndex):
    text = WordsField(document=True)
    chars = CharGramsField()
    title_chars = BigramsField()  # a regulation's names (on its own document), for 电子商务法第38条
    content_type = FacetField()
    issuer = MultiFacetField()
    level = FacetField()
    province = FacetField()
    city = FacetField()
    status = FacetField()
    year = FacetField()
    publication = FacetField()
    regulation = FacetField()  # slug, for "search within this regulation"
    number = FacetField()  # clause number, for 第38条 (a term: never compared as a number)
    suffix = FacetField()
    date = indexes.DateField(null=True)
    # Versions: one search hit per `lineage` (a clause across the versions of its work, or a
    # regulation's work), and the days each document's version was in force (for as_of).
    lineage = GroupField()
    valid_from = DayField()
    valid_until = DayField()
    stamp = StampField()

    def prepare_stamp(self, obj) -> int:
        return stamp_of(obj.updated_at)


def stamp_of(moment) -> int:
    return int(moment.timestamp() * 1_000_000) if moment else 0


ALWAYS = (0, date.max.toordinal())
# Lineage numbers: a clause's is the id of its first version; a regulation's and an article's
# are set apart above it (a regulation without a work is its own group).
_REGULATION_GROUPS, _LONE_REGULATION, _ARTICLE_GROUPS = 1 << 40, 1 << 39, 1 << 41


def version_days(regulation: Regulation) -> tuple[int, int]:
    """(first day, day after the last) the version was in force, as day ordinals; an end that
    is known to have come on an unknown day (a repeal the catalogue does not date, a later
    version without a start date) is day 0: the version matches no as_of day after its start."""
    start = regulation.in_force_from.toordinal() if regulation.in_force_from else 0
    if regulation.expires_on:
        return start, regulation.expires_on.toordinal()
    if regulation.superseded or regulation.repealed:
        return start, 0
    return start, ALWAYS[1]


def _regulation_fields(regulation: Regulation) -> dict:
    promulgated = regulation.promulgated_on
    valid_from, valid_until = version_days(regulation)
    return {
        "valid_from": valid_from,
        "valid_until": valid_until,
        "issuer": [body.name for body in regulation.issuers.all()],
        "level": regulation.level,
        "province": regulation.province,
        "city": regulation.city,
        "status": regulation.status,
        "year": str(promulgated.year) if promulgated else "",
        "regulation": regulation.slug,
        "date": promulgated,
    }


class ClauseIndex(_Common, indexes.Indexable):
    def get_model(self):
        return Clause

    def index_queryset(self, using=None):
        # Prefetched, not joined: the clauses of a regulation share one instance of it, whose
        # issuing bodies are then read once.
        regulations = Regulation.objects.prefetch_related("issuers")
        return Clause.objects.prefetch_related(Prefetch("regulation", queryset=regulations))

    def prepare(self, obj: Clause) -> dict:
        data = super().prepare(obj)
        data.update(_regulation_fields(obj.regulation))
        data.update(
            text=obj.text,
            chars=obj.text,
            title_chars="",
            content_type=TYPE_CLAUSE,
            number=str(obj.number),
            suffix=obj.suffix or NO_SUFFIX,
            publication="",
            lineage=obj.lineage_id,
        )
        return data


class RegulationIndex(_Common, indexes.Indexable):
    def get_model(self):
        return Regulation

    def index_queryset(self, using=None):
        return Regulation.objects.prefetch_related("issuers")

    def prepare(self, obj: Regulation) -> dict:
        data = super().prepare(obj)
        data.update(_regulation_fields(obj))
        body = "\n".join(filter(None, [obj.title, obj.doc_number, obj.preamble]))
        data.update(
            text=body,
            chars=body,
            title_chars=f"{obj.title} {obj.short_title}",
            content_type=TYPE_REGULATION,
            number="0",
            suffix="",
            publication="",
            lineage=_REGULATION_GROUPS + (obj.work_id or _LONE_REGULATION + obj.pk),
        )
        return data


class ArticleIndex(_Common, indexes.Indexable):
    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return Article.objects.select_related("publication")

    def prepare(self, obj: Article) -> dict:
        data = super().prepare(obj)
        published = obj.publication.published_on
        body = f"{obj.title}\n{obj.body}"
        data.update(
            text=body,
            chars=body,
            title_chars="",
            content_type=TYPE_ARTICLE,
            issuer=[],
            level="",
            province="",
            city="",
            status="",
            year=str(published.year) if published else "",
            publication=str(obj.publication),
            regulation="",
            number="0",
            suffix="",
            date=published,
            lineage=_ARTICLE_GROUPS + obj.pk,
            valid_from=ALWAYS[0],
            valid_until=ALWAYS[1],
        )
        return data
