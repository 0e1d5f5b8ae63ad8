"""Text as people type and spreadsheets export it, made comparable (issue 23).

Exports carry zero-width spaces, no-break spaces and accents in decomposed form (``e`` followed by
a combining acute) that look the same on screen as the plain text a user types into a search
box, and then match nothing. ``clean_text`` gives the text to store, ``search_key`` the text to
compare and search with.
"""

from __future__ import annotations

import unicodedata

# Invisible characters that exports and copy-paste leave in names: zero-width space, non-joiner,
# joiner, word joiner, a byte-order mark inside the text, soft hyphen.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_REMOVE_INVISIBLE = str.maketrans(dict.fromkeys(INVISIBLE))


def clean_text(value: str) -> str:
    """NFC, invisible characters removed, every run of spaces (no-break spaces included) one
    space, no space at either end."""
    if value.isascii():  # most cells: nothing to normalise
        return " ".join(value.split())
    return " ".join(unicodedata.normalize("NFC", value.translate(_REMOVE_INVISIBLE)).split())


def search_key(value: str) -> str:
    """What two spellings of one name share: case folded, accents and invisible characters
    removed, spaces collapsed ("  JOSÉ  Siti" and "jose siti" give the same key)."""
    if value.isascii():
        return " ".join(value.casefold().split())
    decomposed = unicodedata.normalize("NFKD", value.translate(_REMOVE_INVISIBLE))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())
