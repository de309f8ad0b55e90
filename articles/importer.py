"""Plain-text articles in the newspaper's house format.

    date 2025-09-30 фото Аманкула Дюсенбаева, Еркебулана Укибаева
    Headline
    paragraphs, with short subheads between them

A subhead is a line of at most 80 characters, with no terminal punctuation, that
is not direct speech (opened by a dash). The opening section has no subhead.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from articles import workflow
from articles.models import Article, Rubric, Section
from media_credits.credits import photographers_for_credit_line

SUBHEAD_MAX_LENGTH = 80
MIN_YEAR, MAX_YEAR = 1900, 2100
NEWSROOM_TZ = ZoneInfo("Asia/Almaty")
_FIRST_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})(?:\s+(\S.*?))?\s*$")
_TERMINAL_PUNCTUATION = tuple(".!?…:;,")
_DASHES = ("–", "—", "-", "―")
_CLOSING_QUOTES = '»"”’)'


class ImportError_(Exception):
    """The file is not an article in the house format, or may not be imported."""


@dataclass
class ParsedSection:
    subhead: str = ""
    paragraphs: list[str] = field(default_factory=list)

    def body_html(self) -> str:
        return "".join(f"<p>{escape(p)}</p>" for p in self.paragraphs)


@dataclass
class ParsedArticle:
    date: dt.date
    credit_line: str
    headline: str
    sections: list[ParsedSection]

    @property
    def paragraph_count(self) -> int:
        return sum(len(s.paragraphs) for s in self.sections)

    @property
    def published_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, dt.time(0, 0), tzinfo=NEWSROOM_TZ)


def decode(raw: bytes) -> str:
    """UTF-8 with or without BOM, else Windows-1251; line ends normalised to LF."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1251")
        except UnicodeDecodeError as exc:
            raise ImportError_(_("The file is neither UTF-8 nor Windows-1251 text.")) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_subhead(line: str) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > SUBHEAD_MAX_LENGTH:
        return False
    if stripped.startswith(_DASHES):
        return False
    return not stripped.rstrip(_CLOSING_QUOTES).endswith(_TERMINAL_PUNCTUATION)


def parse(text: str) -> ParsedArticle:
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        raise ImportError_(_("The file is empty."))
    match = _FIRST_LINE.match(lines[0])
    if not match:
        raise ImportError_(
            _(
                "Not an article in the house format: the first line must be “date YYYY-MM-DD”, "
                "optionally followed by the photo credit, not “%(line)s”."
            )
            % {"line": lines[0][:80]}
        )
    try:
        date = dt.date.fromisoformat(match.group(1))
    except ValueError as exc:
        raise ImportError_(_("“%(date)s” is not a valid date.") % {"date": match.group(1)}) from exc
    if not MIN_YEAR <= date.year <= MAX_YEAR:
        raise ImportError_(
            _("“%(date)s” is outside the years %(min)d–%(max)d.")
            % {"date": match.group(1), "min": MIN_YEAR, "max": MAX_YEAR}
        )
    credit_line = (match.group(2) or "").strip()
    if len(lines) < 3:
        raise ImportError_(_("The file has a date line but no headline and text."))
    headline = lines[1]
    if len(headline) > 300:
        raise ImportError_(_("The headline (second line) is longer than 300 characters."))
    sections = [ParsedSection()]
    for line in lines[2:]:
        if is_subhead(line):
            if sections[-1].subhead and not sections[-1].paragraphs:
                raise ImportError_(
                    _("The subhead “%(subhead)s” has no paragraphs under it.")
                    % {"subhead": sections[-1].subhead}
                )
            sections.append(ParsedSection(subhead=line))
        else:
            sections[-1].paragraphs.append(line)
    if not sections[0].paragraphs:
        sections.pop(0)
    if not sections or not sections[-1].paragraphs:
        raise ImportError_(_("The article has no paragraphs after its last subhead."))
    return ParsedArticle(date=date, credit_line=credit_line, headline=headline, sections=sections)


def parse_file(path: Path) -> ParsedArticle:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportError_(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
        ) from exc
    return parse(decode(raw))


@dataclass
class ImportResult:
    article: Article
    created: bool
    parsed: ParsedArticle
    photographers: list = field(default_factory=list)


def import_article(
    parsed: ParsedArticle,
    *,
    source_name: str,
    language: str = "ru",
    rubric_slug: str | None = None,
    into: int | None = None,
    publish: bool = False,
) -> ImportResult:
    """Create or update the article a file describes; refuse to overwrite admin edits."""
    rubric = None
    if rubric_slug:
        rubric = Rubric.objects.filter(slug=rubric_slug).first()
        if rubric is None:
            raise ImportError_(
                _("There is no rubric with the slug “%(slug)s”.") % {"slug": rubric_slug}
            )
    with transaction.atomic(), reversion.create_revision():
        # A revision like an admin save, so an import can be compared and reverted too.
        reversion.set_user(workflow.system_user())
        reversion.set_comment(_("Imported from %(file)s") % {"file": source_name})
        article, created = _target(source_name=source_name, language=language, into=into)
        if not created:
            _refuse_if_edited(article, language)
        setattr(article, f"headline_{language}", parsed.headline)
        if created or article.published_at is None:
            # Later imports keep a time an editor set (a schedule, a correction).
            article.published_at = parsed.published_at
        if language == "ru" or created:
            article.source_credit = parsed.credit_line
        if into is None:
            article.source_name = source_name
        if rubric is not None:
            article.rubric = rubric
        article.save()
        _write_sections(article, parsed, language, created=created)
        article.source_digests = {
            **article.source_digests,
            language: article.content_digest(language),
        }
        article.save(update_fields=["source_digests"])
        if article.status == Article.Status.PUBLISHED:
            # A published article stays complete in every language it is public in.
            incomplete = workflow.incomplete_released(article)
            if incomplete:
                raise ImportError_(
                    _(
                        "Article %(id)s is public in %(languages)s and this import would "
                        "leave it incomplete there; nothing was changed."
                    )
                    % {"id": article.pk, "languages": ", ".join(incomplete)}
                )
        if publish:
            _publish(article, language)
        # Photographers named in the credit line, ready for the photos (the line itself
        # stays source data: the article's credit line is composed from its photos).
        photographers = photographers_for_credit_line(parsed.credit_line)
    return ImportResult(
        article=article, created=created, parsed=parsed, photographers=photographers
    )


def _publish(article: Article, language: str) -> None:
    """Publish the article, or release this language of an article already published."""
    user = workflow.system_user()
    try:
        if article.status == Article.Status.PUBLISHED:
            if not getattr(article, f"released_{language}"):
                workflow.apply(article, "release", user=user, languages=[language])
        else:
            workflow.apply(article, "publish", user=user)
    except (workflow.TransitionError, PermissionDenied) as exc:
        raise ImportError_(str(exc)) from exc


def _target(*, source_name: str, language: str, into: int | None) -> tuple[Article, bool]:
    if into is not None:
        article = Article.objects.select_for_update().filter(pk=into).first()
        if article is None:
            raise ImportError_(_("There is no article with id %(id)s.") % {"id": into})
        return article, False
    if language != "ru":
        raise ImportError_(_("A translation is imported into an existing article: use --into ID."))
    article = Article.objects.select_for_update().filter(source_name=source_name).first()
    if article is not None:
        return article, False
    return Article(), True


def _refuse_if_edited(article: Article, language: str) -> None:
    has_text = bool(getattr(article, f"headline_{language}"))
    if not has_text:
        return
    imported = article.source_digests.get(language)
    if not imported or article.content_digest(language) != imported:
        raise ImportError_(
            _(
                "Article %(id)s was changed in the admin since it was imported "
                "(last saved %(when)s); the import would overwrite those edits, "
                "so nothing was changed."
            )
            % {
                "id": article.pk,
                "when": timezone.localtime(article.updated_at).strftime("%Y-%m-%d %H:%M"),
            }
        )


def _write_sections(
    article: Article, parsed: ParsedArticle, language: str, *, created: bool
) -> None:
    existing = list(article.sections.order_by("position", "id"))
    other_languages_filled = any(
        getattr(section, f"body_{code}")
        for section in existing
        for code in ("ru", "kk", "en")
        if code != language
    )
    if existing and len(existing) != len(parsed.sections):
        if other_languages_filled:
            raise ImportError_(
                _(
                    "Article %(id)s has %(have)d sections but the file has %(file)d; "
                    "the other languages' text would no longer line up, so nothing was changed."
                )
                % {"id": article.pk, "have": len(existing), "file": len(parsed.sections)}
            )
        if any(section.photo_id for section in existing):
            raise ImportError_(
                _(
                    "Article %(id)s has %(have)d sections with photos but the file has "
                    "%(file)d; the photos would be lost, so nothing was changed."
                )
                % {"id": article.pk, "have": len(existing), "file": len(parsed.sections)}
            )
        article.sections.all().delete()
        existing = []
    for number, parsed_section in enumerate(parsed.sections, start=1):
        section = existing[number - 1] if existing else Section(article=article, position=number)
        setattr(section, f"subhead_{language}", parsed_section.subhead)
        setattr(section, f"body_{language}", parsed_section.body_html())
        section.save()
