"""E-mail about the workflow: editors hear of submissions, authors of returns.

Sent after the transaction commits (articles.workflow.apply), in the recipient-neutral
site language; a failed delivery is logged and never undoes the transition.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

#: The account commands act as (articles.workflow.system_user): never notified.
SYSTEM_USERNAME = "newsroom-system"


def _admin_url(article) -> str:
    path = reverse("admin:articles_article_change", args=[article.pk])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _send(subject: str, body: str, recipients: list[str]) -> None:
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # noqa: BLE001 — mail trouble must not break the newsroom's work
        logger.exception("Workflow e-mail could not be sent: %s", subject)


def submitted(article, *, by) -> None:
    """Tell every editor that ``article`` awaits review."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("For review: %(headline)s") % {"headline": article}
        body = _("%(user)s submitted “%(headline)s” for review.\n\n%(url)s\n") % {
            "user": by.get_full_name() or by.get_username(),
            "headline": article,
            "url": _admin_url(article),
        }
    _send(subject, body, [user.email for user in editors() if user.pk != by.pk])


def returned(article, *, by, comment: str) -> None:
    """Tell the article's author that an editor returned it, with the editor's comment."""
    author = article.created_by
    if author is None or author.pk == by.pk:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Returned to you: %(headline)s") % {"headline": article}
        body = _("%(user)s returned “%(headline)s” to you:\n\n%(comment)s\n\n%(url)s\n") % {
            "user": by.get_full_name() or by.get_username(),
            "headline": article,
            "comment": comment,
            "url": _admin_url(article),
        }
    _send(subject, body, [author.email])


def editors():
    """Active users who may publish: they hear of submissions."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(groups__permissions__codename="publish_article")
            | Q(user_permissions__codename="publish_article")
        )
        .exclude(username=SYSTEM_USERNAME)
        .distinct()
    )
