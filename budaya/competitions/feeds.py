"""The competitions an agency's teams won, as evidence of its monitoring report (issue 24
Deliver 4): shown on the report's pages (``templatetags/competitions.py``), frozen with the
version when the report goes up and printed in its documents (PDF, DOCX, XLSX), like the survey
results (issue 22). Cited where the period's rulebook names the source ``competitions`` for a
maturity evidence item (S Tabel 2 indicators 3.b and 4.b count a "lomba Budaya Kerja")."""

from __future__ import annotations

import datetime
from typing import Any

from budaya.competitions.selectors import results_for_unit
from budaya.rulebook.schema import EVIDENCE_SOURCES

SOURCE = EVIDENCE_SOURCES[2]  # "competitions"
# The documents are always in Indonesian (official documents).
DOCUMENT_HEADING = "Hasil kompetisi yang dimenangkan pada periode ini"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def cited_items(book: Any) -> list[str]:
    """Where the rulebook names competition results as evidence, each as its words and
    citation ("Tabel 2 3 b: ... (Lampiran E Tabel 2 baris 3)")."""
    maturity = book.monev.maturity
    found = []
    for indicator in maturity.indicators if maturity is not None else ():
        for item in indicator.evidence:
            if SOURCE in item.sources:
                citation = book.cite(indicator)
                text = f"{maturity.title} {indicator.number} {item.item}: {item.text}"
                found.append(f"{text} ({citation})" if citation else text)
    return found


def report_evidence(report: Any) -> dict[str, Any] | None:
    """The awards of the report's agency in competitions announced within its period, as the
    version keeps them; None without any (the content then stays as it was)."""
    from budaya.monev.rules import book_of

    awards = results_for_unit(report.unit, report.period)
    if not awards:
        return None
    return {
        "cited": cited_items(book_of(report.period)),
        "awards": [
            {
                "competition": award.competition.name,
                "announced": award.competition.announce_on.isoformat(),
                "rank": award.rank,
                "team": award.entry.team.name,
                "category": award.entry.category.name,
                "entry": award.entry.title,
                "total": str(award.total),
            }
            for award in awards
        ],
    }


def document_lines(evidence: dict[str, Any]) -> list[str]:
    """The evidence as lines of the report's documents: a heading, then one line per award."""
    from budaya.monev.exports import tanggal

    cited = evidence.get("cited") or []
    lines = [f"{DOCUMENT_HEADING}" + (f" (bukti untuk {'; '.join(cited)})" if cited else "") + ":"]
    for award in evidence["awards"]:
        rank = award["rank"]
        title = f"Juara {ROMAN[rank - 1]}" if 1 <= rank <= len(ROMAN) else f"Peringkat {rank}"
        day = tanggal(datetime.date.fromisoformat(award["announced"]))
        lines.append(
            f"{award['competition']} (diumumkan {day}): {title}, {award['team']}, kategori "
            f"{award['category']}, karya “{award['entry']}”, nilai "
            f"{award['total'].replace('.', ',')}"
        )
    return lines
