"""Credit lines: who took the photos, in each language's grammar.

Labels and the words that join names live in the translation catalogues (with
plural forms), so the newsroom can change the wording without touching code:

    ru  фото Аманкула Дюсенбаева, Еркебулана Укибаева
    kk  Суретті түсірген – Аманкул Дюсенбаев, Еркебулан Укибаев
    en  Photos by Amankul Dyusenbayev and Yerkebulan Ukibayev
"""

import datetime as dt
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import ngettext, pgettext

from media_credits.declension import genitive_credit_name
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
    """The agency or handout credit text in ``language``, else in another language.

    Publishing requires the text in every language the article is public in
    (articles.workflow.photo_problems); the fallback only keeps a credit on every photo
    (English, then Kazakh, then the Russian form made for "фото …").
    """
    return (
        getattr(photo, f"credit_{language}")
        or photo.credit_en
        or photo.credit_kk
        or photo.credit_ru
        or ""
    )


def credit_entry(photo: Photo, language: str) -> str:
    """One photo's entry in a credit line: "Аманкула Дюсенбаева (Reuters)", "Reuters", …"""
    agency = agency_credit(photo, language)
    if photo.photographer is None:
        return agency
    if language != "ru":
        # With a photographer, a Russian-only agency form ("пресс-службы Акорды") is
        # left out rather than put in brackets under another language's label.
        agency = getattr(photo, f"credit_{language}") or photo.credit_en or photo.credit_kk
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


# --- Credit lines read from imported text -------------------------------------------

_LABEL = re.compile(r"^\s*(?:фото|фотографии|фото:|photo|photos)\s*:?\s*", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*[,;/]\s*")
_AND = re.compile(r"\s+(?:и|and)\s+")
# Genitive endings of Russian first names and surnames and the nominative endings
# they may come from ("Аманкула" <- "Аманкул", "Зарины" <- "Зарина", "Нокрабековой"
# <- "Нокрабекова", "Игоря" <- "Игорь"); a guess is kept only if declining it gives
# the credit form back.
_GENITIVE_TO_NOMINATIVE = [
    ("ого", ("ий", "ой", "ый")),
    ("его", ("ий",)),
    ("ой", ("а", "ая")),
    ("ей", ("ь", "я")),
    ("ы", ("а",)),
    ("и", ("я", "а", "ь", "й")),
    ("я", ("ь", "й", "е")),
    ("а", ("", "о", "а")),
]


@dataclass(frozen=True)
class CreditName:
    """One name read from a credit line, and what the importer makes of it."""

    credit_form: str
    nominative: str
    gender: str
    is_guess_confirmed: bool
    is_agency: bool


def split_credit_line(line: str) -> list[str]:
    """The names of a credit line as written: "фото A, B и C" -> ["A", "B", "C"]."""
    body = _LABEL.sub("", line.strip(), count=1)
    names: list[str] = []
    for chunk in _SEPARATOR.split(body):
        # "A и B" joins two names; inside an organisation's name ("пресс-службы
        # Президента и Правительства", lower case first) "и" stays.
        parts: list[str] = []
        for part in _AND.split(chunk):
            if parts and parts[-1][:1].islower():
                parts[-1] = f"{parts[-1]} и {part}"
            else:
                parts.append(part)
        names.extend(part.strip(" .") for part in parts if part.strip(" ."))
    return names


def _word_candidates(word: str) -> list[str]:
    candidates = []
    if "-" in word:
        # Hyphenated first names decline in every part ("Касыма-Жомарта").
        parts = [_word_candidates(part) for part in word.split("-")]
        candidates = ["-".join(combo) for combo in itertools.product(*parts)]
    if word.endswith(("и", "о", "е", "у", "ю")):
        # Kazakh surnames in -и (Сейткали) and foreign names do not decline.
        candidates.append(word)
    for ending, replacements in _GENITIVE_TO_NOMINATIVE:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            candidates.extend(word[: -len(ending)] + r for r in replacements)
    candidates.append(word)
    return list(dict.fromkeys(candidates))


def guess_nominative(credit_form: str) -> tuple[str, str] | None:
    """A nominative name and gender whose genitive is ``credit_form``, or None."""
    words = credit_form.split()
    if not 1 <= len(words) <= 3:
        return None
    options = [_word_candidates(word) for word in words]
    for gender in (Photographer.Gender.MALE, Photographer.Gender.FEMALE):
        for combo in itertools.product(*options):
            guess = " ".join(combo)
            declined = genitive_credit_name(guess, female=gender == Photographer.Gender.FEMALE)
            if declined == credit_form:
                return guess, gender
    return None


def _looks_like_an_organisation(credit_form: str) -> bool:
    """"пресс-службы Акорды", "Reuters", "ТАСС": not a person's name in the genitive."""
    words = credit_form.split()
    return (
        credit_form[:1].islower()
        or len(words) == 1
        or bool(re.search(r"[A-Za-z]", credit_form))
        or any(len(word) > 1 and word.isupper() for word in words)
    )


def read_credit_line(line: str) -> list[CreditName]:
    """Read an imported credit line into photographer names (and agency credits)."""
    names = []
    for credit_form in split_credit_line(line):
        if _looks_like_an_organisation(credit_form):
            names.append(CreditName(credit_form, credit_form, "", False, True))
            continue
        guess = guess_nominative(credit_form)
        if guess is None:
            names.append(
                CreditName(credit_form, credit_form, Photographer.Gender.MALE, False, False)
            )
        else:
            names.append(CreditName(credit_form, guess[0], guess[1], True, False))
    return names


@dataclass
class PhotographerMatch:
    name: CreditName
    photographer: Photographer | None
    created: bool


def photographers_for_credit_line(line: str, *, dry_run: bool = False) -> list[PhotographerMatch]:
    """Reuse the photographer whose ru credit name matches each name, else create one.

    A created photographer carries the best-guess nominative name and the
    "name to confirm" flag; agency credits create nothing.
    """
    matches = []
    for name in read_credit_line(line):
        # A known photographer is reused whatever the name looks like ("Дюсенбаева").
        existing = Photographer.objects.filter(credit_name_ru=name.credit_form).first()
        if existing is not None:
            matches.append(PhotographerMatch(name, existing, False))
            continue
        if name.is_agency:
            matches.append(PhotographerMatch(name, None, False))
            continue
        photographer = Photographer(
            name_ru=name.nominative,
            credit_name_ru=name.credit_form,
            gender=name.gender,
            is_name_to_confirm=True,
        )
        if not dry_run:
            photographer.save()
        matches.append(PhotographerMatch(name, photographer, True))
    return matches
