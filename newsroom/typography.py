"""Newspaper typography for Russian and Kazakh: quotes, dashes, no-break spaces.

- «Ёлочки» outside, „лапки“ inside: straight and English quotes become the quote of their
  nesting level; a closing quote with nothing open (5" as inches) stays as written.
- A dash between words is an em dash with a no-break space before it and a space after it
  ("слово\u00a0— слово"), so it never starts a line.
- A dash opening a paragraph is direct speech (the seed's "– Господин Президент, …"): it
  becomes an em dash followed by a no-break space ("—\u00a0Господин"), the Russian standard
  for dialogue — the meaning stays, the dash no longer differs from the one inside the
  paragraph, and it is never left alone at the end of a line.
- A no-break space after words of one or two letters and the usual short prepositions and
  conjunctions (для, без, при, что, …; Kazakh мен, бен, пен, әрі), after № and §, between
  a number and its unit or order ("5\u00a0км", "20\u00a0тыс.", "2025\u00a0г.",
  "2025\u00a0жылы") and between groups of thousands ("10\u00a0000").
- An en dash in a range of numbers: "1941–1945", "10–12" (not in a chain such as a phone
  number or an ISO date).
- No runs of spaces.

Never inside tags or attributes, URLs, <code>, <pre>, <script>, <style>, nor elements
marked as another language (lang="en"); English text (language "en") is returned as it is.
Idempotent: typeset(typeset(x)) == typeset(x).

Applied when a page is rendered, to the headline, standfirst, subheads, bodies and
captions (the ``typeset`` template filter), never stored: the editors' text stays as they
wrote it (CKEditor and the importer see no no-break spaces they did not type), the rules can
improve without a data migration, and the Latin script is made from the same output. Its
cost is small (a few hundred microseconds for the seed article) and whole pages are cached.
"""

import re

from newsroom.kazakh_latin import HTML_TOKEN, RAW_ELEMENTS, VOID_ELEMENTS, tag_attributes

NBSP = "\u00a0"
LANGUAGES = frozenset({"ru", "kk"})

#: Elements that start a paragraph: quote nesting restarts, a leading dash is dialogue.
BLOCK_ELEMENTS = frozenset(
    {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "div", "td", "th", "dd", "dt"}
    | {"figcaption", "section", "article", "header", "footer", "br", "ul", "ol", "body"}
)

_SHORT_WORDS = {
    "ru": {"без", "для", "над", "под", "при", "про", "что", "как", "или", "изо", "обо", "ото"},
    "kk": {"мен", "бен", "пен", "әрі"},
}
_UNITS = {
    "ru": (
        r"км|м|см|мм|кг|г|т|л|га|тыс\.|млн|млрд|трлн|руб\.|тенге|долл\.|евро|ч|мин|сек|с|"
        r"г\.|гг\.|в\.|вв\.|год[а-я]*|лет|%"
    ),
    "kk": r"км|м|см|мм|кг|г|т|л|га|мың|млн|млрд|трлн|теңге|тг|доллар[а-яәғқңөұүһі]*|"
    r"жыл[а-яәғқңөұүһі]*|ж\.|сағ\.|мин|%",
}
_LETTER = r"[^\W\d_]"
_CYRILLIC = "[а-яёәғқңөұүһі]"

_URL = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)[^\s<>\"']+|[^\s<>\"'@]+@[^\s<>\"'@]+\.\w+",
    re.IGNORECASE,
)
_SPACES = re.compile(r" {2,}| ?\u00a0 ?")
_LEADING_DASH = re.compile(r"^([ \u00a0]*)[-–—][ \u00a0]+")
_SPACED_DASH = re.compile(r"(?<=\S)[ \u00a0]+[-–—][ \u00a0]+")
_RANGE = re.compile(r"(?<![\d.,:/–-])(\d{1,4})[-–—](\d{1,4})(?![\d]|[-–—]\d|[.,:/]\d)")
_SIGN = re.compile(r"([№§])[ \u00a0]*(?=\d)")
_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})[ \u00a0](?=\d{3}(?!\d))")
_DIGIT = re.compile(r"\d")
#: A URL or an address has one of these; text without them is not searched for one.
_URL_MARKS = ("://", "www.", "@", "mailto:")
_QUOTES = '"“”«»„'
_OPENING_CONTEXT = set(" \u00a0\t\n([{«„—–-/")


def _compiled(language: str) -> tuple[re.Pattern, re.Pattern]:
    short = "|".join(sorted(_SHORT_WORDS[language], key=len, reverse=True))
    words = re.compile(rf"(?<![\w‐-])({_CYRILLIC}{{1,2}}|{short}) (?=[\w«„\"“(])", re.IGNORECASE)
    units = re.compile(rf"(\d)[ \u00a0]+(?=(?:{_UNITS[language]})(?!{_LETTER}))")
    return words, units


_PATTERNS = {language: _compiled(language) for language in LANGUAGES}


class _State:
    """What the rules carry from one text node to the next: open quotes, the last char."""

    def __init__(self):
        self.depth = 0
        self.previous = ""
        self.block_start = True

    def new_block(self):
        self.depth = 0
        self.previous = ""
        self.block_start = True


_QUOTE = re.compile(f"[{_QUOTES}]")


def _quotes(text: str, state: _State) -> str:
    out, last = [], 0
    for match in _QUOTE.finditer(text):
        index = match.start()
        char = match.group()
        if index and index != last:
            previous = text[index - 1]
            previous = " " if previous.isspace() else previous
        else:
            previous = state.previous  # the quote just written, or the text before
        following = text[index + 1 : index + 2]
        if char in "«„":
            opening = True
        elif char == "»":
            opening = False
        else:
            opening = previous in _OPENING_CONTEXT or previous == ""
            if opening and following.isspace():
                opening = False  # a quote standing alone between spaces
        out.append(text[last:index])
        if opening:
            new = "«" if state.depth == 0 else "„"
            state.depth += 1
        elif state.depth == 0:
            new = char  # nothing open: inches, a stray mark
        else:
            state.depth -= 1
            new = "»" if state.depth == 0 else "“"
        out.append(new)
        last = match.end()
        state.previous = new
    out.append(text[last:])
    result = "".join(out)
    if result and last < len(text):
        tail = text[-1]
        state.previous = " " if tail.isspace() else tail
    return result


def _plain(text: str, language: str, state: _State, *, more: bool) -> str:
    """The rules on a run of text with no URL in it; ``more``: text follows (a tag, a URL)."""
    words, units = _PATTERNS[language]
    # Each rule runs only where its characters occur: most runs need few of them.
    if "  " in text or NBSP in text:
        text = _SPACES.sub(lambda m: NBSP if NBSP in m.group() else " ", text)
    if state.block_start:
        text = _LEADING_DASH.sub(lambda m: f"{m.group(1)}—{NBSP}", text)
    # The character before this run (the end of a link, a tag) counts for a dash.
    has_dash = "-" in text or "–" in text or "—" in text
    if has_dash:
        before = state.previous if state.previous and not state.previous.isspace() else ""
        text = _SPACED_DASH.sub(f"{NBSP}— ", before + text)[len(before) :]
    has_digit = _DIGIT.search(text) is not None
    if has_dash and has_digit:
        text = _RANGE.sub(r"\1–\2", text)
    text = _quotes(text, state)
    # A word, a link or a tag after the run counts as the next word.
    text = words.sub(lambda m: m.group(1) + NBSP, text + ("x" if more else ""))
    text = text[:-1] if more else text
    if not has_digit:
        return text
    text = _SIGN.sub(lambda m: m.group(1) + NBSP, text)
    text = units.sub(lambda m: m.group(1) + NBSP, text)
    return _THOUSANDS.sub(lambda m: m.group(1) + NBSP, text)


def _text(text: str, language: str, state: _State, *, more: bool = False) -> str:
    parts, last = [], 0
    urls = _URL.finditer(text) if any(mark in text.lower() for mark in _URL_MARKS) else ()
    for match in urls:
        before = text[last : match.start()]
        if before:
            parts.append(_plain(before, language, state, more=True))
            state.block_start = False
        parts.append(match.group())
        state.previous = match.group()[-1]
        last = match.end()
    rest = text[last:]
    if rest:
        parts.append(_plain(rest, language, state, more=more))
        if rest.strip():
            state.block_start = False
    return "".join(parts)


def _skip(text: str, state: _State) -> str:
    """Text left as written; the rules after it still see its last character."""
    if text.strip():
        state.previous = text.rstrip()[-1]
        state.block_start = False
    return text


def typeset(text: str | None, language: str) -> str | None:
    """Plain ``text`` (a headline, a caption) with the typography of ``language``.

    Each line is a paragraph. Languages other than Russian and Kazakh are returned as
    they are.
    """
    if not text or language not in LANGUAGES:
        return text
    lines = []
    state = _State()
    for line in text.split("\n"):
        state.new_block()
        lines.append(_text(line, language, state))
    return "\n".join(lines)


def typeset_html(document: str | None, language: str) -> str | None:
    """The text of an HTML fragment (a section's body) with the typography of ``language``."""
    if not document or language not in LANGUAGES:
        return document
    out, last = [], 0
    state = _State()
    raw_until = None
    skipped: list[list] = []  # [tag, depth] of elements in another language
    for match in HTML_TOKEN.finditer(document):
        text = document[last : match.start()]
        if text:
            if raw_until or skipped:
                out.append(_skip(text, state))
            else:
                out.append(_text(text, language, state, more=True))
        last = match.end()
        out.append(match.group())
        tag = match.group(2)
        if tag is None:
            continue
        tag = tag.lower()
        closing = bool(match.group(1))
        if raw_until is not None:
            if closing and tag == raw_until:
                raw_until = None
            continue
        if tag in BLOCK_ELEMENTS:
            state.new_block()
        source = match.group(3) or ""
        if closing:
            if skipped and skipped[-1][0] == tag:
                if skipped[-1][1]:
                    skipped[-1][1] -= 1
                else:
                    skipped.pop()
            continue
        self_closing = source.rstrip().endswith("/")
        if tag in RAW_ELEMENTS and not self_closing:
            raw_until = tag
        elif tag not in VOID_ELEMENTS and not self_closing:
            lang = next((v for n, v, _m in tag_attributes(source) if n == "lang"), None)
            if lang is not None and lang.split("-")[0].lower() != language:
                skipped.append([tag, 0])
            elif skipped and skipped[-1][0] == tag:
                skipped[-1][1] += 1
    tail = document[last:]
    if tail:
        out.append(_skip(tail, state) if (raw_until or skipped) else _text(tail, language, state))
    return "".join(out)
