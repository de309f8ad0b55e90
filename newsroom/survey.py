"""A survey of everything the public site answers, to compare a restored site with its original.

``survey_site()`` runs inside a process whose settings point at one site (DATABASE_URL,
MEDIA_ROOT; the page cache off) and reads it as a search engine would, through Django's
test client: from /, /robots.txt and the sitemaps (every article in every released
language, the front pages, Latin-script Kazakh pages), then every link the pages give —
rubrics and their pages, day archives, photographer pages, feeds — except links marked
rel="nofollow" (the typo form) and the non-public paths in SKIPPED_PREFIXES. It records
each answer's status, redirect target and body digest; each rendition URL's redirect and
the file it leads to in MEDIA_ROOT; the rows of the project's own models; and the files
rows name that are missing from the storage.

``compare_surveys()`` lists what differs between two surveys. Nothing in a page body is
normalised except the Content-Security-Policy nonce of that very response, which is random
per request by design.

The module reads links from the pages rather than importing articles: newsroom depends on
no app.
"""

import hashlib
import html
import re
import urllib.parse
from collections import deque
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.views.static import serve

from newsroom import latin_script

#: Paths that are not the public site, or not restored from a backup (static files
#: come from the code), or answer differently on every request (health).
SKIPPED_PREFIXES = ("/admin/", "/static/", "/i18n/", "/ckeditor5/", "/preview/", "/healthz")
START_PATHS = ("/", "/robots.txt", "/sitemap.xml", "/sitemap-news.xml")
#: Pages no link leads to, by the page that implies them: the feed of each front page
#: and rubric page found (view name -> the feed's URL name and its kwargs from the page's).
FEEDS = {
    "articles:front_page": ("articles:feed_latest", {}),
    "articles:rubric_list": ("articles:feed_rubric", {"rubric": "slug"}),
}
HOST = "testserver"

_ATTRIBUTE = re.compile(r"""\s(href|src)\s*=\s*(["'])(.*?)\2""", re.IGNORECASE)
# Attributes that hold a URL only sometimes (<meta content>, <enclosure url>).
_URL_ATTRIBUTE = re.compile(
    r"""\s(?:content|url)\s*=\s*(["'])((?:https?://|/)[^"']*)\1""", re.IGNORECASE
)
_SRCSET = re.compile(r"""\ssrcset\s*=\s*(["'])(.*?)\1""", re.IGNORECASE)
_ELEMENT = re.compile(r"<(loc|link|guid)>\s*([^<\s]+)\s*</\1>")
_ANCHOR = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
_NOFOLLOW = re.compile(r"""\brel\s*=\s*(["'])[^"']*\bnofollow\b""", re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*(["'])(.*?)\1""", re.IGNORECASE)
_TEXT_TYPES = ("text/", "application/xml", "application/rss", "application/atom", "+xml")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _internal(url: str, base: str) -> str | None:
    """The path (and query) of ``url`` if it is on this site, else None."""
    absolute = urllib.parse.urljoin(base, html.unescape(url.strip()))
    parts = urllib.parse.urlsplit(absolute)
    if parts.scheme not in {"http", "https"} or parts.netloc != HOST:
        return None
    return urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))


def implied_links(path: str) -> set[str]:
    """Pages that ``path`` implies but does not link to (FEEDS), in its language and script."""
    latin = path.startswith(latin_script.PREFIX)
    source = latin_script.SOURCE_PREFIX + path[len(latin_script.PREFIX) :] if latin else path
    language = source.strip("/").split("/")[0]
    if language not in dict(settings.LANGUAGES):
        return set()
    # i18n_patterns resolve the active language's prefix only.
    with translation.override(language):
        try:
            match = resolve(urllib.parse.urlsplit(source).path)
        except Resolver404:
            return set()
        if match.view_name not in FEEDS:
            return set()
        name, kwargs = FEEDS[match.view_name]
        url = reverse(name, kwargs={key: match.kwargs[value] for key, value in kwargs.items()})
    return {latin_script.latin_url(url) if latin else url}


def links_in(body: str, base: str) -> set[str]:
    """Internal links of a page or XML document, without those marked nofollow."""
    found = {value for _name, _quote, value in _ATTRIBUTE.findall(body)}
    found.update(value for _quote, value in _URL_ATTRIBUTE.findall(body))
    for _quote, srcset in _SRCSET.findall(body):
        found.update(item.split()[0] for item in srcset.split(",") if item.strip())
    found.update(value for _name, value in _ELEMENT.findall(body))
    nofollow = set()
    for anchor in _ANCHOR.findall(body):
        if _NOFOLLOW.search(anchor) and (href := _HREF.search(anchor)):
            nofollow.add(href[2])
    links = set()
    for value in found - nofollow:
        path = _internal(value, base)
        if path is not None:
            links.add(path)
    return links


class _Surveyor:
    def __init__(self):
        # Over HTTPS as production is (no redirect to it); the host Django's test
        # environment allows.
        self.client = Client(raise_request_exception=False, HTTP_HOST=HOST)
        self.pages: dict[str, dict] = {}
        self.renditions: dict[str, dict] = {}
        self.media: dict[str, dict] = {}

    def run(self) -> None:
        queue = deque(START_PATHS)
        seen = set(queue)
        while queue:
            path = queue.popleft()
            for link in self.visit(path):
                if link not in seen:
                    seen.add(link)
                    queue.append(link)

    def visit(self, path: str) -> set[str]:
        bare = urllib.parse.urlsplit(path).path
        if bare.startswith(SKIPPED_PREFIXES):
            return set()
        if bare.startswith("/renditions/"):
            self.renditions[path] = self.rendition(path)
            return set()
        if bare.startswith(settings.MEDIA_URL):
            self.media[path] = self.media_file(bare)
            return set()
        response = self.client.get(path, secure=True)
        body = response.content
        nonce = getattr(response.wsgi_request, "_csp_nonce", None)
        if isinstance(nonce, str) and nonce:
            # Random per response by design: the one thing two renders never share.
            body = body.replace(nonce.encode(), b"{csp-nonce}")
        content_type = response.get("Content-Type", "")
        location = response.get("Location", "")
        self.pages[path] = {
            "status": response.status_code,
            "sha256": _digest(body),
            "length": len(body),
            "location": location,
            "type": content_type,
        }
        links = set()
        if location:
            target = _internal(location, f"https://{HOST}{path}")
            if target:
                links.add(target)
        if response.status_code == 200 and any(t in content_type for t in _TEXT_TYPES):
            links |= links_in(body.decode("utf-8", "replace"), f"https://{HOST}{path}")
            links |= implied_links(path)
        return links

    def rendition(self, path: str) -> dict:
        """A rendition URL: its redirect, and the stored file the redirect leads to."""
        response = self.client.get(path, secure=True)
        answer = {"status": response.status_code, "location": response.get("Location", "")}
        target = urllib.parse.urlsplit(answer["location"])
        if response.status_code in {301, 302} and target.path.startswith(settings.MEDIA_URL):
            answer.update(self.media_file(target.path))
        return answer

    def media_file(self, path: str) -> dict:
        """A file under MEDIA_URL as the web server would send it from MEDIA_ROOT."""
        relative = urllib.parse.unquote(path[len(settings.MEDIA_URL) :])
        request = RequestFactory().get(path)
        try:
            response = serve(request, relative, document_root=settings.MEDIA_ROOT)
        except Http404:
            return {"file_status": 404, "file_sha256": ""}
        data = b"".join(response.streaming_content)
        return {"file_status": response.status_code, "file_sha256": _digest(data)}


def project_row_counts() -> dict[str, int]:
    """Rows of every model of the project's own apps (not Django's or third parties')."""
    base = Path(settings.BASE_DIR).resolve()
    counts = {}
    for model in apps.get_models():
        app_path = Path(model._meta.app_config.path).resolve()
        if app_path.is_relative_to(base) and not app_path.is_relative_to(base / ".venv"):
            counts[model._meta.label] = model._base_manager.count()
    return counts


def missing_stored_files() -> list[str]:
    """Files named by a FileField of any row that the storage does not hold."""
    missing = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            names = (
                model._base_manager.exclude(**{field.name: ""})
                .exclude(**{f"{field.name}__isnull": True})
                .values_list(field.name, flat=True)
                .iterator()
            )
            storage = field.storage
            missing.extend(
                f"{model._meta.label}.{field.name}: {name}"
                for name in names
                if not storage.exists(name)
            )
    return sorted(missing)


def survey_site() -> dict:
    """Everything the public site answers, as plain data (see the module's docstring)."""
    surveyor = _Surveyor()
    surveyor.run()
    return {
        "pages": surveyor.pages,
        "renditions": surveyor.renditions,
        "media": surveyor.media,
        "rows": project_row_counts(),
        "missing_files": missing_stored_files(),
    }


def _describe(answer: dict | None) -> str:
    if answer is None:
        return "not found by the crawl"
    if "status" not in answer:  # a media file: what the web server would answer
        return str(answer["file_status"])
    described = str(answer["status"])
    if answer.get("location"):
        described += f" -> {answer['location']}"
    if "length" in answer:
        described += f", {answer['length']} bytes"
    if "file_status" in answer:
        described += f", file {answer['file_status']}"
    return described


def compare_surveys(original: dict, restored: dict, *, media: bool = True) -> list[str]:
    """What differs between the original's and the restored site's surveys, one line each.

    ``media=False`` (media on object storage, shared by both sites): renditions are
    compared by their redirect only.
    """
    differences = []
    for kind in ("pages", "renditions", "media"):
        mine, theirs = original[kind], restored[kind]
        for url in sorted(mine.keys() | theirs.keys()):
            before, after = mine.get(url), theirs.get(url)
            if before == after:
                continue
            line = f"{url}: original {_describe(before)}; restored {_describe(after)}"
            if before and after and _describe(before) == _describe(after):
                line += " (different bytes)"
            differences.append(line)
    if media:
        served = {**restored["renditions"], **restored["media"]}
        for url, answer in sorted(served.items()):
            # Equal to the original is not enough: the restored site must serve the file.
            if answer.get("file_status") != 200:
                differences.append(
                    f"{url}: the restored site does not serve it ({_describe(answer)})"
                )
    for kind in ("pages", "renditions"):
        for url, answer in sorted(original[kind].items()):
            # Two broken sites answering alike prove nothing about the backup.
            if answer.get("status", 200) >= 500:
                differences.append(f"{url}: the original site answers {answer['status']}")
    for label in sorted(original["rows"].keys() | restored["rows"].keys()):
        before, after = original["rows"].get(label), restored["rows"].get(label)
        if before != after:
            differences.append(f"rows of {label}: original {before}, restored {after}")
    for name in sorted(set(restored["missing_files"]) - set(original["missing_files"])):
        differences.append(f"{name}: missing from the restored media")
    return differences
