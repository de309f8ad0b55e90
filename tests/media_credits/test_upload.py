import datetime as dt
import time
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from PIL import Image, ImageChops, ImageOps, ImageStat

from media_credits import renditions
from media_credits.models import Photo, Photographer, Rendition
from tests.media_credits.conftest import (
    IMAGE_FILES,
    IMAGES,
    REFUSED,
    REFUSED_BY_WORKER,
    UPLOAD_URL,
    latest_photo,
    pillow_file,
    refusals,
    sample_file,
    stored_files,
    upload,
    upload_page_states,
)

ROTATED = [
    "orientation_2.jpg",
    "orientation_3.jpg",
    "orientation_4.jpg",
    "orientation_5.jpg",
    "orientation_6.jpg",
    "orientation_7.jpg",
    "orientation_8.jpg",
    "orientation_6.webp",
]


def open_stored(photo: Photo) -> Image.Image:
    """The stored original as a viewer shows it.

    A rotated JPEG is stored as uploaded (not re-encoded) with one EXIF tag left, its
    Orientation, which viewers apply; nothing else of its EXIF survives.
    """
    with photo.image.open("rb") as f:
        im = Image.open(BytesIO(f.read()))
        im.load()
    assert set(im.getexif()) <= {0x0112}, "EXIF other than the orientation left in the file"
    shown = ImageOps.exif_transpose(im)
    shown.format = im.format
    return shown


def assert_no_location_data(raw: bytes):
    im = Image.open(BytesIO(raw))
    exif = im.getexif()
    assert 0x8825 not in exif, "GPS IFD pointer left in the file"
    assert not exif.get_ifd(0x8825)
    assert b"GPS" not in raw
    assert "xmp" not in im.info and "XML:com.adobe.xmp" not in im.info
    assert "photoshop" not in im.info  # IPTC (city, country) lives here in a JPEG


@pytest.mark.parametrize("path", IMAGE_FILES, ids=lambda p: p.name)
def test_every_test_image_gets_its_expected_outcome_from_the_upload_form(
    photographer_client, staff_photographer, settings, path
):
    response = upload(photographer_client, sample_file(path), photographer=staff_photographer.pk)

    if path.name in REFUSED_BY_WORKER:
        # The header passes: accepted at once, then refused by the worker's full decode.
        assert response.status_code == 302
        photo = latest_photo()
        assert photo.state == Photo.State.REFUSED
        assert REFUSED[path.name] in photo.refusal_message()
        assert not photo.image
        shown = upload_page_states(photographer_client)
        assert shown == {path.name: f"Refused: {photo.refusal_message()}"}
        assert stored_files(settings) == []
    elif path.name in REFUSED:
        assert response.status_code == 200
        lines = refusals(response)
        assert len(lines) == 1
        assert path.name in lines[0] and REFUSED[path.name] in lines[0]
        assert Photo.objects.count() == 0
        assert stored_files(settings) == []
    else:
        assert response.status_code == 302, refusals(response)
        assert response["Location"] == reverse(UPLOAD_URL)
        photo = latest_photo()
        assert photo.state == Photo.State.READY
        assert upload_page_states(photographer_client) == {path.name: "Ready"}
        stored = open_stored(photo)
        assert (photo.width, photo.height) == stored.size
        assert getattr(stored, "n_frames", 1) == 1
        assert stored.format == photo.image_format
        with photo.image.open("rb") as f:
            assert_no_location_data(f.read())
        # The worker made every rendition the public pages use; the upload as it came
        # (with its metadata) is gone.
        made = list(Rendition.objects.filter(photo=photo))
        assert len(made) == 2 * len(renditions.rendition_widths(photo))
        expected = {Path(photo.image.path), *(Path(r.file.path) for r in made)}
        assert set(stored_files(settings)) == expected


@pytest.mark.parametrize("path", IMAGE_FILES, ids=lambda p: p.name)
def test_every_test_image_in_a_batch_with_good_files_is_judged_on_its_own(
    photographer_client, staff_photographer, path
):
    response = upload(
        photographer_client,
        pillow_file("first.jpg"),
        sample_file(path),
        pillow_file("last.png", fmt="PNG"),
        photographer=staff_photographer.pk,
        follow=True,
    )

    assert response.status_code == 200
    expected = 2 if path.name in REFUSED else 3
    assert Photo.objects.ready().count() == expected
    states = upload_page_states(photographer_client)
    assert states["first.jpg"] == states["last.png"] == "Ready"
    lines = refusals(response)
    if path.name in REFUSED_BY_WORKER:
        assert lines == []
        assert states[path.name].startswith("Refused: ")
        assert REFUSED[path.name] in states[path.name]
    elif path.name in REFUSED:
        assert len(lines) == 1 and path.name in lines[0]
        assert path.name not in states
    else:
        assert lines == []
        assert states[path.name] == "Ready"


def test_batch_with_three_bad_files_saves_the_good_ones_and_lists_the_bad_ones(
    photographer_client, staff_photographer
):
    response = upload(
        photographer_client,
        sample_file(IMAGES / "valid_hopper.jpg"),
        sample_file(IMAGES / "truncated.jpg"),
        sample_file(IMAGES / "valid_flower.jpg"),
        SimpleUploadedFile("report.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF"),
        sample_file(IMAGES / "bomb_frame_extents.gif"),
        sample_file(IMAGES / "valid_hopper.webp"),
        caption="Пресс-конференция",
        photographer=staff_photographer.pk,
        follow=True,
    )

    photos = list(Photo.objects.ready().order_by("id"))
    assert [p.caption_ru for p in photos] == ["Пресс-конференция"] * 3
    assert [p.image_format for p in photos] == ["JPEG", "JPEG", "WEBP"]
    # Refused in the request: the file that is no image at all.
    lines = refusals(response)
    assert len(lines) == 1
    assert "report.pdf" in lines[0] and "not a JPEG, PNG, WebP or GIF" in lines[0]
    # The next page is the upload page: every accepted file with its outcome.
    assert response.redirect_chain[-1][0] == reverse(UPLOAD_URL)
    states = upload_page_states(photographer_client)
    assert list(states) == [
        "valid_hopper.webp",
        "bomb_frame_extents.gif",
        "valid_flower.jpg",
        "truncated.jpg",
        "valid_hopper.jpg",
    ]
    assert states["valid_hopper.jpg"] == states["valid_flower.jpg"] == "Ready"
    assert "corrupt or truncated" in states["truncated.jpg"]
    assert "too large" in states["bomb_frame_extents.gif"]


@pytest.mark.parametrize("name", ROTATED)
def test_rotated_photos_are_stored_upright(photographer_client, staff_photographer, name):
    upload(photographer_client, sample_file(IMAGES / name), photographer=staff_photographer.pk)

    stored = open_stored(latest_photo()).convert("RGB")
    upright = Image.open(IMAGES / "valid_hopper.jpg").convert("RGB")
    as_sent = Image.open(IMAGES / name).convert("RGB")
    assert max(ImageStat.Stat(ImageChops.difference(stored, upright)).mean) < 12
    assert max(ImageStat.Stat(ImageChops.difference(as_sent, upright)).mean) > 40


def test_width_and_height_are_stored_after_rotation(photographer_client, staff_photographer):
    upload(
        photographer_client,
        sample_file(IMAGES / "orientation_8_rectangle_2x1.jpg"),
        photographer=staff_photographer.pk,
    )

    photo = latest_photo()
    assert (photo.width, photo.height) == (1, 2)
    assert open_stored(photo).size == (1, 2)


def exif_orientation(field_type: int, value: bytes) -> bytes:
    """EXIF with one Orientation entry of any TIFF type, as odd software writes it."""
    count = len(value) if field_type in (2, 7) else 1
    if len(value) <= 4:
        field, extra = value.ljust(4, b"\0"), b""
    else:
        field, extra = (8 + 2 + 12 + 4).to_bytes(4, "little"), value
    entry = (0x0112).to_bytes(2, "little") + field_type.to_bytes(2, "little")
    entry += count.to_bytes(4, "little") + field
    ifd = (1).to_bytes(2, "little") + entry + (0).to_bytes(4, "little")
    return b"Exif\0\0" + b"II*\0" + (8).to_bytes(4, "little") + ifd + extra


@pytest.mark.parametrize(
    ("field_type", "value"),
    [
        (2, b"top-left\0"),  # ASCII
        (2, b"6; DROP TABLE\0"),
        (7, b"\x06\x06\x06\x06\x06"),  # UNDEFINED
        (3, (99).to_bytes(2, "little")),  # SHORT, out of range
        (3, (0).to_bytes(2, "little")),
        (5, b"\x01\0\0\0\0\0\0\0"),  # RATIONAL 1/0
    ],
)
def test_a_junk_orientation_value_leaves_the_photo_as_it_is(
    photographer_client, staff_photographer, field_type, value
):
    response = upload(
        photographer_client,
        pillow_file("junk.jpg", size=(60, 40), exif=exif_orientation(field_type, value)),
        photographer=staff_photographer.pk,
    )

    assert response.status_code == 302
    assert (latest_photo().width, latest_photo().height) == (60, 40)


def test_a_jpeg_named_png_is_stored_as_a_jpeg(photographer_client, staff_photographer):
    upload(
        photographer_client,
        sample_file(IMAGES / "valid_hopper.jpg", name="holiday.png"),
        photographer=staff_photographer.pk,
    )

    photo = latest_photo()
    assert photo.image_format == "JPEG"
    assert photo.image.name.endswith(".jpg")
    assert open_stored(photo).format == "JPEG"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("page.html", b"<!doctype html><html><body><img src=x onerror=alert(1)></body></html>"),
        ("scan.pdf", b"%PDF-1.7\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<<>>\n%%EOF"),
        ("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("photo.gif", b"GIF89a"),
        ("scan.tif", b"II*\x00\x08\x00\x00\x00" + b"\x00" * 32),
        ("empty.jpg", b""),
    ],
)
def test_files_that_are_not_accepted_images_are_refused(
    photographer_client, staff_photographer, settings, name, content
):
    response = upload(
        photographer_client, SimpleUploadedFile(name, content), photographer=staff_photographer.pk
    )

    assert response.status_code == 200
    assert len(refusals(response)) == 1 and name in refusals(response)[0]
    assert Photo.objects.count() == 0
    assert stored_files(settings) == []


def test_a_bmp_image_is_refused_although_pillow_reads_it(photographer_client, staff_photographer):
    response = upload(
        photographer_client, pillow_file("scan.bmp", fmt="BMP"), photographer=staff_photographer.pk
    )

    assert "not a JPEG, PNG, WebP or GIF" in refusals(response)[0]


def test_a_file_over_the_size_limit_is_refused(photographer_client, staff_photographer, settings):
    settings.PHOTO_MAX_UPLOAD_BYTES = 5000

    response = upload(
        photographer_client,
        sample_file(IMAGES / "valid_flower.jpg"),
        photographer=staff_photographer.pk,
    )

    assert "larger than" in refusals(response)[0]
    assert Photo.objects.count() == 0


def test_an_image_over_the_pixel_limit_is_refused(
    photographer_client, staff_photographer, settings
):
    settings.PHOTO_MAX_PIXELS = 480 * 360 - 1

    response = upload(
        photographer_client,
        sample_file(IMAGES / "valid_flower.jpg"),
        photographer=staff_photographer.pk,
    )

    assert "too large" in refusals(response)[0]


def test_an_animation_with_more_frames_than_the_limit_is_refused(
    photographer_client, staff_photographer, settings
):
    settings.PHOTO_MAX_FRAMES = 31  # animated.gif has 31 frames: exactly the limit passes

    upload(
        photographer_client,
        sample_file(IMAGES / "animated.gif"),
        photographer=staff_photographer.pk,
    )
    settings.PHOTO_MAX_FRAMES = 30
    response = upload(
        photographer_client,
        sample_file(IMAGES / "animated.gif"),
        photographer=staff_photographer.pk,
    )

    assert Photo.objects.count() == 1
    assert "more than 30 frames" in refusals(response)[0]


def test_an_animation_is_stored_as_the_still_of_its_first_frame(
    photographer_client, staff_photographer
):
    upload(
        photographer_client,
        sample_file(IMAGES / "animated.gif"),
        photographer=staff_photographer.pk,
    )

    photo = latest_photo()
    stored = open_stored(photo)
    first = Image.open(IMAGES / "animated.gif").convert("RGB")
    assert getattr(stored, "n_frames", 1) == 1
    assert ImageChops.difference(stored.convert("RGB"), first).getbbox() is None
    assert photo.metadata["frames"] == 31


def test_iptc_caption_byline_credit_and_date_fill_empty_fields(photographer_client, photographer):
    response = upload(photographer_client, sample_file(IMAGES / "iptc_caption_byline_credit.jpg"))

    assert response.status_code == 302
    photo = latest_photo()
    assert photo.caption_ru == "A witty caption"
    assert photo.photographer is None
    assert photo.credit_ru == "Phil Harvey / My Credit"
    assert photo.taken_on == dt.date(2004, 2, 26)
    assert photo.metadata["iptc"]["byline"] == "Phil Harvey"


def test_iptc_byline_is_matched_to_a_photographer_by_name(editor_client, db):
    harvey = Photographer.objects.create(name_ru="Фил Харви", name_en="Phil Harvey", gender="male")

    upload(editor_client, sample_file(IMAGES / "iptc_caption_byline_credit.jpg"))

    photo = latest_photo()
    assert photo.photographer == harvey
    assert photo.credit_ru == "My Credit"


def test_a_photographers_file_credits_a_colleague_by_text_only(photographer_client, db):
    Photographer.objects.create(name_ru="Фил Харви", name_en="Phil Harvey", gender="male")

    upload(photographer_client, sample_file(IMAGES / "iptc_caption_byline_credit.jpg"))

    photo = latest_photo()
    assert photo.photographer is None
    assert photo.credit_ru == "Phil Harvey / My Credit"


def test_a_photographers_own_byline_is_matched_to_their_record(
    photographer_client, staff_photographer
):
    staff_photographer.name_en = "Phil Harvey"
    staff_photographer.save()

    upload(photographer_client, sample_file(IMAGES / "iptc_caption_byline_credit.jpg"))

    photo = latest_photo()
    assert photo.photographer == staff_photographer
    assert photo.credit_ru == "My Credit"


def test_shared_fields_win_over_the_files_own_iptc(photographer_client, staff_photographer):
    upload(
        photographer_client,
        sample_file(IMAGES / "iptc_caption_byline_credit.jpg"),
        caption="Общая подпись",
        taken_on="2025-09-30",
        photographer=staff_photographer.pk,
    )

    photo = latest_photo()
    assert photo.caption_ru == "Общая подпись"
    assert photo.taken_on == dt.date(2025, 9, 30)
    assert photo.photographer == staff_photographer
    assert not photo.credit_ru


def test_caption_and_credit_go_to_the_chosen_language(photographer_client):
    upload(
        photographer_client,
        pillow_file(),
        language="kk",
        caption="Жиын",
        credit="Ақорданың баспасөз қызметі",
    )

    photo = latest_photo()
    assert (photo.caption_kk, photo.credit_kk) == ("Жиын", "Ақорданың баспасөз қызметі")
    assert not photo.caption_ru


def test_a_file_without_any_credit_is_refused_and_says_what_is_missing(
    photographer_client, settings
):
    # Only the worker knows: the file's own IPTC/XMP might have named someone.
    upload(photographer_client, pillow_file("nocredit.jpg"))

    assert not Photo.objects.ready().exists()
    assert Photo.objects.get().state == Photo.State.REFUSED
    state = upload_page_states(photographer_client)["nocredit.jpg"]
    assert state.startswith("Refused: ") and "photographer or credit" in state
    assert stored_files(settings) == []


def test_iptc_keywords_are_kept_as_a_list_and_location_is_not(
    photographer_client, staff_photographer
):
    upload(
        photographer_client,
        sample_file(IMAGES / "iptc_keywords_city_country.jpg"),
        photographer=staff_photographer.pk,
    )

    metadata = latest_photo().metadata
    assert isinstance(metadata["iptc"]["keywords"], list) and len(metadata["iptc"]["keywords"]) > 1
    assert "city" not in str(metadata).lower() or "City" not in metadata["iptc"]
    assert not {"city", "country", "sublocation", "province"} & set(metadata["iptc"])


def test_metadata_has_no_gps(photographer_client, staff_photographer):
    for name in ("gps_exif_odd_values.jpg", "xss_in_metadata.jpg", "xss_in_metadata.png"):
        upload(photographer_client, sample_file(IMAGES / name), photographer=staff_photographer.pk)
        metadata = latest_photo().metadata
        assert "GPS" not in str(metadata)


def test_metadata_from_the_file_is_shown_escaped_in_the_admin(editor_client, make_photo):
    photo = make_photo(IMAGES / "xss_in_metadata.jpg", credit="", photographer=None)

    response = editor_client.get(reverse("admin:media_credits_photo_change", args=[photo.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_multi_picture_jpeg_from_a_phone_is_stored_as_its_first_picture(
    photographer_client, staff_photographer
):
    buffer = BytesIO()
    main, second = Image.new("RGB", (64, 48), "red"), Image.new("RGB", (32, 24), "blue")
    main.save(buffer, "MPO", save_all=True, append_images=[second])
    assert Image.open(BytesIO(buffer.getvalue())).format == "MPO"

    response = upload(
        photographer_client,
        SimpleUploadedFile("phone.jpg", buffer.getvalue()),
        photographer=staff_photographer.pk,
    )

    assert response.status_code == 302
    stored = open_stored(latest_photo())
    assert (stored.format, stored.size) == ("JPEG", (64, 48))
    assert getattr(stored, "n_frames", 1) == 1


def test_a_batch_of_100_large_photos_is_answered_without_decoding_any(
    photographer_client, staff_photographer, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # 24 megapixels each: decoding them in the request would take a minute or more.
    big = Image.radial_gradient("L").resize((6000, 4000)).convert("RGB")
    buffer = BytesIO()
    big.save(buffer, "JPEG", quality=80)
    files = [SimpleUploadedFile(f"big-{n:03d}.jpg", buffer.getvalue()) for n in range(100)]

    started = time.perf_counter()
    response = upload(photographer_client, *files, photographer=staff_photographer.pk)
    seconds = time.perf_counter() - started

    assert response.status_code == 302
    assert Photo.objects.filter(state=Photo.State.PENDING).count() == 100
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 100
    assert not Rendition.objects.exists()
    # About 1 s on a loaded 2-core machine (benchmarks/upload_batch.py); generous bound.
    assert seconds < 20, f"the batch took {seconds:.1f} s"
