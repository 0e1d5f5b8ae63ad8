"""Signals of the rulebook: modules that keep rows made from the rulebook follow a new version.

``version_created`` is sent inside the import's transaction, after the version and its audit
entry are written, with ``government``, ``version`` and ``acting_user``: a receiver's writes (and
their audit entries) commit or roll back with the version.
"""

from __future__ import annotations

from django.dispatch import Signal

version_created = Signal()
