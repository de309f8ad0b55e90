"""Template tags of the public pages: structured data, masthead, rubric navigation."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from articles import views
from newsroom.context_processors import site_name as configured_site_name
from newsroom.jsonld import script_json

register = template.Library()


@register.filter(is_safe=True)
def json_ld(value):
    """``value`` as a ``<script type="application/ld+json">`` element, safe in HTML."""
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(script_json(value)),  # noqa: S308 - escaped for a script element
    )


@register.simple_tag
def site_name():
    """The newspaper's name in the active language, from settings alone (the 500 page)."""
    return configured_site_name(get_language() or "ru")


@register.simple_tag(takes_context=True)
def rubric_nav(context):
    """The rubrics of the header's navigation (read once per request, also on 404 pages)."""
    request = context.get("request")
    return views.rubric_nav(request) if request is not None else []
