import pytest

from assessment.models import Criterion


def test_login_page_is_chinese_and_logs_in(client, official_a):
    from tests.factories import UserFactory

    UserFactory(role="town", username="official1", town=official_a.town, password="demo-pass-1")
    page = client.get("/accounts/login/").content.decode()
    assert "用户名" in page and "密码" in page
    bad = client.post("/accounts/login/", {"username": "official1", "password": "wrong"})
    assert "用户名或密码不正确" in bad.content.decode()
    assert 'value="official1"' in bad.content.decode()
    good = client.post("/accounts/login/", {"username": "official1", "password": "demo-pass-1"})
    assert good.status_code == 302


def test_standard_page_requires_login(client, rubric):
    assert client.get("/standard/").status_code == 302


@pytest.mark.parametrize("extra", [0, 5])
def test_standard_page_lists_every_criterion(client, reviewer, rubric, django_assert_num_queries, extra):
    template = Criterion.objects.get(code="6.1.1")
    for n in range(extra):
        Criterion.objects.create(indicator=template.indicator, code=f"6.1.{n + 2}", title="附加", content="附加",
                                 points=0, deadline=template.deadline, order=n + 2)
    client.force_login(reviewer)
    with django_assert_num_queries(10):
        page = client.get("/standard/").content.decode()
    assert page.count("<tr>") == 41 + extra + 1


def test_not_found_page_is_chinese(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/items/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_forbidden_page_is_chinese(client, official_a):
    client.force_login(official_a)
    response = client.get("/review/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_expired_form_gets_chinese_message(rubric, official_a, item):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(official_a)
    response = client.post(f"/items/{item.pk}/", {"narrative": "x", "version": "0"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
