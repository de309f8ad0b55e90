"""Template filters of the public pages: typography, and Kazakh in Latin script."""

import functools

from django import template
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

from newsroom import latin_script
from newsroom.typography import typeset as typeset_text
from newsroom.typography import typeset_html as typeset_markup

register = template.Library()

#: Typeset texts kept per process: an article's body is typeset once, not once a request.
MEMO_SIZE = 4096


@functools.lru_cache(maxsize=MEMO_SIZE)
def _typeset(text: str, language: str) -> str:
    return typeset_text(text, language)


@functools.lru_cache(maxsize=MEMO_SIZE)
def _typeset_html(markup: str, language: str) -> str:
    return typeset_markup(markup, language)


@register.filter(is_safe=True)
def typeset(value):
    """Plain text (a headline, a caption) with the typography of the page's language."""
    if not value:
        return value
    if isinstance(value, SafeData):  # already markup: its text only
        return mark_safe(_typeset_html(str(value), get_language() or ""))  # noqa: S308
    return _typeset(str(value), get_language() or "")


@register.filter(is_safe=True)
def typeset_html(value):
    """Sanitised HTML (a section's body) with the typography of the page's language."""
    if not value:
        return value
    return mark_safe(_typeset_html(str(value), get_language() or ""))  # noqa: S308 - markup in, markup out; text only changes


@register.filter
def with_latin(links):
    """(code, url) pairs of a language switcher or hreflang list, with kk-Latn after kk."""
    return latin_script.with_latin(links)


@register.simple_tag(takes_context=True)
def page_language(context):
    """The page's language tag: ``kk-Latn`` on Latin-script pages, else the active one."""
    request = context.get("request")
    if request is not None and getattr(request, "kazakh_latin", False):
        return latin_script.LANGUAGE_TAG
    return get_language()
