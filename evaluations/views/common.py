"""Helpers shared by the evaluation views: resolving a target owner (project or department target)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from evaluations import selectors

OWNER_KINDS = ("projects", "department-targets")


def owner_for_user(*, user, kind: str, pk: int, write: bool = False):
    if kind == "projects":
        return selectors.project_get_for_user(user=user, pk=pk, write=write)
    if kind == "department-targets":
        return selectors.department_target_get_for_user(user=user, pk=pk, write=write)
    raise Http404


def owner_kind(owner) -> str:
    return "department-targets" if owner.__class__.__name__ == "DepartmentTarget" else "projects"


def add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field where the form has that field."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
