"""RSS feeds, sitemaps and robots.txt: what the public sees in a language, and nothing else."""

import datetime as dt
from zoneinfo import ZoneInfo

import feedparser
import pytest
from django.utils import timezone
from lxml import etree

from articles import feeds, workflow
from articles.models import Article, ArticleAuthor
from media_credits import renditions
from media_credits.models import Photo, Rendition
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    RubricFactory,
    trilingual_sections,
)
from tests.photos import photo as make_photo

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
BASE = "http://testserver"


SITE_NAME = {"ru": "Казахстанская правда", "kk": "Қазақстан правдасы"}


@pytest.fixture(autouse=True)
def _site_name(settings):
    settings.SITE_NAME = SITE_NAME


def trilingual(n, **kwargs):
    """A trilingual article with headlines of its own in every language."""
    return ArticleFactory(
        headline_ru=f"Новость {n}",
        headline_kk=f"Жаңалық {n}",
        headline_en=f"News {n}",
        standfirst_kk=f"Лид {n}",
        standfirst_en=f"Lead {n}",
        sections=trilingual_sections(),
        **kwargs,
    )


def hours_ago(hours):
    return timezone.now() - dt.timedelta(hours=hours)


def get_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/rss+xml")
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def get_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return etree.fromstring(response.content)


def sitemap_pages(client, **extra) -> list[bytes]:
    """The sitemaps /sitemap.xml (an index) names, each page of them, as bytes."""
    response = client.get("/sitemap.xml", **extra)
    assert response.status_code == 200
    index = etree.fromstring(response.content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    pages = []
    for loc in index.iter(f"{SITEMAP}loc"):
        assert loc.text.startswith(("http://testserver/", "https://testserver/")), loc.text
        page = client.get(loc.text.split("://testserver", 1)[1], **extra)
        assert page.status_code == 200, loc.text
        pages.append(page.content)
    return pages


def sitemap_urls(client):
    """{location: (lastmod text, {hreflang: href})} of every page /sitemap.xml names."""
    urls = []
    for content in sitemap_pages(client):
        root = etree.fromstring(content)
        assert root.tag == f"{SITEMAP}urlset"
        urls += root.iter(f"{SITEMAP}url")
    found = {}
    for url in urls:
        loc = url.findtext(f"{SITEMAP}loc")
        assert loc not in found
        alternates = {}
        for link in url.iter(f"{XHTML}link"):
            assert link.get("rel") == "alternate"
            assert link.get("hreflang") not in alternates
            alternates[link.get("hreflang")] = link.get("href")
        found[loc] = (url.findtext(f"{SITEMAP}lastmod"), alternates)
    return found


def news_entries(client):
    """[(location, language, title, publication date text, name)] of /sitemap-news.xml."""
    root = get_xml(client, "/sitemap-news.xml")
    assert root.tag == f"{SITEMAP}urlset"
    entries = []
    for url in root.iter(f"{SITEMAP}url"):
        news = url.find(f"{NEWS}news")
        entries.append(
            (
                url.findtext(f"{SITEMAP}loc"),
                news.findtext(f"{NEWS}publication/{NEWS}language"),
                news.findtext(f"{NEWS}title"),
                news.findtext(f"{NEWS}publication_date"),
                news.findtext(f"{NEWS}publication/{NEWS}name"),
            )
        )
    return entries


def absolute(article, language):
    return BASE + article.get_absolute_url(language)


# --- Feeds -----------------------------------------------------------------------------


def test_latest_feed_lists_the_languages_public_articles_newest_first(client):
    older = trilingual(1, published_at=hours_ago(5))
    newer = trilingual(2, published_at=hours_ago(1))
    russian_only = ArticleFactory(headline_ru="Только по-русски", published_at=hours_ago(3))

    ru = get_feed(client, "/ru/feeds/latest.xml")
    assert [e.link for e in ru.entries] == [
        absolute(newer, "ru"),
        absolute(russian_only, "ru"),
        absolute(older, "ru"),
    ]
    assert [e.title for e in ru.entries] == ["Новость 2", "Только по-русски", "Новость 1"]
    assert ru.feed.language == "ru"
    assert ru.feed.description == "Последние статьи"

    kk = get_feed(client, "/kk/feeds/latest.xml")
    assert [e.title for e in kk.entries] == ["Жаңалық 2", "Жаңалық 1"]
    assert [e.link for e in kk.entries] == [absolute(newer, "kk"), absolute(older, "kk")]
    assert kk.entries[0].summary == "Лид 2"
    assert kk.feed.language == "kk"
    en = get_feed(client, "/en/feeds/latest.xml")
    assert [e.title for e in en.entries] == ["News 2", "News 1"]
    assert en.feed.link == f"{BASE}/en/"


def test_feed_items_have_date_guid_authors_and_rubric(client):
    rubric = RubricFactory(name_ru="Политика", name_en="Politics")
    published = dt.datetime(2025, 9, 30, 0, 0, tzinfo=ALMATY)
    article = trilingual(1, published_at=published, rubric=rubric)
    for position, name in enumerate(("Айгерим Сейткали", "Игорь Бургандинов")):
        author = AuthorFactory(name_ru=name, name_en=name.replace("Игорь", "Igor"))
        ArticleAuthor.objects.create(article=article, author=author, position=position)

    response = client.get("/en/feeds/latest.xml")
    (entry,) = get_feed(client, "/en/feeds/latest.xml").entries
    assert entry.published_parsed[:5] == (2025, 9, 29, 19, 0)  # UTC
    # The guid is the address by id: it survives a change of slug.
    assert entry.id == f"{BASE}/en/articles/{article.pk}/"
    assert f'<guid isPermaLink="true">{entry.id}</guid>'.encode() in response.content
    assert entry.author == "Айгерим Сейткали, Igor Бургандинов"
    assert [tag.term for tag in entry.tags] == ["Politics"]
    assert client.get(entry.id).status_code == 301


def test_feed_title_is_the_site_name_when_configured(client, settings):
    trilingual(1)
    assert get_feed(client, "/ru/feeds/latest.xml").feed.title == "Казахстанская правда"
    assert get_feed(client, "/kk/feeds/latest.xml").feed.title == "Қазақстан правдасы"
    # A language without a name of its own takes the default language's.
    assert get_feed(client, "/en/feeds/latest.xml").feed.title == "Казахстанская правда"
    del settings.SITE_NAME
    assert get_feed(client, "/ru/feeds/latest.xml").feed.title == "Newsroom"


def test_feed_titles_are_plain_text(client):
    ArticleFactory(headline_ru="Рост & падение <цен>")
    (entry,) = get_feed(client, "/ru/feeds/latest.xml").entries
    assert entry.title == "Рост & падение <цен>"


def test_feed_is_limited(client, monkeypatch):
    monkeypatch.setattr(feeds, "FEED_SIZE", 2)
    for n in range(3):
        ArticleFactory(headline_ru=f"Новость {n}", published_at=hours_ago(n + 1))
    titles = [e.title for e in get_feed(client, "/ru/feeds/latest.xml").entries]
    assert titles == ["Новость 0", "Новость 1"]


def test_rubric_feed_has_only_that_rubrics_articles(client):
    politics = RubricFactory(slug="politika", name_ru="Политика", name_kk="Саясат")
    economy = RubricFactory(slug="ekonomika", name_ru="Экономика")
    first = trilingual(1, rubric=politics, published_at=hours_ago(4))
    trilingual(2, rubric=economy, published_at=hours_ago(3))
    last = trilingual(3, rubric=politics, published_at=hours_ago(2))
    trilingual(4, published_at=hours_ago(1))
    ArticleFactory(headline_ru="Черновик", rubric=politics, status=Article.Status.DRAFT)

    kk = get_feed(client, "/kk/feeds/politika.xml")
    assert [e.link for e in kk.entries] == [absolute(last, "kk"), absolute(first, "kk")]
    assert kk.feed.title == "Саясат — Қазақстан правдасы"
    assert kk.feed.description == "«Саясат» айдарының соңғы мақалалары"
    ru = get_feed(client, "/ru/feeds/ekonomika.xml")
    assert [e.title for e in ru.entries] == ["Новость 2"]
    assert ru.feed.description == "Последние статьи рубрики «Экономика»"


def test_unknown_rubric_feed_is_404(client):
    RubricFactory(slug="politika")
    assert client.get("/ru/feeds/no-such-rubric.xml").status_code == 404


def test_lead_photo_is_an_enclosure_with_its_true_length(client, amankul, settings):
    photo = make_photo(by=amankul, size=(1200, 800))
    article = trilingual(1, lead_photo=photo)
    trilingual(2, published_at=hours_ago(2))  # no lead photo: no enclosure
    renditions.remove_renditions([photo.pk])  # the worker made them at upload
    assert not Rendition.objects.filter(photo=photo).exists()

    entries = get_feed(client, "/en/feeds/latest.xml").entries
    assert [e.link for e in entries][0] == absolute(article, "en")
    (enclosure,) = entries[0].enclosures
    assert entries[1].enclosures == []
    # The feed made the rendition, so the length is that of the file served.
    rendition = Rendition.objects.get(photo=photo, width_requested=800, image_format="jpeg")
    assert rendition.width == 800
    expected_url = BASE + renditions.rendition_url(photo, width=800, image_format="jpeg")
    assert enclosure.href == expected_url
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == rendition.file.size > 0

    served = client.get(expected_url.removeprefix(BASE))
    assert served.status_code == 302
    assert served["Location"] == rendition.file.url
    with rendition.file.open("rb") as f:
        assert len(f.read()) == int(enclosure.length)

    # The next request reads the stored rendition.
    again = get_feed(client, "/ru/feeds/latest.xml").entries[0].enclosures[0]
    assert again.length == enclosure.length
    assert Rendition.objects.filter(photo=photo).count() == 1


def test_expired_lead_photo_is_no_enclosure(client, amankul):
    photo = make_photo(by=amankul)
    trilingual(1, lead_photo=photo)
    Photo.objects.filter(pk=photo.pk).update(
        usage_expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    (entry,) = get_feed(client, "/ru/feeds/latest.xml").entries
    assert entry.enclosures == []


# --- Nothing that is not public --------------------------------------------------------


@pytest.fixture
def hidden_articles(editor):
    """Articles the public must not see, each with headlines naming what it is."""

    def article(name, **kwargs):
        return ArticleFactory(
            headline_ru=f"Скрытая {name}",
            headline_kk=f"Жасырын {name}",
            headline_en=f"Hidden {name}",
            sections=trilingual_sections(),
            published_at=kwargs.pop("published_at", hours_ago(1)),
            **kwargs,
        )

    rubric = RubricFactory(slug="politika")
    made = {
        "draft": article("draft", status=Article.Status.DRAFT, rubric=rubric),
        "in_review": article("in-review", status=Article.Status.IN_REVIEW, rubric=rubric),
        "scheduled": article("scheduled", published_at=timezone.now() + dt.timedelta(hours=2)),
        "archived": article("archived", status=Article.Status.ARCHIVED, rubric=rubric),
        "unpublished": article("unpublished", rubric=rubric),
        "withdrawn": article("withdrawn", rubric=rubric),
    }
    workflow.apply(made["unpublished"], "unpublish", user=editor, comment="Снято")
    workflow.apply(made["withdrawn"], "withdraw", user=editor, languages=["kk"], comment="Ошибка")
    # Released in Russian only although complete in every language.
    made["ru_only"] = article("ru-only", released=["ru"], rubric=rubric)
    return made


def test_nothing_non_public_appears_in_any_feed_or_sitemap(client, hidden_articles):
    visible = trilingual(1, rubric=hidden_articles["draft"].rubric)
    withdrawn = hidden_articles["withdrawn"]
    ru_only = hidden_articles["ru_only"]
    public_pairs = {
        (visible.pk, "ru"),
        (visible.pk, "kk"),
        (visible.pk, "en"),
        (withdrawn.pk, "ru"),
        (withdrawn.pk, "en"),
        (ru_only.pk, "ru"),
    }
    hidden_pks = {a.pk for a in hidden_articles.values()} - {withdrawn.pk, ru_only.pk}

    everything = []
    for language in ("ru", "kk", "en"):
        for url in (f"/{language}/feeds/latest.xml", f"/{language}/feeds/politika.xml"):
            response = client.get(url)
            everything.append(response.content.decode())
            links = {e.link for e in feedparser.parse(response.content).entries}
            expected = {absolute(visible, language)}
            if language != "kk":
                expected.add(absolute(withdrawn, language))
            if language == "ru":
                expected.add(absolute(ru_only, "ru"))
            assert links == expected, url
    everything.append(client.get("/sitemap-news.xml").content.decode())
    everything += [content.decode() for content in sitemap_pages(client)]
    text = "\n".join(everything)
    never_shown = [withdrawn.headline_kk, ru_only.headline_kk, ru_only.headline_en]
    for pk in hidden_pks:
        hidden = Article.objects.get(pk=pk)
        never_shown += [hidden.headline_ru, hidden.headline_kk, hidden.headline_en]
        assert f"/articles/{pk}-" not in text
        assert f"/articles/{pk}/" not in text
    assert len(never_shown) == 18
    for headline in never_shown:
        assert headline not in text

    sitemap = sitemap_urls(client)
    article_urls = {loc for loc in sitemap if "/articles/" in loc}
    expected = {absolute(Article.objects.get(pk=pk), code) for pk, code in public_pairs}
    # Every Kazakh page is also listed in Latin script (/kk-latn/).
    expected |= {url.replace("/kk/", "/kk-latn/", 1) for url in expected if "/kk/" in url}
    assert article_urls == expected
    news = {(loc, language) for loc, language, *_rest in news_entries(client)}
    assert news == {(absolute(Article.objects.get(pk=pk), code), code) for pk, code in public_pairs}


# --- Sitemaps --------------------------------------------------------------------------


def test_sitemap_lists_each_released_language_with_hreflang_alternates(client):
    everywhere = trilingual(1)
    ru_en = trilingual(2, released=["ru", "en"])
    kk_en = trilingual(3, released=["kk", "en"])
    urls = sitemap_urls(client)

    def expect(article, languages, x_default):
        alternates = {code: absolute(article, code) for code in languages}
        if "kk" in languages:
            alternates["kk-Latn"] = alternates["kk"].replace("/kk/", "/kk-latn/", 1)
        alternates["x-default"] = absolute(article, x_default)
        for code in languages:
            lastmod, found = urls[absolute(article, code)]
            assert found == alternates
            assert dt.datetime.fromisoformat(lastmod) == article.modified_at.replace(microsecond=0)
        others = {"ru", "kk", "en"} - set(languages)
        for code in others:
            assert absolute(article, code) not in urls

    expect(everywhere, ["ru", "kk", "en"], "ru")
    expect(ru_en, ["ru", "en"], "ru")
    expect(kk_en, ["kk", "en"], "kk")
    for _loc, (_lastmod, alternates) in urls.items():
        assert all(href.startswith(f"{BASE}/") for href in alternates.values())


def test_sitemap_lastmod_is_the_latest_correction(client, editor, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 1, 12, 0, tzinfo=ALMATY), tick=False)
    article = ArticleFactory()
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 30, tzinfo=ALMATY), tick=False)
    workflow.apply(
        article, "correct", user=editor, comment="", correction={"ru": "Исправлена дата."}
    )
    lastmod, _alternates = sitemap_urls(client)[absolute(article, "ru")]
    assert lastmod == "2026-03-02T09:30:00+05:00"


def test_sitemap_lists_the_front_page_of_every_language(client):
    urls = sitemap_urls(client)
    front = {code: f"{BASE}/{code}/" for code in ("ru", "kk", "kk-latn", "en")}
    front["kk-Latn"] = front.pop("kk-latn")
    for url in front.values():
        _lastmod, alternates = urls[url]
        assert alternates == {**front, "x-default": f"{BASE}/"}


def test_sitemaps_and_feeds_use_the_requests_scheme(client):
    article = ArticleFactory()
    pages = b"".join(sitemap_pages(client, secure=True))
    assert f"https://testserver{article.get_absolute_url('ru')}".encode() in pages
    assert b"http://testserver" not in pages
    assert b"http://testserver" not in client.get("/sitemap.xml", secure=True).content
    feed = client.get("/ru/feeds/latest.xml", secure=True).content
    assert f"https://testserver{article.get_absolute_url('ru')}".encode() in feed
    assert b"http://testserver" not in feed


# --- Google News sitemap ---------------------------------------------------------------


def test_news_sitemap_has_the_last_48_hours_with_language_codes(client, time_machine):
    now = dt.datetime(2026, 3, 5, 12, 0, tzinfo=ALMATY)
    time_machine.move_to(now, tick=False)
    fresh = trilingual(1, published_at=now - dt.timedelta(hours=1), released=["ru", "kk"])
    edge = ArticleFactory(headline_ru="Почти двое суток", published_at=now - dt.timedelta(hours=47))
    trilingual(2, published_at=now - dt.timedelta(hours=49))
    trilingual(3, published_at=now + dt.timedelta(hours=1))

    entries = news_entries(client)
    assert entries == [
        (
            absolute(fresh, "ru"),
            "ru",
            "Новость 1",
            "2026-03-05T11:00:00+05:00",
            "Казахстанская правда",
        ),
        (
            absolute(fresh, "kk"),
            "kk",
            "Жаңалық 1",
            "2026-03-05T11:00:00+05:00",
            "Қазақстан правдасы",
        ),
        (
            absolute(edge, "ru"),
            "ru",
            "Почти двое суток",
            "2026-03-03T13:00:00+05:00",
            "Казахстанская правда",
        ),
    ]
    # Two hours later the 47-hour-old article has aged out and the scheduled one is due.
    time_machine.move_to(now + dt.timedelta(hours=2), tick=False)
    languages = [(loc, language) for loc, language, *_rest in news_entries(client)]
    assert (absolute(edge, "ru"), "ru") not in languages
    assert len(languages) == 5


def test_news_sitemap_declares_the_news_namespace(client):
    ArticleFactory()
    response = client.get("/sitemap-news.xml")
    assert response["Content-Type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    assert root.nsmap["news"] == "http://www.google.com/schemas/sitemap-news/0.9"


# --- robots.txt ------------------------------------------------------------------------


def test_robots_txt_names_both_sitemaps_and_leaves_renditions_open(client):
    text = client.get("/robots.txt").content.decode()
    lines = text.splitlines()
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    assert f"Sitemap: {BASE}/sitemap-news.xml" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /preview/" in lines
    assert not any(line.startswith("Disallow: /renditions") for line in lines)
    assert client.get("/sitemap.xml").status_code == 200
    assert client.get("/sitemap-news.xml").status_code == 200


# --- Query budgets ---------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 15])
def test_feed_and_sitemap_queries_do_not_grow_with_the_articles(
    client, count, amankul, django_assert_max_num_queries
):
    rubric = RubricFactory(slug="politika")
    for n in range(count):
        article = trilingual(
            n, rubric=rubric, published_at=hours_ago(n + 1), lead_photo=make_photo(by=amankul)
        )
        for position in range(2):
            ArticleAuthor.objects.create(article=article, author=AuthorFactory(), position=position)
    urls = [
        "/ru/feeds/latest.xml",
        "/kk/feeds/politika.xml",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-news.xml",
    ]
    for url in urls:
        client.get(url)  # the first feed request makes the renditions
    for url in urls:
        with django_assert_max_num_queries(4):
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.count(b"<item>") in (0, count)
