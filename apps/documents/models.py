from django.db import models
from django.urls import reverse


class Publication(models.Model):
    """A source document: a newsletter issue or a report, as one file of the corpus."""

    title = models.CharField("标题", max_length=200)
    publisher = models.CharField("主办/出版单位", max_length=200, blank=True)
    issue_label = models.CharField("期号", max_length=100, blank=True)
    published_on = models.DateField("出版日期", null=True, blank=True)
    source_path = models.CharField("来源文件", max_length=500, unique=True)
    checksum = models.CharField("SHA-256", max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "出版物"
        ordering = ["-published_on", "title"]

    def __str__(self) -> str:
        return f"{self.title} {self.issue_label}".strip()

    def get_absolute_url(self) -> str:
        return reverse("documents:publication_detail", args=[self.pk])


class Article(models.Model):
    """A news item or section of a publication, under its column (栏目)."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="articles")
    order = models.PositiveIntegerField("顺序")
    column = models.CharField("栏目", max_length=100, blank=True)
    title = models.CharField("标题", max_length=300)
    body = models.TextField("正文", blank=True)
    source = models.CharField("来源", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "文章"
        ordering = ["publication", "order"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "order"], name="article_unique_order")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:article_detail", args=[self.pk])

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n") if p]
