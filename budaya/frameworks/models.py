"""Value frameworks (capability 1): shared reference texts and their adoption by governments.

A framework's text (values, behaviour guides, manifestations) is reference data shared by the
governments that adopt it; adoptions and agency slogans are tenant data.

Ownership (issue 17): every framework and regulation has an owner, the installation (``owner``
empty: national texts such as BerAKHLAK) or one government. Only the owner's administrator (the
system administrator for the installation) writes its new versions or changes its facts; the
tables stay reference tables (Citus), the owner is a column, not the distribution key.
A published version is immutable: refused here, and its content hash, taken at publication, is
checked whenever its text is shown and by ``manage.py verify_frameworks``.

Who reads them (issue 18, item 4): ``visible_to(user)`` on each of the three. A government's
users read the installation's texts, their own government's and what their government adopted;
another government's framework or regulation is neither listed nor reachable (404). The system
administrator reads all (docs/security.md).
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from budaya.org.models import Government, TenantModel, Unit


class ImmutableVersionError(Exception):
    """A change to a published framework version: a change is a new version (issue 17)."""


def _owner_field() -> models.ForeignKey[Government | None, Government | None]:
    return models.ForeignKey(
        Government,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_("Empty: the installation (a national text); otherwise the government."),
    )


def _signed_in(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def _readers(user: Any) -> frozenset[int] | None:
    """The governments whose own texts a signed-in ``user`` reads; None for all of them.

    Frameworks and regulations are reference data, not tenant content: a government's users read
    the installation's texts and their own government's (issue 18, item 4: a page of one
    government never shows another's framework or regulation); the system administrator, who
    keeps the installation's reference data, reads all of them.
    """
    scope = user.tenant_scope()
    if scope.all_governments or scope.all_content:
        return None
    return frozenset(scope.member_governments)


def _adopted_by(governments: frozenset[int]) -> models.QuerySet[Any]:
    """The versions these governments adopted (now or before): theirs to read whoever owns them."""
    return Adoption.objects.filter(government_id__in=governments).values("version_id")


class RegulationQuerySet(models.QuerySet["Regulation"]):
    def visible_to(self, user: Any) -> RegulationQuerySet:
        """The installation's regulations, the user's governments' own, and those a version it
        may read rests on (its legal basis and what that revokes)."""
        if not _signed_in(user):
            return self.none()
        governments = _readers(user)
        if governments is None:
            return self
        bases = FrameworkVersion.objects.visible_to(user).values("legal_basis_id")
        return self.filter(
            models.Q(owner__isnull=True)
            | models.Q(owner_id__in=governments)
            | models.Q(pk__in=bases)
            | models.Q(revoked_by_id__in=bases)
        )


class ValueFrameworkQuerySet(models.QuerySet["ValueFramework"]):
    def visible_to(self, user: Any) -> ValueFrameworkQuerySet:
        """Frameworks with at least one version the user may read (``FrameworkVersion``)."""
        if not _signed_in(user):
            return self.none()
        if _readers(user) is None:
            return self
        return self.filter(pk__in=FrameworkVersion.objects.visible_to(user).values("framework_id"))


class FrameworkVersionQuerySet(models.QuerySet["FrameworkVersion"]):
    def visible_to(self, user: Any) -> FrameworkVersionQuerySet:
        """Versions of the user's governments' own frameworks (whatever regulation they cite);
        of the installation's frameworks when their legal basis is the installation's or the
        user's government's too (BerAKHLAK as a city's Perwal set it is that city's text); and
        any version one of the user's governments adopted."""
        if not _signed_in(user):
            return self.none()
        governments = _readers(user)
        if governments is None:
            return self
        Q = models.Q
        national = Q(framework__owner__isnull=True) & (
            Q(legal_basis__owner__isnull=True) | Q(legal_basis__owner_id__in=governments)
        )
        own = Q(framework__owner_id__in=governments)
        return self.filter(own | national | Q(pk__in=_adopted_by(governments)))


def comparable(text: str) -> str:
    """Wording only: case, punctuation and spacing do not make two texts differ."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


class Regulation(models.Model):
    """The legal basis of a framework (e.g. Peraturan Bupati Contoh Nomor 7 Tahun 2024)."""

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    issuer = models.CharField(_("issuer"), max_length=200)
    kind = models.CharField(_("kind of regulation"), max_length=120)
    number = models.CharField(_("number"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.TextField(_("title"))
    enacted_on = models.DateField(_("date enacted"), null=True, blank=True)
    promulgated_on = models.DateField(_("date promulgated"), null=True, blank=True)
    gazette = models.CharField(
        _("gazette"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where it was promulgated, e.g. Berita Daerah Kabupaten Contoh Tahun 2024 Nomor 7."
        ),
    )
    effective_on = models.DateField(_("effective date"), null=True, blank=True)
    effective_source = models.CharField(
        _("article that sets the effective date"), max_length=120, blank=True
    )
    revoked_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revokes",
        verbose_name=_("revoked by"),
    )
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revocation_source = models.CharField(_("article that revokes it"), max_length=120, blank=True)
    # Issue 17: only the owner's administrator changes these facts (a shared row is no longer
    # rewritten by whoever imports a file that names it).
    owner = _owner_field()

    objects = RegulationQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "issuer", "number"]
        verbose_name = _("regulation")
        verbose_name_plural = _("regulations")

    def __str__(self) -> str:
        return f"{self.kind_and_issuer} Nomor {self.number} Tahun {self.year}"

    @property
    def kind_and_issuer(self) -> str:
        """ "Peraturan Bupati" + "Bupati Contoh" reads "Peraturan Bupati Contoh"."""
        kind, issuer = self.kind.split(), self.issuer.split()
        for size in range(min(len(kind), len(issuer)), 0, -1):
            if [w.casefold() for w in kind[-size:]] == [w.casefold() for w in issuer[:size]]:
                return " ".join(kind + issuer[size:])
        return " ".join(kind + issuer)


class ValueFramework(models.Model):
    slug = models.SlugField(_("identifier"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # Issue 17: who writes its versions; a government wanting a variant makes its own copy.
    owner = _owner_field()

    objects = ValueFrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("value framework")
        verbose_name_plural = _("value frameworks")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("frameworks:detail", args=[self.slug])


class FrameworkVersion(models.Model):
    """One text of a framework: a draft, then published; a published version is never edited,
    a change is a new version (issue 17)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    framework = models.ForeignKey(ValueFramework, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The framework's name and description as this version states them: a later version (or a
    # copy) never changes what the adopters of this one read.
    name = models.CharField(_("name"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    # The regulations as the imported file stated them (canonical form): part of the hashed text.
    regulations = models.JSONField(default=list, editable=False)
    legal_basis = models.ForeignKey(
        Regulation,
        on_delete=models.PROTECT,
        related_name="framework_versions",
        verbose_name=_("legal basis"),
    )
    tagline = models.CharField(_("employer-branding tagline"), max_length=200, blank=True)
    tagline_source = models.CharField(_("source of the tagline"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # SHA-256 of the canonical export of this version: an import of the same text is a no-op,
    # and the stored rows must still give it (services.verify_version).
    content_hash = models.CharField(max_length=64, editable=False)
    imported_at = models.DateTimeField(auto_now_add=True)

    objects = FrameworkVersionQuerySet.as_manager()

    class Meta:
        ordering = ["framework", "-number"]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="framework_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name or self.framework.name} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Publishing (draft -> published) is the last save a version gets.
        if self.pk and type(self).objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise ImmutableVersionError(f"{self} is published and cannot be changed")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("frameworks:version", args=[self.framework.slug, self.number])

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if type(self).objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise ImmutableVersionError(f"{self} is published and cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class _VersionText(models.Model):
    """A row of a version's text: written while the version is a draft, never after."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_if_published()
        return super().delete(*args, **kwargs)

    def _version_id(self) -> int | None:
        raise NotImplementedError

    def _refuse_if_published(self) -> None:
        version_id = self._version_id()
        if (
            version_id is not None
            and FrameworkVersion.objects.filter(
                pk=version_id, status=FrameworkVersion.Status.PUBLISHED
            ).exists()
        ):
            raise ImmutableVersionError(f"version {version_id} is published and cannot be changed")


class CoreValue(_VersionText):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="values")
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    definition = models.TextField(_("definition"), blank=True)
    source = models.CharField(_("source"), max_length=120, blank=True)
    # Where another article names the value differently (T Pasal 6(1) lists "komitmen" where
    # Pasal 6(2)(d) defines "Melayani"), both are kept as written and the difference is shown.
    variant_name = models.CharField(_("name as written elsewhere"), max_length=120, blank=True)
    variant_source = models.CharField(_("source of that name"), max_length=120, blank=True)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("core value")
        verbose_name_plural = _("core values")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="core_value_code_unique"),
            models.UniqueConstraint(fields=["version", "order"], name="core_value_order_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_discrepancy(self) -> bool:
        return bool(self.variant_name) and comparable(self.variant_name) != comparable(self.name)

    def _version_id(self) -> int | None:
        return self.version_id


class BehaviourGuide(_VersionText):
    """Panduan perilaku (S Pasal 7: three per value)."""

    value = models.ForeignKey(CoreValue, on_delete=models.CASCADE, related_name="guides")
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))
    source = models.CharField(_("source"), max_length=120, blank=True)
    # S Pasal 7 and Tabel 3 word some guides differently; both are kept.
    variant_text = models.TextField(_("text as written elsewhere"), blank=True)
    variant_source = models.CharField(_("source of that text"), max_length=120, blank=True)

    class Meta:
        ordering = ["value", "order"]
        verbose_name = _("behaviour guide")
        verbose_name_plural = _("behaviour guides")

    def __str__(self) -> str:
        return self.text

    @property
    def has_discrepancy(self) -> bool:
        return bool(self.variant_text) and comparable(self.variant_text) != comparable(self.text)

    def _version_id(self) -> int | None:
        value = CoreValue.objects.filter(pk=self.value_id).values_list("version_id").first()
        return value[0] if value else None


class BehaviourManifestation(_VersionText):
    """Perwujudan perilaku (S Tabel 3): observable behaviour, the unit of measurement."""

    value = models.ForeignKey(CoreValue, on_delete=models.CASCADE, related_name="manifestations")
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))
    source = models.CharField(_("source"), max_length=120, blank=True)

    class Meta:
        ordering = ["value", "order"]
        verbose_name = _("behaviour manifestation")
        verbose_name_plural = _("behaviour manifestations")

    def __str__(self) -> str:
        return self.text

    def _version_id(self) -> int | None:
        value = CoreValue.objects.filter(pk=self.value_id).values_list("version_id").first()
        return value[0] if value else None


class Adoption(TenantModel):
    """A government adopts one framework version from a date; earlier adoptions stay as history."""

    version = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.PROTECT,
        related_name="adoptions",
        verbose_name=_("framework version"),
    )
    adopted_from = models.DateField(_("adopted from"))
    # The last day in force (inclusive); empty while the adoption is open.
    adopted_until = models.DateField(_("adopted until"), null=True, blank=True)
    decision = models.CharField(
        _("decision"),
        max_length=255,
        blank=True,
        help_text=_("The regulation or decree by which the government adopted it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["government", "-adopted_from"]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "adopted_from"], name="adoption_one_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.government} — {self.version}"


class Slogan(TenantModel):
    """An agency's own slogan linked to values (S Tabel 2 no. 1, evidence a)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="slogans", verbose_name=_("agency")
    )
    text = models.CharField(_("slogan"), max_length=255)
    values = models.ManyToManyField(
        CoreValue, through="SloganValue", related_name="slogans", verbose_name=_("values")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit", "text"]
        constraints = [
            models.UniqueConstraint(
                fields=["government", "unit", "text"], name="slogan_text_per_unit"
            )
        ]
        verbose_name = _("slogan")
        verbose_name_plural = _("slogans")

    def __str__(self) -> str:
        return self.text


class SloganValue(TenantModel):
    """A slogan's link to a value; carries the government like every tenant row (Citus)."""

    slogan = models.ForeignKey(Slogan, on_delete=models.CASCADE, related_name="value_links")
    value = models.ForeignKey(CoreValue, on_delete=models.PROTECT, related_name="slogan_links")

    class Meta:
        verbose_name = _("slogan value")
        verbose_name_plural = _("slogan values")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "slogan", "value"], name="slogan_value_unique"
            )
        ]
