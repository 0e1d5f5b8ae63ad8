"""The file format: the shipped files read, round trips are identical, errors name line and field
in Indonesian, and the schema the app serves is the one in the repository."""

from __future__ import annotations

import json

import pytest
import yaml
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budaya.rulebook import schema, services

SHIPPED = services.SHIPPED


@pytest.fixture
def indonesian():
    with translation.override("id"):
        yield


def _errors(text: str) -> list[str]:
    with pytest.raises(services.RulebookFileError) as caught:
        services.parse_rulebook(text)
    return caught.value.messages


def _edited(name: str, edit) -> str:
    data = yaml.safe_load(services.shipped_text(name))
    edit(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.mark.django_db
@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_file_reads_and_its_canonical_yaml_reads_back_the_same(name):
    parsed = services.parse_shipped(name)
    again = services.parse_rulebook(services.to_yaml(parsed.content))
    assert again.content == parsed.content
    assert again.content_hash == parsed.content_hash
    assert services.to_yaml(again.content) == services.to_yaml(parsed.content)


def test_the_schema_file_in_the_repository_is_the_one_the_code_builds():
    assert schema.SCHEMA_PATH.read_text(encoding="utf-8") == schema.schema_text()


def test_the_schema_is_served_to_anyone(client):
    response = client.get("/rulebook/schema.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/schema+json")
    assert json.loads(response.content)["properties"]["format"] == {"const": "budaya-rulebook/1"}


def test_defaults_are_filled_in_and_left_out_again():
    parsed = services.parse_shipped("starter")
    words = parsed.content["words"]["programme_name"]
    assert words == {"text": "Budaya Kerja", "source": "", "choice": "government", "note": ""}
    assert "source" not in services.compact(parsed.content)["words"]["programme_name"]


@pytest.mark.django_db
def test_errors_name_the_line_and_the_field_in_indonesian(indonesian):
    text = services.shipped_text("starter").replace("  programme_name:\n", "  programme_nama:\n")
    messages = _errors(text)
    line = text.splitlines().index("  programme_nama:") + 1
    assert f"Baris {line}, words.programme_nama: kolom “programme_nama” tidak dikenal." in messages
    assert any("kolom wajib “programme_name” tidak ada." in m for m in messages)


@pytest.mark.django_db
def test_a_wrong_choice_value_lists_the_allowed_ones_in_indonesian(indonesian):
    text = services.shipped_text("starter").replace(
        "    kind: regional_secretary", "    kind: sekretaris"
    )
    (message,) = _errors(text)
    line = text.splitlines().index("    kind: sekretaris") + 1
    assert message.startswith(f"Baris {line}, offices[1].kind: ")
    assert "“head_of_government”, “regional_secretary”, “other”" in message


@pytest.mark.django_db
def test_yaml_that_does_not_parse_says_where(indonesian):
    (message,) = _errors("format: budaya-rulebook/1\nwords: [\n")
    assert message.startswith("Baris 3")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("edit", "field", "needle"),
    [
        (
            lambda d: d["monev"]["signatories"][2].update(title="Wali Kota Serang"),
            "monev.signatories[2].title",
            "“sekda”",
        ),
        (
            lambda d: d["monev"]["approval_chain"][0].update(may_return_to="acknowledge"),
            "monev.approval_chain[0].may_return_to",
            "“acknowledge”",
        ),
        (
            lambda d: d["monev"]["approval_chain"][5].update(actor="bupati"),
            "monev.approval_chain[5].actor",
            "“bupati”",
        ),
        (
            lambda d: d["words"]["programme_name"].pop("source"),
            "words.programme_name.source",
            "choice: government",
        ),
        (
            lambda d: d["offices"][1].update(kind="head_of_government"),
            "offices",
            "head_of_government",
        ),
        (
            lambda d: d["activities"]["obligations"][0].update(form="senam"),
            "activities.obligations[0].form",
            "“senam”",
        ),
        (
            lambda d: d["monev"]["deadline"].update(month=2, day=30),
            "monev.deadline.day",
            "",
        ),
        (
            lambda d: d["monev"]["report_form"]["row_groups"][0].update(indicator=9),
            "monev.report_form.row_groups[0].indicator",
            "9",
        ),
    ],
)
def test_rules_a_schema_cannot_say_are_checked(edit, field, needle):
    messages = _errors(_edited("kota-serang", edit))
    assert any(f", {field}: " in m and needle in m for m in messages), messages


# --- Property: whatever the texts, the canonical YAML reads back as the same content ----------

CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Zl", "Zp"))
TEXT = st.text(alphabet=CHARACTERS, min_size=1, max_size=60).map(str.strip).filter(bool)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    programme=TEXT,
    agency=TEXT,
    note=st.text(alphabet=CHARACTERS, max_size=40).map(str.strip),
    days=st.lists(st.integers(1, 366), unique=True, max_size=5),
    month=st.integers(1, 12),
    day=st.integers(1, 28),
)
def test_any_text_round_trips_through_the_canonical_yaml(programme, agency, note, days, month, day):
    content = services.parse_shipped("kota-serang").content
    content = json.loads(json.dumps(content))
    content["words"]["programme_name"]["text"] = programme
    content["words"]["agency_name"]["text"] = agency
    content["notes"] = note
    content["monev"]["reminders"]["days"] = days
    content["monev"]["deadline"].update(month=month, day=day)
    text = services.to_yaml(content)
    again = services.parse_rulebook(text)
    assert again.content == content
    assert services.to_yaml(again.content) == text
