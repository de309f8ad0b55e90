"""The editorial desk: the lists an editor or reporter starts the day from."""

import datetime as dt

from django.contrib import admin
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from articles import workflow
from articles.models import Article, Transition

RECENT = dt.timedelta(days=7)

#: (key, label): the desk's lists in the order they are shown.
LISTS = (
    ("mine", _("My drafts")),
    ("review", _("Awaiting review")),
    ("returned", _("Returned to me")),
    ("scheduled", _("Scheduled")),
    ("recent", _("Recently published")),
)


def desk_queryset(key: str, user):
    """The articles of one desk list for ``user``."""
    now = timezone.now()
    articles = Article.objects.all()
    if not user.has_perm(workflow.EDIT_ANY_PERMISSION):
        articles = articles.filter(Q(created_by=user) | Q(bylines__author__user=user)).distinct()
    if key == "mine":
        return articles.filter(status=Article.Status.DRAFT, created_by=user)
    if key == "review":
        return articles.filter(status=Article.Status.IN_REVIEW)
    if key == "returned":
        last_step = Transition.objects.filter(article=OuterRef("pk")).order_by("-created_at", "-id")
        return articles.filter(status=Article.Status.DRAFT, created_by=user).filter(
            pk__in=Article.objects.annotate(last=Subquery(last_step.values("name")[:1]))
            .filter(last="return")
            .values("pk")
        )
    if key == "scheduled":
        return articles.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
    if key == "recent":
        return articles.filter(
            status=Article.Status.PUBLISHED, published_at__lte=now, published_at__gte=now - RECENT
        )
    return articles.none()


def desk(user) -> list[dict]:
    """Each desk list with its count and the admin link that shows it."""
    changelist = reverse("admin:articles_article_changelist")
    return [
        {
            "key": key,
            "label": label,
            "count": desk_queryset(key, user).count(),
            "url": f"{changelist}?{urlencode({'desk': key})}",
        }
        for key, label in LISTS
    ]


class DeskFilter(admin.SimpleListFilter):
    title = _("desk")
    parameter_name = "desk"

    def lookups(self, request, model_admin):
        return LISTS

    def queryset(self, request, queryset):
        key = self.value()
        if key not in dict(LISTS):
            return queryset
        return queryset.filter(pk__in=desk_queryset(key, request.user).values("pk"))
