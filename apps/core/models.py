from django.db import models


class Change(models.Model):
    """One committed write to a synced record (a regulation, clause, article or publication):
    an entry of the change feed. Database triggers write these rows (`apps.core.changes`), so
    bulk writes, cascades and raw SQL are logged as surely as a model's save()."""

    class Action(models.TextChoices):
        CREATED = "created"
        UPDATED = "updated"
        DELETED = "deleted"

    # PostgreSQL: the writing transaction's id. The feed is read in (txid, id) order, and only
    # below the oldest transaction still running, so no entry can appear behind a cursor.
    # SQLite has one writer at a time: txid stays 0 and ids follow commit order.
    txid = models.BigIntegerField(default=0)
    at = models.DateTimeField("时间")
    kind = models.CharField("类型", max_length=20)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    object_id = models.BigIntegerField("记录标识")
    slug = models.CharField("法规标识", max_length=200, blank=True)  # a regulation's, a clause's
    number = models.PositiveIntegerField("条号", null=True, blank=True)  # a clause's
    suffix = models.CharField("之X", max_length=10, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "变更记录"
        indexes = [
            models.Index(fields=["txid", "id"], name="change_feed_order"),
            models.Index(fields=["kind", "object_id"], name="change_record"),
            models.Index(fields=["at"], name="change_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.action}"


class ChangeHorizon(models.Model):
    """The feed's one row of bookkeeping: the newest tombstone removed by `prune_changes`. A
    cursor from before it may have missed a deletion, and must start over."""

    pruned_txid = models.BigIntegerField(default=0)
    pruned_id = models.BigIntegerField(default=0)
    generation = models.PositiveIntegerField(default=0)  # prunings that removed tombstones
    pruned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"tombstones pruned through {self.generation}.{self.pruned_txid}.{self.pruned_id}"


class ReadPosition(models.Model):
    """Where the primary's write-ahead log stood after a user's last write (PostgreSQL with read
    replicas): that user reads from a replica only once it has replayed that far."""

    user = models.OneToOneField("auth.User", on_delete=models.CASCADE, primary_key=True)
    lsn = models.CharField("日志位置", max_length=32)  # pg_lsn as text, e.g. 0/3000148

    class Meta:
        verbose_name = verbose_name_plural = "读取位置"

    def __str__(self) -> str:
        return f"{self.user_id} {self.lsn}"
