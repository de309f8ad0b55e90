"""Readers report typos: the public endpoint (validation, limits, CSRF) and the admin."""

import datetime as dt
import secrets

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from lxml import html as lxml_html

from articles import typo_views, workflow
from articles.models import Article, Correction, Transition, TypoReport
from tests.factories import ArticleFactory, trilingual_article

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def address():
    """A fresh client address per test, so rate-limit windows never leak between tests."""
    value = f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"
    yield value
    cache.delete(f"typo-report:rate:{typo_views.address_hash(value)}")


@pytest.fixture
def reader(address):
    return Client(REMOTE_ADDR=address)


@pytest.fixture
def article():
    return ArticleFactory(
        headline_ru="Особые узы дружбы",
        sections=[{"body_ru": "<p>Стороны обсудили перспективы сотрудничесва в энергетике.</p>"}],
    )


def typo_url(article, language="ru"):
    with translation.override(language):
        return reverse("articles:typo_report", kwargs={"pk": article.pk})


def report(**overrides):
    data = {
        "selection": "сотрудничесва",
        "context": "Стороны обсудили перспективы сотрудничесва в энергетике.",
        "comment": "Пропущена буква.",
    }
    data.update(overrides)
    return data


# --- The form and its token ----------------------------------------------------------------


def test_the_article_page_links_the_form_and_carries_no_csrf_token(reader, article):
    response = reader.get(article.get_absolute_url("ru"))
    page = response.content.decode()
    tree = lxml_html.fromstring(page)
    assert tree.xpath("//a[@class='typo-link']/@href") == [typo_url(article)]
    assert tree.xpath("//dialog[@class='typo-dialog']//form/@action") == [typo_url(article)]
    assert "csrfmiddlewaretoken" not in page
    assert "csrftoken" not in response.cookies
    assert "Cookie" not in response.get("Vary", "")
    scripts = tree.xpath("//script[@src]")
    assert [s.get("src") for s in scripts] == ["/static/js/typo-report.js"]
    assert scripts[0].get("defer") is not None
    assert not tree.xpath("//*[@*[starts-with(name(), 'on')]]")  # no inline handlers


def test_a_preview_has_no_typo_link(client):
    from articles import preview

    draft = ArticleFactory(status=Article.Status.DRAFT)
    page = client.get(preview.preview_url(draft, "ru")).content.decode()
    assert "typo-link" not in page
    assert "typo-report.js" not in page


def test_the_form_page_works_without_javascript_and_is_never_cached(reader, article):
    response = reader.get(typo_url(article))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    tree = lxml_html.fromstring(response.content.decode())
    form = tree.xpath("//form[@class='typo-form']")[0]
    assert form.get("method") == "post"
    assert form.xpath(".//input[@name='csrfmiddlewaretoken']/@value")[0]
    assert form.xpath(".//textarea[@name='selection']")
    assert "csrftoken" in response.cookies
    assert response.cookies["csrftoken"]["samesite"] == "Lax"
    assert tree.xpath("//meta[@name='robots']/@content") == ["noindex, nofollow"]


def test_the_script_gets_its_token_as_json_uncached(reader, article):
    response = reader.get(typo_url(article), **JSON)
    assert response.status_code == 200
    assert response.json()["csrf_token"]
    assert "no-store" in response["Cache-Control"]


# --- Sending -------------------------------------------------------------------------------


def test_a_report_without_javascript_is_stored_and_thanked(reader, article, address):
    response = reader.post(typo_url(article), report())
    assert response.status_code == 200
    assert "Спасибо" in response.content.decode()
    stored = TypoReport.objects.get()
    assert (stored.article, stored.language, stored.state) == (article, "ru", "new")
    assert stored.selection == "сотрудничесва"
    assert stored.context == "Стороны обсудили перспективы сотрудничесва в энергетике."
    assert stored.comment == "Пропущена буква."
    assert stored.handled_by is None and stored.handled_at is None


def test_a_report_from_the_script_answers_json_in_the_pages_language(address):
    article = trilingual_article()
    client = Client(REMOTE_ADDR=address)
    response = client.post(typo_url(article, "kk"), report(selection="тақырып"), **JSON)
    assert response.status_code == 201
    assert response.json()["message"] == "Рақмет! Редакторлар қарап шығады."
    assert TypoReport.objects.get().language == "kk"


def test_the_address_is_stored_only_as_a_keyed_hash(article):
    for address in ("203.0.113.7", "203.0.113.7", "203.0.113.8"):
        Client(REMOTE_ADDR=address).post(typo_url(article), report())
    hashes = list(TypoReport.objects.order_by("id").values_list("address_hash", flat=True))
    assert hashes[0] == hashes[1] != hashes[2]
    assert all(len(h) == 64 and "203.0.113" not in h for h in hashes)
    for address in ("203.0.113.7", "203.0.113.8"):
        cache.delete(f"typo-report:rate:{typo_views.address_hash(address)}")


@pytest.mark.parametrize("field, size", [("selection", 301), ("context", 1001), ("comment", 1001)])
def test_each_field_is_bounded(reader, article, field, size):
    response = reader.post(typo_url(article), report(**{field: "а" * size}), **JSON)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not TypoReport.objects.exists()


def test_the_longest_allowed_report_is_accepted(reader, article):
    data = report(selection="а" * 300, context="б" * 1000, comment="в" * 1000)
    assert reader.post(typo_url(article), data, **JSON).status_code == 201
    stored = TypoReport.objects.get()
    assert (len(stored.selection), len(stored.context), len(stored.comment)) == (300, 1000, 1000)


@pytest.mark.parametrize("selection", ["", "   ", "<b></b>", "\x00\u202e"])
def test_a_report_needs_some_selected_text(reader, article, selection):
    response = reader.post(typo_url(article), report(selection=selection))
    assert response.status_code == 400
    assert 'class="typo-errors" id="id_selection_error"' in response.content.decode()
    assert not TypoReport.objects.exists()


def test_text_is_stored_plain_without_tags_or_control_characters(reader, article):
    data = report(
        selection="<script>alert(1)</script>со<b>труд</b>\x1bничесва\u202e",
        context='<img src=x onerror="alert(2)">Стороны   обсудили\r\nперспективы',
        comment="Строка 1\r\n<a href='javascript:alert(3)'>Строка</a> 2\x07\u2066",
    )
    assert reader.post(typo_url(article), data, **JSON).status_code == 201
    stored = TypoReport.objects.get()
    assert stored.selection == "alert(1)сотрудничесва"
    assert stored.context == "Стороны обсудили перспективы"
    assert stored.comment == "Строка 1\nСтрока 2"


def test_the_honeypot_answers_like_a_success_and_stores_nothing(reader, article):
    response = reader.post(typo_url(article), report(website="http://spam.example"), **JSON)
    assert response.status_code == 201
    assert not TypoReport.objects.exists()


def test_sending_reads_the_article_once_and_writes_one_row(
    reader, article, django_assert_num_queries
):
    with django_assert_num_queries(2):
        assert reader.post(typo_url(article), report(), **JSON).status_code == 201


def test_only_get_and_post(reader, article):
    assert reader.put(typo_url(article), report()).status_code == 405
    assert reader.delete(typo_url(article)).status_code == 405


# --- Only public articles, in the page's language ----------------------------------------


def _state(article, state):
    if state == "draft":
        return ArticleFactory(status=Article.Status.DRAFT)
    if state == "in_review":
        return ArticleFactory(status=Article.Status.IN_REVIEW)
    if state == "scheduled":
        return ArticleFactory(published_at=timezone.now() + dt.timedelta(days=1))
    if state == "archived":
        return ArticleFactory(status=Article.Status.ARCHIVED)
    if state == "unpublished":
        workflow.apply(article, "unpublish", user=workflow.system_user(), comment="Снято.")
        return article
    raise AssertionError(state)


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "archived", "unpublished"])
def test_a_non_public_article_is_404_for_the_form_the_token_and_sending(reader, article, state):
    hidden = _state(article, state)
    assert reader.get(typo_url(hidden)).status_code == 404
    assert reader.get(typo_url(hidden), **JSON).status_code == 404
    assert reader.post(typo_url(hidden), report()).status_code == 404
    assert not TypoReport.objects.exists()


def test_a_language_the_article_is_not_released_in_is_404(reader, article):
    assert reader.get(typo_url(article, "kk")).status_code == 404
    assert reader.post(typo_url(article, "en"), report()).status_code == 404
    assert reader.post(typo_url(article, "ru"), report()).status_code == 200


def test_a_missing_article_is_404(reader):
    assert reader.post("/ru/articles/987654/typo/", report()).status_code == 404


# --- Rate limit ------------------------------------------------------------------------------


def test_the_sixth_report_in_ten_minutes_from_one_address_is_refused_with_429(
    reader, article, address
):
    for _ in range(django_settings.TYPO_REPORT_RATE_LIMIT):
        assert reader.post(typo_url(article), report(), **JSON).status_code == 201
    refused = reader.post(typo_url(article), report(), **JSON)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "600"
    assert refused.json()["error"].startswith("Слишком много сообщений")
    page = reader.post(typo_url(article), report())
    assert page.status_code == 429
    assert "Слишком много сообщений" in page.content.decode()
    assert TypoReport.objects.count() == django_settings.TYPO_REPORT_RATE_LIMIT
    # Another address is not limited.
    other = Client(REMOTE_ADDR="198.51.100.77")
    assert other.post(typo_url(article), report(), **JSON).status_code == 201
    cache.delete(f"typo-report:rate:{typo_views.address_hash('198.51.100.77')}")


def test_the_429_page_speaks_the_pages_language(address):
    article = trilingual_article()
    reader = Client(REMOTE_ADDR=address)
    for _ in range(django_settings.TYPO_REPORT_RATE_LIMIT):
        reader.post(typo_url(article, "en"), report(), **JSON)
    page = reader.post(typo_url(article, "kk"), report())
    assert page.status_code == 429
    assert "Сіздің мекенжайыңыздан" in page.content.decode()
    english = reader.post(typo_url(article, "en"), report(), **JSON)
    assert english.json()["error"].startswith("Too many reports")


def test_behind_trusted_proxies_the_limit_is_per_forwarded_address(settings, article):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(django_settings.TYPO_REPORT_RATE_LIMIT + 1):
        # Each reader's address as the proxy appended it, after whatever the reader sent.
        forwarded = f"1.2.3.4, 192.0.2.{n + 1}"
        response = proxy.post(typo_url(article), report(), HTTP_X_FORWARDED_FOR=forwarded)
        assert response.status_code == 200
    assert TypoReport.objects.values("address_hash").distinct().count() == 6
    for n in range(django_settings.TYPO_REPORT_RATE_LIMIT + 1):
        cache.delete(f"typo-report:rate:{typo_views.address_hash(f'192.0.2.{n + 1}')}")


# --- CSRF ------------------------------------------------------------------------------------


@pytest.fixture
def strict(address):
    """A browser as Django sees it: CSRF checks on."""
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=address)


def test_a_post_without_the_token_is_refused(strict, article):
    assert strict.post(typo_url(article), report()).status_code == 403
    assert strict.post(typo_url(article), report(), **JSON).status_code == 403
    assert not TypoReport.objects.exists()


def test_a_token_from_another_origin_is_refused(strict, article):
    token = strict.get(typo_url(article), **JSON).json()["csrf_token"]
    response = strict.post(
        typo_url(article),
        report(),
        HTTP_X_CSRFTOKEN=token,
        HTTP_ORIGIN="https://evil.example",
        **JSON,
    )
    assert response.status_code == 403
    assert not TypoReport.objects.exists()


def test_the_fetched_token_sends_a_report_from_the_sites_own_origin(strict, article):
    token = strict.get(typo_url(article), **JSON).json()["csrf_token"]
    response = strict.post(
        typo_url(article), report(), HTTP_X_CSRFTOKEN=token, HTTP_ORIGIN="http://testserver", **JSON
    )
    assert response.status_code == 201
    assert TypoReport.objects.count() == 1


def test_the_no_javascript_form_sends_with_its_own_token(strict, article):
    page = lxml_html.fromstring(strict.get(typo_url(article)).content.decode())
    token = page.xpath("//input[@name='csrfmiddlewaretoken']/@value")[0]
    response = strict.post(typo_url(article), {**report(), "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert TypoReport.objects.count() == 1


def test_a_token_without_its_cookie_is_refused(article, address):
    token = Client(REMOTE_ADDR=address).get(typo_url(article), **JSON).json()["csrf_token"]
    other = Client(enforce_csrf_checks=True, REMOTE_ADDR=address)
    assert other.post(typo_url(article), report(), HTTP_X_CSRFTOKEN=token).status_code == 403


# --- Admin -----------------------------------------------------------------------------------


def make_report(article, **fields):
    values = {
        "language": "ru",
        "selection": "сотрудничесва",
        "context": "Стороны обсудили перспективы сотрудничесва в энергетике.",
        "address_hash": "0" * 64,
    }
    values.update(fields)
    return TypoReport.objects.create(article=article, **values)


LIST = "/admin/articles/typoreport/"


def test_editors_see_reports_filtered_by_article_and_state(client, editor, article):
    other = ArticleFactory(headline_ru="Другая статья")
    make_report(article, selection="первая")
    make_report(other, selection="вторая")
    make_report(article, selection="третья", state=TypoReport.State.DONE)
    client.force_login(editor)
    page = client.get(LIST).content.decode()
    assert "первая" in page and "вторая" in page and "третья" in page
    page = client.get(f"{LIST}?article={article.pk}&state=new").content.decode()
    assert "первая" in page
    assert "вторая" not in page and "третья" not in page


def test_reader_text_is_escaped_in_the_admin(client, editor, article):
    make_report(article, selection="<b>жирный</b>", comment="<script>alert(1)</script>")
    client.force_login(editor)
    report_ = TypoReport.objects.get()
    for url in (LIST, f"{LIST}{report_.pk}/change/"):
        page = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;b&gt;жирный&lt;/b&gt;" in page


@pytest.mark.parametrize("role", ["reporter", "photographer"])
def test_reporters_and_photographers_cannot_see_reports(client, request, role, article):
    user = request.getfixturevalue(role)
    report_ = make_report(article)
    client.force_login(user)
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{report_.pk}/change/").status_code == 403
    assert client.get(f"{LIST}{report_.pk}/correct/").status_code == 403
    assert not user.has_perm("articles.view_typoreport")


def test_the_article_change_form_links_its_reports_for_editors_only(
    client, editor, reporter, article
):
    make_report(article)
    make_report(article, state=TypoReport.State.DONE)
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(editor)
    tree = lxml_html.fromstring(client.get(url).content.decode())
    link = tree.xpath("//a[@class='typo-reports-link']")[0]
    assert link.get("href") == f"{LIST}?article={article.pk}&state=new"
    assert "1" in link.text_content() and "2" in link.text_content()
    mine = ArticleFactory(status=Article.Status.DRAFT, created_by=reporter)
    make_report(article)
    client.force_login(reporter)
    page = client.get(reverse("admin:articles_article_change", args=[mine.pk]))
    assert page.status_code == 200
    assert "typo-reports-link" not in page.content.decode()


def test_an_editor_marks_reports_done_from_the_list(client, editor, article):
    first, second = make_report(article), make_report(article)
    client.force_login(editor)
    response = client.post(
        LIST, {"action": "mark_done", "_selected_action": [first.pk]}, follow=True
    )
    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == TypoReport.State.DONE
    assert first.handled_by == editor and first.handled_at is not None
    assert second.state == TypoReport.State.NEW


def test_an_editor_marks_a_report_done_from_its_page(client, editor, article):
    report_ = make_report(article)
    client.force_login(editor)
    response = client.post(f"{LIST}{report_.pk}/change/", {"_mark_done": "1"})
    assert response.status_code == 302
    report_.refresh_from_db()
    assert (report_.state, report_.handled_by) == (TypoReport.State.DONE, editor)


def test_a_user_who_may_only_view_cannot_mark_done(client, reporter, article):
    report_ = make_report(article)
    reporter.user_permissions.add(Permission.objects.get(codename="view_typoreport"))
    client.force_login(reporter)
    assert client.get(LIST).status_code == 200
    assert client.post(f"{LIST}{report_.pk}/change/", {"_mark_done": "1"}).status_code == 403
    client.post(LIST, {"action": "mark_done", "_selected_action": [report_.pk]})
    report_.refresh_from_db()
    assert report_.state == TypoReport.State.NEW


def test_turning_a_report_into_a_correction_prefills_then_applies_the_editors_text(client, editor):
    article = trilingual_article()
    report_ = make_report(article, language="kk", selection="тақырып")
    client.force_login(editor)
    url = f"{LIST}{report_.pk}/correct/"
    form = lxml_html.fromstring(client.get(url).content.decode())
    # A field per released language; the report's language quotes the reader's selection.
    assert form.xpath("//textarea/@name") == ["text_ru", "text_kk", "text_en"]
    prefilled = form.xpath("//textarea[@name='text_kk']")[0].text_content()
    assert "тақырып" in prefilled
    assert form.xpath("//textarea[@name='text_en']")[0].text_content().strip() == (
        "A typo in the text was corrected."
    )
    # Nothing is published until the editor sends the form; an empty text is refused.
    assert not Correction.objects.exists()
    refused = client.post(url, {"text_ru": "Исправлено.", "text_kk": "", "text_en": "Fixed."})
    assert refused.status_code == 200
    assert not Correction.objects.exists()
    response = client.post(
        url,
        {
            "text_ru": "В заголовке исправлена опечатка.",
            "text_kk": "Тақырыптағы қате түзетілді.",
            "text_en": "A typo in the headline was corrected.",
        },
    )
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert correction.text_kk == "Тақырыптағы қате түзетілді."
    assert correction.created_by == editor
    step = Transition.objects.get(article=article, name="correct")
    assert step.user == editor and str(report_.pk) in step.comment
    report_.refresh_from_db()
    assert report_.state == TypoReport.State.CORRECTED
    assert (report_.correction, report_.handled_by) == (correction, editor)
    # The public page shows it.
    page = Client().get(article.get_absolute_url("kk")).content.decode()
    assert "Тақырыптағы қате түзетілді." in page
    # A handled report is not turned into a second correction.
    client.post(url, {"text_ru": "a", "text_kk": "b", "text_en": "c"})
    assert Correction.objects.count() == 1


def test_a_report_on_an_article_no_longer_public_cannot_become_a_correction(
    client, editor, article
):
    report_ = make_report(article)
    workflow.apply(article, "unpublish", user=editor, comment="Снято.")
    client.force_login(editor)
    response = client.post(f"{LIST}{report_.pk}/correct/", {"text_ru": "Исправлено."})
    assert response.status_code == 200
    assert not Correction.objects.exists()
    report_.refresh_from_db()
    assert report_.state == TypoReport.State.NEW


def test_an_editor_without_the_correct_permission_cannot_correct(client, editor, article):
    report_ = make_report(article)
    editor.groups.first().permissions.remove(Permission.objects.get(codename="correct_article"))
    client.force_login(editor)
    assert client.get(f"{LIST}{report_.pk}/correct/").status_code == 403


def test_the_list_reads_a_fixed_number_of_queries(client, editor, django_assert_max_num_queries):
    articles = [ArticleFactory() for _ in range(3)]
    for article in articles:
        for _ in range(5):
            make_report(article)
    client.force_login(editor)
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200


@pytest.mark.parametrize(
    "language, title",
    [
        ("ru", "Выберите сообщение об опечатке для изменения"),
        ("kk", "Өзгерту үшін қате туралы хабарды таңдаңыз"),
    ],
)
def test_the_list_is_titled_in_the_languages_grammar(client, editor, language, title):
    client.force_login(editor)
    page = client.get(LIST, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f"<h1>{title}</h1>" in page
