"""The public site as readers and search engines see it (issue 8, "Public site").

Front page, rubric pages, the day archive, the article page and photographer pages in
every language; nothing non-public in any list; canonical, hreflang, Open Graph and
JSON-LD on the article page; localised 404 and 500 pages; and the query budget of
each page, the same for a few articles as for many.
"""

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import html5lib
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone, translation
from django.views.defaults import server_error
from lxml import html as lxml_html

from articles import workflow
from articles.demo import load_demo
from articles.models import Article, ArticleAuthor, GalleryPhoto, Rubric
from media_credits.models import Rendition
from media_credits.renditions import rendition_url
from newsroom.typography import typeset
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    RubricFactory,
    trilingual_article,
    trilingual_sections,
)
from tests.photos import photo, photographer

pytestmark = pytest.mark.django_db

LANGUAGES = ("ru", "kk", "en")
SITE = settings.SITE_NAME
ALMATY = ZoneInfo("Asia/Almaty")
BUDGETS = {"front": 4, "rubric": 3, "archive": 4, "article": 6, "photographer": 5}
SMALL_PHOTO = (320, 200)


# -- helpers -----------------------------------------------------------------------------


def tree_of(response):
    return lxml_html.fromstring(response.content.decode())


def text_of(element) -> str:
    return " ".join(element.text_content().split())


def day_url(language, moment) -> str:
    day = timezone.localtime(moment).date()
    return f"/{language}/archive/{day:%Y/%m/%d}/"


def assert_public_layout(response, language):
    """The site's layout: lang, landmarks, one h1, headings in order, valid HTML, no script."""
    page = response.content.decode()
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(page)  # raises on any parse error
    tree = lxml_html.fromstring(page)
    assert tree.get("lang") == language
    for landmark in ("header", "nav", "main", "footer"):
        assert tree.xpath(f"//{landmark}"), landmark
    assert tree.xpath("//a[@class='skip-link' and @href='#content']")
    assert tree.xpath("//main[@id='content']")
    assert tree.xpath("//title")[0].text_content().endswith(SITE[language])
    levels = [int(h.tag[1]) for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels.count(1) == 1 and levels[0] == 1, levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    # Readable without JavaScript: the only script is structured data, and on article
    # pages the typo reporter's deferred file (its link works without it).
    assert all(
        s.get("type") == "application/ld+json"
        or (s.get("src", "").endswith("/js/typo-report.js") and s.get("defer") is not None)
        for s in tree.xpath("//script")
    )
    assert len(tree.xpath("//link[@rel='stylesheet']")) == 1
    return tree


def article_links(tree) -> set[str]:
    return {a.get("href") for a in tree.xpath("//main//a[contains(@href, '/articles/')]")}


def credit_links(tree) -> set[str]:
    return {a.get("href") for a in tree.xpath("//figcaption//a")}


def rubric_nav_links(tree) -> list[str]:
    return [a.get("href") for a in tree.xpath("//nav[@class='rubrics']//a")]


def json_ld(tree) -> dict:
    scripts = tree.xpath("//script[@type='application/ld+json']")
    assert len(scripts) == 1
    return json.loads(scripts[0].text)


def meta(tree, prop) -> list[str]:
    found = tree.xpath(f"//meta[@property='{prop}']") or tree.xpath(f"//meta[@name='{prop}']")
    return [element.get("content") for element in found]


# -- every page of the demo, in every language ---------------------------------------------


def test_every_page_of_the_demo_answers_in_every_language(client):
    report = load_demo()
    seed, trilingual = report.seed_article, report.trilingual_article
    seed.refresh_from_db()
    trilingual.refresh_from_db()
    for language in LANGUAGES:
        front = client.get(f"/{language}/")
        assert front.status_code == 200
        tree = assert_public_layout(front, language)
        assert trilingual.get_absolute_url(language) in article_links(tree)
        # Rubric names are links in the header, each to a page that answers.
        nav = rubric_nav_links(tree)
        assert nav == [f"/{language}/{r.slug}/" for r in Rubric.objects.all()]
        for url in nav:
            rubric_page = client.get(url)
            assert rubric_page.status_code == 200, url
            assert_public_layout(rubric_page, language)
        for article in (seed, trilingual):
            if not article.is_available_in(language):
                for url in (
                    f"/{language}/articles/{article.pk}-{article.slug_ru}/",
                    f"/{language}/articles/{article.pk}/",
                ):
                    assert client.get(url).status_code == 404, url
                continue
            url = article.get_absolute_url(language)
            response = client.get(url)
            assert response.status_code == 200, url
            tree = assert_public_layout(response, language)
            assert tree.xpath("//h1")[0].text_content() == typeset(
                getattr(article, f"headline_{language}"), language
            )
            archive = client.get(day_url(language, article.published_at))
            assert archive.status_code == 200
            assert url in article_links(assert_public_layout(archive, language))
            # Every credit naming a photographer links to a page that answers.
            links = credit_links(tree)
            assert links
            for link in links:
                photographer_page = client.get(link)
                assert photographer_page.status_code == 200, link
                assert_public_layout(photographer_page, language)


def test_the_seed_article_is_only_russian_and_the_trilingual_one_switches_language(client):
    report = load_demo()
    trilingual = Article.objects.get(pk=report.trilingual_article.pk)
    seed = Article.objects.get(pk=report.seed_article.pk)
    tree = tree_of(client.get(trilingual.get_absolute_url("ru")))
    switcher = {
        a.get("hreflang"): a.get("href") for a in tree.xpath("//nav[@class='languages']//a")
    }
    assert switcher == {
        "kk": trilingual.get_absolute_url("kk"),
        "kk-Latn": trilingual.get_absolute_url("kk").replace("/kk/", "/kk-latn/", 1),
        "en": trilingual.get_absolute_url("en"),
    }
    tree = tree_of(client.get(seed.get_absolute_url("ru")))
    switcher = {
        a.get("hreflang"): a.get("href") for a in tree.xpath("//nav[@class='languages']//a")
    }
    assert switcher == {"kk": "/kk/", "kk-Latn": "/kk-latn/", "en": "/en/"}
    # The language names are marked with their own language.
    languages = [a.get("lang") for a in tree.xpath("//nav[@class='languages']//a")]
    assert languages == ["kk", "kk-Latn", "en"]


# -- front page ---------------------------------------------------------------------------


def test_front_page_shows_the_top_story_with_its_lead_photo_latest_and_rubric_blocks(client):
    politics = RubricFactory(name_ru="Политика", slug="politics")
    sport = RubricFactory(name_ru="Спорт", slug="sport")
    now = timezone.now()
    older = ArticleFactory(
        headline_ru="Матч сезона",
        rubric=sport,
        lead_photo=photo(size=SMALL_PHOTO, credit="Reuters"),
        published_at=now - dt.timedelta(hours=3),
    )
    top = ArticleFactory(
        headline_ru="Главная новость",
        rubric=politics,
        lead_photo=photo(size=SMALL_PHOTO, credit="Reuters"),
        published_at=now - dt.timedelta(hours=1),
    )
    tree = assert_public_layout(client.get("/ru/"), "ru")
    top_story = tree.xpath("//article[@class='top-story']")[0]
    assert text_of(top_story.xpath(".//h2")[0]) == "Главная новость"
    lead = top_story.xpath(".//picture//img")[0]
    assert lead.get("width") and lead.get("height")
    assert lead.get("loading") is None  # above the fold: not lazy
    latest = tree.xpath("//section[@class='latest']//article")
    assert [text_of(a.xpath(".//h3")[0]) for a in latest] == ["Матч сезона"]
    thumb = latest[0].xpath(".//picture//img")[0]
    assert thumb.get("loading") == "lazy" and thumb.get("width") and thumb.get("height")
    assert latest[0].xpath(".//picture//source[@type='image/webp']")
    blocks = tree.xpath("//section[@class='rubric-block']")
    assert [text_of(b.xpath(".//h2")[0]) for b in blocks] == ["Политика", "Спорт"]
    assert blocks[0].xpath(".//h2/a")[0].get("href") == "/ru/politics/"
    assert top.get_absolute_url("ru") in article_links(blocks[0])
    assert older.get_absolute_url("ru") in article_links(blocks[1])
    assert tree.xpath("//title")[0].text == SITE["ru"]


def test_front_page_without_articles_says_so(client):
    tree = assert_public_layout(client.get("/en/"), "en")
    assert "No articles in this language yet." in text_of(tree.xpath("//main")[0])


# -- rubric pages -------------------------------------------------------------------------


def test_rubric_page_lists_its_public_articles_newest_first_and_is_paginated(client):
    rubric = RubricFactory(name_ru="Экономика", name_kk="Экономика", slug="economy")
    other = RubricFactory(slug="other")
    now = timezone.now()
    for n in range(21):
        ArticleFactory(
            headline_ru=f"Экономика {n:02d}",
            rubric=rubric,
            published_at=now - dt.timedelta(hours=n + 1),
        )
    ArticleFactory(headline_ru="Из другой рубрики", rubric=other)
    first = client.get("/ru/economy/")
    tree = assert_public_layout(first, "ru")
    assert text_of(tree.xpath("//h1")[0]) == "Экономика"
    assert tree.xpath("//title")[0].text == f"Экономика — {SITE['ru']}"
    headlines = [text_of(h) for h in tree.xpath("//main//article//h2")]
    assert headlines == [f"Экономика {n:02d}" for n in range(20)]
    assert tree.xpath("//nav[@class='rubrics']//a[@aria-current='page']")[0].get("href") == (
        "/ru/economy/"
    )
    assert 'rel="next" href="?page=2"' in first.content.decode()
    second = tree_of(client.get("/ru/economy/?page=2"))
    assert [text_of(h) for h in second.xpath("//main//article//h2")] == ["Экономика 20"]
    # The same rubric in the other languages, in the language switcher.
    assert tree.xpath("//nav[@class='languages']//a[@hreflang='kk']")[0].get("href") == (
        "/kk/economy/"
    )
    kk = client.get("/kk/economy/")
    assert kk.status_code == 200
    assert "Бұл айдарда осы тілде әзірге мақала жоқ." in kk.content.decode()


def test_unknown_rubric_is_404_and_the_sites_own_addresses_are_not_rubrics(client):
    assert client.get("/ru/no-such-rubric/").status_code == 404
    article = ArticleFactory()
    assert client.get(article.get_absolute_url("ru")).status_code == 200
    assert client.get(f"/ru/articles/{article.pk}/").status_code == 301
    for url in ("/ru/articles/", "/ru/archive/", "/ru/photographers/"):
        assert client.get(url).status_code == 404, url
    for url in ("/ru/", "/ru/search/", "/ru/feeds/latest.xml", "/ru/archive/2025/09/30/"):
        assert resolve(url).url_name != "rubric_list", url
    assert resolve("/ru/politics/").url_name == "rubric_list"


def test_a_rubric_without_a_name_in_the_pages_language_shows_its_russian_name(client):
    RubricFactory(name_ru="Регионы", slug="regions")
    trilingual_article()
    tree = tree_of(client.get("/en/"))
    link = tree.xpath("//nav[@class='rubrics']//a[@href='/en/regions/']")[0]
    assert text_of(link) == "Регионы"
    assert link.get("lang") == "ru"


# -- day archive --------------------------------------------------------------------------


def test_day_archive_lists_the_days_articles_and_links_the_nearest_days_with_articles(client):
    def at(day, hour=12):
        return dt.datetime(2025, 9, day, hour, tzinfo=ALMATY)

    first = trilingual_article(headline_ru="Первое сентября", published_at=at(1))
    ArticleFactory(headline_ru="Только по-русски", published_at=at(5))
    morning = trilingual_article(headline_ru="Утро десятого", published_at=at(10, 0))
    evening = trilingual_article(headline_ru="Вечер десятого", published_at=at(10, 23))
    # Midnight on the 11th in Almaty is still the 10th in UTC: the local date counts.
    eleventh = trilingual_article(headline_ru="Ночь одиннадцатого", published_at=at(11, 0))
    last = trilingual_article(headline_ru="Двадцатое", published_at=at(20))

    response = client.get("/ru/archive/2025/09/10/")
    tree = assert_public_layout(response, "ru")
    assert [text_of(h) for h in tree.xpath("//main//article//h2")] == [
        "Вечер десятого",
        "Утро десятого",
    ]
    assert text_of(tree.xpath("//h1")[0]) == "Статьи за 10 сентября 2025"
    assert tree.xpath("//a[@rel='prev']")[0].get("href") == "/ru/archive/2025/09/05/"
    assert tree.xpath("//a[@rel='next']")[0].get("href") == "/ru/archive/2025/09/11/"
    # In Kazakh, the 5th has nothing: the previous day with articles is the 1st.
    kk = tree_of(client.get("/kk/archive/2025/09/10/"))
    assert kk.xpath("//a[@rel='prev']")[0].get("href") == "/kk/archive/2025/09/01/"
    assert morning.get_absolute_url("kk") in article_links(kk)
    assert "2025 жылғы 10 қыркүйек" in text_of(kk.xpath("//h1")[0])
    en = tree_of(client.get("/en/archive/2025/09/11/"))
    assert article_links(en) == {eleventh.get_absolute_url("en")}
    assert en.xpath("//a[@rel='next']")[0].get("href") == "/en/archive/2025/09/20/"
    # The first and last days link only one way.
    oldest = tree_of(client.get("/ru/archive/2025/09/01/"))
    assert not oldest.xpath("//a[@rel='prev']")
    assert first.get_absolute_url("ru") in article_links(oldest)
    newest = tree_of(client.get("/ru/archive/2025/09/20/"))
    assert not newest.xpath("//a[@rel='next']")
    assert last.get_absolute_url("ru") in article_links(newest)
    # The article's date links to its day.
    page = tree_of(client.get(evening.get_absolute_url("ru")))
    assert page.xpath("//article//a[time]")[0].get("href") == "/ru/archive/2025/09/10/"


def test_a_day_without_articles_says_so_and_is_not_indexed(client):
    ArticleFactory(published_at=dt.datetime(2025, 9, 1, 12, tzinfo=ALMATY))
    response = client.get("/ru/archive/2025/09/02/")
    assert response.status_code == 200
    tree = tree_of(response)
    assert meta(tree, "robots") == ["noindex"]
    assert tree.xpath("//a[@rel='prev']")[0].get("href") == "/ru/archive/2025/09/01/"


@pytest.mark.parametrize(
    "path",
    [
        "2025/02/30",
        "2025/13/01",
        "2025/00/10",
        "2025/09/00",
        "2025/09/31",
        "0000/01/01",
        "0001/01/01",
        "9999/12/31",
        "2025/9/1",
        "20255/09/01",
        "abcd/09/01",
    ],
)
def test_an_invalid_or_impossible_date_is_404_never_an_error(client, path):
    assert client.get(f"/ru/archive/{path}/").status_code == 404


def test_a_future_day_is_404(client):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert client.get(f"/ru/archive/{tomorrow:%Y/%m/%d}/").status_code == 404
    today = timezone.localdate()
    assert client.get(f"/ru/archive/{today:%Y/%m/%d}/").status_code == 200


# -- nothing non-public in any list -------------------------------------------------------


COMMENT = "Снято с публикации"


def make_state(article, state):
    user = workflow.system_user()
    if state == "unpublished":
        workflow.apply(article, "unpublish", user=user, comment=COMMENT)


NON_PUBLIC = {
    # state -> (factory arguments, the languages in which it must not be listed)
    "draft": ({"status": Article.Status.DRAFT}, LANGUAGES),
    "in_review": ({"status": Article.Status.IN_REVIEW}, LANGUAGES),
    "scheduled": ({"published_at_offset": dt.timedelta(days=1)}, LANGUAGES),
    "unpublished": ({}, LANGUAGES),
    "archived": ({"status": Article.Status.ARCHIVED}, LANGUAGES),
    "kk_not_released": ({"released": ["ru", "en"]}, ("kk",)),
}


@pytest.mark.parametrize("state", list(NON_PUBLIC))
def test_nothing_non_public_appears_in_any_list(client, state):
    """Front page, rubric page, day archive, photographer page: only what the public sees."""
    rubric = RubricFactory(name_ru="Общество", name_kk="Қоғам", name_en="Society", slug="society")
    author = photographer("Фотограф Общий", "Фотографа Общего", name_kk="Фотограф", name_en="Cam")
    now = timezone.now()
    published_at = now - dt.timedelta(hours=2)
    public_photo = photo(by=author, size=SMALL_PHOTO)
    public = ArticleFactory(
        sections=trilingual_sections(),
        headline_ru="Публичная статья",
        headline_kk="Жария мақала",
        headline_en="Public article",
        rubric=rubric,
        lead_photo=public_photo,
        published_at=published_at,
    )
    kwargs, hidden_in = NON_PUBLIC[state]
    kwargs = dict(kwargs)
    offset = kwargs.pop("published_at_offset", None)
    hidden_photo = photo(by=author, size=SMALL_PHOTO)
    hidden = ArticleFactory(
        sections=trilingual_sections(),
        headline_ru="Скрытая статья",
        headline_kk="Жасырын мақала",
        headline_en="Hidden article",
        rubric=rubric,
        lead_photo=hidden_photo,
        published_at=now + offset if offset else published_at,
        **kwargs,
    )
    make_state(hidden, state)
    hidden.refresh_from_db()
    public.refresh_from_db()
    for language in hidden_in:
        pages = {
            "front": f"/{language}/",
            "rubric": f"/{language}/society/",
            "archive": day_url(language, published_at),
            "photographer": f"/{language}/photographers/{author.pk}-{author.slug}/",
        }
        for name, url in pages.items():
            response = client.get(url)
            assert response.status_code == 200, (name, url)
            page = response.content.decode()
            assert public.get_absolute_url(language) in page, (name, language)
            assert f"/articles/{hidden.pk}-" not in page, (name, language)
            assert f"/articles/{hidden.pk}/" not in page, (name, language)
            assert getattr(hidden, f"headline_{language}") not in page, (name, language)
            assert f"renditions/{hidden_photo.pk}/" not in page, (name, language)
            assert f"renditions/{public_photo.pk}/" in page, (name, language)


# -- the article page ---------------------------------------------------------------------


def test_article_title_reads_headline_then_site_in_every_language(client):
    article = trilingual_article()
    for language in LANGUAGES:
        tree = tree_of(client.get(article.get_absolute_url(language)))
        headline = getattr(article, f"headline_{language}")
        assert tree.xpath("//title")[0].text == f"{headline} — {SITE[language]}"
        assert text_of(tree.xpath("//a[@class='site-name']")[0]) == SITE[language]


def test_byline_shows_an_author_without_a_name_in_the_pages_language_in_another(client):
    article = trilingual_article()
    both = AuthorFactory(name_ru="Айгуль Сапарова", name_en="Aigul Saparova")
    russian_only = AuthorFactory(name_ru="Иван Петров")
    kazakh_only = AuthorFactory(name_ru="", name_kk="Асқар Жұмабаев")
    for position, author in enumerate((russian_only, both, kazakh_only)):
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    tree = tree_of(client.get(article.get_absolute_url("en")))
    byline = tree.xpath("//p[@class='byline']")[0]
    assert text_of(byline) == "Иван Петров, Aigul Saparova, Асқар Жұмабаев"
    assert [span.get("lang") for span in byline.xpath("span")] == ["ru", "kk"]
    assert not text_of(byline).endswith(",")
    data = json_ld(tree)
    assert [a["name"] for a in data["author"]] == [
        "Иван Петров",
        "Aigul Saparova",
        "Асқар Жұмабаев",
    ]
    ru = tree_of(client.get(article.get_absolute_url("ru")))
    assert text_of(ru.xpath("//p[@class='byline']")[0]) == (
        "Иван Петров, Айгуль Сапарова, Асқар Жұмабаев"
    )


def test_an_author_with_no_name_at_all_leaves_no_dangling_comma(client):
    article = ArticleFactory()
    ArticleAuthor.objects.create(article=article, author=AuthorFactory(name_ru="Автор"), position=0)
    ArticleAuthor.objects.create(article=article, author=AuthorFactory(name_ru=""), position=1)
    tree = tree_of(client.get(article.get_absolute_url("ru")))
    assert text_of(tree.xpath("//p[@class='byline']")[0]) == "Автор"


def test_corrections_close_the_article(client):
    article = trilingual_article()
    workflow.apply(
        article,
        "correct",
        user=workflow.system_user(),
        correction={"ru": "Исправлена дата.", "kk": "Күні түзетілді.", "en": "Date corrected."},
    )
    tree = tree_of(client.get(Article.objects.get(pk=article.pk).get_absolute_url("en")))
    sections = tree.xpath("//article[@class='article']/section")
    assert sections[-1].get("class") == "corrections"
    assert "Date corrected." in text_of(sections[-1])


def test_canonical_and_hreflang_are_absolute_with_self_reference_and_x_default(client):
    article = trilingual_article(released=["kk", "en"])
    article.refresh_from_db()
    response = client.get(article.get_absolute_url("en"))
    tree = tree_of(response)
    base = "http://testserver"
    assert tree.xpath("//link[@rel='canonical']")[0].get("href") == (
        base + article.get_absolute_url("en")
    )
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in tree.xpath("//link[@rel='alternate'][@hreflang]")
    }
    assert alternates == {
        "kk": base + article.get_absolute_url("kk"),
        "kk-Latn": base + article.get_absolute_url("kk").replace("/kk/", "/kk-latn/", 1),
        "en": base + article.get_absolute_url("en"),
        # Russian is not released: the first released language stands for the rest.
        "x-default": base + article.get_absolute_url("kk"),
    }
    everywhere = trilingual_article()
    tree = tree_of(client.get(everywhere.get_absolute_url("kk")))
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in tree.xpath("//link[@rel='alternate'][@hreflang]")
    }
    assert set(alternates) == {"ru", "kk", "kk-Latn", "en", "x-default"}
    assert alternates["x-default"] == base + everywhere.get_absolute_url("ru")
    assert all(href.startswith(base + "/") for href in alternates.values())


def test_open_graph_twitter_and_description_describe_the_article(client, amankul):
    lead = photo(by=amankul, size=(1600, 1000), alt_text_en="Readers at the tables")
    article = trilingual_article(
        lead_photo=lead,
        standfirst_en="The  city library's\nnew room.",
        released=["ru", "en"],
    )
    article.refresh_from_db()
    tree = tree_of(client.get(article.get_absolute_url("en")))
    canonical = "http://testserver" + article.get_absolute_url("en")
    assert meta(tree, "description") == ["The city library's new room."]
    assert meta(tree, "og:type") == ["article"]
    assert meta(tree, "og:title") == ["English headline"]
    assert meta(tree, "og:url") == [canonical]
    assert meta(tree, "og:site_name") == [SITE["en"]]
    assert meta(tree, "og:locale") == ["en_US"]
    assert meta(tree, "og:locale:alternate") == ["ru_RU"]
    assert meta(tree, "og:description") == ["The city library's new room."]
    image = meta(tree, "og:image")[0]
    # The photo worker made the renditions at upload: the stored file is linked directly.
    stored = Rendition.objects.get(photo=lead, width_requested=1200, image_format="jpeg")
    assert image == f"http://testserver{stored.file.url}"
    assert meta(tree, "og:image:width") == ["1200"]
    assert meta(tree, "og:image:height") == ["750"]
    assert meta(tree, "og:image:alt") == ["Readers at the tables"]
    assert meta(tree, "twitter:card") == ["summary_large_image"]
    assert meta(tree, "twitter:image") == [image]
    # The shared image is served to anyone (the lead photo of a public article): the file
    # is stored, and its signed rendition address redirects to it.
    assert stored.file.storage.exists(stored.file.name)
    signed = rendition_url(lead, width=1200, image_format="jpeg")
    assert client.get(signed)["Location"] == stored.file.url


def test_news_article_structured_data_carries_the_credit_model(client, amankul):
    lead = photo(by=amankul, size=(1600, 1000))
    agency = photo(credit="Рейтер", credit_en="Reuters", credit_kk="Reuters", size=SMALL_PHOTO)
    article = trilingual_article(lead_photo=lead)
    GalleryPhoto.objects.create(article=article, photo=agency, position=1)
    ArticleAuthor.objects.create(
        article=article, author=AuthorFactory(name_ru="Автор", name_en="Author"), position=0
    )
    workflow.apply(
        article,
        "correct",
        user=workflow.system_user(),
        correction={"ru": "Исправлено.", "kk": "Түзетілді.", "en": "Corrected."},
    )
    article.refresh_from_db()
    tree = tree_of(client.get(article.get_absolute_url("en")))
    data = json_ld(tree)
    canonical = "http://testserver" + article.get_absolute_url("en")
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "English headline"
    assert data["inLanguage"] == "en"
    assert data["isAccessibleForFree"] is True
    assert data["mainEntityOfPage"]["@id"] == canonical
    assert dt.datetime.fromisoformat(data["datePublished"]) == article.published_at
    assert dt.datetime.fromisoformat(data["dateModified"]) == article.modified_at
    assert article.modified_at > article.published_at
    assert data["author"] == [{"@type": "Person", "name": "Author"}]
    publisher = data["publisher"]
    assert publisher["@type"] == "Organization" and publisher["name"] == SITE["en"]
    logo = publisher["logo"]
    assert logo["url"].startswith("http://testserver/") and logo["url"].endswith("logo.png")
    assert (logo["width"], logo["height"]) == (600, 60)
    lead_image, agency_image = data["image"]
    assert lead_image["@type"] == "ImageObject"
    assert lead_image["url"] == meta(tree, "og:image")[0]
    assert (lead_image["width"], lead_image["height"]) == (1200, 750)
    assert lead_image["creator"] == {"@type": "Person", "name": "Amankul Dyusenbayev"}
    assert lead_image["creditText"] == "Amankul Dyusenbayev"
    assert agency_image["creditText"] == "Reuters"
    assert (agency_image["width"], agency_image["height"]) == SMALL_PHOTO
    ru = json_ld(tree_of(client.get(article.get_absolute_url("ru"))))
    assert ru["image"][0]["creditText"] == "Аманкула Дюсенбаева"
    assert ru["image"][0]["creator"]["name"] == "Аманкул Дюсенбаев"
    assert ru["publisher"]["name"] == SITE["ru"]


def test_structured_data_cannot_close_its_script_element(client):
    article = ArticleFactory(headline_ru="</script><script>alert(1)</script> & <!--")
    page = client.get(article.get_absolute_url("ru")).content.decode()
    script = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script
    assert json.loads(script)["headline"] == "</script><script>alert(1)</script> & <!--"


def test_every_credit_naming_a_photographer_links_to_their_page(client, amankul):
    lead = photo(by=amankul, size=SMALL_PHOTO)
    handout = photo(credit="пресс-службы Акорды", credit_en="Akorda", size=SMALL_PHOTO)
    article = trilingual_article(lead_photo=lead)
    GalleryPhoto.objects.create(article=article, photo=handout, position=1)
    tree = tree_of(client.get(article.get_absolute_url("en")))
    captions = tree.xpath("//figcaption/span[@class='credit']")
    assert len(captions) == 2
    link = captions[0].xpath("a")[0]
    with translation.override("en"):
        assert link.get("href") == reverse(
            "photographers:photographer_detail", kwargs={"pk": amankul.pk, "slug": amankul.slug}
        )
    assert text_of(link) == "Photo by Amankul Dyusenbayev"
    assert not captions[1].xpath("a")  # an agency credit names no photographer
    assert client.get(link.get("href")).status_code == 200


def test_an_article_page_weighs_under_100_kb_before_images(client):
    report = load_demo()
    seed = Article.objects.get(pk=report.seed_article.pk)
    response = client.get(seed.get_absolute_url("ru"))
    stylesheet = tree_of(response).xpath("//link[@rel='stylesheet']")[0].get("href")
    css = Path(finders.find(stylesheet.removeprefix(settings.STATIC_URL))).read_bytes()
    assert len(response.content) + len(css) < 100_000


# -- localised error pages ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading"),
    [("ru", "Страница не найдена"), ("kk", "Бет табылмады"), ("en", "Page not found")],
)
def test_a_missing_article_answers_a_localised_404_in_the_sites_layout(
    client, language, heading, django_assert_num_queries
):
    response = client.get(f"/{language}/articles/999999-nothing-here/")
    assert response.status_code == 404
    tree = assert_public_layout(response, language)
    assert text_of(tree.xpath("//h1")[0]) == heading
    assert tree.xpath("//title")[0].text == f"{heading} — {SITE[language]}"
    assert text_of(tree.xpath("//a[@class='site-name']")[0]) == SITE[language]
    assert tree.xpath("//nav[@class='languages']//a[@hreflang]")
    assert meta(tree, "robots") == ["noindex"]
    # The page itself reads nothing: an address nothing answers costs no query.
    with django_assert_num_queries(0):
        assert client.get(f"/{language}/no/such/page/").status_code == 404


@pytest.mark.parametrize(
    ("language", "heading"),
    [("ru", "Ошибка сервера"), ("kk", "Сервер қатесі"), ("en", "Server error")],
)
def test_the_500_page_renders_without_the_database_or_context_processors(
    language, heading, django_assert_num_queries
):
    request = RequestFactory().get(f"/{language}/")
    with translation.override(language), django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    tree = lxml_html.fromstring(response.content.decode())
    assert tree.get("lang") == language
    assert text_of(tree.xpath("//h1")[0]) == heading
    assert text_of(tree.xpath("//a[@class='site-name']")[0]) == SITE[language]
    assert tree.xpath("//header") and tree.xpath("//main")


# -- query budgets ------------------------------------------------------------------------


def build_content(*, articles: int, rubrics: int, authors: int, photos: int):
    """Public trilingual articles across rubrics, each with a lead photo and bylines;
    the last one with ``photos`` section and gallery photos and a correction."""
    shooters = [
        photographer(f"Фотограф {n}", f"Фотографа {n}", name_kk=f"Ф {n}", name_en=f"P {n}")
        for n in range(2)
    ]
    sections = [RubricFactory(name_kk=f"Айдар {n}", name_en=f"Rubric {n}") for n in range(rubrics)]
    people = [AuthorFactory(name_en=f"Author {n}") for n in range(authors)]
    now = timezone.now()
    made = []
    for n in range(articles):
        article = trilingual_article(
            rubric=sections[n % rubrics],
            lead_photo=photo(by=shooters[n % 2], size=SMALL_PHOTO),
            published_at=now - dt.timedelta(minutes=10 + n),
        )
        for position, person in enumerate(people):
            ArticleAuthor.objects.create(article=article, author=person, position=position)
        made.append(article)
    rich = ArticleFactory(
        headline_kk="Бай мақала",
        headline_en="Rich article",
        rubric=sections[0],
        lead_photo=photo(by=shooters[0], size=SMALL_PHOTO),
        published_at=now - dt.timedelta(minutes=5),
        status=Article.Status.DRAFT,
        sections=trilingual_sections() * max(1, photos // 2),
    )
    for position, person in enumerate(people):
        ArticleAuthor.objects.create(article=rich, author=person, position=position)
    for n, section in enumerate(rich.sections.all()):
        if n < photos:
            section.photo = photo(by=shooters[n % 2], size=SMALL_PHOTO)
            section.save()
    for n in range(photos):
        GalleryPhoto.objects.create(
            article=rich, photo=photo(by=shooters[1], size=SMALL_PHOTO), position=n
        )
    user = workflow.system_user()
    workflow.apply(rich, "publish", user=user, at=rich.published_at)
    workflow.apply(
        rich, "correct", user=user, correction={"ru": "Испр.", "kk": "Түз.", "en": "Corr."}
    )
    return Article.objects.get(pk=rich.pk), shooters[0]


def page_urls(rich, shooter, language="en"):
    return {
        "front": f"/{language}/",
        "rubric": f"/{language}/{rich.rubric.slug}/",
        "archive": day_url(language, rich.published_at),
        "article": rich.get_absolute_url(language),
        "photographer": f"/{language}/photographers/{shooter.pk}-{shooter.slug}/",
    }


def count_queries(client, urls) -> dict[str, int]:
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[name] = len(queries)
    return counts


@pytest.mark.parametrize("page_name", list(BUDGETS))
def test_each_page_keeps_its_query_budget_whatever_the_amount_of_content(
    client, page_name, django_assert_max_num_queries
):
    page = page_name
    small = count_queries(
        client, page_urls(*build_content(articles=1, rubrics=1, authors=1, photos=1))
    )
    rich, shooter = build_content(articles=25, rubrics=6, authors=5, photos=8)
    large = count_queries(client, page_urls(rich, shooter))
    assert large[page] == small[page], (small, large)
    with django_assert_max_num_queries(BUDGETS[page]):
        assert client.get(page_urls(rich, shooter)[page]).status_code == 200
