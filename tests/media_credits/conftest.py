from io import BytesIO
from pathlib import Path

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from media_credits.models import Photo, Photographer

IMAGES = Path(__file__).resolve().parent.parent / "testdata" / "images"
IMAGE_FILES = sorted(p for p in IMAGES.iterdir() if p.suffix in {".jpg", ".png", ".webp", ".gif"})

#: Test images the library must refuse, with words the refusal must contain.
REFUSED = {
    "truncated.jpg": "corrupt or truncated",
    "truncated.png": "corrupt or truncated",
    "truncated_end_chunk.png": "corrupt or truncated",
    "corrupt_not_an_image.png": "not a JPEG, PNG, WebP or GIF",
    "corrupt_data_stream.png": "corrupt or truncated",
    "corrupt_zero_width.gif": "not a JPEG, PNG, WebP or GIF",
    "bomb_dimensions.gif": "too large",
    "bomb_frame_extents.gif": "too large",
    "bomb_ztxt_chunk.png": "corrupt or truncated",
}
#: Refused by the worker: their headers pass, so the upload accepts them, and the full
#: decode refuses them. The others in REFUSED are refused in the upload request (a PNG's
#: chunk checksums and its IEND are checked there).
REFUSED_BY_WORKER = {
    "truncated.jpg",
    "bomb_frame_extents.gif",
}
ACCEPTED = [p for p in IMAGE_FILES if p.name not in REFUSED]
UPLOAD_URL = "admin:media_credits_photo_upload"


def sample_file(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def pillow_file(name="made.jpg", size=(64, 48), color=(200, 30, 30), fmt="JPEG", **save):
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt, **save)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, *files, follow=False, **fields):
    """Post files through the admin upload form, as a browser does."""
    data = {"language": "ru", "usage_terms": "staff", **fields, "files": list(files)}
    return client.post(reverse(UPLOAD_URL), data, follow=follow)


def refusals(response) -> list[str]:
    """Refusal lines: on the upload page when nothing was saved, else in the messages."""
    if response.context and response.context.get("refusals"):
        return [str(r) for r in response.context["refusals"]]
    return [str(m) for m in response.context["messages"] if m.level_tag == "error"]


def upload_page_states(client) -> dict[str, str]:
    """The uploader's latest uploads as the upload page shows them: {file name: state}."""
    page = client.get(reverse(UPLOAD_URL))
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.content)
    rows = doc.xpath("//div[@id='recent-uploads']//tbody/tr")
    return {
        row.xpath("./td[1]")[0].text_content().strip(): " ".join(
            row.xpath("./td[2]")[0].text_content().split()
        )
        for row in rows
    }


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture(autouse=True)
def _english_interface(client):
    # Messages are translated; these tests read the English ones.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def staff_photographer(photographer):
    """The Photographer record of the ``photographer`` user."""
    return Photographer.objects.create(
        name_ru="Аманкул Дюсенбаев", gender="male", user=photographer
    )


@pytest.fixture
def photographer_client(client, photographer, staff_photographer):
    client.force_login(photographer)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def make_photo(db):
    """A saved photo from a test image, made through the same upload code as the admin."""
    from media_credits.upload import SharedFields, save_upload

    def make(
        path: Path | None = None,
        *,
        user=None,
        photographer=None,
        credit="Reuters",
        alt_text="",
        **extra,
    ):
        uploaded = sample_file(path) if path else pillow_file(size=(2000, 1000))
        shared = SharedFields(language="ru", photographer=photographer, credit=credit, **extra)
        photo = save_upload(uploaded, shared=shared, user=user)
        if alt_text:
            photo.alt_text_ru = alt_text  # publishing needs it
            photo.save()
        return photo

    return make


def latest_photo() -> Photo:
    return Photo.objects.latest("id")


@pytest.fixture
def public_photo(make_photo):
    """A photo that a published article shows (published through the workflow)."""
    from tests.factories import ArticleFactory

    def make(path: Path | None = None, **kwargs):
        kwargs.setdefault("alt_text", "Президент встречает гостей")
        photo = make_photo(path, **kwargs)
        ArticleFactory(lead_photo=photo)
        photo.refresh_from_db()
        assert photo.public_from is not None
        return photo

    return make
