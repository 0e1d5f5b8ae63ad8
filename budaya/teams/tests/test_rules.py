"""Eligibility rules (T Lampiran II III.2) as data, checked on teams; the rules file format."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from budaya.org.models import Unit
from budaya.rulebook import services as rulebook_services
from budaya.teams import rulesfile, selectors, services
from budaya.teams.eligibility import echelon_matches
from budaya.teams.models import EligibilityRule, TeamKind, TeamRole

pytestmark = pytest.mark.django_db


def _reasons(team) -> list[str]:
    found = selectors.assess([team], timezone.localdate())[team.pk]
    return [breach.reason for breach in found.all_breaches]


def test_echelon_levels_and_exact_echelons():
    assert echelon_matches("III.a", ["III"]) and echelon_matches("III.b", ["III"])
    assert echelon_matches("II.b", ["II.b"]) and not echelon_matches("II.a", ["II.b"])
    assert echelon_matches("IV.a", ["III", "IV"]) and not echelon_matches("", ["IV"])


def test_a_team_as_the_regulation_describes_it_meets_every_rule(city):
    assert _reasons(city.full_team()) == []


def test_tangerang_defaults_transcribe_lampiran_ii_iii_2(city):
    rules = EligibilityRule.objects.filter(government=city.government)
    chair = {
        tuple(rule.unit_kinds): rule.echelons
        for rule in rules.filter(role__code="ketua", requirement="echelon")
    }
    assert chair == {
        ("setda",): ["II.b"],
        ("badan", "dinas", "satpol_pp", "inspektorat"): ["III"],
        ("kantor", "rsud"): ["III", "IV"],
        ("uptd", "uptb"): ["IV"],
    }
    secretary = {
        tuple(rule.unit_kinds): rule.echelons
        for rule in rules.filter(role__code="sekretaris", requirement="echelon")
    }
    assert secretary[("setda",)] == ["III"]
    assert secretary[("badan", "dinas", "satpol_pp", "inspektorat")] == ["IV"]
    head = rules.get(role__code="penanggung-jawab")
    assert (head.requirement, head.wording) == ("head", "Penanggung-jawab KBK adalah Kepala OPD;")
    duties = TeamRole.objects.get(government=city.government, code="fasilitator").duty_list
    assert duties[0] == "memfasilitasi pelaksanaan KBK" and len(duties) == 6


def test_an_echelon_iv_chair_of_a_dinas_breaks_huruf_e(city):
    team = city.team()
    city.member(team, city.kasi2, "ketua")
    assert _reasons(team) == [
        "Ketua of a team in a Service (Dinas) must hold echelon III; Dewi Kasi holds IV.a."
    ]
    found = selectors.assess([team], timezone.localdate())[team.pk]
    assert found.all_breaches[0].source == "Lampiran II angka III.2 huruf e angka 2)"


def test_the_same_echelon_is_right_for_a_uptd(city, government):
    uptd = Unit.objects.create(
        government=government, parent=city.agency, kind=Unit.Kind.UPTD, code="PKM", name="UPTD PKM"
    )
    from budaya.teams.tests.conftest import person

    kepala = person(uptd, "Kepala Puskesmas", "IV.a")
    kasubag = person(uptd, "Kasubag TU", "IV.b")
    team = city.team("KBK Puskesmas", unit=uptd)
    city.member(team, kepala, "penanggung-jawab")
    city.member(team, kasubag, "ketua")
    assert _reasons(team) == []


def test_the_responsible_officer_must_be_the_head_of_the_agency(city):
    team = city.team()
    city.member(team, city.kabid, "penanggung-jawab")
    assert _reasons(team) == [
        "Penanggung-jawab must be the head of Dinas Kesehatan (Ratna Kepala), not Budi Kabid."
    ]


def test_members_are_pns_of_the_agency(city):
    team = city.team()
    city.member(team, city.pppk, "anggota")
    city.member(team, city.outsider, "anggota")
    reasons = _reasons(team)
    assert "Anggota must be PNS; Nia Kontrak is PPPK." in reasons
    assert "Eko Perhubungan works in Dinas Perhubungan, not in Dinas Kesehatan." in reasons


def test_chair_may_also_be_a_member_but_the_facilitator_may_not(city):
    team = city.team()
    city.member(team, city.kabid, "ketua")
    city.member(team, city.kabid, "anggota")
    assert _reasons(team) == []
    city.member(team, city.kabid2, "fasilitator")
    city.member(team, city.kabid2, "anggota")
    assert _reasons(team) == [
        "Andi Kabid is already Anggota of this team; no rule lets Anggota also be Fasilitator."
    ]


def test_a_justified_breach_stays_visible_but_is_not_counted(city):
    team = city.team()
    city.member(team, city.kasi2, "ketua", justification="Pejabat eselon III sedang diklat.")
    found = selectors.assess([team], timezone.localdate())[team.pk]
    assert len(found.justified) == 1 and found.unjustified == []


def test_an_ended_membership_is_history_not_a_breach(city):
    team = city.team()
    city.member(team, city.kasi2, "ketua", end_on=datetime.date(2025, 1, 31))
    found = selectors.assess([team], timezone.localdate())[team.pk]
    assert found.all_breaches == [] and [m.employee for m in found.history] == [city.kasi2]


# --- The rules file -------------------------------------------------------------------------------


def test_export_then_import_gives_the_same_rules(city, other_government):
    text = rulesfile.export(city.government)
    parsed = rulesfile.parse(text)
    services.import_rules(other_government, parsed)
    exported = rulesfile.document(other_government)
    original = rulesfile.document(city.government)
    assert {**exported, "source": ""} == {**original, "source": ""}


def test_the_file_is_checked_against_its_schema_and_references():
    text = """format: budaya-eligibility-rules/1
team_kinds: [{code: kbk, name: KBK, scope: agency}]
roles: [{code: ketua, name: Ketua, chart_place: chair}]
rules:
- {team_kind: kbk, role: ketua, requirement: echelon}
- {team_kind: tim, role: ketua, requirement: head}
- {team_kind: kbk, role: ketua, requirement: echelon, echelons: [V]}
"""
    with pytest.raises(rulesfile.RulesFileError) as error:
        rulesfile.parse(text)
    assert "rules[0]: 'echelons' is a required property" in error.value.messages
    assert any(message.startswith("rules[2].echelons[0]") for message in error.value.messages)
    text_refs = text.replace("- {team_kind: kbk, role: ketua, requirement: echelon}\n", "").replace(
        ", echelons: [V]", ", echelons: [IV]"
    )
    with pytest.raises(rulesfile.RulesFileError) as error:
        rulesfile.parse(text_refs)
    assert error.value.messages == ["rules[0].team_kind: no team kind has the code “tim”."]


def test_aliases_are_refused():
    with pytest.raises(rulesfile.RulesFileError):
        rulesfile.parse(
            "format: &a budaya-eligibility-rules/1\nteam_kinds: []\nroles: []\nrules: [*a]"
        )


def test_a_new_rulebook_version_keeps_kinds_and_roles_that_teams_use_and_replaces_rules(city):
    """The teams tables follow the rulebook (issue 18: one place to write the rules)."""
    team = city.full_team()
    rulebook_services.load_shipped(government=city.government, name="kota-serang")
    assert TeamKind.objects.filter(government=city.government, code="kbk").exists()
    assert TeamKind.objects.filter(government=city.government, code="tim-rb-pd").exists()
    assert not EligibilityRule.objects.filter(government=city.government, team_kind__code="kbk")
    assert _reasons(team) == []


def test_the_rules_come_from_the_rulebook_and_export(city, tmp_path):
    assert EligibilityRule.objects.filter(government=city.government).count() == 19
    path = tmp_path / "rules.yaml"
    call_command(
        "export_eligibility_rules", city.government.slug, "-o", str(path), stdout=io.StringIO()
    )
    exported = rulesfile.parse(path.read_text(encoding="utf-8"))
    assert (len(exported.team_kinds), len(exported.roles), len(exported.rules)) == (1, 5, 19)
    # The import command is gone: the rulebook upload is the one place the rules are written.
    with pytest.raises(CommandError):
        call_command("import_eligibility_rules", city.government.slug, str(path))


def test_schema_is_published(client):
    response = client.get("/teams/rules-schema.json")
    assert response.status_code == 200
    assert response.json()["$id"] == "urn:budaya:eligibility-rules-format:1"


def test_a_role_or_employee_name_with_format_syntax_stays_text_in_a_message(city):
    """Issue 17: a government's words are values of a message, never its format string."""
    chair = city.roles["ketua"]
    chair.name = "Ketua {0.__class__.__init__.__globals__} %(name)s"
    chair.save()
    city.kasi2.name = "{role.__class__} %s"
    city.kasi2.save()
    team = city.team()
    city.member(team, city.kasi2, "ketua")
    assert _reasons(team) == [
        "Ketua {0.__class__.__init__.__globals__} %(name)s of a team in a Service (Dinas) must "
        "hold echelon III; {role.__class__} %s holds IV.a."
    ]
