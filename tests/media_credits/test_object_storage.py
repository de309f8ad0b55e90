"""Media on S3-compatible object storage (S3_BUCKET), against a real moto server over HTTP.

The server runs once per session (``moto_server`` from the virtualenv); each test gets a
bucket of its own with the production bucket policy (renditions/* public, nothing else)
and the settings block's own STORAGES entry, built from S3_* variables.
"""

import datetime as dt
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from io import BytesIO, StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from articles import workflow
from articles.models import Article
from media_credits import renditions
from media_credits.models import Photo, Rendition
from newsroom.settings import s3_media_storage
from newsroom.storage import MediaStorage
from tests.factories import ArticleFactory
from tests.media_credits.conftest import latest_photo, pillow_file, stored_files, upload

pytestmark = pytest.mark.django_db
KEYS = {"S3_ACCESS_KEY_ID": "moto-test-key", "S3_SECRET_ACCESS_KEY": "moto-test-secret"}
REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """A moto S3 server on a free loopback port, stopped at the end of the session."""
    port = _free_port()
    moto_server = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(moto_server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def s3_client(s3_endpoint):
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=KEYS["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["S3_SECRET_ACCESS_KEY"],
    )


def _public_renditions_policy(bucket: str) -> str:
    """The bucket policy the README prescribes: anyone may read renditions, nothing else."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicRenditions",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/renditions/*",
                }
            ],
        }
    )


@pytest.fixture
def use_bucket(s3_endpoint, s3_client, settings, monkeypatch):
    """Configure media storage from S3_* variables for a fresh bucket; returns its name."""

    def configure(**environ) -> str:
        bucket = f"media-{uuid.uuid4().hex[:12]}"
        s3_client.create_bucket(Bucket=bucket)
        s3_client.put_bucket_policy(Bucket=bucket, Policy=_public_renditions_policy(bucket))
        variables = {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": s3_endpoint,
            "S3_REGION": REGION,
            "S3_ADDRESSING_STYLE": "path",
            **KEYS,
            **{key: value.replace("{bucket}", bucket) for key, value in environ.items()},
        }
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        settings.STORAGES = {**settings.STORAGES, "default": s3_media_storage()}
        assert isinstance(storages["default"], MediaStorage)
        return bucket

    return configure


@pytest.fixture
def bucket(use_bucket):
    return use_bucket()


def keys(s3_client, bucket: str, prefix: str = "") -> list[str]:
    listed = s3_client.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def drop_renditions(capture_on_commit, *photos) -> None:
    """Keep only what a test serves: the worker made every rendition at upload."""
    with capture_on_commit(execute=True):
        renditions.remove_renditions([photo.pk for photo in photos])


def fetch(url: str) -> tuple[int, dict, bytes]:
    """GET over HTTP with no credentials, as a browser or a CDN would."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_admin_upload_stores_the_original_in_the_bucket_behind_a_signed_url(
    bucket, s3_client, photographer_client, staff_photographer, settings, s3_endpoint
):
    response = upload(
        photographer_client,
        pillow_file("Акорда.jpg", size=(900, 600)),
        photographer=staff_photographer.pk,
    )

    assert response.status_code == 302
    photo = latest_photo()
    # The cleaned original replaced the upload as sent; the worker made the renditions.
    assert keys(s3_client, bucket, "photos/") == [photo.image.name]
    made = sorted(r.file.name for r in photo.renditions.all())
    assert len(made) == 6  # 480, 800 and (1200 asked) 900 px, WebP and JPEG
    assert keys(s3_client, bucket, "renditions/") == made
    assert photo.image.name.startswith("photos/")
    assert stored_files(settings) == []  # nothing on the app server's disk
    stored = s3_client.get_object(Bucket=bucket, Key=photo.image.name)["Body"].read()
    assert Image.open(BytesIO(stored)).size == (900, 600)

    # The original is private: its plain address is refused to anyone without a signature.
    plain = f"{s3_endpoint}/{bucket}/{photo.image.name}"
    assert fetch(plain)[0] == 403
    # The admin links it by a signed URL that expires (S3_SIGNED_URL_MAX_AGE, 900 s).
    signed = photo.image.url
    query = parse_qs(urlsplit(signed).query)
    assert query["X-Amz-Expires"] == ["900"]
    assert "X-Amz-Signature" in query
    status, _headers, body = fetch(signed)
    assert (status, body) == (200, stored)
    change_page = photographer_client.get(
        reverse("admin:media_credits_photo_change", args=[photo.pk])
    ).content.decode()
    assert signed.split("?")[0] in change_page


def test_public_rendition_url_redirects_to_a_cacheable_object_that_serves_the_image(
    bucket, s3_client, client, public_photo, s3_endpoint, django_capture_on_commit_callbacks
):
    photo = public_photo()
    drop_renditions(django_capture_on_commit_callbacks, photo)
    url = renditions.rendition_url(photo, width=800, image_format="webp")

    first = client.get(url)

    assert first.status_code == 302
    location = first["Location"]
    stored = Rendition.objects.get(photo=photo)
    assert location == f"{s3_endpoint}/{bucket}/{stored.file.name}"
    assert keys(s3_client, bucket, "renditions/") == [stored.file.name]
    status, headers, body = fetch(location)
    assert status == 200
    assert headers["content-type"] == "image/webp"
    assert headers["cache-control"] == "public, max-age=3600"
    image = Image.open(BytesIO(body))
    assert (image.format, image.size) == ("WEBP", (800, 400))
    # Made once: the second request redirects to the same object and stores nothing new.
    assert client.get(url)["Location"] == location
    assert keys(s3_client, bucket, "renditions/") == [stored.file.name]
    # Public pages link the stored rendition in the bucket directly.
    article = Article.objects.get(lead_photo=photo)
    page = client.get(article.get_absolute_url("ru")).content.decode()
    assert f"{location} 800w" in page


def test_renditions_are_served_from_the_custom_domain_and_originals_never_are(
    use_bucket, s3_client, client, public_photo, s3_endpoint
):
    # A CDN whose origin is the bucket: here the bucket's own address stands in for it.
    cdn = s3_endpoint.replace("127.0.0.1", "localhost")
    bucket = use_bucket(S3_CUSTOM_DOMAIN=f"{cdn}/{{bucket}}")
    photo = public_photo()

    location = client.get(renditions.rendition_url(photo, width=480, image_format="jpeg"))[
        "Location"
    ]

    assert location.startswith(f"{cdn}/{bucket}/renditions/")
    status, headers, body = fetch(location)
    assert (status, headers["content-type"]) == (200, "image/jpeg")
    assert Image.open(BytesIO(body)).size == (480, 240)
    original = photo.image.url
    assert original.startswith(f"{s3_endpoint}/{bucket}/photos/")
    assert "X-Amz-Signature" in original


def test_unpublishing_deletes_the_renditions_from_the_bucket_and_keeps_the_original(
    bucket, s3_client, client, make_photo, editor, django_capture_on_commit_callbacks
):
    photo = make_photo(alt_text="Описание")
    drop_renditions(django_capture_on_commit_callbacks, photo)
    article = ArticleFactory(lead_photo=photo)
    url = renditions.rendition_url(photo, width=480, image_format="jpeg")
    location = client.get(url)["Location"]
    renditions.get_rendition(photo, width=800, image_format="webp")
    assert len(keys(s3_client, bucket, "renditions/")) == 2

    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(article, "unpublish", user=editor, comment="Снято по просьбе героя")

    assert keys(s3_client, bucket, "renditions/") == []
    assert keys(s3_client, bucket) == [photo.image.name]
    assert fetch(location)[0] in (403, 404)  # the address the public saw is gone
    assert client.get(url).status_code == 404


def test_expired_usage_terms_delete_the_renditions_from_the_bucket(
    bucket, s3_client, client, public_photo, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(dt.datetime(2026, 3, 1, 12, 0), tick=False)
    expiring = public_photo(usage_expires_on=dt.date(2026, 3, 10))
    lasting = public_photo()
    drop_renditions(django_capture_on_commit_callbacks, expiring, lasting)
    for photo in (expiring, lasting):
        assert (
            client.get(renditions.rendition_url(photo, width=480, image_format="webp")).status_code
            == 302
        )
    lasting_key = Rendition.objects.get(photo=lasting).file.name

    time_machine.move_to(dt.datetime(2026, 3, 12, 12, 0), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_photos", stdout=StringIO())

    assert keys(s3_client, bucket, "renditions/") == [lasting_key]


def test_deleting_a_photo_in_the_admin_deletes_its_objects(
    bucket, s3_client, editor_client, make_photo, django_capture_on_commit_callbacks
):
    photo = make_photo()
    kept = make_photo()
    drop_renditions(django_capture_on_commit_callbacks, photo, kept)
    for made in (photo, kept):
        renditions.get_rendition(made, width=480, image_format="webp")
    assert len(keys(s3_client, bucket)) == 4

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:media_credits_photo_delete", args=[photo.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert not Photo.objects.filter(pk=photo.pk).exists()
    assert keys(s3_client, bucket) == sorted(
        [kept.image.name, Rendition.objects.get(photo=kept).file.name]
    )


def test_demo_and_importer_store_their_photos_in_the_bucket(bucket, s3_client, client, settings):
    call_command("demo", stdout=StringIO())

    photo_keys = keys(s3_client, bucket, "photos/")
    assert sorted(Photo.objects.values_list("image", flat=True)) == photo_keys
    assert len(photo_keys) >= 4
    assert stored_files(settings) == []
    seed = Article.objects.get(headline_ru="Особые узы дружбы")
    page = client.get(seed.get_absolute_url("ru"))
    assert page.status_code == 200
    lead = seed.lead_photo
    location = client.get(renditions.rendition_url(lead, width=800, image_format="jpeg"))[
        "Location"
    ]
    status, _headers, body = fetch(location)
    assert status == 200
    assert Image.open(BytesIO(body)).format == "JPEG"


def test_two_saves_under_one_name_keep_two_objects(bucket, s3_client):
    # Two first requests for one rendition race; the loser deletes its own copy, which
    # must not be the winner's object (S3 would otherwise overwrite it in place).
    first = default_storage.save("renditions/9/9-480-token.webp", ContentFile(b"first"))
    second = default_storage.save("renditions/9/9-480-token.webp", ContentFile(b"second"))

    assert first != second
    default_storage.delete(second)
    assert keys(s3_client, bucket) == [first]


def test_without_s3_bucket_media_stays_on_local_files(monkeypatch):
    monkeypatch.delenv("S3_BUCKET", raising=False)

    assert s3_media_storage() is None


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"S3_ACCESS_KEY_ID": "key"}, "S3_SECRET_ACCESS_KEY"),
        ({"S3_ADDRESSING_STYLE": "sideways"}, "S3_ADDRESSING_STYLE"),
        ({"S3_CUSTOM_DOMAIN": "ftp://cdn.example.kz"}, "S3_CUSTOM_DOMAIN"),
        ({"S3_SIGNED_URL_MAX_AGE": "soon"}, "S3_SIGNED_URL_MAX_AGE"),
    ],
)
def test_malformed_s3_settings_are_refused(monkeypatch, variables, message):
    monkeypatch.setenv("S3_BUCKET", "media")
    for name in ("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_CUSTOM_DOMAIN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ImproperlyConfigured, match=message):
        s3_media_storage()
