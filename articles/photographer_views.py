from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation

from articles.models import Article, GalleryPhoto, Section
from articles.views import page_of
from media_credits.models import Photo

PHOTOS_PER_PAGE = 24
ARTICLES_PER_PAGE = 20


def public_photos(photographer_id: int, language: str):
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
    return (
        Photo.objects.filter(photographer_id=photographer_id).shown_publicly().filter(in_language)
    )


def photographer_detail(request, pk: int, slug: str = ""):
    language = translation.get_language()
    # Their public photos' ids, newest first, once: the page of photos and the list of
    # articles below look them up by id through indexed columns.
    photo_ids = list(
        public_photos(pk, language)
        .order_by("-taken_on", "-uploaded_at", "-id")
        .values_list("pk", flat=True)
    )
    if not photo_ids:
        # No such photographer, or nothing of theirs is public in this language.
        raise Http404
    page = Paginator(photo_ids, PHOTOS_PER_PAGE).get_page(request.GET.get("page"))
    by_id = {
        photo.pk: photo
        for photo in Photo.objects.filter(pk__in=list(page.object_list))
        .select_related("photographer")
        .prefetch_related("renditions")
    }
    photos = [by_id[photo_id] for photo_id in page.object_list if photo_id in by_id]
    photographer = photos[0].photographer
    canonical = reverse(
        "photographers:photographer_detail",
        kwargs={"pk": photographer.pk, "slug": photographer.slug},
    )
    if slug != photographer.slug:
        query = request.GET.urlencode()
        return redirect(f"{canonical}?{query}" if query else canonical, permanent=True)
    # Newest first, never counted: the count read every article showing the photos.
    articles = (
        Article.objects.available_in(language)
        .showing(photo_ids)
        .only("published_at", f"headline_{language}", f"slug_{language}")
        .newest_first()
    )
    articles_page = page_of(articles, request, ARTICLES_PER_PAGE, param="articles_page")
    return render(
        request,
        "media_credits/photographer_detail.html",
        {
            "photographer": photographer,
            "page": page,
            "photos": photos,
            "articles_page": articles_page,
            "articles": articles_page.object_list,
        },
    )
