import datetime as dt

import factory
from django.utils import timezone

from articles.models import Article, Author, Rubric, Section


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rubric

    name_ru = factory.Sequence(lambda n: f"Рубрика {n}")
    slug = factory.Sequence(lambda n: f"rubric-{n}")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name_ru = factory.Sequence(lambda n: f"Автор {n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article complete in Russian only, with two sections."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline_ru = factory.Sequence(lambda n: f"Заголовок номер {n}")
    standfirst_ru = "Короткий лид."
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))

    @factory.post_generation
    def sections(self, create, extracted, **kwargs):
        if not create:
            return
        specs = (
            extracted
            if extracted is not None
            else [
                {"body_ru": "<p>Первый абзац.</p>"},
                {"subhead_ru": "Подзаголовок", "body_ru": "<p>Второй абзац.</p>"},
            ]
        )
        for position, spec in enumerate(specs, start=1):
            Section.objects.create(article=self, position=position, **spec)


def trilingual_sections():
    return [
        {"body_ru": "<p>Текст.</p>", "body_kk": "<p>Мәтін.</p>", "body_en": "<p>Text.</p>"},
        {
            "subhead_ru": "Подзаголовок",
            "subhead_kk": "Тақырыпша",
            "subhead_en": "Subhead",
            "body_ru": "<p>Ещё.</p>",
            "body_kk": "<p>Тағы.</p>",
            "body_en": "<p>More.</p>",
        },
    ]


def trilingual_article(**kwargs):
    return ArticleFactory(
        headline_kk="Қазақша тақырып",
        headline_en="English headline",
        sections=trilingual_sections(),
        **kwargs,
    )
