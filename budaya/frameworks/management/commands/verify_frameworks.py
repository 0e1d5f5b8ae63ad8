"""manage.py verify_frameworks: recompute the SHA-256 of every framework version from its
stored rows and compare it with the hash taken when it was imported and published (issue 17).
Names the first mismatch and exits with status 1; ``manage.py restore_frameworks`` repairs the
shipped versions."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from budaya.frameworks.models import FrameworkVersion
from budaya.frameworks.services import first_mismatch


class Command(BaseCommand):
    help = "Check that no framework version has changed since it was published."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = first_mismatch()
        if broken is not None:
            raise CommandError(
                f"{broken.framework.slug} version {broken.number} ({broken.status}): its text "
                f"no longer gives its content hash {broken.content_hash}."
            )
        if options["verbosity"] >= 1:
            count = FrameworkVersion.objects.count()
            self.stdout.write(f"{count} framework versions match their content hashes.")
