from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation

from articles.models import Article, GalleryPhoto, Section, available_q
from articles.views import page_of
from media_credits.models import Photo

PHOTOS_PER_PAGE = 24
ARTICLES_PER_PAGE = 20


def public_photos(photographer_id: int, language: str):
    """The photographer's photos that a public article in ``language`` shows.

    Driven from the photographer's photos that are public at all (stored state, an
    index), newest first, each checked by one EXISTS over a UNION ALL of its three uses
    (lead, section, gallery), each an index probe on the photo column joined to its
    article. Three ORed EXISTS let PostgreSQL hash every public article's photos first,
    which grows with the archive (28 ms at 10,000 articles); one correlated EXISTS it
    probes per photo, and a page needs a few dozen (0.4 ms).
    """
    uses = (
        Article.objects.filter(available_q(language), lead_photo=OuterRef("pk"))
        .values("pk")
        .union(
            Section.objects.filter(
                available_q(language, "article__"), photo=OuterRef("pk")
            ).values("article_id"),
            GalleryPhoto.objects.filter(
                available_q(language, "article__"), photo=OuterRef("pk")
            ).values("article_id"),
            all=True,
        )
    )
    return (
        Photo.objects.filter(photographer_id=photographer_id)
        .shown_publicly()
        .filter(Exists(uses))
    )


def _uses_in_article(photos):
    """For Exists(): the outer article shows one of ``photos`` (lead, section or gallery).

    Probed per article, newest first, on the article columns of the three uses; the
    page stops after a page of articles instead of first collecting every article that
    shows any of the photographer's photos, which grows with the archive.
    """
    ids = photos.values("pk")
    return (
        Photo.objects.filter(pk=OuterRef("lead_photo_id"), pk__in=ids)
        .values("pk")
        .union(
            Section.objects.filter(article=OuterRef("pk"), photo__in=ids).values("photo_id"),
            GalleryPhoto.objects.filter(article=OuterRef("pk"), photo__in=ids).values("photo_id"),
            all=True,
        )
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
        .filter(Exists(_uses_in_article(Photo.objects.filter(photographer_id=pk).shown_publicly())))
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
