"""The demo programmes: both cities, two years, some agencies complete and some partial."""

import pytest
from django.utils import timezone

from budaya.org.demo import seed as org_seed
from budaya.programme import demo
from budaya.programme.models import Programme, ProgrammeEvidence, ScorecardResult
from budaya.programme.selectors import DONE, progress_of

pytestmark = pytest.mark.django_db


def test_demo_programmes_are_made_once_with_scorecards_and_mixed_progress(monkeypatch):
    monkeypatch.setattr(org_seed, "seed_other_apps", lambda: [])
    org_seed.seed_demo(password="kata-sandi-demo-yang-panjang", staff_per_agency=1)
    lines = demo.seed()
    year = timezone.localdate().year
    assert len(lines) == Programme.objects.count() >= 16
    for slug in ("kota-tangerang", "kota-serang"):
        for wanted in (year, year - 1):
            assert Programme.objects.filter(
                government__slug=slug, year=wanted, unit__isnull=True
            ).exists()
    assert ScorecardResult.objects.exists() and ProgrammeEvidence.objects.exists()
    progress = progress_of(Programme.objects.all())
    finished = [p for p in progress.values() if all(s.status == DONE for s in p.stages)]
    assert finished and len(finished) < len(progress)
    # Serang's scorecard items are bound to BerAKHLAK behaviour manifestations.
    serang = Programme.objects.filter(government__slug="kota-serang", scorecard_items__isnull=False)
    assert serang.first().scorecard_items.filter(manifestation__isnull=False).exists()
    assert demo.seed() == []
    assert len(lines) == Programme.objects.count()
