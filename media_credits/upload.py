"""Saving uploaded files as photos: each file is saved or refused on its own."""

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from media_credits.images import CleanImage, ImageRefused, clean_image
from media_credits.models import Photo, Photographer
from newsroom.slugs import latin_slug

logger = logging.getLogger(__name__)


@dataclass
class SharedFields:
    """What the uploader typed once for the whole batch; it wins over the files' own values."""

    language: str
    caption: str = ""
    taken_on: dt.date | None = None
    photographer: Photographer | None = None
    credit: str = ""
    usage_terms: str = Photo.UsageTerms.STAFF
    usage_expires_on: dt.date | None = None


@dataclass
class Refusal:
    file_name: str
    reason: str


def save_uploads(files, *, shared: SharedFields, user) -> tuple[list[Photo], list[Refusal]]:
    """Save every acceptable file as a Photo; list the others with the reason."""
    photos, refusals = [], []
    for uploaded in files:
        file_name = PurePath(uploaded.name or "").name
        try:
            photos.append(save_upload(uploaded, shared=shared, user=user))
        except ImageRefused as exc:
            refusals.append(Refusal(file_name, str(exc.message)))
        finally:
            uploaded.close()
    return photos, refusals


def save_upload(uploaded, *, shared: SharedFields, user) -> Photo:
    """Check one file and save it as a Photo; raises ImageRefused and leaves nothing behind."""
    limit = settings.PHOTO_MAX_UPLOAD_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        # Checked before reading: the bytes never reach memory.
        raise ImageRefused(_("The file is larger than %(limit)d MB.") % {"limit": limit // 1048576})
    image = clean_image(uploaded.read())
    photo = build_photo(image, shared=shared, user=user)
    if photo.photographer is None and not getattr(photo, f"credit_{shared.language}"):
        raise ImageRefused(
            _("No photographer or credit: choose a photographer or enter a credit for it.")
        )
    stem = latin_slug(PurePath(uploaded.name or "").stem, max_length=60) or "photo"
    # Originals are served without Django: a random part keeps unpublished photos unguessable.
    name = f"{stem}-{secrets.token_urlsafe(12)}.{image.extension}"
    photo.image.save(name, ContentFile(image.content), save=False)
    try:
        with transaction.atomic():
            photo.save()
    except BaseException:
        # No row without a file, no file without a row.
        photo.image.storage.delete(photo.image.name)
        raise
    return photo


def build_photo(image: CleanImage, *, shared: SharedFields, user) -> Photo:
    """An unsaved Photo: the shared fields first, the file's IPTC/XMP where they are empty."""
    lang = shared.language
    prefill = image.prefill
    photo = Photo(
        taken_on=shared.taken_on or prefill.taken_on,
        usage_terms=shared.usage_terms,
        usage_expires_on=shared.usage_expires_on,
        uploaded_by=user,
        updated_by=user,
        width=image.width,
        height=image.height,
        image_format=image.image_format,
        metadata=image.metadata,
    )
    setattr(photo, f"caption_{lang}", shared.caption or prefill.caption)
    if shared.photographer is not None or shared.credit:
        # Photographer and credit are one choice: a file's stale agency credit must not
        # attach itself to the photographer the uploader chose.
        photo.photographer = shared.photographer
        setattr(photo, f"credit_{lang}", shared.credit)
    else:
        # A by-line names a photographer only the uploader may credit: a photographer's
        # file cannot credit a colleague by carrying their name.
        photo.photographer = match_photographer(
            prefill.byline, among=Photographer.objects.creditable_by(user)
        )
        byline = "" if photo.photographer else prefill.byline
        credit = " / ".join(part for part in (byline, prefill.credit) if part)
        setattr(photo, f"credit_{lang}", credit[:300])
    return photo


def match_photographer(byline: str, *, among=None) -> Photographer | None:
    """The photographer whose name (in any language) is the by-line, if exactly one is.

    ``among``: the photographers to look in (default: all).
    """
    byline = " ".join(byline.split())
    if not byline:
        return None
    query = Q()
    for field in ("name", "credit_name"):
        for code, _name in settings.LANGUAGES:
            query |= Q(**{f"{field}_{code}__iexact": byline})
    among = Photographer.objects.all() if among is None else among
    matches = list(among.filter(query)[:2])
    return matches[0] if len(matches) == 1 else None
