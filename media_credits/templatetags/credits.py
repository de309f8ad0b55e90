from django import template
from django.utils import translation

from media_credits import credits

register = template.Library()


@register.filter
def photo_credit(photo, language=None):
    """The credit shown with one photo: "фото Аманкула Дюсенбаева", "Photo by Reuters"."""
    return credits.credit_line([photo], language or translation.get_language())
