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
    """A published article complete in Russian only, with two sections.

    ``status`` is reached the way the newsroom reaches it: the article is created as a
    draft, then taken there by articles.workflow.apply() as the system user (publishing
    releases every complete language unless ``released=[...]`` says otherwise).
    """

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

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        wanted = kwargs.pop("status", Article.Status.DRAFT)
        obj = super()._create(model_class, *args, **kwargs)
        obj._wanted_status = wanted
        return obj

    @factory.post_generation
    def released(self, create, extracted, **kwargs):
        if not create:
            return
        bring_to(self, self._wanted_status, languages=extracted or ())


def bring_to(article, status, *, languages=()):
    """Take a draft ``article`` to ``status`` through the workflow, as the system user."""
    from articles import workflow

    user = workflow.system_user()
    if status == Article.Status.DRAFT:
        return article
    if status == Article.Status.IN_REVIEW:
        return workflow.apply(article, "submit", user=user)
    workflow.apply(article, "publish", user=user, languages=languages, at=article.published_at)
    if status == Article.Status.ARCHIVED:
        workflow.apply(article, "archive", user=user)
    return article


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
