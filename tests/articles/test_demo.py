from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from articles.models import Article, Rubric
from newsroom.typography import typeset

pytestmark = pytest.mark.django_db


def run_demo():
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_demo_loads_users_rubrics_and_both_articles(client):
    output = run_demo()
    for username, role in (
        ("editor", "Editor"),
        ("reporter", "Reporter"),
        ("photographer", "Photographer"),
    ):
        line = next(line for line in output.splitlines() if f"login: {username} " in line)
        password = line.split("password:")[1].strip()
        # As the login form does: django-axes checks every sign-in against a request.
        request = RequestFactory().post("/admin/login/")
        user = authenticate(request, username=username, password=password)
        assert user is not None and user.is_staff
        assert list(user.groups.values_list("name", flat=True)) == [role]
    assert Rubric.objects.count() >= 3
    seed = Article.objects.get(headline_ru="Особые узы дружбы")
    assert seed.is_published()
    assert seed.complete_languages() == ["ru"]
    assert f"http://127.0.0.1:8000/ru/articles/{seed.pk}-osobye-uzy-druzhby/" in output
    trilingual = Article.objects.exclude(pk=seed.pk).get()
    assert trilingual.complete_languages() == ["ru", "kk", "en"]
    for code in ("ru", "kk", "en"):
        front = client.get(f"/{code}/").content.decode()
        # As shown: with the language's typography (no-break space after «В»).
        assert typeset(getattr(trilingual, f"headline_{code}"), code) in front
        assert ("Особые узы дружбы" in front) is (code == "ru")
    assert client.get(seed.get_absolute_url("ru")).status_code == 200


def test_demo_is_idempotent():
    run_demo()
    first = list(Article.objects.values_list("pk", "version").order_by("pk"))
    output = run_demo()
    assert list(Article.objects.values_list("pk", "version").order_by("pk")) == first
    assert Rubric.objects.count() == 5
    assert "already loaded" in output


def test_demo_articles_carry_credit_lines_in_every_language(client):
    run_demo()
    seed = Article.objects.get(headline_ru="Особые узы дружбы")
    page = client.get(seed.get_absolute_url("ru")).content.decode()
    assert "фото Аманкула Дюсенбаева, Еркебулана Укибаева" in page
    assert page.count('<figure class="photo') == 4
    trilingual = Article.objects.exclude(pk=seed.pk).get()
    expected = {
        "ru": "фото Аманкула Дюсенбаева, пресс-службы акимата Астаны",
        "kk": "Суретті түсірген – Аманкул Дюсенбаев, Астана әкімдігінің баспасөз қызметі",
        "en": "Photos by Amankul Dyusenbayev and Astana city administration press office",
    }
    for code, line in expected.items():
        assert line in client.get(trilingual.get_absolute_url(code)).content.decode()
