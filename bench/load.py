"""Serve the app with gunicorn on 127.0.0.1 and measure the public pages under a bounded load.

The load loop is plain Python threads over http.client (keep-alive), bounded both in the number of
requests and in time. Latencies are per request, from sending to the last byte of the body.
"""

from __future__ import annotations

import http.client
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
PORT = 8109


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class Server:
    """gunicorn with `workers` sync workers, in its own process group so that stopping it stops them all."""

    def __init__(self, *, env: dict, workers: int = 2, port: int = PORT):
        self.env, self.workers, self.port = env, workers, port
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        env = {**os.environ, **self.env, "ALLOWED_HOSTS": f"{HOST},localhost"}
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "config.wsgi:application",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=env.get("PYTHONPATH", "."),
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _ = fetch(self.port, "/")
                if status:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not start on port {self.port}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def fetch(port: int, path: str, connection: http.client.HTTPConnection | None = None, headers: dict | None = None) -> tuple[int, int]:
    own = connection is None
    connection = connection or http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        if own:
            connection.close()


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)

    def summary(self) -> dict:
        every = [x for values in self.latencies.values() for x in values]
        return {
            "requests": self.requests,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "throughput_rps": round(self.requests / self.seconds, 1) if self.seconds else 0,
            "p50_ms": round(percentile(every, 50) * 1000, 1),
            "p95_ms": round(percentile(every, 95) * 1000, 1),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "by_page": {
                page: {"n": len(v), "p50_ms": round(percentile(v, 50) * 1000, 1), "p95_ms": round(percentile(v, 95) * 1000, 1)}
                for page, v in sorted(self.latencies.items())
            },
        }


def run_load(
    *, port: int, pages: list[tuple[str, str]], threads: int, max_requests: int, max_seconds: float, seed: int = 1, headers: dict | None = None
) -> LoadResult:
    """`pages` are (kind, path); each thread picks at random until either bound is reached. Every request
    sends `headers`; with an If-None-Match among them the expected answer is 304, else 200."""
    expected = 304 if "If-None-Match" in (headers or {}) else 200
    result = LoadResult()
    lock = threading.Lock()
    budget = iter(range(max_requests))
    deadline = time.monotonic() + max_seconds

    def worker(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if next(budget, None) is None:
                        return
                kind, path = rng.choice(pages)
                started = time.perf_counter()
                try:
                    status, _ = fetch(port, path, connection, headers)
                except (OSError, http.client.HTTPException):
                    connection.close()
                    connection = http.client.HTTPConnection(HOST, port, timeout=30)
                    status = 0
                elapsed = time.perf_counter() - started
                with lock:
                    result.requests += 1
                    result.statuses[status] = result.statuses.get(status, 0) + 1
                    if status != expected:
                        result.errors += 1
                    result.latencies.setdefault(kind, []).append(elapsed)
        finally:
            connection.close()

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=max_seconds + 60)
    result.seconds = time.monotonic() - started
    return result
