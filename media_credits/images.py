"""Checking and cleaning image files from photographers: every byte of them is untrusted.

Two stages. ``check_header`` runs in the upload request: it reads the header only (type,
pixel dimensions, frame count) and decodes nothing, so a batch of large files answers at
once. ``clean_image`` runs in the worker: it decodes the whole image (a truncated JPEG
passes ``Image.open`` and ``verify``), walks every frame under the pixel limits, applies
the EXIF orientation and returns a still copy without EXIF, IPTC, XMP or any location
data, the metadata worth keeping as plain text, and a reduced upright copy to make the
renditions from.

The stored original keeps pixels, a valid colour profile and what its decoder needs, and
nothing else: no EXIF (in any IFD or thumbnail), JFXX thumbnail, comment, XMP, IPTC, PNG
text or time chunk, WebP metadata chunk or GIF extension. Files are rewritten, never
patched: a JPEG that needs no turning is rebuilt segment by segment from an allow-list
(``_jpeg_parts``), a PNG chunk by chunk (``_filtered_png``), everything else is encoded
again from its decoded pixels.
"""

import datetime as dt
import logging
import math
import re
import struct
import xml.etree.ElementTree as ET  # noqa: N817
import zlib
from dataclasses import dataclass, field
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext, gettext_noop
from PIL import ExifTags, Image, ImageCms, IptcImagePlugin, JpegImagePlugin, UnidentifiedImageError

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
TRUNCATED = gettext_noop("The image is corrupt or truncated: the file ends before the image does.")
BAD_CHECKSUM = gettext_noop(
    "The image is corrupt or truncated: the checksum of its %(chunk)s chunk does not match."
)
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
        if file.read(len(_PNG_SIGNATURE)) == _PNG_SIGNATURE:
            # One pass over the bytes: Pillow verifies no IDAT checksum and stops reading
            # once it has the pixels, so a damaged or cut PNG would otherwise pass.
            for _chunk in _png_chunks(file):
                pass
        file.seek(0)
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
    if image_format == "JPEG":
        return _clean_jpeg(im, data)
    png_chunks = list(_png_chunks(BytesIO(data))) if image_format == "PNG" else []
    im.load()  # Decodes every byte of the first frame: truncation and corruption show here.
    if png_chunks:
        _check_png_stream(data, png_chunks)
    icc_profile = valid_icc_profile(im.info.get("icc_profile"))
    metadata, prefill, orientation = _read_metadata(im)
    is_animated = getattr(im, "is_animated", False)
    if is_animated:
        first = im.copy()
        frames = _walk_frames(im, decoded)
    else:
        first, frames = im, 1
    metadata = {"format": image_format, "frames": frames, **metadata}
    content = None
    if png_chunks and orientation not in _TRANSPOSE:
        content = _filtered_png(data, png_chunks, icc_profile, size=im.size)
    if orientation in _TRANSPOSE:
        upright = first.transpose(_TRANSPOSE[orientation])
        if first is not im:
            first.close()
        im.close()  # frees the unrotated pixels before the upright ones are encoded
        first = upright
    if content is None:
        content = _encode_still(first, image_format, icc_profile)
    width, height = first.size
    working = _reduced(first, _working_size(first.size)[0])
    if working is im:
        working = im.copy()
    return CleanImage(
        content, image_format, ACCEPTED_FORMATS[image_format], width, height, metadata, prefill,
        working, icc_profile,
    )  # fmt: skip


def _clean_jpeg(im: Image.Image, data: bytes) -> CleanImage:
    """A JPEG's clean original: rebuilt without re-encoding when upright, else re-encoded.

    Upright (most photos): the stored file is the upload's own tables, frame header and
    entropy-coded scans copied byte for byte under a fresh JFIF header and its valid ICC
    profile, so the photographer's exact pixels survive at the cost of one pass over the
    bytes. It is then decoded at a reduced scale (JPEG draft mode, every byte of the scans
    still read, so truncation and corruption show) for the renditions: what is checked is
    what is stored. Turned by its EXIF Orientation: a lossless turn needs a DCT-domain
    transform Pillow does not have, and keeping the Orientation tag would keep EXIF, so
    the upright pixels are encoded again with the upload's own quantisation tables
    (turned with the pixels) and chroma subsampling: no visible loss, no quality guess.
    """
    width, height = im.size
    parts = _jpeg_parts(data)  # a file cut short is refused here
    icc_profile = valid_icc_profile(parts.icc_profile) if parts else None
    orientation = _orientation(_exif_orientation(im))
    metadata, prefill, _orientation_again = _read_metadata(im)
    metadata = {"format": "JPEG", "frames": 1, **metadata}
    if parts is not None and orientation not in _TRANSPOSE:
        content = parts.rebuild(icc_profile)
        try:
            clean = Image.open(BytesIO(content), formats=["JPEG"])
            if clean.size != im.size:
                raise ValueError("the rebuilt JPEG has another size")
            clean.draft(None, _working_size(clean.size))
            clean.load()
        except (OSError, ValueError, SyntaxError):
            # A JPEG whose structure the walker keeps wrong: encoded again instead, from
            # the upload itself (which refuses it if it does not decode either).
            logger.info("A JPEG could not be rebuilt losslessly; encoding it again", exc_info=True)
        else:
            return CleanImage(
                content, "JPEG", "jpg", width, height, metadata, prefill, clean, icc_profile
            )
    im.load()
    upright = _encode_upright_jpeg(im, orientation, icc_profile)
    content, working = upright
    return CleanImage(
        content, "JPEG", "jpg", working.width, working.height, metadata, prefill,
        _reduced(working, _working_size(working.size)[0]), icc_profile,
    )  # fmt: skip


def _encode_upright_jpeg(
    im: Image.Image, orientation: int, icc_profile: bytes | None
) -> tuple[bytes, Image.Image]:
    """The decoded JPEG turned upright and encoded as its source was; (content, pixels)."""
    swapped = orientation in SWAPS_AXES
    sampling = JpegImagePlugin.get_sampling(im)
    if sampling == 1 and swapped:
        sampling = 0  # 4:2:2 turned a quarter is 4:4:0, which Pillow cannot write: keep all
    options: dict = {
        "subsampling": max(sampling, 0),
        "progressive": bool(im.info.get("progressive") or im.info.get("progression")),
    }
    tables = getattr(im, "quantization", None)
    if tables:
        # Natural (row-major) order: a quarter turn swaps horizontal and vertical
        # frequencies, so each table is transposed with the pixels.
        tables = [list(table) for _id, table in sorted(tables.items())]
        if swapped:
            tables = [[t[8 * (i % 8) + i // 8] for i in range(64)] for t in tables]
        options["qtables"] = tables
    else:
        options["quality"] = 95
    dpi = im.info.get("dpi")
    if dpi:
        options["dpi"] = tuple(reversed(dpi)) if swapped else tuple(dpi)
    if icc_profile:
        options["icc_profile"] = icc_profile
    turned = im.transpose(_TRANSPOSE[orientation]) if orientation in _TRANSPOSE else im.copy()
    im.close()  # frees the unturned pixels before the turned ones are encoded
    # A copy's info is its source's (comment, EXIF, XMP, which Pillow writes back): none.
    turned.info = {}
    if turned.mode not in ("L", "RGB", "CMYK"):
        turned = turned.convert("RGB")
    out = BytesIO()
    turned.save(out, "JPEG", **options)
    return out.getvalue(), turned


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


# --- Colour profiles --------------------------------------------------------------------

#: ICC profiles above this size are dropped (the largest real ones are a few MB).
_MAX_ICC = 16 * 1024 * 1024


def valid_icc_profile(profile: bytes | None) -> bytes | None:
    """``profile`` if it is a well-formed ICC profile that the colour engine reads, else None."""
    if not profile or not 128 < len(profile) <= _MAX_ICC:
        return None
    if int.from_bytes(profile[:4], "big") != len(profile) or profile[36:40] != b"acsp":
        return None
    try:
        ImageCms.ImageCmsProfile(BytesIO(profile))
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None
    return profile


# --- JPEG: rebuilt from an allow-list of segments ---------------------------------------

_ICC_SIGNATURE = b"ICC_PROFILE\0"
_ICC_CHUNK = 65535 - 2 - len(_ICC_SIGNATURE) - 2
#: Segments a decoder needs: frames (SOF0-15 without DHT, JPG and DAC), Huffman and
#: arithmetic tables, quantisation tables, restart interval, line count, scans.
_JPEG_KEEP = {0xC4, 0xCC, 0xDA, 0xDB, 0xDC, 0xDD} | (set(range(0xC0, 0xD0)) - {0xC8})


class _JpegParts:
    """The parts of a JPEG worth keeping, as found by ``_jpeg_parts``."""

    def __init__(self):
        self.jfif: bytes | None = None  # JFIF version, density units and densities
        self.adobe: bytes | None = None  # Adobe's colour transform flag
        self.icc_chunks: dict[int, bytes] = {}
        self.icc_count: int | None = None
        self.icc_broken = False
        self.body: list[bytes] = []

    @property
    def icc_profile(self) -> bytes | None:
        count, chunks = self.icc_count, self.icc_chunks
        if self.icc_broken or not count or sorted(chunks) != list(range(1, count + 1)):
            return None
        return b"".join(chunks[number] for number in range(1, count + 1))

    def rebuild(self, icc_profile: bytes | None) -> bytes:
        """SOI, a plain JFIF header, the ICC profile, Adobe's flag, the kept segments, EOI."""
        out = [b"\xff\xd8"]
        if self.jfif:
            out.append(_segment(0xE0, self.jfif + b"\0\0"))  # no thumbnail
        if icc_profile:
            pieces = [
                icc_profile[at : at + _ICC_CHUNK] for at in range(0, len(icc_profile), _ICC_CHUNK)
            ]
            if len(pieces) <= 255:
                for number, piece in enumerate(pieces, 1):
                    header = _ICC_SIGNATURE + bytes((number, len(pieces)))
                    out.append(_segment(0xE2, header + piece))
        if self.adobe:
            out.append(_segment(0xEE, self.adobe))
        out.extend(self.body)
        out.append(b"\xff\xd9")
        return b"".join(out)


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload


def _jpeg_parts(data: bytes) -> _JpegParts | None:
    """Walk a JPEG's markers up to its first EOI and keep what a decoder needs.

    Everything else goes: EXIF (with its GPS and thumbnail IFDs), XMP, IPTC, JFXX and JFIF
    thumbnails and any bytes after the JFIF header, MPF and FlashPix in APP2, every other
    APPn, comments, and whatever follows EOI (a phone's second picture, appended data).
    Adobe's APP14 stays, cut to its 12 defined bytes: its transform flag tells a decoder
    whether the samples are YCbCr, RGB, CMYK or YCCK, so without it colours come out wrong.
    Raises ImageRefused when the file ends before EOI; None when its structure is odd
    (the caller then encodes the decoded pixels instead).
    """
    if data[:2] != b"\xff\xd8":
        return None
    parts = _JpegParts()
    i, n = 2, len(data)
    while True:
        if i >= n:
            raise ImageRefused(CORRUPT)
        if data[i] != 0xFF:
            logger.info("A JPEG has bytes between its segments")
            return None
        while i < n and data[i] == 0xFF:  # fill bytes
            i += 1
        if i >= n:
            raise ImageRefused(CORRUPT)
        marker = data[i]
        i += 1
        if marker == 0xD9:
            return parts
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue  # restart markers outside a scan, TEM: carry nothing
        if marker in (0x00, 0xD8):
            return None
        if i + 2 > n:
            raise ImageRefused(CORRUPT)
        length = int.from_bytes(data[i : i + 2], "big")
        if length < 2:
            return None
        if i + length > n:
            raise ImageRefused(CORRUPT)
        payload = data[i + 2 : i + length]
        if marker in _JPEG_KEEP:
            parts.body.append(bytes((0xFF, marker)) + data[i : i + length])
        elif marker == 0xE0 and payload.startswith(b"JFIF\0") and len(payload) >= 14:
            parts.jfif = parts.jfif or payload[:12]
        elif marker == 0xE2 and payload.startswith(_ICC_SIGNATURE) and len(payload) > 14:
            number, count = payload[12], payload[13]
            if number in parts.icc_chunks or parts.icc_count not in (None, count):
                parts.icc_broken = True
            parts.icc_count = count
            parts.icc_chunks[number] = payload[14:]
        elif marker == 0xEE and payload.startswith(b"Adobe") and len(payload) >= 12:
            parts.adobe = parts.adobe or payload[:12]
        i += length
        if marker == 0xDA:
            # Entropy-coded data runs to the next marker that is neither a stuffed zero
            # nor a restart marker.
            start = i
            while True:
                j = data.find(b"\xff", i)
                if j < 0 or j + 1 >= n:
                    raise ImageRefused(CORRUPT)
                following = data[j + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    i = j + 2
                    continue
                parts.body.append(data[start:j])
                i = j
                break


# --- PNG: checksums and an allow-list of chunks -----------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Chunks the pixels need, copied as they are.
_PNG_PIXELS = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
#: Colour and density chunks kept when their content is well-formed.
_PNG_COLOUR = {
    b"sRGB": lambda d: len(d) == 1 and d[0] <= 3,
    b"gAMA": lambda d: len(d) == 4 and int.from_bytes(d, "big") > 0,
    b"cHRM": lambda d: len(d) == 32,
    b"pHYs": lambda d: len(d) == 9 and d[8] <= 1,
}


def _png_chunks(file):
    """Yield (type, offset of its data, length) of every chunk of a PNG, through IEND.

    ``file`` is positioned after the signature. Refuses a chunk whose CRC does not match
    (Pillow checks none of the IDAT chunks') and a file that ends before IEND, reading
    each chunk in pieces (never a whole large chunk into memory).
    """
    offset = len(_PNG_SIGNATURE)
    file.seek(offset)
    while True:
        head = file.read(8)
        if len(head) < 8:
            raise ImageRefused(TRUNCATED)
        length, kind = struct.unpack(">I4s", head)
        if offset == len(_PNG_SIGNATURE) and (kind, length) != (b"IHDR", 13):
            raise ImageRefused(NOT_AN_IMAGE)  # a PNG signature over something else
        if length > 0x7FFFFFFF:
            raise ImageRefused(CORRUPT)
        crc = zlib.crc32(kind)
        remaining = length
        while remaining:
            piece = file.read(min(remaining, 1 << 20))
            if not piece:
                raise ImageRefused(TRUNCATED)
            crc = zlib.crc32(piece, crc)
            remaining -= len(piece)
        stored = file.read(4)
        if len(stored) < 4:
            raise ImageRefused(TRUNCATED)
        if int.from_bytes(stored, "big") != crc:
            name = kind.decode("ascii") if kind.isalpha() and kind.isascii() else "?"
            raise ImageRefused(BAD_CHECKSUM, chunk=name)
        yield kind, offset + 8, length
        offset += 12 + length
        if kind == b"IEND":
            return


def _check_png_stream(data: bytes, chunks) -> None:
    """Refuse a PNG whose compressed image data stops short or fails its own checksum.

    Pillow stops inflating once it has every pixel, so a stream cut after the last row or
    with a wrong Adler-32 passes its decode. Output is thrown away a megabyte at a time.
    """
    inflater = zlib.decompressobj()
    try:
        for kind, start, length in chunks:
            if kind != b"IDAT":
                continue
            pending = memoryview(data)[start : start + length]
            while pending and not inflater.eof:
                inflater.decompress(pending, 1 << 20)
                pending = inflater.unconsumed_tail
        while not inflater.eof and inflater.decompress(b"", 1 << 20):
            pass
    except zlib.error:
        raise ImageRefused(CORRUPT) from None
    if not inflater.eof:
        raise ImageRefused(TRUNCATED)


def _filtered_png(data: bytes, chunks, icc_profile: bytes | None, *, size) -> bytes | None:
    """The PNG with its pixel chunks copied and only valid colour chunks kept; None if unsure.

    Cheaper than encoding again (no deflate) and lossless, 16-bit samples included.
    Dropped: text (tEXt, zTXt, iTXt), eXIf, tIME, background, histogram, animation
    chunks and any private chunk. The ICC profile is written again from its decoded,
    validated bytes under a neutral name. An animated PNG is encoded again as a still.
    """
    kinds = {kind for kind, _start, _length in chunks}
    if kinds & {b"acTL", b"fcTL", b"fdAT"}:
        return None
    out = [_PNG_SIGNATURE]
    seen = set()
    for kind, start, length in chunks:
        body = data[start : start + length]
        if kind in _PNG_PIXELS:
            out.append(data[start - 8 : start + length + 4])
        elif kind in seen:
            continue
        elif kind in _PNG_COLOUR and _PNG_COLOUR[kind](body):
            out.append(data[start - 8 : start + length + 4])
        elif kind == b"iCCP" and icc_profile:
            out.append(_png_chunk(b"iCCP", b"ICC profile\0\0" + zlib.compress(icc_profile)))
        seen.add(kind)
    content = b"".join(out)
    try:
        with Image.open(BytesIO(content), formats=["PNG"]) as check:
            if check.size != size:
                return None
    except (OSError, ValueError, SyntaxError):
        logger.info("A PNG could not be filtered; encoding it again", exc_info=True)
        return None
    return content


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(body, zlib.crc32(kind))
    return len(body).to_bytes(4, "big") + kind + body + crc.to_bytes(4, "big")


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
