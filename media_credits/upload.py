"""Saving uploaded files as photos: each file is accepted or refused on its own.

The upload request checks each file's header and stores it as a pending photo
(``accept_uploads``); the worker decodes, cleans and prefills it and makes its
renditions (``process_upload``, run by media_credits.tasks), leaving it ready or refused
with the reason.
"""

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext_noop

from media_credits import renditions
from media_credits.images import CleanImage, ImageRefused, check_header, clean_image
from media_credits.models import Photo, Photographer
from newsroom.slugs import latin_slug

logger = logging.getLogger(__name__)

NO_CREDIT = gettext_noop(
    "No photographer or credit: choose a photographer or enter a credit for it."
)
FILE_LOST = gettext_noop("The file was lost before it could be checked; upload it again.")
NOT_PROCESSED = gettext_noop(
    "The image could not be processed: processing stopped on this file several times. "
    "Save it again in a photo editor and upload it again."
)


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


def accept_uploads(files, *, shared: SharedFields, user) -> tuple[list[Photo], list[Refusal]]:
    """Store every file that passes the cheap checks as a pending Photo; list the others.

    Decodes nothing: the worker (media_credits.tasks) does the rest, so a batch of large
    files answers at once. The caller enqueues the pending photos.
    """
    photos, refusals = [], []
    try:
        for uploaded in files:
            file_name = PurePath(uploaded.name or "").name
            try:
                photos.append(accept_upload(uploaded, shared=shared, user=user))
            except ImageRefused as exc:
                refusals.append(Refusal(file_name, exc.message))
            finally:
                uploaded.close()
    except BaseException:
        # The caller's transaction rolls the rows back: no file may outlive them.
        for photo in photos:
            photo.image.storage.delete(photo.image.name)
        raise
    return photos, refusals


def accept_upload(uploaded, *, shared: SharedFields, user) -> Photo:
    """Check one file's header and store it as a pending Photo; raises ImageRefused."""
    # The size is checked before reading: an oversized file's bytes never reach memory.
    header = check_header(uploaded, size=uploaded.size)
    file_name = PurePath(uploaded.name or "").name
    lang = shared.language
    photo = Photo(
        state=Photo.State.PENDING,
        original_name=file_name[:255],
        upload_language=lang,
        taken_on=shared.taken_on,
        usage_terms=shared.usage_terms,
        usage_expires_on=shared.usage_expires_on,
        uploaded_by=user,
        updated_by=user,
        # As the header says; the worker writes the upright size.
        width=header.width,
        height=header.height,
        image_format=header.image_format,
        metadata={"format": header.image_format, "frames": header.frames},
    )
    setattr(photo, f"caption_{lang}", shared.caption)
    # Photographer and credit are one choice: a file's stale agency credit must not
    # attach itself to the photographer the uploader chose (see apply_prefill).
    photo.photographer = shared.photographer
    setattr(photo, f"credit_{lang}", shared.credit)
    # Originals are served without Django: a random part keeps unpublished photos
    # unguessable. A large upload is a temporary file, which the storage moves.
    photo.image.save(_file_name(file_name, header.extension), uploaded, save=False)
    try:
        with transaction.atomic():
            photo.save()
    except BaseException:
        # No row without a file, no file without a row.
        photo.image.storage.delete(photo.image.name)
        raise
    return photo


def process_upload(photo_id: int, *, task_id: str | None = None) -> Photo | None:
    """The worker's part of an upload: decode, check, clean, prefill, make the renditions.

    Idempotent: a photo that is no longer pending is left alone, so a task run twice (a
    worker restarted mid-task) does no harm. Returns the photo, ready or refused, or None
    if there was nothing to do. ``task_id``: the worker's task; a task that is not the one
    last enqueued for the photo stops there (each worker's recovery may have enqueued it).
    """
    pending = Photo.objects.filter(pk=photo_id, state=Photo.State.PENDING)
    if task_id is not None:
        pending = pending.filter(Q(task_id=task_id) | Q(task_id=""))
    # Counted before the work: a worker killed mid-file has still made an attempt.
    if not pending.update(processing_attempts=F("processing_attempts") + 1):
        return None
    photo = Photo.objects.filter(pk=photo_id, state=Photo.State.PENDING).first()
    if photo is None:
        return None
    if photo.processing_attempts > settings.PHOTO_MAX_PROCESSING_ATTEMPTS:
        return _refuse(photo, ImageRefused(NOT_PROCESSED))
    raw_name = photo.image.name
    storage = photo.image.storage
    try:
        try:
            with storage.open(raw_name, "rb") as f:
                data = f.read()
        except OSError:
            raise ImageRefused(FILE_LOST) from None
        image = clean_image(data)
        del data
        apply_prefill(photo, image)
        if not _has_credit(photo):
            raise ImageRefused(NO_CREDIT)
    except ImageRefused as exc:
        return _refuse(photo, exc)

    # Files first, the row last: a crash in between leaves a file no row names, never a
    # ready row without its files (an error removes the file; a killed worker cannot).
    name = storage.save(
        photo.image.field.generate_filename(
            photo, _file_name(photo.original_name, image.extension)
        ),
        ContentFile(image.content),
    )
    photo.width, photo.height = image.width, image.height
    try:
        made = renditions.make_renditions(
            image.working,
            icc_profile=image.icc_profile,
            size=(image.width, image.height),
            widths=renditions.rendition_widths(photo),
        )
        image.working = None
        for width, image_format, content, size in made:
            renditions.store_rendition(
                photo, width=width, image_format=image_format, content=content, size=size
            )
    except BaseException:
        storage.delete(name)
        raise

    with transaction.atomic():
        current = (
            Photo.objects.select_for_update()
            .filter(pk=photo.pk, state=Photo.State.PENDING, image=raw_name)
            .first()
        )
        if current is None:  # finished by another run meanwhile
            storage.delete(name)
            return None
        # Someone may have edited the pending photo: the file fills only what is empty.
        changed = apply_prefill(current, image)
        if not _has_credit(current):
            storage.delete(name)
            return _refuse(current, ImageRefused(NO_CREDIT))
        Photo.objects.filter(pk=current.pk).update(
            image=name,
            state=Photo.State.READY,
            width=image.width,
            height=image.height,
            image_format=image.image_format,
            metadata=image.metadata,
            taken_on=current.taken_on,
            photographer=current.photographer,
            # An open change form must not silently undo what the file filled in.
            version=F("version") + (1 if changed else 0),
            **{
                f"{field}_{code}": getattr(current, f"{field}_{code}")
                for field in ("caption", "credit")
                for code, _name in settings.LANGUAGES
            },
        )
    storage.delete(raw_name)
    current.refresh_from_db()
    return current


def save_upload(uploaded, *, shared: SharedFields, user) -> Photo:
    """Check, store and process one file at once: a ready Photo, or ImageRefused.

    For commands and the demo, which need the photo ready before they go on; the
    upload form enqueues instead. A refused file leaves nothing behind.
    """
    photo = accept_upload(uploaded, shared=shared, user=user)
    process_upload(photo.pk)
    photo.refresh_from_db()
    if photo.state != Photo.State.READY:
        refusal = ImageRefused(photo.refusal_reason or FILE_LOST, **photo.refusal_params)
        photo.delete()
        raise refusal
    return photo


def apply_prefill(photo: Photo, image: CleanImage) -> bool:
    """Fill the photo's empty fields from the file's IPTC/XMP; True if any changed.

    What the uploader typed for the batch wins over the files' own values.
    """
    lang = photo.upload_language or settings.LANGUAGE_CODE
    prefill = image.prefill
    changed = False
    if photo.taken_on is None and prefill.taken_on:
        photo.taken_on, changed = prefill.taken_on, True
    if not getattr(photo, f"caption_{lang}") and prefill.caption:
        setattr(photo, f"caption_{lang}", prefill.caption)
        changed = True
    if not _has_credit(photo):
        # A by-line names a photographer only the uploader may credit: a photographer's
        # file cannot credit a colleague by carrying their name.
        photo.photographer = match_photographer(
            prefill.byline, among=Photographer.objects.creditable_by(photo.uploaded_by)
        )
        byline = "" if photo.photographer else prefill.byline
        credit = " / ".join(part for part in (byline, prefill.credit) if part)
        setattr(photo, f"credit_{lang}", credit[:300])
        changed = changed or bool(photo.photographer or credit)
    return changed


def _has_credit(photo: Photo) -> bool:
    credits = (getattr(photo, f"credit_{code}") for code, _name in settings.LANGUAGES)
    return photo.photographer_id is not None or any(credits)


def _refuse(photo: Photo, refusal: ImageRefused) -> Photo:
    """Mark a pending photo refused with the reason and delete its file."""
    raw_name = photo.image.name
    refused = Photo.objects.filter(pk=photo.pk, state=Photo.State.PENDING).update(
        state=Photo.State.REFUSED,
        refusal_reason=refusal.reason,
        refusal_params=refusal.params,
        image="",
    )
    if refused:
        # Those an earlier, failed attempt may have stored.
        renditions.remove_renditions([photo.pk])
        if raw_name:
            photo.image.storage.delete(raw_name)
    logger.info("Photo %s refused: %s", photo.pk, refusal)
    photo.refresh_from_db()
    return photo


def _file_name(original: str, extension: str) -> str:
    stem = latin_slug(PurePath(original or "").stem, max_length=60) or "photo"
    return f"{stem}-{secrets.token_urlsafe(12)}.{extension}"


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
