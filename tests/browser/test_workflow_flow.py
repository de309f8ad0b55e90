"""The editorial workflow end to end in Chromium: write, submit, return, fix, schedule, revert.

A reporter and an editor work in two browser sessions on the Russian admin; an anonymous
visitor reads the public site. The clock is moved with time_machine (the live server runs
in this process, so it sees the same clock).
"""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.utils import formats, timezone, translation
from playwright.sync_api import expect
from reversion.models import Version

from articles.models import Article, Transition
from articles.workflow import TRANSITIONS

pytestmark = pytest.mark.django_db(transaction=True)

HEADLINE = "В Алматы открылся круглосуточный читальный зал"
FIRST_TEXT = "Черновик: подробности будут позже!"
FIXED_TEXT = "С понедельника читальный зал на Абая работает круглосуточно."
RETURN_COMMENT = "Нужны адрес и часы работы."
BODY = "id_sections-0-body_ru"


def wait_for_editors(page, count):
    page.wait_for_function(f"() => window.editors && Object.keys(window.editors).length >= {count}")


def editable(page, textarea_id):
    return page.locator(f".ui-tabs-panel:has(#{textarea_id}) .ck-editor__editable")


def type_into_editor(page, textarea_id, text, *, replace=False):
    box = editable(page, textarea_id)
    box.click()
    expect(box).to_be_focused()
    if replace:
        page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(text)
    if replace:
        expect(box).to_have_text(text)
    else:
        expect(box).to_contain_text(text)


def russian(text) -> str:
    """A product string as the Russian admin shows it (translated or not yet)."""
    with translation.override("ru"):
        return str(text)


def russian_datetime(value) -> str:
    with translation.override("ru"):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def change_url(live_server, article):
    return f"{live_server.url}/admin/articles/article/{article.pk}/change/"


def public_url(live_server, article):
    return f"{live_server.url}/ru/articles/{article.pk}-{article.slug_ru}/"


def latest_version_id(article) -> int:
    return Version.objects.get_for_object(article).order_by("-pk").values_list("pk", flat=True)[0]


def test_reporter_and_editor_take_an_article_from_draft_to_scheduled_and_back_in_history(
    page, new_context, live_server, admin_login, reporter, editor
):
    reporter.email = "reporter1@example.org"
    reporter.save(update_fields=["email"])
    submit_label = russian(TRANSITIONS["submit"].label)
    return_label = russian(TRANSITIONS["return"].label)
    schedule_label = russian(TRANSITIONS["schedule"].label)

    # --- 1. The reporter writes a draft and submits it -------------------------------------
    admin_login(page, "reporter1", "reporter1-password")
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    expect(page.locator("h1")).to_contain_text("Добавить")
    page.fill("#id_headline_ru", HEADLINE)
    page.locator("#sections-group .add-row a").click()
    wait_for_editors(page, 3)
    type_into_editor(page, BODY, FIRST_TEXT)
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    article = Article.objects.get(headline_ru=HEADLINE)
    assert article.created_by == reporter
    assert article.status == Article.Status.DRAFT
    assert article.sections.get().body_ru == f"<p>{FIRST_TEXT}</p>"
    first_version_id = latest_version_id(article)
    page.wait_for_url(change_url(live_server, article))

    page.locator("button[data-transition=submit]").click()
    expect(page.locator(".messagelist .success")).to_contain_text(submit_label)
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    # In review the reporter sees the article but cannot change it.
    expect(page.locator("input[name=_save]")).to_have_count(0)
    expect(page.locator("input[name=_continue]")).to_have_count(0)
    expect(page.locator(".ck-editor__editable")).to_have_count(0)
    expect(page.locator("#id_headline_ru")).to_have_count(0)
    expect(page.locator("button[data-transition]")).to_have_count(0)
    expect(page.locator("#content-main")).to_contain_text(FIRST_TEXT)
    history = page.locator("table.workflow-history tbody tr")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text(submit_label)
    expect(history.first).to_contain_text("reporter1")

    # --- 2. The editor returns it with a comment; the reporter hears of it -----------------
    editor_page = new_context().new_page()
    admin_login(editor_page, "editor1", "editor1-password")
    editor_page.goto(change_url(live_server, article))
    wait_for_editors(editor_page, 3)
    expect(editable(editor_page, BODY)).to_have_text(FIRST_TEXT)
    editor_page.fill("#id_transition_comment", RETURN_COMMENT)
    editor_page.locator("button[data-transition=return]").click()
    expect(editor_page.locator(".messagelist .success")).to_contain_text(return_label)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    step = Transition.objects.filter(article=article).order_by("-created_at", "-id").first()
    assert (step.name, step.user, step.comment) == ("return", editor, RETURN_COMMENT)

    to_reporter = [m for m in mail.outbox if reporter.email in m.to]
    assert len(to_reporter) == 1, [(m.to, m.subject) for m in mail.outbox]
    assert RETURN_COMMENT in to_reporter[0].body
    assert HEADLINE in to_reporter[0].subject

    page.goto(f"{live_server.url}/admin/")
    returned = page.locator("#editorial-desk a[data-desk=returned]")
    expect(page.locator("#editorial-desk tr:has(a[data-desk=returned]) .count")).to_have_text("1")

    # --- 3. The reporter fixes the text and submits again ----------------------------------
    returned.click()
    page.locator("#result_list a", has_text=HEADLINE).click()
    page.wait_for_url(re.compile(rf"/admin/articles/article/{article.pk}/change/"))
    expect(page.locator("table.workflow-history")).to_contain_text(RETURN_COMMENT)
    wait_for_editors(page, 3)
    type_into_editor(page, BODY, FIXED_TEXT, replace=True)
    page.locator("button[data-transition=submit]").click()
    expect(page.locator(".messagelist .success")).to_contain_text(submit_label)
    expect(page.locator("input[name=_save]")).to_have_count(0)
    expect(page.locator("#content-main")).to_contain_text(FIXED_TEXT)
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    assert article.sections.get().body_ru == f"<p>{FIXED_TEXT}</p>"
    fixed_version_id = latest_version_id(article)
    assert fixed_version_id != first_version_id
    steps = article.transitions.order_by("created_at", "id").values_list("name", flat=True)
    assert list(steps) == ["submit", "return", "submit"]

    # --- 4. The editor schedules it two hours ahead -----------------------------------------
    at = timezone.localtime(timezone.now() + dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    editor_page.goto(change_url(live_server, article))
    wait_for_editors(editor_page, 3)
    expect(editable(editor_page, BODY)).to_have_text(FIXED_TEXT)
    editor_page.fill("#id_transition_at", at.strftime("%Y-%m-%dT%H:%M"))
    editor_page.locator("button[data-transition=schedule]").click()
    expect(editor_page.locator(".messagelist .success")).to_contain_text(schedule_label)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == at
    assert article.released_languages() == ["ru"]
    assert not article.is_published()

    editor_page.goto(f"{live_server.url}/admin/articles/article/")
    row = editor_page.locator("#result_list tr", has_text=HEADLINE)
    expect(row.locator("td.field-state")).to_contain_text(russian_datetime(at))
    expect(row.locator("td.field-languages_state")).to_contain_text(
        f"ru: {russian(translation.gettext_lazy('scheduled'))}"
    )

    visitor = new_context().new_page()
    response = visitor.goto(public_url(live_server, article))
    assert response.status == 404

    with time_machine.travel(timezone.now() + dt.timedelta(hours=3), tick=True):
        # --- 5. Three hours later the public reads the fixed text ---------------------------
        response = visitor.goto(public_url(live_server, article))
        assert response.status == 200
        expect(visitor.locator("h1")).to_have_text(HEADLINE)
        expect(visitor.locator("article")).to_contain_text(FIXED_TEXT)
        expect(visitor.locator("article")).not_to_contain_text(FIRST_TEXT)

        # --- 6. The editor compares two revisions, then reverts to the first ----------------
        editor_page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/history/")
        editor_page.check(f"input[name=version_id1][value='{first_version_id}']")
        editor_page.check(f"input[name=version_id2][value='{fixed_version_id}']")
        editor_page.locator("#change-history thead input[type=submit]").click()
        editor_page.wait_for_url("**/history/compare/**")
        expect(editor_page.locator("#content-main .module").first).to_be_visible()
        # Checked at the end, so that a diff without the texts does not hide the revert.
        diff_text = editor_page.locator("#content-main").inner_text()

        editor_page.go_back()
        editor_page.locator(f"#change-history a[href$='/history/{first_version_id}/']").click()
        editor_page.wait_for_url(f"**/history/{first_version_id}/")
        wait_for_editors(editor_page, 3)
        expect(editable(editor_page, BODY)).to_have_text(FIRST_TEXT)
        expect(editor_page.locator("#id_headline_ru")).to_have_value(HEADLINE)
        editor_page.locator("input[name=_save]").click()
        expect(editor_page.locator(".messagelist .success")).to_be_visible()
        expect(editor_page.locator(".errornote")).to_have_count(0)

        article.refresh_from_db()
        assert article.sections.get().body_ru == f"<p>{FIRST_TEXT}</p>"
        assert article.status == Article.Status.PUBLISHED
        assert article.published_at == at
        assert article.released_languages() == ["ru"]
        assert article.is_published()

        response = visitor.goto(public_url(live_server, article))
        assert response.status == 200
        expect(visitor.locator("h1")).to_have_text(HEADLINE)
        expect(visitor.locator("article")).to_contain_text(FIRST_TEXT)
        expect(visitor.locator("article")).not_to_contain_text(FIXED_TEXT)
    assert article.transitions.count() == 4  # the revert is not a workflow step

    # The compare view shows what changed in the text: both versions of the section body.
    assert FIRST_TEXT in diff_text and FIXED_TEXT in diff_text, (
        "history/compare shows no section text between the two revisions:\n" + diff_text
    )
