import datetime as dt
import importlib
import re

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import search, workflow
from articles.models import Article, ArticleAuthor, SearchDocument, Section
from tests.factories import ArticleFactory, AuthorFactory, RubricFactory, trilingual_sections

pytestmark = pytest.mark.django_db

RESULT = re.compile(r'<h2><a href="([^"]+)">(.*?)</a></h2>', re.DOTALL)


def results(client, query, language="ru", **params):
    response = client.get(f"/{language}/search/", {"q": query, **params})
    assert response.status_code == 200
    return response


def found(client, query, language="ru"):
    """The headlines on the first page of results, tags (the <mark>s) removed."""
    html = results(client, query, language).content.decode()
    return [re.sub(r"<[^>]+>", "", headline) for _url, headline in RESULT.findall(html)]


def trilingual_article(**kwargs):
    """tests.factories.trilingual_article, with any of its texts replaced."""
    defaults = {
        "headline_kk": "Қазақша тақырып",
        "headline_en": "English headline",
        "sections": trilingual_sections(),
    }
    return ArticleFactory(**{**defaults, **kwargs})


def document(article, language="ru"):
    """The searched text of ``article`` in ``language``, as stored."""
    return getattr(SearchDocument.objects.get(article_id=article.pk), f"text_{language}")


def postgresql():
    return connection.vendor == "postgresql"


# -- what is found ------------------------------------------------------------------------


def test_finds_an_article_by_a_headline_word_and_by_a_body_word(client):
    ArticleFactory(
        headline_ru="Особые узы дружбы",
        sections=[{"body_ru": "<p>Переговоры прошли в <strong>Астане</strong>.</p>"}],
    )
    ArticleFactory(headline_ru="Другая новость")
    assert found(client, "узы") == ["Особые узы дружбы"]
    assert found(client, "Астане") == ["Особые узы дружбы"]
    # Case does not matter, in Cyrillic too (SQLite's LIKE would fold ASCII only).
    assert found(client, "АСТАНЕ") == ["Особые узы дружбы"]


def test_finds_standfirst_and_subhead_words_and_words_split_by_tags(client):
    ArticleFactory(
        headline_ru="Заголовок",
        standfirst_ru="Лид о сотрудничестве.",
        sections=[
            {"body_ru": "<p>Первый</p><p>абзац.</p>"},
            {"subhead_ru": "Потенциал роста", "body_ru": "<ul><li>один</li><li>два</li></ul>"},
        ],
    )
    assert found(client, "сотрудничестве") == ["Заголовок"]
    assert found(client, "Потенциал") == ["Заголовок"]
    # Block tags separate words: "Первый</p><p>абзац" is two words, not "Первыйабзац".
    assert "Первый абзац." in document(Article.objects.get())
    assert "один два" in document(Article.objects.get())


def test_every_word_of_the_query_must_match(client):
    ArticleFactory(headline_ru="Экономика Казахстана", sections=[{"body_ru": "<p>Рост.</p>"}])
    ArticleFactory(headline_ru="Экономика Италии", sections=[{"body_ru": "<p>Спад.</p>"}])
    assert found(client, "экономика рост") == ["Экономика Казахстана"]
    assert sorted(found(client, "экономика")) == ["Экономика Италии", "Экономика Казахстана"]


def test_russian_stemming(client):
    ArticleFactory(headline_ru="Особые узы дружбы")
    if postgresql():
        # The russian configuration: "дружба" and "дружбы" are one word.
        assert found(client, "дружба") == ["Особые узы дружбы"]
        assert found(client, "дружбе") == ["Особые узы дружбы"]
    else:
        # SQLite: plain substring matching, no stemming.
        assert found(client, "дружба") == []
        assert found(client, "дружб") == ["Особые узы дружбы"]


def test_english_stemming(client):
    trilingual_article(
        headline_en="Election day in Almaty",
        sections=[
            {"body_ru": "<p>Текст.</p>", "body_kk": "<p>Мәтін.</p>", "body_en": "<p>Voters.</p>"}
        ],
    )
    if postgresql():
        assert found(client, "elections", "en") == ["Election day in Almaty"]
        assert found(client, "voter", "en") == ["Election day in Almaty"]
    else:
        assert found(client, "elections", "en") == []
        assert found(client, "election", "en") == ["Election day in Almaty"]


def test_kazakh_is_searched_by_word_prefix(client):
    trilingual_article(
        headline_kk="Мәдениет орталығы ашылды",
        sections=[
            {
                "body_ru": "<p>Текст.</p>",
                "body_kk": "<p>Жаңа <b>кітапхана</b> жұмыс істейді.</p>",
                "body_en": "<p>Text.</p>",
            }
        ],
    )
    assert found(client, "мәдени", "kk") == ["Мәдениет орталығы ашылды"]
    assert found(client, "МӘДЕНИЕТ", "kk") == ["Мәдениет орталығы ашылды"]
    assert found(client, "кітап орталы", "kk") == ["Мәдениет орталығы ашылды"]
    assert found(client, "мәдени театр", "kk") == []


def test_a_language_is_searched_in_its_own_text_only(client):
    trilingual_article(headline_kk="Қазақша тақырып", headline_en="English headline")
    assert found(client, "Мәтін", "kk") == ["Қазақша тақырып"]
    assert found(client, "Мәтін", "ru") == []
    assert found(client, "Мәтін", "en") == []
    assert found(client, "English", "ru") == []


def test_headline_matches_rank_above_body_only_matches(client):
    now = timezone.now()
    body_only = [
        ArticleFactory(
            headline_ru=f"Новость номер {n}",
            published_at=now - dt.timedelta(minutes=n),
            sections=[{"body_ru": "<p>Обсудили урожай зерна и урожай хлопка. Урожай.</p>"}],
        )
        for n in range(1, 4)
    ]
    in_headline = ArticleFactory(
        headline_ru="Урожай зерна",
        published_at=now - dt.timedelta(days=30),
        sections=[{"body_ru": "<p>Текст без этого слова.</p>"}],
    )
    headlines = found(client, "урожай")
    assert headlines[0] == in_headline.headline_ru
    assert sorted(headlines[1:]) == sorted(a.headline_ru for a in body_only)


def test_among_body_matches_the_better_ranked_comes_first_on_postgresql(client):
    now = timezone.now()
    newer = ArticleFactory(
        headline_ru="Новость дня",
        published_at=now - dt.timedelta(hours=1),
        sections=[{"body_ru": "<p>Сегодня обсуждали многое, и урожай тоже.</p>"}],
    )
    older = ArticleFactory(
        headline_ru="Итоги сезона",
        published_at=now - dt.timedelta(days=3),
        sections=[{"body_ru": "<p>Урожай. Урожай зерна, урожай хлопка, урожай риса.</p>"}],
    )
    headlines = found(client, "урожай")
    if postgresql():
        # ts_rank: four mentions in a short text outrank one.
        assert headlines == [older.headline_ru, newer.headline_ru]
    else:
        # SQLite has no rank: the newest first.
        assert headlines == [newer.headline_ru, older.headline_ru]


def test_snippet_marks_the_match_and_escapes_the_article_and_the_query(client):
    ArticleFactory(
        headline_ru="Дружба: 1 < 2 & 3 > 0",
        sections=[
            {
                "body_ru": "<p>Текст &lt;script&gt;alert(1)&lt;/script&gt; о дружбе "
                "<strong>народов</strong>, 1 &lt; 2 &amp;&amp; 3 &gt; 0, "
                '<a href="https://example.com/">ссылка</a>.</p>'
            }
        ],
    )
    html = results(client, "дружбе").content.decode()
    snippet = re.search(r'<p class="snippet">(.*?)</p>', html, re.DOTALL).group(1)
    assert "<mark>дружбе</mark>" in snippet
    assert "1 &lt; 2 &amp;&amp; 3 &gt; 0" in snippet
    # No markup but the marks: neither the article's nor its links.
    assert re.sub(r"</?mark>", "", snippet) == re.sub(r"<[^>]*>", "", snippet)
    assert "<script" not in snippet and "<strong>" not in snippet and "<a " not in snippet
    if postgresql():
        # ts_headline leaves out what its parser reads as a tag; the rest is kept.
        assert "alert(1)" in snippet
    else:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in snippet
    headline = RESULT.search(html).group(2)
    assert "1 &lt; 2 &amp; 3 &gt; 0" in headline
    assert re.sub(r"</?mark>", "", headline) == re.sub(r"<[^>]*>", "", headline)
    if postgresql():
        assert "<mark>Дружба</mark>" in headline  # stemmed: "дружбе" is the same word
    else:
        assert "<mark>" not in headline  # "дружбе" is not in "Дружба"
    # The query is shown back escaped.
    hostile = results(client, '<script>alert("x")</script> дружбе').content.decode()
    assert "<script>" not in hostile
    assert "&lt;script&gt;" in hostile


def snippet_of(client, query, language="ru"):
    html = results(client, query, language).content.decode()
    return re.search(r'<p class="snippet">(.*?)</p>', html, re.DOTALL).group(1)


#: ~12,000 characters of distinct words: what comes before a match deep in an article.
FILLER = " ".join(f"слово{n}" for n in range(1500))


def test_a_match_deep_in_a_long_article_is_shown_in_the_snippet(client):
    ArticleFactory(
        headline_ru="Длинный материал",
        sections=[
            {"body_ru": f"<p>{FILLER}</p>"},
            {"body_ru": "<p>Здесь говорится об урожае пшеницы. Сотрудничество растёт.</p>"},
        ],
    )
    snippet = snippet_of(client, "урожае")
    assert "<mark>урожае</mark> пшеницы" in snippet
    # The fragment starts at a whole word of the text, not inside one.
    first_word = re.sub(r"</?mark>", "", snippet).removeprefix("… ").split()[0]
    assert first_word in {*FILLER.split(), "Здесь", "говорится", "об", "урожае"}
    # A word capitalised at the start of a sentence is found too.
    assert "<mark>Сотрудничество</mark> растёт" in snippet_of(client, "сотрудничество")


def test_the_snippet_is_where_a_word_begins_not_where_it_is_part_of_another(client):
    ArticleFactory(
        headline_ru="Итоги",
        headline_kk="Қорытынды",
        sections=[
            {"body_ru": "<p>Был неурожай.</p>", "body_kk": "<p>Бала ойнады.</p>"},
            {"body_ru": f"<p>{FILLER}</p>", "body_kk": f"<p>{FILLER}</p>"},
            {"body_ru": "<p>Новый урожай собран.</p>", "body_kk": "<p>Бақта алма піседі.</p>"},
        ],
    )
    if postgresql():
        # "урож" is inside "неурожай", and the Kazakh prefix "ал" inside "Бала": neither
        # is where the snippet is cut from.
        assert "<mark>урожай</mark> собран" in snippet_of(client, "урожай")
        assert "<mark>алма</mark> піседі" in snippet_of(client, "ал", "kk")
    else:
        # SQLite matches substrings: the first one is the snippet's.
        assert "не<mark>урожай</mark>" in snippet_of(client, "урожай")
        assert "Б<mark>ал</mark>а" in snippet_of(client, "ал", "kk")


def test_a_kazakh_match_deep_in_a_long_article_is_shown_in_the_snippet(client):
    ArticleFactory(
        headline_ru="Материал",
        headline_kk="Ұзын мақала",
        sections=[
            {"body_ru": "<p>Текст.</p>", "body_kk": f"<p>{FILLER} Мәдениет орталығы ашылды.</p>"}
        ],
    )
    assert "<mark>Мәдениет</mark> орталығы" in snippet_of(client, "мәдениет", "kk")


def test_a_headline_is_shown_whole_whatever_it_contains(client):
    ArticleFactory(headline_ru="Тег <b>дружбы</b> и <дружба> в заголовке")
    html = results(client, "заголовке").content.decode()
    headline = re.sub(r"</?mark>", "", RESULT.search(html).group(2))
    assert headline == "Тег &lt;b&gt;дружбы&lt;/b&gt; и &lt;дружба&gt; в заголовке"


def test_marks_come_only_from_the_search():
    # ts_headline's marks are private-use characters, removed from every stored text; a
    # stray or unbalanced one still gives balanced markup.
    assert search.marked_to_html("a \ue000<b>\ue001 c") == "a <mark>&lt;b&gt;</mark> c"
    assert search.marked_to_html("\ue001x\ue000y\ue000z") == "x<mark>yz</mark>"
    assert search.marked_to_html(None) == ""
    assert search.plain_text("<p>a\ue000b\x00c</p>") == "a b c"
    assert search.highlight("<i>Дружба</i>", ["дружба"]) == "&lt;i&gt;<mark>Дружба</mark>&lt;/i&gt;"


HOSTILE_QUERIES = [
    "",
    " ",
    "x" * 10_000,
    "дружба " * 1500,
    "'; DROP TABLE articles_article; --",
    "<script>alert(1)</script>",
    "!!! ??? ... ,,, ---",
    '"',
    "'",
    "\\",
    "(((",
    "a:* & !b | (c",
    "дружба:* <-> !",
    "½ ¾ ²",
    "_ __ a_b",
    "-дружба",
    '"незакрытая цитата',
    "%",
    "%_%",
    "\u200b\u00ad",
    "\U0001f600",
    "\ufffd",
    "or OR and -",
]


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_any_query_gives_a_page(client, language):
    trilingual_article(headline_ru="Особые узы дружбы")
    for query in HOSTILE_QUERIES:
        response = client.get(f"/{language}/search/", {"q": query})
        # Longer queries are refused (tests/articles/test_search_limits.py).
        too_long = len(query) > settings.SEARCH_MAX_QUERY_LENGTH
        assert response.status_code == (400 if too_long else 200), query
    for raw in ("q=%ED%A0%80", "q=%FF%FE", "q=a&q=b", "q=x&page=abc",
                "q=x&page=-1", "q=x&page=99999", "q=%E0%A4", "page=2"):  # fmt: skip
        assert client.get(f"/{language}/search/?{raw}").status_code == 200, raw
    assert Article.objects.count() == 1


def test_an_empty_or_wordless_query_shows_the_form_without_searching(client):
    ArticleFactory(headline_ru="Особые узы дружбы")
    for query in ("", "   ", "!!! ???", "\u200b"):
        with CaptureQueriesContext(connection) as queries:
            response = results(client, query)
        assert not [q for q in queries.captured_queries if "articles_article" in q["sql"]]
        html = response.content.decode()
        assert '<label for="search-q">' in html
        assert 'id="search-q"' in html
        assert "Особые узы дружбы" not in html


def test_nothing_found_says_so(client):
    ArticleFactory(headline_ru="Особые узы дружбы")
    html = results(client, "вулкан").content.decode()
    assert "вулкан" in html
    assert not RESULT.findall(html)


def test_only_the_first_characters_of_a_long_query_are_used():
    assert len(search.clean_query("дружба " * 100)) == settings.SEARCH_MAX_QUERY_LENGTH
    assert search.clean_query("a\x00b\td\ud800") == "a b d?"
    assert search.query_words("a_b, «мәдени»! 12") == ["a", "b", "мәдени", "12"]


def test_results_are_paginated(client):
    now = timezone.now()
    for n in range(search.PAGE_SIZE + 5):
        ArticleFactory(
            headline_ru=f"Урожай {n:02d}",
            published_at=now - dt.timedelta(minutes=n),
            sections=[{"body_ru": "<p>Текст.</p>"}],
        )
    first = results(client, "урожай").content.decode()
    assert len(RESULT.findall(first)) == search.PAGE_SIZE
    assert str(search.PAGE_SIZE + 5) in first  # the count
    next_link = re.search(r'<a rel="next" href="([^"]+)"', first).group(1)
    assert "q=" in next_link and "page=2" in next_link
    second = client.get("/ru/search/" + next_link.replace("&amp;", "&")).content.decode()
    on_second = [re.sub(r"<[^>]+>", "", h) for _u, h in RESULT.findall(second)]
    assert len(on_second) == 5
    on_first = {re.sub(r"<[^>]+>", "", h) for _u, h in RESULT.findall(first)}
    assert not on_first & set(on_second)
    assert 'rel="prev"' in second


def test_only_the_most_recent_matches_are_ranked(client, monkeypatch):
    now = timezone.now()
    oldest = ArticleFactory(headline_ru="Урожай", published_at=now - dt.timedelta(days=9))
    newer = [
        ArticleFactory(
            headline_ru=f"Новость {n}",
            published_at=now - dt.timedelta(hours=n),
            sections=[{"body_ru": "<p>Урожай зерна.</p>"}],
        )
        for n in range(1, 5)
    ]
    assert found(client, "урожай")[0] == oldest.headline_ru  # the headline match first
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    results = search.search("ru", "урожай")
    assert results.count() == 3
    assert [a.pk for a in results] == [a.pk for a in newer[:3]]
    html = client.get("/ru/search/", {"q": "урожай"}).content.decode()
    assert 'class="search-limit"' in html
    assert "(3)" in html


def test_result_links_to_the_article_in_the_pages_language(client):
    article = trilingual_article(headline_kk="Мәдениет орталығы")
    html = results(client, "мәдениет", "kk").content.decode()
    [(url, _headline)] = RESULT.findall(html)
    assert url == article.get_absolute_url("kk")


# -- nothing non-public -------------------------------------------------------------------


def test_nothing_non_public_is_found(client, editor):
    now = timezone.now()
    secret = {"sections": [{"body_ru": "<p>Секретный вулкан.</p>"}]}
    ArticleFactory(headline_ru="Вулкан черновик", status=Article.Status.DRAFT, **secret)
    ArticleFactory(headline_ru="Вулкан на проверке", status=Article.Status.IN_REVIEW, **secret)
    ArticleFactory(
        headline_ru="Вулкан по расписанию", published_at=now + dt.timedelta(hours=2), **secret
    )
    ArticleFactory(headline_ru="Вулкан в архиве", status=Article.Status.ARCHIVED, **secret)
    unpublished = ArticleFactory(headline_ru="Вулкан снят", **secret)
    workflow.apply(unpublished, "unpublish", user=editor, comment="Ошибка в тексте")
    withdrawn = trilingual_article(headline_kk="Жанартау қайтарылған")
    workflow.apply(withdrawn, "withdraw", user=editor, languages=["kk"], comment="Перевод")
    trilingual_article(headline_kk="Жанартау шығарылмаған", released=["ru", "en"])
    # Only Russian is complete: the Kazakh headline alone is never public in Kazakh.
    ArticleFactory(headline_ru="Русский вулкан", headline_kk="Жанартау аудармасы")
    visible = ArticleFactory(headline_ru="Вулкан открыт", **secret)

    assert set(found(client, "вулкан")) == {"Русский вулкан", visible.headline_ru}
    assert found(client, "секретный") == ["Вулкан открыт"]
    assert found(client, "жанартау", "kk") == []
    assert found(client, "Мәтін", "kk") == []
    # The same articles once public are found: the search is not simply blind.
    assert len(found(client, "Текст", "ru")) == 2  # the trilingual ones, public in Russian


def test_a_scheduled_article_is_found_once_due(client, settings):
    article = ArticleFactory(
        headline_ru="Вулкан завтра", published_at=timezone.now() + dt.timedelta(days=1)
    )
    assert found(client, "вулкан") == []
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert found(client, "вулкан") == ["Вулкан завтра"]


# -- the stored document follows the text -------------------------------------------------


def test_editing_adding_and_removing_sections_updates_what_is_found(client):
    article = ArticleFactory(headline_ru="Заголовок", sections=[{"body_ru": "<p>Вулкан.</p>"}])
    assert found(client, "вулкан") == ["Заголовок"]
    section = article.sections.get()
    section.body_ru = "<p>Гейзер.</p>"
    section.save()
    assert found(client, "вулкан") == []
    assert found(client, "гейзер") == ["Заголовок"]
    extra = Section.objects.create(article=article, position=2, body_ru="<p>Ледник.</p>")
    assert found(client, "ледник") == ["Заголовок"]
    extra.delete()
    assert found(client, "ледник") == []
    article = Article.objects.get(pk=article.pk)
    article.standfirst_ru = "Лид про каньон."
    article.save()
    assert found(client, "каньон") == ["Заголовок"]
    article = Article.objects.get(pk=article.pk)
    article.headline_ru = "Новый заголовок"
    article.save()
    assert found(client, "новый") == ["Новый заголовок"]


def test_a_transaction_writing_many_sections_refreshes_the_document_once_at_commit(
    django_capture_on_commit_callbacks,
):
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        article = Article.objects.create(headline_ru="Заголовок", standfirst_ru="Лид.")
        for position in range(1, 101):
            Section.objects.create(
                article=article, position=position, body_ru=f"<p>Абзац {position}.</p>"
            )
        # Not yet: the document is written when the transaction commits.
        assert not SearchDocument.objects.filter(article_id=article.pk).exists()
    stored = document(article)
    assert stored.startswith("Лид.\nАбзац 1.\nАбзац 2.")
    assert stored.endswith("Абзац 100.")
    writes = [q["sql"] for q in queries.captured_queries if "articles_searchdocument" in q["sql"]]
    assert len(writes) == 2, writes  # the check above and the one write at commit


def test_a_rolled_back_write_leaves_no_stale_document(django_capture_on_commit_callbacks):
    article = ArticleFactory(sections=[{"body_ru": "<p>Вулкан.</p>"}])
    search.flush()
    section = article.sections.get()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                section.body_ru = "<p>Гейзер.</p>"
                section.save()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        other = ArticleFactory(sections=[{"body_ru": "<p>Ледник.</p>"}])
    assert document(article) == "Короткий лид.\nВулкан."
    assert document(other) == "Короткий лид.\nЛедник."


def test_refresh_rebuilds_documents_of_many_articles_at_once():
    first = ArticleFactory(sections=[{"body_ru": "<p>Раз.</p>"}])
    second = ArticleFactory(sections=[{"body_ru": "<p>Два.</p>"}])
    SearchDocument.objects.all().delete()
    search.refresh([first.pk, second.pk, None])
    assert document(first) == "Короткий лид.\nРаз."
    assert document(second) == "Короткий лид.\nДва."
    SearchDocument.objects.filter(article=first).update(text_ru="")
    search.refresh([first.pk])
    assert document(first) == "Короткий лид.\nРаз."
    search.refresh([])


def test_deleting_an_article_deletes_its_sections_and_document():
    article = ArticleFactory()
    search.flush()
    assert SearchDocument.objects.filter(article=article).exists()
    article.delete()
    assert not Section.objects.exists()
    assert not SearchDocument.objects.exists()
    search.flush()  # nothing left to refresh, and no error


def test_other_public_pages_do_not_read_the_search_documents(client):
    ArticleFactory(headline_ru="Особые узы дружбы")
    search.flush()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/ru/").status_code == 200
    assert queries.captured_queries
    assert not [q for q in queries.captured_queries if "searchdocument" in q["sql"]]


# -- cost -----------------------------------------------------------------------------------


def test_search_takes_three_queries_whatever_the_size(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    rubric = RubricFactory()
    authors = [AuthorFactory() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):  # the writes commit
        for n in range(30):
            article = ArticleFactory(
                headline_ru=f"Урожай {n}",
                rubric=rubric if n % 2 else None,
                sections=[{"body_ru": f"<p>Урожай зерна {n}.</p>"} for _ in range(4)],
            )
            for position, author in enumerate(authors):
                ArticleAuthor.objects.create(article=article, author=author, position=position)
    # The newest matches with their rank, the page's articles highlighted, the rubrics.
    with django_assert_max_num_queries(3):
        response = results(client, "урожай")
    assert len(RESULT.findall(response.content.decode())) == search.PAGE_SIZE
    with django_assert_max_num_queries(3):
        second = results(client, "урожай", page=2)
    assert len(RESULT.findall(second.content.decode())) == 30 - search.PAGE_SIZE


def test_only_the_newest_matches_are_ranked_whatever_the_plan(client):
    for n in range(3):
        ArticleFactory(headline_ru=f"Урожай {n}", sections=[{"body_ru": "<p>Урожай.</p>"}])
    with CaptureQueriesContext(connection) as captured:
        assert len(found(client, "урожай")) == 3
    ranking = [
        q["sql"]
        for q in captured.captured_queries
        if "in_headline" in q["sql"] or "ts_rank(" in q["sql"]
    ]
    assert len(ranking) == 1
    sql = ranking[0]
    # The match and its LIMIT are a subquery; the rank is computed outside it, on the
    # MAX_RESULTS rows it keeps (in its own select list, a plan sorting every match would
    # rank them all first).
    subquery = sql.index("(SELECT")
    assert f"LIMIT {search.MAX_RESULTS})" in sql[subquery:]
    if postgresql():
        assert "ts_rank(" in sql[:subquery]
        assert "ts_rank(" not in sql[subquery:]


def test_the_search_uses_the_gin_index_on_postgresql_and_a_full_match_on_sqlite():
    now = timezone.now()
    words = ["поле", "урожай", "зерно", "река", "город", "степь", "ветер", "дорога"]
    articles = Article.objects.bulk_create(
        [
            Article(
                headline_ru=f"Новость {n}",
                slug_ru=f"novost-{n}",
                status=Article.Status.PUBLISHED,
                published_at=now - dt.timedelta(minutes=n),
                released_ru=True,
            )
            for n in range(2000)
        ]
    )
    SearchDocument.objects.bulk_create(
        [
            SearchDocument(
                article_id=article.pk,
                headline_ru=article.headline_ru,
                text_ru=" ".join(words[(n + k) % len(words)] for k in range(40))
                + (" вулканический" if n % 500 == 0 else ""),
            )
            for n, article in enumerate(articles)
        ]
    )
    results = search.search("ru", "вулканический")
    assert results.count() == 4
    if postgresql():
        with connection.cursor() as cursor:
            # What autovacuum does after bulk inserts: move the GIN index's pending list
            # into the index proper, and gather statistics.
            cursor.execute("SELECT gin_clean_pending_list('article_search_ru')")
            cursor.execute("ANALYZE articles_article")
            cursor.execute("ANALYZE articles_searchdocument")
        plan = results.queryset.values_list("pk", flat=True)[: search.PAGE_SIZE].explain()
        assert "article_search_ru" in plan, plan
        assert "Seq Scan on articles_searchdocument" not in plan, plan
    else:
        # SQLite has no full text index here: the plain match reads the table.
        plan = results.queryset.values_list("pk", flat=True)[: search.PAGE_SIZE].explain()
        assert "articles_article" in plan
        assert [a.headline_ru for a in results[:10]] == [
            "Новость 0",
            "Новость 500",
            "Новость 1000",
            "Новость 1500",
        ]


# -- the migration fills the documents of existing articles ---------------------------------

BEFORE = [("articles", "0007_workflow_state_and_roles")]
AFTER = [("articles", "0008_search")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_the_search_documents_of_existing_articles():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    OldArticle = old_apps.get_model("articles", "Article")
    OldSection = old_apps.get_model("articles", "Section")
    article = OldArticle.objects.create(
        headline_ru="Особые узы дружбы",
        standfirst_ru="Лид.",
        status="published",
        published_at=timezone.now() - dt.timedelta(hours=1),
        released_ru=True,
    )
    OldSection.objects.create(
        article=article, position=2, subhead_ru="Потенциал", body_ru="<p>Б</p>"
    )
    OldSection.objects.create(article=article, position=1, body_ru="<p>А &amp; <i>В</i></p>")
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    stored = new_apps.get_model("articles", "SearchDocument").objects.get(article_id=article.pk)
    assert stored.headline_ru == "Особые узы дружбы"
    assert stored.text_ru == "Лид.\nА & В\nПотенциал\nБ"
    assert stored.text_kk == ""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    results = search.search("ru", "потенциал")
    assert [a.pk for a in results] == [article.pk]
    if postgresql():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'articles_searchdocument'"
                " AND indexname LIKE 'article_search_%%'"
            )
            assert sorted(row[0] for row in cursor.fetchall()) == [
                "article_search_en",
                "article_search_kk",
                "article_search_ru",
            ]


def compression(article_id) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(text_ru), pg_column_compression(search_vector_ru)"
            " FROM articles_searchdocument WHERE article_id = %s",
            [article_id],
        )
        return cursor.fetchone()


LZ4_MIGRATION = importlib.import_module("articles.migrations.0013_search_lz4")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="column compression is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_search_documents_are_compressed_with_lz4_old_and_new():
    if not LZ4_MIGRATION._lz4_available(connection):
        pytest.skip("this PostgreSQL server has no lz4 (the migration leaves pglz)")
    long_text = " ".join(f"слово{n} урожай" for n in range(2000))
    old = ArticleFactory(headline_ru="Старый", sections=[{"body_ru": f"<p>{long_text}</p>"}])
    search.flush()
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0012_search_headline_vectors")])  # back to pglz
    assert compression(old.pk) == ("pglz", "pglz")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert compression(old.pk) == ("lz4", "lz4")  # rewritten
    new = ArticleFactory(headline_ru="Новый", sections=[{"body_ru": f"<p>{long_text}</p>"}])
    search.flush()
    assert compression(new.pk) == ("lz4", "lz4")
    assert [a.pk for a in search.search("ru", "урожай")] == [new.pk, old.pk]
