"""The public site: front page, rubric pages, the day archive and the article page.

Every list starts from Article.objects.available_in(language). Each page reads a fixed
number of queries however many articles, sections, photos and authors it shows
(tests/articles/test_public_pages.py holds the budgets).
"""

import datetime as dt
import functools
import html
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import F, Subquery, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from articles import preview
from articles.figures import figure_html, gallery_html, sections_html
from articles.models import (
    LANGUAGE_CODES,
    Article,
    ArticleAuthor,
    Correction,
    GalleryPhoto,
    Rubric,
    Section,
)
from articles.teasers import list_html, top_story_html
from media_credits.credits import credit_entry, credit_line, is_usable, photographer_credit_name
from media_credits.templatetags.photos import (
    attach_stored_renditions,
    signed_rendition_url,
    stored_rendition,
)
from media_credits.views import allow_preview_photos
from newsroom.context_processors import site_name
from newsroom.prepared import PreparedQuery

FRONT_PAGE_SIZE = 20
RUBRIC_PAGE_SIZE = 20
ARCHIVE_PAGE_SIZE = 50
#: Pages of the front page and of a rubric (older articles: the day archive, search).
#: Bounded so that the deepest page reads at most MAX_PAGES x page size index entries.
MAX_PAGES = 100
#: Articles shown in each rubric's block on the front page.
RUBRIC_BLOCK_SIZE = 4
#: The rendition shared with social networks and search engines (og:image, JSON-LD).
SHARE_IMAGE_WIDTH = 1200
SHARE_IMAGE_FORMAT = "jpeg"
OG_LOCALES = {"ru": "ru_RU", "kk": "kk_KZ", "en": "en_US"}
LOGO = ("img/logo.png", 600, 60)
#: Characters of the page's description (meta description, og:description).
DESCRIPTION_LENGTH = 200


@dataclass(frozen=True)
class Name:
    """A name as a page shows it; ``lang`` is set when it is not in the page's language."""

    text: str
    lang: str = ""

    def __str__(self):
        return self.text


def name_in(obj, field: str, language: str) -> Name:
    """``obj``'s translated ``field`` in ``language``, else in Russian, Kazakh, English."""
    for code in (language, *LANGUAGE_CODES):
        text = getattr(obj, f"{field}_{code}", "") or ""
        if text.strip():
            return Name(text, "" if code == language else code)
    return Name("")


#: Every rubric, its SQL compiled once per process (newsroom.prepared).
_ALL_RUBRICS = PreparedQuery(lambda: Rubric.objects.all(), ids=0)


@dataclass(frozen=True)
class NavRubric:
    """A rubric as pages link it: its ``label`` (a Name) in the page's language and ``url``."""

    pk: int
    slug: str
    url: str
    label: Name


def rubric_nav(request) -> list[NavRubric]:
    """Every rubric in order, with its label and URL: one query a request.

    What is built from the rows is kept per process, keyed by the rows themselves (and the
    language and URL configuration): a renamed rubric is new rows, so never a stale label.
    """
    language = translation.get_language()
    cache = request.__dict__.setdefault("_rubric_nav", {})
    if language not in cache:
        cache[language] = _nav_rubrics(
            _ALL_RUBRICS.values(), language, get_urlconf(), get_script_prefix()
        )
    return cache[language]


@functools.lru_cache(maxsize=64)
def _nav_rubrics(rows: tuple, language: str, _urlconf, _prefix) -> list[NavRubric]:
    rubrics = []
    columns = _ALL_RUBRICS.columns()
    for row in rows:
        rubric = Rubric.from_db(None, columns, row)
        try:
            url = reverse("articles:rubric_list", kwargs={"slug": rubric.slug})
        except NoReverseMatch:
            continue  # a slug no address can carry (written around the form's checks)
        rubrics.append(NavRubric(rubric.pk, rubric.slug, url, name_in(rubric, "name", language)))
    return rubrics


def _language_links(url_for) -> list[tuple[str, str]]:
    """(language, URL of this page in that language) for every language of the site."""
    links = []
    for code in LANGUAGE_CODES:
        with translation.override(code):
            links.append((code, url_for(code)))
    return links


def _teasers(request, articles, *, today: dt.date) -> list[Article]:
    """Articles ready for a list: ``thumbnail`` (a usable lead photo) and ``rubric_item``."""
    rubrics = {rubric.pk: rubric for rubric in rubric_nav(request)}
    articles = list(articles)
    for article in articles:
        photo = article.lead_photo
        article.thumbnail = photo if photo is not None and is_usable(photo, today=today) else None
        article.rubric_item = rubrics.get(article.rubric_id)
    return articles


def _list_fields(language: str, *, credits: bool = True) -> list[str]:
    """The columns a list of articles shows (teaser, thumbnail and its credit) in ``language``.

    ``credits``: also the photo's caption and credit (the front page's top story shows them).
    """
    fields = [
        "rubric_id",
        "published_at",
        "status",
        f"headline_{language}",
        f"standfirst_{language}",
        f"slug_{language}",
        "lead_photo__width",
        "lead_photo__height",
        "lead_photo__usage_expires_on",
        f"lead_photo__alt_text_{language}",
    ]
    if credits:
        fields += [
            f"lead_photo__caption_{language}",
            *(f"lead_photo__credit_{code}" for code in LANGUAGE_CODES),
            "lead_photo__photographer__slug",
            "lead_photo__photographer__name_ru",
            f"lead_photo__photographer__name_{language}",
            f"lead_photo__photographer__credit_name_{language}",
        ]
    return fields


def _listed(queryset, *, credits: bool = False):
    """``queryset`` newest first, with what a teaser shows and nothing else.

    ``credits``: with the lead photo's caption and credit too (see _list_fields).
    """
    language = translation.get_language()
    return (
        queryset.select_related("lead_photo__photographer" if credits else "lead_photo")
        .only(*_list_fields(language, credits=credits))
        .newest_first()
    )


@dataclass
class Page:
    """One page of a list that is never counted: N + 1 rows tell whether another follows.

    Duck-types what templates/includes/pagination.html reads of Django's Page.
    """

    number: int
    object_list: list
    has_next: bool

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous() or self.has_next

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def page_of(
    queryset, request, per_page: int, *, max_pages: int | None = MAX_PAGES, param: str = "page"
) -> Page:
    """Page ``?page=`` of ``queryset`` (ordered) without a COUNT; Http404 past the end.

    A missing or malformed number is page 1. Pages past ``max_pages`` or beyond the last
    article answer 404: OFFSET costs the rows it skips, so how deep a list goes is bounded.
    """
    number = _page_number(request, max_pages=max_pages, param=param)
    start = (number - 1) * per_page
    return _page(number, list(queryset[start : start + per_page + 1]), per_page)


def _page_number(request, *, max_pages: int | None, param: str = "page") -> int:
    try:
        number = int(request.GET.get(param, 1))
    except (TypeError, ValueError):
        number = 1
    if number < 1 or (max_pages is not None and number > max_pages):
        raise Http404
    return number


def _page(number: int, rows: list, per_page: int) -> Page:
    if not rows and number > 1:
        raise Http404
    return Page(number, rows[:per_page], len(rows) > per_page)


#: Public lists' querysets compiled once per process (newsroom.prepared), per language,
#: page and rubric: building their SQL cost the front page more than running it.
_LIST_QUERIES: dict[tuple, PreparedQuery] = {}
_LIST_QUERIES_MAX = 2000


def _prepared_list(key: tuple, build, *, ids: int = 0) -> PreparedQuery:
    query = _LIST_QUERIES.get(key)
    if query is None:
        if len(_LIST_QUERIES) >= _LIST_QUERIES_MAX:
            _LIST_QUERIES.clear()
        query = _LIST_QUERIES[key] = PreparedQuery(build, ids=ids)
    return query


def _public_page(request, language: str, per_page: int, *, rubric_id: int | None = None) -> Page:
    """Page ``?page=`` of the articles public in ``language`` (of one rubric), as page_of()."""
    number = _page_number(request, max_pages=MAX_PAGES)
    start = (number - 1) * per_page

    # The front page's first article is its top story, shown with its photo's credit.
    credits = rubric_id is None and number == 1

    def build(*rubric_ids):
        public = Article.objects.available_in(language)
        if rubric_ids:
            public = public.filter(rubric_id=rubric_ids[0])
        return _listed(public, credits=credits)[start : start + per_page + 1]

    ids = () if rubric_id is None else (rubric_id,)
    key = ("page", language, per_page, number, bool(ids))
    return _page(number, _prepared_list(key, build, ids=len(ids)).fetch(*ids), per_page)


# -- front page, rubric, archive ------------------------------------------------------------


def _rubric_blocks(request, language: str, *, today: dt.date) -> list[tuple[Rubric, list]]:
    """(rubric, its latest articles) for every rubric with public articles, in one query.

    On PostgreSQL each rubric's newest ids come from its own index (article_rubric_<lang>),
    LIMIT RUBRIC_BLOCK_SIZE, all of them in one UNION ALL: the cost follows the number of
    rubrics, not of articles. SQLite allows no LIMIT inside a UNION: a window over the
    language's articles there (the development database).
    """
    rubrics = rubric_nav(request)
    if not rubrics:
        return []
    rubric_ids = tuple(rubric.pk for rubric in rubrics)

    def build():
        public = Article.objects.available_in(language)
        if connection.features.supports_slicing_ordering_in_compound:
            newest = [
                public.filter(rubric_id=pk)
                .order_by("-published_at", "-id")
                .values_list("pk", flat=True)[:RUBRIC_BLOCK_SIZE]
                for pk in rubric_ids
            ]
            return _listed(public.filter(pk__in=newest[0].union(*newest[1:], all=True)))
        return _listed(
            public.filter(rubric__isnull=False)
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("rubric_id"),
                    order_by=[F("published_at").desc(), F("id").desc()],
                )
            )
            .filter(rank__lte=RUBRIC_BLOCK_SIZE)
        )

    if connection.features.supports_slicing_ordering_in_compound:
        # The rubric ids are part of the SQL: a new or removed rubric is a new query.
        chosen = _prepared_list(("blocks", language, rubric_ids), build).fetch()
    else:  # a window's rank is an annotation, which a prepared query cannot read
        chosen = build()
    by_rubric: dict[int, list] = {}
    for article in _teasers(request, chosen, today=today):
        by_rubric.setdefault(article.rubric_id, []).append(article)
    return [(rubric, by_rubric[rubric.pk]) for rubric in rubrics if rubric.pk in by_rubric]


@require_safe
def front_page(request):
    language = translation.get_language()
    today = timezone.localdate()
    page = _public_page(request, language, FRONT_PAGE_SIZE)
    latest = _teasers(request, page.object_list, today=today)
    top_story = latest.pop(0) if page.number == 1 and latest else None
    blocks = _rubric_blocks(request, language, today=today) if page.number == 1 else []
    attach_stored_renditions(
        [article.thumbnail for article in latest]
        + [top_story.thumbnail if top_story else None]
        + [articles[0].thumbnail for _rubric, articles in blocks]
    )
    blocks = [
        (
            rubric,
            list_html(articles, hide_rubric=True, compact_from=1),
        )
        for rubric, articles in blocks
    ]
    return TemplateResponse(
        request,
        "articles/front_page.html",
        {
            "page": page,
            "top_story": top_story_html(top_story) if top_story else None,
            "articles": list_html(latest),
            "rubric_blocks": blocks,
        },
    )


@require_safe
def rubric_list(request, slug: str):
    language = translation.get_language()
    rubric = next((r for r in rubric_nav(request) if r.slug == slug), None)
    if rubric is None:
        raise Http404
    page = _public_page(request, language, RUBRIC_PAGE_SIZE, rubric_id=rubric.pk)
    teasers = _teasers(request, page.object_list, today=timezone.localdate())
    attach_stored_renditions([article.thumbnail for article in teasers])
    return TemplateResponse(
        request,
        "articles/rubric_list.html",
        {
            "rubric": rubric,
            "page": page,
            "articles": list_html(teasers, level=2, hide_rubric=True),
            "language_links": _language_links(
                lambda code: reverse("articles:rubric_list", kwargs={"slug": rubric.slug})
            ),
        },
    )


def _day_bounds(year: str, month: str, day: str) -> tuple[dt.date, dt.datetime, dt.datetime]:
    """The date and its first and next day's first moment (local time); Http404 if invalid."""
    try:
        date = dt.date(int(year), int(month), int(day))
        start = timezone.make_aware(dt.datetime.combine(date, dt.time.min))
        end = timezone.make_aware(dt.datetime.combine(date + dt.timedelta(days=1), dt.time.min))
        # The database compares in UTC: the first days of year 1 have no UTC equivalent.
        start.astimezone(dt.UTC)
    except (ValueError, OverflowError) as exc:
        raise Http404 from exc
    return date, start, end


@require_safe
def day_archive(request, year: str, month: str, day: str):
    language = translation.get_language()
    date, start, end = _day_bounds(year, month, day)
    if date > timezone.localdate():
        raise Http404
    public = Article.objects.available_in(language)
    # The nearest days with articles: one step along the published_at index each way,
    # carried by the page's own rows (an aggregate with FILTERs read every public
    # article: 112 ms at 100,000).
    moments = public.values("published_at")
    previous_moment = moments.filter(published_at__lt=start).order_by("-published_at")[:1]
    next_moment = moments.filter(published_at__gte=end).order_by("published_at")[:1]
    articles = _listed(public.filter(published_at__gte=start, published_at__lt=end)).annotate(
        previous_moment=Subquery(previous_moment), next_moment=Subquery(next_moment)
    )
    # A day holds few articles: its pages are bounded by the day itself.
    page = page_of(articles, request, ARCHIVE_PAGE_SIZE, max_pages=None)
    if page.object_list:
        previous = page.object_list[0].previous_moment
        following = page.object_list[0].next_moment
    else:  # a day without articles: no row to carry them
        previous = previous_moment.values_list("published_at", flat=True).first()
        following = next_moment.values_list("published_at", flat=True).first()
    teasers = _teasers(request, page.object_list, today=timezone.localdate())
    attach_stored_renditions([article.thumbnail for article in teasers])
    previous_day = timezone.localdate(previous) if previous else None
    next_day = timezone.localdate(following) if following else None
    return TemplateResponse(
        request,
        "articles/day_archive.html",
        {
            "date": date,
            "page": page,
            "articles": list_html(teasers, level=2),
            "previous_day": previous_day,
            "previous_url": day_archive_url(previous_day) if previous_day else "",
            "next_day": next_day,
            "next_url": day_archive_url(next_day) if next_day else "",
            "language_links": _language_links(lambda code: day_archive_url(date)),
        },
    )


def day_archive_url(date: dt.date) -> str:
    return reverse(
        "articles:day_archive",
        kwargs={"year": f"{date.year:04d}", "month": f"{date.month:02d}", "day": f"{date.day:02d}"},
    )


# -- the article page ---------------------------------------------------------------------


def photo_fields(prefix: str, language: str) -> list[str]:
    """The columns of a photo (at ``prefix``) that a public page shows in ``language``.

    Picture, caption, credit (with the photographer's names, JSON-LD's creator among them)
    and the usage expiry that decides whether it is shown at all.
    """
    return [
        f"{prefix}width",
        f"{prefix}height",
        f"{prefix}usage_expires_on",
        f"{prefix}alt_text_{language}",
        f"{prefix}caption_{language}",
        *(f"{prefix}credit_{code}" for code in LANGUAGE_CODES),
        f"{prefix}photographer__slug",
        f"{prefix}photographer__credit_name_{language}",
        *(f"{prefix}photographer__name_{code}" for code in LANGUAGE_CODES),
    ]


def _article_fields(prefix: str, language: str) -> list[str]:
    """The columns of an article that its page reads in ``language``."""
    return [
        f"{prefix}status",
        f"{prefix}published_at",
        f"{prefix}modified_at",
        f"{prefix}rubric_id",
        f"{prefix}lead_photo_id",
        f"{prefix}headline_{language}",
        f"{prefix}standfirst_{language}",
        *(f"{prefix}slug_{code}" for code in LANGUAGE_CODES),
        *(f"{prefix}released_{code}" for code in LANGUAGE_CODES),
        *photo_fields(f"{prefix}lead_photo__", language),
    ]


def _sections_of(queryset, pk: int, language: str):
    """The sections of article ``pk`` if ``queryset`` holds it, each joined to the article."""
    return (
        Section.objects.filter(article__in=queryset.filter(pk=pk))
        .select_related("article__lead_photo__photographer", "photo__photographer")
        .only(
            "article_id",
            "position",
            "photo_id",
            f"body_{language}",
            *(f"subhead_{code}" for code in LANGUAGE_CODES),
            *_article_fields("article__", language),
            *photo_fields("photo__", language),
        )
        .order_by("position", "id")
    )


def _article_alone(queryset, pk: int, language: str):
    """Article ``pk`` if ``queryset`` holds it (one without sections)."""
    return (
        queryset.filter(pk=pk)
        .select_related("lead_photo__photographer")
        .only(*_article_fields("", language))
    )


def _bylines_of(pk: int):
    return ArticleAuthor.objects.filter(article_id=pk).select_related("author").order_by(
        "position", "id"
    )


def _gallery_of(pk: int, language: str):
    return (
        GalleryPhoto.objects.filter(article_id=pk)
        .select_related("photo__photographer")
        .only("article_id", "photo_id", *photo_fields("photo__", language))
        .order_by("position", "id")
    )


def _corrections_of(pk: int, language: str):
    # rewrite(False): the field names are already the translated columns'.
    return (
        Correction.objects.rewrite(False)
        .filter(article_id=pk)
        .only("article_id", "created_at", f"text_{language}")
        .order_by("created_at", "id")
    )


def _public_queries(language: str) -> dict[str, PreparedQuery]:
    """The article page's queries in ``language``, built from available_in() once a process."""

    def public():
        return Article.objects.available_in(language)

    return {
        "sections": PreparedQuery(lambda pk: _sections_of(public(), pk, language)),
        "article": PreparedQuery(lambda pk: _article_alone(public(), pk, language)),
        "bylines": PreparedQuery(_bylines_of),
        "gallery": PreparedQuery(lambda pk: _gallery_of(pk, language)),
        "corrections": PreparedQuery(lambda pk: _corrections_of(pk, language)),
    }


#: Per language: see newsroom.prepared (the SQL of each queryset is compiled once).
_PUBLIC_QUERIES = {code: _public_queries(code) for code in LANGUAGE_CODES}


def _load_article(pk: int, language: str, *, public: bool = True):
    """The article ``pk`` with all the page shows, in five queries; Http404 if not there.

    ``public``: only if the public sees it in ``language`` (else any article: previews).
    The article comes joined to its sections (every released article has one), then
    bylines, gallery and corrections; the renditions of all its photos come later, in one.
    Only the columns the page reads in ``language``: the other languages' text stays in
    the database. Public pages run the same querysets precompiled (newsroom.prepared):
    about a third of the page's time went into building their SQL.
    """
    if public:
        prepared = _PUBLIC_QUERIES[language]

        def fetch(name):
            return prepared[name].fetch(pk)

    else:
        builders = {
            "sections": lambda: _sections_of(Article.objects.all(), pk, language),
            "article": lambda: _article_alone(Article.objects.all(), pk, language),
            "bylines": lambda: _bylines_of(pk),
            "gallery": lambda: _gallery_of(pk, language),
            "corrections": lambda: _corrections_of(pk, language),
        }

        def fetch(name):
            return list(builders[name]())

    sections = fetch("sections")
    if sections:
        article = sections[0].article
    else:
        found = fetch("article")
        if not found:
            raise Http404
        article = found[0]
    for section in sections:
        section.article = article
    article._prefetched_objects_cache = {
        "sections": sections,
        "bylines": fetch("bylines"),
        "gallery": fetch("gallery"),
        "corrections": fetch("corrections"),
    }
    return article


@require_safe
def article_detail(request, pk: int, slug: str = ""):
    language = translation.get_language()
    article = _load_article(pk, language)
    canonical = article.get_absolute_url(language)
    if slug != getattr(article, f"slug_{language}"):
        return redirect(canonical, permanent=True)
    return _render_article(request, article, language, canonical=canonical)


@require_safe
def article_preview(request, token: str):
    """An unpublished article as the public would see it, for whoever holds the link."""
    found = preview.read_token(token)
    if found is None:
        raise Http404
    pk, language = found
    article = _load_article(pk, language, public=False)
    with translation.override(language):
        request.LANGUAGE_CODE = language
        response = _render_article(request, article, language, is_preview=True)
        response.render()
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_store=True)
    # Whoever holds the link sees the photos too, not only signed-in staff.
    allow_preview_photos(response, [photo.pk for photo in article.photos_in_order()])
    return response


def _render_article(request, article, language, *, canonical=None, is_preview=False):
    today = timezone.localdate()
    # Photos whose usage terms expired are shown nowhere public, nor credited.
    shown = [photo for photo in article.photos_in_order() if is_usable(photo, today=today)]
    attach_stored_renditions(shown)
    lead_photo = article.lead_photo if article.lead_photo in shown else None
    sections = [
        (section, section.photo if section.photo in shown else None)
        for section in article.sections.all()
    ]
    gallery = [entry.photo for entry in article.gallery.all() if entry.photo in shown]
    corrections = [c for c in article.corrections.all() if getattr(c, f"text_{language}")]
    authors = [name_in(b.author, "name", language) for b in article.bylines.all()]
    authors = [name for name in authors if name.text]
    rubrics = {rubric.pk: rubric for rubric in rubric_nav(request)}
    published_on = timezone.localdate(article.published_at) if article.published_at else None
    context = {
        "article": article,
        "rubric_item": rubrics.get(article.rubric_id),
        "authors": authors,
        "lead_figure": lead_photo
        and figure_html(lead_photo, lead=True, css_class="lead-photo", is_preview=is_preview),
        "sections_html": sections_html(sections, is_preview=is_preview),
        "gallery": gallery,
        "gallery_html": gallery_html(gallery, is_preview=is_preview),
        "corrections": corrections,
        "credit_line": credit_line(shown, language),
        "is_preview": is_preview,
        "archive_url": day_archive_url(published_on) if published_on and not is_preview else "",
        "other_languages": [
            (code, article.get_absolute_url(code))
            for code in LANGUAGE_CODES
            if code != language and article.is_available_in(code)
        ],
    }
    if not is_preview:
        context["language_links"] = _language_links(
            lambda code: (
                article.get_absolute_url(code)
                if article.is_available_in(code)
                else reverse("articles:front_page")
            )
        )
        context.update(
            _sharing(
                request,
                article,
                language,
                canonical=canonical,
                photos=shown,
                authors=authors,
                rubric_item=context["rubric_item"],
            )
        )
    return TemplateResponse(request, "articles/article_detail.html", context)


# -- sharing and search engines -------------------------------------------------------------


def _share_image(request, photo) -> dict:
    """The photo as an absolute URL of its JPEG rendition for sharing, with its size."""
    width = min(settings.PHOTO_RENDITION_WIDTHS, key=lambda w: abs(w - SHARE_IMAGE_WIDTH))
    stored = stored_rendition(photo, width, SHARE_IMAGE_FORMAT)
    if stored is not None:
        url, size = stored
    else:
        url = signed_rendition_url(photo, width, SHARE_IMAGE_FORMAT)
        actual = min(width, photo.width)
        size = (actual, max(1, round(photo.height * actual / photo.width)))
    return {
        "url": request.build_absolute_uri(url),
        "width": size[0],
        "height": size[1],
        "alt": photo.alt_text or "",
        "photo": photo,
    }


def _image_object(image: dict, language: str) -> dict:
    photo = image["photo"]
    data = {
        "@type": "ImageObject",
        "url": image["url"],
        "contentUrl": image["url"],
        "width": image["width"],
        "height": image["height"],
        "creditText": credit_entry(photo, language),
    }
    if photo.photographer is not None:
        name = name_in(photo.photographer, "name", language).text or photographer_credit_name(
            photo.photographer, language
        )
        data["creator"] = {"@type": "Person", "name": name}
    elif data["creditText"]:
        data["creator"] = {"@type": "Organization", "name": data["creditText"]}
    return data


def _description(article) -> str:
    """The standfirst, else the start of the text: one plain-text paragraph for snippets."""
    text = article.standfirst or next(
        (strip_tags(section.body) for section in article.sections.all() if section.body), ""
    )
    return Truncator(" ".join(html.unescape(text).split())).chars(DESCRIPTION_LENGTH)


def _sharing(request, article, language, *, canonical, photos, authors, rubric_item) -> dict:
    """Canonical and hreflang links, Open Graph and schema.org NewsArticle data."""
    canonical_url = request.build_absolute_uri(canonical)
    released = [code for code in LANGUAGE_CODES if article.is_available_in(code)]
    alternates = [
        (code, request.build_absolute_uri(article.get_absolute_url(code))) for code in released
    ]
    x_default = dict(alternates).get(settings.LANGUAGE_CODE) or alternates[0][1]
    images = []
    for photo in photos:
        if photo not in [image["photo"] for image in images]:
            images.append(_share_image(request, photo))
    name = site_name(language)
    description = _description(article)
    logo, logo_width, logo_height = LOGO
    json_ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical_url},
        "url": canonical_url,
        "headline": article.headline,
        "inLanguage": language,
        "isAccessibleForFree": True,
        "datePublished": timezone.localtime(article.published_at).isoformat(),
        "dateModified": timezone.localtime(article.modified_at or article.published_at).isoformat(),
        "publisher": {
            "@type": "Organization",
            "name": name,
            "logo": {
                "@type": "ImageObject",
                "url": request.build_absolute_uri(static(logo)),
                "width": logo_width,
                "height": logo_height,
            },
        },
    }
    if description:
        json_ld["description"] = description
    if authors:
        json_ld["author"] = [{"@type": "Person", "name": author.text} for author in authors]
    if images:
        json_ld["image"] = [_image_object(image, language) for image in images]
    if rubric_item is not None:
        json_ld["articleSection"] = rubric_item.label.text
    return {
        "canonical_url": canonical_url,
        "alternates": alternates,
        "x_default_url": x_default,
        "description": description,
        "og_locale": OG_LOCALES.get(language, language),
        "og_locale_alternates": [
            OG_LOCALES.get(code, code) for code in released if code != language
        ],
        "share_image": images[0] if images else None,
        "json_ld": json_ld,
    }
