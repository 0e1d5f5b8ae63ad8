"""The test suite's settings: the embedded default, with tasks run at once and fast hashing."""

import os

from budaya.settings import *  # noqa: F403
from budaya.settings import DATA_DIR, DATABASES

# A task has finished when enqueue() returns, so tests see its outcome without waiting.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Hashing passwords the production way costs ~0.3 s per sign-in; the suite signs in hundreds
# of times. The validators still apply.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if str(DATABASES["default"]["ENGINE"]).endswith("sqlite3"):
    # A file, not memory: concurrent writers then wait for each other as they do in the
    # embedded setup (shared-cache memory databases fail them instead). One file per process,
    # so test runs side by side (and xdist workers) never share one.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test_budaya_{os.getpid()}.sqlite3")}
