"""Notification texts are data a government edits, so they are filled in, never run (issue 20;
issue 17's rule: nothing a government uploads is code, see ``budaya/teams/sandbox.py``).

A text holds plain placeholders, ``{name}``, from the kind's list. ``fill`` replaces exactly
those with the event's values, as text; everything else, ``{{ settings.SECRET_KEY }}``,
``{% load %}``, ``{unknown}``, stays as written. No template engine ever sees the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _

PLACEHOLDER = re.compile(r"\{([a-z_]{1,40})\}")


def fill(text: str, values: Mapping[str, str], allowed: Iterable[str]) -> str:
    names = set(allowed)

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return values.get(name, "") if name in names else match.group(0)

    return PLACEHOLDER.sub(value, text)


def unknown_placeholders(text: str, allowed: Iterable[str]) -> list[str]:
    """The ``{name}`` placeholders of the text that the kind does not fill, for the form."""
    names = set(allowed)
    return sorted({m.group(1) for m in PLACEHOLDER.finditer(text)} - names)


def explain_unknown(found: list[str], allowed: Iterable[str]) -> str:
    return _("Unknown placeholders: %(found)s. This text may use: %(allowed)s.") % {
        "found": ", ".join("{" + name + "}" for name in found),
        "allowed": ", ".join("{" + name + "}" for name in allowed),
    }
