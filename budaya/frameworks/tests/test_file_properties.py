"""Whatever is uploaded, the reader answers with a FrameworkFileError or a parsed file, never a
crash, and every message names a line."""

from __future__ import annotations

import re

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


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(line=st.integers(min_value=0, max_value=38), replacement=scalars)
def test_a_changed_value_in_a_valid_file_is_refused_with_its_line(contoh_text, line, replacement):
    lines = contoh_text.splitlines()
    target = lines[line % len(lines)]
    match = re.match(r"^(\s*(?:- )?[a-z_]+: )(.+)$", target)
    if not match:
        return
    lines[line % len(lines)] = match.group(1) + yaml.safe_dump(replacement).splitlines()[0]
    try:
        services.parse_framework("\n".join(lines))
    except services.FrameworkFileError as error:
        assert all(re.match(r"^Line \d+|^Baris \d+", m) for m in error.messages), error.messages
