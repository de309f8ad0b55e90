import pytest
from django.urls import reverse

from articles.models import Article, Section
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/articles/article/"
ADD = "/admin/articles/article/add/"


def login(client, user):
    client.force_login(user)
    return client


def article_form(**overrides):
    data = {
        "headline_ru": "Новая статья",
        "headline_kk": "",
        "headline_en": "",
        "standfirst_ru": "",
        "standfirst_kk": "",
        "standfirst_en": "",
        "slug_ru": "",
        "slug_kk": "",
        "slug_en": "",
        "rubric": "",
        "published_at_0": "",
        "published_at_1": "",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "gallery-TOTAL_FORMS": "0",
        "gallery-INITIAL_FORMS": "0",
        "sections-TOTAL_FORMS": "2",
        "sections-INITIAL_FORMS": "0",
        "sections-0-position": "1",
        "sections-0-subhead_ru": "",
        "sections-0-body_ru": "<p>Первый <i>абзац</i>.</p><script>alert(1)</script>",
        "sections-1-position": "2",
        "sections-1-subhead_ru": "Подзаголовок",
        "sections-1-body_ru": (
            '<p onmouseover="x()">Второй <a href="javascript:alert(1)">абзац</a>.</p>'
        ),
    }
    data.update(overrides)
    return data


def test_reporter_creates_an_article_with_sanitised_sections(client, reporter):
    response = login(client, reporter).post(ADD, article_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.created_by == reporter
    bodies = [s.body_ru for s in article.sections.order_by("position")]
    assert bodies == ["<p>Первый <i>абзац</i>.</p>", "<p>Второй <a>абзац</a>.</p>"]
    assert article.slug_ru == "novaya-statya"


def test_posting_a_status_does_not_change_it(client, reporter):
    login(client, reporter).post(ADD, article_form(status="published"))
    assert Article.objects.get().status == Article.Status.DRAFT


def test_editor_publishes_with_the_admin_action(client, editor):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    client = login(client, editor)
    confirm = client.post(
        CHANGELIST, {"action": "transition_publish", "_selected_action": [article.pk]}
    )
    # The action first asks which languages to release.
    assert confirm.status_code == 200
    assert 'name="transition_languages"' in confirm.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    response = publish_in_admin(client, article)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at is not None
    assert article.updated_by == editor


def test_reporter_cannot_publish(client, reporter):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    client = login(client, reporter)
    page = client.get(CHANGELIST).content.decode()
    assert "transition_publish" not in page
    assert "transition_submit" in page
    publish_in_admin(client, article)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_publishing_keeps_an_existing_publication_time(client, editor):
    article = ArticleFactory(status=Article.Status.DRAFT)
    when = article.published_at
    publish_in_admin(login(client, editor), article)
    article.refresh_from_db()
    assert article.published_at == when


def test_photographer_cannot_see_or_change_articles(client, photographer):
    article = ArticleFactory()
    client = login(client, photographer)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(ADD).status_code == 403
    assert (
        client.get(reverse("admin:articles_article_change", args=[article.pk])).status_code == 403
    )
    assert client.post(ADD, article_form()).status_code == 403
    assert Article.objects.count() == 1


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_changelist_shows_status_rubric_languages_and_date(client, editor):
    ArticleFactory(headline_ru="Видимая статья", headline_kk="Көрінетін мақала")
    html = login(client, editor).get(CHANGELIST).content.decode()
    assert "Видимая статья" in html
    assert "column-languages_state" in html
    assert '<span lang="ru">ru: опубликована</span>' in html
    # A Kazakh headline but no Kazakh text in the sections.
    assert '<span lang="kk">kk: переводится</span>' in html
    assert '<span lang="en">en: нет</span>' in html


def test_changelist_search_finds_kazakh_headlines(client, editor):
    ArticleFactory(headline_ru="Первая", headline_kk="Бірінші мақала")
    ArticleFactory(headline_ru="Вторая")
    html = login(client, editor).get(CHANGELIST, {"q": "Бірінші"}).content.decode()
    assert "Первая" in html
    assert "Вторая" not in html


def test_admin_speaks_russian_to_a_russian_browser(client, editor):
    html = login(client, editor).get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Выберите" in html or "Статьи" in html


def test_change_form_has_a_ckeditor_for_every_language_tab(client, editor):
    article = ArticleFactory()
    html = (
        login(client, editor)
        .get(reverse("admin:articles_article_change", args=[article.pk]))
        .content.decode()
    )
    for code in ("ru", "kk", "en"):
        assert f'name="sections-0-body_{code}"' in html
        assert f'id="id_sections-0-body_{code}"' in html
    assert "django_ckeditor_5" in html
    assert "vendor/jquery-ui/jquery-ui.min.js" in html
    assert "ajax.googleapis.com" not in html


def test_sections_are_renumbered_in_the_editors_order(client, editor):
    data = article_form(**{"sections-0-position": "5", "sections-1-position": "2"})
    login(client, editor).post(ADD, data)
    sections = list(Section.objects.order_by("position"))
    assert [s.position for s in sections] == [1, 2]
    assert sections[0].subhead_ru == "Подзаголовок"


def test_the_editors_own_image_upload_is_refused_and_stores_nothing(client, editor, settings):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "PNG")
    article = ArticleFactory()
    client = login(client, editor)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    upload_url = reverse("ckeditor_upload_refused")
    assert upload_url in html
    response = client.post(
        upload_url, {"upload": SimpleUploadedFile("x.png", buffer.getvalue(), "image/png")}
    )
    assert response.status_code == 403
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.png"))
    assert client.post("/ckeditor5/image_upload/", {}).status_code == 404


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def existing_article_form(article, **overrides):
    data = article_form(
        headline_ru=article.headline_ru,
        standfirst_ru=article.standfirst_ru,
        slug_ru=article.slug_ru,
        expected_version=str(article.version),
        **{"sections-TOTAL_FORMS": "0", "sections-INITIAL_FORMS": "0"},
    )
    for key in [k for k in data if k.startswith("sections-") and k[9].isdigit()]:
        del data[key]
    data.update(overrides)
    return data


def test_reporter_cannot_change_a_published_article(client, reporter):
    article = ArticleFactory(headline_ru="Опубликованный заголовок", created_by=reporter)
    client = login(client, reporter)
    page = client.get(change_url(article)).content.decode()
    assert 'name="headline_ru"' not in page  # read-only view
    response = client.post(change_url(article), existing_article_form(article, headline_ru="Взлом"))
    # Refused in the form, never a bare 403: the text stays and the editor is named.
    assert response.status_code == 200
    page = response.content.decode()
    assert "Взлом" in page
    assert "newsroom-system" in page
    article.refresh_from_db()
    assert article.headline_ru == "Опубликованный заголовок"


def test_reporter_cannot_change_another_reporters_draft(client, reporter):
    from django.contrib.auth import get_user_model

    other = get_user_model().objects.create_user("other-reporter")
    article = ArticleFactory(status=Article.Status.DRAFT, created_by=other, headline_ru="Чужой")
    response = login(client, reporter).post(
        change_url(article), existing_article_form(article, headline_ru="Моё")
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline_ru == "Чужой"


def test_reporter_edits_own_draft_but_not_its_publication_time(client, reporter):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None, created_by=reporter)
    response = login(client, reporter).post(
        change_url(article),
        existing_article_form(
            article,
            headline_ru="Новый заголовок",
            published_at_0="01.01.2030",
            published_at_1="10:00",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.headline_ru == "Новый заголовок"
    assert article.published_at is None


def test_editor_cannot_leave_a_published_article_without_a_time(client, editor):
    article = ArticleFactory(headline_ru="Заголовок")
    response = login(client, editor).post(
        change_url(article), existing_article_form(article, published_at_0="", published_at_1="")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.get("published_at"), response.context[
        "adminform"
    ].form.errors
    article.refresh_from_db()
    assert article.published_at is not None


def publish_in_admin(client, article):
    """The changelist's Publish action on one article, as an English-speaking editor."""
    return client.post(
        CHANGELIST,
        {"action": "transition_publish", "_selected_action": [article.pk], "confirm": "yes"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_publishing_is_refused_while_a_photo_lacks_alt_text_credit_or_valid_terms(client, editor):
    import datetime as dt

    from django.utils import timezone

    from tests.photos import photo

    no_alt = photo(credit="ТАСС", caption="Без описания", alt_text_ru="")
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None, lead_photo=no_alt)
    client = login(client, editor)
    response = publish_in_admin(client, article)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert "has no alt text in Russian" in response.content.decode()

    no_alt.alt_text_ru = "Описание"
    no_alt.usage_expires_on = timezone.localdate() - dt.timedelta(days=1)
    no_alt.save()
    response = publish_in_admin(client, article)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert "expired on" in response.content.decode()

    no_alt.usage_expires_on = None
    no_alt.save()
    publish_in_admin(client, article)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


def test_an_agency_photo_needs_its_credit_in_every_language_the_article_is_complete_in():
    from articles import workflow
    from tests.factories import trilingual_article
    from tests.photos import photo

    handout = photo(credit="пресс-службы Акорды", alt_text_ru="a", alt_text_kk="ә", alt_text_en="a")
    article = trilingual_article(status=Article.Status.DRAFT, lead_photo=handout)
    from django.utils import translation

    with translation.override("en"):
        problems = workflow.photo_problems(article)
    assert len(problems) == 2
    assert all("no credit" in problem for problem in problems)
    handout.credit_kk, handout.credit_en = "Ақорда баспасөз қызметі", "Akorda press service"
    handout.save()
    assert workflow.photo_problems(article) == []


def test_second_editor_saving_the_same_article_is_refused_and_keeps_their_text(client, editor):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from newsroom import roles

    second_user = get_user_model().objects.create_user("editor2", is_staff=True)
    second_user.groups.add(editor.groups.get(name=roles.EDITOR))
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None, headline_ru="Исходный")
    first, second = login(client, editor), Client()
    second.force_login(second_user)
    opened_version = str(article.version)
    first_response = first.post(
        change_url(article),
        existing_article_form(
            article, expected_version=opened_version, headline_ru="Правка первого"
        ),
    )
    assert first_response.status_code == 302
    refused = second.post(
        change_url(article),
        existing_article_form(
            article, expected_version=opened_version, headline_ru="Правка второго"
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "editor1 saved this article at" in page
    assert 'value="Правка второго"' in page
    article.refresh_from_db()
    assert article.headline_ru == "Правка первого"
    # Saving the refused form again is a deliberate overwrite.
    retry = refused.context["adminform"].form["expected_version"].value()
    assert retry == str(article.version)
    again = second.post(
        change_url(article),
        existing_article_form(article, expected_version=retry, headline_ru="Правка второго"),
    )
    assert again.status_code == 302
    article.refresh_from_db()
    assert article.headline_ru == "Правка второго"


def test_a_change_without_the_version_it_was_made_on_is_refused(client, editor):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None, headline_ru="Было")
    data = existing_article_form(article, headline_ru="Стало")
    del data["expected_version"]
    response = login(client, editor).post(change_url(article), data)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.headline_ru == "Было"


def test_a_photographer_photo_with_an_agency_needs_the_agency_in_each_language(amankul):
    from django.utils import translation

    from articles import workflow
    from tests.factories import trilingual_article
    from tests.photos import photo

    mixed = photo(by=amankul, credit="Reuters", alt_text_ru="a", alt_text_kk="ә", alt_text_en="a")
    article = trilingual_article(status=Article.Status.DRAFT, lead_photo=mixed)
    with translation.override("en"):
        problems = workflow.photo_problems(article)
    assert len(problems) == 2 and all("no credit" in p for p in problems)
    mixed.credit_kk = mixed.credit_en = "Reuters"
    mixed.save()
    assert workflow.photo_problems(article) == []


def test_publishing_bumps_the_version_so_open_forms_see_the_change(editor):
    from articles import workflow

    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    before = article.version
    workflow.apply(article, "publish", user=editor)
    article.refresh_from_db()
    assert article.version == before + 1


def test_reporter_cannot_change_own_article_once_in_review(client, reporter):
    article = ArticleFactory(
        status=Article.Status.IN_REVIEW, published_at=None, created_by=reporter
    )
    response = login(client, reporter).post(
        change_url(article), existing_article_form(article, headline_ru="Поздняя правка")
    )
    assert response.status_code == 200
    assert "Поздняя правка" in response.content.decode()
    article.refresh_from_db()
    assert article.headline_ru != "Поздняя правка"


def test_reporters_save_after_an_editor_returned_and_resubmitted_keeps_their_text(
    client, reporter, editor
):
    from articles import workflow

    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None, created_by=reporter)
    client = login(client, reporter)
    opened = existing_article_form(article, headline_ru="Текст репортёра")
    # While the reporter types, the editor publishes the article.
    workflow.apply(article, "publish", user=editor)
    response = client.post(change_url(article), opened)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Текст репортёра" in page
    assert "editor1" in page  # who changed the state
    assert "опубликована" in page  # what happened
    article.refresh_from_db()
    assert article.headline_ru != "Текст репортёра"
