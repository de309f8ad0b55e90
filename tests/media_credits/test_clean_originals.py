"""Every stored original keeps pixels, orientation and a valid colour profile, nothing else.

Hostile files are built here byte by byte; the stored file is parsed with walkers written
here (not the code under test) and checked segment by segment, chunk by chunk.
"""

import struct
import zlib
from io import BytesIO

import pytest
from PIL import Image, ImageChops, ImageCms, ImageOps, ImageStat

from media_credits.models import Photo
from tests.media_credits.conftest import (
    ACCEPTED,
    IMAGES,
    latest_photo,
    sample_file,
    upload,
)

SCRIPT = b"<script>alert(1)</script>"
CAPTION = "Parade on Republic Day"
BYLINE = "Jane Roe"
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
GPS = {1: "N", 2: (43.0, 14.0, 0.0), 3: "E", 4: (76.0, 56.0, 0.0)}


# --- Independent walkers ------------------------------------------------------------------


def jpeg_segments(raw: bytes) -> tuple[list[tuple[int, bytes]], bytes]:
    """([(marker, payload)] up to EOI, the bytes after EOI); scans' entropy data skipped."""
    assert raw[:2] == b"\xff\xd8"
    segments, i = [], 2
    while True:
        assert raw[i] == 0xFF, f"no marker at {i}"
        while raw[i] == 0xFF:
            i += 1
        marker = raw[i]
        i += 1
        if marker == 0xD9:
            return segments, raw[i:]
        if 0xD0 <= marker <= 0xD7:
            continue
        (length,) = struct.unpack(">H", raw[i : i + 2])
        segments.append((marker, raw[i + 2 : i + length]))
        i += length
        if marker == 0xDA:
            while not (raw[i] == 0xFF and raw[i + 1] not in (0x00, *range(0xD0, 0xD8))):
                i += 1


def jpeg_icc(segments) -> bytes | None:
    chunks = sorted(
        (payload[12], payload[14:])
        for marker, payload in segments
        if marker == 0xE2 and payload.startswith(b"ICC_PROFILE\0")
    )
    return b"".join(chunk for _number, chunk in chunks) or None


def png_chunks(raw: bytes) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """([(type, data)] through IEND, the bytes after IEND); every CRC checked."""
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, i = [], 8
    while True:
        length, kind = struct.unpack(">I4s", raw[i : i + 8])
        data = raw[i + 8 : i + 8 + length]
        (crc,) = struct.unpack(">I", raw[i + 8 + length : i + 12 + length])
        assert zlib.crc32(kind + data) == crc, f"bad CRC in {kind}"
        chunks.append((kind, data))
        i += 12 + length
        if kind == b"IEND":
            return chunks, raw[i:]


def webp_chunks(raw: bytes) -> list[tuple[bytes, bytes]]:
    assert raw[:4] == b"RIFF" and raw[8:12] == b"WEBP"
    (size,) = struct.unpack("<I", raw[4:8])
    assert size + 8 == len(raw), "bytes outside the RIFF container"
    chunks, i = [], 12
    while i < len(raw):
        kind, length = raw[i : i + 4], struct.unpack("<I", raw[i + 4 : i + 8])[0]
        chunks.append((kind, raw[i + 8 : i + 8 + length]))
        i += 8 + length + (length & 1)
    return chunks


def gif_extensions(raw: bytes) -> tuple[list[int], bytes]:
    """(labels of every extension block, the bytes after the trailer)."""
    assert raw[:6] in (b"GIF87a", b"GIF89a")
    flags = raw[10]
    i = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    labels = []

    def skip_sub_blocks(at):
        while raw[at]:
            at += raw[at] + 1
        return at + 1

    while True:
        block = raw[i]
        if block == 0x3B:
            return labels, raw[i + 1 :]
        if block == 0x21:
            labels.append(raw[i + 1])
            i = skip_sub_blocks(i + 2)
        else:
            assert block == 0x2C, f"unknown block {block:#x}"
            local = raw[i + 9]
            i += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
            i = skip_sub_blocks(i + 1)  # after the LZW minimum code size


# --- What a clean original may contain ----------------------------------------------------

JPEG_ALLOWED = {0xC4, 0xCC, 0xDA, 0xDB, 0xDC, 0xDD} | (set(range(0xC0, 0xD0)) - {0xC8})
PNG_ALLOWED = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"iCCP", b"sRGB", b"gAMA", b"cHRM"}
PNG_ALLOWED |= {b"pHYs"}
WEBP_ALLOWED = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ICCP"}


def assert_clean(raw: bytes, image_format: str) -> None:
    """Nothing but pixels, a colour profile and what the decoder needs."""
    lowered = raw.lower()
    assert b"<script" not in lowered and b"<html" not in lowered
    assert b"GPS" not in raw and b"Exif\0" not in raw and b"http://ns.adobe.com" not in raw
    if image_format == "JPEG":
        segments, after = jpeg_segments(raw)
        assert after == b""
        for marker, payload in segments:
            if marker == 0xE0:
                assert payload[:5] == b"JFIF\0" and len(payload) == 14
                assert payload[12:14] == b"\0\0", "JFIF thumbnail kept"
            elif marker == 0xE2:
                assert payload.startswith(b"ICC_PROFILE\0")
            elif marker == 0xEE:
                assert payload.startswith(b"Adobe") and len(payload) == 12
            else:
                assert marker in JPEG_ALLOWED, f"segment {marker:#x} kept"
        icc = jpeg_icc(segments)
        if icc:
            ImageCms.ImageCmsProfile(BytesIO(icc))  # a valid profile
    elif image_format == "PNG":
        chunks, after = png_chunks(raw)
        assert after == b""
        assert {kind for kind, _data in chunks} <= PNG_ALLOWED
    elif image_format == "WEBP":
        chunks = webp_chunks(raw)
        assert {kind for kind, _data in chunks} <= WEBP_ALLOWED
        for kind, data in chunks:
            if kind == b"VP8X":
                assert not data[0] & 0b00001110, "EXIF, XMP or animation flagged"
    elif image_format == "GIF":
        labels, after = gif_extensions(raw)
        assert after == b""
        assert set(labels) <= {0xF9}, "comment, application or text extension kept"
    else:
        pytest.fail(f"unexpected format {image_format}")


def stored_bytes(photo: Photo) -> bytes:
    with photo.image.open("rb") as f:
        return f.read()


# --- Hostile files ------------------------------------------------------------------------


def segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def gps_exif(orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x010E] = SCRIPT.decode()  # ImageDescription
    exif[0x0112] = orientation
    exif.get_ifd(0x8825).update(GPS)
    block = exif.tobytes()
    return block if block.startswith(b"Exif\0\0") else b"Exif\0\0" + block


def iptc(caption: str, byline: str) -> bytes:
    def dataset(number: int, value: str) -> bytes:
        data = value.encode()
        return b"\x1c\x02" + bytes((number,)) + struct.pack(">H", len(data)) + data

    records = b"\x1c\x01\x5a\x00\x03\x1b%G" + dataset(120, caption) + dataset(80, byline)
    records += dataset(90, "Astana")  # city: location, never kept
    resource = b"8BIM\x04\x04\0\0" + struct.pack(">I", len(records)) + records
    return b"Photoshop 3.0\0" + resource + (b"\0" if len(records) % 2 else b"")


XMP = (
    b"http://ns.adobe.com/xap/1.0/\0"
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/">'
    b'<rdf:Description exif:GPSLatitude="43,14N" exif:GPSLongitude="76,56E">'
    b"<dc:description><rdf:Alt><rdf:li>An XMP caption</rdf:li></rdf:Alt></dc:description>"
    b"</rdf:Description></rdf:RDF><!-- <script>alert(1)</script> --></x:xmpmeta>"
)


def pattern(size=(96, 64)) -> Image.Image:
    """A picture no turn or flip leaves unchanged: gradients and an off-centre block."""
    width, height = size
    im = Image.merge(
        "RGB",
        (
            Image.linear_gradient("L").resize(size),
            Image.linear_gradient("L").rotate(90).resize(size),
            Image.radial_gradient("L").resize(size),
        ),
    )
    im.paste((250, 20, 20), (4, 4, width // 3, height // 4))
    return im


def hostile_jpeg(*, orientation: int = 1, icc: bytes | None = SRGB) -> bytes:
    """A JPEG carrying location and HTML in every place a probe found some."""
    thumbnail = BytesIO()
    pattern((16, 12)).save(thumbnail, "JPEG", exif=gps_exif())
    base = BytesIO()
    options = {"icc_profile": icc} if icc else {}
    pattern().save(base, "JPEG", quality=90, **options)
    body = base.getvalue()
    assert body[2:4] == b"\xff\xe0"  # Pillow's own JFIF header, replaced below
    body = body[4 + struct.unpack(">H", body[4:6])[0] :]
    jfif = b"JFIF\0\x01\x02\x01\x00\x48\x00\x48\x00\x00" + SCRIPT  # a tail after the header
    return (
        b"\xff\xd8"
        + segment(0xE0, jfif)
        + segment(0xE0, b"JFXX\0\x10" + thumbnail.getvalue())
        + segment(0xE1, gps_exif(orientation))
        + segment(0xE1, XMP)
        + segment(0xE2, b"<html><body>" + SCRIPT + b"</body></html>")
        + segment(0xE2, b"MPF\0II*\0" + b"GPS" * 4)
        + segment(0xED, iptc(CAPTION, BYLINE))
        + segment(0xFE, SCRIPT)
        + body
        + b"<html>" + SCRIPT  # after EOI
    )  # fmt: skip


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def hostile_png(*, icc: bytes | None = SRGB) -> bytes:
    buffer = BytesIO()
    pattern().save(buffer, "PNG", **({"icc_profile": icc} if icc else {}))
    chunks, _after = png_chunks(buffer.getvalue())
    exif = gps_exif()[6:]
    extra = [
        png_chunk(b"tEXt", b"Comment\0" + SCRIPT),
        png_chunk(b"zTXt", b"Raw profile type exif\0\0" + zlib.compress(b"GPS " + SCRIPT)),
        png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + XMP[29:]),
        png_chunk(b"eXIf", exif),
        png_chunk(b"tIME", b"\x07\xe9\x01\x02\x03\x04\x05"),
        png_chunk(b"gAMA", struct.pack(">I", 45455)),
        png_chunk(b"prIV", b"GPS " + SCRIPT),
    ]
    head = [png_chunk(kind, data) for kind, data in chunks if kind != b"IEND"]
    return (
        b"\x89PNG\r\n\x1a\n"
        + head[0]
        + b"".join(extra)
        + b"".join(head[1:])
        + png_chunk(b"tEXt", b"Author\0" + SCRIPT)
        + png_chunk(b"IEND", b"")
        + SCRIPT
    )


def hostile_webp() -> bytes:
    buffer = BytesIO()
    pattern().save(buffer, "WEBP", quality=90, exif=gps_exif()[6:], xmp=XMP[29:], icc_profile=SRGB)
    raw = buffer.getvalue()
    kinds = {kind for kind, _data in webp_chunks(raw)}
    assert {b"EXIF", b"XMP "} <= kinds  # the file really carries them
    return raw


def post(client, name: str, content: bytes, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return upload(client, SimpleUploadedFile(name, content), **fields)


def decoded(raw: bytes) -> Image.Image:
    im = Image.open(BytesIO(raw))
    im.load()
    return im


# --- Tests --------------------------------------------------------------------------------


def test_a_hostile_upright_jpeg_is_stored_with_its_exact_pixels_and_profile_only(
    photographer_client,
):
    source = hostile_jpeg()
    assert b"GPS" in source and SCRIPT in source

    response = post(photographer_client, "parade.jpg", source)

    assert response.status_code == 302
    photo = latest_photo()
    assert photo.state == Photo.State.READY
    raw = stored_bytes(photo)
    assert_clean(raw, "JPEG")
    segments, _after = jpeg_segments(raw)
    assert [m for m, _p in segments if 0xE0 <= m <= 0xEF] == [0xE0, 0xE2]
    assert jpeg_icc(segments) == SRGB
    # Lossless: not one pixel changed.
    assert ImageChops.difference(decoded(raw), decoded(source)).getbbox() is None
    # What the library uses was read before the file was cleaned.
    assert photo.caption_ru == CAPTION
    assert photo.credit_ru == BYLINE
    assert "GPS" not in str(photo.metadata) and "city" not in photo.metadata["iptc"]


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_a_hostile_turned_jpeg_is_stored_upright_without_metadata(photographer_client, orientation):
    source = hostile_jpeg(orientation=orientation)

    post(photographer_client, "portrait.jpg", source)

    photo = latest_photo()
    raw = stored_bytes(photo)
    assert_clean(raw, "JPEG")
    segments, _after = jpeg_segments(raw)
    assert jpeg_icc(segments) == SRGB
    stored, expected = decoded(raw), ImageOps.exif_transpose(decoded(source))
    assert stored.size == expected.size == (photo.width, photo.height)
    assert stored.getexif().get(0x0112) is None
    assert max(ImageStat.Stat(ImageChops.difference(stored, expected)).mean) < 2
    assert photo.caption_ru == CAPTION and photo.credit_ru == BYLINE


def test_a_jpeg_without_a_profile_gets_none(photographer_client):
    post(photographer_client, "plain.jpg", hostile_jpeg(icc=None))

    raw = stored_bytes(latest_photo())
    assert_clean(raw, "JPEG")
    assert jpeg_icc(jpeg_segments(raw)[0]) is None


def test_an_icc_segment_that_is_not_a_profile_is_dropped(photographer_client):
    source = hostile_jpeg(icc=None)
    fake = segment(0xE2, b"ICC_PROFILE\0\x01\x01" + b"<html>" + SCRIPT)
    source = source[:2] + fake + source[2:]

    post(photographer_client, "fake-icc.jpg", source)

    raw = stored_bytes(latest_photo())
    assert_clean(raw, "JPEG")
    assert jpeg_icc(jpeg_segments(raw)[0]) is None


def test_a_hostile_png_keeps_its_pixels_profile_and_gamma_only(photographer_client):
    source = hostile_png()

    post(photographer_client, "chart.png", source, credit="Reuters")

    photo = latest_photo()
    assert photo.state == Photo.State.READY
    raw = stored_bytes(photo)
    assert_clean(raw, "PNG")
    chunks, _after = png_chunks(raw)
    kinds = [kind for kind, _data in chunks]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    assert b"gAMA" in kinds and b"iCCP" in kinds
    (iccp,) = [data for kind, data in chunks if kind == b"iCCP"]
    name, _sep, rest = iccp.partition(b"\0")
    assert zlib.decompress(rest[1:]) == SRGB
    assert ImageChops.difference(decoded(raw), decoded(source)).getbbox() is None


def test_a_hostile_webp_loses_its_exif_and_xmp(photographer_client):
    source = hostile_webp()

    post(photographer_client, "street.webp", source, credit="Reuters")

    raw = stored_bytes(latest_photo())
    assert_clean(raw, "WEBP")
    assert decoded(raw).info.get("icc_profile") == SRGB


def test_a_gif_loses_its_comments_and_application_extensions(photographer_client):
    frames = [pattern().convert("P"), pattern().rotate(180).convert("P")]
    buffer = BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], loop=0, comment=SCRIPT)
    source = buffer.getvalue()
    labels, _after = gif_extensions(source)
    assert {0xFE, 0xFF} <= set(labels)

    post(photographer_client, "loop.gif", source, credit="Reuters")

    raw = stored_bytes(latest_photo())
    assert_clean(raw, "GIF")


@pytest.mark.parametrize("path", ACCEPTED, ids=lambda p: p.name)
def test_every_accepted_test_image_is_stored_clean(photographer_client, staff_photographer, path):
    source = path.read_bytes()

    upload(photographer_client, sample_file(path), photographer=staff_photographer.pk)

    photo = latest_photo()
    assert photo.state == Photo.State.READY
    raw = stored_bytes(photo)
    assert_clean(raw, photo.image_format)
    stored = decoded(raw)
    assert stored.size == (photo.width, photo.height)
    upright = ImageOps.exif_transpose(decoded(source))
    assert stored.size == upright.size
    # A profile the source had is kept byte for byte (as Pillow reads both files).
    assert stored.info.get("icc_profile") == upright.info.get("icc_profile")


def test_the_probes_files_lose_their_gps_and_html(photographer_client, staff_photographer):
    for name in ("xss_in_metadata.jpg", "xss_in_metadata.png", "gps_exif_odd_values.jpg"):
        source = (IMAGES / name).read_bytes()
        assert SCRIPT in source or Image.open(BytesIO(source)).getexif().get_ifd(0x8825)

        upload(photographer_client, sample_file(IMAGES / name), photographer=staff_photographer.pk)

        assert_clean(stored_bytes(latest_photo()), latest_photo().image_format)


def test_a_jpeg_whose_icc_profile_spans_several_segments_keeps_it_whole(
    photographer_client, staff_photographer
):
    path = IMAGES / "icc_profile_400kb_multi_app2.jpg"
    source_segments, _after = jpeg_segments(path.read_bytes())

    upload(photographer_client, sample_file(path), photographer=staff_photographer.pk)

    segments, _after = jpeg_segments(stored_bytes(latest_photo()))
    profile = jpeg_icc(segments)
    assert profile is not None and len(profile) == 399788
    assert profile == jpeg_icc(source_segments)


def test_iptc_caption_and_byline_are_read_before_the_file_is_cleaned(photographer_client):
    upload(photographer_client, sample_file(IMAGES / "iptc_caption_byline_credit.jpg"))

    photo = latest_photo()
    raw = stored_bytes(photo)
    assert_clean(raw, "JPEG")
    assert b"A witty caption" not in raw and b"Phil Harvey" not in raw
    assert photo.caption_ru == "A witty caption"
    assert photo.credit_ru == "Phil Harvey / My Credit"
