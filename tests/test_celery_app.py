"""What a Celery worker process does around its tasks (config/celery.py): it keeps its database
connection from one task to the next, and freezes what it loaded at start out of the collector's reach."""

import gc
from types import SimpleNamespace
from unittest import mock

from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

import config.celery
from config.celery import app, close_old_connections, freeze_loaded_objects


def worker_task(*, eager: bool = False):
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


def test_celerys_django_fixup_keeps_the_connection_across_tasks():
    """Celery's fixup closed a worker's connection after every task: each document job of a county's
    year opened a new PostgreSQL connection."""
    fixup = DjangoWorkerFixup(app)
    with mock.patch.object(connection, "close") as close:
        for _ in range(50):
            fixup.on_task_prerun(sender=worker_task())
            fixup.on_task_postrun(sender=worker_task())
    assert close.call_count == 0


def test_a_broken_or_aged_connection_is_closed_around_a_task():
    with mock.patch("django.db.close_old_connections") as close:
        close_old_connections(sender=worker_task())
        close_old_connections(sender=worker_task(eager=True))
    assert close.call_count == 1  # the eager run shares its caller's connection: left alone


def test_a_worker_process_freezes_what_it_loaded():
    assert config.celery.worker_process_init.receivers  # connected at import
    try:
        freeze_loaded_objects()
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
