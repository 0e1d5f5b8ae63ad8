"""The hot write's CPU in process (issue 25 item 2): what load on a shared machine does not stretch.

Against a database kept by `bench/pages.py --keep` (city scale), in one process with Django's test
client and the bench's settings: the median CPU time (`time.process_time()`) of recording an
activity (the form posted as `bench/pages.py` posts it: a form of activity, two values, a date of
this year, a link as evidence, urlencoded, no cookie of messages kept) and of the signed-in bare
view `/bench/hello`, the CPU the PostgreSQL backend spent per recording (from /proc), and the
statements of one recording. Each recording is a real one (it stays in the database: run
`manage.py rebuild_aggregates --check` on it afterwards if in doubt).

    BENCH_PAGES_DATABASE=bench_pages_q .venv/bin/python bench/record_cpu.py --count 100
    BENCH_PAGES_DATABASE=bench_pages_q .venv/bin/python bench/record_cpu.py --profile

No verdict: the throughput target is `bench/pages.py`'s; this says where the write's time goes.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import DATABASE, server_env  # noqa: E402


def _backend_seconds(connection: Any) -> float:
    """CPU time the PostgreSQL backend of ``connection`` has used (Linux /proc)."""
    pid = connection.connection.info.backend_pid
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50, help="recordings measured (median)")
    parser.add_argument("--profile", action="store_true", help="cProfile instead of timing")
    args = parser.parse_args()
    database = DATABASE
    os.environ.update(server_env(Path(tempfile.mkdtemp(prefix="record-cpu-")), database))

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from budaya.activities.selectors import current_values, forms_of, units_for_logging
    from budaya.org.models import Government

    government = Government.objects.order_by("pk").first()
    if government is None:
        print(f"{database}: no government (make it with bench/pages.py --keep)")
        return 2
    user = get_user_model().objects.get(username=f"tim.{government.slug}")
    client = Client()
    client.force_login(user)
    url = reverse("activities:create", args=[government.slug])
    fixed = {
        "unit": units_for_logging(user, government).first().pk,  # type: ignore[union-attr]
        "form": forms_of(government).order_by("pk").first().pk,  # type: ignore[union-attr]
        "values": [value.pk for value in current_values(government)[:2]],
        "participants_count": "30",
        "status": "done",
    }
    counter = itertools.count(1)

    def record() -> None:
        n = next(counter)
        day = datetime.date.today() - datetime.timedelta(days=n % 200)
        body = {
            **fixed,
            "title": f"Apel pagi dan pembacaan nilai budaya kerja #{n}",
            "date": day.isoformat(),
            "link_url": f"https://drive.example.go.id/kegiatan/{n}",
            "link_title": f"Dokumentasi kegiatan #{n}",
        }
        client.cookies.pop("messages", None)  # as the load generator: no cookie kept
        response = client.post(
            url,
            urllib.parse.urlencode(body, doseq=True),
            content_type="application/x-www-form-urlencoded",
        )
        if response.status_code != 302:
            raise RuntimeError(f"recording answered HTTP {response.status_code}")

    def hello() -> None:
        if client.get("/bench/hello").status_code != 200:
            raise RuntimeError("/bench/hello did not answer 200")

    assert client.get(url).status_code == 200  # the choices read, as after any recording
    for _ in range(5):
        record()
    with CaptureQueriesContext(connection) as queries:
        record()
    statements = [q["sql"] for q in queries.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    print(f"{database}, {government.slug}: one recording issues {len(statements)} statements")
    if os.environ.get("BENCH_SHOW_SQL"):
        print("\n\n".join(statements))
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(args.count):
            record()
        profile.disable()
        lines = int(os.environ.get("BENCH_PROFILE_LINES", "60"))  # the profile's longest
        pstats.Stats(profile).sort_stats(
            os.environ.get("BENCH_PROFILE_SORT", "cumulative")
        ).print_stats(lines)
        return 0

    def median_ms(work: Any) -> float:
        times = []
        for _ in range(args.count):
            started = time.process_time()
            work()
            times.append((time.process_time() - started) * 1000)
        return statistics.median(times)

    bare = median_ms(hello)
    backend = _backend_seconds(connection)
    write = median_ms(record)
    backend = (_backend_seconds(connection) - backend) * 1000 / args.count
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"CPU per request in process, median of {args.count} (load average {load}):")
    print(f"  signed-in bare view  {bare:6.2f} ms")
    print(f"  recording            {write:6.2f} ms  (+ {backend:.2f} ms in PostgreSQL, mean)")
    print(f"  recording / bare view: {write / bare:.1f} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
