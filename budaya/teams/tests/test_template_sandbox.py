"""A decree template runs no code (issue 17, item 1): the attacks of the issue, scripted."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from docx import Document

from budaya.org.models import Employee
from budaya.teams import decree, sandbox, services
from budaya.teams.models import Decree
from budaya.tests import office_files

# The exact payload of the issue: prints the web process's user (uid=...).
ISSUE_PAYLOAD = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"


def payloads(marker: Path) -> list[str]:
    """Every way in the issue lists; each one that ran would create ``marker`` or print a
    secret or another government's employees."""
    touch = f"touch {marker}"
    return [
        ISSUE_PAYLOAD,
        f"{{{{ cycler.__init__.__globals__.os.popen('{touch}').read() }}}}",
        # Attribute walks to every class, and to the module of a value in the context.
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        f"{{{{ ''.__class__.__mro__[1].__subclasses__()[140].__init__.__globals__['sys']"
        f".modules['os'].system('{touch}') }}}}",
        "{{ members[0].__init__.__globals__['Employee'].objects.values_list('name') }}",
        "{% for m in members %}{{ m.__init__.__globals__.Employee.objects.all() }}{% endfor %}",
        "{{ cycler.__init__.__globals__.__builtins__.__import__('budaya.org.models')"
        ".org.models.Employee.objects.values_list('name', flat=True) }}",
        # The template itself and Jinja's globals.
        "{{ self }}",
        "{{ self._TemplateReference__context }}",
        "{{ lipsum.__globals__ }}",
        f"{{{{ lipsum.__globals__['os'].popen('{touch}').read() }}}}",
        "{{ request }}",
        "{{ settings.SECRET_KEY }}",
        # Filters that reach __globals__, and the filters' own calls.
        "{{ x|attr('__globals__') }}",
        "{{ (cycler|attr('__init__')) }}",
        f"{{{{ (cycler|attr('__init__')|attr('__globals__'))['os'].popen('{touch}') }}}}",
        "{{ issuer|format(1) }}",
        "{{ '{0.__class__}'.format(issuer) }}",
        "{{ issuer.upper() }}",
        # Statements.
        "{% set x = cycler %}",
        "{% include 'base.html' %}",
        "{% import 'base.html' as base %}",
        "{% from 'base.html' import x %}",
        "{% extends 'base.html' %}",
        "{% macro m() %}{% endmacro %}",
        "{% with x = cycler %}{{ x }}{% endwith %}",
        "{% for m in members %}{{ loop.cycle('a', 'b') }}{% endfor %}",
        "{% for x in range(10) %}{% endfor %}",
    ]


def template_docx(text: str, *, where: str = "body") -> bytes:
    document = Document()
    document.add_paragraph("KEPUTUSAN {{ issuer }}")
    if where == "body":
        document.add_paragraph(text)
    elif where == "header":
        document.sections[0].header.paragraphs[0].text = text
    elif where == "footer":
        document.sections[0].footer.paragraphs[0].text = text
    elif where == "title":
        document.core_properties.title = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def setup(client, city, city_admin_user, other_government):
    """A draft in the city, a city administrator signed in, and another government's employee
    whose name must never come out."""
    team = city.full_team()
    draft = services.create_decree(
        Decree(government=city.government, team=team, subject="Pembentukan KBK")
    )
    foreign = make_foreign(other_government)
    client.cookies["budaya_language"] = "en"
    client.force_login(city_admin_user)
    return client, city, draft, foreign


def make_foreign(government) -> Employee:
    from budaya.org.models import Unit

    unit = Unit.objects.create(government=government, name="Dinas Lain", kind="dinas", code="X")
    return Employee.objects.create(
        government=government, unit=unit, name="Rahasia Pemerintah Lain", sex="P", status="PNS"
    )


def upload(client, government, content: bytes):
    url = reverse("teams:template_upload", args=[government.slug])
    return client.post(url, {"template": SimpleUploadedFile("sk.docx", content)})


def test_every_attack_is_refused_at_upload_naming_the_placeholder_and_never_runs(setup, tmp_path):
    client, city, _draft, foreign = setup
    marker = tmp_path / "ran"
    for payload in payloads(marker):
        answer = upload(client, city.government, template_docx(payload))
        page = answer.content.decode()
        assert answer.status_code == 200, payload  # the form again, not a redirect
        assert "is not allowed" in page, payload
        # The message names the refused tag.
        assert any(escape(tag) in page for tag in re.findall(r"{{.*?}}|{%.*?%}", payload))
        assert "uid=" not in page and foreign.name not in page
        assert not marker.exists(), payload
    city.government.refresh_from_db()
    assert not services.policy_of(city.government).decree_template


@pytest.mark.parametrize("where", ["header", "footer", "title"])
def test_headers_footers_and_properties_are_checked_too(setup, tmp_path, where):
    client, city, _draft, _foreign = setup
    marker = tmp_path / "ran"
    payload = f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}"
    page = upload(client, city.government, template_docx(payload, where=where)).content.decode()
    assert escape(payload) in page and "is not allowed" in page
    assert not marker.exists()


def test_a_stored_template_is_checked_again_and_never_runs_on_download(setup, tmp_path):
    """A template put in storage without the upload check (stored before it existed)."""
    client, city, draft, foreign = setup
    marker = tmp_path / "ran"
    policy = services.policy_of(city.government)
    url = reverse("teams:decree_draft", args=[city.government.slug, draft.pk])
    for payload in payloads(marker):
        policy.decree_template.save("lama.docx", ContentFile(template_docx(payload)))
        answer = client.get(url, follow=True)
        page = answer.content.decode()
        assert answer.redirect_chain[-1][0] == reverse(
            "teams:decree_detail", args=[city.government.slug, draft.pk]
        ), payload
        assert "The government&#x27;s decree template cannot be used" in page, payload
        assert "is not allowed" in page, payload
        assert "uid=" not in page and foreign.name not in page
        assert not marker.exists(), payload


def test_a_unit_head_downloading_the_draft_does_not_run_a_stored_payload(
    setup, client, unit_head_user
):
    """Anyone who can download drafts triggered the stored payload; a unit head, here."""
    _client, city, draft, _foreign = setup
    policy = services.policy_of(city.government)
    policy.decree_template.save("lama.docx", ContentFile(template_docx(ISSUE_PAYLOAD)))
    client.force_login(unit_head_user)
    url = reverse("teams:decree_draft", args=[city.government.slug, draft.pk])
    answer = client.get(url, follow=True)
    page = answer.content.decode()
    assert answer.redirect_chain and escape(ISSUE_PAYLOAD) in page
    assert "uid=" not in page


def test_the_sandbox_alone_stops_the_attacks_should_the_check_miss_one(
    setup, tmp_path, monkeypatch
):
    """Defence in depth: with the check switched off, the sandbox and the plain values still
    run nothing and leak nothing."""
    _client, _city, draft, foreign = setup
    marker = tmp_path / "ran"
    monkeypatch.setattr(sandbox, "check_source", lambda environment, source: None)
    values = decree.context(draft, list(draft.team.memberships.all()), None)
    for payload in payloads(marker):
        try:
            text = decree.docx_text(decree.render(io.BytesIO(template_docx(payload)), values))
        except Exception:  # SecurityError, UndefinedError, TemplateSyntaxError ...
            text = ""
        assert "uid=" not in text and foreign.name not in text, payload
        assert "Employee" not in text and "SECRET" not in text, payload
        assert not marker.exists(), payload


def test_documented_placeholders_loops_conditions_and_text_filters_fill_in(setup):
    client, city, draft, _foreign = setup
    content = template_docx("")
    document = Document(io.BytesIO(content))
    for text in [
        "{{ subject|upper }} di {{ place }}",
        "{%p for m in members %}",
        "{{ loop.index }}/{{ loop.length }} {{ m.name }} ({{ m.role|lower }})",
        "{%p endfor %}",
        "{%p for dictum in dictums %}",
        "{%p if dictum.points %}",
        "{{ dictum.ordinal }}",
        "{%p for point in dictum.points %}",
        "- {{ point }}",
        "{%p endfor %}",
        "{%p endif %}",
        "{%p endfor %}",
        "{% if not number %}tanpa nomor{% else %}nomor {{ number }}{% endif %}",
    ]:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    assert upload(client, city.government, out.getvalue()).status_code == 302
    response = client.get(reverse("teams:decree_draft", args=[city.government.slug, draft.pk]))
    text = decree.docx_text(response.content)
    assert "PEMBENTUKAN KBK di Tangerang" in text
    assert "1/7 Ratna Kepala (penanggung-jawab)" in text
    assert "KEDUA" in text and "- a. bertanggung-jawab atas penyelenggaraan" in text
    # Values are text, escaped into the XML: a team name with markup stays text.
    assert "nomor" in text


def test_a_value_that_looks_like_a_tag_stays_text(setup):
    client, city, draft, _foreign = setup
    team = draft.team
    team.name = "KBK {{ cycler.__init__ }} <w:p/> & co"
    team.save()
    document = Document()
    document.add_paragraph("{{ team_name }}")
    out = io.BytesIO()
    document.save(out)
    assert upload(client, city.government, out.getvalue()).status_code == 302
    response = client.get(reverse("teams:decree_draft", args=[city.government.slug, draft.pk]))
    assert "KBK {{ CYCLER.__INIT__ }} <W:P/> & CO" in decree.docx_text(response.content)


def test_the_shipped_template_passes_the_check():
    decree.check_template(decree.DEFAULT_TEMPLATE.read_bytes())


def test_a_template_that_is_a_zip_bomb_is_refused(setup):
    client, city, _draft, _foreign = setup
    body = office_files.repeated(
        "word/document.xml",
        b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        b'wordprocessingml/2006/main"><w:body>',
        b" " * office_files.MB,
        1024,
        b"</w:body></w:document>",
    )
    bomb = office_files.repacked(office_files.document("Uji"), {body.name: body})
    page = upload(client, city.government, bomb).content.decode()
    assert "Unpacked, the file would be larger than" in page
