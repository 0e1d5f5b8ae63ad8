"""Pages of the activity log, evidence, obligations and the calendar."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from budaya.activities import evidence as evidence_files
from budaya.activities.models import Evidence

# --- Evidence files ------------------------------------------------------------------------------

# Nothing in a served file may run or load anything, should a browser render it anyway.
FILE_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"


def _scoped_evidence(request: HttpRequest, pk: int) -> Evidence:
    """Evidence the reader's scope covers, else 404 (whatever the id: guessing finds nothing)."""
    return get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk)


def _file_response(evidence: Evidence, name: str, content_type: str, inline: bool) -> FileResponse:
    try:
        handle = evidence_files.storage().open(name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=evidence.original_name or f"data-dukung-{evidence.pk}",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, max-age=3600"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The stored file (pictures inline, everything else as a download), or the link's target."""
    evidence = _scoped_evidence(request, pk)
    if evidence.is_link:
        return HttpResponseRedirect(evidence.url)
    accepted = evidence_files.ACCEPTED.get(evidence.content_type)
    if not evidence.file or accepted is None:
        raise Http404
    return _file_response(
        evidence, evidence.file.name or "", evidence.content_type, accepted.inline
    )


@login_required
@require_GET
def evidence_thumbnail(request: HttpRequest, pk: int) -> HttpResponseBase:
    evidence = _scoped_evidence(request, pk)
    if not evidence.thumbnail:
        raise Http404
    return _file_response(evidence, evidence.thumbnail.name or "", "image/jpeg", inline=True)
