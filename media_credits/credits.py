"""Credit lines: who took the photos, in each language's grammar.

Labels and the words that join names live in the translation catalogues (with
plural forms), so the newsroom can change the wording without touching code:

    ru  фото Аманкула Дюсенбаева, Еркебулана Укибаева
    kk  Суретті түсірген – Аманкул Дюсенбаев, Еркебулан Укибаев
    en  Photos by Amankul Dyusenbayev and Yerkebulan Ukibayev
"""

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone, translation
from django.utils.translation import ngettext, pgettext

from media_credits.models import Photo, Photographer


def photographer_credit_name(photographer: Photographer, language: str) -> str:
    """The photographer's name as it stands in a credit line in ``language``.

    ``credit_name`` in that language, else ``name`` in that language, else the Russian
    nominative ``name``: never the Russian genitive under another language's label.
    """
    return (
        getattr(photographer, f"credit_name_{language}")
        or getattr(photographer, f"name_{language}")
        or photographer.name_ru
        or ""
    )


def agency_credit(photo: Photo, language: str) -> str:
    """The agency or handout credit text in ``language`` (else English, else Russian)."""
    return getattr(photo, f"credit_{language}") or photo.credit_en or photo.credit_ru or ""


def credit_entry(photo: Photo, language: str) -> str:
    """One photo's entry in a credit line: "Аманкула Дюсенбаева (Reuters)", "Reuters", …"""
    agency = agency_credit(photo, language)
    if photo.photographer is None:
        return agency
    name = photographer_credit_name(photo.photographer, language)
    if not agency:
        return name
    with translation.override(language):
        return pgettext("credit line: photographer with agency", "%(name)s (%(agency)s)") % {
            "name": name,
            "agency": agency,
        }


def join_names(names: list[str]) -> str:
    """Join names in the active language: "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    between = pgettext("credit line: between names", ", ")
    last = pgettext("credit line: before the last name", " and ")
    return between.join(names[:-1]) + last + names[-1]


def credit_line(photos: Iterable[Photo], language: str) -> str:
    """The credit line for ``photos`` in ``language``; entries in order, without repeats."""
    entries: list[str] = []
    for photo in photos:
        entry = credit_entry(photo, language)
        if entry and entry not in entries:
            entries.append(entry)
    if not entries:
        return ""
    with translation.override(language):
        return ngettext("Photo by %(names)s", "Photos by %(names)s", len(entries)) % {
            "names": join_names(entries)
        }


def is_usable(photo: Photo, *, today: dt.date | None = None) -> bool:
    """False once the photo's usage terms have expired: it is then shown nowhere public."""
    expires = photo.usage_expires_on
    return expires is None or expires >= (today or timezone.localdate())
