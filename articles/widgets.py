"""The rich-text editor of section bodies."""

from django.utils.translation import pgettext
from django_ckeditor_5.widgets import CKEditor5Widget


class BodyEditorWidget(CKEditor5Widget):
    """CKEditor 5 in the admin's language, its Kazakh completed by the project."""

    class Media:
        # After the package's translations/kk.js, which assigns an empty string to almost
        # every key: naming it first is what tells Django's Media merging the order.
        js = ["django_ckeditor_5/dist/translations/kk.js", "js/ckeditor5-kk.js"]

    def render(self, name, value, attrs=None, renderer=None):
        # The badge's label is configuration, not a dictionary entry. A fresh dict per
        # render: widget copies share self.config, and the package writes its language.
        ui = self.config.get("ui", {})
        self.config = {
            **self.config,
            "ui": {
                **ui,
                "poweredBy": {
                    **ui.get("poweredBy", {}),
                    "label": pgettext("CKEditor badge, before its logo", "Powered by"),
                },
            },
        }
        return super().render(name, value, attrs, renderer)
