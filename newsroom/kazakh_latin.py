"""Kazakh from Cyrillic to the Latin alphabet of 2021, letter by letter.

The alphabet is the one of Presidential Decree No. 569 of 26 October 2017 as amended on
19 February 2018, in the revision the Government presented on 28 January 2021 (31 letters:
A Ä B D E F G Ğ H I İ J K L M N Ñ O Ö P Q R S Ş T U Ū Ü V Y Z). Sources checked:
en.wikipedia.org/wiki/Kazakh_alphabets (section "Latin script", table of January 2021 and its
worked example: "Бұрыңғы … бір … үйіне" -> "Būryñğy … bır … üiıne"), the qazlatyn-db package's
table "Latin 2021 approved version" (npm, MIT), and the Government's note on the letters the
alphabet lacks, as quoted by sports.ru/tribuna/blogs/kzstories/2883175 (Ё -> İO, Ю -> İU,
Я -> İA, Ц -> TS, Ч -> TŞ or Ş, Щ -> ŞŞ, Э -> E).

Letters as the 2021 table gives them: У -> U and Ұ -> Ū (not the other way round), И and Й
-> İ/i, І -> I/ı (the capital of dotless ı is I, the capital of i is İ, as in Turkish).

Choices where the 2021 alphabet has no letter (contested; chosen here, tested):
- Ч -> Ç. The Government's note offers TŞ (or Ş, by word); Ç is one letter for one letter,
  reads back unambiguously, and is the letter of the 2019 draft and of Kazinform's Latin.
- Ё, Ю, Я -> io, iu, ia; capitalised İo, İu, İa and in capitals İO, İU, İA (the note's
  spelling): "I" alone would read as the capital of ı (= І).
- Ц -> ts, Щ -> şş, Э -> e, Х and Һ -> h, Ъ and Ь dropped.

Case is kept: a capital whose neighbouring letter is a capital is written in capitals
("ШЫМКЕНТ" -> "ŞYMKENT", "ЩЁ" -> "ŞŞİO", "ЦА" -> "TSA"), otherwise capitalised ("Щучинск" ->
"Şşuçinsk"). Latin letters, digits, punctuation and URLs written in the text are left alone.

transliterate_html() does the same to the text of an HTML document: never tag names, URL
attributes, <script>, <style>, <code>, <pre>, <textarea>, comments, nor elements whose
``lang`` names another language; reader-visible attributes (alt, title, aria-label,
placeholder, and the ``content`` of description/title meta tags) are transliterated.
"""

import html
import re
from collections.abc import Callable

#: Cyrillic letter (lower case) -> its Latin spelling (lower case).
LETTERS = {
    "а": "a",
    "ә": "ä",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "ğ",
    "д": "d",
    "е": "e",
    "ё": "io",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "қ": "q",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "ñ",
    "о": "o",
    "ө": "ö",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "ū",
    "ү": "ü",
    "ф": "f",
    "х": "h",
    "һ": "h",
    "ц": "ts",
    "ч": "ç",
    "ш": "ş",
    "щ": "şş",
    "ъ": "",
    "ы": "y",
    "і": "ı",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}


def _upper(latin: str) -> str:
    # Python upper-cases i to I and ı to I; this alphabet pairs i/İ and ı/I.
    return "".join("İ" if c == "i" else "I" if c == "ı" else c.upper() for c in latin)


def _title(latin: str) -> str:
    return _upper(latin[:1]) + latin[1:]


_LOWER = str.maketrans(LETTERS)
#: Capital Cyrillic letter -> (capitalised, all-capitals) Latin spelling.
_CAPITALS = {
    cyrillic.upper(): (_title(latin), _upper(latin)) for cyrillic, latin in LETTERS.items()
}
_CYRILLIC_RUN = re.compile("[" + "".join(LETTERS) + "".join(_CAPITALS) + "]+")
# URLs and e-mail addresses written in text keep their letters (a Cyrillic path or domain).
_URL = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)[^\s<>\"']+"  # a URL
    r"|[^\s<>\"'@]+@[^\s<>\"'@]+\.\w+",  # an e-mail address
    re.IGNORECASE,
)


def _is_upper_letter(char: str) -> bool:
    return char.isalpha() and char.isupper()


def _run(text: str, start: int, end: int) -> str:
    run = text[start:end]
    if run.islower():
        return run.translate(_LOWER)
    out = []
    for index in range(start, end):
        char = text[index]
        capitals = _CAPITALS.get(char)
        if capitals is None:
            out.append(LETTERS[char])
            continue
        title, upper = capitals
        if len(title) < 2:
            out.append(title)
            continue
        following = text[index + 1] if index + 1 < len(text) else ""
        preceding = text[index - 1] if index > 0 else ""
        # The next letter decides; at the end of a word, the one before.
        all_caps = following.isupper() if following.isalpha() else _is_upper_letter(preceding)
        out.append(upper if all_caps else title)
    return "".join(out)


def _cyrillic_to_latin(text: str) -> str:
    parts, last = [], 0
    for match in _CYRILLIC_RUN.finditer(text):
        parts.append(text[last : match.start()])
        parts.append(_run(text, match.start(), match.end()))
        last = match.end()
    parts.append(text[last:])
    return "".join(parts)


def transliterate(text: str) -> str:
    """Kazakh ``text`` in the 2021 Latin alphabet; URLs and non-Cyrillic text untouched."""
    if not text:
        return text
    parts, last = [], 0
    for match in _URL.finditer(text):
        parts.append(_cyrillic_to_latin(text[last : match.start()]))
        parts.append(match.group())
        last = match.end()
    parts.append(_cyrillic_to_latin(text[last:]))
    return "".join(parts)


# --- HTML --------------------------------------------------------------------------------

#: Attributes whose value a reader sees or hears.
TEXT_ATTRIBUTES = frozenset({"alt", "title", "aria-label", "placeholder", "aria-description"})
#: <meta name|property=…> whose ``content`` is text (not a URL, a date or a code).
TEXT_META = frozenset(
    {
        "description",
        "og:title",
        "og:description",
        "og:site_name",
        "og:image:alt",
        "article:section",
        "twitter:title",
        "twitter:description",
        "twitter:image:alt",
    }
)
#: Elements whose content is never text to transliterate.
RAW_ELEMENTS = frozenset({"script", "style", "code", "pre", "textarea", "kbd", "samp"})
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr"}
)

HTML_TOKEN = re.compile(
    r"<!--.*?-->"  # comment
    r"|<![^>]*>"  # doctype, CDATA start
    r"|<\?.*?\?>"  # XML declaration
    r"|<(/?)([a-zA-Z][\w:.-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",  # tag
    re.S,
)
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")

#: Called for every attribute value that is not text: (tag, attribute, value, attributes)
#: -> the value to write. The middleware rewrites links with it.
AttributeHook = Callable[[str, str, str, dict], str]


def tag_attributes(source: str) -> list[tuple[str, str | None, re.Match]]:
    return [
        (m.group(1).lower(), next((g for g in m.groups()[2:] if g is not None), None), m)
        for m in _ATTRIBUTE.finditer(source)
    ]


def _rewrite_tag(tag: str, source: str, attribute_hook: AttributeHook | None) -> str:
    attributes = tag_attributes(source)
    if not attributes:
        return source
    values = {name: value for name, value, _m in attributes}
    meta_text = tag == "meta" and (
        (values.get("name") or "").lower() in TEXT_META
        or (values.get("property") or "").lower() in TEXT_META
    )
    out, last = [], 0
    for name, value, match in attributes:
        if value is None:
            continue
        if name in TEXT_ATTRIBUTES or (meta_text and name == "content"):
            new = transliterate(value)
        elif attribute_hook is not None:
            new = attribute_hook(tag, name, value, values)
        else:
            continue
        if new == value:
            continue
        # The value's own group: quoted or bare, the quotes stay.
        group = next(i for i in (3, 4, 5) if match.group(i) is not None)
        out.append(source[last : match.start(group)])
        out.append(new)
        last = match.end(group)
    out.append(source[last:])
    return "".join(out)


def _skipped_language(lang: str | None) -> bool:
    """Whether an element's ``lang`` names text other than Kazakh in Latin script."""
    if lang is None:
        return False
    return lang.strip().lower() != "kk-latn"


def transliterate_html(
    document: str,
    *,
    attribute_hook: AttributeHook | None = None,
    root_lang: str | None = None,
    kept: set[str] | None = None,
) -> str:
    """The text of an HTML (or RSS) ``document`` in Latin script; markup untouched.

    Text inside an element whose ``lang`` is anything but ``kk-Latn`` stays as written (the
    Cyrillic "Қазақша" of a language switcher, a Russian name marked ``lang="ru"``);
    ``root_lang`` is the language of text outside any such element (None: Kazakh).
    ``kept``, if given, receives each such text (unescaped, stripped).
    """
    out = []
    last = 0
    raw_until = None  # closing tag name while inside <script>, <pre>, …
    lang_stack: list[list] = []  # [tag, depth, skip] for elements carrying lang
    skip = _skipped_language(root_lang)
    for match in HTML_TOKEN.finditer(document):
        text = document[last : match.start()]
        if text:
            out.append(text if (raw_until or skip) else transliterate(text))
            if skip and lang_stack and not raw_until and kept is not None and text.strip():
                kept.add(html.unescape(text).strip())
        last = match.end()
        tag = match.group(2)
        if tag is None:  # comment, doctype
            out.append(match.group())
            continue
        tag = tag.lower()
        closing = bool(match.group(1))
        if raw_until is not None:
            if closing and tag == raw_until:
                raw_until = None
            out.append(match.group())
            continue
        source = match.group(3)
        if closing:
            if lang_stack and lang_stack[-1][0] == tag:
                if lang_stack[-1][1]:
                    lang_stack[-1][1] -= 1
                else:
                    lang_stack.pop()
                    skip = lang_stack[-1][2] if lang_stack else _skipped_language(root_lang)
            out.append(match.group())
            continue
        out.append(f"<{match.group(2)}")
        out.append(_rewrite_tag(tag, source, attribute_hook) if source else "")
        out.append(">")
        self_closing = source.rstrip().endswith("/")
        if tag in RAW_ELEMENTS and not self_closing:
            raw_until = tag
        elif tag not in VOID_ELEMENTS and not self_closing:
            lang = next((v for n, v, _m in tag_attributes(source) if n == "lang"), None)
            if lang is not None:
                skip = _skipped_language(lang)
                lang_stack.append([tag, 0, skip])
            elif lang_stack and lang_stack[-1][0] == tag:
                lang_stack[-1][1] += 1
    tail = document[last:]
    if tail:
        out.append(tail if (raw_until or skip) else transliterate(tail))
    return "".join(out)


# --- Back to Cyrillic, for search queries ------------------------------------------------

_TO_CYRILLIC = [
    ("şş", "щ"),
    ("ts", "ц"),
    ("iu", "ю"),
    ("ia", "я"),
    ("io", "ио"),  # радио, биология: far more frequent in Kazakh text than ё
    ("a", "а"),
    ("ä", "ә"),
    ("b", "б"),
    ("v", "в"),
    ("g", "г"),
    ("ğ", "ғ"),
    ("d", "д"),
    ("e", "е"),
    ("j", "ж"),
    ("z", "з"),
    ("k", "к"),
    ("q", "қ"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("ñ", "ң"),
    ("o", "о"),
    ("ö", "ө"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("ū", "ұ"),
    ("ü", "ү"),
    ("f", "ф"),
    ("h", "х"),
    ("ç", "ч"),
    ("ş", "ш"),
    ("y", "ы"),
    ("ı", "і"),
]
_LATIN_VOWELS = frozenset("aäeioöuūüyı")
_LATIN_WORD = re.compile(r"[a-zäğñöşūüçıİ]+", re.IGNORECASE)


def _word_to_cyrillic(word: str) -> str:
    lower = word.replace("İ", "i").replace("I", "ı").lower()
    out, index = [], 0
    while index < len(lower):
        char = lower[index]
        if char == "i":
            following = lower[index + 1 : index + 2]
            if following in ("a", "u") and index + 1 < len(lower):
                out.append("я" if following == "a" else "ю")
                index += 2
                continue
            preceding = lower[index - 1 : index]
            # и after a vowel is й (ай, үй, ей), unless a vowel follows.
            after_vowel = preceding in _LATIN_VOWELS and following not in _LATIN_VOWELS
            out.append("й" if after_vowel else "и")
            index += 1
            continue
        for latin, cyrillic in _TO_CYRILLIC:
            if lower.startswith(latin, index):
                out.append(cyrillic)
                index += len(latin)
                break
        else:
            out.append(char)
            index += 1
    cyrillic = "".join(out)
    if word.isupper() and len(word) > 1:
        return cyrillic.upper()
    if word[:1].isupper():
        return cyrillic[:1].upper() + cyrillic[1:]
    return cyrillic


def latin_to_cyrillic(query: str) -> str:
    """A search query typed in the Latin alphabet, in Cyrillic (Cyrillic left as it is).

    Transliteration back is ambiguous where the alphabet merges letters (и/й -> i,
    х/һ -> h, е/э -> e): the more frequent Kazakh spelling is chosen; words already in
    Cyrillic are searched as typed.
    """
    return _LATIN_WORD.sub(lambda m: _word_to_cyrillic(m.group()), query)
