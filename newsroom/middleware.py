from django.conf import settings
from modeltranslation.utils import fallbacks


class NoTranslationFallbackMiddleware:
    """Public pages never show another language's text as if it were the page's own.

    The admin keeps modeltranslation's fallback to Russian for labelling rows; every
    other request (public pages, feeds) renders with fallbacks off.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        if request.path.startswith(self.admin_prefix) or request.path.startswith(
            settings.STATIC_URL
        ):
            return self.get_response(request)
        with fallbacks(False):
            return self.get_response(request)
