"""Users, the roles they hold in a government (and, where it applies, an agency subtree),
their second factor, and the append-only, hash-chained audit trail."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from budaya.accounts.crypto import EncryptedTextField
from budaya.org.models import Employee, Government, TenantModel, Unit

if TYPE_CHECKING:
    from budaya.accounts.scoping import TenantScope


class Role(models.TextChoices):
    """The roles of the product (../shared/docs/product.md, "Who uses it")."""

    SYSTEM_ADMIN = "system_admin", _("System administrator")
    CITY_ADMIN = "city_admin", _("City administrator")
    LEADERSHIP = "leadership", _("Leadership")
    UNIT_HEAD = "unit_head", _("Unit head")
    UNIT_TEAM = "unit_team", _("Unit team")
    EMPLOYEE = "employee", _("Employee")


# Roles whose grant is limited to an agency subtree.
UNIT_SCOPED_ROLES = frozenset({Role.UNIT_HEAD, Role.UNIT_TEAM, Role.EMPLOYEE})
# Roles for which the production settings may require a second factor.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.CITY_ADMIN})


class User(AbstractUser):
    # Unique and optional: sign-in accepts an e-mail address; not every employee has one.
    email = models.EmailField(  # type: ignore[assignment]
        _("e-mail address"), unique=True, null=True, blank=True
    )
    # No database constraint: users are shared by every government (a Citus reference table)
    # and a reference table may not hold a foreign key into a distributed one (employees).
    # Django still applies SET_NULL when an employee is deleted; invite_user checks the
    # employee's government (docs/scaling.md).
    employee = models.OneToOneField(
        Employee,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("employee"),
        db_constraint=False,
    )

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # An empty address is no address: unique e-mail must allow many users without one.
        if not self.email:
            self.email = None
        super().save(*args, **kwargs)

    def _grants(self) -> list[tuple[str, int | None, str | None]]:
        cached: list[tuple[str, int | None, str | None]] | None = getattr(self, "_grant_rows", None)
        if cached is None:
            if self.pk is None:
                cached = []
            else:
                cached = list(self.role_grants.values_list("role", "government_id", "unit__path"))
            # The system administrator's role is the superuser flag: it belongs to no
            # government, so it is not a RoleGrant (whose government is never null).
            if self.is_superuser:
                cached.append((Role.SYSTEM_ADMIN, None, None))
            self._grant_rows = cached
        return cached

    def read_grants(self, *government_fields: str) -> list[tuple[Any, ...]]:
        """The grants read again, each with the named fields of its government (issue 25: a
        page that needs its government's row reads it with the grants, in one query); also
        what ``_grants`` keeps for the rest of the request."""
        rows: list[tuple[Any, ...]] = []
        if self.pk is not None:
            with _grants_cursor() as cursor:
                cursor.execute(_grants_query(government_fields, connection.vendor), [self.pk])
                rows = cursor.fetchall()
        grants: list[tuple[str, int | None, str | None]] = [row[:3] for row in rows]
        if self.is_superuser:
            grants.append((Role.SYSTEM_ADMIN, None, None))
        self.forget_roles()
        self._grant_rows = grants
        return rows

    def forget_roles(self) -> None:
        """Drop the per-instance cache after a grant or revoke."""
        for name in ("_grant_rows", "_scopes"):
            self.__dict__.pop(name, None)

    def role_names(self) -> set[str]:
        """Every role this user holds, in any government (cached per instance)."""
        return {role for role, _government, _path in self._grants()}

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names() & set(roles))

    def tenant_scope(self, roles: Iterable[str] | None = None) -> TenantScope:
        """What this user may see (or, with ``roles``, act on as one of those roles)."""
        from budaya.accounts.scoping import scope_of

        key = frozenset(roles) if roles is not None else None
        scopes: dict[Any, TenantScope] = self.__dict__.setdefault("_scopes", {})
        if key not in scopes:
            scopes[key] = scope_of(self._grants(), key)
        return scopes[key]

    def holds_office(self, government: Government | int, code: str) -> bool:
        """Whether the user holds the office ``code`` of the rulebook (a leadership grant)."""
        government_id = government if isinstance(government, int) else government.pk
        return self.role_grants.filter(
            role=Role.LEADERSHIP, government_id=government_id, office=code
        ).exists()

    @property
    def needs_second_factor(self) -> bool:
        from django.conf import settings

        return bool(settings.BUDAYA_REQUIRE_2FA_FOR_ADMINS and self.role_names() & ADMIN_ROLES)


class RoleGrant(TenantModel):
    """A role held by a user in one government, optionally limited to an agency subtree.

    The system administrator holds no grant: that role is ``User.is_superuser``.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("agency"),
        help_text=_("For unit-scoped roles: the agency whose subtree the role covers."),
    )
    # For the leadership role: the office of the government's rulebook the user holds (its code,
    # e.g. "sekda", "head"): the regional secretary and the head of government act at different
    # steps and sign under their own titles (issue 18). Empty: not set yet, the city
    # administrator sets it (the user's page flags it).
    office = models.CharField(
        _("office"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("For leadership: the office of the rulebook this person holds."),
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "government", "unit"], name="role_grant_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.SYSTEM_ADMIN), name="role_grant_not_system_admin"
            ),
        ]

    def __str__(self) -> str:
        where = self.unit or self.government
        return f"{self.get_role_display()} — {where}"

    def office_title(self, government: Government | None = None) -> str:
        """The title of the office held, as the government's rulebook writes it ("" if none);
        pass the government object a page already holds to read its rulebook once."""
        if not self.office:
            return ""
        from budaya.rulebook.selectors import current_rulebook

        office = current_rulebook(government or self.government).office(self.office)
        return office.title if office is not None else self.office

    @property
    def office_missing(self) -> bool:
        """A leadership grant without an office: flagged for the city administrator."""
        return self.role == Role.LEADERSHIP and not self.office


PREPARE_THRESHOLD = 5  # psycopg's default: prepared from the fifth run on a connection


def _grants_cursor() -> Any:
    """The cursor of the grants' query, read on every page and by the hot write. On PostgreSQL
    its parameters are bound by the server, so that psycopg prepares it once a connection has run
    it ``PREPARE_THRESHOLD`` times: planning its four-table join cost the server about twice
    what running it did (``EXPLAIN ANALYZE``: 0.3–1.6 ms against 0.15–0.25, issue 25). With
    connections kept for one request only (``DB_CONN_MAX_AGE=0``, behind PgBouncer in transaction
    mode) nothing is prepared. Wrapped as Django wraps its own cursors: the query is counted and
    logged like any other."""
    if connection.vendor != "postgresql" or not connection.settings_dict["CONN_MAX_AGE"]:
        return connection.cursor()
    import psycopg

    connection.ensure_connection()
    # Django turns psycopg's automatic preparation off; only this server-bound cursor uses it
    # (Django's own cursors bind on the client and are never prepared).
    connection.connection.prepare_threshold = PREPARE_THRESHOLD
    raw = psycopg.Cursor(connection.connection)
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    return wrap(raw)  # type: ignore[arg-type]  # Django's stubs name its own wrapper type


@functools.cache
def _grants_query(government_fields: tuple[str, ...], vendor: str) -> str:
    """The query of ``User.read_grants`` (its one parameter the user's id), compiled once per
    government fields and database: compiling it cost a hot write about as much as running it
    (issue 25)."""
    marker = -1
    query = RoleGrant.objects.filter(user_id=marker).values_list(
        "role",
        "government_id",
        "unit__path",
        *[f"government__{name}" for name in government_fields],
    )
    sql, parameters = query.query.sql_with_params()
    if tuple(parameters) != (marker,):
        raise RuntimeError(f"the grants' query takes {parameters!r}, not the user's id alone")
    return sql


class TwoFactorDevice(models.Model):
    """A TOTP authenticator (RFC 6238) confirmed by the user."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="totp", verbose_name=_("user")
    )
    # Base32 secret shared with the authenticator app, encrypted at rest (issue 17).
    secret = EncryptedTextField()
    confirmed_at = models.DateTimeField(auto_now_add=True)
    # The last 30-second step accepted: a code is accepted once only (no replay).
    last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")

    def __str__(self) -> str:
        return str(self.user)


class RecoveryCode(models.Model):
    """A one-time code that stands in for a TOTP code when the phone is lost (issue 17).

    Only the SHA-256 of the code is stored: a code holds 80 random bits, too many to guess
    back from the digest.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="recovery_codes", verbose_name=_("user")
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return str(self.user)


class SignInResult(models.TextChoices):
    FAILED = "failed", _("Wrong password or code")
    LOCKED = "locked", _("Refused: locked out")


class SignInStep(models.TextChoices):
    PASSWORD = "password", _("Password")
    CODE = "code", _("Two-factor code")


class SignInAttemptQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> SignInAttemptQuerySet:
        """City administrators read the attempts on their government's accounts."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        scope = user.tenant_scope([Role.CITY_ADMIN, Role.SYSTEM_ADMIN])
        if scope.all_content:
            return self
        return self.filter(government_id__in=scope.governments)


class SystemSignInAttemptQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> SystemSignInAttemptQuerySet:
        """Attempts on unknown identifiers and government-less accounts: system administrators."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self if user.tenant_scope([Role.SYSTEM_ADMIN]).all_governments else self.none()


class SignInAttemptRecord(models.Model):
    """A refused sign-in: when, what was typed (truncated), the account it named, from where."""

    at = models.DateTimeField(_("time"))
    identifier = models.CharField(_("typed identifier"), max_length=64)
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)
    step = models.CharField(_("step"), max_length=10, choices=SignInStep.choices)
    result = models.CharField(_("result"), max_length=10, choices=SignInResult.choices)

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.identifier} {self.result}"


class SignInAttempt(SignInAttemptRecord):
    """An attempt on an account of a government: one row per government the account serves."""

    government = models.ForeignKey(
        Government,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("government"),
        db_index=False,  # the index below starts with it
    )

    objects = SignInAttemptQuerySet.as_manager()

    class Meta(SignInAttemptRecord.Meta):
        verbose_name = _("sign-in attempt")
        verbose_name_plural = _("sign-in attempts")
        indexes = [models.Index(fields=["government", "-at"], name="sign_in_government_at")]


class SystemSignInAttempt(SignInAttemptRecord):
    """An attempt on an unknown identifier or an account of no government (a reference table,
    like the system audit chain)."""

    objects = SystemSignInAttemptQuerySet.as_manager()

    class Meta(SignInAttemptRecord.Meta):
        verbose_name = _("system sign-in attempt")
        verbose_name_plural = _("system sign-in attempts")
        indexes = [models.Index(fields=["-at"], name="system_sign_in_at")]


class AuditAction(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    GRANT = "grant", _("Grant role")
    REVOKE = "revoke", _("Revoke role")
    INVITE = "invite", _("Invite")
    ENABLE_2FA = "enable_2fa", _("Enable two-factor sign-in")
    DISABLE_2FA = "disable_2fa", _("Disable two-factor sign-in")
    RECOVERY_CODES = "recovery_codes", _("New recovery codes")
    USE_RECOVERY_CODE = "use_recovery", _("Sign in with a recovery code")
    OTHER = "other", _("Other")


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit entry."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit entries are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:  # type: ignore[override]
        raise AppendOnlyError("Audit entries are append-only.")


class AuditEntryQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user: Any) -> AuditEntryQuerySet:
        """City administrators read their government's trail; system administrators the life
        of government records (no tenant content, unless the installation allows it)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        admin = user.tenant_scope([Role.CITY_ADMIN])
        system = user.tenant_scope([Role.SYSTEM_ADMIN])
        if system.all_content:
            return self
        query = models.Q(government_id__in=admin.governments)
        if system.all_governments:
            query |= models.Q(object_type="org.government")
        if not (admin.governments or system.all_governments):
            return self.none()
        return self.filter(query)


class SystemAuditEntryQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user: Any) -> SystemAuditEntryQuerySet:
        """The system chain is read by system administrators only."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self if user.tenant_scope([Role.SYSTEM_ADMIN]).all_governments else self.none()


class ChainHead(models.Model):
    """The head of one hash chain.

    Writers lock this row (SELECT ... FOR UPDATE) before appending, so two concurrent writers of
    the same chain cannot both link to the same previous entry and fork the chain.
    """

    key = models.CharField(max_length=40, primary_key=True)
    length = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.key


class AuditChain(ChainHead):
    """The head of a government's chain (key ``g<id>``), distributed with the government."""

    government = models.ForeignKey(
        Government, on_delete=models.PROTECT, related_name="+", verbose_name=_("government")
    )


class SystemAuditChain(ChainHead):
    """The head of the system chain (key ``system``): entries that belong to no government."""


class AuditRecord(models.Model):
    """One change: who, when, from where, what, the fields before and after.

    Append-only: refused here and, below the ORM, by database triggers (created by the
    migrations and again after every migrate). ``hash`` is SHA-256 over the canonical JSON of
    the entry including ``previous_hash``; ``mac`` keys it with a secret outside the database;
    see ``budaya.accounts.audit``.
    """

    chain = models.CharField(max_length=40, editable=False)
    sequence = models.BigIntegerField(editable=False)
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_repr = models.CharField(_("actor"), max_length=150, blank=True)
    at = models.DateTimeField(_("time"))
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=255)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # HMAC-SHA256 of "<key_id>:<hash>" under the key named here (issue 17): the key lives in the
    # environment, not in the database. Empty for entries written before keys existed.
    key_id = models.CharField(max_length=16, blank=True, default="", editable=False)
    mac = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit entries are append-only.")


class AuditEntry(AuditRecord):
    """An entry of a government's chain: tenant data like the rows it describes."""

    government = models.ForeignKey(
        Government,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("government"),
        db_index=False,  # the constraints and indexes below all start with it
    )

    objects = AuditEntryQuerySet.as_manager()

    class Meta(AuditRecord.Meta):
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        # One entry per position of a chain. The hash is not indexed: it covers the government
        # and the position, so two entries of a government with one hash would share a position,
        # which this refuses already; nothing looks an entry up by its hash (verification walks
        # the chain by position), and a unique index on 64 random hex characters was the
        # costliest of the table's indexes to write (issue 23, docs/performance.md).
        constraints = [
            models.UniqueConstraint(
                fields=["government", "sequence"], name="audit_sequence_per_government"
            ),
        ]
        indexes = [
            models.Index(fields=["government", "-at"], name="audit_government_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]


class SystemAuditEntry(AuditRecord):
    """An entry of the system chain: changes that belong to no government (shared frameworks,
    a user's second factor). Shared data like the rows it describes (a Citus reference table).
    """

    # Hashed like every entry (``audit.HASHED_FIELDS``): a system entry has no government.
    government_id = None

    objects = SystemAuditEntryQuerySet.as_manager()

    class Meta(AuditRecord.Meta):
        verbose_name = _("system audit entry")
        verbose_name_plural = _("system audit entries")
        constraints = [
            models.UniqueConstraint(fields=["sequence"], name="system_audit_sequence"),
            models.UniqueConstraint(fields=["hash"], name="system_audit_hash"),
        ]
        indexes = [models.Index(fields=["object_type", "object_id"], name="system_audit_object")]
