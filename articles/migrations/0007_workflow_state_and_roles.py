"""Store what was computed before: released languages, photos' public state; grant roles."""

from django.db import migrations
from django.db.models import Min, Q

from newsroom import roles

LANGUAGES = ("ru", "kk", "en")

GRANTS = {
    roles.REPORTER: ["articles.submit_article"],
    roles.EDITOR: [
        "articles.edit_any_article", "articles.submit_article", "articles.return_article",
        "articles.unpublish_article", "articles.archive_article", "articles.release_article",
        "articles.correct_article", "articles.view_transition", "articles.view_correction",
    ],
}  # fmt: skip


def _has_text(html):
    import re

    return bool(html and re.sub(r"<[^>]*>", "", html).replace("&nbsp;", " ").strip())


def _complete(article, sections, code):
    if not getattr(article, f"headline_{code}"):
        return False
    if not sections:
        return False
    for section in sections:
        if not _has_text(getattr(section, f"body_{code}")):
            return False
        has_subhead = any(getattr(section, f"subhead_{c}") for c in LANGUAGES)
        if has_subhead and not getattr(section, f"subhead_{code}"):
            return False
    return True


def forwards(apps, schema_editor):
    roles.grant(apps, GRANTS)
    Article = apps.get_model("articles", "Article")
    Section = apps.get_model("articles", "Section")
    GalleryPhoto = apps.get_model("articles", "GalleryPhoto")
    Photo = apps.get_model("media_credits", "Photo")
    # Until now a published article was public in every language it was complete in.
    for article in Article.objects.filter(status="published").iterator():
        sections = list(Section.objects.filter(article=article))
        released = {f"released_{c}": _complete(article, sections, c) for c in LANGUAGES}
        Article.objects.filter(pk=article.pk).update(modified_at=article.published_at, **released)
    public = Q()
    for code in LANGUAGES:
        public |= Q(**{f"released_{code}": True})
    articles = Article.objects.filter(public, status="published")
    for photo in Photo.objects.all().iterator():
        shown_by = articles.filter(
            Q(lead_photo=photo)
            | Q(pk__in=Section.objects.filter(photo=photo).values("article_id"))
            | Q(pk__in=GalleryPhoto.objects.filter(photo=photo).values("article_id"))
        )
        first = shown_by.aggregate(first=Min("published_at"))["first"]
        Photo.objects.filter(pk=photo.pk).update(public_from=first)


def backwards(apps, schema_editor):
    roles.revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_workflow"),
        ("media_credits", "0003_public_from_and_version"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
