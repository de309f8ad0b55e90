"""``manage.py populate_bench``: a benchmark archive that the public site serves as its own.

The generated articles must be indistinguishable from published ones: public on every
page, with the stored state (slugs, released languages, photos' public_from, search
documents) the real code paths would have written, and a second run adds nothing.
"""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone, translation
from PIL import Image

from articles import photo_state, search, sitemaps, workflow
from articles.management.commands.populate_bench import SOURCE_PREFIX
from articles.models import (
    LANGUAGE_CODES,
    Article,
    ArticleAuthor,
    Author,
    GalleryPhoto,
    Rubric,
    SearchDocument,
    Section,
    Transition,
)
from media_credits.models import Photo, Photographer, Rendition
from media_credits.renditions import rendition_url

pytestmark = pytest.mark.django_db

N = 30


@pytest.fixture
def bench(settings):
    out = io.StringIO()
    call_command("populate_bench", articles=N, stdout=out)
    assert f"{N} created" in out.getvalue()
    return list(
        Article.objects.filter(source_name__startswith=SOURCE_PREFIX)
        .prefetch_related("sections", "gallery__photo", "lead_photo", "bylines")
        .order_by("published_at")
    )


def counts():
    models = (Article, Section, ArticleAuthor, GalleryPhoto, Transition, SearchDocument,
              Photo, Photographer, Author, Rubric)  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_bench_articles_are_published_complete_and_released_in_every_language(bench):
    assert len(bench) == N
    for code in LANGUAGE_CODES:
        public = set(Article.objects.available_in(code).values_list("pk", flat=True))
        complete = set(Article.objects.complete_in(code).values_list("pk", flat=True))
        assert {a.pk for a in bench} <= public & complete
    for article in bench:
        assert article.is_published() and article.modified_at == article.published_at
        assert article.created_at < article.published_at == article.updated_at
        assert article.version == 2
        assert 2 <= len(article.sections.all()) <= 20
        first, *rest = article.sections.all()
        assert not first.has_subhead() and all(section.has_subhead() for section in rest)
        assert 1 <= len(article.bylines.all()) <= 3
        assert article.rubric_id is not None
        assert workflow.photo_problems(article) == []
        assert article.transitions.get().name == "publish"
    # The demo content is there too, and the bench articles spread over years.
    assert Article.objects.filter(source_name="000_f09acc4096086793.txt").exists()
    assert (bench[-1].published_at - bench[0].published_at).days > 3 * 365
    assert bench[-1].published_at <= timezone.now()
    assert len({a.rubric_id for a in bench}) >= 4


def test_stored_state_is_what_the_real_code_paths_write(bench):
    # Slugs: what Article.fill_slugs() gives each article.
    for article in bench:
        stored = {code: getattr(article, f"slug_{code}") for code in LANGUAGE_CODES}
        for code in LANGUAGE_CODES:
            setattr(article, f"slug_{code}", "")
        assert article.fill_slugs()
        assert {code: getattr(article, f"slug_{code}") for code in LANGUAGE_CODES} == stored
    # Photo.public_from: photo_state.sync() recomputes the same values.
    photos = Photo.objects.filter(public_from__isnull=False)
    before = dict(photos.values_list("pk", "public_from"))
    assert len(before) > N // 2
    photo_state.sync(before)
    assert dict(Photo.objects.filter(pk__in=before).values_list("pk", "public_from")) == before
    # Search documents: search.refresh() rewrites them identically.
    fields = [f.attname for f in SearchDocument._meta.concrete_fields]
    documents = list(SearchDocument.objects.order_by("pk").values_list(*fields))
    search.refresh([article.pk for article in bench])
    assert list(SearchDocument.objects.order_by("pk").values_list(*fields)) == documents
    assert all(len(row) and row[-1] for row in documents)  # text_en is filled


def test_bench_articles_are_on_every_public_page(bench, client):
    newest = bench[-1]
    for code in LANGUAGE_CODES:
        url = newest.get_absolute_url(code)
        response = client.get(url)
        assert response.status_code == 200
        assert getattr(newest, f"headline_{code}") in response.content.decode()
        # front page and the latest feed show the newest article
        assert url in client.get(f"/{code}/").content.decode()
        assert url in client.get(f"/{code}/feeds/latest.xml").content.decode()
    oldest = bench[0]
    with translation.override("ru"):
        url = oldest.get_absolute_url("ru")
    day = timezone.localtime(oldest.published_at).date()
    archive = client.get(f"/ru/archive/{day:%Y/%m/%d}/")
    assert archive.status_code == 200 and url in archive.content.decode()
    rubric = newest.rubric
    rubric_page = client.get(f"/ru/{rubric.slug}/")
    assert newest.get_absolute_url("ru") in rubric_page.content.decode()
    words = newest.headline_ru.split()[:3]
    found = client.get("/ru/search/", {"q": " ".join(words)})
    assert found.status_code == 200
    assert newest.get_absolute_url("ru") in found.content.decode()
    # /sitemap.xml is an index; the articles' sitemap comes in pages of consecutive ids.
    assert "/sitemap-articles.xml" in client.get("/sitemap.xml").content.decode()
    page = (newest.pk - 1) // sitemaps.ARTICLES_PER_PAGE + 1
    sitemap = client.get("/sitemap-articles.xml", {"p": page}).content.decode()
    assert f"/ru/articles/{newest.pk}-" in sitemap


def test_bench_photos_are_public_and_serve_renditions(bench, client):
    article = next(a for a in reversed(bench) if a.lead_photo_id and a.lead_photo.photographer)
    photo = article.lead_photo
    assert photo.is_shown_publicly()
    assert photo.uploaded_at < photo.public_from <= article.published_at
    assert photo.image.name.startswith("photos/bench/")
    photographer = photo.photographer
    page = client.get(f"/ru/photographers/{photographer.pk}-{photographer.slug}/")
    assert page.status_code == 200
    assert article.get_absolute_url("ru") in page.content.decode()
    response = client.get(rendition_url(photo, width=480, image_format="webp"))
    assert response.status_code == 302
    made = Rendition.objects.get(photo=photo, width_requested=480, image_format="webp")
    assert response["Location"] == made.file.url
    with made.file.open("rb") as file, Image.open(file) as image:
        assert image.format == "WEBP" and image.width == 480
    # Photos share a few image files.
    shared = Photo.objects.filter(image__startswith="photos/bench/")
    assert 1 < len(set(shared.values_list("image", flat=True))) <= 6 < shared.count()


def test_a_second_run_adds_nothing(bench):
    before, files = counts(), media_files()
    out = io.StringIO()
    call_command("populate_bench", articles=N, stdout=out)
    assert "0 created" in out.getvalue()
    assert counts() == before
    assert media_files() == files
    # The command let bulk_create keep historical stamps; the fields stamp again after it.
    assert Article._meta.get_field("updated_at").auto_now
    assert Photo._meta.get_field("uploaded_at").auto_now_add


def test_a_larger_run_adds_only_the_missing_articles(bench):
    call_command("populate_bench", articles=N + 5, stdout=io.StringIO())
    names = Article.objects.filter(source_name__startswith=SOURCE_PREFIX).values_list(
        "source_name", flat=True
    )
    assert sorted(names) == sorted(f"{SOURCE_PREFIX}{index}" for index in range(N + 5))
