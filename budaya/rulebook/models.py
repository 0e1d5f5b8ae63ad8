"""A government's rulebook: its regulation as data, one immutable version after another.

The rulebook holds everything one regulation decides and another may decide differently (the
government's words, offices, programme stages, activity forms, teams, role-model eligibility,
monitoring and evaluation): ../shared/docs/product.md, "The rulebook". Only the government's city
administrator changes it (services.import_rulebook); each change is a new ``RulebookVersion`` with
an audit entry, and a version never changes once written, so a document made under it keeps it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from budaya.org.models import TenantModel


class ImmutableVersionError(Exception):
    """A written rulebook version may not be changed or deleted: a change is a new version."""


class Rulebook(TenantModel):
    """The one rulebook of a government; its content is in its versions (the latest is current)."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rulebook")
        verbose_name_plural = _("rulebooks")
        constraints = [models.UniqueConstraint(fields=["government"], name="rulebook_one")]

    def __str__(self) -> str:
        return str(self.government)

    def get_absolute_url(self) -> str:
        return reverse("rulebook:detail", args=[self.government.slug])


class RulebookVersion(TenantModel):
    """One version: the parsed document (canonical JSON), the YAML it was read from, its hash."""

    rulebook = models.ForeignKey(
        Rulebook, on_delete=models.PROTECT, related_name="versions", verbose_name=_("rulebook")
    )
    number = models.PositiveIntegerField(_("number"))
    content = models.JSONField(_("content"))
    source_text = models.TextField(_("file as uploaded"))
    source_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["government", "-number"]
        verbose_name = _("rulebook version")
        verbose_name_plural = _("rulebook versions")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "rulebook", "number"], name="rulebook_version_number"
            )
        ]

    def __str__(self) -> str:
        return str(_("Rulebook version %(number)s") % {"number": self.number})

    def get_absolute_url(self) -> str:
        return reverse("rulebook:version", args=[self.government.slug, self.number])

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImmutableVersionError(
                "A rulebook version is immutable: import a new version instead."
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableVersionError("A rulebook version is never deleted.")
