from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject


def site_name(language: str) -> str:
    """The newspaper's name in ``language`` (settings.SITE_NAME), else in Russian."""
    names = settings.SITE_NAME
    return names.get(language) or names.get(settings.LANGUAGE_CODE, "")


def front_pages() -> list[tuple[str, str]]:
    """(language, its front page URL) for every language of the site."""
    links = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            links.append((code, reverse("articles:front_page")))
    return links


def site(request):
    """The masthead and the language switcher of every public page.

    Views replace ``language_links`` with the same page in the other languages where
    there is one; the rubric navigation comes from the articles app (seo.rubric_nav).
    """
    return {
        "site_name": site_name(translation.get_language() or settings.LANGUAGE_CODE),
        "language_links": SimpleLazyObject(front_pages),
        "max_query_length": settings.SEARCH_MAX_QUERY_LENGTH,  # the masthead's search box
    }
