"""Every Kazakh page in Latin script (/kk-latn/…), and the typography of the rendered pages."""

import json
import re

import feedparser
import pytest
from lxml import html as lxml_html

from articles.demo import load_demo
from articles.models import ArticleAuthor
from tests.factories import ArticleFactory, AuthorFactory, RubricFactory, trilingual_article

pytestmark = pytest.mark.django_db

NB = "\u00a0"
CYRILLIC = re.compile("[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")


def tree_of(response):
    return lxml_html.fromstring(response.content.decode())


def text_of(element) -> str:
    # Regular white space collapsed; no-break spaces kept (str.split() would drop them).
    return re.sub(r"[ \t\r\n]+", " ", element.text_content()).strip()


def main_text(response) -> str:
    return text_of(tree_of(response).xpath("//main")[0])


@pytest.fixture
def kazakh_article():
    rubric = RubricFactory(name_ru="Политика", name_kk="Саясат", slug="politics")
    return trilingual_article(
        rubric=rubric,
        standfirst_kk="Астана мен Рим арасындағы ынтымақтастық",
        released=["ru", "kk", "en"],
    )


@pytest.fixture
def russian_only():
    return ArticleFactory(headline_ru="Только по-русски", headline_kk="", released=["ru"])


def latin_url_of(article) -> str:
    return article.get_absolute_url("kk").replace("/kk/", "/kk-latn/", 1)


# --- the article page ----------------------------------------------------------------------


def test_the_kazakh_article_reads_in_latin_script(client, kazakh_article):
    response = client.get(latin_url_of(kazakh_article))
    assert response.status_code == 200
    tree = tree_of(response)
    assert tree.get("lang") == "kk-Latn"
    assert text_of(tree.xpath("//h1")[0]) == "Qazaqşa taqyryp"
    assert text_of(tree.xpath("//p[@class='standfirst']")[0]) == (
        f"Astana men{NB}Rim arasyndağy yntymaqtastyq"
    )
    assert "Mätın." in main_text(response)
    assert text_of(tree.xpath("//article//h2")[0]) == "Taqyrypşa"
    # Nothing in Cyrillic left in the article (rubric, date, headline, text), but the
    # names of other languages, each marked with its own lang ("Русский").
    article = tree.xpath("//main//article")[0]
    for element in article.xpath(".//*[@lang]"):
        assert element.get("lang") in ("ru", "kk", "en")
        element.drop_tree()
    assert not CYRILLIC.search(text_of(article))
    # The interface strings come from the Kazakh catalogue, transliterated.
    assert text_of(tree.xpath("//form[@role='search']//button")[0]) == "Izdeu"


def test_the_latin_page_is_its_own_canonical_with_hreflang_for_both_scripts(client, kazakh_article):
    response = client.get(latin_url_of(kazakh_article))
    tree = tree_of(response)
    canonical = tree.xpath("//link[@rel='canonical']/@href")[0]
    assert canonical == f"http://testserver{latin_url_of(kazakh_article)}"
    alternates = {
        link.get("hreflang"): link.get("href") for link in tree.xpath("//link[@rel='alternate']")
    }
    assert alternates["kk"] == f"http://testserver{kazakh_article.get_absolute_url('kk')}"
    assert alternates["kk-Latn"] == canonical
    assert alternates["ru"] == f"http://testserver{kazakh_article.get_absolute_url('ru')}"
    assert set(alternates) == {"ru", "kk", "kk-Latn", "en", "x-default"}
    assert tree.xpath("//meta[@property='og:url']/@content")[0] == canonical


def test_the_latin_pages_structured_data_is_in_latin_script_at_its_own_address(
    client, kazakh_article
):
    def structured_data(url):
        tree = tree_of(client.get(url))
        return json.loads(tree.xpath("//script[@type='application/ld+json']")[0].text)

    cyrillic = structured_data(kazakh_article.get_absolute_url("kk"))
    latin = structured_data(latin_url_of(kazakh_article))
    canonical = f"http://testserver{latin_url_of(kazakh_article)}"
    assert latin["url"] == latin["mainEntityOfPage"]["@id"] == canonical
    assert latin["headline"] == "Qazaqşa taqyryp"
    assert latin["description"] == "Astana men Rim arasyndağy yntymaqtastyq"
    assert latin["articleSection"] == "Saiasat"
    assert latin["inLanguage"] == "kk-Latn"
    assert not CYRILLIC.search(json.dumps(latin, ensure_ascii=False))
    # The rest as on the Cyrillic page: dates, the logo, the shape.
    for name in ("datePublished", "dateModified", "isAccessibleForFree", "@type"):
        assert latin[name] == cyrillic[name]
    assert latin["publisher"]["logo"] == cyrillic["publisher"]["logo"]
    assert cyrillic["headline"] == "Қазақша тақырып"
    assert cyrillic["inLanguage"] == "kk"


def test_in_the_latin_structured_data_only_names_shown_in_another_language_stay_cyrillic(client):
    # The rubric is named as the language switcher's Kazakh link, which stays Cyrillic.
    rubric = RubricFactory(name_ru="Казахский", name_kk="Қазақ", slug="kazakh")
    article = trilingual_article(rubric=rubric, released=["ru", "kk"])
    for position, author in enumerate(
        (AuthorFactory(name_ru="Иван Петров"), AuthorFactory(name_kk="Асқар Жұмабаев"))
    ):
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    tree = tree_of(client.get(latin_url_of(article)))
    byline = tree.xpath("//p[@class='byline']")[0]
    assert text_of(byline) == "Иван Петров, Asqar Jūmabaev"
    assert tree.xpath("//a[@lang='kk']")[0].text_content() == "Қазақ"
    data = json.loads(tree.xpath("//script[@type='application/ld+json']")[0].text)
    assert [author["name"] for author in data["author"]] == ["Иван Петров", "Asqar Jūmabaev"]
    assert data["articleSection"] == "Qazaq"


def test_every_page_offers_kazakh_in_latin_script_where_kazakh_is_released(
    client, kazakh_article, russian_only
):
    tree = tree_of(client.get(kazakh_article.get_absolute_url("ru")))
    alternates = {
        link.get("hreflang"): link.get("href") for link in tree.xpath("//link[@rel='alternate']")
    }
    assert alternates["kk-Latn"] == f"http://testserver{latin_url_of(kazakh_article)}"
    switcher = tree.xpath("//nav[@class='languages']//a[@hreflang='kk-Latn']")[0]
    assert text_of(switcher) == "Qazaqşa"
    assert switcher.get("href") == latin_url_of(kazakh_article)
    # Not released in Kazakh: no Kazakh alternate in either script.
    tree = tree_of(client.get(russian_only.get_absolute_url("ru")))
    hreflangs = tree.xpath("//link[@rel='alternate']/@hreflang")
    assert "kk" not in hreflangs and "kk-Latn" not in hreflangs


def test_the_switcher_on_a_latin_page_links_back_to_cyrillic(client, kazakh_article):
    tree = tree_of(client.get(latin_url_of(kazakh_article)))
    current = tree.xpath("//nav[@class='languages']//*[@aria-current='page']")[0]
    assert text_of(current) == "Qazaqşa"
    assert current.get("lang") == "kk-Latn"
    cyrillic = tree.xpath("//nav[@class='languages']//a[@hreflang='kk']")[0]
    assert text_of(cyrillic) == "Қазақ"  # Django's name of the language
    assert cyrillic.get("href") == kazakh_article.get_absolute_url("kk")
    # Links between Kazakh pages stay in Latin script.
    rubric_links = tree.xpath("//nav[@class='rubrics']//a/@href")
    assert rubric_links == ["/kk-latn/politics/"]
    assert tree.xpath("//a[@class='site-name']/@href") == ["/kk-latn/"]
    assert tree.xpath("//form[@role='search']/@action") == ["/kk-latn/search/"]


def test_a_wrong_slug_redirects_within_the_latin_script(client, kazakh_article):
    response = client.get(f"/kk-latn/articles/{kazakh_article.pk}-wrong/")
    assert response.status_code == 301
    assert response["Location"] == latin_url_of(kazakh_article)
    response = client.get("/kk-latn")
    assert response.status_code == 301
    assert response["Location"] == "/kk-latn/"


# --- nothing that is not public in Kazakh ----------------------------------------------------


def test_nothing_unreleased_in_kazakh_shows_in_latin_script(client, kazakh_article, russian_only):
    draft = trilingual_article(status="draft")
    archived = trilingual_article(status="archived", standfirst_kk="Мұрағат лиды")
    for article in (russian_only, draft, archived):
        url = f"/kk-latn/articles/{article.pk}-{article.slug_ru or 'x'}/"
        assert client.get(url).status_code == 404
    front = main_text(client.get("/kk-latn/"))
    assert "Qazaqşa taqyryp" in front
    assert "Mūrağat" not in front
    assert "по-русски" not in front and "po-russki" not in front
    rubric = client.get("/kk-latn/politics/")
    assert rubric.status_code == 200
    assert "Qazaqşa taqyryp" in main_text(rubric)


def test_the_404_page_is_in_latin_script_too(client):
    response = client.get("/kk-latn/articles/999999-nothing/")
    assert response.status_code == 404
    tree = tree_of(response)
    assert tree.get("lang") == "kk-Latn"
    assert not CYRILLIC.search(text_of(tree.xpath("//main")[0]))


# --- search, feeds, sitemap ------------------------------------------------------------------


def test_search_finds_a_latin_query_in_the_cyrillic_text(client, kazakh_article):
    response = client.get("/kk-latn/search/", {"q": "Qazaqşa"})
    assert response.status_code == 200
    assert "Qazaqşa taqyryp" in main_text(response)
    assert tree_of(response).xpath("//main//a[contains(@href, '/articles/')]/@href") == [
        latin_url_of(kazakh_article)
    ]
    # The same search in the Kazakh (Cyrillic) pages, for comparison.
    assert "Қазақша тақырып" in main_text(client.get("/kk/search/", {"q": "Қазақша"}))
    # The box keeps the reader's Latin query.
    box = tree_of(response).xpath("//input[@name='q']/@value")
    assert box and box[0] == "Qazaqşa"


def test_search_in_latin_script_finds_nothing_unreleased_in_kazakh(client, russian_only):
    response = client.get("/kk-latn/search/", {"q": "Tolko"})
    assert response.status_code == 200
    assert "Tolko" not in main_text(response).replace("Tolko", "", 1)


def test_the_latin_feed_is_transliterated_and_links_to_latin_pages(client, kazakh_article):
    response = client.get("/kk-latn/feeds/latest.xml")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert feed.feed.language == "kk-Latn"
    assert not CYRILLIC.search(feed.feed.title)
    assert [entry.title for entry in feed.entries] == ["Qazaqşa taqyryp"]
    assert feed.entries[0].link == f"http://testserver{latin_url_of(kazakh_article)}"


def test_the_sitemap_lists_the_latin_pages_with_their_hreflang(
    client, kazakh_article, russian_only
):
    index = client.get("/sitemap.xml").content.decode()
    sections = re.findall(r"<loc>http://testserver(/sitemap-[a-z]+\.xml[^<]*)</loc>", index)
    assert sections
    content = "".join(client.get(section).content.decode() for section in sections)
    latin = f"http://testserver{latin_url_of(kazakh_article)}"
    assert f"<loc>{latin}</loc>" in content
    assert f'hreflang="kk-Latn" href="{latin}"' in content
    assert "<loc>http://testserver/kk-latn/</loc>" in content
    assert f"/kk-latn/articles/{russian_only.pk}-" not in content


# --- typography on the rendered page ---------------------------------------------------------


def test_the_rendered_seed_article_has_newspaper_typography(client):
    report = load_demo()
    seed = report.seed_article
    response = client.get(seed.get_absolute_url("ru"))
    assert response.status_code == 200
    text = main_text(response)
    assert f"—{NB}Господин Президент, я{NB}очень рад видеть Вас здесь" in text
    assert f"отношений,{NB}— отметил Глава государства." in text
    assert "«Центральная Азия плюс»" in text
    assert f"«ЦА{NB}— Италия»" in text
    assert f"в{NB}1992{NB}году" in text
    assert " – " not in text
    # Markup and addresses are untouched: the same links as before typesetting.
    tree = tree_of(response)
    assert all(" " not in href for href in tree.xpath("//a/@href"))
