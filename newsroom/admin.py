"""The admin's site titles, and grammar for the sentences it builds around a model's name.

Django writes "Add %s", "Select %s to change" and "The {name} “{obj}” was added
successfully." with the model's ``verbose_name`` in one case. Russian needs the
accusative and the noun's gender («Добавить статью», «Статья «…» добавлена»), Kazakh the
accusative and the possessive («Мақаланы өзгерту», «…» мақаласы қосылды). A ModelAdmin
(or inline) with ``NamedAdminMixin`` and ``name_forms`` gets its titles, buttons and
messages from sentences of this module, translated per language with the forms its
``name_forms`` give.
"""

import json
from dataclasses import dataclass

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Newsroom")
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Editorial office")

GENDERS = ("masculine", "masculine animate", "feminine", "neuter")


@dataclass(frozen=True)
class NameForms:
    """The forms of a model's name that sentences need, each a lazy translation.

    ``gender`` translates to one of ``GENDERS`` (Russian); ``after_name`` and
    ``after_name_accusative`` are the forms that follow a quoted name (Kazakh
    «…» мақаласы, «…» мақаласын).
    """

    accusative: Promise
    accusative_plural: Promise
    gender: Promise
    after_name: Promise
    after_name_accusative: Promise


def name_kwargs(verbose_name, forms: NameForms) -> dict:
    """The words a sentence may use, in the active language."""
    name = str(verbose_name)
    accusative = str(forms.accusative)
    return {
        "name": name,
        "Name": capfirst(name),
        "accusative": accusative,
        "Accusative": capfirst(accusative),
        "accusative_plural": str(forms.accusative_plural),
        "after_name": str(forms.after_name),
        "after_name_accusative": str(forms.after_name_accusative),
    }


def gender(forms: NameForms) -> str:
    value = str(forms.gender)
    return value if value in GENDERS else "masculine"


def say(forms: NameForms, verbose_name, sentence: str, **values) -> str:
    """``sentence`` (a msgid with the gender as context) filled with the name's forms."""
    return pgettext(gender(forms), sentence).format(**name_kwargs(verbose_name, forms), **values)


# The sentences: msgids whose context is the noun's gender (one of GENDERS), translated
# in locale/*/LC_MESSAGES/django.po; English needs no entry.
SENTENCES = {
    "add": "Add {name}",
    "change": "Change {name}",
    "view": "View {name}",
    "select_to_change": "Select {name} to change",
    "select_to_view": "Select {name} to view",
    "delete_object": "{name}",
    "delete_selected": "Delete selected {accusative_plural}",
    "add_another": "Add another {name}",
    "added": "The {name} “{obj}” was added.",
    "changed": "The {name} “{obj}” was changed.",
    "deleted": "The {name} “{obj}” was deleted.",
    "edit_again": "You may edit it again below.",
    "add_another_below": "You may add another {name} below.",
}


class NamedAdminMixin:
    """Titles, buttons and messages of a ModelAdmin in its name's grammar (``name_forms``)."""

    name_forms: NameForms | None = None

    def _say(self, key, **values):
        return say(self.name_forms, self.opts.verbose_name, SENTENCES[key], **values)

    # --- Titles --------------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        if self.name_forms is None:
            return super().changelist_view(request, extra_context)
        key = "select_to_change" if self.has_change_permission(request) else "select_to_view"
        context = {"title": self._say(key), "add_title": self._say("add"), **(extra_context or {})}
        return super().changelist_view(request, context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if self.name_forms is not None:
            # Only Django's own titles are reworded: a revert or recover page keeps its own.
            verbose_name = self.opts.verbose_name
            django_titles = {
                gettext("Add %s") % verbose_name: "add",
                gettext("Change %s") % verbose_name: "change",
                gettext("View %s") % verbose_name: "view",
            }
            key = django_titles.get(str(context.get("title")))
            if key is not None:
                context["title"] = self._say(key)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def delete_view(self, request, object_id, extra_context=None):
        if self.name_forms is None:
            return super().delete_view(request, object_id, extra_context)
        # The confirmation sentences put the name where the language wants it.
        context = {"object_name": self._say("delete_object"), **(extra_context or {})}
        return super().delete_view(request, object_id, context)

    # --- Inline rows ---------------------------------------------------------------------

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_admin_formsets = super().get_inline_formsets(
            request, formsets, inline_instances, obj
        )
        for inline_admin_formset in inline_admin_formsets:
            forms = getattr(inline_admin_formset.opts, "name_forms", None)
            if forms is not None:
                inline_admin_formset.inline_formset_data = _inline_formset_data(
                    inline_admin_formset, forms
                )
        return inline_admin_formsets

    # --- Actions -------------------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.name_forms is not None and "delete_selected" in actions:
            func, name, _description = actions["delete_selected"]
            # get_action_choices() %-formats descriptions with the model's names.
            description = self._say("delete_selected").replace("%", "%%")
            actions["delete_selected"] = (func, name, description)
        return actions

    # --- Messages --------------------------------------------------------------------------

    def response_add(self, request, obj, post_url_continue=None):
        request._named_event = ("added", obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        request._named_event = ("added" if "_saveasnew" in request.POST else "changed", obj)
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        request._named_event = ("deleted", obj_display)
        return super().response_delete(request, obj_display, obj_id)

    def message_user(
        self, request, message, level=messages.INFO, extra_tags="", fail_silently=False
    ):
        event = getattr(request, "_named_event", None)
        if event is not None and self.name_forms is not None and level == messages.SUCCESS:
            # The success message Django's response_* was about to send, in our grammar.
            request._named_event = None
            message = self._event_message(request, *event)
        super().message_user(request, message, level, extra_tags, fail_silently)

    def _event_message(self, request, event, obj):
        if event == "deleted":
            return self._say("deleted", obj=obj)
        if self.has_change_permission(request, obj):
            url = self._change_url(obj)
            shown = format_html('<a href="{}">{}</a>', url, obj)
        else:
            shown = str(obj)
        # The object's text is escaped here; the sentence itself is ours.
        sentence = self._say(event, obj="\x00")
        parts = [sentence]
        if "_continue" in request.POST or "_saveasnew" in request.POST:
            if self.has_change_permission(request, obj):
                parts.append(self._say("edit_again"))
        elif "_addanother" in request.POST:
            parts.append(self._say("add_another_below"))
        text = " ".join(parts)
        before, _marker, after = text.partition("\x00")
        return format_html("{}{}{}", before, shown, after)

    def _change_url(self, obj):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=(obj.pk,),
            current_app=self.admin_site.name,
        )


def _inline_formset_data(inline_admin_formset, forms: NameForms):
    original = inline_admin_formset.inline_formset_data

    def inline_formset_data():
        data = json.loads(original())
        verbose_name = inline_admin_formset.opts.verbose_name
        data["options"]["addText"] = say(forms, verbose_name, SENTENCES["add_another"])
        return json.dumps(data)

    return inline_formset_data
