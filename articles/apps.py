from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from articles import cache_signals, photo_uses, search
        from media_credits import usage

        usage.register(photo_uses.ARTICLES)
        search.connect()
        # After search: a page cache bump then follows the search documents' refresh.
        cache_signals.connect()
