import functools
import hashlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from articles.fields import SanitizedHTMLField
from articles.sanitize import has_text
from newsroom.slugs import latin_slug
from newsroom.versioning import CompareAndSwap, StaleVersion  # noqa: F401 — re-exported

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]

#: Words the site's URLs use right after the language prefix; a rubric may not take them.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "articles",
        "archive",
        "search",
        "feeds",
        "photographers",
        "preview",
        "sitemap",
        "sitemap-news",
        "robots",
        "healthz",
        "static",
        "media",
        "i18n",
        "ckeditor5",
        "accounts",
        "api",
        "login",
        "logout",
        "ru",
        "kk",
        "en",
    }
)


def validate_rubric_slug(value: str) -> None:
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is used by the site's own addresses; choose another slug."),
            code="reserved",
            params={"slug": value},
        )


def _blank(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{field: ""})


# Article URLs differ only by id and slug: reversed once per language (and URLconf and
# script prefix) with markers, then filled in. reverse() costs ~50 µs, and a list page
# links every article in several places.
_PK_MARKER, _SLUG_MARKER = 918273645, "slug-marker"
_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_article_url_templates: dict[tuple, tuple[str, str, str]] = {}


def article_url(pk: int, slug: str, language: str) -> str:
    """The path of article ``pk`` with ``slug`` in ``language`` (as reverse() gives it)."""
    key = (language, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    parts = _article_url_templates.get(key)
    if parts is None:
        with translation.override(language):
            path = reverse(
                "articles:article_detail", kwargs={"pk": _PK_MARKER, "slug": _SLUG_MARKER}
            )
        before, rest = path.split(str(_PK_MARKER), 1)
        between, after = rest.split(_SLUG_MARKER, 1)
        parts = _article_url_templates[key] = (before, between, after)
    if not _PLAIN_SLUG.fullmatch(slug):
        with translation.override(language):
            return reverse("articles:article_detail", kwargs={"pk": pk, "slug": slug})
    before, between, after = parts
    return f"{before}{int(pk)}{between}{slug}{after}"


class Rubric(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        validators=[validate_rubric_slug],
        help_text=_("Latin letters, digits and hyphens; the rubric's address on the site."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self):
        return self.name or self.slug


class Author(models.Model):
    name = models.CharField(_("name"), max_length=200)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
    )

    class Meta:
        ordering = ["name_ru", "id"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name or f"#{self.pk}"


def published_q(prefix: str = "") -> Q:
    """Published and due (published_at in the past), for articles reached by ``prefix``."""
    status, due = f"{prefix}status", f"{prefix}published_at__lte"
    return Q(**{status: Article.Status.PUBLISHED, due: timezone.now()})


def available_q(language: str, prefix: str = "") -> Q:
    """Published, due and released in ``language``, for articles reached by ``prefix``
    (``"article__"`` from a section): the rule of ArticleQuerySet.available_in()."""
    return published_q(prefix) & Q(**{f"{prefix}released_{language}": True})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles the public may see: published, and due (published_at in the past)."""
        return self.filter(published_q())

    def available_in(self, language: str):
        """Articles the public sees in ``language``: published, due and released there.

        A plain filter on stored, indexed columns; the workflow wrote them when an editor
        released the language (articles.workflow), after checking it was complete.
        """
        return self.filter(available_q(language))

    def public_languages_any(self):
        """Articles released in at least one language (whatever their status or time)."""
        released = Q()
        for code in LANGUAGE_CODES:
            released |= Q(**{f"released_{code}": True})
        return self.filter(released)

    def public_anywhere(self):
        """Articles the public sees in at least one language."""
        return self.published().public_languages_any()

    def complete_in(self, language: str):
        """Articles with a headline and every section's text in ``language``."""
        incomplete_sections = Section.objects.filter(article=OuterRef("pk")).filter(
            _blank(f"body_{language}")
            | (
                _blank(f"subhead_{language}")
                & ~(_blank("subhead_ru") & _blank("subhead_kk") & _blank("subhead_en"))
            )
        )
        return (
            self.exclude(_blank(f"headline_{language}"))
            .filter(Exists(Section.objects.filter(article=OuterRef("pk"))))
            .exclude(Exists(incomplete_sections))
        )

    def with_completeness(self):
        """Annotate ``is_complete_<language>`` and ``has_text_<language>`` (newsroom only).

        Public pages never need this: what is public is stored (``released_<language>``).
        """
        annotations = {}
        for code in LANGUAGE_CODES:
            annotations[f"is_complete_{code}"] = Exists(
                Article.objects.complete_in(code).filter(pk=OuterRef("pk"))
            )
            annotations[f"has_text_{code}"] = Q(
                **{f"headline_{code}__isnull": False, f"headline_{code}__gt": ""}
            ) | Exists(
                Section.objects.filter(article=OuterRef("pk")).exclude(_blank(f"body_{code}"))
            )
        return self.annotate(**annotations)

    def showing(self, photos):
        """Articles that show any of ``photos`` (ids or a queryset): lead, section or gallery."""
        # Semi-joins on the indexed photo columns, not a three-way outer join + DISTINCT.
        return self.filter(
            Q(lead_photo__in=photos)
            | Q(pk__in=Section.objects.filter(photo__in=photos).values("article_id"))
            | Q(pk__in=GalleryPhoto.objects.filter(photo__in=photos).values("article_id"))
        )

    def newest_first(self):
        return self.order_by("-published_at", "-id")


class Article(CompareAndSwap, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in review")
        PUBLISHED = "published", _("published")
        ARCHIVED = "archived", _("archived")

    headline = models.CharField(_("headline"), max_length=300)
    standfirst = models.TextField(
        _("standfirst"),
        blank=True,
        help_text=_("The lead: one or two sentences under the headline."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=220,
        blank=True,
        allow_unicode=False,
        help_text=_("Made from the headline when left empty. Changing it moves the address."),
    )
    lead_photo = models.ForeignKey(
        "media_credits.Photo",
        verbose_name=_("lead photo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_of_articles",
    )
    rubric = models.ForeignKey(
        Rubric,
        verbose_name=_("rubric"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    authors = models.ManyToManyField(
        Author,
        verbose_name=_("authors"),
        through="ArticleAuthor",
        blank=True,
        related_name="articles",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("Set on publishing when empty. A time in the future schedules the article."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    released_ru = models.BooleanField(_("released in Russian"), default=False, editable=False)
    released_kk = models.BooleanField(_("released in Kazakh"), default=False, editable=False)
    released_en = models.BooleanField(_("released in English"), default=False, editable=False)
    modified_at = models.DateTimeField(
        _("publicly modified at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Publication, or the latest correction."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    source_name = models.CharField(
        _("imported from"), max_length=255, blank=True, db_index=True, editable=False
    )
    source_credit = models.CharField(
        _("credit line as imported"), max_length=500, blank=True, editable=False
    )
    # Fingerprint of each language's text as last imported (see content_digest()).
    source_digests = models.JSONField(default=dict, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [
            ("edit_any_article", _("Can edit any article, whoever wrote it")),
            ("submit_article", _("Can submit articles for review")),
            ("return_article", _("Can return articles to their authors")),
            ("publish_article", _("Can publish and schedule articles")),
            ("unpublish_article", _("Can unpublish articles")),
            ("archive_article", _("Can archive and restore articles")),
            ("release_article", _("Can release and withdraw translations")),
            ("correct_article", _("Can add corrections to published articles")),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            # One partial index per language: the public lists of that language, newest
            # first, read straight from it.
            *(
                models.Index(
                    fields=["-published_at", "-id"],
                    condition=Q(status="published", **{f"released_{code}": True}),
                    name=f"article_public_{code}",
                )
                for code in ("ru", "kk", "en")
            ),
            # The same per rubric: rubric pages and the front page's rubric blocks.
            *(
                models.Index(
                    fields=["rubric", "-published_at", "-id"],
                    condition=Q(status="published", **{f"released_{code}": True}),
                    name=f"article_rubric_{code}",
                )
                for code in ("ru", "kk", "en")
            ),
        ]

    def __str__(self):
        return self.headline or f"#{self.pk}"

    def save(self, *args, **kwargs):
        """Save; an existing row only if it still has the version this copy was read at.

        A compare-and-swap on ``version`` (newsroom.versioning): a save made on a stale
        copy raises StaleVersion and changes nothing.
        """
        adding = self._state.adding
        if not adding:
            self.fill_slugs()
        super().save(*args, **kwargs)
        if adding and self.fill_slugs():
            # The row was just inserted at version 1: the slugs complete that insert.
            models.Model.save(self, update_fields=[f"slug_{code}" for code in LANGUAGE_CODES])

    def get_absolute_url(self, language: str | None = None):
        language = language or translation.get_language() or settings.LANGUAGE_CODE
        return article_url(self.pk, getattr(self, f"slug_{language}", "") or str(self.pk), language)

    def clean(self):
        errors = {}
        for code in LANGUAGE_CODES:
            slug = getattr(self, f"slug_{code}")
            taken = Article.objects.filter(**{f"slug_{code}": slug}).exclude(pk=self.pk)
            if slug and taken.exists():
                errors[f"slug_{code}"] = ValidationError(
                    _("Another article already uses this address; choose another slug."),
                    code="unique",
                )
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            errors["published_at"] = ValidationError(
                _("A published article needs its publication time."), code="required"
            )
        if errors:
            raise ValidationError(errors)

    def fill_slugs(self) -> bool:
        """Give every language with a headline a unique Latin slug; True when one changed."""
        changed = False
        for code in LANGUAGE_CODES:
            field = f"slug_{code}"
            current = getattr(self, field)
            headline = getattr(self, f"headline_{code}")
            if current or not headline:
                continue
            base = latin_slug(headline) or str(self.pk)
            candidate, n = base, 1
            while Article.objects.filter(**{field: candidate}).exclude(pk=self.pk).exists():
                n += 1
                candidate = f"{base}-{n}"
            setattr(self, field, candidate)
            changed = True
        return changed

    def is_published(self) -> bool:
        """Instance twin of ArticleQuerySet.published()."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def is_available_in(self, language: str) -> bool:
        """Instance twin of ArticleQuerySet.available_in()."""
        return self.is_published() and getattr(self, f"released_{language}")

    def released_languages(self) -> list[str]:
        return [code for code in LANGUAGE_CODES if getattr(self, f"released_{code}")]

    def is_scheduled(self) -> bool:
        """Published, but due only in the future."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    def is_complete_in(self, language: str) -> bool:
        """Instance twin of ArticleQuerySet.complete_in()."""
        if not getattr(self, f"headline_{language}"):
            return False
        sections = list(self.sections.all())
        return bool(sections) and all(s.is_complete_in(language) for s in sections)

    def complete_languages(self) -> list[str]:
        return [code for code in LANGUAGE_CODES if self.is_complete_in(code)]

    def photos_in_order(self) -> list:
        """Lead photo, section photos, then the gallery: the order of the credit line."""
        photos = [self.lead_photo] if self.lead_photo_id else []
        photos += [section.photo for section in self.sections.all() if section.photo_id]
        photos += [entry.photo for entry in self.gallery.all()]
        return photos

    def content_digest(self, language: str) -> str:
        """Fingerprint of the article's text in one language (to detect edits since import)."""
        parts = [
            getattr(self, f"headline_{language}") or "",
            getattr(self, f"standfirst_{language}") or "",
        ]
        for section in self.sections.order_by("position", "id"):
            parts.append(getattr(section, f"subhead_{language}") or "")
            parts.append(getattr(section, f"body_{language}") or "")
        return hashlib.sha256("\x1e".join(parts).encode()).hexdigest()


class ArticleAuthor(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, verbose_name=_("author"), on_delete=models.PROTECT)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_article_author")
        ]

    def __str__(self):
        return str(self.author)


@functools.lru_cache(maxsize=4096)
def _anchor_slug(subhead: str) -> str:
    # Subheads repeat across requests and the template asks twice per section; a slug
    # costs ~0.4 ms (python-slugify retries importing a missing unidecode on every call).
    return latin_slug(subhead, max_length=60)


class Section(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(_("position"), default=0)
    subhead = models.CharField(
        _("subhead"),
        max_length=300,
        blank=True,
        help_text=_("Leave empty for the opening section."),
    )
    body = SanitizedHTMLField(_("body"), blank=True)
    photo = models.ForeignKey(
        "media_credits.Photo",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sections",
        help_text=_("Shown under the subhead."),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        indexes = [
            # Which articles show these photos, from the index alone (photographer page).
            models.Index(fields=["photo", "article"], name="section_photo_article"),
        ]

    def __str__(self):
        return self.subhead or str(_("Opening section"))

    def has_subhead(self) -> bool:
        return any(getattr(self, f"subhead_{code}") for code in LANGUAGE_CODES)

    def is_complete_in(self, language: str) -> bool:
        if not has_text(getattr(self, f"body_{language}")):
            return False
        return not self.has_subhead() or bool(getattr(self, f"subhead_{language}"))

    def anchor(self) -> str:
        """The id of the subhead on the public page."""
        return _anchor_slug(getattr(self, f"subhead_{translation.get_language()}") or "") or (
            f"section-{self.position}"
        )


class GalleryPhoto(models.Model):
    """A photo in an article's gallery, in the editor's order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="gallery")
    photo = models.ForeignKey(
        "media_credits.Photo",
        verbose_name=_("photo"),
        on_delete=models.PROTECT,
        related_name="gallery_entries",
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("gallery photo")
        verbose_name_plural = _("gallery")
        indexes = [models.Index(fields=["photo", "article"], name="gallery_photo_article")]
        constraints = [
            models.UniqueConstraint(fields=["article", "photo"], name="unique_gallery_photo")
        ]

    def __str__(self):
        return str(self.photo)


class Transition(models.Model):
    """One step of the editorial workflow, written by articles.workflow.apply() only."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(_("transition"), max_length=20)
    from_status = models.CharField(_("from"), max_length=20, choices=Article.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Article.Status.choices)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow history")

    def __str__(self):
        return f"{self.name}: {self.from_status} → {self.to_status}"


class Correction(models.Model):
    """A dated public note at the end of a published article ("Исправление: …")."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField(_("correction"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self):
        return self.text[:80]


class SearchDocument(models.Model):
    """What the public search reads of an article, per language (articles.search).

    Derived data, rewritten by articles.search.refresh() after the article's text changes:
    the headline, and the standfirst, subheads and section bodies without markup. A table
    of its own, so that no other read of articles carries it. On PostgreSQL it also has a
    weighted ``search_vector_<lang>`` column per language with a GIN index (migration 0008).
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    headline_ru = models.TextField(blank=True, default="")
    headline_kk = models.TextField(blank=True, default="")
    headline_en = models.TextField(blank=True, default="")
    text_ru = models.TextField(blank=True, default="")
    text_kk = models.TextField(blank=True, default="")
    text_en = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self):
        return f"#{self.article_id}"


class TypoReport(models.Model):
    """A reader's report of a typo on a public article page (articles.typo_views).

    Plain text only, as cleaned on the way in; the reader's address is kept only as a keyed
    hash (enough to tell repeated reports from one address apart, not to recover it).
    """

    class State(models.TextChoices):
        NEW = "new", _("new")
        DONE = "done", _("done")
        CORRECTED = "corrected", _("turned into a correction")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="typo_reports"
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    selection = models.CharField(_("selected text"), max_length=300)
    context = models.TextField(_("context"), max_length=1000, blank=True)
    comment = models.TextField(_("reader's comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    address_hash = models.CharField(_("address hash"), max_length=64, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.NEW, editable=False
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True, editable=False)
    correction = models.ForeignKey(
        Correction,
        verbose_name=_("correction"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="typo_reports",
        editable=False,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("typo report")
        verbose_name_plural = _("typo reports")
        indexes = [models.Index(fields=["article", "state"])]

    def __str__(self):
        return self.selection[:80]
