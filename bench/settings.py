"""Settings of the server that `bench/pages.py` measures: the application's own settings (from
the environment, as in production: PostgreSQL, DEBUG off), plus one bare view as the ceiling."""

from budaya.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
