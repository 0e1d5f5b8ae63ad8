"""Issue 18, done when: a city administrator exports Tangerang's rulebook, changes the monitoring
deadline and a signatory, imports it with a preview, and sees both on the next period; the
periods made before keep their rulebook version, their reports their content and hashes."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest

from budaya.monev import exports, rules, services
from budaya.monev.models import Period, ReportVersion, State, default_deadline
from budaya.rulebook import services as rulebook
from budaya.rulebook.selectors import current_version_id

pytestmark = pytest.mark.django_db

OLD_TITLE = "title: Kepala OPD selaku Penanggung-jawab Kelompok Budaya Kerja"
NEW_TITLE = "title: Kepala Perangkat Daerah selaku Penanggung-jawab KBK"


@pytest.fixture
def scene_rulebook() -> str:
    return "kota-tangerang"


def _submitted(period, scene):
    report = services.start_report(period, scene.agency, scene.team)
    services.add_rows_from_activities(report, [(scene.activities[0], 1)], scene.team)
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)
    return report


def _docx_text(document) -> str:
    with zipfile.ZipFile(io.BytesIO(exports.docx(document))) as archive:
        return archive.read("word/document.xml").decode()


def test_export_change_import_and_the_next_period_follows(scene):
    government, admin = scene.government, scene.admin
    before = _submitted(scene.period, scene)
    old_version = before.versions.get()
    old_hash, old_canonical = old_version.sha256, old_version.canonical
    old_rulebook = scene.period.rulebook_version_id

    text = rulebook.export_rulebook(government=government)
    assert "month: 12\n    day: 15" in text and OLD_TITLE in text
    changed = text.replace("month: 12\n    day: 15", "month: 11\n    day: 30").replace(
        OLD_TITLE, NEW_TITLE
    )
    preview = rulebook.import_rulebook(
        government=government, text=changed, acting_user=admin, dry_run=True
    )
    assert preview.version is None and preview.diff  # the preview shows the change, writes nothing
    shown = "\n".join(str(line) for line in preview.diff)
    assert "30" in shown and "Kepala Perangkat Daerah" in shown
    result = rulebook.import_rulebook(
        government=government,
        text=changed,
        acting_user=admin,
        expected_hash=preview.parsed.content_hash,
    )
    assert result.created and result.version is not None

    # The next period: the new default deadline, the new signatory's title on its documents.
    assert default_deadline(government, 2026) == datetime.date(2026, 11, 30)
    period = services.create_period(
        government,
        kind=Period.Kind.BERKALA,
        year=2026,
        title="Monev 2026",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        deadline=default_deadline(government, 2026),
        actor=admin,
    )
    assert period.deadline == datetime.date(2026, 11, 30)
    assert period.rulebook_version_id == current_version_id(government) != old_rulebook
    report = services.start_report(period, scene.other_agency, scene.admin)
    document = exports.agency_document(report, None)
    assert document.signatures[0].title == "Kepala Perangkat Daerah selaku Penanggung-jawab KBK"
    assert "Kepala Perangkat Daerah selaku Penanggung-jawab KBK," in _docx_text(document)

    # The period made before keeps its rulebook: its documents, content and hash are unchanged.
    scene.period.refresh_from_db()
    assert scene.period.rulebook_version_id == old_rulebook
    assert rules.book_of(scene.period).monev.deadline.month == 12
    old_document = exports.agency_document(before, before.versions.get())
    assert old_document.signatures[0].title == OLD_TITLE.removeprefix("title: ")
    kept = ReportVersion.objects.get(pk=old_version.pk)
    assert (kept.sha256, kept.canonical) == (old_hash, old_canonical) and kept.verify()


def test_only_the_city_administrator_changes_it(scene):
    from django.core.exceptions import PermissionDenied

    text = rulebook.export_rulebook(government=scene.government)
    for user in (scene.sekda, scene.mayor, scene.head, scene.team):
        with pytest.raises(PermissionDenied):
            rulebook.import_rulebook(government=scene.government, text=text, acting_user=user)


def test_a_deadline_saved_before_the_rulebook_is_carried_into_it(scene, make_user):
    """Issue 18: ``MonevSetting`` is no longer read; ``carry_monev_deadlines`` writes a deadline
    saved there into the rulebook's next version (audited, the government's choice), once. A
    government without a rulebook of its own gets the starter with its deadline."""
    from django.core.management import call_command

    from budaya.accounts.models import AuditEntry
    from budaya.monev.models import MonevSetting
    from budaya.org.models import Government
    from budaya.rulebook.models import RulebookVersion
    from budaya.rulebook.selectors import current_rulebook

    government = scene.government
    MonevSetting.objects.create(government=government, deadline_month=10, deadline_day=1)
    other = Government.objects.create(
        name="Kabupaten Lain", slug="kabupaten-lain", kind="kabupaten", kemendagri_code="99.02"
    )
    starter_deadline = current_rulebook(other).monev.deadline
    MonevSetting.objects.create(
        government=other,
        deadline_month=starter_deadline.month,
        deadline_day=starter_deadline.day,
    )
    versions = RulebookVersion.objects.filter(government=government)
    before = versions.count()

    out = io.StringIO()
    call_command("carry_monev_deadlines", "--dry-run", stdout=out)
    assert "would write 1-10 (the rulebook says 15-12)" in out.getvalue()
    assert "1 government(s) would change" in out.getvalue()
    assert versions.count() == before

    call_command("carry_monev_deadlines", stdout=io.StringIO())
    assert versions.count() == before + 1
    assert default_deadline(government, 2027) == datetime.date(2027, 10, 1)
    element = current_rulebook(government).monev.deadline
    assert element.is_choice and "sebelum buku aturan" in element.note
    assert (
        AuditEntry.objects.filter(
            government=government, object_type="rulebook.rulebookversion"
        ).count()
        == before + 1
    )
    # The other government's saved day is the starter's already: nothing written for it.
    assert not RulebookVersion.objects.filter(government=other).exists()
    # The periods made before keep their deadline and their rulebook version.
    scene.period.refresh_from_db()
    assert scene.period.deadline != datetime.date(scene.period.year, 10, 1)

    out = io.StringIO()
    call_command("carry_monev_deadlines", stdout=out)
    assert "0 government(s) changed" in out.getvalue()
    assert versions.count() == before + 1
