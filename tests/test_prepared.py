"""Prepared querysets (newsroom.prepared): the queryset's own rows, with "now" of each run."""

import datetime as dt

import pytest
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
