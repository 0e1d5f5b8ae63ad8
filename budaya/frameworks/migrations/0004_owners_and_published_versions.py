"""Issue 17: owners for the frameworks and regulations already stored, and the versions already
stored become published versions whose text (name, description, regulations) is their own.

Historical models only. The shipped texts get the owners the shipped files have
(budaya/frameworks/data/owners.json, copied here as it stood: a migration never reads live
code); any other framework belongs to the government whose city administrator imported its
first version (read from the system audit chain), or else to the installation; a regulation
belongs to its shipped owner or to the owner of the first framework whose version cites it.
"""

from django.db import migrations

# Kemendagri codes: 36.71 Kota Tangerang, 36.73 Kota Serang (from data/owners.json).
SHIPPED_OWNERS = {
    "frameworks": {"prima": "36.71", "berakhlak": None},
    "regulations": {
        "perwal-kota-tangerang-62-2018": "36.71",
        "perwal-kota-serang-34-2023": "36.73",
        "perwal-kota-serang-49-2020": "36.73",
    },
}
TEXT = ("issuer", "kind", "title", "gazette", "effective_source", "revocation_source")
DATES = ("enacted_on", "promulgated_on", "effective_on", "revoked_on")


def _regulation_document(regulation, slugs):
    document = {"slug": regulation.slug, "number": regulation.number, "year": regulation.year}
    document.update({name: getattr(regulation, name) for name in TEXT})
    for name in DATES:
        day = getattr(regulation, name)
        document[name] = day.isoformat() if day else None
    document["revoked_by"] = slugs.get(regulation.revoked_by_id)
    return document


def forwards(apps, schema_editor):
    Government = apps.get_model("org", "Government")
    Regulation = apps.get_model("frameworks", "Regulation")
    ValueFramework = apps.get_model("frameworks", "ValueFramework")
    FrameworkVersion = apps.get_model("frameworks", "FrameworkVersion")
    SystemAuditEntry = apps.get_model("accounts", "SystemAuditEntry")
    RoleGrant = apps.get_model("accounts", "RoleGrant")
    by_code = {g.kemendagri_code: g for g in Government.objects.all()}
    regulations = {r.pk: r for r in Regulation.objects.all()}
    slugs = {pk: r.slug for pk, r in regulations.items()}

    def importer_government(version):
        entry = (
            SystemAuditEntry.objects.filter(
                object_type="frameworks.frameworkversion",
                object_id=str(version.pk),
                action="create",
            )
            .order_by("sequence")
            .first()
        )
        if entry is None or entry.actor_id is None:
            return None
        governments = set(
            RoleGrant.objects.filter(user_id=entry.actor_id, role="city_admin").values_list(
                "government_id", flat=True
            )
        )
        return Government.objects.get(pk=governments.pop()) if len(governments) == 1 else None

    owners = {}
    for framework in ValueFramework.objects.all():
        first = framework.versions.order_by("number").first()
        if framework.slug in SHIPPED_OWNERS["frameworks"]:
            code = SHIPPED_OWNERS["frameworks"][framework.slug]
            owner = by_code.get(code) if code else None
        else:
            owner = importer_government(first) if first else None
        framework.owner = owner
        framework.save(update_fields=["owner"])
        owners[framework.pk] = owner

    regulation_owner = {}
    for version in FrameworkVersion.objects.order_by("imported_at", "pk"):
        basis = regulations[version.legal_basis_id]
        related = [basis, *(r for r in regulations.values() if r.revoked_by_id == basis.pk)]
        if basis.revoked_by_id:
            related.append(regulations[basis.revoked_by_id])
        for regulation in related:
            regulation_owner.setdefault(regulation.pk, owners.get(version.framework_id))
        framework = ValueFramework.objects.get(pk=version.framework_id)
        version.name = framework.name
        version.description = framework.description
        version.regulations = sorted(
            (_regulation_document(r, slugs) for r in related), key=lambda d: d["slug"]
        )
        version.status = "published"
        version.published_at = version.imported_at
        version.save(
            update_fields=["name", "description", "regulations", "status", "published_at"]
        )
    for regulation in regulations.values():
        if regulation.slug in SHIPPED_OWNERS["regulations"]:
            owner = by_code.get(SHIPPED_OWNERS["regulations"][regulation.slug])
        else:
            owner = regulation_owner.get(regulation.pk)
        regulation.owner = owner
        regulation.save(update_fields=["owner"])


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0003_ownership_and_publication"),
        ("accounts", "0003_system_audit_chain"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
