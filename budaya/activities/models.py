"""Activities, their evidence and the recurring obligations they answer (capability 6).

Evidence (files and links) is shared: activities link to it here, and programme steps, decrees
and reports link to it from their own apps through a ManyToMany table that carries the
government. Writes go through ``evidence.py`` (files, links) and ``services.py`` (the rest).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from budaya.org.models import TenantModel, TenantQuerySet, Unit

# --- Evidence ------------------------------------------------------------------------------------


class EvidenceQuerySet(TenantQuerySet):
    def visible_to(self, user: Any, roles: Any = None) -> TenantQuerySet:
        """As every tenant model, plus the government's own evidence (no unit: a city-wide
        declaration, the city programme) for unit roles, who read their government's rows
        that belong to no agency (as adoptions and periods)."""
        scoped = super().visible_to(user, roles)
        if user is None or not getattr(user, "is_authenticated", False):
            return scoped
        scope = user.tenant_scope(roles)
        if scope.all_content:
            return scoped
        governments = {government for government, _path in scope.subtrees}
        if not governments:
            return scoped
        return scoped | self.filter(government_id__in=governments, unit__isnull=True)


EvidenceManager = models.Manager.from_queryset(EvidenceQuerySet)


class Evidence(TenantModel):
    """Proof of something done (data dukung, S Tabel 1 column 7): an uploaded file or a link.

    Files live in the default storage under ``evidence/<government>/...`` with a random name,
    never under a public URL; ``activities:evidence_file`` serves them after checking the
    reader's scope. The content type is what the content is, detected when stored.
    """

    class Kind(models.TextChoices):
        FILE = "file", _("File")
        LINK = "link", _("Link")

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("unit"),
        help_text=_("Empty for the government's own evidence."),
    )
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), max_length=255, blank=True)
    thumbnail = models.FileField(_("thumbnail"), max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = EvidenceManager()  # type: ignore[misc]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        indexes = [models.Index(fields=["government", "unit", "content_type"])]

    def __str__(self) -> str:
        return self.title or self.original_name or self.url or f"#{self.pk}"

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.FILE and self.content_type.startswith("image/")

    @property
    def is_video(self) -> bool:
        return self.kind == self.Kind.FILE and self.content_type.startswith("video/")

    @property
    def is_link(self) -> bool:
        return self.kind == self.Kind.LINK
