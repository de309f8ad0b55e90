"""Real photos for tests of photos in articles: Pillow-made JPEGs through the upload code."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from media_credits.models import Photographer
from media_credits.upload import SharedFields, save_upload


def photographer(name_ru, credit_ru="", **names):
    return Photographer.objects.create(
        name_ru=name_ru, credit_name_ru=credit_ru, gender=Photographer.Gender.MALE, **names
    )


#: Alt text in every language unless a test says otherwise: publishing requires it.
DEFAULT_ALT_TEXT = {"alt_text_ru": "Описание", "alt_text_kk": "Сипаттама", "alt_text_en": "Alt"}


def photo(*, by=None, credit="", caption="Подпись", size=(1200, 800), **extra):
    extra = {**DEFAULT_ALT_TEXT, **extra}
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(buffer, "JPEG")
    made = save_upload(
        SimpleUploadedFile("p.jpg", buffer.getvalue(), "image/jpeg"),
        shared=SharedFields(language="ru", caption=caption, photographer=by, credit=credit),
        user=None,
    )
    for key, value in extra.items():
        setattr(made, key, value)
    if extra:
        made.save()
    return made
