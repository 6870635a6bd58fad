"""Settings of the test suite: config.settings with a fast password hasher.

PBKDF2 spends ~0.1 s per hash on purpose; the tests create and log in users constantly, so they hash
with MD5 (never acceptable outside tests).
"""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The public pages' cache in memory, one per test process (the file cache would be shared by parallel
# runs and outlive the test database); large enough to never evict during the suite.
CACHES = {
    **CACHES,  # noqa: F405
    "public": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gongkai-public", "OPTIONS": {"MAX_ENTRIES": 100000}},
}

# Eager tasks run inline in the tests (a request's on-commit callbacks finish the job before it answers).
JOBS_IN_PROCESS_THREAD = False
