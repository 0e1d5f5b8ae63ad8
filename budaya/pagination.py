"""One page of a list, and the list's query string without the page, for pagination.html."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest


def page_of(
    request: HttpRequest, items: Any, per_page: int, param: str = "page", count: int | None = None
) -> Any:
    """The page ``?page=`` asks for (the last one when beyond, the first when not a number).
    ``param`` names it when one page holds several lists; ``count`` is the number of items when
    known without counting them (kept per government version: budaya.fragments.kept)."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count
    return paginator.get_page(request.GET.get(param))


def query_without_page(request: HttpRequest, param: str = "page") -> str:
    """The filters of the current list (and the other lists' pages), to keep them on the links
    to other pages."""
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()
