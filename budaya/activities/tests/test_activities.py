"""The activity log: record from a phone with a photo, read, filter, export, change, delete."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budaya.accounts.models import AuditEntry, Role
from budaya.activities.models import (
    Activity,
    ActivityEvidence,
    ActivityForm,
    Evidence,
    Obligation,
)
from budaya.activities.services import ensure_forms
from budaya.activities.tests.conftest import jpeg
from budaya.frameworks.models import CoreValue

pytestmark = pytest.mark.django_db


def _post_data(world, forms, **extra):
    data = {
        "unit": world.agency.pk,
        "date": "2025-03-17",
        "time": "07:30",
        "form": forms["twibbon"].pk,
        "title": "",
        "participants_count": "42",
        "status": "done",
    }
    data.update(extra)
    return data


def test_recorded_from_another_page_the_activity_goes_back_there(client, world, serang_rules):
    """A KBK action's execution page (issue 21) sends here with ``next``: once recorded, the
    activity goes back there to be linked; an address off the site is ignored."""
    forms, _twibbon, _apel = serang_rules
    client.force_login(world.user(Role.UNIT_TEAM))
    url = reverse("activities:create", args=[world.government.slug])
    back = "/problems/x/problems/1/actions/2/execution/"
    page = client.get(f"{url}?next={back}").content.decode()
    assert f'href="{back}"' in page  # Cancel goes back too
    response = client.post(f"{url}?next={back}", _post_data(world, forms))
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{back}?activity={activity.pk}"
    response = client.post(f"{url}?next=https://example.com/", _post_data(world, forms))
    assert response["Location"] == reverse(
        "activities:detail", args=[world.government.slug, Activity.objects.latest("pk").pk]
    )


def test_a_unit_team_member_records_an_activity_with_a_photo(client, world, serang_rules):
    forms, _twibbon, _apel = serang_rules
    value = CoreValue.objects.get(name="Akuntabel")
    client.force_login(world.user(Role.UNIT_TEAM))
    page = client.get(reverse("activities:create", args=[world.government.slug]))
    html = page.content.decode()
    assert 'accept="image/*"' in html and "capture" in html
    assert "Berorientasi Pelayanan" in html  # values of the adopted framework

    response = client.post(
        reverse("activities:create", args=[world.government.slug]),
        _post_data(
            world,
            forms,
            values=[value.pk],
            photos=[SimpleUploadedFile("IMG_0001.jpg", jpeg())],
            participant_names="Siti Contoh 199001012015032001\nTamu dari kecamatan",
        ),
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert response["Location"] == reverse(
        "activities:detail", args=[world.government.slug, activity.pk]
    )
    assert (
        activity.title == "Twibbon BerAKHLAK (tanggal 17 setiap bulan)"
    )  # empty title: the form's name
    assert activity.unit == world.agency and activity.participants_count == 42
    assert list(activity.values.all()) == [value]
    assert list(activity.participants.all()) == [world.employee]  # linked by the NIP
    photo = activity.evidence.get()
    assert photo.is_image and photo.unit == world.agency
    assert AuditEntry.objects.filter(
        object_type="activities.activity", object_id=str(activity.pk), action="create"
    ).exists()

    detail = client.get(response["Location"]).content.decode()
    assert reverse("activities:evidence_thumbnail", args=[photo.pk]) in detail
    assert "Akuntabel" in detail


def test_a_refused_file_is_shown_beside_the_field_and_nothing_is_written(
    client, world, serang_rules
):
    forms, _t, _a = serang_rules
    client.force_login(world.user(Role.UNIT_TEAM))
    response = client.post(
        reverse("activities:create", args=[world.government.slug]),
        _post_data(
            world, forms, photos=[SimpleUploadedFile("foto.jpg", b"MZ\x90\x00" + b"\0" * 100)]
        ),
    )
    assert response.status_code == 200
    assert "Jenis berkas ini tidak diterima" in response.content.decode()
    assert not Activity.objects.exists() and not Evidence.objects.exists()


def test_unit_roles_record_only_for_their_own_agency(client, world, serang_rules):
    forms, _t, _a = serang_rules
    client.force_login(world.user(Role.UNIT_TEAM))
    response = client.post(
        reverse("activities:create", args=[world.government.slug]),
        _post_data(world, forms, unit=world.other_agency.pk),
    )
    assert response.status_code == 200 and not Activity.objects.exists()
    for role in (Role.EMPLOYEE, Role.LEADERSHIP):
        client.force_login(world.user(role))
        url = reverse("activities:create", args=[world.government.slug])
        assert client.get(url).status_code == 403


def _activity(world, forms, unit=None, **fields):
    unit = unit or world.agency
    defaults = {"date": datetime.date(2025, 3, 17), "form": forms["twibbon"], "title": "Twibbon"}
    defaults.update(fields)
    return Activity.objects.create(government=unit.government, unit=unit, **defaults)


def test_editing_adds_a_link_and_removes_evidence_that_nothing_else_uses(
    client, world, serang_rules
):
    from budaya.activities.evidence import store_file

    forms, _t, _a = serang_rules
    activity = _activity(world, forms)
    photo = store_file(
        government=world.government,
        unit=world.agency,
        upload=SimpleUploadedFile("a.jpg", jpeg()),
        actor=world.user(Role.UNIT_TEAM),
    )
    ActivityEvidence.objects.create(government=world.government, activity=activity, evidence=photo)
    client.force_login(world.user(Role.UNIT_HEAD))
    response = client.post(
        reverse("activities:edit", args=[world.government.slug, activity.pk]),
        _post_data(
            world,
            forms,
            title="Twibbon Maret",
            remove_evidence=[photo.pk],
            link_url="https://drive.google.com/drive/folders/maret",
            link_title="Foto twibbon Maret",
        ),
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Twibbon Maret"
    link = activity.evidence.get()
    assert link.is_link and link.title == "Foto twibbon Maret"
    assert not Evidence.objects.filter(pk=photo.pk).exists()
    entry = AuditEntry.objects.filter(object_type="activities.activity", action="update").get()
    assert entry.after["title"] == "Twibbon Maret"


def test_the_date_is_read_as_the_browser_sends_it_or_as_typed(client, world, serang_rules):
    """The date input sends ISO (tried first, issue 25); a date typed the Indonesian way, from
    a browser without a date picker, is read too; a date that is neither is refused."""
    forms, _t, _a = serang_rules
    client.force_login(world.user(Role.UNIT_TEAM))
    url = reverse("activities:create", args=[world.government.slug])
    for sent, expected in (("2025-03-17", "2025-03-17"), ("18/03/2025", "2025-03-18")):
        response = client.post(url, _post_data(world, forms, date=sent, time="07.30"))
        assert response.status_code == 302, sent
        assert Activity.objects.latest("pk").date.isoformat() == expected
    response = client.post(url, _post_data(world, forms, date="2025-17-03"))
    assert response.status_code == 200 and Activity.objects.count() == 2


def test_a_bad_link_is_refused(client, world, serang_rules):
    forms, _t, _a = serang_rules
    client.force_login(world.user(Role.UNIT_TEAM))
    response = client.post(
        reverse("activities:create", args=[world.government.slug]),
        _post_data(world, forms, link_url="javascript:alert(1)"),
    )
    assert response.status_code == 200 and "https://" in response.content.decode()
    assert not Activity.objects.exists()


def test_deleting_is_audited_and_takes_its_evidence(client, world, serang_rules):
    from budaya.activities.evidence import store_file

    forms, _t, _a = serang_rules
    activity = _activity(world, forms)
    photo = store_file(
        government=world.government,
        unit=world.agency,
        upload=SimpleUploadedFile("a.jpg", jpeg()),
        actor=world.user(Role.UNIT_TEAM),
    )
    ActivityEvidence.objects.create(government=world.government, activity=activity, evidence=photo)
    client.force_login(world.user(Role.UNIT_TEAM))
    detail = client.get(reverse("activities:detail", args=[world.government.slug, activity.pk]))
    assert "data-confirm" in detail.content.decode()
    response = client.post(reverse("activities:delete", args=[world.government.slug, activity.pk]))
    assert response.status_code == 302
    assert not Activity.objects.exists() and not Evidence.objects.exists()
    assert set(
        AuditEntry.objects.filter(action="delete").values_list("object_type", "object_id")
    ) == {("activities.activity", str(activity.pk)), ("activities.evidence", str(photo.pk))}
    # Someone else's activity cannot be deleted: the employee reads it but may not change it.
    other = _activity(world, forms)
    client.force_login(world.user(Role.EMPLOYEE))
    assert (
        client.post(
            reverse("activities:delete", args=[world.government.slug, other.pk])
        ).status_code
        == 403
    )


def test_the_list_filters_and_searches(client, world, serang_rules):
    forms, _t, _a = serang_rules
    value = CoreValue.objects.get(name="Kompeten")
    apel = _activity(
        world, forms, form=forms["apel-pagi"], title="Apel Senin", date=datetime.date(2025, 2, 3)
    )
    twibbon = _activity(world, forms, title="Twibbon Februari", date=datetime.date(2025, 2, 17))
    twibbon.value_links.create(government=world.government, value=value)
    elsewhere = _activity(world, forms, unit=world.other_agency, title="Twibbon Dinkes")
    client.force_login(world.user(Role.CITY_ADMIN))
    url = reverse("activities:list", args=[world.government.slug])

    def titles(**query):
        page = client.get(url, query).context["page"]
        return {activity.title for activity in page.object_list}

    assert titles() == {"Apel Senin", "Twibbon Februari", "Twibbon Dinkes"}
    assert titles(form=forms["apel-pagi"].pk) == {"Apel Senin"}
    assert titles(value=value.pk) == {"Twibbon Februari"}
    assert titles(unit=world.other_agency.pk) == {"Twibbon Dinkes"}
    assert titles(start="2025-02-10", end="2025-02-28") == {"Twibbon Februari"}
    assert titles(q="senin") == {"Apel Senin"}
    client.force_login(world.user(Role.UNIT_TEAM))
    assert titles() == {"Apel Senin", "Twibbon Februari"}
    assert apel and elsewhere


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_whatever_the_number_of_activities(
    client, world, serang_rules, django_assert_max_num_queries, count
):
    forms, _t, _a = serang_rules
    values = list(CoreValue.objects.all())
    for index in range(count):
        activity = _activity(world, forms, title=f"Kegiatan {index}")
        activity.value_links.create(government=world.government, value=values[index % 3])
    client.force_login(world.user(Role.CITY_ADMIN))
    with django_assert_max_num_queries(22):
        response = client.get(reverse("activities:list", args=[world.government.slug]))
    assert response.status_code == 200


def test_the_export_lists_what_the_filters_show(client, world, serang_rules):
    forms, _t, _a = serang_rules
    _activity(world, forms, title='=HYPERLINK("x")', problems="Hujan", solutions="Di aula")
    _activity(world, forms, unit=world.other_agency, title="Twibbon Dinkes")
    client.force_login(world.user(Role.UNIT_TEAM))
    response = client.get(reverse("activities:export", args=[world.government.slug]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r and r[0] == "Tanggal"))
    body = rows[header + 1 :]
    assert len(body) == 1
    assert body[0][6] == '\'=HYPERLINK("x")'  # a formula is neutralised
    assert body[0][11] == "Hujan" and body[0][12] == "Di aula"


def test_forms_come_from_the_rulebook_and_the_administrator_adds_more(client, world):
    from budaya.activities.tests.conftest import adopt
    from budaya.rulebook import services as rulebooks

    adopt(world.government, "perwal-kota-tangerang-62-2018")
    rulebooks.load_shipped(government=world.government, name="kota-tangerang")
    client.force_login(world.user(Role.CITY_ADMIN))
    url = reverse("activities:form_list", args=[world.government.slug])
    client.post(url, {"action": "seed"})
    codes = list(
        ActivityForm.objects.filter(government=world.government)
        .order_by("order")
        .values_list("code", flat=True)
    )
    # T Lampiran II II.2: the methods, in the rulebook's order and with its codes.
    assert codes == [
        "deklarasi",
        "wawancara",
        "ceramah",
        "pks",
        "diskusi-kbk",
        "workshop",
        "diklat",
        "fgd",
        "mind-setting",
        "outbound",
        "lainnya",
    ]
    page = client.get(url).content.decode()
    assert "Pelatihan di Kantor Sendiri" in page and "T Lampiran II angka II.2 huruf b" in page
    assert "S Lampiran" not in page
    client.post(url, {"action": "seed"})  # again: nothing twice
    assert ActivityForm.objects.filter(government=world.government).count() == len(codes)
    response = client.post(
        url, {"name": "Senam pagi", "code": "senam", "order": 99, "active": "on"}
    )
    assert response.status_code == 302
    assert ActivityForm.objects.filter(government=world.government, code="senam").exists()
    # Unit roles read the list but cannot add.
    client.force_login(world.user(Role.UNIT_TEAM))
    assert client.post(url, {"name": "X", "code": "x", "order": 1}).status_code == 403


def test_each_government_is_offered_the_forms_of_its_own_rulebook(client, world):
    from budaya.rulebook import services as rulebooks

    rulebooks.load_shipped(government=world.government, name="kota-serang")
    for government in (world.government, world.other_government):
        ensure_forms(government)
    client.force_login(world.user(Role.UNIT_TEAM))
    response = client.get(reverse("activities:create", args=[world.government.slug]))
    offered = [label for _value, label in response.context["form"].fields["form"].choices][1:]
    # S Lampiran C.3 a–i.
    assert offered[:2] == ["Pada Saat Apel Pagi", "Kegiatan Rapat"] and len(offered) == 9
    assert "Pelatihan di Kantor Sendiri" not in offered
    # A government without its own rulebook reads the starter's neutral forms.
    other = ActivityForm.objects.filter(government=world.other_government)
    assert sorted(other.values_list("code", flat=True)) == [
        "lainnya",
        "pelatihan",
        "rapat",
        "sosialisasi",
    ]
    assert not other.exclude(source="").exists()


def test_the_administrator_loads_the_obligations_of_the_rulebook(client, world):
    from budaya.rulebook import services as rulebooks

    rulebooks.load_shipped(government=world.government, name="kota-serang")
    url = reverse("activities:obligation_list", args=[world.government.slug])
    client.force_login(world.user(Role.UNIT_TEAM))
    page = client.get(url).content.decode()
    assert "Twibbon BerAKHLAK tanggal 17" in page and "S Lampiran C.3 huruf e" in page
    assert client.post(url).status_code == 403
    client.force_login(world.user(Role.CITY_ADMIN))
    assert client.post(url).status_code == 302
    twibbon = Obligation.objects.get(government=world.government, form__code="twibbon")
    assert (twibbon.frequency, twibbon.day, twibbon.remind_days_before) == ("monthly_day", 17, 3)
    assert twibbon.source == "S Lampiran C.3 huruf e"
    assert Obligation.objects.filter(government=world.government).count() == 3
    client.post(url)  # again: nothing twice
    assert Obligation.objects.filter(government=world.government).count() == 3


def test_the_gallery_shows_the_photos_the_reader_may_see(client, world, serang_rules):
    from budaya.activities.evidence import store_file

    forms, _t, _a = serang_rules
    for unit in (world.agency, world.other_agency):
        activity = _activity(world, forms, unit=unit, title=f"Foto {unit.name}")
        photo = store_file(
            government=world.government,
            unit=unit,
            upload=SimpleUploadedFile("a.jpg", jpeg()),
            actor=world.user(Role.CITY_ADMIN),
        )
        ActivityEvidence.objects.create(
            government=world.government, activity=activity, evidence=photo
        )
    client.force_login(world.user(Role.UNIT_TEAM))
    html = client.get(reverse("activities:gallery", args=[world.government.slug])).content.decode()
    assert "Foto Dinas Pendidikan" in html and "Foto Dinas Kesehatan" not in html
    client.force_login(world.user(Role.CITY_ADMIN))
    url = reverse("activities:gallery", args=[world.government.slug])
    html = client.get(url, {"agency": world.other_agency.pk}).content.decode()
    assert "Foto Dinas Kesehatan" in html and "Foto Dinas Pendidikan" not in html


def test_the_calendar_shows_planned_and_done_activities(client, world, serang_rules):
    forms, _t, _a = serang_rules
    _activity(world, forms, title="Twibbon", date=datetime.date(2025, 3, 17))
    _activity(
        world,
        forms,
        form=forms["rapat"],
        title="Rapat",
        date=datetime.date(2025, 3, 20),
        status="planned",
    )
    client.force_login(world.user(Role.UNIT_TEAM))
    response = client.get(
        reverse("activities:calendar", args=[world.government.slug]), {"month": "2025-03"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "badge ok" in html and "badge warn" in html
    # One agency: the obligation due on the 17th is marked.
    assert "Twibbon tanggal 17" in html


def test_a_busy_day_of_the_calendar_shows_four_activities_and_links_the_rest(
    client, world, serang_rules
):
    """A day shows its first four activities by time and "+ N lainnya", the day in the log:
    the page draws the days shown, not every activity an agency records (issue 25)."""
    forms, _t, _a = serang_rules
    busy = datetime.date(2025, 3, 11)
    for hour in (15, 8, 13, 9, 10, 14):
        _activity(world, forms, title=f"Apel jam {hour}", date=busy, time=datetime.time(hour))
    _activity(world, forms, title="Rapat hari lain", date=datetime.date(2025, 3, 12))
    client.force_login(world.user(Role.UNIT_TEAM))
    calendar_url = reverse("activities:calendar", args=[world.government.slug])
    html = client.get(calendar_url, {"month": "2025-03"}).content.decode()
    cell = html[html.index("Sel 11") : html.index("Rab 12")]
    assert cell.count('class="badge ok"') == 4 and "+ 2 lainnya" in cell
    shown = [a.title for a in Activity.objects.filter(date=busy).order_by("time")[:4]]
    keys = re.findall(r'href="/activities/[^/"]+/(\d+)/"', cell)
    assert [Activity.objects.get(pk=int(key)).title for key in keys] == shown
    more = re.search(r'href="([^"]+)" class="more"', cell).group(1).replace("&amp;", "&")
    listed = client.get(more).content.decode()
    assert all(f"Apel jam {hour}" in listed for hour in (8, 9, 10, 13, 14, 15))
    assert "Rapat hari lain" not in listed
    assert "lainnya" not in html[html.index("Rab 12") : html.index("</table>")]  # quiet days
