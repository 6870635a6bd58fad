"""Checks a reviewer wants run on a filing: a registry other apps extend with `register(...)`."""

from .registry import (
    ERROR,
    WARNING,
    Check,
    CheckContext,
    CheckReport,
    Finding,
    Location,
    Problem,
    register,
    registered_checks,
    run_checks,
    unregister,
)

__all__ = [
    "ERROR",
    "WARNING",
    "Check",
    "CheckContext",
    "CheckReport",
    "Finding",
    "Location",
    "Problem",
    "register",
    "registered_checks",
    "run_checks",
    "unregister",
]
