"""What goes into the search index for clauses, regulations and articles."""

from django.db.models import Prefetch
from haystack import indexes

from apps.documents.models import Article
from apps.policies.models import Clause, Regulation

from .fields import (
    NO_SUFFIX,
    BigramsField,
    CharGramsField,
    FacetField,
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
    stamp = StampField()

    def prepare_stamp(self, obj) -> int:
        return stamp_of(obj.updated_at)


def stamp_of(moment) -> int:
    return int(moment.timestamp() * 1_000_000) if moment else 0


def _regulation_fields(regulation: Regulation) -> dict:
    promulgated = regulation.promulgated_on
    return {
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
        )
        return data
