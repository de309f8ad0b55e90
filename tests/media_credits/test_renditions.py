import threading
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.urls import reverse
from PIL import Image, ImageChops, ImageStat

from articles import workflow
from articles.models import Article
from media_credits import renditions
from media_credits.models import Photo, Rendition
from tests.factories import ArticleFactory
from tests.media_credits.conftest import ACCEPTED, IMAGES, upload


def open_rendition(rendition: Rendition) -> Image.Image:
    with rendition.file.open("rb") as f:
        raw = f.read()
    im = Image.open(BytesIO(raw))
    im.load()
    im.raw = raw
    return im


@pytest.mark.parametrize("path", ACCEPTED, ids=lambda p: p.name)
def test_every_accepted_test_image_gets_all_renditions(make_photo, path):
    photo = make_photo(path)

    for width in (480, 800, 1200, 1600):
        for image_format, pillow_format in (("webp", "WEBP"), ("jpeg", "JPEG")):
            rendition = renditions.get_rendition(photo, width=width, image_format=image_format)
            im = open_rendition(rendition)
            assert im.format == pillow_format
            assert im.mode in ("RGB", "RGBA") if image_format == "webp" else im.mode == "RGB"
            assert im.size == (rendition.width, rendition.height)
            assert rendition.width == min(width, photo.width)
            assert abs(rendition.height / rendition.width - photo.height / photo.width) < 0.02 + (
                2 / rendition.width
            )
            assert not im.getexif(), "renditions carry no EXIF (no GPS, no Orientation)"
            assert b"GPS" not in im.raw and "icc_profile" not in im.info


def without_renditions(photo: Photo) -> Photo:
    """The photo after its renditions were removed (the worker made them all)."""
    renditions.remove_renditions([photo.pk])
    assert not Rendition.objects.filter(photo=photo).exists()
    return photo


def test_the_worker_makes_every_rendition_the_public_pages_use(make_photo):
    photo = make_photo()  # 2000 x 1000

    made = {
        (r.width_requested, r.image_format): (r.width, r.height) for r in photo.renditions.all()
    }

    assert made == {
        (width, image_format): (width, width // 2)
        for width in (480, 800, 1200, 1600)
        for image_format in ("webp", "jpeg")
    }


def test_a_rendition_is_made_once_and_reused(make_photo):
    photo = without_renditions(make_photo())

    first = renditions.get_rendition(photo, width=800, image_format="webp")
    again = renditions.get_rendition(photo, width=800, image_format="webp")

    assert first.pk == again.pk
    assert Rendition.objects.count() == 1
    assert (first.width, first.height) == (800, 400)


def test_a_width_or_format_outside_the_list_is_refused(make_photo):
    photo = without_renditions(make_photo())

    for width, image_format in ((801, "webp"), (800, "png"), (10_000, "jpeg")):
        with pytest.raises(renditions.UnknownRendition):
            renditions.get_rendition(photo, width=width, image_format=image_format)
    assert Rendition.objects.count() == 0


def test_transparent_images_are_flattened_onto_white_in_jpeg(make_photo):
    photo = make_photo(IMAGES / "valid_rgba_transparent.png")

    jpeg = open_rendition(renditions.get_rendition(photo, width=480, image_format="jpeg"))
    webp = open_rendition(renditions.get_rendition(photo, width=480, image_format="webp"))

    assert jpeg.getpixel((0, 0)) == (255, 255, 255)
    assert webp.mode == "RGBA" and webp.getpixel((0, 0))[3] == 0


def test_sixteen_bit_images_are_scaled_not_clipped(photographer_client, staff_photographer):
    # A grey ramp over the whole 16-bit range, 0 to 65535.
    ramp = b"".join((v * 257).to_bytes(2, "little") for v in range(256)) * 16
    buffer = BytesIO()
    Image.frombytes("I;16", (256, 16), ramp).save(buffer, "PNG")
    upload(
        photographer_client,
        SimpleUploadedFile("ramp16.png", buffer.getvalue()),
        photographer=staff_photographer.pk,
    )
    photo = Photo.objects.get()

    im = open_rendition(renditions.get_rendition(photo, width=480, image_format="jpeg"))

    grey = im.convert("L")
    assert grey.getpixel((0, 8)) < 10 and grey.getpixel((255, 8)) > 245
    assert 110 < grey.getpixel((128, 8)) < 145, "a clipped ramp is white from 1/256 on"


def test_cmyk_renditions_are_rgb_with_the_colours_of_the_original(make_photo):
    photo = make_photo(IMAGES / "cmyk.jpg")

    im = open_rendition(renditions.get_rendition(photo, width=480, image_format="jpeg"))
    original = Image.open(IMAGES / "cmyk.jpg").convert("RGB")

    assert im.mode == "RGB"
    centre = (original.width // 2, original.height // 2)
    got, want = im.getpixel(centre), original.getpixel(centre)
    assert all(abs(a - b) < 60 for a, b in zip(got, want, strict=True))


def test_large_icc_profile_is_not_copied_into_renditions(make_photo):
    photo = make_photo(IMAGES / "icc_profile_400kb_multi_app2.jpg")

    rendition = renditions.get_rendition(photo, width=480, image_format="jpeg")

    assert rendition.file.size < 100_000


def test_rendition_view_redirects_to_the_stored_file_and_reuses_it(client, public_photo):
    photo = without_renditions(public_photo())
    url = renditions.rendition_url(photo, width=480, image_format="jpeg")

    first = client.get(url)
    second = client.get(url)

    rendition = Rendition.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == rendition.file.url
    assert Path(rendition.file.path).exists()


def test_rendition_view_needs_the_signature(client, public_photo):
    photo = public_photo()
    path = reverse(
        "media_credits:rendition",
        kwargs={"photo_id": photo.pk, "width": 480, "image_format": "jpeg"},
    )
    other = public_photo()
    borrowed = renditions.rendition_url(other, width=480, image_format="jpeg").split("?")[1]
    without_renditions(photo)

    assert client.get(path).status_code == 404
    assert client.get(f"{path}?{borrowed}").status_code == 404
    assert not Rendition.objects.filter(photo=photo).exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_first_requests_make_one_rendition(settings, editor):
    from media_credits.upload import SharedFields, save_upload
    from tests.media_credits.conftest import pillow_file

    photo = save_upload(
        pillow_file(size=(3000, 2000)), shared=SharedFields(language="ru", credit="ТАСС"), user=None
    )
    # The worker made them all; these first requests come after they were removed.
    renditions.remove_renditions([photo.pk])
    assert not Rendition.objects.filter(photo=photo).exists()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def first_request():
        try:
            barrier.wait(timeout=10)
            results.append(renditions.get_rendition(photo, width=1600, image_format="webp"))
        except Exception as exc:  # reported below, in the test's own thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(results) == 2 and results[0].pk == results[1].pk
    assert Rendition.objects.filter(photo=photo).count() == 1
    files = list((Path(settings.MEDIA_ROOT) / "renditions" / str(photo.pk)).iterdir())
    assert [f.name for f in files] == [Path(results[0].file.name).name]


class Tags(HTMLParser):
    """Start tags of a fragment with their attributes, in order."""

    def __init__(self, markup: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def find(self, tag: str) -> dict:
        return self.findall(tag)[0]

    def findall(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]


def render_picture(photo: Photo, extra: str = "") -> Tags:
    template = Template("{% load photos %}{% picture photo " + extra + " %}")
    tags = Tags(template.render(Context({"photo": photo})))
    assert tags.tags[0][0] == "picture"
    return tags


def test_picture_tag_renders_srcsets_sizes_dimensions_alt_and_lazy_loading(make_photo):
    photo = without_renditions(make_photo())  # 2000 x 1000
    photo.alt_text_ru = "Президент <встречает> гостей"
    photo.save()

    picture = render_picture(photo, 'sizes="(min-width: 60em) 50vw, 100vw"')

    sources = picture.findall("source")
    assert [s.get("type") for s in sources] == ["image/webp", "image/jpeg"]
    for source in sources:
        assert source.get("sizes") == "(min-width: 60em) 50vw, 100vw"
        widths = [item.rsplit(" ", 1)[1] for item in source.get("srcset").split(", ")]
        assert widths == ["480w", "800w", "1200w", "1600w"]
    img = picture.find("img")
    assert (img.get("width"), img.get("height")) == ("2000", "1000")
    assert img.get("alt") == "Президент <встречает> гостей"
    assert img.get("loading") == "lazy"
    assert "/800.jpeg?s=" in img.get("src")


def test_picture_tag_loads_the_lead_photo_eagerly(make_photo):
    picture = render_picture(make_photo(), "lead=True")

    img = picture.find("img")
    assert img.get("loading") is None
    assert img.get("fetchpriority") == "high"


def test_picture_tag_offers_no_width_beyond_the_original(make_photo):
    photo = make_photo(IMAGES / "valid_flower.jpg")  # 480 x 360

    picture = render_picture(photo)

    srcset = picture.find("source").get("srcset")
    assert srcset.count(", ") == 0 and srcset.endswith(" 480w")


def test_picture_tag_links_stored_renditions_directly(make_photo):
    photo = without_renditions(make_photo())
    stored = renditions.get_rendition(photo, width=800, image_format="webp")

    srcset = render_picture(photo).find("source").get("srcset")

    assert f"{stored.file.url} 800w" in srcset
    assert "/480.webp?s=" in srcset


def test_picture_tags_of_a_listing_need_no_query_per_photo(
    make_photo, django_assert_max_num_queries
):
    for _ in range(5):
        renditions.get_rendition(make_photo(), width=480, image_format="webp")
    photos = list(Photo.objects.prefetch_related("renditions"))

    with django_assert_max_num_queries(0):
        for photo in photos:
            render_picture(photo)


def test_rendition_view_serves_only_while_a_public_page_shows_the_photo(client, make_photo, editor):
    photo = make_photo(alt_text="Описание")
    url = renditions.rendition_url(photo, width=480, image_format="jpeg")
    assert client.get(url).status_code == 404  # in the library only
    article = ArticleFactory(status=Article.Status.DRAFT, lead_photo=photo)
    assert client.get(url).status_code == 404  # in a draft
    workflow.apply(article, "publish", user=editor)
    public = client.get(url)
    assert public.status_code == 302
    assert "public" in public["Cache-Control"]
    workflow.apply(article, "archive", user=editor)
    assert client.get(url).status_code == 404  # the signed URL outlived the page
    client.force_login(editor)
    staff = client.get(url)
    assert staff.status_code == 302
    assert "private" in staff["Cache-Control"]


def test_rendition_view_answers_404_when_the_original_is_missing(client, public_photo):
    photo = without_renditions(public_photo())
    Path(photo.image.path).unlink()
    url = renditions.rendition_url(photo, width=800, image_format="webp")
    assert client.get(url).status_code == 404


def media_file(url: str, settings) -> Path:
    """The file a media URL points at (media is served from MEDIA_ROOT without Django)."""
    assert url.startswith(settings.MEDIA_URL)
    return Path(settings.MEDIA_ROOT) / url.removeprefix(settings.MEDIA_URL)


def test_unpublishing_the_only_article_removes_the_served_file_and_republishing_serves_again(
    client, make_photo, editor, settings, django_capture_on_commit_callbacks
):
    photo = make_photo(alt_text="Описание")
    article = ArticleFactory(lead_photo=photo)
    url = renditions.rendition_url(photo, width=480, image_format="jpeg")
    served = client.get(url)
    assert served.status_code == 302
    file = media_file(served["Location"], settings)
    assert file.is_file()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(article, "unpublish", user=editor, comment="Снято по просьбе героя")

    assert not file.exists()
    assert not Rendition.objects.filter(photo=photo).exists()
    assert client.get(url).status_code == 404

    workflow.apply(article, "publish", user=editor)

    again = client.get(url)
    assert again.status_code == 302
    assert media_file(again["Location"], settings).is_file()


@pytest.mark.parametrize("name", ["orientation_6.jpg", "orientation_3.jpg", "orientation_8.jpg"])
def test_a_rendition_made_later_from_a_rotated_jpeg_original_is_upright(make_photo, name):
    # The original is stored as sent with its Orientation tag: the rendition turns it.
    photo = without_renditions(make_photo(IMAGES / name))

    made = open_rendition(renditions.get_rendition(photo, width=480, image_format="jpeg"))

    upright = Image.open(IMAGES / "valid_hopper.jpg").convert("RGB")
    assert made.size == upright.size
    assert max(ImageStat.Stat(ImageChops.difference(made.convert("RGB"), upright)).mean) < 12


def test_a_rendition_made_later_keeps_the_upright_shape(make_photo):
    photo = without_renditions(make_photo(IMAGES / "orientation_8_rectangle_2x1.jpg"))

    rendition = renditions.get_rendition(photo, width=480, image_format="webp")

    assert (photo.width, photo.height) == (1, 2)
    assert (rendition.width, rendition.height) == open_rendition(rendition).size == (1, 2)
