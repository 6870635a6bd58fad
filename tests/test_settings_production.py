"""config.production: `check --deploy` is clean with a real key, and the development key is refused."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The browser tests allow Django's async-unsafe calls in this process; a deployment must not.
    dropped = {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {key: value for key, value in os.environ.items() if key not in dropped}
    environment.update({"DJANGO_SETTINGS_MODULE": "config.production", "ALLOWED_HOSTS": "gongkai.example.gov.cn", **env})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120)


def test_check_deploy_has_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(64))

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNINGS" not in output


def test_production_refuses_the_development_key():
    result = run_manage("check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_short_key():
    result = run_manage("check", SECRET_KEY="too-short-" + "x" * 30)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_turns_debug_off_whatever_the_environment_says():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)",
        SECRET_KEY=secrets.token_urlsafe(64),
        DEBUG="1",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["False", "True"]
