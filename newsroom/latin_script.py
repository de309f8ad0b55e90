"""Every Kazakh page in Latin script: ``/kk-latn/…`` is ``/kk/…`` transliterated on display.

One text to write, two scripts to read. KazakhLatinMiddleware answers ``/kk-latn/<path>``
by running the site's own ``/kk/<path>`` (same views, same rule of what is public: nothing
unreleased in Kazakh can show in Latin script) and transliterating the response
(newsroom.kazakh_latin): the text of HTML pages and feeds, interface strings included, with
``lang="kk-Latn"``, its links to Kazakh pages pointing to their Latin twins (except links
that name another ``hreflang``, such as the language switcher's "Қазақша"), its schema.org
data (JSON-LD: texts, addresses and ``inLanguage``) alike, and redirects kept in the Latin
address space. A search under ``/kk-latn/search/?q=`` reads a Latin query
in Cyrillic first (kazakh_latin.latin_to_cyrillic).

No database column, no language code in settings.LANGUAGES: ``kk-latn`` is a script of
``kk``, not a language with its own released flag, and modeltranslation never sees it.

The middleware comes first in MIDDLEWARE: whatever runs inside it (the page cache
included) sees one Kazakh page, cached once, and each Latin response is made from it.
The transliteration of a given page is memoised (by its bytes), so a page served from the
cache is transliterated once per process, not once per request.
"""

import functools
import json
import re
from urllib.parse import urlsplit

from django.core.exceptions import DisallowedHost
from django.http import HttpResponsePermanentRedirect, QueryDict

from newsroom.jsonld import script_json
from newsroom.kazakh_latin import latin_to_cyrillic, transliterate, transliterate_html

#: The language tag of Kazakh in Latin script (BCP 47), and its URL prefix.
LANGUAGE_TAG = "kk-Latn"
PREFIX = "/kk-latn/"
SOURCE_PREFIX = "/kk/"
#: The name of the script in the language switcher, in that script.
NAME_LOCAL = "Qazaqşa"

_HTML_TYPES = ("text/html",)
_XML_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")
_ROOT_LANG = re.compile(r'(<html\b[^>]*\blang=)(["\']?)kk\2', re.IGNORECASE)
_RSS_LANGUAGE = re.compile(r"<language>kk</language>")
_SEARCH_PATH = "/kk/search/"
_JSON_LD = re.compile(r'(<script type="application/ld\+json">)(.*?)(</script>)', re.DOTALL)
#: schema.org properties whose text a reader sees on the page (transliterated there too).
_JSON_LD_TEXTS = frozenset(
    {"headline", "alternativeHeadline", "description", "name", "articleSection", "caption",
     "creditText"}
)  # fmt: skip
_JSON_LD_URLS = frozenset({"@id", "url", "contentUrl"})
#: Pages transliterated per process and kept (by their bytes): a cached page costs once.
MEMO_SIZE = 256


def latin_url(url: str, host: str | None = None) -> str:
    """The Latin-script twin of a Kazakh address (``/kk/…``); any other address as it is.

    An absolute URL is rewritten only when it is on ``host``.
    """
    if url.startswith(SOURCE_PREFIX):
        return PREFIX + url[len(SOURCE_PREFIX) :]
    if host and "://" in url[:12]:
        parts = urlsplit(url)
        if parts.netloc == host and parts.path.startswith(SOURCE_PREFIX):
            return url.replace(f"{parts.netloc}{SOURCE_PREFIX}", f"{parts.netloc}{PREFIX}", 1)
    return url


def with_latin(links):
    """(code, url) pairs with ("kk-Latn", its Latin URL) right after Kazakh, where present."""
    out = []
    for code, url in links:
        out.append((code, url))
        if code == "kk":
            out.append((LANGUAGE_TAG, _latin_any(url)))
    return out


def _latin_any(url: str) -> str:
    if url.startswith(SOURCE_PREFIX):
        return latin_url(url)
    parts = urlsplit(url)
    return latin_url(url, parts.netloc) if parts.netloc else url


def add_to_sitemap(urls: list[dict]) -> list[dict]:
    """Sitemap entries with the Latin twin of every Kazakh entry, and its hreflang."""
    extra = []
    latin = functools.cache(_latin_any)  # an address recurs in every entry of its page
    for url in urls:
        alternates = url.get("alternates") or []
        kazakh = next((a for a in alternates if a["lang_code"] == "kk"), None)
        if kazakh is not None:
            alternates.append({"location": latin(kazakh["location"]), "lang_code": LANGUAGE_TAG})
        twin_location = latin(url["location"])
        if twin_location != url["location"]:
            twin = dict(url)
            twin["location"] = twin_location
            extra.append(twin)
    return urls + extra


def _html_hook(host: str):
    def hook(tag: str, name: str, value: str, attributes: dict) -> str:
        if name in ("href", "action") or (
            tag == "meta" and name == "content" and attributes.get("property") == "og:url"
        ):
            hreflang = attributes.get("hreflang")
            if hreflang is not None and hreflang.lower() != LANGUAGE_TAG.lower():
                return value  # a link to that language on purpose (switcher, alternates)
            return latin_url(value, host)
        if tag == "input" and name == "value" and attributes.get("type") in ("search", "text"):
            return transliterate(value)
        return value

    return hook


@functools.lru_cache(maxsize=MEMO_SIZE)
def _latin_html(content: str, host: str) -> str:
    content = _ROOT_LANG.sub(rf"\1\2{LANGUAGE_TAG}\2", content, count=1)
    # What the page leaves as written for its lang (a Russian name in a Kazakh byline).
    kept: set[str] = set()
    content = transliterate_html(content, attribute_hook=_html_hook(host), kept=kept)
    return _JSON_LD.sub(lambda match: _latin_json_ld(match, host, kept), content)


def _latin_json_ld(match: re.Match, host: str, kept: set[str]) -> str:
    try:
        data = json.loads(match.group(2))
    except ValueError:
        return match.group(0)
    return f"{match.group(1)}{script_json(_latin_data(data, host, kept))}{match.group(3)}"


def _latin_data(value, host: str, kept: set[str], key: str | None = None, person=False):
    """schema.org data as the Latin page shows it: its texts, its Kazakh addresses, kk-Latn.

    A person's name the page shows in another language (``kept``) stays as it is there.
    """
    if isinstance(value, dict):
        person = value.get("@type") == "Person"
        return {name: _latin_data(item, host, kept, name, person) for name, item in value.items()}
    if isinstance(value, list):
        return [_latin_data(item, host, kept, key) for item in value]
    if not isinstance(value, str):
        return value
    if key in _JSON_LD_TEXTS:
        return value if person and key == "name" and value in kept else transliterate(value)
    if key in _JSON_LD_URLS:
        return latin_url(value, host)
    if key == "inLanguage" and value == "kk":
        return LANGUAGE_TAG
    return value


@functools.lru_cache(maxsize=MEMO_SIZE)
def _latin_xml(content: str, host: str) -> str:
    content = transliterate_html(content)
    content = _RSS_LANGUAGE.sub(f"<language>{LANGUAGE_TAG}</language>", content)
    return re.sub(
        rf"(https?://{re.escape(host)}){re.escape(SOURCE_PREFIX)}", rf"\1{PREFIX}", content
    )


def _search_query(request) -> None:
    """A Latin query read in Cyrillic, for the Kazakh search the request reaches."""
    query = request.GET.get("q")
    if not query:
        return
    cyrillic = latin_to_cyrillic(query)
    if cyrillic != query:
        params = request.GET.copy()
        params["q"] = cyrillic
        request.META["QUERY_STRING"] = params.urlencode()
        request.GET = QueryDict(request.META["QUERY_STRING"])


class KazakhLatinMiddleware:
    """Answer ``/kk-latn/…`` with the Kazakh page in Latin script (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path_info = request.path_info
        if path_info == PREFIX.rstrip("/"):
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(PREFIX + (f"?{query}" if query else ""))
        if not path_info.startswith(PREFIX):
            request.kazakh_latin = False
            return self.get_response(request)
        original = (request.path, request.path_info, request.META.get("PATH_INFO"))
        kazakh = SOURCE_PREFIX + path_info[len(PREFIX) :]
        request.path = request.path[: len(request.path) - len(path_info)] + kazakh
        request.path_info = request.META["PATH_INFO"] = kazakh
        request.kazakh_latin = True
        if kazakh == _SEARCH_PATH:
            _search_query(request)
        # A HEAD is answered as the GET whose body is then dropped: the page cache answers
        # a HEAD with no body, and the Latin page's length is that of the converted body.
        head = request.method == "HEAD"
        if head:
            request.method = request.META["REQUEST_METHOD"] = "GET"
        try:
            response = self.get_response(request)
        finally:
            # What runs outside this middleware sees the address the reader asked for.
            request.path, request.path_info, request.META["PATH_INFO"] = original
            if head:
                request.method = request.META["REQUEST_METHOD"] = "HEAD"
        response = self.to_latin(request, response)
        if head and not getattr(response, "streaming", False):
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response

    def to_latin(self, request, response):
        try:
            host = request.get_host()
        except DisallowedHost:
            host = ""  # Django answers 400 for it; relative links are still rewritten
        if response.has_header("Location"):
            response["Location"] = latin_url(response["Location"], host)
        if response.has_header("Content-Language"):
            response["Content-Language"] = LANGUAGE_TAG
        if getattr(response, "streaming", False):
            return response
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type in _HTML_TYPES:
            convert = _latin_html
        elif content_type in _XML_TYPES:
            convert = _latin_xml
        else:
            return response
        charset = response.charset or "utf-8"
        text = response.content.decode(charset)
        response.content = convert(text, host).encode(charset)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
