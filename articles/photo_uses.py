"""How articles use photos, told to the photo library (media_credits.usage)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from articles import workflow
from articles.models import Article
from media_credits.usage import PhotoUse


def problems(photo) -> list[str]:
    """A photo that published (or scheduled) articles show keeps what publishing required."""
    found = []
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    for article in published.showing([photo.pk]):
        reasons = workflow.photo_problems(article, photos=[photo])
        if reasons:
            found.append(
                _("“%(article)s” is published with this photo: %(problems)s")
                % {"article": article, "problems": " ".join(reasons)}
            )
    return found


def users(photo_ids) -> list[tuple[str, str, str]]:
    kind = str(Article._meta.verbose_name).capitalize()
    return [
        (kind, str(article), reverse("admin:articles_article_change", args=[article.pk]))
        for article in Article.objects.showing(list(photo_ids))
    ]


ARTICLES = PhotoUse(problems=problems, users=users, view_permission="articles.view_article")
