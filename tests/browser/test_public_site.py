"""A reader's path through the public site in Chromium, at a phone's and a desktop's width."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.demo import load_demo
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
LONG_WORD = "Тұрақтылық" * 20  # 200 characters without a break


def test_a_reader_reads_switches_language_searches_and_follows_rubrics_and_credits(
    page, live_server
):
    report = load_demo()
    seed, trilingual = report.seed_article, report.trilingual_article
    page.set_viewport_size({"width": 1280, "height": 900})

    # The seed article, in Russian, from the front page.
    page.goto(f"{live_server.url}/ru/")
    page.locator("main").get_by_role("link", name=seed.headline_ru).first.click()
    expect(page.locator("h1")).to_have_text(seed.headline_ru)
    expect(page.locator(".credit-line")).to_have_text(
        "фото Аманкула Дюсенбаева, Еркебулана Укибаева"
    )

    # A photographer credit leads to the photographer's page.
    page.locator("figcaption .credit a").first.click()
    expect(page).to_have_url(re.compile(r"/ru/photographers/\d+-[a-z-]+/$"))
    expect(page.locator("h1")).to_contain_text("Аманкул Дюсенбаев")

    # The trilingual article: the header's switcher leads to its English translation.
    page.goto(f"{live_server.url}{trilingual.get_absolute_url('ru')}")
    page.locator("nav.languages a[hreflang=en]").click()
    expect(page).to_have_url(f"{live_server.url}{trilingual.get_absolute_url('en')}")
    expect(page.locator("h1")).to_have_text(trilingual.headline_en)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # A rubric from the header's navigation lists the article.
    page.goto(f"{live_server.url}/ru/")
    page.locator("nav.rubrics a", has_text=trilingual.rubric.name_ru).click()
    expect(page.locator("main")).to_contain_text(trilingual.headline_ru)

    # Search in Russian (a stemmed or plain word) and in Kazakh.
    for language, query, headline in (
        ("ru", "читальный", trilingual.headline_ru),
        ("kk", "оқу", trilingual.headline_kk),
    ):
        page.goto(f"{live_server.url}/{language}/search/")
        page.fill("#search-q", query)
        page.locator("form.search-form button[type=submit]").click()
        results = page.locator(".search-results")
        expect(results).to_contain_text(headline)
        results.get_by_role("link").first.click()
        expect(page.locator("h1")).to_have_text(headline)


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_nothing_overflows_sideways_even_with_a_200_character_word(page, live_server, width):
    article = ArticleFactory(
        headline_ru=f"Заголовок {LONG_WORD}",
        standfirst_ru=f"Лид {LONG_WORD}",
        published_at=timezone.now() - dt.timedelta(minutes=5),
        sections=[
            {"body_ru": f"<p>Текст {LONG_WORD} https://example.kz/{LONG_WORD}</p>"},
        ],
    )
    assert article.is_available_in("ru")
    page.set_viewport_size({"width": width, "height": 800})
    ARTIFACTS.mkdir(exist_ok=True)
    for path in ("/ru/", article.get_absolute_url("ru")):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main")).to_contain_text(LONG_WORD[:30])
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        name = "front" if path == "/ru/" else "article"
        page.screenshot(path=str(ARTIFACTS / f"long-word-{name}-{width}.png"), full_page=True)
        assert overflow <= 0, f"{path} at {width}px is {overflow}px too wide"
