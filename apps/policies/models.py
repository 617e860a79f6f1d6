from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from lawtext.numerals import cn_to_int
from lawtext.textnorm import find_dates
from lawtext.versions import status_on


class IssuingBody(models.Model):
    """制定机关 / 发文机关, under its one canonical name."""

    name = models.CharField("名称", max_length=100, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "发文机关"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IssuingBodyAlias(models.Model):
    """Another name of a body (全国人大常委会 for 全国人民代表大会常务委员会).

    Seeded from lawtext's data file at every ingestion; editors add more in the admin. Facets and
    filters show the canonical name; a filter or search with an alias finds the body.
    """

    name = models.CharField("别名", max_length=100, unique=True)
    body = models.ForeignKey(
        IssuingBody, verbose_name="机关", on_delete=models.CASCADE, related_name="aliases"
    )
    source = models.CharField("来源", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "机关别名"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} → {self.body.name}"

    def clean(self):
        if IssuingBody.objects.filter(name=self.name).exists():
            raise ValidationError({"name": "这是一个机关的正式名称，不能作为别名。"})


class Level(models.TextChoices):
    """效力级别 as 国家法律法规数据库 has them, in order of authority (lawtext.LEVELS)."""

    CONSTITUTION = "宪法"
    LAW = "法律"
    ADMINISTRATIVE_REGULATION = "行政法规"
    SUPERVISORY_REGULATION = "监察法规"
    JUDICIAL_INTERPRETATION = "司法解释"
    LOCAL_REGULATION = "地方性法规"
    AUTONOMOUS_REGULATION = "自治条例"
    SEPARATE_REGULATION = "单行条例"
    SPECIAL_ZONE_REGULATION = "经济特区法规"
    DEPARTMENTAL_RULE = "部门规章"
    LOCAL_GOVERNMENT_RULE = "地方政府规章"
    NORMATIVE_DOCUMENT = "规范性文件"
    LOCAL_NORMATIVE_DOCUMENT = "地方规范性文件"
    INDUSTRY_GUIDELINE = "行业指引"


class Status(models.TextChoices):
    """时效性 of a version on a day; it follows from the version's dates (lawtext.versions)."""

    IN_FORCE = "现行有效"
    AMENDED = "已被修改"  # a later version of the work took effect
    REPEALED = "已废止"
    NOT_YET_EFFECTIVE = "尚未生效"


class Work(models.Model):
    """One regulation across its versions (the 2018 and 2023 公司法 are versions of one work).

    Versions are grouped by `key` (lawtext.versions.work_key of the title, with the region);
    an editor may merge or split works in the admin, and ingestion then keeps the editor's
    grouping (`grouped_by_editor`).
    """

    key = models.CharField("归并键", max_length=300, unique=True)
    title = models.CharField("标题", max_length=300, help_text="最新版本的标题")
    version_count = models.PositiveIntegerField("版本数", default=1)
    # Keys of works an editor merged into this one: later versions under them join it.
    merged_keys = models.TextField("并入的归并键", blank=True, help_text="每行一个")
    grouped_by_editor = models.BooleanField(
        "人工归并", default=False, help_text="编辑合并或拆分过：导入不再按标题重新归并"
    )

    class Meta:
        verbose_name = verbose_name_plural = "法规（各版本）"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class TextSource(models.IntegerChoices):
    """Where the clauses come from; a higher value wins when sources describe one regulation."""

    CATALOGUE = 0, "目录"
    ARTICLE = 1, "出版物正文"
    LAW_FILE = 2, "官方文本"


class Regulation(models.Model):
    title = models.CharField("标题", max_length=300, db_index=True)
    short_title = models.CharField("简称", max_length=200, blank=True, db_index=True)
    slug = models.SlugField("标识", max_length=200, unique=True, allow_unicode=True)
    doc_number = models.CharField("文号", max_length=100, blank=True, db_index=True)
    # Empty when the sources do not tell it (reported in `problems`), never a guessed default.
    level = models.CharField(
        "效力级别", max_length=20, choices=Level.choices, blank=True, db_index=True
    )
    issuers = models.ManyToManyField(
        IssuingBody, verbose_name="制定机关", blank=True, related_name="regulations"
    )
    approvers = models.ManyToManyField(
        IssuingBody, verbose_name="批准机关", blank=True, related_name="approved_regulations"
    )
    province = models.CharField("省（自治区、直辖市）", max_length=20, blank=True, db_index=True)
    city = models.CharField("市", max_length=20, blank=True, db_index=True)
    promulgated_on = models.DateField("发布日期", null=True, blank=True, db_index=True)
    effective_on = models.DateField("施行日期", null=True, blank=True)
    status = models.CharField(
        "时效性", max_length=10, choices=Status.choices, default=Status.IN_FORCE, db_index=True
    )
    work = models.ForeignKey(
        Work,
        verbose_name="所属法规",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="versions",
    )
    version_label = models.CharField("版本", max_length=30, blank=True)  # 2018年修正
    # The day this version took effect (an amended version's own 施行, not the first one's);
    # the day it stopped applying: the next version's start, or the repeal's when it is known.
    in_force_from = models.DateField("本版本施行日期", null=True, blank=True, db_index=True)
    expires_on = models.DateField("失效日期", null=True, blank=True, db_index=True)
    repealed = models.BooleanField(
        "已废止", default=False, help_text="目录或废止决定记载已废止（日期不详时自施行起视为失效）"
    )
    superseded = models.BooleanField("有后续版本", default=False)
    source_article = models.ForeignKey(
        "documents.Article",
        verbose_name="来源文章",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="regulations",
    )
    catalogue_publication = models.ForeignKey(
        "documents.Publication",
        verbose_name="收录目录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="catalogued_regulations",
    )
    has_full_text = models.BooleanField("有全文", default=False, db_index=True)
    text_source = models.IntegerField(
        "文本来源", choices=TextSource.choices, default=TextSource.CATALOGUE
    )
    source_path = models.CharField("来源文件", max_length=500, blank=True)
    source_checksum = models.CharField(max_length=64, blank=True)
    preamble = models.TextField("序言/题注", blank=True)
    events = models.TextField("制定修改沿革", blank=True)
    incomplete = models.CharField(
        "可能不完整", max_length=300, blank=True, help_text="来源文本可能被截断的原因"
    )
    problems = models.TextField(
        "未能识别的字段", blank=True, help_text="导入时未能从来源读出的字段，每行一条"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "法规"
        ordering = ["-promulgated_on", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policies:regulation_detail", args=[self.slug])

    def clean(self):
        """The one check of the dates' order, for the admin, the API and the services.

        An amended version keeps its original 施行 date, so the effective date may precede the
        version's own date, but never the first enactment in its history (nor, without a
        history, the promulgation date).
        """
        earliest = min(filter(None, [self.first_event_date(), self.promulgated_on]), default=None)
        if self.effective_on and earliest and self.effective_on < earliest:
            raise ValidationError({"effective_on": "施行日期不能早于发布日期。"})

    @property
    def version_order(self) -> tuple:
        """Its place among the versions of its work (its own date, then its record)."""
        return (
            self.promulgated_on or self.in_force_from or self.effective_on or date.min,
            self.pk or 0,
        )

    def status_on(self, day: date) -> str:
        """Its 时效性 on `day`, from its dates alone (lawtext.versions.status_on)."""
        return status_on(
            day,
            effective_on=self.in_force_from,
            expires_on=self.expires_on,
            superseded=self.superseded,
            repealed=self.repealed,
        )

    def first_event_date(self):
        dates = find_dates(self.events)
        return min(dates) if dates else None

    @property
    def display_title(self) -> str:
        return f"《{self.title}》"

    @property
    def cited_title(self) -> str:
        """《中华人民共和国公司法》（2018年修正）: the version named when the work has several."""
        if self.version_label and self.work_id and self.work.version_count > 1:
            return f"《{self.title}》（{self.version_label}）"
        return self.display_title


def clause_key(number: int, suffix: str) -> str:
    """URL form of a clause's number: '38', or '10-1' for 第十条之一."""
    return f"{number}-{suffix_ordinal(suffix)}" if suffix else str(number)


def suffix_ordinal(suffix: str) -> int:
    """'之一' → 1; '' → 0."""
    return cn_to_int(suffix.removeprefix("之")) or 0 if suffix else 0


class Clause(models.Model):
    """One 条 (or numbered item of a policy document) with its 款 kept as lines of `text`."""

    regulation = models.ForeignKey(Regulation, on_delete=models.CASCADE, related_name="clauses")
    number = models.PositiveIntegerField("条号")
    suffix = models.CharField("之X", max_length=10, blank=True)
    label = models.CharField("条文标签", max_length=30)
    part = models.CharField("编", max_length=200, blank=True)
    chapter = models.CharField("章", max_length=200, blank=True)
    section = models.CharField("节", max_length=200, blank=True)
    text = models.TextField("条文", help_text="每款一行")
    order = models.PositiveIntegerField("顺序")
    # The first clause of the chain this clause continues across versions (matched by content,
    # since amendments renumber); empty: the clause is its own first version.
    lineage = models.PositiveIntegerField("沿革标识", null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "条文"
        ordering = ["regulation", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["regulation", "number", "suffix"], name="clause_unique_number"
            ),
        ]
        indexes = [models.Index(fields=["regulation", "order"])]

    def __str__(self) -> str:
        return f"{self.regulation.title} {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("policies:clause_detail", args=[self.regulation.slug, self.key])

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n") if p]

    @property
    def key(self) -> str:
        """URL form of the number: '38', or '10-1' for 第十条之一."""
        return clause_key(self.number, self.suffix)

    @property
    def lineage_id(self) -> int:
        return self.lineage or self.pk

    @property
    def citation_text(self) -> str:
        return f"{self.regulation.cited_title}{self.label}"

    @property
    def breadcrumb(self) -> list[str]:
        return [p for p in (self.part, self.chapter, self.section) if p]


class Citation(models.Model):
    """A clause's reference to a regulation or clause, resolved when the target is in the base."""

    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="citations")
    raw = models.CharField("引用原文", max_length=300)
    start = models.PositiveIntegerField("起始位置")
    end = models.PositiveIntegerField("结束位置")
    target_title = models.CharField("被引法规名称", max_length=300, blank=True)
    target_number = models.PositiveIntegerField("被引条号", null=True, blank=True)
    target_suffix = models.CharField(max_length=10, blank=True)
    target_regulation = models.ForeignKey(
        Regulation, null=True, blank=True, on_delete=models.SET_NULL, related_name="cited_by"
    )
    target_clause = models.ForeignKey(
        Clause, null=True, blank=True, on_delete=models.SET_NULL, related_name="cited_by"
    )

    class Meta:
        verbose_name = verbose_name_plural = "引用"
        ordering = ["clause", "start"]

    def __str__(self) -> str:
        return self.raw

    @property
    def resolved(self) -> bool:
        return self.target_clause_id is not None or (
            self.target_number is None and self.target_regulation_id is not None
        )


class RegulationSource(models.Model):
    """A law file (.md) of a regulation version: its text, one 编 of a work split over several
    files, or a copy of the same version found in another folder."""

    class Role(models.TextChoices):
        TEXT = "text", "正文"
        PART = "part", "分编"
        DUPLICATE = "duplicate", "重复副本"

    regulation = models.ForeignKey(
        Regulation, on_delete=models.CASCADE, related_name="sources", verbose_name="法规"
    )
    path = models.CharField("来源文件", max_length=500, unique=True)
    checksum = models.CharField(max_length=64)
    role = models.CharField("作用", max_length=10, choices=Role.choices, default=Role.TEXT)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "来源文件"
        ordering = ["regulation", "path"]

    def __str__(self) -> str:
        return self.path


class ContentVersion(models.Model):
    """One counter, raised by every committed change to the content.

    Cached pages are keyed by it, so no process serves a page rendered from older content.
    """

    counter = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"content version {self.counter}"


def regulation_issuers_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A regulation whose issuing bodies change is changed: its `updated_at` moves on, so that
    Last-Modified answers and the search index's change stamps see it (receiver of m2m_changed)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # changed from the issuing body's side: pk_set holds the regulations
        regulations = Regulation.objects.filter(pk__in=pk_set or ())
    else:
        regulations = Regulation.objects.filter(pk=instance.pk)
    regulations.update(updated_at=timezone.now())
