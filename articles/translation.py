from modeltranslation.translator import TranslationOptions, register

from articles.models import Article, Author, Correction, Rubric, Section


@register(Rubric)
class RubricTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Author)
class AuthorTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = ("headline", "standfirst", "slug")


@register(Section)
class SectionTranslationOptions(TranslationOptions):
    fields = ("subhead", "body")


@register(Correction)
class CorrectionTranslationOptions(TranslationOptions):
    fields = ("text",)
