"""Every write of the teams app: one transaction each, with its audit entry."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from budaya.accounts import audit
from budaya.accounts.models import AuditAction
from budaya.activities import evidence as evidence_services
from budaya.activities.models import Evidence
from budaya.org.models import Employee, Government
from budaya.rulebook.document import RulebookDocument
from budaya.rulebook.document import build as build_document
from budaya.rulebook.selectors import current_rulebook, current_version_id
from budaya.teams import rulesfile
from budaya.teams.models import (
    Decree,
    DecreeScan,
    Designation,
    DesignationEvidence,
    EligibilityRule,
    Membership,
    Team,
    TeamKind,
    TeamPolicy,
    TeamRole,
)


class TransitionError(Exception):
    """The object is not in a state from which the asked move is allowed."""


# --- Generic create / update / delete with their audit entries --------------------------------


def _create(obj: Model, actor: Any, request: HttpRequest | None) -> Any:
    obj.save()
    audit.record(actor, AuditAction.CREATE, obj, after=audit.snapshot(obj), request=request)
    return obj


def _update(obj: Model, actor: Any, request: HttpRequest | None) -> Any:
    stored = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    before = audit.snapshot(stored)
    obj.save()
    old, new = audit.changed(before, audit.snapshot(obj))
    if new:
        audit.record(actor, AuditAction.UPDATE, obj, before=old, after=new, request=request)
    return obj


def _delete(obj: Model, actor: Any, request: HttpRequest | None) -> None:
    before = audit.snapshot(obj)
    audit.record(actor, AuditAction.DELETE, obj, before=before, request=request)
    obj.delete()


@transaction.atomic
def save_object(obj: Model, actor: Any = None, request: HttpRequest | None = None) -> Any:
    """Create or update one row of the settings (kind, role, rule, team) from its form."""
    return _update(obj, actor, request) if obj.pk else _create(obj, actor, request)


# --- Policy and the rules file ----------------------------------------------------------------


def policy_of(government: Government) -> TeamPolicy:
    """The government's policy row, or an unsaved default (saved on the first edit)."""
    policy = TeamPolicy.objects.filter(government=government).first()
    return policy or TeamPolicy(government=government)


@transaction.atomic
def import_rules(
    government: Government,
    parsed: rulesfile.ParsedRules,
    actor: Any = None,
    request: HttpRequest | None = None,
) -> dict[str, int]:
    """Team kinds and roles are matched by code and updated (never deleted: teams and members
    use them); the government's rules are replaced by those of the file."""
    counts = {"kinds": 0, "roles": 0, "rules": 0, "rules_removed": 0}
    kinds: dict[str, TeamKind] = {}
    for item in parsed.team_kinds:
        kind = TeamKind.objects.filter(government=government, code=item["code"]).first()
        fields = rulesfile.kind_fields(item)
        if kind is None:
            kind = _create(
                TeamKind(government=government, code=item["code"], **fields), actor, request
            )
        else:
            for name, value in fields.items():
                setattr(kind, name, value)
            _update(kind, actor, request)
        kinds[kind.code] = kind
        counts["kinds"] += 1
    roles: dict[str, TeamRole] = {}
    for item in parsed.roles:
        role = TeamRole.objects.filter(government=government, code=item["code"]).first()
        fields = rulesfile.role_fields(item)
        if role is None:
            role = _create(
                TeamRole(government=government, code=item["code"], **fields), actor, request
            )
        else:
            for name, value in fields.items():
                setattr(role, name, value)
            _update(role, actor, request)
        roles[role.code] = role
        counts["roles"] += 1
    kinds.update({k.code: k for k in TeamKind.objects.filter(government=government)})
    roles.update({r.code: r for r in TeamRole.objects.filter(government=government)})
    old_rules = list(EligibilityRule.objects.filter(government=government))
    changes: list[audit.Change] = [
        (AuditAction.DELETE, rule, audit.snapshot(rule), None) for rule in old_rules
    ]
    EligibilityRule.objects.filter(government=government).delete()
    counts["rules_removed"] = len(old_rules)
    for item in parsed.rules:
        rule = EligibilityRule.objects.create(
            government=government,
            team_kind=kinds[item["team_kind"]],
            role=roles[item["role"]],
            **rulesfile.rule_fields(item),
        )
        changes.append((AuditAction.CREATE, rule, None, audit.snapshot(rule)))
        counts["rules"] += 1
    audit.record_many(actor, changes, request, government=government)
    return counts


def install_defaults(
    government: Government, actor: Any = None, request: HttpRequest | None = None
) -> dict[str, int]:
    """Load the team kinds, roles and eligibility rules of the government's current rulebook
    (its ``teams`` section: issue 18, the one place they are written)."""
    return import_rules(
        government, rulesfile.from_rulebook(current_rulebook(government)), actor, request
    )


def follow_rulebook(
    sender: Any, *, government: Government, version: Any, acting_user: Any = None, **kwargs: Any
) -> None:
    """A new rulebook version brings its teams section along (``rulebook.signals``), in the
    import's transaction. A version whose teams section is the previous one's changes nothing
    (the rows, and the links to them, stay)."""
    from budaya.rulebook.models import RulebookVersion

    previous = (
        RulebookVersion.objects.filter(government=government, number__lt=version.number)
        .order_by("-number")
        .values_list("content", flat=True)
        .first()
    )
    if previous is not None and previous.get("teams") == version.content.get("teams"):
        return
    book = build_document(version.content, number=version.number)
    import_rules(government, rulesfile.from_rulebook(book), acting_user)


# --- Who may be designated (role models and change agents) ------------------------------------


class NotEligibleError(ValidationError):
    """The government's rulebook does not allow this subject or employee to be designated."""


def designation_refusal(designation: Designation, book: RulebookDocument) -> str | None:
    """Why the rulebook refuses the designation, in the user's language with the rulebook's
    citation, or None (T Pasal 1 angka 16: a role model is a PNS; S Pasal 1 angka 9: an agency,
    a unit or an employee)."""
    rule = (
        book.role_model_eligibility
        if designation.kind == Designation.Kind.ROLE_MODEL
        else book.change_agent_eligibility
    )
    kind = Designation.Kind(designation.kind).label
    citation = book.cite(rule) or _("the government's own choice")
    subjects = dict(Designation.Subject.choices)
    allowed = ", ".join(str(subjects.get(code, code)).lower() for code in rule.subjects)
    if not rule.allows_subject(designation.subject):
        return capfirst(
            _(
                "A %(subject)s cannot be designated %(kind)s: the rulebook allows only "
                "%(allowed)s (%(citation)s). %(definition)s"
            )
            % {
                "subject": str(subjects.get(designation.subject, designation.subject)).lower(),
                "kind": str(kind).lower(),
                "allowed": allowed,
                "citation": citation,
                "definition": rule.text,
            }
        )
    employee = designation.employee if designation.subject == Designation.Subject.EMPLOYEE else None
    if employee is not None and not rule.allows_status(employee.status):
        return _(
            "An employee with the status %(status)s cannot be designated %(kind)s: the rulebook "
            "allows only %(allowed)s (%(citation)s). %(definition)s"
        ) % {
            "status": employee.status,
            "kind": str(kind).lower(),
            "allowed": ", ".join(rule.statuses),
            "citation": citation,
            "definition": rule.text,
        }
    return None


def check_eligible(designation: Designation) -> None:
    """Refuse a designation the government's current rulebook does not allow."""
    refusal = designation_refusal(designation, current_rulebook(designation.government))
    if refusal:
        raise NotEligibleError(refusal.strip())


# --- Teams and memberships --------------------------------------------------------------------


@transaction.atomic
def create_team(team: Team, actor: Any = None, request: HttpRequest | None = None) -> Team:
    return _create(team, actor, request)


@transaction.atomic
def add_member(
    membership: Membership, actor: Any = None, request: HttpRequest | None = None
) -> Membership:
    return _create(membership, actor, request)


@transaction.atomic
def update_member(
    membership: Membership, actor: Any = None, request: HttpRequest | None = None
) -> Membership:
    return _update(membership, actor, request)


# --- Decrees ----------------------------------------------------------------------------------


def decree_defaults(team: Team, purpose: str, head: Employee | None) -> dict[str, Any]:
    """What a new draft says unless the user changes it."""
    from budaya.teams.decree import issuer_title, place_of

    government = team.government
    where = f" {team.unit.name}" if team.unit_id and team.unit else ""
    if purpose == Decree.Purpose.CHANGE:
        subject = f"Perubahan Susunan Keanggotaan {team.name}"
    else:
        subject = f"Pembentukan {team.kind.name}{where}"
    return {
        "subject": subject,
        "place": place_of(government),
        "signer_name": head.full_name if head else "",
        "signer_position": issuer_title(team, head),
    }


@transaction.atomic
def create_decree(decree: Decree, actor: Any = None, request: HttpRequest | None = None) -> Decree:
    decree.status = Decree.Status.DRAFT
    # The draft keeps the words of the rulebook it was made under (issue 18, item 5).
    decree.rulebook_version_id = current_version_id(decree.government)
    decree.created_by = actor if getattr(actor, "pk", None) else None
    return _create(decree, actor, request)


@transaction.atomic
def update_draft(decree: Decree, actor: Any = None, request: HttpRequest | None = None) -> Decree:
    if decree.status != Decree.Status.DRAFT:
        raise TransitionError(_("Only a draft decree can be edited."))
    return _update(decree, actor, request)


@transaction.atomic
def delete_draft(decree: Decree, actor: Any = None, request: HttpRequest | None = None) -> None:
    if decree.status != Decree.Status.DRAFT:
        raise TransitionError(_("Only a draft decree can be deleted."))
    _delete(decree, actor, request)


def _move(decree: Decree, status: str, actor: Any, request: HttpRequest | None) -> None:
    stored = Decree.objects.select_for_update().get(pk=decree.pk)
    if not stored.can_move_to(status):
        raise TransitionError(
            _("A decree that is %(state)s cannot become %(target)s.")
            % {
                "state": stored.get_status_display().lower(),
                "target": Decree.Status(status).label.lower(),
            }
        )


@transaction.atomic
def sign_decree(
    decree: Decree,
    *,
    number: str,
    decided_on: datetime.date,
    upload: Any,
    actor: Any = None,
    request: HttpRequest | None = None,
) -> Decree:
    """draft → signed: the number, the date and the signed scan are recorded together; the
    team's earlier signed decrees become superseded."""
    _move(decree, Decree.Status.SIGNED, actor, request)
    before = audit.snapshot(decree)
    evidence = _store_scan(decree, upload, actor, request)
    decree.number = number
    decree.decided_on = decided_on
    decree.status = Decree.Status.SIGNED
    decree.save()
    old, new = audit.changed(before, audit.snapshot(decree))
    audit.record(actor, AuditAction.UPDATE, decree, before=old, after=new, request=request)
    if evidence is not None:
        _link_scan(decree, evidence)
    earlier = Decree.objects.filter(team=decree.team, status=Decree.Status.SIGNED).exclude(
        pk=decree.pk
    )
    # Ordered by pk alone: PostgreSQL refuses FOR UPDATE across the default ordering's joins.
    for previous in earlier.select_for_update().order_by("pk"):
        supersede_decree(previous, by=decree, actor=actor, request=request)
    if decree.team.formed_on is None and decree.purpose == Decree.Purpose.ESTABLISH:
        team = decree.team
        team.formed_on = decided_on
        _update(team, actor, request)
    return decree


@transaction.atomic
def supersede_decree(
    decree: Decree,
    *,
    by: Decree | None = None,
    actor: Any = None,
    request: HttpRequest | None = None,
) -> Decree:
    _move(decree, Decree.Status.SUPERSEDED, actor, request)
    before = audit.snapshot(decree, ["status", "superseded_by"])
    decree.status = Decree.Status.SUPERSEDED
    decree.superseded_by = by
    decree.save(update_fields=["status", "superseded_by"])
    after = audit.snapshot(decree, ["status", "superseded_by"])
    audit.record(actor, AuditAction.UPDATE, decree, before=before, after=after, request=request)
    return decree


def _store_scan(decree: Decree, upload: Any, actor: Any, request: HttpRequest | None) -> Any:
    """The signed scan as shared evidence (budaya/activities): an upload, or a file already
    checked by ``evidence.prepare_file`` (forms do that in ``clean_scan``)."""
    if upload is None:
        return None
    title = _("Signed decree %(number)s") % {"number": decree.number or decree.subject}
    common = {
        "government": decree.government,
        "unit": decree.team.unit,
        "actor": actor,
        "request": request,
        "title": title,
    }
    if isinstance(upload, evidence_services.PreparedFile):
        return evidence_services.store_prepared(prepared=upload, **common)
    return evidence_services.store_file(upload=upload, **common)


def _link_scan(decree: Decree, evidence: Evidence) -> None:
    DecreeScan.objects.create(government=decree.government, decree=decree, evidence=evidence)


# --- Designations (role models and change agents) ---------------------------------------------


@transaction.atomic
def nominate(
    designation: Designation,
    *,
    uploads: list[Any] | None = None,
    links: list[str] | None = None,
    actor: Any = None,
    request: HttpRequest | None = None,
) -> Designation:
    check_eligible(designation)
    designation.status = Designation.Status.NOMINATED
    designation.nominated_by = actor if getattr(actor, "pk", None) else None
    _create(designation, actor, request)
    _attach_evidence(designation, uploads or [], links or [], actor, request)
    return designation


def _attach_evidence(
    designation: Designation,
    uploads: list[Any],
    links: list[str],
    actor: Any,
    request: HttpRequest | None,
) -> None:
    if not uploads and not links:
        return
    for upload in uploads:
        common = {
            "government": designation.government,
            "unit": designation.unit,
            "actor": actor,
            "request": request,
        }
        if isinstance(upload, evidence_services.PreparedFile):
            item = evidence_services.store_prepared(prepared=upload, **common)
        else:
            item = evidence_services.store_file(upload=upload, **common)
        DesignationEvidence.objects.create(
            government=designation.government, designation=designation, evidence=item
        )
    for url in links:
        item = evidence_services.store_link(
            government=designation.government,
            unit=designation.unit,
            url=url,
            title=url,
            actor=actor,
            request=request,
        )
        DesignationEvidence.objects.create(
            government=designation.government, designation=designation, evidence=item
        )


@transaction.atomic
def move_designation(
    designation: Designation,
    status: str,
    *,
    note: str = "",
    actor: Any = None,
    request: HttpRequest | None = None,
) -> Designation:
    stored = Designation.objects.select_for_update().get(pk=designation.pk)
    if not stored.can_move_to(status):
        raise TransitionError(
            _("A designation that is %(state)s cannot become %(target)s.")
            % {
                "state": stored.get_status_display().lower(),
                "target": Designation.Status(status).label.lower(),
            }
        )
    if status in (Designation.Status.APPROVED, Designation.Status.PUBLISHED):
        # Approved and published under the rulebook in force now, not only when nominated.
        check_eligible(stored)
    fields = ["status", "decided_by", "decided_at", "decision_note", "published_at"]
    before = audit.snapshot(stored, fields)
    now = timezone.now()
    stored.status = status
    if status in (Designation.Status.APPROVED, Designation.Status.REJECTED):
        stored.decided_by = actor if getattr(actor, "pk", None) else None
        stored.decided_at = now
        stored.decision_note = note
    elif status == Designation.Status.PUBLISHED:
        stored.published_at = now
    stored.save(update_fields=fields)
    old, new = audit.changed(before, audit.snapshot(stored, fields))
    if status == Designation.Status.EXPIRED and note:
        new["reason"] = note
    audit.record(actor, AuditAction.UPDATE, stored, before=old, after=new, request=request)
    return stored


@transaction.atomic
def expire_ineligible(
    government: Government, book: RulebookDocument | None = None, actor: Any = None
) -> int:
    """Published designations the rulebook (``book``, else the current one) no longer allows
    end: expired, each with an audit entry naming the reason and the rulebook's citation (issue
    18: T Pasal 1 angka 16, a role model is a PNS; a unit or a PPPK published before the rule
    was read from the rulebook is no longer one)."""
    book = book or current_rulebook(government)
    published = Designation.objects.filter(
        government=government, status=Designation.Status.PUBLISHED
    ).select_related("employee", "unit", "government")
    count = 0
    for designation in published:
        refusal = designation_refusal(designation, book)
        if refusal:
            reason = _("No longer eligible under the rulebook (version %(number)s): %(reason)s") % {
                "number": book.version_number or "—",
                "reason": refusal.strip(),
            }
            move_designation(designation, Designation.Status.EXPIRED, note=reason, actor=actor)
            count += 1
    return count


def expire_ineligible_on_new_version(
    sender: Any, *, government: Government, version: Any, acting_user: Any = None, **kwargs: Any
) -> None:
    """``rulebook.signals.version_created``: in the import's transaction."""
    book = build_document(version.content, number=version.number)
    expire_ineligible(government, book, actor=acting_user)


@transaction.atomic
def expire_ended(government: Government, on: datetime.date, actor: Any = None) -> int:
    """Published designations whose period has ended become expired."""
    ended = Designation.objects.filter(
        government=government, status=Designation.Status.PUBLISHED, period_end__lt=on
    )
    count = 0
    for designation in ended:
        move_designation(designation, Designation.Status.EXPIRED, actor=actor)
        count += 1
    return count
