from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from articles import preview
from articles.models import Article, ArticleAuthor, GalleryPhoto, Section
from media_credits.credits import credit_line, is_usable
from media_credits.views import allow_preview_photos

FRONT_PAGE_SIZE = 20


def _public_articles(language: str):
    return (
        Article.objects.available_in(language)
        .select_related("rubric")
        .prefetch_related(
            Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
        )
    )


def front_page(request):
    language = translation.get_language()
    articles = _public_articles(language).newest_first()
    page = Paginator(articles, FRONT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "articles/front_page.html", {"page": page, "articles": page.object_list})


def _article_with_everything(queryset):
    return queryset.select_related("lead_photo__photographer", "rubric").prefetch_related(
        Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author")),
        "lead_photo__renditions",
        Prefetch(
            "sections",
            queryset=Section.objects.order_by("position", "id")
            .select_related("photo__photographer")
            .prefetch_related("photo__renditions"),
        ),
        Prefetch(
            "gallery",
            queryset=GalleryPhoto.objects.select_related("photo__photographer").prefetch_related(
                "photo__renditions"
            ),
        ),
        "corrections",
    )


def article_detail(request, pk: int, slug: str = ""):
    language = translation.get_language()
    article = get_object_or_404(
        _article_with_everything(Article.objects.available_in(language)), pk=pk
    )
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
    article = get_object_or_404(_article_with_everything(Article.objects.all()), pk=pk)
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
    other_languages = [
        code
        for code, _name in settings.LANGUAGES
        if code != language and article.is_available_in(code)
    ]
    today = timezone.localdate()
    # Photos whose usage terms expired are shown nowhere public, nor credited.
    shown = [photo for photo in article.photos_in_order() if is_usable(photo, today=today)]
    lead_photo = article.lead_photo if article.lead_photo in shown else None
    sections = [
        (section, section.photo if section.photo in shown else None)
        for section in article.sections.all()
    ]
    gallery = [entry.photo for entry in article.gallery.all() if entry.photo in shown]
    corrections = [c for c in article.corrections.all() if getattr(c, f"text_{language}")]
    return TemplateResponse(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "lead_photo": lead_photo,
            "sections": sections,
            "gallery": gallery,
            "corrections": corrections,
            "credit_line": credit_line(shown, language),
            "canonical_url": request.build_absolute_uri(canonical) if canonical else "",
            "other_languages": [(code, article.get_absolute_url(code)) for code in other_languages],
            "is_preview": is_preview,
        },
    )
