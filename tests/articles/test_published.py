import datetime as dt

import pytest
from django.utils import timezone

from articles.models import Article, Section
from tests.factories import ArticleFactory, trilingual_article

pytestmark = pytest.mark.django_db


def test_manager_published_keeps_only_due_published_articles():
    now = timezone.now()
    visible = ArticleFactory(published_at=now - dt.timedelta(minutes=1))
    ArticleFactory(status=Article.Status.DRAFT)
    ArticleFactory(status=Article.Status.IN_REVIEW)
    ArticleFactory(status=Article.Status.ARCHIVED)
    ArticleFactory(published_at=now + dt.timedelta(hours=1))  # scheduled
    assert list(Article.objects.published()) == [visible]


def test_instance_twin_agrees_with_the_queryset():
    now = timezone.now()
    ArticleFactory(published_at=now - dt.timedelta(minutes=1))
    ArticleFactory(status=Article.Status.DRAFT)
    ArticleFactory(published_at=now + dt.timedelta(hours=1))
    ArticleFactory(status=Article.Status.ARCHIVED)
    published = set(Article.objects.published())
    for article in Article.objects.all():
        assert article.is_published() is (article in published)
        for code in ("ru", "kk", "en"):
            in_queryset = Article.objects.available_in(code).filter(pk=article.pk).exists()
            assert article.is_available_in(code) is in_queryset


def test_complete_in_needs_headline_and_every_sections_text():
    russian_only = ArticleFactory()
    full = trilingual_article()
    missing_subhead = trilingual_article()
    section = missing_subhead.sections.get(position=2)
    section.subhead_kk = ""
    section.save()
    missing_body = trilingual_article()
    section = missing_body.sections.get(position=1)
    section.body_en = "<p>   </p>"
    section.save()
    no_sections = ArticleFactory(
        sections=[], headline_kk="Тақырып", status=Article.Status.DRAFT
    )
    assert set(Article.objects.complete_in("ru")) == {
        russian_only,
        full,
        missing_subhead,
        missing_body,
    }
    assert set(Article.objects.complete_in("kk")) == {full, missing_body}
    assert set(Article.objects.complete_in("en")) == {full, missing_subhead}
    assert no_sections not in Article.objects.complete_in("kk")
    for article in Article.objects.all():
        for code in ("ru", "kk", "en"):
            assert (
                article.is_complete_in(code)
                is Article.objects.complete_in(code).filter(pk=article.pk).exists()
            )


def test_opening_section_without_subhead_in_any_language_is_complete():
    article = trilingual_article()
    assert article.sections.get(position=1).has_subhead() is False
    assert article.complete_languages() == ["ru", "kk", "en"]


def test_with_completeness_annotates_each_language_in_one_query(django_assert_num_queries):
    trilingual_article()
    ArticleFactory()
    with django_assert_num_queries(1):
        rows = list(Article.objects.with_completeness().order_by("id"))
        flags = [(a.is_complete_ru, a.is_complete_kk, a.is_complete_en) for a in rows]
    assert flags == [(True, True, True), (True, False, False)]


def test_section_bodies_are_sanitised_on_save():
    article = ArticleFactory(sections=[], status=Article.Status.DRAFT)
    section = Section.objects.create(
        article=article, position=1, body_ru='<p onclick="x()">Hi<script>alert(1)</script></p>'
    )
    section.refresh_from_db()
    assert section.body_ru == "<p>Hi</p>"
    assert section.body_kk is None


def test_bulk_writes_of_bodies_are_sanitised_too():
    article = ArticleFactory(sections=[], status=Article.Status.DRAFT)
    Section.objects.bulk_create(
        [Section(article=article, position=1, body_ru='<p>A<img src=x onerror="alert(1)"></p>')]
    )
    section = Section.objects.get()
    assert section.body_ru == "<p>A</p>"
    Section.objects.filter(pk=section.pk).update(body_kk="<p>B</p><script>alert(1)</script>")
    Section.objects.filter(pk=section.pk).update(body="<p onclick='x'>C</p>")
    section.refresh_from_db()
    assert section.body_kk == "<p>B</p>"
    assert section.body_ru == "<p>C</p>"
    section.body_en = "<p>D<iframe src=//x></iframe></p>"
    Section.objects.bulk_update([section], ["body_en"])
    section.refresh_from_db()
    assert section.body_en == "<p>D</p>"
