"""A lost database shows the 503 page (templates/503.html), not a traceback."""

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from jobs.models import Job


@pytest.mark.django_db
def test_operational_error_gives_the_503_page(client, accountant):
    job = Job.objects.create(kind=Job.Kind.PING, created_by=accountant)
    client.force_login(accountant)

    with mock.patch.object(connection, "ensure_connection", side_effect=OperationalError("could not connect to server")):
        response = client.get(reverse("jobs:job_status", args=[job.pk]))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    assert "服务暂时不可用" in content
    assert "Traceback" not in content and "could not connect" not in content


@pytest.mark.django_db
def test_other_errors_are_not_disguised_as_503(client, accountant):
    client.force_login(accountant)

    with mock.patch("jobs.views.job_get_for_user", side_effect=ValueError("bug")):
        with pytest.raises(ValueError):
            client.get(reverse("jobs:job_status", args=[1]))
