"""An editor gives an article a photographer's new photo as lead photo; visitors see it credited."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from articles.demo import load_demo
from articles.models import Article
from media_credits.models import Photo

pytestmark = pytest.mark.django_db(transaction=True)

IMAGES = Path(__file__).resolve().parent.parent / "testdata" / "images"
CAPTION = "Читальный зал после ремонта"
HEADLINE = "Библиотека открылась после ремонта"
ALT = "Светлый зал с книжными полками"


def test_editor_sets_a_lead_photo_publishes_and_the_visitor_sees_it_credited(
    page, live_server, demo_login, context, browser_context_args
):
    load_demo()
    demo_login(page, "photographer")
    page.goto(f"{live_server.url}/admin/media_credits/photo/")
    page.locator(".object-tools a.addlink").click()
    page.set_input_files("#id_files", [IMAGES / "valid_hopper.jpg"])
    page.fill("#id_caption", CAPTION)
    page.locator("#photo-upload-form input[type=submit]").click()
    page.wait_for_url("**/admin/media_credits/photo/upload/")
    uploaded = Photo.objects.get(caption_ru=CAPTION)
    assert uploaded.uploaded_by.username == "photographer"
    # Alt text is required to publish: the photographer describes the photo.
    page.goto(f"{live_server.url}/admin/media_credits/photo/{uploaded.pk}/change/")
    page.fill("#id_alt_text_ru", ALT)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    # The editor is another person in another browser: clearing the photographer's cookies
    # while their page's last requests were in flight let one of them set a new CSRF cookie.
    page = context.browser.new_context(**browser_context_args).new_page()
    demo_login(page, "editor")
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_headline_ru", HEADLINE)
    page.locator(".field-lead_photo .select2-selection").click()
    page.locator(".select2-search__field").fill("ремонта")
    page.locator(".select2-results__option", has_text=CAPTION).click()
    page.locator("#sections-group .add-row a").click()
    page.wait_for_function("() => window.editors && Object.keys(window.editors).length >= 3")
    editable = page.locator(".ui-tabs-panel:has(#id_sections-0-body_ru) .ck-editor__editable")
    editable.click()
    page.keyboard.type("Зал снова открыт для читателей.")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    article = Article.objects.get(headline_ru=HEADLINE)
    assert article.lead_photo == uploaded

    page.locator("#result_list tr", has_text=HEADLINE).locator("input.action-select").check()
    page.select_option("select[name=action]", "transition_publish")
    page.locator("button[name=index]").click()
    # The action asks which languages to release; none ticked releases every complete one.
    page.locator(".submit-row input[type=submit]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    visitor = page.context.browser.new_context(locale="ru-RU")
    public = visitor.new_page()
    public.goto(f"{live_server.url}/ru/")
    public.get_by_role("link", name=HEADLINE).click()
    lead = public.locator("figure.lead-photo")
    expect(lead.locator("picture source[type='image/webp']")).to_have_count(1)
    expect(lead.locator("picture img")).to_have_attribute("width", str(uploaded.width))
    expect(lead.locator("picture img")).to_have_attribute("alt", ALT)
    expect(lead.locator("figcaption")).to_contain_text(CAPTION)
    expect(lead.locator("figcaption .credit")).to_have_text("фото Аманкула Дюсенбаева")
    expect(public.locator(".credit-line")).to_have_text("фото Аманкула Дюсенбаева")
    # The browser really loads the image through the rendition pipeline.
    loaded = public.evaluate(
        "() => { const img = document.querySelector('figure.lead-photo img');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    assert loaded
    visitor.close()
