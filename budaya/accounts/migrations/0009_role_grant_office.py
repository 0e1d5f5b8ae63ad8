"""Issue 18: the regional secretary and the head of government are distinct offices.

A leadership grant now names the office of the government's rulebook it holds (``office``).
Existing grants are migrated by each user's title: the position of the linked employee, else the
user's name (the demo's head of government has no employee and is named by the title). A title
that contains the title of an office of the government's current rulebook gives that office;
otherwise the common words decide (Sekretaris Daerah -> sekda; Wali Kota, Walikota, Bupati,
Gubernur, Kepala Daerah -> head; a deputy, "Wakil ...", is neither). A grant whose title says
neither keeps an empty office: the city administrator's user page flags it to be set.
"""

from __future__ import annotations

import re

from django.db import migrations, models

SEKDA_WORDS = ("sekretaris daerah", "sekda")
HEAD_WORDS = ("wali kota", "walikota", "bupati", "gubernur", "kepala daerah")


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").lower()).strip()


def office_for(title: str, offices: list[dict]) -> str:
    text = _plain(title)
    if not text or text.startswith("wakil") or " wakil " in f" {text} ":
        return ""
    squeezed = text.replace(" ", "")
    # The government's own titles first, longest first (e.g. "Sekretaris Daerah" before a
    # shorter title it contains).
    for office in sorted(offices, key=lambda o: -len(o.get("title", ""))):
        own = _plain(office.get("title", ""))
        if own and own.replace(" ", "") in squeezed:
            return str(office.get("code", ""))
    codes = {o.get("kind"): o.get("code") for o in offices}
    if any(word in text for word in SEKDA_WORDS):
        return str(codes.get("regional_secretary") or "sekda")
    if any(word in text for word in HEAD_WORDS):
        return str(codes.get("head_of_government") or "head")
    return ""


def forwards(apps, schema_editor):
    RoleGrant = apps.get_model("accounts", "RoleGrant")
    RulebookVersion = apps.get_model("rulebook", "RulebookVersion")
    offices_of: dict[int, list[dict]] = {}
    for grant in RoleGrant.objects.filter(role="leadership", office="").select_related(
        "user", "user__employee"
    ):
        if grant.government_id not in offices_of:
            latest = (
                RulebookVersion.objects.filter(government_id=grant.government_id)
                .order_by("-number")
                .first()
            )
            offices_of[grant.government_id] = (
                list((latest.content or {}).get("offices", [])) if latest else []
            )
        user = grant.user
        employee = user.employee
        titles = [employee.position_name if employee else "", f"{user.first_name} {user.last_name}"]
        for title in titles:
            code = office_for(title, offices_of[grant.government_id])
            if code:
                grant.office = code
                grant.save(update_fields=["office"])
                break


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_audit_entry_keys"),
        ("rulebook", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="rolegrant",
            name="office",
            field=models.CharField(
                blank=True,
                default="",
                help_text="For leadership: the office of the rulebook this person holds.",
                max_length=40,
                verbose_name="office",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
