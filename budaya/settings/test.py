"""The test suite's settings: the embedded default, with tasks run at once and fast hashing."""

from budaya.settings import *  # noqa: F403

# A task has finished when enqueue() returns, so tests see its outcome without waiting.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Hashing passwords the production way costs ~0.3 s per sign-in; the suite signs in hundreds
# of times. The validators still apply.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
