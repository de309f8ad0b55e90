"""Latin slugs for Russian, Kazakh and English headlines."""

from slugify import slugify

# python-slugify loses "ә" and writes "я" as "ia"; the paper's URLs use one fixed
# scheme for the Kazakh letters and the usual Russian ones.
KAZAKH_REPLACEMENTS = [
    ["ә", "a"],
    ["Ә", "a"],
    ["ғ", "g"],
    ["Ғ", "g"],
    ["қ", "q"],
    ["Қ", "q"],
    ["ң", "n"],
    ["Ң", "n"],
    ["ө", "o"],
    ["Ө", "o"],
    ["ұ", "u"],
    ["Ұ", "u"],
    ["ү", "u"],
    ["Ү", "u"],
    ["һ", "h"],
    ["Һ", "h"],
    ["і", "i"],
    ["І", "i"],
    ["я", "ya"],
    ["Я", "ya"],
    ["ю", "yu"],
    ["Ю", "yu"],
    ["й", "y"],
    ["Й", "y"],
    ["ы", "y"],
    ["Ы", "y"],
    ["х", "kh"],
    ["Х", "kh"],
    ["ц", "ts"],
    ["Ц", "ts"],
    ["ъ", ""],
    ["Ъ", ""],
    ["ь", ""],
    ["Ь", ""],
]

MAX_SLUG_LENGTH = 200


def latin_slug(text: str | None, *, max_length: int = MAX_SLUG_LENGTH) -> str:
    """Lower-case Latin transliteration of ``text`` with hyphens ("" when nothing is left)."""
    if not text:
        return ""
    return slugify(
        text,
        replacements=KAZAKH_REPLACEMENTS,
        max_length=max_length,
        word_boundary=True,
        lowercase=True,
        # Explicit: "auto" retries importing Unidecode on every call (0.1 ms each, a
        # section anchor per subhead), and would change every slug were it ever installed.
        backend="text-unidecode",
    )
