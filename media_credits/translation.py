from modeltranslation.translator import TranslationOptions, register

from media_credits.models import Photo, Photographer


@register(Photographer)
class PhotographerTranslationOptions(TranslationOptions):
    fields = ("name", "credit_name")


@register(Photo)
class PhotoTranslationOptions(TranslationOptions):
    fields = ("caption", "alt_text", "credit")
