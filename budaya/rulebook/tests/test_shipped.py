"""The shipped rulebooks say what the regulations say: elements are counted and compared against
the regulation texts (../shared/regulations/), as the framework tests do for PRIMA and BerAKHLAK,
and the content that is hard-coded today is all in the files (the wiring only switches reads)."""

from __future__ import annotations

import re

import pytest
import yaml

from budaya.frameworks.tests import regulation_text as reg
from budaya.rulebook import services
from budaya.rulebook.tests import serang_tables as indicators
from budaya.teams import rulesfile

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def serang():
    return services.parse_shipped("kota-serang").document


@pytest.fixture(scope="module")
def tangerang():
    return services.parse_shipped("kota-tangerang").document


@pytest.fixture(scope="module")
def starter():
    return services.parse_shipped("starter").document


def flat(text: str) -> str:
    """The regulation's text without markup and line breaks, for "is it written there"."""
    text = re.sub(r"</?i>|\*", "", text)
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def clean(text: str) -> str:
    """The framework transcription rule, with "; serta" as a list ending too."""
    return reg.clean(re.sub(r";\s*serta$", "", text.strip()))


def written_in(text: str, regulation: str) -> bool:
    return clean(text) in flat(reg.read(regulation))


# --- Serang 34/2023 --------------------------------------------------------------------------


def test_serang_tabel_1_has_the_seven_numbered_columns_of_the_regulation(serang):
    header = next(
        line for line in reg.read(reg.SERANG).splitlines() if line.startswith("No.\tWaktu")
    )
    form = serang.monev.report_form
    assert [c.heading for c in form.columns] == header.split("\t")
    assert [c.number for c in form.columns] == [1, 2, 3, 4, 5, 6, 7]
    assert form.title == "Formulir Laporan Monitoring dan Evaluasi"
    assert serang.cite(form) == "S Lampiran E Tabel 1"


def test_serang_keterangan_legend_is_the_regulation_s_kolom_lines(serang):
    legend = dict(
        re.findall(r"^- Kolom (\d) : (.+)$", reg.read(reg.SERANG), re.MULTILINE)
    )  # fmt: skip
    assert len(legend) == 7
    for column in serang.monev.report_form.columns:
        assert column.legend == reg.clean(legend[str(column.number)])


def test_serang_tabel_1_row_groups_are_its_four_headings_tied_to_tabel_2(serang):
    groups = serang.monev.report_form.row_groups
    assert [g.indicator for g in groups] == [1, 2, 3, 4]
    for group in groups:
        assert written_in(group.heading, reg.SERANG)
    assert [g.heading for g in groups] == list(indicators.TABEL1_HEADINGS.values())


def test_serang_tabel_2_has_four_indicators_with_evidence_a_and_b(serang):
    maturity = serang.monev.maturity
    assert maturity is not None
    assert [i.number for i in maturity.indicators] == [1, 2, 3, 4]
    for indicator in maturity.indicators:
        assert indicator.text == indicators.TABEL2_INDICATORS[indicator.number]
        assert [e.item for e in indicator.evidence] == ["a", "b"]
        for item in indicator.evidence:
            assert item.text == reg.clean(indicators.TABEL2_ITEMS[indicator.number][item.item])
            assert written_in(item.text, reg.SERANG)
    assert maturity.level({(1, "a"): True, (1, "b"): True, (2, "a"): True}) == 1
    assert maturity.level({(n, i): True for n in (1, 2, 3, 4) for i in "ab"}) == 4
    assert maturity.level({(2, "a"): True, (2, "b"): True}) == 0


def test_serang_evaluation_areas_are_pasal_11_ayat_4(serang):
    block = reg.between(reg.read(reg.SERANG), "(4) Evaluasi", "BAB VI")
    expected = [reg.clean(t) for t in re.findall(r"- [a-c]\. (.+)", block)]
    assert (
        [a.text for a in serang.monev.evaluation.areas]
        == expected
        == [
            "pelaksanaan Budaya Kerja",
            "komitmen",
            "sarana dan prasarana",
        ]
    )


def test_serang_periods_and_august_deadline(serang):
    monev = serang.monev
    assert [(p.kind, p.name) for p in monev.periods] == [
        ("periodic", "berkala"),
        ("special", "khusus"),
    ]
    assert (monev.deadline.month, monev.deadline.day) == (8, 31)
    assert serang.cite(monev.deadline) == "S Lampiran D"
    assert "selambat-lambatnya bulan Agustus" in flat(reg.read(reg.SERANG))


def test_serang_activation_forms_are_lampiran_c3_a_to_i(serang):
    forms = serang.activities.forms
    assert [f.source for f in forms] == [f"Lampiran C.3 huruf {c}" for c in "abcdefghi"]
    # The codes the activity log stored before the rulebook (issue 18: existing forms resolve).
    assert [f.code for f in forms] == [
        "apel-pagi",
        "rapat",
        "bahan-tayang",
        "media-sosial",
        "twibbon",
        "banner-pamflet",
        "multimedia",
        "standing-banner",
        "lainnya",
    ]
    for form in forms:
        assert written_in(form.name, reg.SERANG), form.name
        if form.description:
            assert written_in(form.description, reg.SERANG), form.description


def test_serang_stages_are_lampiran_c1_and_c2_teams_first(serang):
    stages = serang.programme.stages
    assert [s.code for s in stages] == ["perencanaan", "pelaksanaan", "monev"]
    assert [s.source for s in stages][:2] == ["Lampiran C.1", "Lampiran C.2"]
    assert "membentuk tim" in stages[0].text
    for stage in stages:
        assert written_in(stage.text, reg.SERANG), stage.code
    assert [s.name for s in stages[2].steps] == [
        "penerapan nilai-nilai Budaya Kerja dalam kepemimpinan dan manajemen",
        "penerapan nilai-nilai Budaya Kerja dalam pola pikir dan cara kerja",
        "penerapan nilai-nilai Budaya Kerja dalam perilaku kerja",
    ]
    assert serang.programme.checklists == ()  # the regulation sets no conditions to check


def test_serang_chain_goes_through_the_city_team_then_the_sekda_then_the_wali_kota(serang):
    chain = serang.monev.approval_chain
    codes = [step.code for step in chain]
    assert codes == [
        "prepare",
        "approve",
        "submit",
        "accept",
        "consolidate",
        "forward",
        "acknowledge",
    ]
    assert [serang.monev.step(c).actor for c in ("accept", "forward", "acknowledge")] == [
        "city_team",
        "sekda",
        "head",
    ]
    assert serang.office("sekda").kind == "regional_secretary"
    assert serang.head_of_government.title == "Wali Kota"
    assert serang.monev.step("forward").distinct_from == ("consolidate",)
    assert serang.monev.step("acknowledge").distinct_from == ("forward",)
    assert "dilaporkan kepada wali kota" in flat(reg.read(reg.SERANG))


def test_serang_signatories_print_each_office_under_its_own_title(serang):
    monev = serang.monev
    assert monev.signatory("agency_report").title == (
        "Ketua Tim Percepatan Pelaksanaan Reformasi Birokrasi Kota Serang"
    )
    assert monev.signatory("city_report", "forwards").signer == "sekda"
    assert monev.signatory("city_report", "forwards").title == "Sekretaris Daerah Kota Serang"
    assert monev.signatory("city_report", "acknowledges").signer == "head"
    assert monev.signatory("city_report", "acknowledges").title == "Wali Kota Serang"


def test_serang_role_models_may_be_agencies_units_or_employees(serang):
    eligibility = serang.role_model_eligibility
    assert eligibility.subjects == ("employee", "unit", "agency")
    assert eligibility.allows_status("PPPK")
    assert written_in(eligibility.text, reg.SERANG)
    assert not serang.problem_solving_applies


# --- Tangerang 62/2018 -----------------------------------------------------------------------


def test_tangerang_formulation_has_the_five_steps_of_lampiran_ii_ii1(tangerang):
    stage = tangerang.programme.stage("perumusan")
    assert stage is not None
    block = reg.between(reg.read(reg.TANGERANG), "Adapun tahapan atau langkah", "2. Implementasi")
    headings = re.findall(r"^([a-e])\. (.+)$", block, re.MULTILINE)
    assert [(s.code, s.name) for s in stage.steps] == headings
    for step in stage.steps:
        assert written_in(step.text, reg.TANGERANG), step.code


def test_tangerang_implementation_has_declaration_socialisation_internalisation_and_more(
    tangerang,
):
    stage = tangerang.programme.stage("implementasi")
    assert stage is not None
    assert [s.name for s in stage.steps] == [
        "Mendeklarasikan Nilai-nilai",
        "Sosialisasi",
        "Internalisasi",
        "Institusionalisasi",
    ]
    for step in stage.steps:
        assert written_in(step.text, reg.TANGERANG), step.code
    assert [s.code for s in tangerang.stages] == ["perumusan", "implementasi", "monev"]


def test_tangerang_checklists_are_the_four_criteria_and_the_six_conditions(tangerang):
    criteria = tangerang.programme.checklist("kriteria-keberhasilan")
    conditions = tangerang.programme.checklist("syarat-keberhasilan")
    assert criteria is not None and conditions is not None
    assert len(criteria.items) == 4
    assert len(conditions.items) == 6
    for item in (*criteria.items, *conditions.items):
        assert written_in(item.text, reg.TANGERANG), item.text
    assert conditions.items[2].text.endswith(
        "panutan/ccontoh penerapan nilai-nilai di lingkungan OPD"
    )


def test_tangerang_monitoring_follows_permenpan_2007_over_three_areas(tangerang):
    monev = tangerang.monev
    assert monev.basis is not None and "PER/01/M.PAN/01/2007" in monev.basis.text
    assert tangerang.cite(monev.basis) == "T Lampiran II angka II.3"
    assert [a.text for a in monev.evaluation.areas] == [
        clean(t)
        for t in re.findall(
            r"- [a-c]\. (penerapan nilai-nilai budaya kerja dalam .+)", reg.read(reg.TANGERANG)
        )
    ]
    assert monev.maturity is None  # the regulation sets no maturity indicators
    # Where Pasal 12 leaves monitoring to a later regulation, the government chose.
    assert monev.report_form.is_choice and monev.deadline.is_choice
    assert all(g.indicator is None for g in monev.report_form.row_groups)
    assert len(monev.report_form.row_groups) == 3


def test_tangerang_role_model_is_a_pns(tangerang):
    eligibility = tangerang.role_model_eligibility
    assert eligibility.subjects == ("employee",)
    assert eligibility.statuses == ("PNS",)
    assert not eligibility.allows_status("PPPK")
    assert not eligibility.allows_subject("unit")
    assert tangerang.cite(eligibility) == "T Pasal 1 angka 16"
    assert written_in(eligibility.text, reg.TANGERANG)


def test_tangerang_applies_kbk_problem_solving_and_never_names_a_serang_body(tangerang):
    assert tangerang.problem_solving_applies
    assert tangerang.cite(tangerang.problem_solving) == "T Lampiran II angka III"
    text = services.shipped_text("kota-tangerang")
    assert "Serang" not in text and "Percepatan" not in text
    assert tangerang.head_of_government.title == "Walikota"
    assert tangerang.words.agency_team_name.text == "Kelompok Budaya Kerja"


def test_tangerang_head_duties_are_pasal_11(tangerang):
    duties = tangerang.head_of_government.duties
    block = reg.between(reg.read(reg.TANGERANG), "Pasal 11", "BAB VII")
    assert [d.text for d in duties] == [clean(t) for t in re.findall(r"- [ab]\. (.+)", block)]


def test_tangerang_forms_are_the_methods_of_lampiran_ii(tangerang):
    codes = [f.code for f in tangerang.activities.forms]
    # The codes the activity log stored before the rulebook (issue 18: existing forms resolve).
    assert codes == [
        "deklarasi",
        "wawancara",
        "ceramah",
        "pks",
        "diskusi-kbk",
        "workshop",
        "diklat",
        "fgd",
        "mind-setting",
        "outbound",
        "lainnya",
    ]
    text = flat(reg.read(reg.TANGERANG)).lower()
    for form in tangerang.activities.forms:
        assert form.name.lower() in text, form.name


# --- Both, and the starter -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "counts"),
    [("kota-tangerang", (1, 5, 19)), ("kota-serang", (2, 4, 1)), ("starter", (2, 3, 0))],
)
def test_the_teams_section_is_an_eligibility_rules_file(name, counts):
    book = services.parse_shipped(name).document
    rules = rulesfile.parse(yaml.safe_dump(book.teams.as_rules_file()))  # the teams app reads it
    assert (len(rules.team_kinds), len(rules.roles), len(rules.rules)) == counts


@pytest.mark.parametrize("name", ["kota-tangerang", "kota-serang"])
def test_every_element_the_regulation_decides_cites_it(name):
    def walk(node, path):
        if isinstance(node, dict):
            if node.get("choice") == "regulation" and "source" in node:
                assert node["source"], path
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, f"{path}[{index}]")

    walk(services.parse_shipped(name).content, name)


def test_the_starter_names_no_city_and_cites_nothing(starter):
    text = services.shipped_text("starter")
    for word in ("Tangerang", "Serang", "Wali Kota", "Walikota", "Bupati", "Gubernur", "Kota "):
        assert word not in text
    # Not even in a code: a kabupaten's audit trail shows its team kind's code (issue 18, item 4).
    assert not re.search(r"\bkota\b", text, re.IGNORECASE)
    content = services.parse_shipped("starter").content

    def sources(node):
        if isinstance(node, dict):
            yield from ([node["source"]] if "source" in node else [])
            for value in node.values():
                yield from sources(value)
        elif isinstance(node, list):
            for item in node:
                yield from sources(item)

    assert set(sources(content)) == {""}
    assert starter.head_of_government.title == "Kepala Daerah"
    assert starter.regulation.short == ""
    assert starter.cite(starter.words.programme_name) == ""
