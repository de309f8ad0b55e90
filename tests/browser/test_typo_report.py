"""A reader reports a typo in Chromium; an editor finds it in the admin and corrects.

The article page is served with a Content-Security-Policy without 'unsafe-inline' (added
by the test on the way to the browser): the report must work under it, with no violation.
"""

import pytest
from playwright.sync_api import expect

from articles.demo import load_demo
from articles.models import TypoReport

pytestmark = pytest.mark.django_db(transaction=True)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
SELECTED = 12  # characters of the first paragraph the reader selects


def serve_with_csp(page, url):
    def add_csp(route):
        response = route.fetch()
        route.fulfill(
            response=response, headers={**response.headers, "content-security-policy": CSP}
        )

    page.route(url, add_csp)


def select_start_of_first_paragraph(page, length) -> str:
    """Select the first ``length`` characters of the article's first paragraph, as a mouse would."""
    return page.evaluate(
        """(length) => {
            const p = document.querySelector("article .body p");
            const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
            const node = walker.nextNode();
            const range = document.createRange();
            range.setStart(node, 0);
            range.setEnd(node, Math.min(length, node.length));
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            return selection.toString();
        }""",
        length,
    )


def test_a_reader_reports_a_typo_with_ctrl_enter_and_an_editor_turns_it_into_a_correction(
    page, live_server, demo_login
):
    seed = load_demo().seed_article
    url = f"{live_server.url}{seed.get_absolute_url('ru')}"
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    serve_with_csp(page, url)

    page.goto(url)
    dialog = page.locator("dialog.typo-dialog")
    expect(dialog).to_be_hidden()
    # White space as the dialog tidies it (the typeset text has no-break spaces).
    selected = " ".join(select_start_of_first_paragraph(page, SELECTED).split())
    assert len(selected) >= 5
    page.keyboard.press("Control+Enter")

    expect(dialog).to_be_visible()
    expect(page.locator("#typo-selection")).to_have_value(selected)
    expect(page.locator("#typo-comment")).to_be_focused()
    page.locator("#typo-comment").fill("Кажется, здесь опечатка.")
    page.locator("dialog .typo-send").click()
    expect(page.locator("dialog .typo-status")).to_have_text("Спасибо! Редакция посмотрит.")

    stored = TypoReport.objects.get()
    assert (stored.article_id, stored.language, stored.selection) == (seed.pk, "ru", selected)
    assert stored.context.startswith(selected)
    assert stored.comment == "Кажется, здесь опечатка."
    page.locator("dialog .typo-close").click()
    expect(dialog).to_be_hidden()

    # Touch screens: select, then tap the link; the dialog opens with that selection.
    again = " ".join(select_start_of_first_paragraph(page, 5).split())
    page.locator(".typo-link").click()
    expect(dialog).to_be_visible()
    expect(page.locator("#typo-selection")).to_have_value(again)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert violations == []

    # The editor sees the report from the article's change form and corrects.
    demo_login(page, "editor")
    page.goto(f"{live_server.url}/admin/articles/article/{seed.pk}/change/")
    page.locator("a.typo-reports-link").click()
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(selected)
    row.locator("a.typo-correct-link").click()
    note = page.locator("textarea[name=text_ru]")
    expect(note).to_have_value(f"В тексте исправлена опечатка: «{selected}».")
    note.fill("В первом абзаце исправлена опечатка.")
    page.locator("input[type=submit]").click()
    expect(page.locator(".messagelist")).to_contain_text("исправление опубликовано")

    stored.refresh_from_db()
    assert stored.state == TypoReport.State.CORRECTED
    page.goto(url)
    expect(page.locator(".corrections")).to_contain_text("В первом абзаце исправлена опечатка.")


def test_without_javascript_the_link_leads_to_a_form_that_sends(browser, live_server):
    seed = load_demo().seed_article
    context = browser.new_context(java_script_enabled=False, locale="ru-RU")
    page = context.new_page()
    page.goto(f"{live_server.url}{seed.get_absolute_url('ru')}")
    expect(page.locator("dialog.typo-dialog")).to_be_hidden()
    page.locator(".typo-link").click()
    expect(page.locator("h1")).to_have_text("Сообщить об опечатке")
    page.locator("textarea[name=selection]").fill("Особые узы")
    page.locator("form.typo-form button[type=submit]").click()
    expect(page.locator(".typo-message")).to_have_text("Спасибо! Редакция посмотрит.")
    assert TypoReport.objects.get().selection == "Особые узы"
    context.close()


def test_the_typo_pages_pass_the_nu_html_checker_and_axe(client, page, live_server, tmp_path):
    import json
    import shutil
    import subprocess

    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.test_html_quality import vnu_jar

    seed = load_demo().seed_article
    form_url = f"/ru/articles/{seed.pk}/typo/"
    pages = {
        "form": client.get(form_url),
        "errors": client.post(form_url, {"selection": ""}),
        "thanks": client.post(form_url, {"selection": "Особые узы"}),
    }
    assert [r.status_code for r in pages.values()] == [200, 400, 200]
    files = {}
    for name, response in pages.items():
        files[name] = tmp_path / f"{name}.html"
        files[name].write_bytes(response.content)
    run = subprocess.run(
        [shutil.which("java"), "-jar", str(vnu_jar()), "--format", "json",
         "--exit-zero-always", *map(str, files.values())],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    messages = json.loads(run.stderr or run.stdout)["messages"]
    assert [m["message"] for m in messages if m.get("type") == "error"] == []

    axe = Axe()
    page.goto(f"{live_server.url}{form_url}")
    result = axe.run(page)
    assert result.response["passes"]
    assert [v["id"] for v in result.response["violations"]] == []
    # The article page with the dialog open.
    page.goto(f"{live_server.url}{seed.get_absolute_url('ru')}")
    select_start_of_first_paragraph(page, SELECTED)
    page.keyboard.press("Control+Enter")
    expect(page.locator("dialog.typo-dialog")).to_be_visible()
    result = axe.run(page)
    assert result.response["passes"]
    assert [v["id"] for v in result.response["violations"]] == []
