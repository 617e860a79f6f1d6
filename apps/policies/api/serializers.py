from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from lawtext.numerals import int_to_cn
from lawtext.provisions import anchor, paragraphs_of, provision_label

from ..models import Citation, Clause, Level, Regulation


class RegulationSerializer(serializers.ModelSerializer):
    # Slugs keep Chinese characters (电子商务法-2018-08-31); not the ASCII-only \w of the schema.
    slug = serializers.CharField(read_only=True)
    issuers = serializers.SerializerMethodField(help_text="制定机关（规范名称）")
    approvers = serializers.SerializerMethodField(help_text="批准机关（规范名称）")
    clause_count = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()

    class Meta:
        model = Regulation
        fields = [
            "slug",
            "title",
            "short_title",
            "doc_number",
            "level",
            "issuers",
            "approvers",
            "province",
            "city",
            "promulgated_on",
            "effective_on",
            "version_label",
            "in_force_from",
            "expires_on",
            "status",
            "repealed",
            "has_full_text",
            "clause_count",
            "url",
            "html_url",
        ]

    def get_issuers(self, obj) -> list[str]:
        return [body.name for body in obj.issuers.all()]

    def get_approvers(self, obj) -> list[str]:
        return [body.name for body in obj.approvers.all()]

    def get_clause_count(self, obj) -> int:
        count = getattr(obj, "clause_count", None)
        return count if count is not None else obj.clauses.count()

    def get_url(self, obj) -> str:
        return reverse(
            "api:regulation-detail", args=[obj.slug], request=self.context.get("request")
        )

    def get_html_url(self, obj) -> str:
        return obj.get_absolute_url()


class TocEntrySerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="编, 章 or 节; empty for clauses under no heading")
    title = serializers.CharField()
    first = serializers.IntegerField(source="first.number")
    last = serializers.IntegerField(source="last.number")
    range = serializers.CharField(source="range_label")
    clauses = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()

    def get_clauses(self, obj) -> list[str]:
        return [clause.key for clause in obj.clauses]

    def get_children(self, obj) -> list[dict]:
        return TocEntrySerializer(obj.children, many=True).data


class SourceArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    column = serializers.CharField()
    publication = serializers.CharField()
    html_url = serializers.CharField(source="get_absolute_url")


class VersionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    version_label = serializers.CharField(help_text="如 2018年修正、2023年修订")
    promulgated_on = serializers.DateField(allow_null=True, help_text="公布日期")
    in_force_from = serializers.DateField(allow_null=True, help_text="本版本施行日期")
    expires_on = serializers.DateField(
        allow_null=True, help_text="失效日期：下一版本施行之日或废止之日（不详时为空）"
    )
    status = serializers.CharField(help_text="今天的时效性")
    url = serializers.SerializerMethodField()
    html_url = serializers.CharField(source="get_absolute_url")

    def get_url(self, obj) -> str:
        return reverse(
            "api:regulation-detail", args=[obj.slug], request=self.context.get("request")
        )


class RegulationDetailSerializer(RegulationSerializer):
    versions = serializers.SerializerMethodField(help_text="同一法规的全部版本，按时间先后")
    current_version = serializers.SerializerMethodField(
        help_text="现行有效的版本（没有时为最新版本）的标识"
    )
    toc = serializers.SerializerMethodField()
    source_article = SourceArticleSerializer(allow_null=True)
    events = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField(help_text="导入时未能从来源读出或有出入的字段")
    sources = serializers.SerializerMethodField(help_text="来源文件（含分编与重复副本）")

    class Meta(RegulationSerializer.Meta):
        fields = RegulationSerializer.Meta.fields + [
            "preamble",
            "events",
            "incomplete",
            "problems",
            "sources",
            "source_article",
            "versions",
            "current_version",
            "toc",
        ]

    def get_versions(self, obj) -> list[dict]:
        return VersionSerializer(self.context["versions"], many=True, context=self.context).data

    def get_current_version(self, obj) -> str:
        return self.context["current_version"].slug

    def get_toc(self, obj) -> list[dict]:
        return TocEntrySerializer(self.context.get("toc", []), many=True).data

    def get_events(self, obj) -> list[str]:
        return [line for line in obj.events.splitlines() if line]

    def get_problems(self, obj) -> list[str]:
        return [line for line in obj.problems.splitlines() if line]

    def get_sources(self, obj) -> list[dict]:
        return [
            {"path": source.path, "role": source.role, "note": source.note}
            for source in obj.sources.all()
        ]


class CitationSerializer(serializers.ModelSerializer):
    regulation = serializers.SlugRelatedField(
        source="target_regulation", slug_field="slug", read_only=True, allow_null=True
    )
    clause_url = serializers.SerializerMethodField()
    resolved = serializers.BooleanField(read_only=True)

    class Meta:
        model = Citation
        fields = [
            "raw",
            "target_title",
            "target_number",
            "target_suffix",
            "regulation",
            "clause_url",
            "resolved",
        ]

    def get_clause_url(self, obj) -> str | None:
        clause = obj.target_clause
        return clause_api_url(clause, self.context.get("request")) if clause else None


class CitedBySerializer(serializers.Serializer):
    regulation = serializers.CharField(source="clause.regulation.slug")
    regulation_title = serializers.CharField(source="clause.regulation.title")
    number = serializers.IntegerField(source="clause.number")
    label = serializers.CharField(source="clause.label")
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return clause_api_url(obj.clause, self.context.get("request"))


def clause_api_url(clause: Clause, request) -> str:
    return reverse("api:clause-detail", args=[clause.regulation.slug, clause.key], request=request)


# ---------------------------------------------------------------- citations


def regulation_api_url(slug: str, request) -> str:
    return reverse("api:regulation-detail", args=[slug], request=request)


class RegulationLinkSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()
    html_url = serializers.CharField(source="get_absolute_url")

    def get_url(self, obj) -> str:
        return regulation_api_url(obj.slug, self.context.get("request"))


class ClauseLinkSerializer(serializers.Serializer):
    regulation = serializers.CharField(source="regulation.slug", help_text="法规标识")
    regulation_title = serializers.CharField(source="regulation.title")
    number = serializers.IntegerField()
    suffix = serializers.CharField(help_text="之X（如 之一），没有时为空")
    label = serializers.CharField(help_text="如 第三十八条、第十条之一")
    url = serializers.SerializerMethodField()
    html_url = serializers.CharField(source="get_absolute_url")

    def get_url(self, obj) -> str:
        return clause_api_url(obj, self.context.get("request"))


class CitationLinkSerializer(serializers.Serializer):
    raw = serializers.CharField(help_text="条文中的引用原文")
    target_title = serializers.CharField(help_text="被引法规名称（本法、本条例等为空）")
    target_number = serializers.IntegerField(allow_null=True, help_text="被引条号")
    target_suffix = serializers.CharField()
    resolved = serializers.BooleanField(help_text="被引的法规（或条文）在库中")
    regulation = RegulationLinkSerializer(
        source="target_regulation", allow_null=True, help_text="被引法规；不在库中时为空"
    )
    clause = ClauseLinkSerializer(
        source="target_clause",
        allow_null=True,
        help_text="被引条文；引用整部法规或该条不在库中时为空",
    )


class CitingClauseSerializer(serializers.Serializer):
    clause = ClauseLinkSerializer(help_text="引用本条的条文")
    raw = serializers.CharField(help_text="该条文中的引用原文")


class ClauseCitationCountsSerializer(serializers.Serializer):
    cites = serializers.IntegerField()
    cited_by = serializers.IntegerField()


class ClauseCitationsSerializer(serializers.Serializer):
    clause = ClauseLinkSerializer()
    cites = CitationLinkSerializer(many=True, help_text="本条引用的法规和条文，按出现顺序")
    cited_by = CitingClauseSerializer(many=True, help_text="引用本条的条文")
    counts = ClauseCitationCountsSerializer()


class CitationGraphEntrySerializer(serializers.Serializer):
    slug = serializers.CharField(allow_null=True, help_text="法规标识；被引法规不在库中时为空")
    title = serializers.CharField()
    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()
    count = serializers.IntegerField(help_text="引用次数")
    clauses = serializers.IntegerField(help_text="作出引用的条文数")

    def get_url(self, obj) -> str | None:
        return regulation_api_url(obj.slug, self.context.get("request")) if obj.slug else None

    def get_html_url(self, obj) -> str | None:
        return reverse("policies:regulation_detail", args=[obj.slug]) if obj.slug else None


class CitationGraphCountsSerializer(serializers.Serializer):
    outgoing = serializers.IntegerField(help_text="引用其他法规的次数（含不在库中的）")
    incoming = serializers.IntegerField(help_text="被其他法规引用的次数")
    internal = serializers.IntegerField(help_text="引用本法规自身（本法、本条例）的次数")
    outgoing_regulations = serializers.IntegerField(help_text="所引用的库中法规数")
    incoming_regulations = serializers.IntegerField(help_text="引用本法规的法规数")


class RegulationCitationsSerializer(serializers.Serializer):
    regulation = RegulationLinkSerializer()
    outgoing = CitationGraphEntrySerializer(
        many=True, help_text="本法规引用的其他法规，按引用次数从多到少"
    )
    incoming = CitationGraphEntrySerializer(
        many=True, help_text="引用本法规（或其条文）的其他法规，按引用次数从多到少"
    )
    counts = CitationGraphCountsSerializer()


class ProvisionItemSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    label = serializers.CharField(help_text="如 第三项")
    anchor = serializers.CharField(help_text="条文页上的锚点，如 k1x3")
    text = serializers.CharField()


class ProvisionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    label = serializers.CharField(help_text="如 第二款")
    anchor = serializers.CharField(help_text="条文页上的锚点，如 k2")
    text = serializers.CharField()
    items = ProvisionItemSerializer(many=True)


def provisions_data(clause: Clause) -> list[dict]:
    """The 款 of a clause with their 项, numbered as they are cited."""
    return [
        {
            "number": p.number,
            "label": provision_label(p.number),
            "anchor": anchor(p.number),
            "text": p.text,
            "items": [
                {
                    "number": n,
                    "label": f"第{int_to_cn(n)}项",
                    "anchor": anchor(p.number, n),
                    "text": text,
                }
                for n, text in p.items
            ],
        }
        for p in paragraphs_of(clause.text)
    ]


class ClauseSerializer(serializers.ModelSerializer):
    paragraphs = serializers.ListField(child=serializers.CharField(), read_only=True)
    provisions = serializers.SerializerMethodField(help_text="各款及其项（按引用时的编号）")
    regulation = serializers.CharField(source="regulation.slug", read_only=True)
    url = serializers.SerializerMethodField()
    html_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Clause
        fields = [
            "regulation",
            "number",
            "suffix",
            "label",
            "part",
            "chapter",
            "section",
            "text",
            "paragraphs",
            "provisions",
            "url",
            "html_url",
        ]

    def get_url(self, obj) -> str:
        return clause_api_url(obj, self.context.get("request"))

    @extend_schema_field(ProvisionSerializer(many=True))
    def get_provisions(self, obj) -> list[dict]:
        return provisions_data(obj)


class FocusSerializer(serializers.Serializer):
    paragraph = serializers.IntegerField()
    item = serializers.IntegerField(allow_null=True)
    label = serializers.CharField(help_text="如 第二款、第一款第三项")
    citation = serializers.CharField(help_text="如 《中华人民共和国电子商务法》第三十八条第二款")
    anchor = serializers.CharField()
    text = serializers.CharField()


class ClauseDetailSerializer(ClauseSerializer):
    citations = serializers.SerializerMethodField()
    cited_by = serializers.SerializerMethodField()
    focus = serializers.SerializerMethodField(
        help_text="地址指向某款或某项时（如 38.2、第38条第2款）：该款或该项"
    )

    class Meta(ClauseSerializer.Meta):
        fields = ClauseSerializer.Meta.fields + ["citations", "cited_by", "focus"]

    @extend_schema_field(FocusSerializer(allow_null=True))
    def get_focus(self, obj) -> dict | None:
        ref = self.context.get("provision")
        if ref is None:
            return None
        paragraph = paragraphs_of(obj.text)[ref.paragraph - 1]
        text = dict(paragraph.items)[ref.item] if ref.item else paragraph.text
        label = provision_label(ref.paragraph, ref.item)
        return {
            "paragraph": ref.paragraph,
            "item": ref.item,
            "label": label,
            "citation": obj.citation_text + label,
            "anchor": anchor(ref.paragraph, ref.item),
            "text": text,
        }

    def get_citations(self, obj) -> list[dict]:
        return CitationSerializer(self.context["citations"], many=True, context=self.context).data

    def get_cited_by(self, obj) -> list[dict]:
        return CitedBySerializer(self.context["cited_by"], many=True, context=self.context).data


# ---------------------------------------------------------------- writes


class RegulationWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    short_title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    doc_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    level = serializers.ChoiceField(choices=Level.choices)
    issuers = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    province = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=20, required=False, allow_blank=True)
    promulgated_on = serializers.DateField(required=False, allow_null=True)
    effective_on = serializers.DateField(required=False, allow_null=True)
    repealed = serializers.BooleanField(
        required=False, help_text="已废止（时效性由日期与此项得出，不能直接写入）"
    )
    events = serializers.CharField(
        required=False, allow_blank=True, help_text="制定修改沿革，每行一条"
    )
    preamble = serializers.CharField(required=False, allow_blank=True)


class ClauseWriteSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1, max_value=100000)
    suffix = serializers.RegexField(
        r"^(之[一二三四五六七八九十]+)?$", required=False, allow_blank=True, max_length=10
    )
    text = serializers.CharField()
    part = serializers.CharField(max_length=200, required=False, allow_blank=True)
    chapter = serializers.CharField(max_length=200, required=False, allow_blank=True)
    section = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ComparedClauseSerializer(serializers.Serializer):
    label = serializers.CharField()
    number = serializers.CharField(source="key", help_text="条号，如 38 或 10-1")
    chapter = serializers.CharField()
    text = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return clause_api_url(obj, self.context.get("request"))


class ComparePairSerializer(serializers.Serializer):
    old = ComparedClauseSerializer(allow_null=True)
    new = ComparedClauseSerializer(allow_null=True)
    change = serializers.ChoiceField(choices=["same", "changed", "added", "removed", "moved"])
    diff = serializers.SerializerMethodField(
        help_text="修改的条文的逐字差异：[操作, 文字]，操作为 =（相同）、-（删除）、+（新增）"
    )

    def get_diff(self, obj) -> list[list[str]] | None:
        return [list(piece) for piece in obj.diff] if obj.diff else None


class CompareSerializer(serializers.Serializer):
    old = VersionSerializer()
    new = VersionSerializer()
    pairs = ComparePairSerializer(many=True)
