"""The evaluations admin: rule sets are the administrator's; targets and evaluations are the bureau's to read."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_administrator_manages_the_rule_sets(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-Root-1234"))
    text = client.get(reverse("admin:evaluations_ruleset_changelist")).content.decode()
    assert "全国通用（财预〔2020〕10号）" in text and "四川" in text


def test_accountant_and_reviewer_cannot_change_rule_sets(client, accountant, reviewer):
    for user in (accountant, reviewer):
        client.force_login(user)
        assert client.get(reverse("admin:evaluations_ruleset_changelist")).status_code == 403


def test_reviewer_reads_evaluations_but_accountant_does_not(client, accountant, reviewer):
    url = reverse("admin:evaluations_selfevaluation_changelist")
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:evaluations_selfevaluation_add")).status_code == 403
    client.force_login(accountant)
    assert client.get(url).status_code == 403
