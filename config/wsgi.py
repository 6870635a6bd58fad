"""The WSGI application (gunicorn, and `runserver` through settings.WSGI_APPLICATION).

Importing it marks the process as a web server: without a broker, jobs run in its threads
(jobs.services.serve_jobs_in_process).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

from jobs.services import serve_jobs_in_process  # noqa: E402  (needs the apps that get_wsgi_application loads)

serve_jobs_in_process()
