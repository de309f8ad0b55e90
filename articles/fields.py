"""Model fields that carry a newsroom rule with them."""

from django import forms
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from articles.sanitize import sanitize_body


class SanitizedHTMLFormField(forms.CharField):
    """Shows the editor what will be stored, e.g. when the form comes back with an error."""

    def clean(self, value):
        return sanitize_body(super().clean(value))


class SanitizedHTMLField(models.TextField):
    """Rich text that is sanitised whenever it is written to the database.

    ``get_db_prep_save`` runs on save(), update(), bulk_create(), bulk_update(), loaddata
    (raw saves) and django-reversion's revert, and modeltranslation's ``body_ru/kk/en``
    inherit it. ``pre_save`` also cleans the instance, so after save() the object holds
    what was stored. Only SQL expressions and raw SQL bypass it.
    """

    def pre_save(self, model_instance, add):
        value = sanitize_body(getattr(model_instance, self.attname))
        # modeltranslation puts a descriptor on the untranslated field ("body") that reads
        # and writes the active language's column: writing through it would copy one
        # language's text into another. Only a plain column is cleaned in place.
        if type(getattr(type(model_instance), self.attname, None)) is DeferredAttribute:
            setattr(model_instance, self.attname, value)
        return value

    def get_db_prep_save(self, value, connection):
        if value is None or isinstance(value, str):
            value = sanitize_body(value)
        return super().get_db_prep_save(value, connection)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SanitizedHTMLFormField, **kwargs})
