"""manage.py expire_photos: photos past their usage terms stop being served, files and all."""

import datetime as dt
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command

from media_credits import renditions
from media_credits.models import Rendition

ALMATY = ZoneInfo("Asia/Almaty")
EXPIRES_ON = dt.date(2026, 3, 10)


def on_disk(url: str) -> Path:
    """The file a media URL points at (media is served from MEDIA_ROOT without Django)."""
    assert url.startswith(settings.MEDIA_URL)
    return Path(settings.MEDIA_ROOT) / url.removeprefix(settings.MEDIA_URL)


def expire_photos(*args) -> str:
    out = StringIO()
    call_command("expire_photos", *args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def served(client, public_photo, time_machine, django_capture_on_commit_callbacks):
    """Photos a published article shows, each served once through its signed URL.

    ``expiring`` may be used until EXPIRES_ON, ``lasting`` has no expiry; returns
    {name: (photo, signed URL, URL of the stored file)}.
    """
    time_machine.move_to(dt.datetime(2026, 3, 1, 12, 0, tzinfo=ALMATY), tick=False)
    made = {}
    for name, expires_on in (("expiring", EXPIRES_ON), ("lasting", None)):
        photo = public_photo(usage_expires_on=expires_on)
        with django_capture_on_commit_callbacks(execute=True):
            # Only what is served below: the worker made every rendition at upload.
            renditions.remove_renditions([photo.pk])
        url = renditions.rendition_url(photo, width=480, image_format="jpeg")
        response = client.get(url)
        assert response.status_code == 302
        assert on_disk(response["Location"]).is_file()
        made[name] = (photo, url, response["Location"])
    expiring = made["expiring"][0]
    renditions.get_rendition(expiring, width=800, image_format="webp")  # a second size
    return made


def test_expired_photos_lose_their_files_and_their_signed_urls_answer_404(
    client, served, time_machine, django_capture_on_commit_callbacks
):
    photo, signed_url, file_url = served["expiring"]
    # 00:30 on 11 March in Almaty is still 10 March in UTC: the local date counts.
    time_machine.move_to(dt.datetime(2026, 3, 11, 0, 30, tzinfo=ALMATY), tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        output = expire_photos()

    assert output == "1 photos expired, 2 renditions removed"
    assert not on_disk(file_url).exists()
    assert not Rendition.objects.filter(photo=photo).exists()
    assert client.get(signed_url).status_code == 404
    assert list((Path(settings.MEDIA_ROOT) / "renditions" / str(photo.pk)).iterdir()) == []
    _lasting, lasting_url, lasting_file = served["lasting"]
    assert on_disk(lasting_file).is_file()
    assert client.get(lasting_url).status_code == 302


def test_a_photo_is_kept_on_the_last_day_of_its_terms(
    served, time_machine, django_capture_on_commit_callbacks
):
    _photo, _signed_url, file_url = served["expiring"]
    time_machine.move_to(dt.datetime(2026, 3, 10, 23, 59, tzinfo=ALMATY), tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        output = expire_photos()

    assert output == "0 photos expired, 0 renditions removed"
    assert on_disk(file_url).is_file()
    assert Rendition.objects.count() == 3


def test_running_twice_changes_nothing_the_second_time(
    served, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(dt.datetime(2026, 3, 12, 9, 0, tzinfo=ALMATY), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        first = expire_photos()
    left = sorted(Rendition.objects.values_list("file", flat=True))
    files = sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = expire_photos()

    assert first == "1 photos expired, 2 renditions removed"
    assert second == "0 photos expired, 0 renditions removed"
    assert callbacks == []
    assert sorted(Rendition.objects.values_list("file", flat=True)) == left
    assert sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()) == files


def test_a_dry_run_counts_and_changes_nothing(
    served, time_machine, django_capture_on_commit_callbacks
):
    _photo, _signed_url, file_url = served["expiring"]
    time_machine.move_to(dt.datetime(2026, 3, 12, 9, 0, tzinfo=ALMATY), tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        output = expire_photos("--dry-run")

    assert output == "1 photos expired, 2 renditions would be removed (dry run: nothing changed)"
    assert on_disk(file_url).is_file()
    assert Rendition.objects.count() == 3
