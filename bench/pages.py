"""Benchmark of the pages under load (issue 9, item 3).

Starts the application under gunicorn against PostgreSQL with one city-scale government made by
`manage.py generate_scale --scale city`, drives the main pages and the hot write (recording an
activity, with a link as its evidence) from a load generator on loopback, and in the same run
measures `/bench/hello`, a view that does nothing, served by the same processes through the same
middleware: its throughput is the ceiling the pages are compared to.

For every page it prints p50/p95/p99 latency, requests per second, the throughput as a ratio of
the ceiling's and the queries one request issues; then the verdicts against the targets:

- every page: p95 under 150 ms (issue 25; 300 ms in issue 9);
- recording an activity: at least 25 % of the throughput of the same bare view signed in
  (issue 25: the fair ceiling for a write that must check who writes; issue 9 compared it with
  the anonymous one, which reads no session).

    make bench-pages                       # = .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --reuse --duration 5

The database is the throwaway PostgreSQL database `bench_pages` (127.0.0.1, user postgres, or the
DB_* variables; another name with BENCH_PAGES_DATABASE), created, migrated and filled at the
start and dropped at the end (`--keep` keeps it, `--reuse` uses a kept one). Nothing else is
touched.

`--province` (issue 25, item 3) also makes `<database>_province`: the same city generated first,
then 24 province-scale governments beside it (25 in one database), serves both databases at once
and measures every page on one then the other, in alternating slices; it prints each page's p95
among the province against the city alone (target: at most 1.2 ×) and the queries of each side.
The write's ratio is likewise taken from alternating slices of the write and the signed-in bare
view (`alternating`).

Exit status 0 when the targets are met, 1 when one is not, 2 when the benchmark could not run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import functools
import html.parser
import itertools
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
PYTHON = sys.executable

P95_TARGET_MS = 150.0  # issue 25 (300 in issue 9)
# Province scale (issue 25, item 3): the same pages of the same city, in a database shared with
# 24 other governments, at most this times their p95 in the city's own database.
PROVINCE_RATIO_TARGET = 1.2
PROVINCE_OTHERS = 24
WRITE_RATIO_TARGET = 0.25  # of the signed-in bare view (issue 25)
# On a server shared with other runs, give each its own name (BENCH_PAGES_DATABASE=...).
DATABASE = os.environ.get("BENCH_PAGES_DATABASE", "bench_pages")
PROVINCE_DATABASE = f"{DATABASE}_province"
SIGNED_IN_HELLO = "hello, signed in"
# The write's ratio: the write and the signed-in bare view in alternating slices.
WRITE_SLICES = 8
PAIRED_HELLO = "hello, signed in (alternating)"
PAIRED_WRITE = "record (alternating)"


@dataclass(frozen=True)
class Dataset:
    """Where the measured government comes from, and its users' logins."""

    slug: str | None  # None: the first government generate_scale made
    admin: str
    leadership: str
    unit_head: str
    unit_team: str
    password: str


# `--demo`: the demo data of `make run` (two cities of a few hundred employees), for a quick look.
DEMO = Dataset(
    "kota-tangerang",
    "admin.tangerang",
    "sekda.tangerang",
    "kepala.dinkes.tangerang",
    "tim.dinkes.tangerang",
    "budaya-kerja-demo",
)


# The logins generate_scale makes for every government (budaya/scale.py).
SCALE = Dataset(None, "admin.{slug}", "sekda.{slug}", "kepala.{slug}", "tim.{slug}", "budaya-skala")


# --- A small HTTP/1.1 client with keep-alive --------------------------------------------------


class Connection:
    """One keep-alive connection; reconnects when the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    @property
    def client_port(self) -> int:
        assert self.writer is not None
        return int(self.writer.get_extra_info("sockname")[1])

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, dict[str, list[str]], bytes]:
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        response_headers: dict[str, list[str]] = {}
        for line in header_lines:
            if line:
                name, _, value = line.partition(":")
                response_headers.setdefault(name.strip().lower(), []).append(value.strip())
        if "content-length" in response_headers:
            data = await self.reader.readexactly(int(response_headers["content-length"][0]))
        elif "chunked" in response_headers.get("transfer-encoding", [""])[0]:
            data = await self._chunks()
        else:
            data = await self.reader.read()
            await self.close()
        if "close" in response_headers.get("connection", [""])[0].lower():
            await self.close()
        return status, response_headers, data

    async def _chunks(self) -> bytes:
        assert self.reader is not None
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None


# gunicorn's master process for each port served (set by ``gunicorn``), whose workers' sockets
# tell which worker holds a connection; and how many connections were opened again to hold them
# evenly (printed with the verdicts).
MASTERS: dict[int, int] = {}
REOPENED = [0]


def workers_of(master: int) -> list[int]:
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def _inodes_by_worker(master: int) -> dict[str, int]:
    """Socket inode -> the pid of the gunicorn worker that holds it."""
    owners: dict[str, int] = {}
    for pid in workers_of(master):
        with contextlib.suppress(OSError):  # a worker replaced meanwhile
            for fd in os.scandir(f"/proc/{pid}/fd"):
                target = os.readlink(fd.path)
                if target.startswith("socket:["):
                    owners[target[8:-1]] = pid
    return owners


def _holders(port: int, client_ports: list[int]) -> list[int | None]:
    """For each client port, the worker that accepted its connection (None: not yet accepted)."""
    owners = _inodes_by_worker(MASTERS[port])
    inode_of: dict[int, str] = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, inode = fields[1], fields[2], fields[9]
        if int(local.split(":")[1], 16) == port:
            inode_of[int(remote.split(":")[1], 16)] = inode
    return [owners.get(inode_of.get(client, "")) for client in client_ports]


async def balanced_connections(port: int, count: int) -> list[Connection]:
    """``count`` open connections held evenly by the server's workers (as the connections of
    many users are): gunicorn's gthread worker keeps each keep-alive connection it accepted, and
    four connections left to chance were held 3 : 1 or 4 : 0 by the two workers, one process
    serving what two should (ss -tnp, 2026-12-06), which moved a page's throughput by half from
    one slice to the next. Without ``MASTERS[port]`` (no gunicorn of ours), as they come."""
    connections = [Connection(port) for _ in range(count)]
    for connection in connections:
        await connection.open()
    if port not in MASTERS:
        return connections
    share = -(-count // len(workers_of(MASTERS[port])))  # at most this many on one worker
    deadline = time.monotonic() + 10
    while True:
        holders = _holders(port, [c.client_port for c in connections])
        if None not in holders:
            held: dict[int | None, int] = {}
            surplus = []
            for connection, holder in zip(connections, holders, strict=True):
                held[holder] = held.get(holder, 0) + 1
                if held[holder] > share:
                    surplus.append(connection)
            if not surplus:
                return connections
            for connection in surplus:  # a new connection goes to whichever worker accepts
                REOPENED[0] += 1
                await connection.close()
                await connection.open()
        if time.monotonic() > deadline:
            raise RuntimeError(f"the workers of port {port} did not take connections evenly")
        await asyncio.sleep(0.005)


class FormParser(html.parser.HTMLParser):
    """The fields of the page's POST forms, with their default values, as a browser sends them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self.checkboxes: dict[str, list[str]] = {}
        self.options: dict[str, list[str]] = {}
        self._fields: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._options: list[str] = []
        self._selected = False

    def form_with(self, name: str) -> list[tuple[str, str]]:
        return next(form for form in self.forms if any(key == name for key, _ in form))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._fields = []
            self.forms.append(self._fields)
        if self._fields is None:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind == "checkbox":
                self.checkboxes.setdefault(a["name"], []).append(a.get("value", "on"))
                if "checked" in a:
                    self._fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("file", "submit", "button"):
                self._fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._options, self._selected = a.get("name"), [], False
        elif tag == "option" and self._select:
            self._options.append(a.get("value", ""))
            if "selected" in a and not self._selected:
                self._fields.append((self._select, a.get("value", "")))
                self._selected = True
        elif tag == "textarea" and a.get("name"):
            self._fields.append((a["name"], ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select and self._fields is not None:
            self.options[self._select] = [v for v in self._options if v]
            if not self._selected and any(self._options):
                self._fields.append((self._select, next(v for v in self._options if v)))
            self._select = None
        elif tag == "form":
            self._fields = None


# --- What is measured -------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    user: str | None
    paths: list[str]
    method: str = "GET"
    expect: int = 200


@dataclass
class Result:
    target: Target
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    queries: int | None = None

    def add(self, part: Result) -> None:
        """A slice of the same target's load, measured apart (alternating runs)."""
        self.latencies += part.latencies
        self.errors += part.errors
        self.seconds += part.seconds

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, q: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000


class Session:
    """A signed-in user: the cookies to send, and a CSRF token for posts."""

    def __init__(self, username: str | None, password: str = "") -> None:
        self.username, self.password = username, password
        self.cookies: dict[str, str] = {}

    def header(self) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Cookie": cookie} if cookie else {}

    def take(self, headers: dict[str, list[str]]) -> None:
        for value in headers.get("set-cookie", []):
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    async def sign_in(self, port: int) -> None:
        connection = Connection(port)
        status, headers, _ = await connection.request("GET", "/login/", {})
        self.take(headers)
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
                "username": self.username,
                "password": self.password,
            }
        ).encode()
        status, headers, _ = await connection.request(
            "POST",
            "/login/",
            self.header() | {"Content-Type": "application/x-www-form-urlencoded"},
            body,
        )
        self.take(headers)
        await connection.close()
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"{self.username} could not sign in (HTTP {status})")


async def run_load(
    port: int, target: Target, session: Session, concurrency: int, duration: float
) -> Result:
    result = Result(target)
    paths = itertools.cycle(target.paths)
    posts = ActivityPosts(port, session, target) if target.method == "POST" else None
    if posts:
        await posts.prepare()
    connections = await balanced_connections(port, concurrency)
    stop_at = time.perf_counter() + duration

    async def worker(connection: Connection) -> None:
        try:
            while time.perf_counter() < stop_at:
                path = next(paths)
                headers = session.header()
                body = b""
                if posts:
                    body = posts.next_body()
                    headers["Content-Type"] = "application/x-www-form-urlencoded"
                started = time.perf_counter()
                status, _, data = await connection.request(target.method, path, headers, body)
                elapsed = time.perf_counter() - started
                if status == target.expect:
                    result.latencies.append(elapsed)
                else:
                    result.errors.append(f"{path}: HTTP {status} {data[:200]!r}")
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(connection) for connection in connections))
    result.seconds = time.perf_counter() - started
    return result


class ActivityPosts:
    """Bodies for "record an activity": the page's own form, filled as a user would (a form of
    activity, two values, a date in this year, a link as evidence)."""

    def __init__(self, port: int, session: Session, target: Target) -> None:
        self.port, self.session, self.target = port, session, target
        self.fields: list[tuple[str, str]] = []
        self.values: list[str] = []
        self.counter = itertools.count(1)

    async def prepare(self) -> None:
        connection = Connection(self.port)
        status, headers, data = await connection.request(
            "GET", self.target.paths[0], self.session.header()
        )
        await connection.close()
        self.session.take(headers)
        if status != 200:
            raise RuntimeError(f"the form to record an activity answered HTTP {status}")
        parser = FormParser()
        parser.feed(data.decode())
        self.values = parser.checkboxes.get("values", [])[:2]
        # A user picks a form of activity and two values; the rest keeps the page's defaults.
        self.fields = [
            (k, parser.options[k][0] if k == "form" else v)
            for k, v in parser.form_with("unit")
            if k not in ("values", "title", "date", "link_url", "link_title")
        ]

    def next_body(self) -> bytes:
        n = next(self.counter)
        day = datetime.date.today() - datetime.timedelta(days=n % 200)
        fields = [
            (k, self.session.cookies["csrftoken"] if k == "csrfmiddlewaretoken" else v)
            for k, v in self.fields
        ]
        fields += [("values", value) for value in self.values]
        fields += [
            ("title", f"Apel pagi dan pembacaan nilai budaya kerja #{n}"),
            ("date", day.isoformat()),
            ("link_url", f"https://drive.example.go.id/kegiatan/{n}"),
            ("link_title", f"Dokumentasi kegiatan #{n}"),
        ]
        return urllib.parse.urlencode(fields).encode()


# --- The server and its data ------------------------------------------------------------------


def server_env(workdir: Path, database: str = DATABASE) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DB": "postgres",
            "DB_NAME": database,
            "BUDAYA_DATA_DIR": str(workdir),
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "TASK_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.pop("DEBUG", None)
    return env


def manage(env: dict[str, str], *arguments: str) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *arguments], env=env, check=True, cwd=ROOT)


def pg_admin(statement: str, database: str = "postgres") -> bool:
    import psycopg

    with psycopg.connect(
        host=os.environ.get("DB_HOST", "127.0.0.1"),
        port=os.environ.get("DB_PORT", "5432"),
        user=os.environ.get("DB_USER", "postgres"),
        password=os.environ.get("DB_PASSWORD") or None,
        dbname=database,
        autocommit=True,
    ) as connection:
        cursor = connection.execute(statement)
        return bool(cursor.fetchall()) if cursor.description else False


def prepare_database(
    env: dict[str, str],
    reuse: bool,
    scale: str,
    demo: bool,
    database: str = DATABASE,
    others: int = 0,
) -> float:
    """Returns the seconds the data took to make (0 when a kept database is reused). With
    ``others``, that many province-scale governments are made after the measured one, in the
    same database (``--province``)."""
    if reuse and pg_admin(f"SELECT 1 FROM pg_database WHERE datname = '{database}'"):
        print(f"Reusing the database {database}.")
        manage(env, "migrate", "--noinput", "-v0")
        return 0.0
    pg_admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    pg_admin(f"CREATE DATABASE {database}")
    manage(env, "migrate", "--noinput", "-v0")
    started = time.perf_counter()
    if demo:
        manage(env, "seed_demo")
    else:
        manage(env, "generate_scale", "--scale", scale, "--governments", "1")
    if others:
        manage(env, "generate_scale", "--scale", "province", "--governments", str(others), "-v0")
    made = time.perf_counter() - started
    # As a live database is: vacuumed and analysed, so that autovacuum catching up with the bulk
    # load does not run during the measurements.
    pg_admin("VACUUM (ANALYZE)", database=database)
    return made


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int, threads: int) -> Iterator[None]:
    command = [
        str(Path(PYTHON).parent / "gunicorn"),
        "budaya.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    MASTERS[port] = server.pid
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        while len(workers_of(server.pid)) < workers:
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start its workers")
            time.sleep(0.2)
        yield
    finally:
        MASTERS.pop(port, None)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def targets(
    env: dict[str, str], dataset: Dataset, database: str = DATABASE
) -> tuple[list[Target], dict[str, int]]:
    """The pages a city's users open most, with real ids of the generated government, and the
    queries each issues (counted in this process with Django's test client)."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection, connections

    # The database of this call (``--province`` asks two in turn).
    connections.close_all()
    connections["default"].settings_dict["NAME"] = database
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from budaya.accounts.models import User
    from budaya.activities.models import Activity
    from budaya.monev.models import Period, Report
    from budaya.org.models import Employee, Government, Unit
    from budaya.teams.models import Team

    governments = Government.objects.order_by("pk")
    if dataset.slug:
        governments = governments.filter(slug=dataset.slug)
    government = governments.first()
    if government is None:
        raise RuntimeError("no government to measure: run without --reuse")
    slug = government.slug
    admin, sekda, kepala, tim = (
        dataset.admin.format(slug=slug),
        dataset.leadership.format(slug=slug),
        dataset.unit_head.format(slug=slug),
        dataset.unit_team.format(slug=slug),
    )
    kepala_user = User.objects.get(username=kepala)
    unit_ids = list(
        Unit.objects.filter(government=government).order_by("pk").values_list("pk", flat=True)
    )
    visible_employees = Employee.objects.visible_to(kepala_user).filter(government=government)
    employees = list(visible_employees.order_by("pk").values_list("pk", flat=True)[:200])
    activities = list(
        Activity.objects.visible_to(kepala_user)
        .filter(government=government)
        .order_by("-pk")
        .values_list("pk", flat=True)[:200]
    )
    teams = list(Team.objects.filter(government=government).values_list("pk", flat=True)[:50])
    period = Period.objects.filter(government=government).order_by("-year").first()
    if period is None:
        raise RuntimeError(f"{slug} has no monitoring period to measure")
    reports = list(
        Report.objects.filter(government=government, period=period).values_list("pk", flat=True)
    )
    r = reverse
    names = sorted({e.name.split()[0] for e in Employee.objects.filter(government=government)[:50]})
    pages = [
        Target("home (leadership)", sekda, [r("home")]),
        # Every role's first screen and the pages every page leads to (issue 25): the home
        # page ("Tugas saya") of each role, the menu's counts (htmx), the notifications, the
        # own surveys page and the leadership dashboard.
        Target("home (city admin)", admin, [r("home")]),
        Target("home (agency head)", kepala, [r("home")]),
        Target("home (agency team)", tim, [r("home")]),
        Target("menu counts (htmx)", tim, [r("menu")]),
        Target("notifications", kepala, [r("notifications:list")]),
        Target("surveys: my page", tim, [r("surveys:me")]),
        Target("dashboard (leadership)", sekda, [r("dashboard:government", args=[slug])]),
        Target("dashboard (agency head)", kepala, [r("dashboard:government", args=[slug])]),
        Target("units tree", admin, [r("org:unit_list", args=[slug])]),
        Target("unit detail", admin, [r("org:unit_detail", args=[slug, u]) for u in unit_ids[:50]]),
        Target(
            "employees list",
            admin,
            [r("org:employee_list", args=[slug]) + f"?page={p}" for p in range(1, 40)],
        ),
        Target(
            "employees search",
            admin,
            [r("org:employee_list", args=[slug]) + f"?q={urllib.parse.quote(n)}" for n in names],
        ),
        Target(
            "employee detail",
            kepala,
            [r("org:employee_detail", args=[slug, e]) for e in employees],
        ),
        Target(
            "activity log",
            tim,
            [r("activities:list", args=[slug]) + f"?page={p}" for p in range(1, 20)],
        ),
        Target(
            "activity detail",
            kepala,
            [r("activities:detail", args=[slug, a]) for a in activities],
        ),
        Target("activity calendar", tim, [r("activities:calendar", args=[slug])]),
        Target("obligations board", sekda, [r("activities:compliance", args=[slug])]),
        Target("teams", admin, [r("teams:team_list", args=[slug])]),
        Target("team detail", admin, [r("teams:team_detail", args=[slug, t]) for t in teams]),
        Target("teams compliance board", sekda, [r("teams:compliance", args=[slug])]),
        Target("monev completeness board", sekda, [r("monev:board", args=[slug, period.pk])]),
        Target(
            "monev report",
            sekda,
            [r("monev:report", args=[slug, report]) for report in reports[:40]],
        ),
        Target("audit trail", admin, [r("accounts:audit_list")]),
    ]
    with contextlib.suppress(Exception):  # the maturity overview, where the code has one
        overview = r("monev:maturity_overview", args=[slug, period.pk])
        pages.insert(
            next(i for i, t in enumerate(pages) if t.name == "monev report"),
            Target("maturity overview", sekda, [overview]),
        )
    write = Target(
        "record an activity (POST)",
        tim,
        [r("activities:create", args=[slug])],
        method="POST",
        expect=302,
    )
    queries: dict[str, int] = {}
    for target in pages:
        client = Client()
        client.force_login(User.objects.get(username=target.user))
        client.get(target.paths[0])
        with CaptureQueriesContext(connection) as captured:
            response = client.get(target.paths[0])
        if response.status_code != 200:
            raise RuntimeError(f"{target.name}: HTTP {response.status_code} in process")
        queries[target.name] = len(captured)
    connection.close()
    return [*pages, write], queries


# --- The run ----------------------------------------------------------------------------------


async def measure(
    port: int,
    all_targets: list[Target],
    password: str,
    concurrency: int,
    duration: float,
    warmup: float,
) -> tuple[Result, list[Result]]:
    sessions = {name: Session(name, password) for name in {t.user for t in all_targets}}
    for session in sessions.values():
        await session.sign_in(port)
    ceiling_target = Target("hello (ceiling)", None, ["/bench/hello"])
    anonymous = Session(None)
    await run_load(port, ceiling_target, anonymous, concurrency, warmup)
    ceiling = await run_load(port, ceiling_target, anonymous, concurrency, duration)
    results = []
    # For the reader, not a target: the same view signed in, which every real page is (the
    # session and the user read from the database by the middleware).
    signed_in = Target(SIGNED_IN_HELLO, all_targets[-1].user, ["/bench/hello"])
    for target in [signed_in, *all_targets]:
        session = sessions[target.user]
        await run_load(port, target, session, concurrency, warmup)
        results.append(await run_load(port, target, session, concurrency, duration))
        print(f"  {target.name}: {len(results[-1].latencies)} requests", flush=True)
    write = next((t for t in all_targets if t.method == "POST"), None)
    if write is not None:
        results += await alternating(port, signed_in, write, sessions, concurrency, 2 * duration)
    # The ceiling again at the end: the better of the two counts, so a busy moment of the
    # machine at the start cannot flatter the ratios.
    again = await run_load(port, ceiling_target, anonymous, concurrency, duration)
    return (again if again.rps > ceiling.rps else ceiling), results


async def alternating(
    port: int,
    ceiling: Target,
    write: Target,
    sessions: dict[str | None, Session],
    concurrency: int,
    duration: float,
) -> list[Result]:
    """The write and the signed-in bare view in alternating slices (``WRITE_SLICES`` of each,
    ``duration`` seconds in all for each): the write's ratio is taken from these, so that the
    machine's speed at a moment (this VM's moves by half within minutes) weighs on both of its
    sides alike, as ``measure_side_by_side`` does for the province."""
    totals = [
        Result(replace(ceiling, name=PAIRED_HELLO)),
        Result(replace(write, name=PAIRED_WRITE)),
    ]
    await in_slices(
        totals,
        [
            functools.partial(run_load, port, target, sessions[target.user], concurrency)
            for target in (ceiling, write)
        ],
        duration,
    )
    print(f"  {PAIRED_WRITE}: {len(totals[1].latencies)} requests", flush=True)
    return totals


async def in_slices(
    totals: list[Result], runs: list[Callable[[float], Awaitable[Result]]], duration: float
) -> None:
    """Each of ``runs`` (given the seconds it runs) in turn, ``WRITE_SLICES`` times, for
    ``duration`` seconds in all each; each slice added to its total."""
    for _ in range(WRITE_SLICES):
        for total, run in zip(totals, runs, strict=True):
            total.add(await run(duration / WRITE_SLICES))


async def measure_side_by_side(
    sites: list[tuple[int, list[Target]]],
    password: str,
    concurrency: int,
    duration: float,
    warmup: float,
) -> list[tuple[Result, list[Result]]]:
    """``--province``: the same pages on two servers (the city alone, the city among the
    province's governments), each page on one then the other, so that the machine's load at a
    moment weighs on both sides of a ratio alike."""
    # Each side's first page is the signed-in bare view, as in ``measure``: the write's ratio
    # is taken against it on each side.
    sites = [
        (port, [Target(SIGNED_IN_HELLO, site_targets[-1].user, ["/bench/hello"]), *site_targets])
        for port, site_targets in sites
    ]
    sessions = []
    for port, site_targets in sites:
        signed = {name: Session(name, password) for name in {t.user for t in site_targets}}
        for session in signed.values():
            await session.sign_in(port)
        sessions.append(signed)
    ceiling_target = Target("hello (ceiling)", None, ["/bench/hello"])
    anonymous = Session(None)
    out: list[tuple[Result, list[Result]]] = []
    for port, _targets in sites:
        await run_load(port, ceiling_target, anonymous, concurrency, warmup)
        out.append((await run_load(port, ceiling_target, anonymous, concurrency, duration), []))
    for index in range(len(sites[0][1])):
        for (port, site_targets), signed, (_ceiling, results) in zip(
            sites, sessions, out, strict=True
        ):
            target = site_targets[index]
            await run_load(port, target, signed[target.user], concurrency, warmup)
            results.append(Result(target))
        # In alternating slices, one side then the other: a moment of the machine's (this VM's
        # speed moves by half within minutes) weighs on both sides of a page's ratio alike.
        sides = list(zip(sites, sessions, strict=True))
        await in_slices(
            [results[-1] for _ceiling, results in out],
            [
                functools.partial(
                    run_load, port, targets[index], signed[targets[index].user], concurrency
                )
                for (port, targets), signed in sides
            ],
            duration,
        )
        print(
            f"  {sites[0][1][index].name}: "
            + " / ".join(str(len(results[-1].latencies)) for _c, results in out)
            + " requests",
            flush=True,
        )
    return out


def report_province(
    city: tuple[Result, list[Result]],
    province: tuple[Result, list[Result]],
    queries: tuple[dict[str, int], dict[str, int]],
    others: int = PROVINCE_OTHERS,
) -> int:
    """The p95 of each page of the city among the province's governments against the city
    alone (issue 25, item 3)."""
    print()
    print(f"The same city alone and among {others} other governments (--province):")
    if others < PROVINCE_OTHERS:
        print(f"  ({others} of the province's {PROVINCE_OTHERS} others only)")
    print(
        f"{'page':<30} {'city p95':>9} {'prov. p95':>9} {'ratio':>6} "
        f"{'city p50':>9} {'prov. p50':>9} {'queries':>9}"
    )
    failed = []
    for alone, shared in zip([city[0], *city[1]], [province[0], *province[1]], strict=True):
        name = alone.target.name
        ratio = shared.percentile(95) / alone.percentile(95) if alone.latencies else float("nan")
        counts = f"{queries[0].get(name, '')}/{queries[1].get(name, '')}"
        print(
            f"{name:<30} {alone.percentile(95):>9.1f} {shared.percentile(95):>9.1f} "
            f"{ratio:>6.2f} {alone.percentile(50):>9.1f} {shared.percentile(50):>9.1f} "
            f"{counts:>9}"
        )
        if shared.errors:
            failed.append(f"{name} (province): {len(shared.errors)} errors, first: "
                          f"{shared.errors[0]}")  # fmt: skip
        if name in ("hello (ceiling)", SIGNED_IN_HELLO):
            continue
        if not ratio <= PROVINCE_RATIO_TARGET:
            failed.append(f"{name}: p95 × {ratio:.2f} among the province > {PROVINCE_RATIO_TARGET}")
        if queries[0].get(name) != queries[1].get(name):
            failed.append(f"{name}: {counts} queries (city alone / among the province)")
    verdict = "NOT met" if failed else "met"
    if others < PROVINCE_OTHERS:
        verdict += f" (among {others} others, not the province's {PROVINCE_OTHERS})"
    print(
        f"Target the same city's pages among the province within × {PROVINCE_RATIO_TARGET} of "
        f"their p95 alone: {verdict}"
    )
    for line in failed:
        print("  -", line)
    return 1 if failed else 0


def report(
    ceiling: Result, results: list[Result], queries: dict[str, int], args: argparse.Namespace
) -> int:
    print()
    print(
        f"{'page':<30} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'× ceiling':>9} {'queries':>7}"
    )
    failed = []
    for result in [ceiling, *results]:
        ratio = result.rps / ceiling.rps if ceiling.rps else 0.0
        q = queries.get(result.target.name)
        print(
            f"{result.target.name:<30} {len(result.latencies):>8} {result.rps:>7.1f} "
            f"{result.percentile(50):>7.1f} {result.percentile(95):>7.1f} "
            f"{result.percentile(99):>7.1f} {ratio:>9.3f} {'' if q is None else q:>7}"
        )
        if result.errors:
            failed.append(f"{result.target.name}: {len(result.errors)} errors, first: "
                          f"{result.errors[0]}")  # fmt: skip
        if result.target.name in (SIGNED_IN_HELLO, PAIRED_HELLO):
            continue
        if result is not ceiling and not result.percentile(95) < P95_TARGET_MS:
            failed.append(
                f"{result.target.name}: p95 {result.percentile(95):.0f} ms ≥ {P95_TARGET_MS:.0f} ms"
            )
    print()
    print(
        f"Concurrency {args.concurrency}, {args.duration:.0f} s per page, gunicorn "
        f"{args.workers} workers × {args.threads} threads (gthread), load generator in this "
        f"process, its connections held evenly by the workers ({REOPENED[0]} opened again to "
        f"balance them); {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs."
    )
    # The write's ratio from the alternating slices where measured (``alternating``), else from
    # the write's own run against the signed-in bare view's (the province's side by side).
    by_name = {result.target.name: result for result in results}
    write = by_name.get(PAIRED_WRITE) or next(
        (r for r in results if r.target.method == "POST"), None
    )
    signed_in = by_name.get(PAIRED_HELLO) or by_name[SIGNED_IN_HELLO]
    write_ratio = write.rps / signed_in.rps if write and signed_in.rps else 0.0
    if args.only:
        if write:
            print(f"Recording an activity: {write_ratio:.1%} of the signed-in bare view.")
        print("Only some pages measured (--only): no verdict.")
        return 0
    assert write is not None
    if write_ratio < WRITE_RATIO_TARGET:
        failed.append(
            f"recording an activity: {write_ratio:.1%} of the signed-in bare view < "
            f"{WRITE_RATIO_TARGET:.0%}"
        )
    print(f"Target p95 < {P95_TARGET_MS:.0f} ms on every page: "
          f"{'met' if not any('p95' in f for f in failed) else 'NOT met'}")  # fmt: skip
    print(
        f"Target recording an activity ≥ {WRITE_RATIO_TARGET:.0%} of the signed-in bare view: "
        f"{write_ratio:.1%} ({write.rps:.1f} against {signed_in.rps:.1f} per second"
        f"{', alternating' if PAIRED_WRITE in by_name else ''}), "
        f"{'met' if write_ratio >= WRITE_RATIO_TARGET else 'NOT met'}"
    )
    for line in failed:
        print("  -", line)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="city", choices=["city", "province", "national"])
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per page")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before each page")
    parser.add_argument("--concurrency", type=int, default=4, help="connections at once")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="use a kept database")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--demo", action="store_true", help="the demo data instead of the scale")
    parser.add_argument(
        "--only", metavar="TEXT", help="only the pages whose name contains TEXT (no verdict)"
    )
    parser.add_argument(
        "--province",
        action="store_true",
        help=f"also the same city in a second database with {PROVINCE_OTHERS} province-scale "
        f"governments beside it; prints the ratio of each page's p95 (issue 25, item 3)",
    )
    parser.add_argument(
        "--province-others",
        type=int,
        default=PROVINCE_OTHERS,
        metavar="N",
        help=f"with --province: how many other governments ({PROVINCE_OTHERS}, the province)",
    )
    args = parser.parse_args()
    dataset = DEMO if args.demo else SCALE

    workdir = Path(tempfile.mkdtemp(prefix="budaya-bench-pages-"))
    env = server_env(workdir)
    try:
        generated = prepare_database(env, args.reuse, args.scale, args.demo)
        if generated:
            print(f"Data made in {generated:.0f} s.")
        manage(env, "collectstatic", "--noinput", "-v0")
        if args.province:
            return run_province(args, dataset, workdir, env)
        all_targets, queries = targets(env, dataset)
        if args.only:
            all_targets = [t for t in all_targets if args.only in t.name] or all_targets[-1:]
        port = free_port()
        with gunicorn(env, port, args.workers, args.threads):
            ceiling, results = asyncio.run(
                measure(
                    port,
                    all_targets,
                    dataset.password,
                    args.concurrency,
                    args.duration,
                    args.warmup,
                )
            )
        return report(ceiling, results, queries, args)
    except Exception as error:  # the benchmark itself could not run
        print(f"bench/pages.py could not run: {error}", file=sys.stderr)
        raise SystemExit(2) from error
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep:
            with contextlib.suppress(Exception):
                pg_admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
                pg_admin(f"DROP DATABASE IF EXISTS {PROVINCE_DATABASE} WITH (FORCE)")


def run_province(
    args: argparse.Namespace, dataset: Dataset, workdir: Path, env: dict[str, str]
) -> int:
    """The city alone (``bench_pages``) and the same city generated first in a database that
    then receives the province's other governments (``bench_pages_province``), both served at
    once, each page measured on one then the other."""
    shared_env = server_env(workdir, PROVINCE_DATABASE)
    generated = prepare_database(
        shared_env, args.reuse, args.scale, args.demo, PROVINCE_DATABASE, args.province_others
    )
    if generated:
        print(f"The city and {args.province_others} other governments made in {generated:.0f} s.")
    alone_targets, alone_queries = targets(env, dataset)
    shared_targets, shared_queries = targets(shared_env, dataset, PROVINCE_DATABASE)
    if args.only:
        alone_targets = [t for t in alone_targets if args.only in t.name] or alone_targets[-1:]
        shared_targets = [t for t in shared_targets if args.only in t.name] or shared_targets[-1:]
    ports = free_port(), free_port()
    with (
        gunicorn(env, ports[0], args.workers, args.threads),
        gunicorn(shared_env, ports[1], args.workers, args.threads),
    ):
        city, province = asyncio.run(
            measure_side_by_side(
                [(ports[0], alone_targets), (ports[1], shared_targets)],
                dataset.password,
                args.concurrency,
                args.duration,
                args.warmup,
            )
        )
    print("The city alone:")
    verdict = report(city[0], city[1], alone_queries, args)
    return max(
        verdict,
        report_province(city, province, (alone_queries, shared_queries), args.province_others),
    )


if __name__ == "__main__":
    sys.exit(main())
