"""Public reads are plain filters on stored, indexed columns (DESIGN.md "Content model").

The public lists read the article table alone, through an index that also gives their
order; the rendition view decides from the photo's own row whether a photo is public;
the photographer page costs the same number of queries however many articles show the
photographer's photos. The plan checks run on whichever database the suite runs on:
PostgreSQL's EXPLAIN (FORMAT JSON) or SQLite's EXPLAIN QUERY PLAN.
"""

import datetime as dt
import json

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.models import Article
from media_credits.renditions import rendition_url
from tests.factories import trilingual_article
from tests.photos import photo, photographer

pytestmark = pytest.mark.django_db

LANGUAGES = ("ru", "kk", "en")
#: Tables a public list must not read: the visibility is stored on the article row.
NOT_READ = (
    "articles_section",
    "articles_galleryphoto",
    "media_credits_photo",
    "articles_transition",
)
ALT_TEXT = {"alt_text_ru": "Описание", "alt_text_kk": "Сипаттама", "alt_text_en": "Description"}


# -- fixture data: a few thousand articles, written directly -----------------------------


def fill_articles(count=2000):
    """Articles in every state and release combination; flags set directly (test data only)."""
    now = timezone.now()
    rows = []
    for n in range(count):
        published = n % 4 != 0
        rows.append(
            Article(
                headline_ru=f"Статья {n}",
                slug_ru=f"statya-{n}",
                status=Article.Status.PUBLISHED if published else Article.Status.DRAFT,
                # One in nine is scheduled.
                published_at=now + dt.timedelta(days=1)
                if n % 9 == 0
                else now - dt.timedelta(minutes=n),
                released_ru=published and n % 5 != 0,
                released_kk=published and n % 3 == 0,
                released_en=published and n % 7 == 0,
            )
        )
    Article.objects.bulk_create(rows, batch_size=500)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE articles_article" if connection.vendor == "postgresql" else "ANALYZE"
        )


# -- reading plans -----------------------------------------------------------------------


def postgres_plan_nodes(queryset):
    plan = json.loads(queryset.explain(format="json"))[0]["Plan"]
    nodes, stack = [], [plan]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node.get("Plans", []))
    return nodes


def sqlite_plan_lines(queryset):
    return [line.strip() for line in queryset.explain().splitlines() if line.strip()]


def assert_reads_only_the_article_table_through_an_index_in_order(queryset, language):
    if connection.vendor == "postgresql":
        nodes = postgres_plan_nodes(queryset)
        relations = {node["Relation Name"] for node in nodes if "Relation Name" in node}
        assert relations == {"articles_article"}, nodes
        scans = [node for node in nodes if "Relation Name" in node]
        assert [(s["Node Type"], s.get("Index Name")) for s in scans] == [
            ("Index Scan", f"article_public_{language}")
        ], nodes
        # The index gives the order: nothing is sorted.
        assert not [node for node in nodes if node["Node Type"] in ("Sort", "Incremental Sort")]
    else:
        lines = sqlite_plan_lines(queryset)
        plan = " ".join(lines)
        for table in NOT_READ:
            assert table not in plan, lines
        # SQLite matches a partial index only against literals, and Django binds the
        # status as a parameter: it searches the (status, published_at) index instead.
        assert len(lines) == 1, lines
        assert "SEARCH articles_article USING INDEX" in lines[0], lines
        assert "TEMP B-TREE" not in plan, lines


def test_the_newest_public_articles_of_each_language_are_read_from_its_index_alone():
    fill_articles()
    now = timezone.now()
    for language in LANGUAGES:
        queryset = Article.objects.available_in(language).newest_first()[:20]
        assert_reads_only_the_article_table_through_an_index_in_order(queryset, language)
        # And the answer is right: newest first, published, due, released there.
        found = list(queryset)
        assert len(found) == 20
        assert all(
            a.status == Article.Status.PUBLISHED
            and a.published_at <= now
            and getattr(a, f"released_{language}")
            for a in found
        )
        times = [a.published_at for a in found]
        assert times == sorted(times, reverse=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_available_in_is_a_plain_filter_without_subqueries(language):
    sql = str(Article.objects.available_in(language).newest_first().query)
    assert sql.count("SELECT") == 1
    assert "EXISTS" not in sql.upper()
    assert " JOIN " not in sql.upper()
    for table in NOT_READ:
        assert table not in sql


def test_published_is_a_plain_filter_without_subqueries():
    sql = str(Article.objects.published().query)
    assert sql.count("SELECT") == 1
    assert " JOIN " not in sql.upper()
    for table in NOT_READ:
        assert table not in sql


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_front_page_reads_no_section_or_gallery_table(client, language):
    for _ in range(3):
        trilingual_article()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/{language}/")
    assert response.status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    assert sql
    for statement in sql:
        assert "EXISTS" not in statement.upper(), statement
        # Photos are read for the thumbnails (joined by the lead photo's key), never to
        # decide what is public.
        for table in ("articles_section", "articles_galleryphoto"):
            assert table not in statement, statement


# -- the rendition view: the photo row decides ---------------------------------------------


def public_photo(author, editor):
    shown = photo(by=author, size=(640, 400), **ALT_TEXT)
    article = trilingual_article(status=Article.Status.DRAFT, published_at=None, lead_photo=shown)
    workflow.apply(article, "publish", user=editor)
    return shown, article


def a_rendition(shown):
    return rendition_url(shown, width=min(settings.PHOTO_RENDITION_WIDTHS), image_format="webp")


def test_the_rendition_view_serves_a_public_photo_with_two_queries(
    client, editor, django_assert_max_num_queries
):
    author = photographer("Аманкул Дюсенбаев", "Аманкула Дюсенбаева")
    shown, _article = public_photo(author, editor)
    url = a_rendition(shown)
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 302  # made and stored on this request
    for query in first.captured_queries:
        assert "articles_" not in query["sql"], query["sql"]
    # Once stored: the photo row (is it public?) and the rendition row, nothing else.
    with django_assert_max_num_queries(2) as queries:
        assert client.get(url).status_code == 302
    for query in queries.captured_queries:
        assert "articles_" not in query["sql"], query["sql"]


def test_the_rendition_view_refuses_a_draft_photo_from_its_row_alone(
    client, django_assert_max_num_queries
):
    author = photographer("Аманкул Дюсенбаев", "Аманкула Дюсенбаева")
    hidden = photo(by=author, size=(640, 400), **ALT_TEXT)
    trilingual_article(status=Article.Status.DRAFT, published_at=None, lead_photo=hidden)
    with django_assert_max_num_queries(1) as queries:
        assert client.get(a_rendition(hidden)).status_code == 404
    for query in queries.captured_queries:
        assert "articles_" not in query["sql"], query["sql"]


def test_the_rendition_view_does_not_grow_with_the_articles_showing_the_photo(
    client, editor, django_assert_max_num_queries
):
    author = photographer("Аманкул Дюсенбаев", "Аманкула Дюсенбаева")
    shown, _article = public_photo(author, editor)
    for _ in range(4):
        article = trilingual_article(status=Article.Status.DRAFT, published_at=None)
        article.lead_photo = shown
        article.save()
        workflow.apply(article, "publish", user=editor)
    url = a_rendition(shown)
    assert client.get(url).status_code == 302
    with django_assert_max_num_queries(2):
        assert client.get(url).status_code == 302


# -- the photographer page: queries do not grow with articles -------------------------------


def photographer_page_queries(client, author):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/ru/photographers/{author.pk}-{author.slug}/")
    assert response.status_code == 200
    return queries.captured_queries


def test_the_photographer_page_costs_the_same_queries_for_one_article_or_many(
    client, editor, django_assert_max_num_queries
):
    one = photographer("Аманкул Дюсенбаев", "Аманкула Дюсенбаева")
    many = photographer("Еркебулан Укибаев", "Еркебулана Укибаева")
    public_photo(one, editor)
    articles = [public_photo(many, editor)[1] for _ in range(6)]
    baseline = len(photographer_page_queries(client, one))
    with django_assert_max_num_queries(baseline):
        response = client.get(f"/ru/photographers/{many.pk}-{many.slug}/")
    page = response.content.decode()
    for article in articles:
        assert f'href="{Article.objects.get(pk=article.pk).get_absolute_url("ru")}"' in page


# -- lists and the article page read only what they show ------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_read_no_other_languages_text(client, language):
    article = trilingual_article()
    others = [code for code in LANGUAGES if code != language]
    for url in (f"/{language}/", article.get_absolute_url(language)):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        for query in queries.captured_queries:
            for code in others:
                for column in (f'"body_{code}"', f'"standfirst_{code}"', f'"headline_{code}"'):
                    assert column not in query["sql"], (url, query["sql"])
            assert '"source_digests"' not in query["sql"], (url, query["sql"])
