import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, trilingual_article

pytestmark = pytest.mark.django_db


def test_root_redirects_to_russian_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/ru/"


def test_root_redirects_to_the_browsers_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="kk-KZ,kk;q=0.9")
    assert response["Location"] == "/kk/"


def test_front_page_lists_public_articles_newest_first(client):
    now = timezone.now()
    older = ArticleFactory(headline_ru="Старая новость", published_at=now - dt.timedelta(days=2))
    newer = ArticleFactory(headline_ru="Свежая новость", published_at=now - dt.timedelta(hours=1))
    ArticleFactory(headline_ru="Черновик редакции", status=Article.Status.DRAFT)
    ArticleFactory(headline_ru="Запланированная новость", published_at=now + dt.timedelta(days=1))
    ArticleFactory(headline_ru="Архивная новость", status=Article.Status.ARCHIVED)
    content = client.get("/ru/").content.decode()
    assert content.index(newer.headline_ru) < content.index(older.headline_ru)
    for hidden in ("Черновик редакции", "Запланированная новость", "Архивная новость"):
        assert hidden not in content


def test_article_complete_only_in_russian_is_absent_from_kazakh_and_english(client):
    russian = ArticleFactory(headline_ru="Только по-русски")
    both = trilingual_article()
    assert "Только по-русски" in client.get("/ru/").content.decode()
    kk = client.get("/kk/").content.decode()
    assert "Только по-русски" not in kk
    assert both.headline_kk in kk
    assert client.get(f"/kk/articles/{russian.pk}-{russian.slug_ru}/").status_code == 404
    assert client.get(f"/en/articles/{russian.pk}-x/").status_code == 404


def test_article_page_shows_headline_date_subheads_with_anchors_and_paragraphs(client):
    article = ArticleFactory(
        headline_ru="Особые узы дружбы",
        published_at=dt.datetime(2025, 9, 30, 0, 0, tzinfo=ZoneInfo("Asia/Almaty")),
        sections=[
            {"body_ru": "<p>Первый абзац.</p><p>– Прямая речь, – сказал он.</p>"},
            {"subhead_ru": "Потенциал для дальнейшего роста", "body_ru": "<p>Второй.</p>"},
        ],
    )
    response = client.get(article.get_absolute_url("ru"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Особые узы дружбы</h1>" in html
    assert "30 сентября 2025" in html
    subhead = "Потенциал для\u00a0дальнейшего роста"  # typeset: no-break space after "для"
    assert f'<h2 id="potentsial-dlya-dalneyshego-rosta">{subhead}</h2>' in html
    # Direct speech keeps its dialogue dash, typeset (newsroom.typography).
    assert "<p>—\u00a0Прямая речь,\u00a0— сказал он.</p>" in html
    assert '<html lang="ru">' in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ru", "30 сентября 2025"), ("kk", "2025 жылғы 30 қыркүйек"), ("en", "30 September 2025")],
)
def test_date_is_written_in_the_pages_language(client, language, expected):
    article = trilingual_article(
        published_at=dt.datetime(2025, 9, 30, 0, 0, tzinfo=ZoneInfo("Asia/Almaty"))
    )
    html = client.get(article.get_absolute_url(language)).content.decode()
    assert expected in html


def test_wrong_or_missing_slug_redirects_permanently_to_the_canonical_url(client):
    article = trilingual_article()
    for wrong in (f"/kk/articles/{article.pk}-wrong/", f"/kk/articles/{article.pk}/"):
        response = client.get(wrong)
        assert response.status_code == 301
        assert response["Location"] == f"/kk/articles/{article.pk}-{article.slug_kk}/"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.IN_REVIEW},
        {"status": Article.Status.ARCHIVED},
        {"published_at": timezone.now() + dt.timedelta(days=1)},
    ],
    ids=["draft", "in_review", "archived", "scheduled"],
)
def test_anything_not_public_answers_404_even_with_its_canonical_url(client, kwargs):
    article = trilingual_article(**kwargs)
    for code in ("ru", "kk", "en"):
        assert client.get(article.get_absolute_url(code)).status_code == 404


def test_kazakh_page_shows_no_russian_standfirst(client):
    article = trilingual_article(standfirst_ru="Русский лид для проверки")
    html = client.get(article.get_absolute_url("kk")).content.decode()
    assert article.headline_kk in html
    assert "Русский лид для проверки" not in html
    assert 'lang="kk"' in html


def test_article_page_links_the_other_complete_languages(client):
    article = trilingual_article()
    html = client.get(article.get_absolute_url("ru")).content.decode()
    assert f'hreflang="kk" href="/kk/articles/{article.pk}-{article.slug_kk}/"' in html
    assert f'hreflang="en" href="/en/articles/{article.pk}-{article.slug_en}/"' in html


def test_front_page_query_count_does_not_grow_with_articles(client, django_assert_max_num_queries):
    for _ in range(15):
        ArticleFactory()
    with django_assert_max_num_queries(8):
        assert client.get("/ru/").status_code == 200


def test_front_page_is_paginated(client):
    now = timezone.now()
    for n in range(21):
        ArticleFactory(headline_ru=f"Новость {n:02d}", published_at=now - dt.timedelta(hours=n + 1))
    first = client.get("/ru/").content.decode()
    # The top story and 19 latest: 20 articles a page.
    assert first.count('<h2 class="top-headline">') == 1
    assert first.count('<article class="teaser') == 19
    assert 'rel="next" href="?page=2"' in first
    assert "Новость 20" not in first
    second = client.get("/ru/?page=2").content.decode()
    assert "Новость 20" in second
    assert 'rel="prev" href="?page=1"' in second


def test_robots_txt_keeps_crawlers_out_of_the_admin(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
