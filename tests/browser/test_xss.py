"""Hostile payloads saved through the admin form, then rendered in Chromium: no script runs."""

import pytest
from django.test import Client

from articles import workflow
from articles.models import Article
from tests.conftest import TESTDATA

pytestmark = pytest.mark.django_db(transaction=True)

PER_ARTICLE = 10
SAMPLE = 300


def payload_sample():
    payloads = []
    for name in ("payloadbox-xss-payload-list.txt", "patt-xss-injection-lines.txt"):
        lines = (TESTDATA / "xss" / name).read_text(encoding="utf-8").split("\n")
        payloads.extend(line for line in lines if line)
    step = max(1, len(payloads) // SAMPLE)
    return payloads[::step][:SAMPLE]


def admin_form(payloads, number):
    data = {
        "headline_ru": f"Проверка {number} {payloads[0]}"[:300],
        "standfirst_ru": payloads[-1],
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "gallery-TOTAL_FORMS": "0",
        "gallery-INITIAL_FORMS": "0",
        "sections-TOTAL_FORMS": str(len(payloads)),
        "sections-INITIAL_FORMS": "0",
    }
    for i, payload in enumerate(payloads):
        data[f"sections-{i}-position"] = str(i + 1)
        data[f"sections-{i}-subhead_ru"] = payload[:300] if i else ""
        data[f"sections-{i}-body_ru"] = f"<p>Абзац {i}</p>{payload}<p>конец</p>"
    return data


def test_payloads_saved_through_the_admin_fire_nothing_in_chromium(page, live_server, editor):
    client = Client()
    client.force_login(editor)
    payloads = payload_sample()
    assert len(payloads) == SAMPLE
    for number, start in enumerate(range(0, len(payloads), PER_ARTICLE)):
        response = client.post(
            "/admin/articles/article/add/",
            admin_form(payloads[start : start + PER_ARTICLE], number),
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    articles = list(Article.objects.all())
    assert len(articles) == SAMPLE // PER_ARTICLE
    for article in articles:
        workflow.apply(article, "publish", user=editor)

    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda msg: errors.append(msg.text) if "Refused to" in msg.text else None)
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    for article in Article.objects.available_in("ru"):
        page.goto(live_server.url + article.get_absolute_url("ru"))
        page.wait_for_load_state("load")
        assert page.evaluate("() => window.__xss === undefined")
    visited = Article.objects.available_in("ru").count()
    assert visited == len(articles)
    assert dialogs == []
    assert errors == []
