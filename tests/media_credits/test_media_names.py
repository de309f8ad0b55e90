"""Media is served by the proxy, not Django: stored names must not be guessable."""

import re
from pathlib import PurePath

import pytest

from media_credits import renditions
from tests.photos import photo

pytestmark = pytest.mark.django_db


def test_originals_get_a_random_name_part():
    first, second = photo(credit="ТАСС"), photo(credit="ТАСС")
    names = [PurePath(p.image.name).name for p in (first, second)]
    assert names[0] != names[1]
    assert all(re.fullmatch(r"p-[\w-]{16}\.jpg", name) for name in names), names


def test_rendition_names_cannot_be_derived_from_the_photo_id():
    made = photo(credit="ТАСС")
    rendition = renditions.get_rendition(made, width=480, image_format="webp")
    name = PurePath(rendition.file.name).name
    assert name != f"{made.pk}-480.webp"
    assert re.fullmatch(rf"{made.pk}-480-[0-9a-f]{{20}}\.webp", name)
