"""Hostile input to the admin, answered 400 before a view runs (AdminInputMiddleware).

Django's admin already turns an unknown lookup into a ``?e=1`` redirect and a disallowed one
(a lookup through a relation no filter offers, ``_to_field``) into a 400. What it does not
catch, and what this refuses with a 400 naming the parameter:

- A NUL byte or another control character (tab and line breaks aside) in the address or in a
  urlencoded form. PostgreSQL refuses NUL in text parameters, so any filter, search or
  autocomplete term with one was a server error; no admin field holds control characters.
- A date hierarchy's year, month or day that is not a date (non-ASCII digits, a year with
  20 digits, a year whose next year does not exist): the admin builds datetimes from them.
- An add form's initial values from the address (``?rubric=3``) that the form's own field
  refuses: widgets render them as given and fail on what is not an id or a datetime.

- A list action posted for "selected" rows whose ids are no ids of the model.

Forms render what was posted back when it is invalid: AutocompleteMixin (below) keeps the
admin's autocomplete widget from looking up a posted value that is no key (a 500 before).
"""

import datetime as dt
import functools
import re

from django.contrib.admin import helpers, widgets
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.db.models import IntegerField
from django.forms import ModelMultipleChoiceField
from django.http import HttpResponseBadRequest
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.translation import gettext

# C0 controls but tab, line feed and carriage return; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ID = re.compile(r"[0-9]{1,18}")  # ASCII digits that fit a 64-bit key
_DATE_PART = re.compile(r"[0-9]{1,4}")
#: Parameters of the admin's own on an add page; not initial values.
ADMIN_PARAMS = frozenset({IS_POPUP_VAR, TO_FIELD_VAR, "_changelist_filters"})


def parse_id(value) -> int | None:
    """``value`` as a primary key if it is one written in ASCII digits (``"²"`` and
    ``"١٢"`` are digits to str.isdigit() but no id), else None."""
    if isinstance(value, str) and _ID.fullmatch(value):
        return int(value)
    return None


def is_key_of(field, value) -> bool:
    """Could ``value`` be stored in ``field`` (a primary key or a foreign key's target)?"""
    if value in (None, ""):
        return True
    if isinstance(field, IntegerField):  # AutoField and BigAutoField too
        return parse_id(str(value)) is not None
    if isinstance(value, str) and has_control_characters(value):
        return False
    try:
        field.to_python(value)
    except ValidationError:
        return False
    return True


class AutocompleteSelect(widgets.AutocompleteSelect):
    """The admin's autocomplete, showing back only posted values that can be keys."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        return super().optgroups(name, [v for v in value if is_key_of(target, v)], attr)


class AutocompleteMixin:
    """For a ModelAdmin or inline: its autocomplete fields use the widget above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value))


def date_hierarchy_problem(params, field: str) -> str | None:
    """The name of the date hierarchy parameter that names no date, or None."""
    parts = {}
    for part in ("year", "month", "day"):
        name = f"{field}__{part}"
        value = params.get(name)
        if value is None:
            continue
        if not _DATE_PART.fullmatch(value):
            return name
        parts[part] = int(value)
    if "year" not in parts:
        return None
    try:
        start = dt.date(parts["year"], parts.get("month", 1), parts.get("day", 1))
        # The admin's list ends the period on the next day, month or year: it must exist.
        if "day" in parts:
            start + dt.timedelta(days=1)
        elif "month" in parts:
            start + dt.timedelta(days=32)
        else:
            start.replace(year=start.year + 1)
    except (ValueError, OverflowError):
        return f"{field}__year"
    return None


def initial_data_problem(request, model_admin) -> str | None:
    """The name of an add form's initial value (from the address) its field refuses."""
    form_class = model_admin.get_form(request, None, change=False)
    for name, values in request.GET.lists():
        field = form_class.base_fields.get(name)
        if name in ADMIN_PARAMS or field is None:
            continue  # not an initial value: the form ignores it
        value = values[-1]
        if isinstance(field, ModelMultipleChoiceField):
            value = value.split(",")
        try:
            field.clean(value)
        except ValidationError:
            return name
    return None


def _admin_prefix() -> str:
    # Asked on every view of the site: reversed once per URL configuration.
    return _admin_prefix_of(get_urlconf())


@functools.lru_cache(maxsize=8)
def _admin_prefix_of(urlconf) -> str:
    try:
        return reverse("admin:index", urlconf=urlconf)
    except NoReverseMatch:
        return "/admin/"


def _forget_admin_prefix(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _admin_prefix_of.cache_clear()


setting_changed.connect(_forget_admin_prefix)


class AdminInputMiddleware:
    """Answer 400 to admin requests carrying input no admin page can use (module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path_info.startswith(_admin_prefix()):
            return None
        if has_control_characters(request.path_info):
            return bad_request(request, None)
        for name, values in request.GET.lists():
            if has_control_characters(name) or any(map(has_control_characters, values)):
                return bad_request(request, name)
        if request.method == "POST":
            # Text fields only: the files of an upload are the form's to check.
            for name, values in request.POST.lists():
                if has_control_characters(name) or any(map(has_control_characters, values)):
                    return bad_request(request, name)
        model_admin = getattr(view_func, "model_admin", None)
        match = request.resolver_match
        if model_admin is None or match is None:
            return None
        if request.method == "POST" and match.url_name.endswith("_changelist"):
            pk = model_admin.model._meta.pk
            selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
            if not all(is_key_of(pk, value) for value in selected):
                return bad_request(request, helpers.ACTION_CHECKBOX_NAME)
        if not request.GET:
            return None
        if match.url_name.endswith("_changelist") and model_admin.date_hierarchy:
            name = date_hierarchy_problem(request.GET, model_admin.date_hierarchy)
            if name is not None:
                return bad_request(request, name)
        if (
            request.method == "GET"
            and match.url_name.endswith("_add")
            and model_admin.has_add_permission(request)
        ):
            name = initial_data_problem(request, model_admin)
            if name is not None:
                return bad_request(request, name)
        return None


def bad_request(request, name: str | None) -> HttpResponseBadRequest:
    """A short page saying which part of the address or form cannot be used."""
    title = gettext("Bad request (400)")
    if name is None:
        message = gettext("The address contains characters the admin cannot use.")
    else:
        message = gettext(
            "The value of “%(name)s” cannot be used here. Go back, or open the page "
            "again from the menu."
        ) % {"name": name[:100]}
    # Plain markup with no script or style: the error pages' Content-Security-Policy holds.
    return HttpResponseBadRequest(
        format_html(
            '<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8"><title>{}</title>'
            "</head><body><h1>{}</h1><p>{}</p></body></html>",
            getattr(request, "LANGUAGE_CODE", "ru"),
            title,
            title,
            message,
        )
    )
