"""A photographer uploads a batch from an event; an editor finds a new photo in the picker."""

from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from articles.demo import load_demo
from media_credits.models import Photo, Photographer

pytestmark = pytest.mark.django_db(transaction=True)

IMAGES = Path(__file__).resolve().parent.parent / "testdata" / "images"
CAPTION = "Встреча в Акорде с делегацией"


def test_photographer_uploads_a_batch_and_the_editor_picks_a_new_photo(
    page, live_server, demo_login
):
    load_demo()
    username = "photographer"
    # The demo links its photographer account to Amankul Dyusenbayev's record.
    amankul = Photographer.objects.get(user__username=username)

    demo_login(page, username)
    page.goto(f"{live_server.url}/admin/media_credits/photo/")
    page.locator(".object-tools a.addlink").click()
    expect(page.locator("#photo-upload-form")).to_be_visible()
    expect(page.locator("#id_photographer")).to_have_value(str(amankul.pk))
    page.set_input_files(
        "#id_files",
        [IMAGES / "valid_flower.jpg", IMAGES / "truncated.jpg", IMAGES / "orientation_6.jpg"],
    )
    page.fill("#id_caption", CAPTION)
    page.locator("#photo-upload-form input[type=submit]").click()

    # The upload page again, listing each file's outcome (the worker's, here at once).
    page.wait_for_url("**/admin/media_credits/photo/upload/")
    with translation.override("ru"):
        reason = gettext("The image is corrupt or truncated.")
        ready = gettext("ready").capitalize()
    expect(page.locator(".messagelist .success")).to_have_count(1)
    # Newest first, above the demo's own uploads by the same account.
    rows = page.locator("#recent-uploads tbody tr")
    for position, name in enumerate(["orientation_6.jpg", "truncated.jpg", "valid_flower.jpg"]):
        expect(rows.nth(position).locator("td").first).to_have_text(name)
    refused = rows.filter(has_text="truncated.jpg")
    expect(refused.locator(".upload-state")).to_contain_text(reason)
    for name in ("valid_flower.jpg", "orientation_6.jpg"):
        expect(rows.filter(has_text=name).locator(".upload-state")).to_have_text(ready)
        expect(rows.filter(has_text=name).locator("img")).to_have_count(1)
    new_photos = list(Photo.objects.ready().filter(caption_ru=CAPTION))
    assert len(new_photos) == 2 and all(p.photographer == amankul for p in new_photos)

    page.context.clear_cookies()
    demo_login(page, "editor")
    page.goto(f"{live_server.url}/admin/media_credits/photo/picker/")
    page.locator(".field-photo .select2-selection").click()
    page.locator(".select2-search__field").fill("Акорде")
    option = page.locator(".select2-results__option", has_text=CAPTION)
    expect(option).to_have_count(2)
    option.first.click()
    page.locator("#photo-picker-form input[type=submit]").click()

    page.wait_for_url("**/admin/media_credits/photo/*/change/")
    expect(page.locator("#id_caption_ru")).to_have_value(CAPTION)
