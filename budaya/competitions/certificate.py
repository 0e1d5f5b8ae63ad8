"""Certificates of a competition's winners as PDF (WeasyPrint), and their verification QR code.

A certificate carries the government's letterhead (``budaya/letterhead.py``: the logo, the name
as the letterhead prints it, the address and contact the city administrator set), the
competition, the team and its agency, the rank and category, the place and day of the
announcement, the signer the rulebook names for certificates (``monev.signatories`` with
``document: certificate``: the head of government, who coordinates the competitions, T Pasal 11;
S Pasal 11 ayat (2) huruf c) and a QR code (SVG, the ``qrcode`` library) that opens the public
verification page of the award. Like the minutes, the document is always in Indonesian (an
official document).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from budaya import letterhead as kop
from budaya.competitions.models import Award
from budaya.files import attach
from budaya.monev.exports import local_only_fetcher, stylesheet_uri, tanggal
from budaya.monev.services import signer_of
from budaya.rulebook.selectors import current_rulebook
from budaya.teams.decree import place_of

PDF = "application/pdf"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


@dataclass
class Certificate:
    award: Award
    verify_url: str
    signer_title: str
    signer_name: str
    signer_nip: str
    signed_at: str

    @property
    def rank_text(self) -> str:
        rank = self.award.rank
        return ROMAN[rank - 1] if 1 <= rank <= len(ROMAN) else str(rank)

    @property
    def competition_text(self) -> str:
        """The competition and its year, the year once when the name already holds it."""
        competition = self.award.competition
        year = str(competition.year)
        return competition.name if year in competition.name else f"{competition.name} Tahun {year}"

    @property
    def filename(self) -> str:
        entry = self.award.entry
        return f"sertifikat-{entry.competition.year}-{entry.team.name}-{self.award.rank}"


def verify_url(request: HttpRequest, award: Award) -> str:
    return request.build_absolute_uri(reverse("competitions:verify", args=[award.token]))


def build(request: HttpRequest, award: Award) -> Certificate:
    government = award.government
    book = current_rulebook(government)
    signatory = book.monev.signatory("certificate", "signs")
    name, nip = signer_of(government, signatory.signer) if signatory else ("", "")
    competition = award.competition
    return Certificate(
        award=award,
        verify_url=verify_url(request, award),
        signer_title=signatory.title if signatory else "",
        signer_name=name,
        signer_nip=nip,
        signed_at=f"{place_of(government)}, {tanggal(competition.announce_on)}",
    )


def qr_svg(url: str) -> bytes:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=1)
    return bytes(image.to_string())


def _data_uri(kind: str, data: bytes) -> str:
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def html(certificate: Certificate) -> str:
    return render_to_string(
        "competitions/certificate_pdf.html",
        {
            "c": certificate,
            "letterhead": kop.letterhead_of(certificate.award.government),
            "stylesheet": stylesheet_uri(kop.STYLESHEET),
            "qr_uri": _data_uri("image/svg+xml", qr_svg(certificate.verify_url)),
        },
    )


def pdf(certificate: Certificate) -> bytes:
    from weasyprint import HTML

    return bytes(
        HTML(string=html(certificate), url_fetcher=local_only_fetcher()).write_pdf()  # type: ignore[no-untyped-call]
    )


def respond(request: HttpRequest, award: Award) -> HttpResponse:
    certificate = build(request, award)
    response = HttpResponse(pdf(certificate), content_type=PDF)
    attach(response, certificate.filename, PDF)
    return response
