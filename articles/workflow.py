"""Editorial workflow: the only code that changes an article's status or released languages.

One table, TRANSITIONS, says which transition goes from which states to which, who may
apply it, and whether it needs a comment or languages; one entry point, apply(), checks
and applies it and writes the Transition row in the same transaction. The admin, the
importer, the demo and the tests all go through apply().
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import notifications, photo_state
from articles.models import LANGUAGE_CODES, Article, Correction, Transition
from media_credits.credits import is_usable

DRAFT = Article.Status.DRAFT
IN_REVIEW = Article.Status.IN_REVIEW
PUBLISHED = Article.Status.PUBLISHED
ARCHIVED = Article.Status.ARCHIVED

#: Editors edit any article; others edit only what they wrote (see is_author()).
EDIT_ANY_PERMISSION = "articles.edit_any_article"
PUBLISH_PERMISSION = "articles.publish_article"
SYSTEM_USERNAME = notifications.SYSTEM_USERNAME


@dataclass(frozen=True)
class Rule:
    """One row of the transition table."""

    sources: frozenset
    target: str  # None: the status does not change (per-language and correction steps)
    permission: str
    label: str
    comment_required: bool = False
    per_language: bool = False
    #: Holders of the permission without EDIT_ANY_PERMISSION may apply it only to
    #: articles they wrote.
    own_only: bool = False


TRANSITIONS: dict[str, Rule] = {
    "submit": Rule(
        frozenset({DRAFT}), IN_REVIEW, "articles.submit_article",
        gettext_lazy("Submit for review"), own_only=True,
    ),
    "return": Rule(
        frozenset({IN_REVIEW}), DRAFT, "articles.return_article",
        gettext_lazy("Return to the author"), comment_required=True,
    ),
    "publish": Rule(
        frozenset({DRAFT, IN_REVIEW}), PUBLISHED, PUBLISH_PERMISSION,
        gettext_lazy("Publish"), per_language=True,
    ),
    "schedule": Rule(
        frozenset({DRAFT, IN_REVIEW}), PUBLISHED, PUBLISH_PERMISSION,
        gettext_lazy("Schedule"), per_language=True,
    ),
    "unpublish": Rule(
        frozenset({PUBLISHED}), DRAFT, "articles.unpublish_article",
        gettext_lazy("Unpublish"), comment_required=True,
    ),
    "archive": Rule(
        frozenset({PUBLISHED}), ARCHIVED, "articles.archive_article", gettext_lazy("Archive"),
    ),
    "restore": Rule(
        frozenset({ARCHIVED}), DRAFT, "articles.archive_article",
        gettext_lazy("Restore to drafts"),
    ),
    "release": Rule(
        frozenset({PUBLISHED}), PUBLISHED, "articles.release_article",
        gettext_lazy("Release a translation"), per_language=True,
    ),
    "withdraw": Rule(
        frozenset({PUBLISHED}), PUBLISHED, "articles.release_article",
        gettext_lazy("Withdraw a translation"), per_language=True, comment_required=True,
    ),
    "correct": Rule(
        frozenset({PUBLISHED}), PUBLISHED, "articles.correct_article",
        gettext_lazy("Add a correction"), comment_required=True,
    ),
}  # fmt: skip


class TransitionError(Exception):
    """The transition does not apply: wrong state, missing comment, incomplete language…"""


def system_user():
    """The account commands (importer, demo, expiry) act as: no password, cannot log in."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_superuser": True, "is_staff": False, "first_name": "Newsroom system"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def is_author(article: Article, user) -> bool:
    """True when ``user`` created the article or is one of its bylined authors."""
    if not user.is_authenticated or article.pk is None:
        return False
    if article.created_by_id == user.pk:
        return True
    return article.bylines.filter(author__user=user).exists()


def may(article: Article, name: str, user) -> bool:
    """May ``user`` apply transition ``name`` to ``article`` in its current state?"""
    rule = TRANSITIONS[name]
    if article.status not in rule.sources or not user.has_perm(rule.permission):
        return False
    if rule.own_only and not user.has_perm(EDIT_ANY_PERMISSION):
        return is_author(article, user)
    return True


def available_transitions(article: Article, user) -> list[str]:
    """The names of the transitions ``user`` may apply to ``article`` now, in table order."""
    names = [name for name in TRANSITIONS if may(article, name, user)]
    if article.status == PUBLISHED:
        released = set(article.released_languages())
        if released >= set(LANGUAGE_CODES):
            names = [n for n in names if n != "release"]
        if len(released) < 2:
            # The last released language is not withdrawn: the article is unpublished.
            names = [n for n in names if n != "withdraw"]
    return names


def apply(
    article: Article,
    name: str,
    *,
    user,
    comment: str = "",
    languages: Iterable[str] = (),
    at: dt.datetime | None = None,
    correction: dict[str, str] | None = None,
) -> Article:
    """Apply transition ``name`` to ``article`` as ``user``; return the article as saved.

    Checks the permission and the state on the locked row, changes the status and the
    released languages, writes the Transition row, all in one transaction. Raises
    PermissionDenied or TransitionError and changes nothing when the step does not apply.

    ``languages``: for publish/schedule the languages to release (default: every complete
    one); for release/withdraw the languages concerned. ``at``: the publication time
    (schedule needs one in the future). ``correction``: for correct, the note's text per
    language (every released language needs one).
    """
    if name not in TRANSITIONS:
        raise TransitionError(_("There is no transition “%(name)s”.") % {"name": name})
    rule = TRANSITIONS[name]
    if user is None or not user.has_perm(rule.permission):
        raise PermissionDenied(_("You may not do this: %(step)s.") % {"step": rule.label})
    comment = (comment or "").strip()
    if rule.comment_required and not comment and name != "correct":
        raise TransitionError(_("“%(step)s” needs a comment.") % {"step": rule.label})
    languages = [code for code in dict.fromkeys(languages) if code]
    unknown = [code for code in languages if code not in LANGUAGE_CODES]
    if unknown:
        raise TransitionError(_("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown)})
    now = timezone.now()

    with transaction.atomic():
        locked = (
            Article.objects.select_for_update(of=("self",))
            .prefetch_related("sections", "gallery__photo", "lead_photo")
            .get(pk=article.pk)
        )
        if locked.status not in rule.sources:
            raise TransitionError(
                _("“%(article)s” is %(status)s: “%(step)s” does not apply.")
                % {"article": locked, "status": locked.get_status_display(), "step": rule.label}
            )
        others = rule.own_only and not user.has_perm(EDIT_ANY_PERMISSION)
        if others and not is_author(locked, user):
            raise PermissionDenied(_("Only its author or an editor may do this."))
        before_photos = {p.pk for p in locked.photos_in_order()}
        from_status = locked.status
        changed = _STEPS[name](locked, user=user, comment=comment, languages=languages,
                               at=at, now=now, correction=correction)  # fmt: skip
        if rule.target is not None:
            locked.status = rule.target
        locked.updated_by = user
        locked.save(
            update_fields=[
                "status", "published_at", "modified_at", "updated_by", "updated_at", "version",
                *(f"released_{code}" for code in LANGUAGE_CODES),
            ]
        )  # fmt: skip
        Transition.objects.create(
            article=locked,
            name=name,
            from_status=from_status,
            to_status=locked.status,
            languages=changed,
            user=user,
            created_at=now,
            comment=comment,
        )
        photo_state.sync(before_photos | {p.pk for p in locked.photos_in_order()})
        transaction.on_commit(lambda: _notify(locked, name, user=user, comment=comment))
    for field in ("status", "published_at", "modified_at", "version", "updated_by_id"):
        setattr(article, field, getattr(locked, field))
    for code in LANGUAGE_CODES:
        setattr(article, f"released_{code}", getattr(locked, f"released_{code}"))
    return article


# --- The steps: each changes the locked row and returns the languages it concerned -------


def _submit(article, **kwargs):
    return []


def _return(article, **kwargs):
    return []


def _publish(article, *, languages, at, now, **kwargs):
    # ``at`` (or a published_at already set) in the future schedules the article.
    return _release_on_publish(article, languages=languages, at=at, now=now)


def _schedule(article, *, languages, at, now, **kwargs):
    if at is None or at <= now:
        raise TransitionError(_("Choose a publication time in the future to schedule."))
    return _release_on_publish(article, languages=languages, at=at, now=now)


def _release_on_publish(article, *, languages, at, now):
    complete = article.complete_languages()
    if not complete:
        raise TransitionError(
            _("“%(article)s” has no language with a headline and text in every section.")
            % {"article": article}
        )
    languages = languages or complete
    _check_releasable(article, languages, complete=complete)
    if at is not None:
        article.published_at = at
    elif article.published_at is None:
        article.published_at = now
    article.modified_at = article.published_at
    for code in LANGUAGE_CODES:
        setattr(article, f"released_{code}", code in languages)
    return list(languages)


def _unpublish(article, **kwargs):
    return _withdraw_all(article)


def _archive(article, **kwargs):
    return _withdraw_all(article)


def _restore(article, **kwargs):
    return []


def _withdraw_all(article):
    withdrawn = article.released_languages()
    for code in LANGUAGE_CODES:
        setattr(article, f"released_{code}", False)
    return withdrawn


def _release(article, *, languages, **kwargs):
    if not languages:
        raise TransitionError(_("Choose the languages to release."))
    _check_releasable(article, languages, complete=article.complete_languages())
    for code in languages:
        setattr(article, f"released_{code}", True)
    return list(languages)


def _withdraw(article, *, languages, **kwargs):
    if not languages:
        raise TransitionError(_("Choose the languages to withdraw."))
    remaining = [code for code in article.released_languages() if code not in languages]
    if not remaining:
        raise TransitionError(
            _("A published article keeps at least one language; unpublish it instead.")
        )
    for code in languages:
        setattr(article, f"released_{code}", False)
    return list(languages)


def _correct(article, *, user, comment, correction, now, **kwargs):
    texts = {code: (text or "").strip() for code, text in (correction or {}).items()}
    if not any(texts.values()) and comment:
        texts = {settings.LANGUAGE_CODE: comment}
    missing = [code for code in article.released_languages() if not texts.get(code)]
    if missing:
        names = dict(settings.LANGUAGES)
        raise TransitionError(
            _("A correction needs its text in every language the article is public in: %(l)s.")
            % {"l": ", ".join(str(names[code]) for code in missing)}
        )
    Correction.objects.create(
        article=article,
        created_by=user,
        created_at=now,
        **{f"text_{code}": texts.get(code) or None for code in LANGUAGE_CODES},
    )
    article.modified_at = now
    return [code for code in LANGUAGE_CODES if texts.get(code)]


_STEPS = {
    "submit": _submit,
    "return": _return,
    "publish": _publish,
    "schedule": _schedule,
    "unpublish": _unpublish,
    "archive": _archive,
    "restore": _restore,
    "release": _release,
    "withdraw": _withdraw,
    "correct": _correct,
}


def _check_releasable(article: Article, languages, *, complete) -> None:
    names = dict(settings.LANGUAGES)
    incomplete = [code for code in languages if code not in complete]
    if incomplete:
        raise TransitionError(
            _("Not complete in %(languages)s: a headline and every section's text are needed.")
            % {"languages": ", ".join(str(names[code]) for code in incomplete)}
        )
    problems = photo_problems(article, languages=languages)
    if problems:
        raise TransitionError(
            _("“%(article)s” cannot be published: %(problems)s")
            % {"article": article, "problems": " ".join(problems)}
        )


def photo_problems(article: Article, *, photos=None, languages=None) -> list[str]:
    """Why the article's photos stop it being published in ``languages``.

    ``languages`` defaults to the released ones, or the complete ones for an article not
    yet published. Every photo needs alt text in each of those languages, an agency or
    handout credit text in each of them if it has one at all (no Russian "пресс-службы
    Акорды" under an English label), and usage terms that have not expired.
    """
    if languages is None:
        languages = article.released_languages() or article.complete_languages()
    photos = article.photos_in_order() if photos is None else photos
    names = dict(settings.LANGUAGES)
    problems = []
    for photo in dict.fromkeys(photos):
        # An upload is usable once the photo worker has checked and cleaned its file.
        if photo.state == photo.State.PENDING:
            problems.append(
                _("“%(photo)s” is still being processed; try again once it is ready.")
                % {"photo": photo}
            )
        elif photo.state == photo.State.REFUSED:
            problems.append(
                _("The file of “%(photo)s” was refused: %(reason)s")
                % {"photo": photo, "reason": photo.refusal_message()}
            )
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


def incomplete_released(article: Article) -> list[str]:
    """Released languages in which the article (as stored now) is no longer complete."""
    return [code for code in article.released_languages() if not article.is_complete_in(code)]


# --- E-mail -----------------------------------------------------------------------------


def _notify(article: Article, name: str, *, user, comment: str) -> None:
    if name == "submit":
        notifications.submitted(article, by=user)
    elif name == "return":
        notifications.returned(article, by=user, comment=comment)
