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
