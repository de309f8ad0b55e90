"""The site's Content-Security-Policy in a real Chromium: the public pages, the admin's language
tabs, CKEditor 5, the photo picker and the upload page all work and nothing is refused."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from articles.demo import load_demo
from articles.models import Article
from media_credits.models import Photo
from tests.test_security_headers import directives

pytestmark = pytest.mark.django_db(transaction=True)

IMAGES = Path("/work/shared/testdata/images")
if not IMAGES.is_dir():
    IMAGES = Path(__file__).resolve().parent.parent / "testdata" / "images"

#: Reports every violation of the page's policy (and of its frames') to the test.
LISTEN = """document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation({
    page: location.pathname,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
  });
});"""

#: True once some image matching the selector has loaded.
LOADED_IMAGE = """(selector) => [...document.querySelectorAll(selector)]
  .some((image) => image.complete && image.naturalWidth > 0)"""


@pytest.fixture
def violations(page):
    """Every CSP violation ``page`` sees: the DOM events and Chromium's console reports."""
    found = []
    page.expose_function("reportViolation", lambda violation: found.append(violation))
    page.add_init_script(LISTEN)

    def console(message):
        text = message.text
        if "Content Security Policy" in text or "Permissions-Policy" in text:
            found.append({"page": page.url, "console": text})

    page.on("console", console)
    return found


def wait_for_editors(page, count):
    page.wait_for_function(f"() => window.editors && Object.keys(window.editors).length >= {count}")


def show_language_tab(page, field_id, language):
    """Click the language tab of the group that holds ``field_id``; its panel shows."""
    panel = page.locator(f".ui-tabs-panel:has(#{field_id})").first
    tabs = page.locator(f".ui-tabs:has(#{field_id})").first
    tabs.locator(f"> ul a:text-is('{language}')").first.click()
    expect(panel).to_be_visible()


def test_public_pages_and_admin_widgets_work_with_no_policy_violation(
    page, live_server, settings, demo_login, violations
):
    # The second factor is tested in tests/accounts; here the editor signs in with a password.
    settings.OTP_REQUIRED = False
    demo = load_demo()
    seed, trilingual = demo.seed_article, demo.trilingual_article

    # Public: the front page and the seed article with its JSON-LD, photos and stylesheet.
    page.goto(f"{live_server.url}/ru/")
    expect(page.locator("main")).to_contain_text("Особые узы дружбы")
    response = page.goto(f"{live_server.url}{seed.get_absolute_url('ru')}")
    policy = directives(response.headers["content-security-policy"])
    assert policy["default-src"] == ["'self'"] and "script-src" not in policy
    assert "style-src" not in policy and "style-src-attr" not in policy
    expect(page.locator("h1")).to_have_text("Особые узы дружбы")
    assert page.locator('script[type="application/ld+json"]').count() >= 1
    # The stylesheet applied (it is 'self'), and the lead photo loaded.
    assert page.evaluate("() => document.styleSheets.length") >= 1
    page.wait_for_function(LOADED_IMAGE, arg="main img")
    page.goto(f"{live_server.url}/ru/no-such-page/")
    expect(page.locator("h1")).to_be_visible()

    # The admin: an article's change form, its language tabs and CKEditor 5.
    demo_login(page, "editor")
    response = page.goto(f"{live_server.url}/admin/articles/article/{trilingual.pk}/change/")
    policy = directives(response.headers["content-security-policy"])
    assert policy["default-src"] == ["'self'"] and "script-src" not in policy
    assert policy["style-src-attr"][0] == "'unsafe-hashes'"
    sections = trilingual.sections.count()
    wait_for_editors(page, 3 * sections)
    for language in ("kk", "en", "ru"):
        show_language_tab(page, "id_headline_" + language, language)
        expect(page.locator(f"#id_headline_{language}")).to_have_value(
            getattr(trilingual, f"headline_{language}")
        )
    editable = page.locator(".ui-tabs-panel:has(#id_sections-0-body_ru) .ck-editor__editable")
    editable.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Дополнено под строгой политикой.")
    expect(editable).to_contain_text("Дополнено под строгой политикой.")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    body = Article.objects.get(pk=trilingual.pk).sections.order_by("position").first().body_ru
    assert "Дополнено под строгой политикой." in body

    # The photo picker: its autocomplete lists the library's photos.
    page.goto(f"{live_server.url}/admin/media_credits/photo/picker/")
    page.locator(".field-photo .select2-selection").click()
    page.locator(".select2-search__field").fill("Акорде")
    option = page.locator(".select2-results__option", has_text="Президенты Казахстана")
    expect(option).to_have_count(1)

    # The upload page: a real photo is accepted and listed with its thumbnail.
    page.goto(f"{live_server.url}/admin/media_credits/photo/upload/")
    page.set_input_files("#id_files", [IMAGES / "valid_flower.jpg"])
    page.fill("#id_caption", "Цветок под строгой политикой")
    page.fill("#id_credit", "Reuters")
    page.locator("#photo-upload-form input[type=submit]").click()
    page.wait_for_url("**/admin/media_credits/photo/upload/")
    expect(page.locator(".messagelist .success")).to_have_count(1)
    row = page.locator("#recent-uploads tbody tr", has_text="valid_flower.jpg")
    expect(row.locator("img")).to_have_count(1)
    assert Photo.objects.ready().filter(caption_ru="Цветок под строгой политикой").count() == 1
    # Its change form shows the preview (a style attribute the admin policy allows by hash).
    row.locator("a").first.click()
    expect(page.locator("#id_caption_ru")).to_have_value("Цветок под строгой политикой")
    preview = page.locator(".field-preview img")
    expect(preview).to_have_count(1)
    # A refused style attribute stays in the markup but is not applied.
    assert preview.evaluate("(image) => getComputedStyle(image).maxWidth") == "100%"

    assert violations == []
