from django.apps import AppConfig
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

from newsroom.latin_script import LANGUAGE_TAG, NAME_LOCAL


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = _("Newsroom")

    def ready(self):
        from django.db.backends.signals import connection_created

        from newsroom.prepared import prefer_generic_plans

        connection_created.connect(prefer_generic_plans, dispatch_uid="prefer_generic_plans")
        # Kazakh in Latin script is a script of "kk" (newsroom.latin_script), not one of
        # settings.LANGUAGES; the language switcher names it by its own name.
        LANG_INFO.setdefault(
            LANGUAGE_TAG,
            {
                "bidi": False,
                "code": LANGUAGE_TAG,
                "name": "Kazakh (Latin script)",
                "name_local": NAME_LOCAL,
            },
        )
