"""The Celery application. Tasks live in each app's tasks.py and are found by autodiscovery.

What a worker process does around its tasks:

- its database connection is kept between tasks (settings.CELERY_DB_REUSE_MAX) and, as Django does
  around a request, closed before and after a task only when it is broken or older than CONN_MAX_AGE;
- once started, it moves everything it imported (Django, the apps, openpyxl) out of the garbage
  collector's reach (`gc.freeze`): the collector's full passes then walk only what the jobs allocate,
  not the ~100,000 objects of the loaded code, a few milliseconds of every document job.
"""

import gc
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("gongkai")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_connections(sender=None, **kwargs) -> None:
    """Close the worker's database connections that are broken or past CONN_MAX_AGE (not in eager runs,
    which share the caller's connection)."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections as close

    close()


@worker_process_init.connect
def freeze_loaded_objects(**kwargs) -> None:
    """After the worker process has started: what is loaded by now lives as long as the process."""
    gc.collect()
    gc.freeze()
