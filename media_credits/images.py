"""Checking and cleaning image files from photographers: every byte of them is untrusted.

Two stages. ``check_header`` runs in the upload request: it reads the header only (type,
pixel dimensions, frame count) and decodes nothing, so a batch of large files answers at
once. ``clean_image`` runs in the worker: it decodes the whole image (a truncated JPEG
passes ``Image.open`` and ``verify``), walks every frame under the pixel limits, applies
the EXIF orientation and returns a still copy without EXIF, IPTC, XMP or any location
data, the metadata worth keeping as plain text, and a reduced upright copy to make the
renditions from.
"""

import datetime as dt
import logging
import math
import re
import xml.etree.ElementTree as ET  # noqa: N817
from dataclasses import dataclass, field
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext, gettext_noop
from PIL import ExifTags, Image, IptcImagePlugin, UnidentifiedImageError

logger = logging.getLogger(__name__)

#: Pillow format name -> file extension. Detected from the content, never the file name.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}

ORIENTATION_TAG = 0x0112
#: Orientations whose upright image has width and height swapped.
SWAPS_AXES = {5, 6, 7, 8}
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# EXIF tags never kept: GPS, pointers to other blocks, binary blobs and embedded thumbnails.
_EXIF_SKIP = {0x8825, 0x8769, 0xA005, 0x927C, 0x02BC, 0x83BB, 0x8773, 0x0201, 0x0202, 0x9286}
_EXIF_IFD = 0x8769

# IPTC datasets worth keeping. Location datasets (city 2:90, sublocation 2:92,
# province 2:95, country 2:100/2:101) are left out on purpose.
_IPTC_FIELDS = {
    (2, 5): "object_name",
    (2, 25): "keywords",
    (2, 55): "date_created",
    (2, 80): "byline",
    (2, 85): "byline_title",
    (2, 105): "headline",
    (2, 110): "credit",
    (2, 115): "source",
    (2, 116): "copyright",
    (2, 120): "caption",
    (2, 122): "writer",
}

_NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_NS_DC = "http://purl.org/dc/elements/1.1/"
_NS_PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/"
_XMP_FIELDS = {
    "caption": (_NS_DC, "description"),
    "byline": (_NS_DC, "creator"),
    "title": (_NS_DC, "title"),
    "credit": (_NS_PHOTOSHOP, "Credit"),
    "source": (_NS_PHOTOSHOP, "Source"),
    "headline": (_NS_PHOTOSHOP, "Headline"),
    "date_created": (_NS_PHOTOSHOP, "DateCreated"),
    "rights": (_NS_DC, "rights"),
}

_MAX_TEXT = 2000


# Refusal reasons: message ids, translated when shown (a worker has no request language;
# Photo.refusal_reason stores the id and Photo.refusal_params its parameters).
FILE_TOO_BIG = gettext_noop("The file is larger than %(limit)d MB.")
FILE_EMPTY = gettext_noop("The file is empty.")
NOT_AN_IMAGE = gettext_noop("This is not a JPEG, PNG, WebP or GIF image.")
CORRUPT = gettext_noop("The image is corrupt or truncated.")
TOO_MANY_PIXELS = gettext_noop("The image is too large: at most %(limit)s megapixels per frame.")
NO_PIXELS = gettext_noop("The image has no pixels.")
TOO_MANY_FRAMES = gettext_noop("The animation has more than %(limit)d frames.")
ANIMATION_TOO_LARGE = gettext_noop("The animation is too large to process.")


class ImageRefused(Exception):
    """The file is not an image the library accepts; ``message`` tells the uploader why."""

    def __init__(self, reason: str, **params):
        super().__init__(reason % params)
        self.reason = reason
        self.params = params

    @property
    def message(self) -> str:
        return gettext(self.reason) % self.params


@dataclass
class Header:
    """What the upload request learns from a file's header, without decoding it."""

    image_format: str
    extension: str
    width: int
    height: int
    frames: int


@dataclass
class Prefill:
    """Values read from the file's IPTC/XMP/EXIF that may fill empty form fields."""

    caption: str = ""
    byline: str = ""
    credit: str = ""
    taken_on: dt.date | None = None


@dataclass
class CleanImage:
    content: bytes
    image_format: str
    extension: str
    width: int
    height: int
    metadata: dict = field(default_factory=dict)
    prefill: Prefill = field(default_factory=Prefill)
    #: An upright copy at least as wide as the widest rendition (often decoded at reduced
    #: scale), and the colour profile of its pixels: what the renditions are made from.
    working: Image.Image | None = None
    icc_profile: bytes | None = None


def check_header(file, *, size: int | None = None) -> Header:
    """Refuse what the header already shows: size, type, pixel and frame limits.

    Reads the header only (for a GIF, the frame headers); decodes no pixels.
    """
    if size is None:
        size = file.seek(0, 2)
    if size > settings.PHOTO_MAX_UPLOAD_BYTES:
        raise _file_too_big()
    if size == 0:
        raise ImageRefused(FILE_EMPTY)
    file.seek(0)
    try:
        with Image.open(file, formats=list(ACCEPTED_FORMATS)) as im:
            image_format = "JPEG" if im.format == "MPO" else im.format
            _check_pixels(im)
            frames = getattr(im, "n_frames", 1)
            if frames > settings.PHOTO_MAX_FRAMES:
                raise _too_many_frames()
            return Header(image_format, ACCEPTED_FORMATS[image_format], *im.size, frames)
    except Exception as exc:
        raise _refusal(exc) from None
    finally:
        file.seek(0)


def clean_image(data: bytes) -> CleanImage:
    """Check an uploaded file and return a still, upright copy without location data.

    Raises ImageRefused with a message for the uploader; never anything else for bad input.
    """
    if len(data) > settings.PHOTO_MAX_UPLOAD_BYTES:
        raise _file_too_big()
    if not data:
        raise ImageRefused(FILE_EMPTY)
    try:
        with Image.open(BytesIO(data), formats=list(ACCEPTED_FORMATS)) as im:
            return _clean(im, data)
    except Exception as exc:
        raise _refusal(exc) from None


def _refusal(exc: BaseException) -> ImageRefused:
    if isinstance(exc, ImageRefused):
        return exc
    if isinstance(exc, UnidentifiedImageError):
        return ImageRefused(NOT_AN_IMAGE)
    if isinstance(exc, Image.DecompressionBombError | MemoryError):
        return _too_large()
    # Pillow raises many kinds of errors on malformed input (OSError, ValueError,
    # SyntaxError, struct.error, ...): each one means the file cannot be used.
    logger.info("Refused an image that does not decode: %r", exc)
    return ImageRefused(CORRUPT)


def _file_too_big() -> ImageRefused:
    return ImageRefused(FILE_TOO_BIG, limit=settings.PHOTO_MAX_UPLOAD_BYTES // (1024 * 1024))


def _too_large() -> ImageRefused:
    return ImageRefused(TOO_MANY_PIXELS, limit=f"{settings.PHOTO_MAX_PIXELS / 1_000_000:g}")


def _too_many_frames() -> ImageRefused:
    return ImageRefused(TOO_MANY_FRAMES, limit=settings.PHOTO_MAX_FRAMES)


def _check_pixels(im: Image.Image) -> int:
    width, height = im.size
    pixels = width * height
    if width < 1 or height < 1:
        raise ImageRefused(NO_PIXELS)
    for tile in im.tile or ():
        x0, y0, x1, y1 = tile[1]
        pixels = max(pixels, (x1 - x0) * (y1 - y0))
    if pixels > settings.PHOTO_MAX_PIXELS:
        raise _too_large()
    return pixels


def _clean(im: Image.Image, data: bytes) -> CleanImage:
    # Phones write multi-picture JPEGs (MPO: a photo plus depth map or preview); the
    # library keeps the first picture, as of any other multi-frame file.
    image_format = "JPEG" if im.format == "MPO" else im.format
    decoded = _check_pixels(im)
    icc_profile = im.info.get("icc_profile")
    width, height = im.size
    if image_format == "JPEG":
        orientation = _orientation(_exif_orientation(im))
        content = _stripped_jpeg(data, im.size, orientation)
        if content is not None:
            # The stored file is the upload without its metadata, not re-encoded; a
            # rotated one keeps a single EXIF tag, its Orientation, which browsers and
            # image viewers apply. The decode runs over every byte of the entropy-coded
            # data at a reduced scale (JPEG draft mode), so truncation and corruption
            # show as they would at full scale, at a fraction of the cost and memory;
            # the reduced image is rotated, never the full one.
            swapped = orientation in SWAPS_AXES
            upright = (height, width) if swapped else (width, height)
            need = _working_size(upright)
            im.draft(None, need[::-1] if swapped else need)
            im.load()
            metadata, prefill, _same_orientation = _read_metadata(im)
            metadata = {"format": image_format, "frames": 1, **metadata}
            working = im.copy()
            if orientation in _TRANSPOSE:
                working = working.transpose(_TRANSPOSE[orientation])
            return CleanImage(
                content, image_format, "jpg", *upright, metadata, prefill,
                working, icc_profile,
            )  # fmt: skip
    im.load()  # Decodes every byte of the first frame: truncation and corruption show here.
    metadata, prefill, orientation = _read_metadata(im)
    if getattr(im, "is_animated", False):
        first = im.copy()
        frames = _walk_frames(im, decoded)
    else:
        first, frames = im, 1
    metadata = {"format": image_format, "frames": frames, **metadata}
    if orientation in _TRANSPOSE:
        upright = first.transpose(_TRANSPOSE[orientation])
        if first is not im:
            first.close()
        im.close()  # frees the unrotated pixels before the upright ones are encoded
        first = upright
    content = _encode_still(first, image_format, icc_profile)
    width, height = first.size
    working = _reduced(first, _working_size(first.size)[0])
    if working is im:
        working = im.copy()
    return CleanImage(
        content, image_format, ACCEPTED_FORMATS[image_format], width, height, metadata, prefill,
        working, icc_profile,
    )  # fmt: skip


def _working_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size the renditions need at least: the widest rendition, or the image's own."""
    width, height = size
    target = min(width, max(settings.PHOTO_RENDITION_WIDTHS))
    return target, max(1, height * target // width)


def _reduced(im: Image.Image, width: int) -> Image.Image:
    """``im`` shrunk by a whole factor (a fast box filter), still at least ``width`` wide."""
    factor = im.width // width
    if factor < 2:
        return im
    try:
        return im.reduce(factor)
    except ValueError:  # modes reduce() does not support (palette, 1-bit, 16-bit)
        return im


def exif_orientation(im: Image.Image) -> int:
    """The EXIF Orientation of ``im``: 1 when missing or junk."""
    return _orientation(_exif_orientation(im))


def upright(im: Image.Image, orientation: int) -> Image.Image:
    """``im`` turned as its EXIF ``orientation`` says."""
    return im.transpose(_TRANSPOSE[orientation]) if orientation in _TRANSPOSE else im


def _exif_orientation(im: Image.Image):
    try:
        return im.getexif().get(ORIENTATION_TAG)
    except Exception:
        logger.debug("Unreadable EXIF ignored", exc_info=True)
        return 1


def _walk_frames(im: Image.Image, decoded: int) -> int:
    """Decode every frame after the first; refuse above the frame and pixel limits."""
    frame = 0
    while True:
        try:
            im.seek(frame + 1)
        except EOFError:
            return frame + 1
        frame += 1
        if frame >= settings.PHOTO_MAX_FRAMES:
            raise _too_many_frames()
        decoded += _check_pixels(im)
        if decoded > settings.PHOTO_MAX_TOTAL_PIXELS:
            raise ImageRefused(ANIMATION_TOO_LARGE)
        im.load()


def _encode_still(im: Image.Image, image_format: str, icc_profile: bytes | None) -> bytes:
    # Only transparency survives from the source's info: no EXIF, XMP, comments or text.
    transparency = im.info.get("transparency")
    im.info = {} if transparency is None else {"transparency": transparency}
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format == "JPEG":
        if im.mode not in ("L", "RGB", "CMYK"):
            im = im.convert("RGB")
        options.update(quality=95)
    elif image_format == "WEBP":
        if im.mode not in ("RGB", "RGBA"):
            im = im.convert("RGBA" if im.has_transparency_data else "RGB")
        options.update(quality=95)
    elif image_format == "GIF":
        options = {}
    out = BytesIO()
    im.save(out, image_format, **options)
    return out.getvalue()


# --- JPEG: strip metadata without re-encoding -------------------------------------------

# APPn segments kept, by their signature: JFIF, the ICC colour profile (possibly in
# several segments) and Adobe's colour transform flag (needed to read CMYK correctly).
_KEEP_APP = {0xE0: (b"JFIF\0", b"JFXX\0"), 0xE2: (b"ICC_PROFILE\0",), 0xEE: (b"Adobe",)}


def _stripped_jpeg(data: bytes, size: tuple[int, int], orientation: int = 1) -> bytes | None:
    """The same JPEG without EXIF, XMP, IPTC, comments or trailing data; None if unsure.

    A rotated one (``orientation`` other than 1) keeps an EXIF block with nothing but
    its Orientation tag.
    """
    try:
        content = _strip_jpeg_segments(data)
        if orientation != 1:
            exif = Image.Exif()
            exif[ORIENTATION_TAG] = orientation
            block = exif.tobytes()
            # Right after the start of image and the JFIF segment, if there is one.
            at = 2
            if content[2:4] == b"\xff\xe0":
                at = 4 + int.from_bytes(content[4:6], "big")
            segment = b"\xff\xe1" + (len(block) + 2).to_bytes(2, "big") + block
            content = content[:at] + segment + content[at:]
        with Image.open(BytesIO(content), formats=["JPEG"]) as check:
            if check.size != size or _orientation(_exif_orientation(check)) != orientation:
                return None
    except Exception:
        logger.debug("Could not strip a JPEG losslessly; re-encoding it", exc_info=True)
        return None
    return content


def _strip_jpeg_segments(data: bytes) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    out = [b"\xff\xd8"]
    i, n = 2, len(data)
    while i < n:
        if data[i] != 0xFF:
            raise ValueError(f"expected a marker at {i}")
        while i < n and data[i] == 0xFF:
            i += 1
        marker = data[i]
        i += 1
        if marker == 0xD9:
            out.append(b"\xff\xd9")
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out.append(bytes((0xFF, marker)))
            continue
        length = int.from_bytes(data[i : i + 2], "big")
        if length < 2 or i + length > n:
            raise ValueError("segment overruns the file")
        payload = data[i + 2 : i + length]
        if 0xE0 <= marker <= 0xEF:
            keep = payload.startswith(_KEEP_APP.get(marker, ()))
        else:
            keep = marker != 0xFE  # comments go
        if keep:
            out.append(bytes((0xFF, marker)) + data[i : i + length])
        i += length
        if marker == 0xDA:  # entropy-coded data runs to the next marker that is not RSTn
            start = i
            while True:
                j = data.find(b"\xff", i)
                if j < 0 or j + 1 >= n:
                    raise ValueError("scan without end")
                following = data[j + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    i = j + 2
                    continue
                out.append(data[start:j])
                i = j
                break
    raise ValueError("no end of image")


# --- Metadata ---------------------------------------------------------------------------


def _read_metadata(im: Image.Image) -> tuple[dict, Prefill, int]:
    exif, orientation = _read_exif(im)
    iptc = _read_iptc(im)
    xmp = _read_xmp(im)
    found = (("exif", exif), ("iptc", iptc), ("xmp", xmp))
    metadata = {key: value for key, value in found if value}
    prefill = Prefill(
        caption=iptc.get("caption") or xmp.get("caption") or "",
        byline=iptc.get("byline") or xmp.get("byline") or "",
        credit=iptc.get("credit") or xmp.get("credit") or "",
        taken_on=(
            _parse_date(iptc.get("date_created"))
            or _parse_date(xmp.get("date_created"))
            or _parse_date(exif.get("DateTimeOriginal"))
        ),
    )
    return metadata, prefill, orientation


def _read_exif(im: Image.Image) -> tuple[dict, int]:
    try:
        exif = im.getexif()
    except Exception:
        logger.debug("Unreadable EXIF ignored", exc_info=True)
        return {}, 1
    orientation = _orientation(exif.get(ORIENTATION_TAG))
    values = {}
    try:
        tags = list(exif.items())
        try:
            tags += list(exif.get_ifd(_EXIF_IFD).items())
        except Exception:
            logger.debug("Unreadable EXIF sub-IFD ignored", exc_info=True)
        for tag, value in tags:
            name = ExifTags.TAGS.get(tag)
            if name is None or tag in _EXIF_SKIP or tag == ORIENTATION_TAG:
                continue
            plain = _plain(value, xp=name.startswith("XP"))
            if plain not in (None, "", []):
                values[name] = plain
    except Exception:
        logger.debug("Unreadable EXIF ignored", exc_info=True)
    return values, orientation


def _orientation(value) -> int:
    # Cameras and editors write junk here too ("top-left", b"\x06", 6.0, a tuple).
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return 1
    return number if number in _TRANSPOSE else 1


def _plain(value, *, xp: bool = False):
    """A JSON-safe, plain-text form of an EXIF value, or None for binary or odd data."""
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, tuple | list) and xp and all(isinstance(v, int) for v in value):
        value = bytes(v & 0xFF for v in value)
    if isinstance(value, bytes):
        if xp:
            return _text(value.decode("utf-16-le", errors="replace"))
        for prefix, encoding in ((b"ASCII\0\0\0", "ascii"), (b"UNICODE\0", "utf-16")):
            if value.startswith(prefix):
                return _text(value[len(prefix) :].decode(encoding, errors="replace"))
        if sum(32 <= b < 127 or b in (9, 10, 13) for b in value[:200]) < 0.9 * len(value[:200]):
            return None
        return _text(value.decode("utf-8", errors="replace"))
    if isinstance(value, bool | int):
        return int(value)
    if isinstance(value, tuple | list):
        items = [_plain(v) for v in value[:16]]
        return [v for v in items if v is not None] or None
    try:
        number = float(value)  # IFDRational and friends
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    return round(number, 6) if math.isfinite(number) else None


def _text(value: str) -> str:
    # PostgreSQL's jsonb refuses NUL characters.
    return value.replace("\x00", "").strip()[:_MAX_TEXT]


def _read_iptc(im: Image.Image) -> dict:
    try:
        info = IptcImagePlugin.getiptcinfo(im) or {}
    except Exception:
        logger.debug("Unreadable IPTC ignored", exc_info=True)
        return {}
    utf8 = info.get((1, 90)) in (b"\x1b%G", [b"\x1b%G"])
    values: dict = {}
    for key, name in _IPTC_FIELDS.items():
        raw = info.get(key)
        if raw is None:
            continue
        items = raw if isinstance(raw, list) else [raw]
        texts = [t for t in (_decode_iptc(item, utf8) for item in items) if t]
        if not texts:
            continue
        values[name] = texts if name == "keywords" else _text(" ".join(texts))
    return values


def _decode_iptc(raw, utf8: bool) -> str:
    if not isinstance(raw, bytes):
        return ""
    encodings = ("utf-8",) if utf8 else ("utf-8", "cp1251")
    for encoding in encodings:
        try:
            return _text(raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    return _text(raw.decode("latin-1"))


def _read_xmp(im: Image.Image) -> dict:
    raw = im.info.get("xmp") or im.info.get("XML:com.adobe.xmp")
    if not raw:
        return {}
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    # Entity declarations are how XML bombs and external lookups start; XMP needs none.
    if "<!DOCTYPE" in raw or "<!ENTITY" in raw:
        return {}
    start = raw.find("<x:xmpmeta")
    if start < 0:
        start = raw.find("<rdf:RDF")
    end_tag = "</x:xmpmeta>" if raw.startswith("<x:xmpmeta", start) else "</rdf:RDF>"
    end = raw.find(end_tag, start)
    if start < 0 or end < 0:
        return {}
    try:
        # Safe without defusedxml: documents declaring entities were skipped above, and
        # ElementTree never fetches external resources.
        root = ET.fromstring(raw[start : end + len(end_tag)])  # noqa: S314
    except ET.ParseError:
        logger.debug("Unreadable XMP ignored", exc_info=True)
        return {}
    values = {}
    for name, (namespace, local) in _XMP_FIELDS.items():
        texts = _xmp_values(root, f"{{{namespace}}}{local}")
        if texts:
            values[name] = _text(", ".join(texts))
    return values


def _xmp_values(root: ET.Element, qualified: str) -> list[str]:
    texts: list[str] = []
    for element in root.iter():
        attribute = element.attrib.get(qualified)
        if attribute:
            texts.append(attribute)
        if element.tag == qualified:
            items = [li.text for li in element.iter(f"{{{_NS_RDF}}}li") if li.text]
            if items:
                texts.extend(items[:1] if _is_alt(element) else items)
            elif element.text and element.text.strip():
                texts.append(element.text)
    return [t.strip() for t in texts if t.strip()]


def _is_alt(element: ET.Element) -> bool:
    return element.find(f"{{{_NS_RDF}}}Alt") is not None


_DATE = re.compile(r"^\s*(\d{4})[-:]?(\d{2})[-:]?(\d{2})")


def _parse_date(value) -> dt.date | None:
    if not isinstance(value, str):
        return None
    match = _DATE.match(value)
    if not match:
        return None
    try:
        date = dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return date if 1839 <= date.year <= dt.date.today().year + 1 else None
