"""Governments (the tenants), their units as a tree, and their employees."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from budaya.files import GeneratedName
from budaya.tasks import BackgroundJob
from budaya.text import clean_text, search_key


def _scope(user: Any, roles: Any) -> Any:
    """The user's tenant scope (``budaya.accounts.scoping.TenantScope``), or None when signed out.

    Duck-typed on purpose: accounts imports org, so org must not import accounts.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.tenant_scope(roles)


class GovernmentQuerySet(models.QuerySet["Government"]):
    def visible_to(self, user: Any, roles: Any = None) -> GovernmentQuerySet:
        """Governments the user holds a role in; every government for a system administrator."""
        scope = _scope(user, roles)
        if scope is None:
            return self.none()
        if scope.all_governments or scope.all_content:
            return self
        return self.filter(pk__in=scope.member_governments)


class TenantQuerySet(models.QuerySet[Any]):
    """The one entry point for reads of tenant data: ``Model.objects.visible_to(user)``.

    City administrators and leadership see their government whole; unit heads, unit teams and
    employees see their agency subtree in models that belong to a unit (``scope_unit_path``),
    and their government's rows in models that do not (adoptions, periods). A system
    administrator sees no tenant content unless BUDAYA_SYSTEM_ADMIN_SEES_CONTENT is set.
    ``roles`` narrows the grants that count, to check what a user may act on, e.g.
    ``Unit.objects.visible_to(user, roles=[Role.CITY_ADMIN])``.
    """

    def visible_to(self, user: Any, roles: Any = None) -> TenantQuerySet:
        scope = _scope(user, roles)
        if scope is None:
            return self.none()
        if scope.all_content:
            return self
        unit_path = scope_unit_path(self.model)
        query = models.Q(government_id__in=scope.governments)
        for government, path in scope.subtrees:
            if unit_path:
                query |= models.Q(government_id=government, **{f"{unit_path}__startswith": path})
            else:
                query |= models.Q(government_id=government)
        if not (scope.governments or scope.subtrees):
            return self.none()
        return self.filter(query)


def scope_unit_path(model: type[models.Model]) -> str | None:
    """The lookup to the materialised unit path of a tenant model, or None if it has no unit."""
    declared = getattr(model, "scope_unit_path", None)
    if declared is not None:
        return declared or None
    try:
        field = model._meta.get_field("unit")
    except Exception:
        return None
    return "unit__path" if field.is_relation else None


TenantManager = models.Manager.from_queryset(TenantQuerySet)


class Government(models.Model):
    """A regional government: one tenant of the system (glossary: Pemerintah Daerah)."""

    class Kind(models.TextChoices):
        KOTA = "kota", _("City (Kota)")
        KABUPATEN = "kabupaten", _("Regency (Kabupaten)")
        PROVINSI = "provinsi", _("Province (Provinsi)")

    class TimeZone(models.TextChoices):
        WIB = "Asia/Jakarta", _("WIB (UTC+7)")
        WITA = "Asia/Makassar", _("WITA (UTC+8)")
        WIT = "Asia/Jayapura", _("WIT (UTC+9)")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short address name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    kemendagri_code = models.CharField(
        _("Kemendagri code"),
        max_length=13,
        unique=True,
        help_text=_("Region code of the Ministry of Home Affairs, e.g. 36.71."),
    )
    timezone = models.CharField(
        _("time zone"), max_length=40, choices=TimeZone.choices, default=TimeZone.WIB
    )
    # PNG, JPEG or a cleaned SVG (org/logos.py), stored under a generated name (issue 17).
    logo = models.FileField(
        _("logo"),
        upload_to=GeneratedName("logos", "logo", ("png", "jpg", "svg")),
        max_length=255,
        blank=True,
    )
    # The letterhead (kop surat) of the government's documents (issue 19, budaya/letterhead.py).
    letterhead_name = models.CharField(
        _("name on the letterhead"),
        max_length=200,
        blank=True,
        help_text=_("As the letterhead prints it; empty: “Pemerintah” and the name."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("telephone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), max_length=120, blank=True)
    website = models.URLField(_("website"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GovernmentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("government")
        verbose_name_plural = _("governments")

    def __str__(self) -> str:
        return self.name

    @property
    def head_title(self) -> str:
        """The head of government's title as the government's own rulebook writes it (issue 18:
        one place to read; the starter's "Kepala Daerah" until the government loads its own)."""
        from budaya.rulebook.selectors import current_rulebook

        return current_rulebook(self).words.head_of_government_title.text


class TenantModel(models.Model):
    """Every tenant-owned table carries its government (distribution column for Citus)."""

    government = models.ForeignKey(
        Government, on_delete=models.PROTECT, verbose_name=_("government")
    )

    objects = TenantManager()

    class Meta:
        abstract = True


class Unit(TenantModel):
    """An agency (Perangkat Daerah, no parent) or a sub-unit (with a parent)."""

    class Kind(models.TextChoices):
        SETDA = "setda", _("Regional Secretariat (Sekretariat Daerah)")
        SETWAN = "setwan", _("DPRD Secretariat (Sekretariat DPRD)")
        INSPEKTORAT = "inspektorat", _("Inspectorate (Inspektorat)")
        DINAS = "dinas", _("Service (Dinas)")
        BADAN = "badan", _("Agency (Badan)")
        SATPOL_PP = "satpol_pp", _("Civil Service Police (Satpol PP)")
        KECAMATAN = "kecamatan", _("District (Kecamatan)")
        KELURAHAN = "kelurahan", _("Sub-district (Kelurahan)")
        KANTOR = "kantor", _("Office (Kantor)")
        RSUD = "rsud", _("Regional Hospital (RSUD)")
        UPTD = "uptd", _("Technical Unit (UPTD)")
        UPTB = "uptb", _("Agency Technical Unit (UPTB)")
        BAGIAN = "bagian", _("Section (Bagian)")
        BIDANG = "bidang", _("Division (Bidang)")
        SEKSI = "seksi", _("Subsection (Seksi/Subbagian)")

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    # Materialised path of ids ("12/40/"), so a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active until"), null=True, blank=True)
    # The unit's lines of the letterhead (issue 19): set by the city administrator or the unit
    # head of the agency.
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("telephone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), max_length=120, blank=True)
    website = models.URLField(_("website"), max_length=200, blank=True)

    # A unit is in a subtree when its own path starts with the subtree's path.
    scope_unit_path = "path"

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["government", "code"], name="unit_code_per_government")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().save(*args, **kwargs)
        parent_path = self.parent.path if self.parent_id and self.parent else ""
        path = f"{parent_path}{self.pk}/"
        if path != self.path:
            self.path = path
            Unit.objects.filter(pk=self.pk).update(path=path)

    @property
    def kind_label(self) -> str:
        """The kind's name: what ``get_kind_display`` gives, without rebuilding the choices on
        every call (the tree shows hundreds of units)."""
        try:
            return str(Unit.Kind(self.kind).label)
        except ValueError:
            return self.kind

    @property
    def is_agency(self) -> bool:
        return self.parent_id is None


class Employee(TenantModel):
    """A civil servant (ASN): PNS with a NIP, or PPPK with an NI PPPK.

    Only what the programme needs is kept (UU 27/2022 on personal data): no address,
    phone or religion.
    """

    class Sex(models.TextChoices):
        MALE = "L", _("Male")
        FEMALE = "P", _("Female")

    class Status(models.TextChoices):
        PNS = "PNS", "PNS"
        PPPK = "PPPK", "PPPK"

    class PositionKind(models.TextChoices):
        STRUCTURAL = "struktural", _("Structural")
        FUNCTIONAL = "fungsional", _("Functional")
        EXECUTOR = "pelaksana", _("Executor (pelaksana)")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="employees", verbose_name=_("unit")
    )
    nip = models.CharField(_("NIP"), max_length=18, null=True, blank=True)
    ni_pppk = models.CharField(_("NI PPPK"), max_length=30, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    # The name as searched: case folded, accents and invisible characters removed (issue 23:
    # "Jose" finds "José"), kept by save() and by the import's bulk INSERT.
    name_search = models.CharField(max_length=255, editable=False, default="")
    front_title = models.CharField(_("front title"), max_length=40, blank=True)
    back_title = models.CharField(_("back title"), max_length=60, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    status = models.CharField(_("status"), max_length=4, choices=Status.choices)
    rank = models.CharField(_("rank/grade"), max_length=6, blank=True)
    echelon = models.CharField(_("echelon"), max_length=5, blank=True)
    position_name = models.CharField(_("position"), max_length=255, blank=True)
    position_kind = models.CharField(
        _("position kind"), max_length=12, choices=PositionKind.choices, blank=True
    )
    active = models.BooleanField(_("active"), default=True)
    # Set when a full-roster import did not list this employee; never deleted for that.
    possibly_left_since = models.DateField(_("possibly left since"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "nip"],
                condition=models.Q(nip__isnull=False),
                name="employee_nip_per_government",
            ),
            models.UniqueConstraint(
                fields=["government", "ni_pppk"],
                condition=models.Q(ni_pppk__isnull=False),
                name="employee_ni_pppk_per_government",
            ),
        ]
        # The list's order (name, then pk) within a government: a page is read from the
        # index, never sorted from the whole roster (issue 25). The search's trigram indexes
        # are PostgreSQL's only: migration 0013.
        indexes = [models.Index(fields=["government", "name", "id"], name="employee_by_name")]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.name = clean_text(self.name)
        self.name_search = search_key(self.name)[:255]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_search"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        name = f"{self.front_title} {self.name}".strip()
        return f"{name}, {self.back_title}" if self.back_title else name


class ColumnMapping(TenantModel):
    """The header a government's roster export uses for one field (remembered between imports)."""

    field = models.CharField(_("field"), max_length=20)
    header = models.CharField(_("column header"), max_length=120)

    class Meta:
        ordering = ["government", "field"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(fields=["government", "field"], name="column_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.field} ← {self.header}"


class EmployeeImport(TenantModel, BackgroundJob):
    """One upload of a roster, or of the unit tree (issue 23): planned first (dry run), applied
    only when confirmed. Both kinds share the plan (``ImportRow``), the preview and the states.

    Planning and applying run in the background (budaya.tasks): a run whose process died is
    marked failed and can be tried again; a run can be cancelled (issue 23)."""

    class Kind(models.TextChoices):
        EMPLOYEES = "employees", _("Employees")
        UNITS = "units", _("Units")

    class Status(models.TextChoices):
        PLANNING = "planning", _("Reading the file")
        PLANNED = "planned", _("Ready to confirm")
        APPLYING = "applying", _("Importing")
        APPLIED = "applied", _("Imported")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EMPLOYEES)
    # A generated name (issue 17); the client's name is ``original_name``, for display only.
    file = models.FileField(
        _("file"),
        upload_to=GeneratedName("imports/employees", "file", ("xlsx", "csv")),
        max_length=255,
    )
    original_name = models.CharField(_("file name"), max_length=255)
    full_roster = models.BooleanField(
        _("this file is the full roster"),
        default=False,
        help_text=_("Employees missing from a full roster are flagged as possibly left."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNING
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    # What the dry run found: rejected rows with reasons, updates with their differences, etc.
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # Empty for an import run by an operator on the command line (manage.py import_employees).
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    # Who ran a command-line import (issue 23: the page said "by None").
    operator = models.CharField(_("operator"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # Length of the government's audit chain when the plan was made (and when it was
    # confirmed): every write to the registry is audited, so a longer chain at apply time
    # means the plan may be stale and is made again.
    chain_length = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("employee import")
        verbose_name_plural = _("employee imports")

    def __str__(self) -> str:
        return self.original_name

    RUNNING = (Status.PLANNING, Status.APPLYING)

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def uploaded_by(self) -> str:
        if self.created_by_id:
            return str(self.created_by)
        return self.operator or str(_("an operator (command line)"))

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class ImportRow(TenantModel):
    """One planned outcome of an import: a row (or merged rows) of the file, or an employee
    missing from a full roster. The plan is kept here, not in memory, so a roster of any size
    is planned, previewed page by page and applied in batches."""

    class Outcome(models.TextChoices):
        NEW = "new", _("New")
        UPDATED = "updated", _("Updated")
        UNCHANGED = "unchanged", _("Unchanged")
        REJECTED = "rejected", _("Rejected")
        LEFT = "left", _("Possibly left")
        # Column numbers, subtotals, signature footers: listed, neither imported nor rejected.
        SKIPPED = "skipped", _("Not data")

    # The plan of one import, written 15,000 rows at a time and read only through its import:
    # no database constraint to its import or government, each of which PostgreSQL would check
    # row by row (0.12 s of a 15,000-row dry run, docs/performance.md). The rows are written
    # from the import itself (its id and government) and deleted with it by Django's cascade.
    government = models.ForeignKey(
        Government,
        on_delete=models.PROTECT,
        verbose_name=_("government"),
        db_constraint=False,
        db_index=False,  # read only through the import
    )
    employee_import = models.ForeignKey(
        EmployeeImport,
        on_delete=models.CASCADE,
        related_name="rows",
        db_constraint=False,
        db_index=False,  # both indexes below start with it
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    key = models.CharField(max_length=40, blank=True)
    first_row = models.PositiveIntegerField(default=0)
    row_numbers = models.JSONField(default=list)
    data = models.JSONField(default=dict)
    differences = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    notes = models.JSONField(default=list)
    # The row's cells as read, kept for rejected rows only (the error report gives them back).
    cells = models.JSONField(default=list)
    employee = models.ForeignKey(
        "Employee", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["employee_import", "outcome", "first_row", "pk"]
        indexes = [
            models.Index(fields=["employee_import", "outcome", "first_row"]),
            models.Index(fields=["employee_import", "key"]),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} {self.row_numbers}"


class UnitHistory(TenantModel):
    """What a unit was called and where it hung until a rename or a move (issue 4: history)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="history")
    valid_until = models.DateField(_("valid until"))
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    code = models.CharField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=Unit.Kind.choices)
    parent = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit", "-changed_at"]
        verbose_name = _("unit history")
        verbose_name_plural = _("unit history")

    def __str__(self) -> str:
        return self.name


class Transfer(TenantModel):
    """A move of an employee between units (mutasi), with its date and decree."""

    # Seen by unit roles where the employee now works.
    scope_unit_path = "employee__unit__path"

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("employee")
    )
    from_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("from unit")
    )
    to_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("to unit")
    )
    effective_on = models.DateField(_("effective date"))
    decree = models.CharField(
        _("decree"), max_length=200, blank=True, help_text=_("Number of the transfer decree (SK).")
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["employee", "-effective_on", "-created_at"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")

    def __str__(self) -> str:
        return f"{self.employee} → {self.to_unit}"
