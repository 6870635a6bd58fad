"""Settings of the test suite: config.settings with a fast password hasher.

PBKDF2 spends ~0.1 s per hash on purpose; the tests create and log in users constantly, so they hash
with MD5 (never acceptable outside tests).
"""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Eager tasks run inline in the tests (a request's on-commit callbacks finish the job before it answers).
JOBS_IN_PROCESS_THREAD = False
