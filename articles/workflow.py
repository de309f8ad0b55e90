"""Editorial workflow: the only code that changes an article's status.

For now one transition, ``publish``; the full transition table (submit, return,
unpublish, archive, restore) and the audit log build on this module.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article
from media_credits.credits import is_usable

PUBLISH_PERMISSION = "articles.publish_article"
PUBLISHABLE_FROM = frozenset({Article.Status.DRAFT, Article.Status.IN_REVIEW})


class TransitionError(Exception):
    """The article is not in a state the transition starts from."""


def photo_problems(article: Article, *, photos=None, languages=None) -> list[str]:
    """Why the article's photos stop it being published, in every language it is complete in.

    Every photo needs alt text in each of those languages, an agency or handout credit
    text in each of them if it has one at all (no Russian "пресс-службы Акорды" under
    an English label), and usage terms that have not expired.
    """
    languages = article.complete_languages() if languages is None else languages
    photos = article.photos_in_order() if photos is None else photos
    names = dict(settings.LANGUAGES)
    problems = []
    for photo in dict.fromkeys(photos):
        if not is_usable(photo):
            problems.append(
                _("The usage terms of “%(photo)s” expired on %(date)s.")
                % {"photo": photo, "date": photo.usage_expires_on}
            )
        for code in languages:
            language = str(names[code])
            if not getattr(photo, f"alt_text_{code}"):
                problems.append(
                    _("“%(photo)s” has no alt text in %(language)s.")
                    % {"photo": photo, "language": language}
                )
            has_agency = any(getattr(photo, f"credit_{c}") for c in names)
            needs_credit = photo.photographer_id is None or has_agency
            if needs_credit and not getattr(photo, f"credit_{code}"):
                problems.append(
                    _("“%(photo)s” has no credit in %(language)s.")
                    % {"photo": photo, "language": language}
                )
    return problems


def publish(article: Article, *, user, at=None) -> Article:
    """Publish ``article``: set its status and, when empty, ``published_at`` (now or ``at``).

    ``user`` None means a trusted command-line caller (the importer, the demo).
    """
    if user is not None and not user.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied(_("You may not publish articles."))
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if locked.status not in PUBLISHABLE_FROM:
            raise TransitionError(
                _("“%(article)s” is %(status)s and cannot be published.")
                % {"article": locked, "status": locked.get_status_display()}
            )
        problems = photo_problems(locked)
        if problems:
            raise TransitionError(
                _("“%(article)s” cannot be published: %(problems)s")
                % {"article": locked, "problems": " ".join(problems)}
            )
        locked.status = Article.Status.PUBLISHED
        if locked.published_at is None:
            locked.published_at = at or timezone.now()
        if user is not None:
            locked.updated_by = user
        # "version" too: a form opened before publishing must not save over it unawares.
        locked.save(
            update_fields=["status", "published_at", "updated_by", "updated_at", "version"]
        )
    article.status, article.published_at = locked.status, locked.published_at
    return article
