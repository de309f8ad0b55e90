"""The page cache is never stale: each kind of change shows on the next anonymous request.

Every test first caches the page and checks the copy is served from the cache (no query
runs, the view is not called), then changes something through the code the newsroom uses
(the workflow, model saves as the admin makes them, the admin itself), commits, and reads
the page again. Run against the process-local cache and against Redis.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles import sitemaps, workflow
from articles.models import Article, ArticleAuthor, Section
from media_credits.models import Photo
from tests.factories import ArticleFactory, AuthorFactory, RubricFactory, trilingual_article
from tests.pagecache.conftest import assert_cached, fetch
from tests.photos import photo, photographer

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")


def article_url(article, language="ru"):
    return article.get_absolute_url(language)


@pytest.fixture
def system():
    return workflow.system_user()


def test_a_hit_runs_no_query_and_serves_the_same_bytes(
    client, page_cache, django_assert_num_queries
):
    article = ArticleFactory(headline_ru="Кэшированная статья")
    first = fetch(client, article_url(article))
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = fetch(client, article_url(article))
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Кэшированная статья" in second.content.decode()


def test_a_head_is_answered_from_the_cache_without_a_body(
    client, page_cache, django_assert_num_queries
):
    article = ArticleFactory()
    full = assert_cached(client, article_url(article))
    with django_assert_num_queries(0):
        head = client.head(article_url(article))
    assert head.status_code == 200
    assert head["X-Page-Cache"] == "hit"
    assert head.content == b""
    assert head["ETag"] == full["ETag"]
    assert head["Content-Length"] == str(len(full.content))


def test_publishing_shows_the_article_on_the_front_page_and_its_own(
    client, page_cache, editor, django_capture_on_commit_callbacks
):
    article = ArticleFactory(headline_ru="Новость дня", status=Article.Status.DRAFT)
    assert_cached(client, "/ru/")
    # The articles' sitemap page that holds this id (ids are not reset between tests on
    # PostgreSQL): page N lists ids ((N-1)*size, N*size].
    sitemap_page = (article.pk - 1) // sitemaps.ARTICLES_PER_PAGE + 1
    lists = ("/ru/feeds/latest.xml", f"/sitemap-articles.xml?p={sitemap_page}", "/sitemap-news.xml")
    for url in lists:
        assert f"/articles/{article.pk}-" not in assert_cached(client, url).content.decode()
    assert fetch(client, article_url(article)).status_code == 404
    assert fetch(client, article_url(article))["X-Page-Cache"] == "hit"  # the 404 is cached
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(article, "publish", user=editor)
    assert "Новость дня" in fetch(client, "/ru/").content.decode()
    for url in lists:
        assert f"/articles/{article.pk}-" in fetch(client, url).content.decode(), url
    page = fetch(client, article_url(article))
    assert page.status_code == 200
    assert page["X-Page-Cache"] == "miss"


def test_a_scheduled_article_appears_at_its_time_without_anyone_expiring_anything(
    client, page_cache, editor, django_capture_on_commit_callbacks
):
    start = dt.datetime(2026, 3, 10, 12, 0, tzinfo=ALMATY)
    with time_machine.travel(start, tick=False) as clock:
        article = ArticleFactory(headline_ru="Запланированная новость", status=Article.Status.DRAFT)
        with django_capture_on_commit_callbacks(execute=True):
            workflow.apply(article, "schedule", user=editor, at=start + dt.timedelta(minutes=2))
        assert "Запланированная новость" not in assert_cached(client, "/ru/").content.decode()
        clock.move_to(start + dt.timedelta(minutes=1, seconds=59))
        still = fetch(client, "/ru/")
        assert still["X-Page-Cache"] == "hit"
        assert "Запланированная новость" not in still.content.decode()
        clock.move_to(start + dt.timedelta(minutes=2))
        due = fetch(client, "/ru/")
        assert due["X-Page-Cache"] == "miss"
        assert "Запланированная новость" in due.content.decode()
        assert fetch(client, article_url(article)).status_code == 200


def test_unpublishing_removes_the_article_at_once(
    client, page_cache, editor, django_capture_on_commit_callbacks
):
    article = ArticleFactory(headline_ru="Снятая новость")
    assert "Снятая новость" in assert_cached(client, "/ru/").content.decode()
    assert_cached(client, article_url(article))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(article, "unpublish", user=editor, comment="Ошибка в заголовке")
    assert "Снятая новость" not in fetch(client, "/ru/").content.decode()
    assert fetch(client, article_url(article)).status_code == 404


def test_releasing_and_withdrawing_a_translation_show_at_once(
    client, page_cache, editor, django_capture_on_commit_callbacks
):
    article = trilingual_article(released=["ru"])
    kazakh = article_url(article, "kk")
    assert fetch(client, kazakh).status_code == 404
    assert "Қазақша тақырып" not in assert_cached(client, "/kk/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(article, "release", user=editor, languages=["kk"])
    assert fetch(client, kazakh).status_code == 200
    assert "Қазақша тақырып" in assert_cached(client, "/kk/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(article, "withdraw", user=editor, languages=["kk"], comment="Перевод")
    assert fetch(client, kazakh).status_code == 404
    assert "Қазақша тақырып" not in fetch(client, "/kk/").content.decode()


def test_editing_an_articles_headline_shows_on_its_page_the_lists_and_search(
    client, page_cache, django_capture_on_commit_callbacks
):
    article = ArticleFactory(headline_ru="Старый заголовок")
    url = article_url(article)
    search = "/ru/search/?q=Свежайшая"
    assert_cached(client, url)
    assert_cached(client, "/ru/")
    assert f'href="{url}"' not in assert_cached(client, search).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article.headline_ru = "Свежайшая новость"
        article.save()
    assert "Свежайшая новость" in fetch(client, url).content.decode()
    assert "Свежайшая новость" in fetch(client, "/ru/").content.decode()
    assert f'href="{url}"' in fetch(client, search).content.decode()


def test_editing_a_section_shows_at_once(client, page_cache, django_capture_on_commit_callbacks):
    article = ArticleFactory()
    url = article_url(article)
    assert_cached(client, url)
    section = article.sections.get(position=2)
    with django_capture_on_commit_callbacks(execute=True):
        section.body_ru = "<p>Исправленный абзац.</p>"
        section.save()
    assert "Исправленный абзац." in fetch(client, url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Section.objects.create(article=article, position=3, body_ru="<p>Добавленный.</p>")
    assert "Добавленный." in fetch(client, url).content.decode()


def test_a_correction_shows_at_once(client, page_cache, editor, django_capture_on_commit_callbacks):
    article = ArticleFactory()
    url = article_url(article)
    assert_cached(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(article, "correct", user=editor, correction={"ru": "Имя героя исправлено."})
    assert "Имя героя исправлено." in fetch(client, url).content.decode()


@pytest.fixture
def pictured(db):
    """A published article whose lead photo is by a photographer with a public page."""
    shooter = photographer("Аманкул Дюсенбаев", "Аманкула Дюсенбаева")
    lead = photo(by=shooter, caption="Старая подпись", size=(320, 200))
    return ArticleFactory(lead_photo=lead)


def test_a_photos_caption_shows_at_once(
    client, page_cache, pictured, django_capture_on_commit_callbacks
):
    url = article_url(pictured)
    assert "Старая подпись" in assert_cached(client, url).content.decode()
    photo_ = Photo.objects.get(pk=pictured.lead_photo_id)
    with django_capture_on_commit_callbacks(execute=True):
        photo_.caption_ru = "Новая подпись"
        photo_.save()
    assert "Новая подпись" in fetch(client, url).content.decode()


def test_a_photos_credit_shows_at_once(
    client, page_cache, pictured, django_capture_on_commit_callbacks
):
    url = article_url(pictured)
    assert "Аманкула Дюсенбаева" in assert_cached(client, url).content.decode()
    other = photographer("Еркебулан Укибаев", "Еркебулана Укибаева")
    photo_ = Photo.objects.get(pk=pictured.lead_photo_id)
    with django_capture_on_commit_callbacks(execute=True):
        photo_.photographer = other
        photo_.save()
    page = fetch(client, url).content.decode()
    assert "Еркебулана Укибаева" in page
    assert "Аманкула Дюсенбаева" not in page


def test_a_photographers_name_and_slug_show_at_once(
    client, page_cache, pictured, django_capture_on_commit_callbacks
):
    shooter = pictured.lead_photo.photographer
    url = article_url(pictured)
    profile = f"/ru/photographers/{shooter.pk}-{shooter.slug}/"
    assert_cached(client, url)
    assert "Аманкул Дюсенбаев" in assert_cached(client, profile).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        shooter.name_ru = "Аманкул Дюсенбай"
        shooter.credit_name_ru = "Аманкула Дюсенбая"
        shooter.slug = "amankul-dyusenbai"
        shooter.save()
    page = fetch(client, url).content.decode()
    assert "Аманкула Дюсенбая" in page
    assert f"/photographers/{shooter.pk}-amankul-dyusenbai/" in page
    moved = fetch(client, profile)
    assert moved.status_code == 301
    assert moved["Location"] == f"/ru/photographers/{shooter.pk}-amankul-dyusenbai/"
    assert "Аманкул Дюсенбай" in fetch(client, moved["Location"]).content.decode()


def test_a_rubrics_name_and_slug_show_at_once(
    client, page_cache, django_capture_on_commit_callbacks
):
    rubric = RubricFactory(name_ru="Экономика", slug="economy")
    ArticleFactory(rubric=rubric)
    assert "Экономика" in assert_cached(client, "/ru/").content.decode()
    assert_cached(client, "/ru/economy/")
    with django_capture_on_commit_callbacks(execute=True):
        rubric.name_ru = "Финансы"
        rubric.slug = "finance"
        rubric.save()
    front = fetch(client, "/ru/").content.decode()
    assert "Финансы" in front
    assert 'href="/ru/finance/"' in front
    assert fetch(client, "/ru/economy/").status_code == 404
    assert fetch(client, "/ru/finance/").status_code == 200


def test_a_rubric_renamed_in_the_admin_shows_at_once(
    client, page_cache, editor, django_capture_on_commit_callbacks
):
    rubric = RubricFactory(name_ru="Экономика", slug="economy")
    ArticleFactory(rubric=rubric)
    assert "Экономика" in assert_cached(client, "/ru/").content.decode()
    staff = Client()
    staff.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/admin/articles/rubric/{rubric.pk}/change/",
            {"name_ru": "Общество", "name_kk": "", "name_en": "", "slug": "economy", "position": 0},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Общество" in fetch(client, "/ru/").content.decode()


def test_an_authors_name_shows_at_once(client, page_cache, django_capture_on_commit_callbacks):
    author = AuthorFactory(name_ru="Иван Петров")
    article = ArticleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        ArticleAuthor.objects.create(article=article, author=author, position=0)
    url = article_url(article)
    assert "Иван Петров" in assert_cached(client, url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        author.name_ru = "Иван Петренко"
        author.save()
    assert "Иван Петренко" in fetch(client, url).content.decode()


def test_a_byline_added_shows_at_once(client, page_cache, django_capture_on_commit_callbacks):
    author = AuthorFactory(name_ru="Мария Ким")
    article = ArticleFactory()
    url = article_url(article)
    assert "Мария Ким" not in assert_cached(client, url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article.authors.add(author, through_defaults={"position": 0})
    assert "Мария Ким" in fetch(client, url).content.decode()


def test_a_photo_whose_terms_expire_leaves_the_page_at_midnight(client, page_cache):
    evening = dt.datetime(2026, 3, 10, 23, 58, tzinfo=ALMATY)
    with time_machine.travel(evening, tick=False) as clock:
        lead = photo(
            credit="Reuters",
            caption="Вечерний снимок",
            size=(320, 200),
            credit_kk="Reuters",
            credit_en="Reuters",
            usage_expires_on=dt.date(2026, 3, 10),
        )
        article = ArticleFactory(lead_photo=lead)
        url = article_url(article)
        assert "Вечерний снимок" in assert_cached(client, url).content.decode()
        clock.move_to(evening + dt.timedelta(minutes=1, seconds=59))
        assert fetch(client, url)["X-Page-Cache"] == "hit"
        clock.move_to(evening + dt.timedelta(minutes=2))
        assert timezone.localdate() == dt.date(2026, 3, 11)
        page = fetch(client, url)
        assert page["X-Page-Cache"] == "miss"
        assert "Вечерний снимок" not in page.content.decode()
