from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation

from articles.models import Article, GalleryPhoto, Section
from media_credits.models import Photo, Photographer

PHOTOS_PER_PAGE = 24
ARTICLES_PER_PAGE = 20


def public_photos(photographer: Photographer, language: str):
    """The photographer's photos that a public article in ``language`` shows.

    Driven from the photographer's photos that are public at all (stored state, an
    index), each checked for a public article in ``language`` through the indexed photo
    columns: the cost follows the photographer's photos, not the archive's size.
    """
    public = Article.objects.available_in(language)
    in_language = (
        Q(Exists(public.filter(lead_photo=OuterRef("pk"))))
        | Q(Exists(Section.objects.filter(photo=OuterRef("pk"), article__in=public)))
        | Q(Exists(GalleryPhoto.objects.filter(photo=OuterRef("pk"), article__in=public)))
    )
    return Photo.objects.filter(photographer=photographer).shown_publicly().filter(in_language)


def photographer_detail(request, pk: int, slug: str = ""):
    language = translation.get_language()
    photographer = get_object_or_404(Photographer, pk=pk)
    photos = public_photos(photographer, language)
    if not photos.exists():
        # Nothing of theirs is public in this language: the page does not exist.
        raise Http404
    canonical = reverse(
        "photographers:photographer_detail",
        kwargs={"pk": photographer.pk, "slug": photographer.slug},
    )
    if slug != photographer.slug:
        query = request.GET.urlencode()
        return redirect(f"{canonical}?{query}" if query else canonical, permanent=True)
    page = Paginator(
        photos.select_related("photographer")
        .prefetch_related("renditions")
        .order_by("-taken_on", "-uploaded_at", "-id"),
        PHOTOS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    articles = Article.objects.available_in(language).showing(photos.values("pk")).newest_first()
    articles_page = Paginator(articles, ARTICLES_PER_PAGE).get_page(
        request.GET.get("articles_page")
    )
    return render(
        request,
        "media_credits/photographer_detail.html",
        {
            "photographer": photographer,
            "page": page,
            "photos": page.object_list,
            "articles_page": articles_page,
            "articles": articles_page.object_list,
        },
    )
