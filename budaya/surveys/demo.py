"""Demo data for surveys (issue 22), written through the services, in every demo government with
an adopted framework: two closed whole-government pulses (last quarter and last month, so the
change since the previous round shows), most people answering, sub-units under k rolled up; an
open pulse of the first agency that its demo employee has not answered yet; a closed 360 round of
the agency's head and an open one of its team login. Idempotent: a government with surveys is
left alone.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from budaya.frameworks.models import FrameworkVersion
from budaya.frameworks.selectors import current_adoptions
from budaya.org.models import Employee, Government, Unit
from budaya.surveys import services
from budaya.surveys.models import Invitation, Questionnaire, Relation, Survey

FIRST = "DINKES"
# Share of the invited who answer a closed demo round.
ANSWERING = 0.8


def seed() -> list[str]:
    lines = []
    for government in Government.objects.order_by("pk"):
        if Survey.objects.filter(government=government).exists():
            continue
        adoption = current_adoptions([government]).get(government.pk)
        agency = Unit.objects.filter(government=government, code=FIRST, parent=None).first()
        if adoption is None or agency is None:
            continue
        with transaction.atomic():
            made = _seed_government(government, adoption.version, agency)
        lines.append(f"{government}: {made} surveys (pulses and 360 rounds)")
    return lines


def _seed_government(government: Government, version: FrameworkVersion, agency: Unit) -> int:
    rng = random.Random(f"surveys:{government.slug}")
    has_guides = version.values.filter(guides__isnull=False).exists()
    pulse = services.generate_questionnaire(
        actor=None,
        government=government,
        version=version,
        name="Survei denyut perilaku",
        scale="agree5",
        comments=True,
        source="guides" if has_guides else "values",
    )
    rating = services.generate_questionnaire(
        actor=None,
        government=government,
        version=version,
        name="Penilaian 360",
        scale="expectation",
        comments=False,
        source="guides" if has_guides else "values",
    )
    today = timezone.localdate()
    for title, days_ago, lean in (
        ("Survei denyut triwulan lalu", 95, 0),
        ("Survei denyut bulan lalu", 35, 1),
    ):
        survey = _survey(government, pulse, title, unit=None)
        _answer(survey, rng, lean)
        _close(survey, today - datetime.timedelta(days=days_ago))
    _survey(government, pulse, f"Survei denyut {agency.name}", unit=agency)
    people = Employee.objects.filter(government=government, active=True)
    head = people.filter(unit=agency, position_kind=Employee.PositionKind.STRUCTURAL).first()
    if head is not None:
        survey = _survey(government, rating, f"Penilaian 360 {head.name}", subject=head)
        _answer(survey, rng, 1)
        _close(survey, today - datetime.timedelta(days=20))
    staff = people.filter(unit__path__startswith=agency.path)
    if head is not None:
        staff = staff.exclude(pk=head.pk)
    first = staff.order_by("pk").first()
    if first is not None:
        _survey(government, rating, f"Penilaian 360 {first.name}", subject=first)
    return Survey.objects.filter(government=government).count()


def _survey(
    government: Government,
    questionnaire: Questionnaire,
    title: str,
    *,
    unit: Unit | None = None,
    subject: Employee | None = None,
) -> Survey:
    today = timezone.localdate()
    survey = services.create_survey(
        actor=None,
        government=government,
        questionnaire=questionnaire,
        kind=Survey.Kind.ROUND_360 if subject else Survey.Kind.PULSE,
        title=title,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=10),
        unit=unit,
        subject=subject,
    )
    services.open_survey(actor=None, survey=survey)
    return survey


def _answer(survey: Survey, rng: random.Random, lean: int) -> None:
    """Most of the invited answer, leaning to the upper half of the scale (``lean`` one point
    more often in the later round)."""
    items = list(survey.questionnaire.items.values_list("pk", flat=True))
    points = survey.questionnaire.points
    comments = ["Pimpinan memberi contoh yang baik.", "Koordinasi antarbidang perlu ditingkatkan."]
    for invitation in Invitation.objects.filter(survey=survey).order_by("pk"):
        if rng.random() > ANSWERING and invitation.relation != Relation.SELF:
            continue
        low = max(1, points // 2 + lean - 1)
        answers = {pk: rng.randint(low, points) for pk in items}
        comment = (
            rng.choice(comments) if survey.questionnaire.comments and rng.random() < 0.2 else ""
        )
        services.submit(actor=None, invitation=invitation, points=answers, comment=comment)


def _close(survey: Survey, closed_on: datetime.date) -> None:
    """Close it, then date it in the past (the demo's history; a real round closes on its date)."""
    services.close_survey(actor=None, survey=survey)
    Survey.objects.filter(pk=survey.pk).update(
        opens_on=closed_on - datetime.timedelta(days=10), closes_on=closed_on
    )
