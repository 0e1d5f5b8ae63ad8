"""How pages show where a rule comes from: ``{{ element|cite:book }}`` and the choice badge."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from budaya.frameworks.models import ValueFramework
from budaya.rulebook.document import Cited, RulebookDocument

register = template.Library()


@register.filter
def cite(element: Cited | str, book: RulebookDocument) -> str:
    return book.cite(element)


@register.filter
def actor_title(code: str, book: RulebookDocument) -> str:
    """Who acts or signs, in the rulebook's words: an office's title or a team's name."""
    words = book.words
    if code == "agency_head":
        return _("head of the agency (%(agency)s)") % {"agency": words.agency_name}
    if code == "agency_team_chair":
        return _("chair of the %(team)s") % {"team": words.agency_team_name}
    if code == "city_team_chair":
        return _("chair of the %(team)s") % {"team": words.city_team_name}
    return book.actor_title(code)


@register.inclusion_tag("rulebook/framework.html")
def framework(slug: str) -> dict[str, Any]:
    """The value framework the regulation sets, by its name and linked (the rulebook holds its
    identifier, "berakhlak"); the identifier alone when no such framework is loaded."""
    return {"slug": slug, "framework": ValueFramework.objects.filter(slug=slug).first()}


@register.inclusion_tag("rulebook/source.html")
def source(element: Any, book: RulebookDocument) -> dict[str, Any]:
    return {"citation": book.cite(element), "element": element}
