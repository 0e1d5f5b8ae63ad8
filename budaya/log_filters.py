"""Logging filters (issue 17)."""

from __future__ import annotations

import logging


class ForbiddenOneLine(logging.Filter):
    """A refused request (403) is an answer, not an error: one line with the path and the user,
    instead of django.request's warning with the PermissionDenied traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            request = getattr(record, "request", None)
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else "-"
            record.msg = "Forbidden: %s user=%s"
            record.args = (getattr(request, "path", "?"), user_id)
            record.exc_info = None
            record.exc_text = None
        return True


class DisallowedHostOneLine(logging.Filter):
    """A request for a host name we do not serve (a scanner, a misconfigured proxy) answers 400:
    one warning line with the host, instead of an error with the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
