"""Upload requests over a limit: a localised 4xx on the upload page, never a 500."""

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from media_credits.models import Photo
from tests.media_credits.conftest import (
    IMAGES,
    UPLOAD_URL,
    pillow_file,
    refusals,
    sample_file,
    stored_files,
    upload,
)


def error_text(response) -> str:
    doc = lxml.html.fromstring(response.content.decode())
    return " ".join(" ".join(doc.xpath("//ul[contains(@class,'messagelist')]//text()")).split())


def assert_upload_page(response):
    doc = lxml.html.fromstring(response.content.decode())
    assert doc.xpath("//form[@id='photo-upload-form']"), "the upload form is not on the page"


def test_more_files_than_the_limit_get_the_upload_page_with_the_limit(
    photographer_client, staff_photographer, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [pillow_file(f"event-{n}.jpg") for n in range(4)]

    response = upload(photographer_client, *files, photographer=staff_photographer.pk)

    assert response.status_code == 413
    assert_upload_page(response)
    assert "Too many files in one upload: at most 3." in error_text(response)
    assert Photo.objects.count() == 0
    assert stored_files(settings) == []


def test_exactly_the_file_limit_is_accepted(photographer_client, staff_photographer, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [pillow_file(f"event-{n}.jpg") for n in range(3)]

    response = upload(photographer_client, *files, photographer=staff_photographer.pk)

    assert response.status_code == 302
    assert Photo.objects.ready().count() == 3


def test_the_file_limit_is_told_in_russian(photographer_client, staff_photographer, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1
    photographer_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"

    response = upload(
        photographer_client, pillow_file("a.jpg"), pillow_file("b.jpg"),
        photographer=staff_photographer.pk,
    )  # fmt: skip

    assert response.status_code == 413
    assert "Слишком много файлов" in error_text(response)


def test_a_request_over_the_size_limit_gets_the_upload_page_with_the_limit(
    photographer_client, staff_photographer, settings
):
    settings.PHOTO_MAX_REQUEST_BYTES = 20 * 1024 * 1024
    path = IMAGES / "icc_profile_400kb_multi_app2.jpg"  # 0.5 MB
    files = [sample_file(path, name=f"big-{n}.jpg") for n in range(45)]  # over 20 MB together

    response = upload(photographer_client, *files, photographer=staff_photographer.pk)

    assert response.status_code == 413
    assert_upload_page(response)
    assert "The upload is too large: at most 20 MB at once." in error_text(response)
    assert Photo.objects.count() == 0
    assert stored_files(settings) == []


def test_a_file_over_the_per_file_limit_is_named_with_the_limit(
    photographer_client, staff_photographer, settings
):
    settings.PHOTO_MAX_UPLOAD_BYTES = 1024 * 1024
    path = IMAGES / "icc_profile_400kb_multi_app2.jpg"
    # A real photo padded after its end: 1.5 MB in all.
    large = SimpleUploadedFile("large.jpg", path.read_bytes() + b"\0" * (1024 * 1024))

    response = upload(photographer_client, large, photographer=staff_photographer.pk)

    assert response.status_code == 200
    assert refusals(response) == ["large.jpg was not uploaded: The file is larger than 1 MB."]


def test_form_fields_over_the_memory_limit_get_a_localised_400(
    photographer_client, staff_photographer, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = upload(
        photographer_client,
        pillow_file("a.jpg"),
        caption="Подпись " * 500,
        photographer=staff_photographer.pk,
    )

    assert response.status_code == 400
    assert_upload_page(response)
    assert "The upload could not be read" in error_text(response)
    assert Photo.objects.count() == 0


def test_a_cut_multipart_body_gets_a_localised_400(photographer_client):
    response = photographer_client.generic(
        "POST",
        reverse(UPLOAD_URL),
        b'--XYZ\r\nContent-Disposition: form-data; name="files"; filename="a.jpg"\r\n\r\n\xff',
        content_type="multipart/form-data; boundary=",
    )

    assert response.status_code == 400
    assert "The upload could not be read" in error_text(response)


@pytest.mark.parametrize("logged_in", [False, True])
def test_someone_who_may_not_upload_gets_a_plain_4xx(client, outsider, settings, logged_in):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1
    if logged_in:
        client.force_login(outsider)

    response = upload(client, pillow_file("a.jpg"), pillow_file("b.jpg"))

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")
    assert "Too many files" in response.content.decode()
    assert Photo.objects.count() == 0
