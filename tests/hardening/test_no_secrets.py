"""No secret in the repository: tracked files are searched for private keys, cloud and API tokens and
Django secret keys. The one documented exception is the development key in config/settings.py
(INSECURE_DEV_SECRET_KEY, refused by config.production)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY( BLOCK)?-----"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "Django generated key": re.compile(r"django-insecure-[^\s'\"]{20,}"),
    "secret key assignment": re.compile(r"""SECRET_KEY\s*=\s*['"](?!dev-only-insecure-key-gongkai)[^'"]{16,}['"]"""),
    "URL with password": re.compile(r"\b(?:postgres(?:ql)?|redis|amqp|mysql)://[^:/\s'\"]+:(?!\$|\{)[^@/\s'\"]{6,}@"),
}
DOCUMENTED = {"dev-only-insecure-key-gongkai-do-not-use-in-production"}


def tracked_files() -> list[Path]:
    try:
        output = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in output.decode().split("\0") if name]


def test_no_secrets_in_tracked_files():
    found = []
    for path in tracked_files():
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        data = path.read_bytes()
        if b"\0" in data[:4096]:
            continue  # binary
        text = data.decode("utf-8", errors="replace")
        for label, pattern in PATTERNS.items():
            for match in pattern.finditer(text):
                if any(allowed in match.group(0) for allowed in DOCUMENTED):
                    continue
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {label}")
    assert not found, "possible secrets in tracked files:\n" + "\n".join(found)


def test_the_patterns_find_what_they_look_for():
    """The search is not vacuous: each pattern catches a made-up example."""
    samples = {
        "private key": "-----BEGIN RSA " + "PRIVATE KEY-----",
        "AWS access key": "AKIA" + "ABCDEFGHIJKLMNOP",
        "GitHub token": "ghp_" + "a" * 36,
        "secret key assignment": "SECRET_KEY = '" + "x" * 40 + "'",
        "URL with password": "postgres://user:" + "hunter22" + "@db/x",
    }
    for label, sample in samples.items():
        assert PATTERNS[label].search(sample), label
    assert not PATTERNS["secret key assignment"].search('SECRET_KEY = "dev-only-insecure-key-gongkai-do-not-use-in-production"')
