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


def test_rule_set_bands_and_grades_are_labelled_fields_not_json(client, django_user_model):
    import re

    from evaluations.models import RuleSet

    client.force_login(django_user_model.objects.create_superuser("root", password="pw-Root-1234"))
    rule_set = RuleSet.objects.get(is_default=True)
    url = reverse("admin:evaluations_ruleset_change", args=[rule_set.pk])
    page = client.get(url).content.decode()
    assert "<textarea" not in page and "achieved" not in re.sub(r"<[^>]+>", " ", page)
    assert "“达成年度指标”得分比例最低（0–1）" in page and 'name="band_achieved_low" value="0.8"' in page
    assert 'name="grade_0_name"' in page and 'value="优"' in page
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None and form[name].value() is not False}
    data.update({"is_default": "on", "grade_1_name": "良好", "grade_1_limit": "85", "band_partial_low": "0.5"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rule_set.refresh_from_db()
    assert rule_set.grades == [[90, "优"], [85, "良好"], [60, "中"], [0, "差"]]
    assert rule_set.qualitative_bands["partial"] == ["0.50", "0.80"]


def test_self_evaluation_shows_its_explanation_as_sentences(client, reviewer, seed_002_evaluation):
    from evaluations.scoring import evaluation_score

    evaluation_score(evaluation=seed_002_evaluation)
    client.force_login(reviewer)
    page = client.get(reverse("admin:evaluations_selfevaluation_change", args=[seed_002_evaluation.pk])).content.decode()
    assert "计算过程" in page and '{"' not in page and "&quot;total&quot;" not in page
