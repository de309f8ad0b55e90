"""The one sanitiser for article body HTML.

It is applied by the rich-text field itself (articles.fields.SanitizedHTMLField) on
every write path: save(), update(), bulk operations, loaddata, revision revert.
"""

import re
import unicodedata

import nh3

#: Markup a stored body may contain: what the CKEditor 5 toolbar offers.
ALLOWED_TAGS = frozenset(
    {"p", "h3", "strong", "em", "i", "a", "ul", "ol", "li", "blockquote", "br"}
)
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

# Elements whose content a browser does not show as page text. nh3 would otherwise
# unwrap them and their fallback markup (a tracker's <noscript><img ...>) would turn
# into visible "&lt;img ...&gt;" text.
_DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "noscript", "noembed", "noframes", "iframe", "template"}
)
# Headings pasted from other pages keep their place as the one heading level the
# editor offers, and block elements the editor does not offer become paragraphs,
# instead of being unwrapped and glued to the next words.
_HEADINGS = frozenset({"h1", "h2", "h4", "h5", "h6"})
_BLOCKS = frozenset(
    {
        "div", "section", "article", "header", "footer", "aside", "nav", "main", "figure",
        "figcaption", "table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th", "dl",
        "dt", "dd", "pre", "address", "details", "summary", "center", "hgroup", "fieldset",
        "legend", "hr",
    }
)  # fmt: skip

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


def _is_invisible(char: str) -> bool:
    # Whitespace of every Unicode kind (Z*), control and format characters (C*): some
    # browsers skip them inside a scheme ("java\tscript:"), so they decide nothing here.
    return char.isspace() or unicodedata.category(char)[0] in ("Z", "C")


def safe_href(url: str) -> str | None:
    """``url`` when its scheme, read without invisible characters, is allowed; else None."""
    visible = "".join(char for char in url if not _is_invisible(char))
    match = _SCHEME.match(visible)
    if match is None:
        # No scheme: a relative link ("/ru/articles/…", "#part") is kept, but a colon
        # before any "/", "?" or "#" would make some parser read a scheme into it.
        head = re.split(r"[/?#]", visible, maxsplit=1)[0]
        return None if ":" in head else url
    if match.group(1).lower() not in ALLOWED_URL_SCHEMES:
        return None
    return url


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        return safe_href(value)
    return value


_COMMON = {
    "attribute_filter": _filter_attribute,
    # "*": no generic attributes; nh3 otherwise allows lang and title on every tag.
    "attributes": {"*": set(), **{tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()}},
    "clean_content_tags": set(_DROPPED_WITH_CONTENT),
    "url_schemes": set(ALLOWED_URL_SCHEMES),
    "link_rel": None,
    "strip_comments": True,
}
# The first pass keeps the tags _normalise_blocks renames (headings, blocks, <b>) so the
# renaming works on parsed, re-serialised markup; the second allows ALLOWED_TAGS only.
_PREPARER = nh3.Cleaner(tags=set(ALLOWED_TAGS | _HEADINGS | _BLOCKS | {"b"}), **_COMMON)
_CLEANER = nh3.Cleaner(tags=set(ALLOWED_TAGS), **_COMMON)

# Applied to nh3 output only: there every "<" in text and attribute values is escaped
# and comments are gone, so each match is a real tag (in raw input, "<div" may sit in
# an attribute value, a comment or a script).
_HEADING = re.compile(rf"<(/?)(?:{'|'.join(sorted(_HEADINGS))})(?=[\s/>])")
_BLOCK = re.compile(rf"<(/?)(?:{'|'.join(sorted(_BLOCKS))})(?=[\s/>])")
_BOLD = re.compile(r"<(/?)b(?=[\s/>])")
_TAG = re.compile(r"<[^>]*>")
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|<br>)*</p>")
_MAX_PASSES = 5


def _normalise_blocks(html: str) -> str:
    html = _HEADING.sub(r"<\1h3", html)
    html = _BLOCK.sub(r"<\1p", html)
    return _BOLD.sub(r"<\1strong", html)


def sanitize_body(html: str | None) -> str | None:
    """Return body HTML reduced to ALLOWED_TAGS; a fixed point: sanitize(sanitize(x)) == x'.

    ``None`` stays ``None`` (modeltranslation's "not translated"); a body with no
    visible text becomes the empty string.
    """
    if html is None:
        return None
    cleaned = _CLEANER.clean(_normalise_blocks(_PREPARER.clean(html)))
    # nh3 is not idempotent on a few misnested inputs: a second parse repairs what
    # the first kept. Store only what re-parses to itself, i.e. what a browser builds.
    for _ in range(_MAX_PASSES):
        again = _CLEANER.clean(cleaned)
        if again == cleaned:
            break
        cleaned = again
    cleaned = _EMPTY_PARAGRAPH.sub("", cleaned).strip()
    if not has_text(cleaned):
        return ""
    return cleaned


def has_text(html: str | None) -> bool:
    """True when the HTML shows at least one visible character."""
    if not html:
        return False
    text = _TAG.sub("", html).replace("&nbsp;", " ")
    return bool(text.strip())
