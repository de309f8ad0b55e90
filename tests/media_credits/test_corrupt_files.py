"""Damaged files are refused with a reason the uploader reads on the upload page.

PNG chunk checksums and a missing IEND are caught in the upload request (one pass over
the bytes); a compressed stream that stops short or fails its Adler-32, and a JPEG that
ends before its EOI, by the worker's full check.
"""

import functools
import struct
import zlib
from io import BytesIO

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from media_credits.models import Photo
from tests.media_credits.conftest import latest_photo, stored_files, upload, upload_page_states

TRUNCATED = "The image is corrupt or truncated: the file ends before the image does."
CORRUPT = "The image is corrupt or truncated."


def checksum_refusal(chunk: str) -> str:
    return f"The image is corrupt or truncated: the checksum of its {chunk} chunk does not match."


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def chunks(raw: bytes) -> list[tuple[bytes, bytes]]:
    out, i = [], 8
    while i < len(raw):
        length, kind = struct.unpack(">I4s", raw[i : i + 8])
        out.append((kind, raw[i + 8 : i + 8 + length]))
        i += 12 + length
    return out


@functools.cache
def good_png() -> bytes:
    # effect_noise is random: one picture for the whole run.
    im = Image.effect_noise((120, 80), 40).convert("RGB")
    buffer = BytesIO()
    im.save(buffer, "PNG")
    return buffer.getvalue()


def png_of(parts: list[tuple[bytes, bytes]]) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunk(kind, data) for kind, data in parts)


def offset_of(raw: bytes, kind: bytes) -> int:
    """Offset of the chunk's data."""
    return raw.index(kind) + 4


def with_idat_stream(raw: bytes, stream: bytes) -> bytes:
    """The PNG with its image data replaced by ``stream`` (checksums made right)."""
    parts = chunks(raw)
    head = [(k, d) for k, d in parts if k not in (b"IDAT", b"IEND")]
    return png_of([*head, (b"IDAT", stream), (b"IEND", b"")])


def idat_bytes(raw: bytes) -> bytes:
    return zlib.decompress(b"".join(d for k, d in chunks(raw) if k == b"IDAT"))


def flipped(raw: bytes, at: int) -> bytes:
    return raw[:at] + bytes((raw[at] ^ 0x55,)) + raw[at + 1 :]


def bad_idat_crc() -> bytes:
    raw = good_png()
    return flipped(raw, offset_of(raw, b"IDAT") + 40)  # data changed, CRC kept


def bad_ihdr_crc() -> bytes:
    raw = good_png()
    return flipped(raw, offset_of(raw, b"IHDR") + 13)  # the CRC itself


def bad_gama_crc() -> bytes:
    raw = good_png()
    gama = chunk(b"gAMA", struct.pack(">I", 45455))
    gama = gama[:-1] + bytes((gama[-1] ^ 1,))
    at = 8 + 25  # after the signature and IHDR
    return raw[:at] + gama + raw[at:]


def truncated_idat() -> bytes:
    raw = good_png()
    return raw[: offset_of(raw, b"IDAT") + 100]


def without_iend() -> bytes:
    return good_png()[:-12]


def stream_without_end() -> bytes:
    """Every row is there, but the zlib stream never ends: no final block, no Adler-32."""
    raw = good_png()
    deflater = zlib.compressobj()
    stream = deflater.compress(idat_bytes(raw)) + deflater.flush(zlib.Z_SYNC_FLUSH)
    return with_idat_stream(raw, stream)


def stream_with_wrong_adler() -> bytes:
    raw = good_png()
    stream = zlib.compress(idat_bytes(raw))
    return with_idat_stream(raw, stream[:-4] + bytes(b ^ 0xFF for b in stream[-4:]))


def jpeg_cut_in_its_scan() -> bytes:
    buffer = BytesIO()
    Image.effect_noise((200, 150), 40).convert("RGB").save(buffer, "JPEG", quality=90)
    raw = buffer.getvalue()
    return raw[: len(raw) * 2 // 3]


REFUSED_IN_THE_REQUEST = {
    "idat-crc.png": (bad_idat_crc, checksum_refusal("IDAT")),
    "ihdr-crc.png": (bad_ihdr_crc, checksum_refusal("IHDR")),
    "gama-crc.png": (bad_gama_crc, checksum_refusal("gAMA")),
    "cut-idat.png": (truncated_idat, TRUNCATED),
    "no-iend.png": (without_iend, TRUNCATED),
}
REFUSED_BY_THE_WORKER = {
    "open-stream.png": (stream_without_end, TRUNCATED),
    "wrong-adler.png": (stream_with_wrong_adler, CORRUPT),
    "cut-scan.jpg": (jpeg_cut_in_its_scan, CORRUPT),
}


def shown_refusals(response) -> list[str]:
    doc = lxml.html.fromstring(response.content.decode())
    return [" ".join(li.text_content().split()) for li in doc.xpath("//ul[@id='refused-files']/li")]


def test_the_damaged_files_are_damaged_as_described():
    # Each file differs from a good one only where its name says.
    good = good_png()
    assert Image.open(BytesIO(good)).size == (120, 80)
    # A stream without its end decodes in Pillow: only the worker's own check sees it.
    im = Image.open(BytesIO(stream_without_end()))
    im.load()
    assert im.tobytes() == Image.open(BytesIO(good)).convert("RGB").tobytes()
    assert b"IEND" not in without_iend()


@pytest.mark.parametrize("name", sorted(REFUSED_IN_THE_REQUEST))
def test_a_png_with_a_bad_checksum_or_cut_short_is_refused_in_the_request(
    photographer_client, staff_photographer, settings, name
):
    make, reason = REFUSED_IN_THE_REQUEST[name]

    response = upload(
        photographer_client,
        SimpleUploadedFile(name, make()),
        photographer=staff_photographer.pk,
    )

    assert response.status_code == 200
    assert shown_refusals(response) == [f"{name} was not uploaded: {reason}"]
    assert Photo.objects.count() == 0
    assert stored_files(settings) == []


@pytest.mark.parametrize("name", sorted(REFUSED_BY_THE_WORKER))
def test_a_file_whose_data_stops_short_is_refused_by_the_worker(
    photographer_client, staff_photographer, settings, name
):
    make, reason = REFUSED_BY_THE_WORKER[name]

    response = upload(
        photographer_client,
        SimpleUploadedFile(name, make()),
        photographer=staff_photographer.pk,
    )

    assert response.status_code == 302
    photo = latest_photo()
    assert photo.state == Photo.State.REFUSED
    assert upload_page_states(photographer_client) == {name: f"Refused: {reason}"}
    assert stored_files(settings) == []
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_the_checksum_refusal_is_shown_in_russian(photographer_client, staff_photographer):
    photographer_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"

    response = upload(
        photographer_client,
        SimpleUploadedFile("idat-crc.png", bad_idat_crc()),
        photographer=staff_photographer.pk,
    )

    (line,) = shown_refusals(response)
    assert "не сходится контрольная сумма его блока IDAT" in line


def test_a_good_png_next_to_damaged_ones_is_accepted(photographer_client, staff_photographer):
    response = upload(
        photographer_client,
        SimpleUploadedFile("good.png", good_png()),
        SimpleUploadedFile("idat-crc.png", bad_idat_crc()),
        SimpleUploadedFile("open-stream.png", stream_without_end()),
        photographer=staff_photographer.pk,
    )

    assert response.status_code == 302
    states = upload_page_states(photographer_client)
    assert states == {"open-stream.png": f"Refused: {TRUNCATED}", "good.png": "Ready"}
