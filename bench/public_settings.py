"""Settings of the public-pages benchmark's server: the app's settings with bench.public_urls, which adds
the trivial view (the floor) beside the app's own routes."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.public_urls"
