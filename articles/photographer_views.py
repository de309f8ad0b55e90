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
    # One page of their public photos' ids, newest first, never counted: the cost follows
    # the page, not how many photos the photographer has (17,000 at 100,000 articles).
    ordered = public_photos(pk, language).order_by("-taken_on", "-uploaded_at", "-id")
    page = page_of(ordered.values_list("pk", flat=True), request, PHOTOS_PER_PAGE, max_pages=None)
    if not page.object_list:
        # No such photographer, or nothing of theirs is public in this language.
        raise Http404
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
    # An article public in this language that shows any of their public photos shows one
    # of the photos above: a semi-join, not a list of every photo id.
    articles = (
        Article.objects.available_in(language)
        .showing(Photo.objects.filter(photographer_id=pk).shown_publicly().values("pk"))
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
