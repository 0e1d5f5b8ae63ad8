"""The whole path, as properties over generated organisations and answers (issue 22, Deliver 4):
open a pulse, answer, close; then no shown figure holds fewer than k answers, and no shown figure
minus the shown figures inside it (a group and its parent, two filters, two rows of an export)
stands for fewer than k people; answers of hidden groups are counted in a shown ancestor."""

from __future__ import annotations

import datetime

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from budaya.accounts.models import Role, User
from budaya.frameworks.models import (
    BehaviourGuide,
    CoreValue,
    FrameworkVersion,
    Regulation,
    ValueFramework,
)
from budaya.org.models import Employee, Government, Unit
from budaya.surveys import anonymity, services
from budaya.surveys.models import Figure, Invitation


@st.composite
def organisations(draw: st.DrawFn) -> dict:
    units = draw(st.integers(1, 7))
    return {
        "parents": [draw(st.integers(0, i)) for i in range(units)],
        "people": [draw(st.integers(0, 8)) for _ in range(units + 1)],
        "answer": draw(st.lists(st.booleans(), min_size=60, max_size=60)),
        "k": draw(st.integers(anonymity.MIN_K, 6)),
    }


class ReleaseProperties(TestCase):
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(organisations())
    def test_released_figures_never_isolate_fewer_than_k(self, organisation):
        government = Government.objects.create(name="Kota Uji", slug="kota-uji", kind="kota")
        admin = User.objects.create_user(username="a", password="x")
        admin.role_grants.create(role=Role.CITY_ADMIN, government=government)
        framework = ValueFramework.objects.create(slug="f", name="F")
        regulation = Regulation.objects.create(
            slug="r", issuer="M", kind="SE", number="1", year=2021, title="R"
        )
        version = FrameworkVersion.objects.create(
            framework=framework, number=1, legal_basis=regulation, content_hash="0"
        )
        value = CoreValue.objects.create(version=version, order=1, code="v", name="V")
        BehaviourGuide.objects.create(value=value, order=1, text="Perilaku")
        services.set_policy(
            actor=admin, government=government, k=organisation["k"], peers=5, subordinates=5
        )
        agency = Unit.objects.create(government=government, kind="dinas", code="0", name="U0")
        units = [agency]
        for i, parent in enumerate(organisation["parents"], start=1):
            units.append(
                Unit.objects.create(
                    government=government,
                    parent=units[parent],
                    kind="bidang",
                    code=str(i),
                    name=f"U{i}",
                )
            )
        number = 0
        for unit, count in zip(units, organisation["people"], strict=False):
            for _ in range(count):
                number += 1
                Employee.objects.create(
                    government=government, unit=unit, name=f"P{number}", sex="P", status="PNS"
                )
        if number == 0:
            return
        questionnaire = services.generate_questionnaire(
            actor=admin,
            government=government,
            version=version,
            name="Q",
            scale="agree5",
            comments=False,
            source="guides",
        )
        today = timezone.localdate()
        survey = services.create_survey(
            actor=admin,
            government=government,
            questionnaire=questionnaire,
            kind="pulse",
            title="P",
            opens_on=today,
            closes_on=today + datetime.timedelta(days=1),
            unit=agency,
        )
        services.open_survey(actor=admin, survey=survey)
        item = questionnaire.items.get()
        invitations = Invitation.objects.filter(survey=survey).order_by("pk")
        for invitation, answers in zip(invitations, organisation["answer"], strict=False):
            if answers:
                services.save_answers(
                    invitation=invitation, points={item.pk: 1 + invitation.pk % 5}
                )
                services.submit(actor=None, invitation=invitation)
        services.close_survey(actor=admin, survey=survey)

        k = organisation["k"]
        figures = list(Figure.objects.filter(survey=survey).select_related("unit"))
        shown = [f for f in figures if f.shown]
        answered = sum(1 for _ in invitations.filter(answered=True))
        for figure in shown:
            assert figure.answered >= k
            inside = [
                other
                for other in shown
                if other.unit.path.startswith(figure.unit.path) and other.pk != figure.pk
            ]
            # Every antichain of shown groups inside: here, the maximal ones and each single one.
            maximal = [
                o
                for o in inside
                if not any(o.unit.path.startswith(p.unit.path) and o != p for p in inside)
            ]
            assert anonymity.safe_residual(figure.answered - sum(o.answered for o in maximal), k)
            for other in inside:
                assert anonymity.safe_residual(figure.answered - other.answered, k)
        for figure in figures:
            if not figure.shown:
                assert figure.values == {} and figure.index is None and figure.comments == []
        if shown:
            top = min(shown, key=lambda f: f.depth)
            assert top.answered == answered
