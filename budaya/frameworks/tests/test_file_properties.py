"""Whatever is uploaded, the reader answers with a FrameworkFileError or a parsed file, never a
crash, and every message names a line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budaya.frameworks import services

pytestmark = pytest.mark.django_db

scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
documents = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8) | st.integers(), children, max_size=4)
    ),
    max_leaves=20,
)


def check(text: str) -> None:
    try:
        services.parse_framework(text)
    except services.FrameworkFileError as error:
        assert error.messages
        for message in error.messages:
            assert isinstance(message, str) and message
    # A parsed file is fine too; nothing else may escape.


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200))
def test_any_text_is_read_or_refused(text):
    check(text)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(documents)
def test_any_yaml_structure_is_read_or_refused(document):
    check(yaml.safe_dump(document, allow_unicode=True))


# Every line of the example file that writes a value on the line of its key: the candidates
# for a change. (Issue 17, part 6: the test used to pick any line and return without asserting
# when the line held no value, and to accept a change the format allows; now each example
# changes a value to one no field accepts and checks the refusal names that line.)
CONTOH = (Path(__file__).resolve().parent / "fixtures" / "kabupaten-contoh.yaml").read_text(
    encoding="utf-8"
)
FIELD_LINE = re.compile(r"^(\s*(?:- )?[a-z_]+: )(\S.*)$")
VALUE_LINES = [index for index, line in enumerate(CONTOH.splitlines()) if FIELD_LINE.match(line)]
# No field of the format takes true/false, a list or a mapping on its key's line. Their text
# holds no character YAML reads as a line break, so the value stays on its key's line.
one_line_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"),
    max_size=8,
)
one_line_scalars = st.none() | st.booleans() | st.integers() | one_line_text
wrong_values = (
    st.booleans()
    | st.lists(one_line_scalars, min_size=1, max_size=3)
    | st.dictionaries(one_line_text.filter(bool), one_line_scalars, min_size=1, max_size=3)
)


def test_the_example_has_values_on_many_lines():
    assert len(VALUE_LINES) >= 30


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(index=st.sampled_from(VALUE_LINES), replacement=wrong_values)
def test_a_changed_value_in_a_valid_file_is_refused_with_its_line(index, replacement):
    lines = CONTOH.splitlines()
    match = FIELD_LINE.match(lines[index])
    assert match
    written = yaml.safe_dump(replacement, default_flow_style=True, width=10**6, allow_unicode=True)
    written = written.removesuffix("\n").removesuffix("\n...")
    assert "\n" not in written
    lines[index] = match.group(1) + written
    with pytest.raises(services.FrameworkFileError) as refused:
        services.parse_framework("\n".join(lines))
    line = index + 1
    assert any(
        re.match(rf"^(Line|Baris) {line}\b", message) for message in refused.value.messages
    ), (lines[index], refused.value.messages)
    assert all(re.match(r"^(Line|Baris) \d+", m) for m in refused.value.messages)
