"""Writes of frameworks: import and export of the framework file format, adoption, slogans.

The file format is documented in docs/framework-format.md and described by
data/framework.schema.json. Every write runs in one transaction: an invalid file writes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from budaya.accounts import audit
from budaya.accounts.models import AuditAction, Role
from budaya.frameworks.models import (
    Adoption,
    BehaviourGuide,
    BehaviourManifestation,
    CoreValue,
    FrameworkVersion,
    Regulation,
    Slogan,
    SloganValue,
    ValueFramework,
)
from budaya.org.models import Government, Unit

FORMAT = "budaya-framework/1"
DATA_DIR = Path(__file__).resolve().parent / "data"
SCHEMA_PATH = DATA_DIR / "framework.schema.json"
# Who owns each shipped text, by Kemendagri code (issue 17).
OWNERS_PATH = DATA_DIR / "owners.json"
# Framework slugs that would collide with the app's own addresses under /frameworks/.
RESERVED_SLUGS = {"import", "governments", "schema", "new"}
MAX_FILE_SIZE = 1024 * 1024

Path_ = tuple[str | int, ...]


class FrameworkFileError(Exception):
    """A framework file that cannot be imported; ``messages`` says why, in the active language."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


class NotOwnerError(FrameworkFileError):
    """A file that would change a framework or a regulation of another owner (issue 17)."""


class PublicationError(Exception):
    """A publication the rules do not allow; the message is for the user."""


class TamperedVersionError(Exception):
    """A version whose stored text no longer gives the content hash taken at publication."""

    def __init__(self, version: FrameworkVersion):
        super().__init__(
            _(
                "%(version)s was changed outside Budaya: its text no longer matches the content "
                "hash recorded when it was published. It is not shown; an operator restores it "
                "with manage.py restore_frameworks."
            )
            % {"version": version}
        )
        self.version = version


class AdoptionError(Exception):
    """An adoption the rules do not allow; the message is for the user."""


@dataclass(frozen=True)
class ImportResult:
    version: FrameworkVersion
    # False when a version with exactly this content already existed (nothing was written).
    created: bool
    framework_created: bool = False


@dataclass
class ParsedFramework:
    """A validated framework file, normalised to the canonical form the hash is taken over."""

    data: dict[str, Any]
    content_hash: str
    source_name: str = ""
    existing: FrameworkVersion | None = field(default=None)

    @property
    def framework(self) -> dict[str, Any]:
        return self.data["framework"]

    @property
    def version(self) -> dict[str, Any]:
        return self.data["version"]

    @property
    def legal_basis(self) -> dict[str, Any]:
        slug = self.version["legal_basis"]
        return next(r for r in self.data["regulations"] if r["slug"] == slug)

    @property
    def values(self) -> list[dict[str, Any]]:
        return self.version["values"]

    def count(self, key: str) -> int:
        return sum(len(value[key]) for value in self.values)


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


# --- Reading YAML with line numbers ----------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit dates: dates stay text, so the schema and our checks see them."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class _Located:
    """The document and, for each JSON path, the line (1-based) where it is written."""

    data: Any
    lines: dict[Path_, int]

    def line(self, path: Path_) -> int:
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


def _format_path(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or _("(the whole file)")


def _message(lines: _Located, path: Path_, text: str) -> tuple[int, str]:
    line = lines.line(path)
    return line, _("Line %(line)s, %(path)s: %(message)s") % {
        "line": line,
        "path": _format_path(path),
        "message": text,
    }


def _locate(text: str) -> _Located:
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        message = _("Line %(line)s: the file holds a character YAML does not allow (%(code)s).") % {
            "line": line,
            "code": f"U+{error.character:04X}" if isinstance(error.character, int) else "?",
        }
        raise FrameworkFileError([message]) from error
    try:
        node = loader.get_single_node()
        if node is None:
            raise FrameworkFileError([_("The file is empty.")])
        lines: dict[Path_, int] = {}
        problems: list[tuple[int, str]] = []
        seen: set[int] = set()

        def walk(node: yaml.Node, path: Path_) -> None:
            if id(node) in seen:
                # Aliases could make a small file expand enormously; the format has no use for them.
                problems.append(
                    (node.start_mark.line + 1, _("Anchors and aliases (&, *) are not allowed."))
                )
                return
            seen.add(id(node))
            lines.setdefault(path, node.start_mark.line + 1)
            if isinstance(node, yaml.MappingNode):
                keys: set[str] = set()
                for key_node, value_node in node.value:
                    key = str(key_node.value)
                    if key in keys:
                        line = key_node.start_mark.line + 1
                        problems.append(
                            (
                                line,
                                _("Line %(line)s, %(path)s: %(message)s")
                                % {
                                    "line": line,
                                    "path": _format_path((*path, key)),
                                    "message": _("this field is written twice."),
                                },
                            )
                        )
                    keys.add(key)
                    lines[(*path, key)] = key_node.start_mark.line + 1
                    walk(value_node, (*path, key))
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    walk(item, (*path, index))

        walk(node, ())
        if problems:
            raise FrameworkFileError([text for _line, text in sorted(problems)])
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        raise FrameworkFileError(
            [
                _("Line %(line)s, column %(column)s: this is not valid YAML (%(problem)s).")
                % {"line": line, "column": column, "problem": error.problem or error}
            ]
        ) from error
    except yaml.YAMLError as error:
        message = _("This is not valid YAML (%(problem)s).") % {"problem": error}
        raise FrameworkFileError([message]) from error
    finally:
        loader.dispose()
    return _Located(data, lines)


# --- Validation ------------------------------------------------------------------------------


def _type_name(name: str) -> str:
    labels = {
        "string": _("text"),
        "integer": _("a whole number"),
        "object": _("a mapping of fields"),
        "array": _("a list"),
        "number": _("a number"),
        "boolean": _("true or false"),
        "null": _("empty"),
    }
    return labels.get(name, name)


def _schema_messages(located: _Located) -> list[tuple[int, str]]:
    validator = Draft202012Validator(schema())
    messages: list[tuple[int, str]] = []
    for error in validator.iter_errors(located.data):
        messages.extend(_explain(located, error))
    return messages


def _explain(located: _Located, error: SchemaError) -> list[tuple[int, str]]:
    path: Path_ = tuple(error.absolute_path)
    kind = error.validator
    value: Any = error.validator_value
    instance: Any = error.instance
    schema_part: Any = error.schema
    if kind == "required":
        missing = [name for name in value if name not in (instance or {})]
        return [
            _message(located, path, _("the required field “%(field)s” is missing.") % {"field": f})
            for f in missing
        ]
    if kind == "additionalProperties":
        known = set(schema_part.get("properties", {}))
        return [
            _message(located, (*path, key), _("unknown field “%(field)s”.") % {"field": key})
            for key in instance
            if key not in known
        ]
    if kind == "type":
        names = value if isinstance(value, list) else [value]
        text = _("must be %(type)s.") % {"type": _(" or ").join(_type_name(n) for n in names)}
    elif kind == "const":
        text = _("must be “%(value)s”.") % {"value": value}
    elif kind == "pattern" and "[0-9]{4}-" in value:
        text = _("must be a date written as YYYY-MM-DD, e.g. 2023-06-26.")
    elif kind == "pattern":
        text = _("may hold only lowercase letters, digits and single hyphens, e.g. “berakhlak”.")
    elif kind == "minLength":
        text = _("must not be empty.")
    elif kind == "maxLength":
        text = _("may be at most %(count)s characters long.") % {"count": value}
    elif kind == "minimum":
        text = _("must be at least %(count)s.") % {"count": value}
    elif kind == "maximum":
        text = _("must be at most %(count)s.") % {"count": value}
    elif kind == "minItems":
        text = _("needs at least %(count)s item.") % {"count": value}
    else:
        text = _("is not valid (%(detail)s).") % {"detail": error.message}
    return [_message(located, path, text)]


def _real_date(text: str | None) -> datetime.date | None:
    if not text:
        return None
    return datetime.date.fromisoformat(text)


def _semantic_messages(located: _Located) -> list[tuple[int, str]]:
    """Rules a schema cannot say: unique codes and orders, real dates, references that resolve."""
    data = located.data
    messages: list[tuple[int, str]] = []

    def say(path: Path_, text: str) -> None:
        messages.append(_message(located, path, text))

    slug = data["framework"]["slug"]
    if slug in RESERVED_SLUGS:
        say(("framework", "slug"), _("“%(slug)s” is reserved; choose another.") % {"slug": slug})

    regulations = data["regulations"]
    by_slug: dict[str, dict[str, Any]] = {}
    for index, regulation in enumerate(regulations):
        path: Path_ = ("regulations", index)
        if regulation["slug"] in by_slug:
            say(
                (*path, "slug"),
                _("the identifier “%(slug)s” is used more than once.")
                % {"slug": regulation["slug"]},
            )
        by_slug.setdefault(regulation["slug"], regulation)
        dates: dict[str, datetime.date | None] = {}
        for name in ("enacted_on", "promulgated_on", "effective_on", "revoked_on"):
            try:
                dates[name] = _real_date(regulation.get(name))
            except ValueError:
                say((*path, name), _("“%(date)s” is not a real date.") % {"date": regulation[name]})
                dates[name] = None
        enacted, promulgated = dates["enacted_on"], dates["promulgated_on"]
        if enacted and promulgated and promulgated < enacted:
            say(
                (*path, "promulgated_on"),
                _("a regulation cannot be promulgated before it is enacted."),
            )
        revoked = dates["revoked_on"]
        for name in ("enacted_on", "effective_on"):
            earlier = dates[name]
            if revoked and earlier and revoked < earlier:
                say(
                    (*path, "revoked_on"),
                    _("the revocation date lies before the regulation's own dates."),
                )
                break
        revoked_by = regulation.get("revoked_by")
        if revoked_by == regulation["slug"]:
            say((*path, "revoked_by"), _("a regulation cannot revoke itself."))
        if regulation.get("revoked_on") and not revoked_by:
            say((*path, "revoked_by"), _("a revocation date needs the regulation that revokes it."))

    for index, regulation in enumerate(regulations):
        revoked_by = regulation.get("revoked_by")
        if (
            revoked_by
            and revoked_by not in by_slug
            and not Regulation.objects.filter(slug=revoked_by).exists()
        ):
            say(
                ("regulations", index, "revoked_by"),
                _("no regulation “%(slug)s” in this file or in the database.")
                % {"slug": revoked_by},
            )

    basis = data["version"]["legal_basis"]
    if basis not in by_slug:
        say(
            ("version", "legal_basis"),
            _("no regulation “%(slug)s” in the list “regulations” of this file.") % {"slug": basis},
        )
    else:
        # Every regulation in the file must hang on the legal basis, so an export writes them all.
        related = {basis, by_slug[basis].get("revoked_by")}
        for index, regulation in enumerate(regulations):
            if regulation["slug"] not in related and regulation.get("revoked_by") != basis:
                say(
                    ("regulations", index),
                    _(
                        "this regulation is neither the legal basis, nor revoked by it, "
                        "nor the one that revokes it."
                    ),
                )

    codes: set[str] = set()
    orders: set[int] = set()
    for index, value in enumerate(data["version"]["values"]):
        path = ("version", "values", index)
        if value["code"] in codes:
            say(
                (*path, "code"),
                _("the code “%(code)s” is used more than once.") % {"code": value["code"]},
            )
        if value["order"] in orders:
            say(
                (*path, "order"),
                _("the order %(order)s is used more than once.") % {"order": value["order"]},
            )
        codes.add(value["code"])
        orders.add(value["order"])
        if value.get("variant_name") and not value.get("variant_source"):
            say((*path, "variant_source"), _("say where the other name is written."))
        for key in ("guides", "manifestations"):
            item_orders: set[int] = set()
            for item_index, item in enumerate(value.get(key, [])):
                if item["order"] in item_orders:
                    say(
                        (*path, key, item_index, "order"),
                        _("the order %(order)s is used more than once.") % {"order": item["order"]},
                    )
                item_orders.add(item["order"])
                if item.get("variant_text") and not item.get("variant_source"):
                    say(
                        (*path, key, item_index, "variant_source"),
                        _("say where the other text is written."),
                    )
    return messages


# --- The canonical form ----------------------------------------------------------------------

_REGULATION_TEXT = ("issuer", "kind", "title", "gazette", "effective_source", "revocation_source")
_REGULATION_DATES = ("enacted_on", "promulgated_on", "effective_on", "revoked_on")


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Defaults filled in, text trimmed, lists in order: two files that mean the same are equal."""
    regulations = []
    for regulation in data["regulations"]:
        item: dict[str, Any] = {"slug": regulation["slug"], "number": _text(regulation["number"])}
        item["year"] = regulation["year"]
        for name in _REGULATION_TEXT:
            item[name] = _text(regulation.get(name))
        for name in _REGULATION_DATES:
            item[name] = regulation.get(name) or None
        item["revoked_by"] = regulation.get("revoked_by") or None
        regulations.append(item)
    values = []
    for value in sorted(data["version"]["values"], key=lambda v: v["order"]):
        values.append(
            {
                "code": value["code"],
                "order": value["order"],
                **{
                    name: _text(value.get(name))
                    for name in ("name", "definition", "source", "variant_name", "variant_source")
                },
                "guides": [
                    {
                        "order": guide["order"],
                        **{
                            name: _text(guide.get(name))
                            for name in ("text", "source", "variant_text", "variant_source")
                        },
                    }
                    for guide in sorted(value.get("guides", []), key=lambda g: g["order"])
                ],
                "manifestations": [
                    {
                        "order": item["order"],
                        "text": _text(item["text"]),
                        "source": _text(item.get("source")),
                    }
                    for item in sorted(value.get("manifestations", []), key=lambda m: m["order"])
                ],
            }
        )
    version = data["version"]
    return {
        "format": FORMAT,
        "framework": {
            "slug": data["framework"]["slug"],
            "name": _text(data["framework"]["name"]),
            "description": _text(data["framework"].get("description")),
        },
        "regulations": sorted(regulations, key=lambda r: r["slug"]),
        "version": {
            "legal_basis": version["legal_basis"],
            "tagline": _text(version.get("tagline")),
            "tagline_source": _text(version.get("tagline_source")),
            "notes": _text(version.get("notes")),
            "values": values,
        },
    }


def _hash(normalised: dict[str, Any]) -> str:
    canonical = json.dumps(normalised, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- Import ----------------------------------------------------------------------------------


def parse_framework(text: str, *, source_name: str = "") -> ParsedFramework:
    """Read and check a framework file without writing anything (the import preview uses it)."""
    if len(text.encode("utf-8")) > MAX_FILE_SIZE:
        raise FrameworkFileError([_("The file is larger than 1 MB.")])
    located = _locate(text)
    messages = _schema_messages(located)
    if not messages:
        messages = _semantic_messages(located)
    if messages:
        raise FrameworkFileError([text for _line, text in sorted(messages, key=lambda m: m[0])])
    normalised = _normalise(located.data)
    content_hash = _hash(normalised)
    existing = (
        FrameworkVersion.objects.filter(
            framework__slug=normalised["framework"]["slug"], content_hash=content_hash
        )
        .select_related("framework")
        .first()
    )
    return ParsedFramework(normalised, content_hash, source_name, existing)


def owner_label(owner: Government | None) -> str:
    return owner.name if owner is not None else _("the installation (national frameworks)")


def may_act_for(user: Any, owner: Government | None) -> bool:
    """Issue 17: the owner's city administrator, or the system administrator for national texts.

    ``user=None`` is code run by the operator at the server (the shipped texts, the demo, a
    command run without ``--user``, which acts for the installation): trusted, like a migration.
    """
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if owner is None:
        return bool(user.is_superuser)
    return Government.objects.visible_to(user, roles=[Role.CITY_ADMIN]).filter(pk=owner.pk).exists()


def ownership_problems(parsed: ParsedFramework, *, owner: Government | None) -> list[str]:
    """Why ``owner`` may not import this file: the framework or a regulation it changes is
    another owner's (issue 17, part 2). Empty when the import may go ahead."""
    problems: list[str] = []
    owner_id = owner.pk if owner is not None else None
    slug = parsed.framework["slug"]
    framework = ValueFramework.objects.select_related("owner").filter(slug=slug).first()
    if framework is not None and framework.owner_id != owner_id:
        problems.append(
            _(
                "The framework “%(slug)s” belongs to %(owner)s: only its administrator creates "
                "its new versions. For a variant of your own, make a copy of it under your own "
                "identifier (button “Make my own copy” on its page), or choose another "
                "identifier in the file."
            )
            % {"slug": slug, "owner": owner_label(framework.owner)}
        )
    stored = {
        regulation.slug: regulation
        for regulation in Regulation.objects.select_related("owner", "revoked_by").filter(
            slug__in=[item["slug"] for item in parsed.data["regulations"]]
        )
    }
    revokers = {
        regulation.slug: regulation
        for regulation in Regulation.objects.select_related("owner").filter(
            slug__in=[
                item["revoked_by"] for item in parsed.data["regulations"] if item["revoked_by"]
            ]
        )
    }
    for item in parsed.data["regulations"]:
        regulation = stored.get(item["slug"])
        revoker = revokers.get(item["revoked_by"] or "")
        stated_before = regulation.revoked_by.slug if regulation and regulation.revoked_by else None
        if (
            revoker is not None
            and revoker.owner_id != owner_id
            and item["revoked_by"] != stated_before
        ):
            # "X is revoked by R" would list X under R on every page of R's frameworks.
            problems.append(
                _(
                    "The regulation “%(slug)s” belongs to %(owner)s: only its owner states "
                    "which regulations it revokes."
                )
                % {"slug": revoker.slug, "owner": owner_label(revoker.owner)}
            )
        if regulation is None or regulation.owner_id == owner_id:
            continue
        current = _regulation_document(regulation)
        fields = [name for name in item if item[name] != current.get(name)]
        if fields:
            problems.append(
                _(
                    "The regulation “%(slug)s” belongs to %(owner)s: this file changes its "
                    "facts (%(fields)s), which only its owner may do. Write them as they are "
                    "stored, or leave the regulation out."
                )
                % {
                    "slug": item["slug"],
                    "owner": owner_label(regulation.owner),
                    "fields": ", ".join(fields),
                }
            )
    return problems


def import_framework(
    text: str,
    *,
    owner: Government | None = None,
    source_name: str = "",
    user: Any = None,
    request: HttpRequest | None = None,
    publish: bool = True,
) -> ImportResult:
    """Import a framework file for ``owner`` (None: the installation): a new version when its
    content is new, nothing when it is not.

    Issue 17: refused whole when the framework or a regulation it would change belongs to
    another owner, or when ``user`` may not act for ``owner``. A new version is a draft until
    published (``publish=True`` publishes it in the same transaction).
    """
    parsed = parse_framework(text, source_name=source_name)
    with transaction.atomic():
        if not may_act_for(user, owner):
            raise NotOwnerError(
                [_("You may not import frameworks for %(owner)s.") % {"owner": owner_label(owner)}]
            )
        # Lock the framework row (when it exists) so two imports cannot race past the check.
        ValueFramework.objects.select_for_update().filter(slug=parsed.framework["slug"]).first()
        problems = ownership_problems(parsed, owner=owner)
        if problems:
            raise NotOwnerError(problems)
        framework, framework_created = ValueFramework.objects.get_or_create(
            slug=parsed.framework["slug"],
            defaults={
                "name": parsed.framework["name"],
                "description": parsed.framework["description"],
                "owner": owner,
            },
        )
        if framework_created:
            audit.record(
                user,
                AuditAction.CREATE,
                framework,
                after=audit.snapshot(framework),
                request=request,
                government=owner,
            )
        existing = framework.versions.filter(content_hash=parsed.content_hash).first()
        if existing is not None:
            return ImportResult(existing, created=False)
        regulations = _save_regulations(
            parsed.data["regulations"], owner=owner, user=user, request=request
        )
        version = _create_version(framework, parsed, regulations)
        # The entry goes to the owner's chain (the system chain for a national framework).
        audit.record(
            user,
            AuditAction.CREATE,
            version,
            after={
                "framework": framework.slug,
                "number": version.number,
                "status": version.status,
                "content_hash": version.content_hash,
                "source": source_name,
            },
            request=request,
            government=owner,
        )
        if publish:
            version = _publish(version, user=user, request=request)
    return ImportResult(version, created=True, framework_created=framework_created)


def _create_version(
    framework: ValueFramework, parsed: ParsedFramework, regulations: dict[str, Regulation]
) -> FrameworkVersion:
    number = (framework.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = FrameworkVersion.objects.create(
        framework=framework,
        number=number,
        status=FrameworkVersion.Status.DRAFT,
        name=parsed.framework["name"],
        description=parsed.framework["description"],
        regulations=parsed.data["regulations"],
        legal_basis=regulations[parsed.version["legal_basis"]],
        tagline=parsed.version["tagline"],
        tagline_source=parsed.version["tagline_source"],
        notes=parsed.version["notes"],
        content_hash=parsed.content_hash,
    )
    _save_values(version, parsed.values)
    return version


def _version_summary(version: FrameworkVersion | None) -> dict[str, Any] | None:
    if version is None:
        return None
    return {
        "framework": version.framework.slug,
        "number": version.number,
        "status": version.status,
        "name": version.name,
        "description": version.description,
        "legal_basis": version.legal_basis.slug,
        "content_hash": version.content_hash,
    }


def publish_version(
    *, version: FrameworkVersion, user: Any = None, request: HttpRequest | None = None
) -> FrameworkVersion:
    """A draft becomes the published version: adoptable, and never changed again (issue 17).

    Recorded with before (the version published until now) and after in the owner's chain,
    and noted in the chain of every government that has adopted a version of the framework,
    which then sees that a newer version exists and moves when it chooses.
    """
    with transaction.atomic():
        owner = version.framework.owner
        if not may_act_for(user, owner):
            raise PublicationError(
                _("Only the administrator of %(owner)s publishes versions of %(framework)s.")
                % {"owner": owner_label(owner), "framework": version.framework.name}
            )
        return _publish(version, user=user, request=request)


def _publish(
    version: FrameworkVersion, *, user: Any, request: HttpRequest | None = None
) -> FrameworkVersion:
    with transaction.atomic():
        version = (
            FrameworkVersion.objects.select_for_update(of=("self",))
            .select_related("framework__owner", "legal_basis")
            .get(pk=version.pk)
        )
        framework = version.framework
        owner = framework.owner
        if version.is_published:
            raise PublicationError(_("%(version)s is already published.") % {"version": version})
        if version_hash(version) != version.content_hash:
            raise TamperedVersionError(version)
        previous = latest_published(framework)
        version.status = FrameworkVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_at"])
        # The framework's name and description are those of its latest published version.
        if (framework.name, framework.description) != (version.name, version.description):
            framework.name, framework.description = version.name, version.description
            framework.save(update_fields=["name", "description"])
        audit.record(
            user,
            AuditAction.UPDATE,
            version,
            before=_version_summary(previous),
            after=_version_summary(version),
            request=request,
            government=owner,
        )
        adopters = (
            Government.objects.filter(
                adoption__version__framework=framework, adoption__adopted_until__isnull=True
            )
            .distinct()
            .order_by("pk")
        )
        for government in adopters:
            audit.record(
                user,
                AuditAction.OTHER,
                version,
                after={
                    "note": "newer version published; the adoption stays until moved",
                    "framework": framework.slug,
                    "number": version.number,
                    "content_hash": version.content_hash,
                },
                request=request,
                government=government,
            )
    return version


def latest_published(framework: ValueFramework) -> FrameworkVersion | None:
    return (
        framework.versions.filter(status=FrameworkVersion.Status.PUBLISHED)
        .select_related("framework", "legal_basis")
        .order_by("-number")
        .first()
    )


def _save_regulations(
    items: list[dict[str, Any]],
    *,
    owner: Government | None,
    user: Any = None,
    request: HttpRequest | None = None,
    force: bool = False,
    owner_of: Callable[[str], Government | None] | None = None,
) -> dict[str, Regulation]:
    """Regulations of the file: new ones belong to the importer; the facts of stored ones are
    changed only by their owner (checked before, ``ownership_problems``; ``force`` is the
    operator's repair from the shipped files). Every change is audited in the owner's chain."""
    saved: dict[str, Regulation] = {}
    before: dict[str, dict[str, Any] | None] = {}
    for item in items:
        fields = {name: item[name] for name in (*_REGULATION_TEXT, "number", "year")}
        fields.update({name: _real_date(item[name]) for name in _REGULATION_DATES})
        regulation = (
            Regulation.objects.select_related("revoked_by").filter(slug=item["slug"]).first()
        )
        if regulation is None:
            before[item["slug"]] = None
            regulation = Regulation.objects.create(
                slug=item["slug"], owner=owner_of(item["slug"]) if owner_of else owner, **fields
            )
        else:
            before[item["slug"]] = _regulation_document(regulation)
            if before[item["slug"]] == item:
                saved[item["slug"]] = regulation
                continue
            if regulation.owner_id != (owner.pk if owner else None) and not force:
                raise NotOwnerError(
                    [
                        _("The regulation “%(slug)s” belongs to another owner.")
                        % {"slug": item["slug"]}
                    ]
                )
            for name, value in fields.items():
                setattr(regulation, name, value)
            regulation.save()
        saved[item["slug"]] = regulation
    for item in items:
        regulation = saved[item["slug"]]
        target = item["revoked_by"]
        revoked_by = (saved.get(target) or Regulation.objects.get(slug=target)) if target else None
        if regulation.revoked_by_id != (revoked_by.pk if revoked_by else None):
            regulation.revoked_by = revoked_by
            regulation.save(update_fields=["revoked_by"])
    for slug, regulation in saved.items():
        old = before[slug]
        if old is not None and old == (new := _regulation_document(regulation)):
            continue
        if old is None:
            audit.record(
                user, AuditAction.CREATE, regulation, after=_regulation_document(regulation),
                request=request, government=regulation.owner,
            )  # fmt: skip
        else:
            changed_before, changed_after = audit.changed(old, new)
            audit.record(
                user, AuditAction.UPDATE, regulation, before=changed_before, after=changed_after,
                request=request, government=regulation.owner,
            )  # fmt: skip
    return saved


def _save_values(version: FrameworkVersion, values: list[dict[str, Any]]) -> None:
    guides: list[BehaviourGuide] = []
    manifestations: list[BehaviourManifestation] = []
    for item in values:
        value = CoreValue.objects.create(
            version=version,
            order=item["order"],
            code=item["code"],
            name=item["name"],
            definition=item["definition"],
            source=item["source"],
            variant_name=item["variant_name"],
            variant_source=item["variant_source"],
        )
        guides.extend(BehaviourGuide(value=value, **guide) for guide in item["guides"])
        manifestations.extend(
            BehaviourManifestation(value=value, **manifestation)
            for manifestation in item["manifestations"]
        )
    BehaviourGuide.objects.bulk_create(guides)
    BehaviourManifestation.objects.bulk_create(manifestations)


@cache
def _shipped_owners() -> dict[str, dict[str, str | None]]:
    return json.loads(OWNERS_PATH.read_text(encoding="utf-8"))


def _shipped_owner(kind: str, slug: str) -> Government | None:
    """The government a shipped text belongs to, when it exists here; else the installation."""
    code = _shipped_owners()[kind].get(slug)
    return Government.objects.filter(kemendagri_code=code).first() if code else None


def shipped_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.yaml"))


def load_shipped_frameworks() -> list[FrameworkVersion]:
    """Load every framework file shipped in data/ (idempotent: known content is left alone).

    The operator's action: each text is loaded for its shipped owner (data/owners.json), and a
    shipped text still owned by the installation passes to that government once it exists.
    """
    versions = []
    for path in shipped_files():
        parsed = parse_framework(path.read_text(encoding="utf-8"), source_name=path.name)
        with transaction.atomic():
            _claim_shipped(parsed)
            framework = ValueFramework.objects.filter(slug=parsed.framework["slug"]).first()
            existing = (
                framework.versions.filter(content_hash=parsed.content_hash).first()
                if framework
                else None
            )
            if existing is not None:
                versions.append(existing)
                continue
            owner = (
                framework.owner
                if framework
                else _shipped_owner("frameworks", parsed.framework["slug"])
            )
            versions.append(_import_as_operator(parsed, owner=owner, source_name=path.name).version)
    return versions


def _import_as_operator(
    parsed: ParsedFramework, *, owner: Government | None, source_name: str
) -> ImportResult:
    """The operator loads a shipped file: new regulations get their shipped owners."""
    with transaction.atomic():
        framework, framework_created = ValueFramework.objects.get_or_create(
            slug=parsed.framework["slug"],
            defaults={
                "name": parsed.framework["name"],
                "description": parsed.framework["description"],
                "owner": owner,
            },
        )
        if framework_created:
            audit.record(
                None, AuditAction.CREATE, framework, after=audit.snapshot(framework),
                government=owner,
            )  # fmt: skip
        regulations = _save_regulations(
            parsed.data["regulations"],
            owner=owner,
            owner_of=lambda slug: _shipped_owner("regulations", slug),
            force=True,
        )
        version = _create_version(framework, parsed, regulations)
        audit.record(
            None, AuditAction.CREATE, version,
            after={"framework": framework.slug, "number": version.number,
                   "content_hash": version.content_hash, "source": source_name},
            government=framework.owner,
        )  # fmt: skip
        version = _publish(version, user=None)
    return ImportResult(version, created=True, framework_created=framework_created)


def _claim_shipped(parsed: ParsedFramework) -> None:
    """A shipped text held by the installation passes to its shipped government (audited)."""
    rows: list[tuple[str, Regulation | ValueFramework]] = [
        ("regulations", r)
        for r in Regulation.objects.filter(
            slug__in=[item["slug"] for item in parsed.data["regulations"]], owner__isnull=True
        )
    ]
    rows += [
        ("frameworks", f)
        for f in ValueFramework.objects.filter(slug=parsed.framework["slug"], owner__isnull=True)
    ]
    for kind, row in rows:
        owner = _shipped_owner(kind, row.slug)
        if owner is None:
            continue
        row.owner = owner
        row.save(update_fields=["owner"])
        for chain in (None, owner):
            audit.record(
                None, AuditAction.UPDATE, row, before={"owner": None},
                after={"owner": owner.pk}, government=chain,
            )  # fmt: skip


@dataclass(frozen=True)
class Restored:
    path: str
    version: FrameworkVersion | None
    # What was repaired, in words for the operator (empty: the stored text was already whole).
    repairs: list[str]


def restore_shipped_frameworks(*, check_only: bool = False) -> list[Restored]:
    """Issue 17, the repair path: the shipped files restore the shipped versions.

    For each file of data/: the version with the file's content hash is rebuilt from the file
    when its stored text no longer gives that hash (or created when it is missing), the
    regulations it names get the file's facts and their shipped owners, and the framework's
    name and description come from its latest published version again. Audited as the operator.
    """
    results = []
    for path in shipped_files():
        parsed = parse_framework(path.read_text(encoding="utf-8"), source_name=path.name)
        repairs: list[str] = []
        with transaction.atomic():
            framework = ValueFramework.objects.filter(slug=parsed.framework["slug"]).first()
            shipped_owner = _shipped_owner("frameworks", parsed.framework["slug"])
            if framework is not None and framework.owner_id != (
                shipped_owner.pk if shipped_owner else None
            ):
                repairs.append(
                    f"framework {framework.slug}: owner {owner_label(framework.owner)} "
                    f"-> {owner_label(shipped_owner)}"
                )
                if not check_only:
                    before = audit.snapshot(framework, ["owner"])
                    framework.owner = shipped_owner
                    framework.save(update_fields=["owner"])
                    audit.record(
                        None, AuditAction.UPDATE, framework, before=before,
                        after=audit.snapshot(framework, ["owner"]), government=None,
                    )  # fmt: skip
            for item in parsed.data["regulations"]:
                regulation = Regulation.objects.filter(slug=item["slug"]).first()
                owner = _shipped_owner("regulations", item["slug"])
                if regulation is None:
                    continue
                if _regulation_document(regulation) != item:
                    repairs.append(f"regulation {item['slug']}: facts restored")
                if regulation.owner_id != (owner.pk if owner else None):
                    repairs.append(f"regulation {item['slug']}: owner -> {owner_label(owner)}")
                    if not check_only:
                        regulation.owner = owner
                        regulation.save(update_fields=["owner"])
            if not check_only:
                _save_regulations(
                    parsed.data["regulations"],
                    owner=shipped_owner,
                    owner_of=lambda slug: _shipped_owner("regulations", slug),
                    force=True,
                )
            version = (
                framework.versions.filter(content_hash=parsed.content_hash).first()
                if framework
                else None
            )
            if version is None:
                repairs.append(f"{parsed.framework['slug']}: shipped version missing, loaded")
                if not check_only:
                    version = _import_as_operator(
                        parsed, owner=shipped_owner, source_name=path.name
                    ).version
            elif version_hash(version) != version.content_hash:
                repairs.append(f"{version}: text rebuilt from {path.name}")
                if not check_only:
                    _rebuild_version(version, parsed)
            if version is not None and not check_only:
                version.refresh_from_db()
                latest = latest_published(version.framework)
                framework = version.framework
                if latest is not None and (framework.name, framework.description) != (
                    latest.name,
                    latest.description,
                ):
                    repairs.append(f"framework {framework.slug}: name and description restored")
                    before = audit.snapshot(framework, ["name", "description"])
                    framework.name, framework.description = latest.name, latest.description
                    framework.save(update_fields=["name", "description"])
                    audit.record(
                        None, AuditAction.UPDATE, framework, before=before,
                        after=audit.snapshot(framework, ["name", "description"]),
                        government=framework.owner,
                    )  # fmt: skip
            if check_only:
                transaction.set_rollback(True)
        results.append(Restored(path.name, version, repairs))
    return results


def _rebuild_version(version: FrameworkVersion, parsed: ParsedFramework) -> None:
    """The operator's repair of a published version whose rows were changed outside Budaya.

    Rows are rewritten in place (queryset updates: the model's guard refuses saves of a
    published version, and slogans and activities keep pointing at the same values)."""
    before = {"content_hash_of_stored_text": version_hash(version)}
    FrameworkVersion.objects.filter(pk=version.pk).update(
        name=parsed.framework["name"],
        description=parsed.framework["description"],
        regulations=parsed.data["regulations"],
        legal_basis=Regulation.objects.get(slug=parsed.version["legal_basis"]),
        tagline=parsed.version["tagline"],
        tagline_source=parsed.version["tagline_source"],
        notes=parsed.version["notes"],
    )
    stored = {value.code: value for value in CoreValue.objects.filter(version=version)}
    for item in parsed.values:
        fields = {
            name: item[name]
            for name in ("order", "name", "definition", "source", "variant_name", "variant_source")
        }
        value = stored.pop(item["code"], None)
        if value is None:
            value = CoreValue.objects.bulk_create(
                [CoreValue(version=version, code=item["code"], **fields)]
            )[0]
        else:
            CoreValue.objects.filter(pk=value.pk).update(**fields)
        _rebuild_items(BehaviourGuide, value, item["guides"])
        _rebuild_items(BehaviourManifestation, value, item["manifestations"])
    # Values the file does not have were added outside Budaya; they go unless something uses them.
    for value in stored.values():
        BehaviourGuide.objects.filter(value=value).delete()
        BehaviourManifestation.objects.filter(value=value).delete()
        CoreValue.objects.filter(pk=value.pk).delete()
    version.refresh_from_db()
    audit.record(
        None, AuditAction.UPDATE, version, before=before,
        after={"content_hash": version.content_hash, "restored_from": parsed.source_name},
        government=version.framework.owner,
    )  # fmt: skip


# --- Verification ----------------------------------------------------------------------------


def _rebuild_items(
    model: type[BehaviourGuide] | type[BehaviourManifestation],
    value: CoreValue,
    items: list[dict[str, Any]],
) -> None:
    rows = {row.order: row for row in model.objects.filter(value=value)}
    for entry in items:
        row = rows.pop(entry["order"], None)
        if row is None:
            model.objects.bulk_create([model(value=value, **entry)])  # type: ignore[list-item]
        else:
            model.objects.filter(pk=row.pk).update(**entry)
    model.objects.filter(pk__in=[row.pk for row in rows.values()]).delete()


def version_hash(version: FrameworkVersion, values: Iterable[CoreValue] | None = None) -> str:
    """The SHA-256 the stored rows of ``version`` give now (``content_hash`` when whole)."""
    return _hash(version_document(version, values))


def verify_version(version: FrameworkVersion, values: Iterable[CoreValue] | None = None) -> bool:
    return version_hash(version, values) == version.content_hash


def first_mismatch() -> FrameworkVersion | None:
    """The first version (by framework and number) whose text does not give its hash."""
    versions = FrameworkVersion.objects.select_related("framework", "legal_basis__revoked_by")
    for version in versions.order_by("framework__slug", "number"):
        if not verify_version(version):
            return version
    return None


# --- Export ----------------------------------------------------------------------------------


def version_document(
    version: FrameworkVersion, values: Iterable[CoreValue] | None = None
) -> dict[str, Any]:
    """The canonical form of a stored version (the same shape ``_normalise`` gives a file).

    The name, description and regulations are the version's own (as its file stated them);
    ``values`` may be given already loaded with their guides and manifestations.
    """
    if version.regulations:
        regulations_document = list(version.regulations)
    else:
        basis = version.legal_basis
        regulations = {basis.pk: basis}
        regulations.update({r.pk: r for r in basis.revokes.all()})
        if basis.revoked_by_id:
            regulations[basis.revoked_by_id] = Regulation.objects.get(pk=basis.revoked_by_id)
        regulations_document = [_regulation_document(r) for r in regulations.values()]
    if values is None:
        values = version.values.prefetch_related("guides", "manifestations")
    return {
        "format": FORMAT,
        "framework": {
            "slug": version.framework.slug,
            "name": version.name or version.framework.name,
            "description": version.description if version.name else version.framework.description,
        },
        "regulations": sorted(regulations_document, key=lambda r: r["slug"]),
        "version": {
            "legal_basis": version.legal_basis.slug,
            "tagline": version.tagline,
            "tagline_source": version.tagline_source,
            "notes": version.notes,
            "values": [
                {
                    "code": value.code,
                    "order": value.order,
                    "name": value.name,
                    "definition": value.definition,
                    "source": value.source,
                    "variant_name": value.variant_name,
                    "variant_source": value.variant_source,
                    "guides": [
                        {
                            "order": guide.order,
                            "text": guide.text,
                            "source": guide.source,
                            "variant_text": guide.variant_text,
                            "variant_source": guide.variant_source,
                        }
                        for guide in value.guides.all()
                    ],
                    "manifestations": [
                        {"order": item.order, "text": item.text, "source": item.source}
                        for item in value.manifestations.all()
                    ],
                }
                for value in values
            ],
        },
    }


def _regulation_document(regulation: Regulation) -> dict[str, Any]:
    document: dict[str, Any] = {
        "slug": regulation.slug,
        "number": regulation.number,
        "year": regulation.year,
    }
    document.update({name: getattr(regulation, name) for name in _REGULATION_TEXT})
    for name in _REGULATION_DATES:
        day = getattr(regulation, name)
        document[name] = day.isoformat() if day else None
    document["revoked_by"] = regulation.revoked_by.slug if regulation.revoked_by else None
    return document


_KEY_ORDER = {
    "regulation": (
        "slug", "issuer", "kind", "number", "year", "title", "enacted_on", "promulgated_on",
        "gazette", "effective_on", "effective_source", "revoked_by", "revoked_on",
        "revocation_source",
    ),
}  # fmt: skip


def _compact(item: dict[str, Any], order: Iterable[str] | None = None) -> dict[str, Any]:
    """Readable output: empty optional fields are left out (the import fills them in again)."""
    keys = list(order) if order else list(item)
    return {key: item[key] for key in keys if item.get(key) not in ("", None, [])}


class _Dumper(yaml.SafeDumper):
    pass


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # Long texts fold onto several lines; yaml keeps their words exactly.
    return dumper.represent_scalar("tag:yaml.org,2002:str", text)


_Dumper.add_representer(str, _represent_text)


def export_framework(slug: str, version: int | None = None) -> str:
    """The YAML file of a framework version (the latest when no number is given)."""
    versions = FrameworkVersion.objects.select_related("framework", "legal_basis__revoked_by")
    versions = versions.filter(framework__slug=slug)
    chosen = (
        versions.get(number=version)
        if version is not None
        else versions.order_by("-number").first()
    )
    if chosen is None:
        raise FrameworkVersion.DoesNotExist(slug)
    return version_file(chosen)


def version_file(chosen: FrameworkVersion, *, framework: dict[str, Any] | None = None) -> str:
    """The YAML file of one version (``framework`` replaces its slug, name, description: a copy).

    Refused (TamperedVersionError) when the stored text no longer gives its content hash.
    """
    document = version_document(chosen)
    if _hash(document) != chosen.content_hash:
        raise TamperedVersionError(chosen)
    if framework is not None:
        document["framework"] = {**document["framework"], **framework}
    basis_slug = document["version"]["legal_basis"]
    # The legal basis first, then the regulations it revokes, then the one that revokes it.
    regulations = sorted(
        document["regulations"],
        key=lambda r: (r["slug"] != basis_slug, r["revoked_by"] != basis_slug, r["slug"]),
    )
    output = {
        "format": FORMAT,
        "framework": _compact(document["framework"]),
        "regulations": [_compact(r, _KEY_ORDER["regulation"]) for r in regulations],
        "version": _compact(
            {
                **document["version"],
                "values": [
                    _compact(
                        {
                            **value,
                            "guides": [_compact(g) for g in value["guides"]],
                            "manifestations": [_compact(m) for m in value["manifestations"]],
                        }
                    )
                    for value in document["version"]["values"]
                ],
            }
        ),
    }
    header = (
        f"# {chosen.framework.name}, version {chosen.number} (sha256 {chosen.content_hash}).\n"
        "# Format: docs/framework-format.md; schema: /frameworks/schema.json\n"
    )
    body = yaml.dump(
        output, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, indent=2
    )
    return header + body


# --- Adoption and slogans --------------------------------------------------------------------


def adopt_version(
    *,
    government: Government,
    version: FrameworkVersion,
    adopted_from: datetime.date,
    decision: str = "",
    user: Any = None,
    request: HttpRequest | None = None,
) -> Adoption:
    """The government adopts ``version`` from a date; the adoption before it ends the day before."""
    with transaction.atomic():
        # Lock the government row so two adoptions cannot race past the checks below.
        Government.objects.select_for_update().filter(pk=government.pk).first()
        latest = (
            Adoption.objects.filter(government=government)
            .select_related("version__framework")
            .order_by("-adopted_from")
            .first()
        )
        if latest is not None:
            if adopted_from <= latest.adopted_from:
                raise AdoptionError(
                    _(
                        "The adoption must start after %(date)s, the start of the adoption "
                        "in force (%(version)s)."
                    )
                    % {"date": _date(latest.adopted_from), "version": latest.version}
                )
            if latest.version_id == version.pk:
                raise AdoptionError(
                    _("%(version)s is already the adopted version.") % {"version": version}
                )
        # Issue 17: a draft is not adoptable; a published text is checked before it is adopted.
        if not version.is_published:
            raise AdoptionError(
                _("%(version)s is a draft: it can be adopted once its owner publishes it.")
                % {"version": version}
            )
        if not verify_version(version):
            raise AdoptionError(str(TamperedVersionError(version)))
        basis = version.legal_basis
        if basis.revoked_on and adopted_from >= basis.revoked_on:
            raise AdoptionError(
                _("Its legal basis, %(regulation)s, was revoked on %(date)s.")
                % {"regulation": basis, "date": _date(basis.revoked_on)}
            )
        if latest is not None:
            before = audit.snapshot(latest, ["adopted_until"])
            latest.adopted_until = adopted_from - datetime.timedelta(days=1)
            latest.save(update_fields=["adopted_until"])
            audit.record(
                user,
                AuditAction.UPDATE,
                latest,
                before=before,
                after=audit.snapshot(latest, ["adopted_until"]),
                request=request,
            )
        try:
            with transaction.atomic():
                adoption = Adoption.objects.create(
                    government=government,
                    version=version,
                    adopted_from=adopted_from,
                    decision=decision.strip(),
                    created_by=user if getattr(user, "pk", None) else None,
                )
        except IntegrityError as error:
            raise AdoptionError(_("An adoption on that date already exists.")) from error
        audit.record(
            user, AuditAction.CREATE, adoption, after=audit.snapshot(adoption), request=request
        )
        return adoption


def _date(day: datetime.date) -> str:
    from django.utils.formats import date_format

    return date_format(day, "j F Y")


def add_slogan(
    *,
    unit: Unit,
    text: str,
    values: Iterable[CoreValue],
    user: Any = None,
    request: HttpRequest | None = None,
) -> Slogan:
    """An agency's slogan linked to values of the adopted version (S Tabel 2 no. 1 a)."""
    values = list(values)
    with transaction.atomic():
        slogan = Slogan.objects.create(
            government_id=unit.government_id,
            unit=unit,
            text=text.strip(),
            created_by=user if getattr(user, "pk", None) else None,
        )
        SloganValue.objects.bulk_create(
            SloganValue(government_id=unit.government_id, slogan=slogan, value=value)
            for value in values
        )
        audit.record(
            user, AuditAction.CREATE, slogan, after=_slogan_snapshot(slogan), request=request
        )
    return slogan


def _slogan_snapshot(slogan: Slogan) -> dict[str, Any]:
    values = list(slogan.values.order_by("pk").values_list("pk", flat=True))
    return {**audit.snapshot(slogan, ["unit", "text"]), "values": values}


def remove_slogan(slogan: Slogan, *, user: Any = None, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        audit.record(
            user, AuditAction.DELETE, slogan, before=_slogan_snapshot(slogan), request=request
        )
        SloganValue.objects.filter(government_id=slogan.government_id, slogan=slogan).delete()
        slogan.delete()


def newer_version(adoption: Adoption | None) -> FrameworkVersion | None:
    """The latest published version of the adopted framework when it is newer than the adopted
    one (issue 17: the government sees it and moves when it chooses)."""
    if adoption is None or adoption.adopted_until is not None:
        return None
    latest = latest_published(adoption.version.framework)
    if latest is None or latest.number <= adoption.version.number:
        return None
    return latest


def move_to_newer_version(
    *,
    government: Government,
    adopted_from: datetime.date,
    decision: str = "",
    user: Any = None,
    request: HttpRequest | None = None,
) -> Adoption:
    """The government moves its adoption to the framework's latest published version."""
    from budaya.frameworks.selectors import current_adoptions

    current = current_adoptions([government]).get(government.pk)
    newer = newer_version(current)
    if newer is None:
        raise AdoptionError(_("There is no newer version of the adopted framework."))
    return adopt_version(
        government=government,
        version=newer,
        adopted_from=adopted_from,
        decision=decision,
        user=user,
        request=request,
    )


def copy_framework(
    *,
    version: FrameworkVersion,
    owner: Government,
    slug: str,
    name: str,
    user: Any = None,
    request: HttpRequest | None = None,
) -> ImportResult:
    """Issue 17: a government that wants a variant makes its own copy under its own identifier.

    The copy is version 1 of a new framework owned by ``owner``, published, with the text of
    ``version``; it cites the same regulations without changing them. Every check of an import
    applies (identifier format, reserved and taken identifiers, ownership).
    """
    if not version.is_published:
        raise PublicationError(_("Only a published version can be copied."))
    if ValueFramework.objects.filter(slug=slug).exists():
        raise FrameworkFileError(
            [_("The identifier “%(slug)s” is already taken; choose another.") % {"slug": slug}]
        )
    text = version_file(version, framework={"slug": slug, "name": name.strip()})
    return import_framework(
        text,
        owner=owner,
        source_name=f"{version.framework.slug}-v{version.number}.yaml",
        user=user,
        request=request,
    )
