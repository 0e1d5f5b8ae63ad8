"""Users and the roles they hold in a government (and, where it applies, an agency subtree)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from budaya.org.models import Employee, Government, Unit


class Role(models.TextChoices):
    """The roles of the product (../shared/docs/product.md, "Who uses it")."""

    SYSTEM_ADMIN = "system_admin", _("System administrator")
    CITY_ADMIN = "city_admin", _("City administrator")
    LEADERSHIP = "leadership", _("Leadership")
    UNIT_HEAD = "unit_head", _("Unit head")
    UNIT_TEAM = "unit_team", _("Unit team")
    EMPLOYEE = "employee", _("Employee")


# Roles whose grant is limited to an agency subtree.
UNIT_SCOPED_ROLES = {Role.UNIT_HEAD, Role.UNIT_TEAM, Role.EMPLOYEE}


class User(AbstractUser):
    # Unique and optional: sign-in accepts an e-mail address; not every employee has one.
    email = models.EmailField(  # type: ignore[assignment]
        _("e-mail address"), unique=True, null=True, blank=True
    )
    employee = models.OneToOneField(
        Employee,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("employee"),
    )

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # An empty address is no address: unique e-mail must allow many users without one.
        if not self.email:
            self.email = None
        super().save(*args, **kwargs)

    def role_names(self) -> set[str]:
        """Every role this user holds, in any government (cached per instance)."""
        cached: set[str] | None = getattr(self, "_role_names", None)
        if cached is None:
            cached = set(self.role_grants.values_list("role", flat=True))
            if self.is_superuser:
                cached.add(Role.SYSTEM_ADMIN)
            self._role_names = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names() & set(roles))


class RoleGrant(models.Model):
    """A role held by a user in one government, optionally limited to an agency subtree."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # Null only for system administrators, whose role is not tied to one government.
    government = models.ForeignKey(
        Government,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("government"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("agency"),
        help_text=_("For unit-scoped roles: the agency whose subtree the role covers."),
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "government", "unit"], name="role_grant_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role=Role.SYSTEM_ADMIN) | models.Q(government__isnull=False),
                name="role_grant_needs_government",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit or self.government or _("all governments")
        return f"{self.get_role_display()} — {where}"
