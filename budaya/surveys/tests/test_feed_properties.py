"""The figures other pages show (issue 22, Deliver 4 and 7), as properties over generated
organisations and answers: the monitoring report's survey evidence and the dashboard's
participation show, for every agency and unit, only what the survey's own page may show.

- a survey figure on the report is a released ``Figure`` of the agency, unchanged (so the
  release rule's guarantee, ``test_release_properties``, covers every pair it forms with the
  survey page's figures); a group not released shows no index and no value;
- a response rate belongs to a group of at least k people invited, never to a smaller one;
- the rates add up to what the invitations say (nothing lost, nothing counted twice).
"""

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
from budaya.surveys import anonymity, feeds, participation, services
from budaya.surveys.models import Figure, Invitation


@st.composite
def organisations(draw: st.DrawFn) -> dict:
    units = draw(st.integers(1, 8))
    # -1: a new agency; otherwise the index of an earlier unit.
    parents = [-1] + [draw(st.integers(-1, i - 1)) for i in range(1, units)]
    return {
        "parents": parents,
        "people": [draw(st.integers(0, 8)) for _ in range(units)],
        "answer": draw(st.lists(st.booleans(), min_size=64, max_size=64)),
        "k": draw(st.integers(anonymity.MIN_K, 6)),
    }


class FeedProperties(TestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(organisations())
    def test_other_pages_show_only_released_figures_and_groups_of_k(self, organisation):
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
        for order in (1, 2):
            value = CoreValue.objects.create(
                version=version, order=order, code=f"v{order}", name=f"V{order}"
            )
            BehaviourGuide.objects.create(value=value, order=1, text="Perilaku")
        k = organisation["k"]
        services.set_policy(actor=admin, government=government, k=k, peers=5, subordinates=5)
        units: list[Unit] = []
        for i, parent in enumerate(organisation["parents"]):
            units.append(
                Unit.objects.create(
                    government=government,
                    parent=units[parent] if parent >= 0 else None,
                    kind="dinas" if parent < 0 else "bidang",
                    code=str(i),
                    name=f"U{i}",
                )
            )
        number = 0
        for unit, count in zip(units, organisation["people"], strict=True):
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
        )
        services.open_survey(actor=admin, survey=survey)
        items = list(questionnaire.items.values_list("pk", flat=True))
        invitations = list(Invitation.objects.filter(survey=survey).order_by("pk"))
        for invitation, answers in zip(invitations, organisation["answer"], strict=False):
            if answers:
                points = {item: 1 + (invitation.pk + item) % 5 for item in items}
                services.save_answers(invitation=invitation, points=points)
                services.submit(actor=None, invitation=invitation)
        start, end = today.replace(month=1, day=1), today.replace(month=12, day=31)

        # While open: only participation, and only for groups of at least k invited.
        self._rates_hold(government, units, start, end, today, k)

        services.close_survey(actor=admin, survey=survey)
        figures = {f.unit_id: f for f in Figure.objects.filter(survey=survey, unit__isnull=False)}
        agencies = [unit for unit in units if unit.parent_id is None]
        for agency in agencies:
            [entry] = feeds.agency_surveys(government, agency, start, end)
            figure = figures.get(agency.pk)
            if figure is None:
                assert entry["invited"] is None and not entry["shown"]
                assert entry["index"] is None and entry["values"] == []
                continue
            assert (entry["invited"], entry["answered"]) == (figure.invited, figure.answered)
            assert entry["shown"] == figure.shown
            if figure.shown:
                assert figure.answered >= k
                assert entry["index"] == figure.index
                assert sorted(v["index"] for v in entry["values"]) == sorted(
                    data["index"] for data in figure.values.values()
                )
            else:
                assert entry["index"] is None and entry["values"] == []
        self._rates_hold(government, units, start, end, today, k)

    def _rates_hold(self, government, units, start, end, today, k):
        lines = participation.participation(government, units, start=start, end=end, today=today)
        invited_in: dict[int, tuple[int, int]] = {}
        for unit in units:
            people = Invitation.objects.filter(
                government=government, employee__unit__path__startswith=unit.path
            )
            invited_in[unit.pk] = (people.filter(answered=True).count(), people.count())
        for line in lines:
            if line.survey is None:
                continue
            # A rate only for a group of at least k invited, and never more than are there.
            assert line.survey.of >= k
            done, of = invited_in[line.unit.pk]
            assert line.survey.of <= of and line.survey.done <= done
            # A unit whose rate is there holds all its people's invitations (all or nothing).
            assert (line.survey.done, line.survey.of) == (done, of)
