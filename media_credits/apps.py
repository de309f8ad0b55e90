from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaCreditsConfig(AppConfig):
    name = "media_credits"
    verbose_name = _("Photos and credits")

    def ready(self):
        from media_credits import cache_signals

        cache_signals.connect()
