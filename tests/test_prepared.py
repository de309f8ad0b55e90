"""Prepared querysets (newsroom.prepared): the queryset's own rows, with "now" of each run."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from articles.models import Article, Section
from newsroom.prepared import PreparedQuery
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def sections_of_public(pk):
    return (
        Section.objects.filter(article__in=Article.objects.available_in("ru").filter(pk=pk))
        .select_related("article")
        .only("position", "body_ru", "article__headline_ru", "article__published_at")
        .order_by("position", "id")
    )


def test_a_prepared_query_gives_the_querysets_rows_for_each_id():
    query = PreparedQuery(sections_of_public)
    first, second = ArticleFactory(), ArticleFactory()
    for article in (first, second, first):
        rows = query.fetch(article.pk)
        expected = list(sections_of_public(article.pk))
        assert [(s.pk, s.position, s.body_ru) for s in rows] == [
            (s.pk, s.position, s.body_ru) for s in expected
        ]
        assert {s.article.headline_ru for s in rows} == {article.headline_ru}
        assert rows[0].article.published_at == article.published_at
    assert query.fetch(10**12) == []


def test_a_scheduled_article_appears_when_due_and_not_before(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC), tick=False)
    query = PreparedQuery(sections_of_public)
    article = ArticleFactory(published_at=timezone.now() + dt.timedelta(hours=1))
    assert query.fetch(article.pk) == []  # compiled now, while it is scheduled
    time_machine.move_to(dt.datetime(2026, 3, 1, 12, 59, tzinfo=dt.UTC), tick=False)
    assert query.fetch(article.pk) == []
    time_machine.move_to(dt.datetime(2026, 3, 1, 13, 1, tzinfo=dt.UTC), tick=False)
    assert len(query.fetch(article.pk)) == 2


def test_an_unpublished_article_never_comes_out():
    query = PreparedQuery(sections_of_public)
    article = ArticleFactory()
    assert len(query.fetch(article.pk)) == 2
    Article.objects.filter(pk=article.pk).update(released_ru=False)
    assert query.fetch(article.pk) == []


def test_a_queryset_a_prepared_query_cannot_reproduce_is_refused():
    with pytest.raises(ValueError, match="prefetch"):
        PreparedQuery(lambda pk: Article.objects.filter(pk=pk).prefetch_related("sections")).fetch(
            1
        )
    with pytest.raises(ValueError, match="model instances"):
        PreparedQuery(lambda pk: Article.objects.filter(pk=pk).values("pk")).fetch(1)
    with pytest.raises(ValueError, match="id parameter"):
        PreparedQuery(lambda pk: Article.objects.filter(pk=1)).fetch(1)


def test_rows_joined_to_the_same_row_share_its_one_instance():
    query = PreparedQuery(sections_of_public)
    article = ArticleFactory()
    first, second = query.fetch(article.pk)
    assert first.article is second.article
    assert first.article.pk == article.pk


def test_values_are_the_models_own_columns_without_instances():
    query = PreparedQuery(lambda pk: Article.objects.filter(pk=pk).only("headline_ru", "status"))
    article = ArticleFactory(headline_ru="Заголовок")
    assert query.columns() == ["id", "headline_ru", "status"]
    assert query.values(article.pk) == ((article.pk, "Заголовок", article.status),)


def test_each_run_is_one_query_that_query_counts_and_logs_see(django_assert_num_queries):
    query = PreparedQuery(sections_of_public)
    article = ArticleFactory()
    with django_assert_num_queries(3) as captured:
        for _ in range(3):
            assert len(query.fetch(article.pk)) == 2
    assert all('FROM "articles_section"' in q["sql"] for q in captured.captured_queries)


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="server-side prepared statements are PostgreSQL's (make test runs there in CI)",
)
def test_on_postgresql_the_statement_is_prepared_once_with_one_generic_plan():
    def plans():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                " WHERE statement LIKE %s AND statement LIKE %s",
                ['%FROM "articles_section"%', "%$1%"],
            )
            return cursor.fetchall()

    query = PreparedQuery(sections_of_public)
    article = ArticleFactory()
    assert len(query.fetch(article.pk)) == 2
    [(generic, custom)] = plans()  # one statement on the server
    for _ in range(3):
        assert len(query.fetch(article.pk)) == 2
    assert plans() == [(generic + 3, custom)]


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="server-side prepared statements are PostgreSQL's (make test runs there in CI)",
)
def test_with_prepared_statements_off_nothing_is_prepared_on_the_server(settings):
    # A query of this test alone: no earlier test can have prepared its SQL.
    query = PreparedQuery(lambda pk: Article.objects.filter(pk=pk).only("headline_kk", "slug_en"))
    article = ArticleFactory()

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ['%"articles_article"."headline_kk", "articles_article"."slug_en"%'],
            )
            return cursor.fetchone()[0]

    settings.DB_PREPARED_STATEMENTS = False
    for _ in range(3):
        assert [a.pk for a in query.fetch(article.pk)] == [article.pk]
    assert prepared() == 0
    settings.DB_PREPARED_STATEMENTS = True
    assert [a.pk for a in query.fetch(article.pk)] == [article.pk]
    assert prepared() == 1


def test_instances_are_what_djangos_own_loading_makes():
    query = PreparedQuery(sections_of_public)
    article = ArticleFactory(sections=[{"body_ru": "<p>Текст</p>", "body_kk": "<p>Мәтін</p>"}])
    [fast] = query.fetch(article.pk)
    [slow] = sections_of_public(article.pk)

    def columns(obj):
        return {k: v for k, v in vars(obj).items() if not k.startswith("_")}

    assert type(fast) is Section
    assert columns(fast) == columns(slow)
    assert set(columns(fast)) == {"id", "article_id", "position", "body_ru"}
    assert (fast._state.adding, fast._state.db) == (False, "default")
    assert not hasattr(fast, "_mt_init")  # as after modeltranslation's own constructor
    # A column the query did not read loads on access, as after Django's own loading.
    assert fast.body_kk == "<p>Мәтін</p>"
    assert fast.article.headline_ru == article.headline_ru
