"""Nothing the newsroom has not released reaches the public, at any address the public uses.

An article in each non-public state answers 404 on its article pages, on the page of a
photographer whose only photo it shows, and at the signed rendition URL of that photo,
and is in no public list; the same addresses answer once the article is made public, so
every 404 below is the state's doing. Scheduled articles and translations become
visible at the exact moment, previews are signed and expire, and the admin's "view on
site" never hands out a public address (or a slug) for what is not public.
"""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from articles import workflow
from articles.models import Article, GalleryPhoto
from articles.preview import preview_url
from media_credits.models import Rendition
from media_credits.renditions import rendition_url
from tests.factories import trilingual_article
from tests.photos import photo, photographer

pytestmark = pytest.mark.django_db

LANGUAGES = ("ru", "kk", "en")
ALT_TEXT = {"alt_text_ru": "Описание", "alt_text_kk": "Сипаттама", "alt_text_en": "Description"}
RENDITION_WIDTH = min(settings.PHOTO_RENDITION_WIDTHS)
COMMENT = "Снято с публикации"

#: state -> the languages in which the article must not be public
NON_PUBLIC_STATES = {
    "draft": LANGUAGES,
    "in_review": LANGUAGES,
    "scheduled": LANGUAGES,
    "unpublished": LANGUAGES,
    "archived": LANGUAGES,
    "kk_not_released": ("kk",),
}


# -- helpers -----------------------------------------------------------------------------


def only_photo_of_a_new_photographer(name="Фотограф Единственный"):
    """A photographer, and the one photo of theirs (small: renditions are made in tests)."""
    author = photographer(name, "Фотографа Единственного", name_kk=name, name_en="Solo Shooter")
    return author, photo(by=author, size=(640, 400), **ALT_TEXT)


def draft_showing(shown, *, where="lead"):
    """A trilingual draft showing ``shown`` as its lead, section or gallery photo."""
    article = trilingual_article(
        status=Article.Status.DRAFT,
        published_at=None,
        lead_photo=shown if where == "lead" else None,
    )
    if where == "section":
        section = article.sections.order_by("position").last()
        section.photo = shown
        section.save()
    elif where == "gallery":
        GalleryPhoto.objects.create(article=article, photo=shown, position=1)
    return article


def bring_to(article, state, *, editor, client=None, shown=None):
    """Take a draft to one of the NON_PUBLIC_STATES through the workflow.

    On the way through a public state, the public (``client``) sees the photo ``shown``.
    """
    if state == "draft":
        return
    if state == "in_review":
        workflow.apply(article, "submit", user=editor)
        return
    if state == "scheduled":
        workflow.apply(article, "schedule", user=editor, at=timezone.now() + dt.timedelta(days=1))
        return
    if state == "kk_not_released":
        workflow.apply(article, "publish", user=editor, languages=["ru", "en"])
        return
    workflow.apply(article, "publish", user=editor)
    if client is not None:
        assert client.get(rendition_of(shown)).status_code == 302
    if state == "unpublished":
        workflow.apply(article, "unpublish", user=editor, comment=COMMENT)
    elif state == "archived":
        workflow.apply(article, "archive", user=editor)


def make_public(article, state, *, editor):
    """Release the article everywhere, due now (undoing ``state``)."""
    if state == "kk_not_released":
        workflow.apply(article, "release", user=editor, languages=["kk"])
        return
    if state == "scheduled":
        workflow.apply(article, "unpublish", user=editor, comment=COMMENT)
        article.refresh_from_db()
        article.published_at = None
        article.save()
    if state == "archived":
        workflow.apply(article, "restore", user=editor)
    workflow.apply(article, "publish", user=editor)


def rendition_of(shown):
    return rendition_url(shown, width=RENDITION_WIDTH, image_format="webp")


def article_urls(article, language):
    stored = Article.objects.get(pk=article.pk)
    slug = getattr(stored, f"slug_{language}")
    assert slug  # complete in every language: each has its own slug
    return [f"/{language}/articles/{article.pk}-{slug}/", f"/{language}/articles/{article.pk}/"]


def photographer_url(author, language):
    return f"/{language}/photographers/{author.pk}-{author.slug}/"


def assert_not_on_front_page(client, article, language):
    stored = Article.objects.get(pk=article.pk)
    page = client.get(f"/{language}/").content.decode()
    assert f"/articles/{article.pk}-" not in page, language
    assert getattr(stored, f"headline_{language}") not in page, language


def assert_on_front_page(client, article, language):
    stored = Article.objects.get(pk=article.pk)
    page = client.get(f"/{language}/").content.decode()
    assert f'href="{stored.get_absolute_url(language)}"' in page, language


def public_statuses(client, article, author, language):
    """Status code of each public address of the article and its photo in ``language``."""
    urls = [*article_urls(article, language), photographer_url(author, language)]
    return {url: client.get(url).status_code for url in urls}


# -- the leak matrix ----------------------------------------------------------------------


@pytest.mark.parametrize("state", list(NON_PUBLIC_STATES))
def test_an_article_that_is_not_public_answers_404_everywhere_public_until_it_is(
    client, editor, state
):
    author, shown = only_photo_of_a_new_photographer()
    made_by_the_worker = set(Rendition.objects.filter(photo=shown).values_list("pk", "file"))
    article = draft_showing(shown)
    bring_to(article, state, editor=editor, client=client, shown=shown)
    hidden_in = NON_PUBLIC_STATES[state]
    for language in hidden_in:
        assert set(public_statuses(client, article, author, language).values()) == {404}, language
        assert_not_on_front_page(client, article, language)
    if hidden_in == LANGUAGES:
        # No page in any language shows the photo: its files are not served either.
        assert client.get(rendition_of(shown)).status_code == 404
        # No request made one: at most those the photo worker made at upload are left
        # (unguessable names no page links), or none once the photo stopped being public.
        made = set(Rendition.objects.filter(photo=shown).values_list("pk", "file"))
        assert made <= made_by_the_worker

    make_public(article, state, editor=editor)
    for language in hidden_in:
        statuses = public_statuses(client, article, author, language)
        canonical, short, photographer_page = statuses.values()
        assert (canonical, short, photographer_page) == (200, 301, 200), language
        assert_on_front_page(client, article, language)
    assert client.get(rendition_of(shown)).status_code == 302


@pytest.mark.parametrize("where", ["lead", "section", "gallery"])
def test_a_photo_shown_only_by_a_draft_is_served_nowhere_public(client, editor, where):
    author, shown = only_photo_of_a_new_photographer()
    article = draft_showing(shown, where=where)
    assert client.get(rendition_of(shown)).status_code == 404
    for language in LANGUAGES:
        assert client.get(photographer_url(author, language)).status_code == 404
    workflow.apply(article, "publish", user=editor)
    assert client.get(rendition_of(shown)).status_code == 302
    for language in LANGUAGES:
        assert client.get(photographer_url(author, language)).status_code == 200


def test_unpublishing_deletes_the_rendition_files_the_public_saw(
    client, editor, django_capture_on_commit_callbacks
):
    author, shown = only_photo_of_a_new_photographer()
    article = draft_showing(shown)
    workflow.apply(article, "publish", user=editor)
    response = client.get(rendition_of(shown))
    assert response.status_code == 302
    served = Rendition.objects.get(
        photo=shown, width_requested=RENDITION_WIDTH, image_format="webp"
    )
    stored = Path(settings.MEDIA_ROOT) / served.file.name
    assert stored.is_file()
    assert response["Location"].endswith(stored.name)
    every = [Path(settings.MEDIA_ROOT) / r.file.name for r in Rendition.objects.filter(photo=shown)]
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(article, "unpublish", user=editor, comment=COMMENT)
    assert not stored.exists()
    assert not any(path.exists() for path in every)  # those the worker made too
    assert client.get(rendition_of(shown)).status_code == 404
    assert client.get(photographer_url(author, "ru")).status_code == 404


def test_withdrawing_a_language_hides_it_and_keeps_the_others(client, editor):
    author, shown = only_photo_of_a_new_photographer()
    article = draft_showing(shown)
    workflow.apply(article, "publish", user=editor)
    workflow.apply(article, "withdraw", user=editor, languages=["kk"], comment=COMMENT)
    assert set(public_statuses(client, article, author, "kk").values()) == {404}
    assert_not_on_front_page(client, article, "kk")
    assert public_statuses(client, article, author, "ru")[article_urls(article, "ru")[0]] == 200
    assert client.get(rendition_of(shown)).status_code == 302


def test_a_photo_removed_from_a_public_article_in_the_admin_stops_being_served(client, editor):
    from tests.articles.test_workflow import full_change_form

    author, shown = only_photo_of_a_new_photographer()
    article = draft_showing(shown)
    workflow.apply(article, "publish", user=editor)
    assert client.get(rendition_of(shown)).status_code == 302
    client.force_login(editor)
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/",
        full_change_form(article) | {"lead_photo": ""},
    )
    assert response.status_code == 302
    client.logout()
    assert Article.objects.get(pk=article.pk).lead_photo is None
    assert client.get(rendition_of(shown)).status_code == 404
    assert client.get(photographer_url(author, "ru")).status_code == 404
    assert client.get(article_urls(article, "ru")[0]).status_code == 200


def test_moving_a_published_article_into_the_future_in_the_admin_hides_it_until_then(
    client, editor
):
    from tests.articles.test_workflow import full_change_form

    author, shown = only_photo_of_a_new_photographer()
    article = draft_showing(shown)
    workflow.apply(article, "publish", user=editor)
    assert client.get(rendition_of(shown)).status_code == 302
    later = timezone.localtime(timezone.now() + dt.timedelta(days=2)).replace(microsecond=0)
    client.force_login(editor)
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/",
        full_change_form(article)
        | {
            "published_at_0": later.strftime("%Y-%m-%d"),
            "published_at_1": later.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302
    client.logout()
    assert Article.objects.get(pk=article.pk).published_at == later
    assert set(public_statuses(client, article, author, "ru").values()) == {404}
    assert_not_on_front_page(client, article, "ru")
    assert client.get(rendition_of(shown)).status_code == 404
    with time_machine.travel(later + dt.timedelta(seconds=1)):
        assert client.get(article_urls(article, "ru")[0]).status_code == 200
        assert client.get(rendition_of(shown)).status_code == 302


# -- the moment it becomes public ---------------------------------------------------------


def test_a_scheduled_article_becomes_public_exactly_when_its_time_passes(client, editor):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    due = start + dt.timedelta(hours=2)
    with time_machine.travel(start, tick=False) as traveller:
        author, shown = only_photo_of_a_new_photographer()
        article = draft_showing(shown)
        workflow.apply(article, "schedule", user=editor, at=due)
        page = article_urls(article, "ru")[0]

        traveller.move_to(due - dt.timedelta(seconds=1))
        assert client.get(page).status_code == 404
        assert client.get(photographer_url(author, "ru")).status_code == 404
        assert client.get(rendition_of(shown)).status_code == 404
        assert_not_on_front_page(client, article, "ru")

        traveller.move_to(due)
        assert client.get(page).status_code == 200

        traveller.move_to(due + dt.timedelta(seconds=1))
        assert client.get(page).status_code == 200
        assert client.get(photographer_url(author, "ru")).status_code == 200
        assert client.get(rendition_of(shown)).status_code == 302
        assert_on_front_page(client, article, "ru")


def test_a_translation_becomes_public_exactly_when_it_is_released(client, editor):
    author, shown = only_photo_of_a_new_photographer()
    article = draft_showing(shown)
    workflow.apply(article, "publish", user=editor, languages=["ru"])
    page = article_urls(article, "kk")[0]
    assert client.get(page).status_code == 404
    assert client.get(photographer_url(author, "kk")).status_code == 404
    assert_not_on_front_page(client, article, "kk")
    # Nor is it offered from the Russian page, nor its slug named there.
    russian = client.get(article_urls(article, "ru")[0]).content.decode()
    assert f"/kk/articles/{article.pk}" not in russian
    assert Article.objects.get(pk=article.pk).slug_kk not in russian

    workflow.apply(article, "release", user=editor, languages=["kk"])
    assert client.get(page).status_code == 200
    assert client.get(photographer_url(author, "kk")).status_code == 200
    assert_on_front_page(client, article, "kk")
    russian = client.get(article_urls(article, "ru")[0]).content.decode()
    assert f'hreflang="kk" href="{page}"' in russian


# -- previews -----------------------------------------------------------------------------


def test_a_preview_link_shows_an_unpublished_article_marked_noindex(client):
    article = trilingual_article(status=Article.Status.DRAFT, published_at=None)
    response = client.get(preview_url(article, "kk"))
    assert response.status_code == 200
    page = response.content.decode()
    assert article.headline_kk in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert '<link rel="canonical"' not in page


def test_a_preview_link_expires_after_the_preview_max_age(client):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        article = trilingual_article(status=Article.Status.DRAFT, published_at=None)
        url = preview_url(article, "ru")
        traveller.move_to(start + dt.timedelta(seconds=settings.PREVIEW_MAX_AGE - 1))
        assert client.get(url).status_code == 200
        traveller.move_to(start + dt.timedelta(seconds=settings.PREVIEW_MAX_AGE + 1))
        response = client.get(url)
        assert response.status_code == 404
        assert article.headline_ru not in response.content.decode()


@pytest.mark.parametrize("part", ["payload", "signature"])
def test_a_tampered_preview_link_answers_404(client, part):
    article = trilingual_article(status=Article.Status.DRAFT, published_at=None)
    url = preview_url(article, "ru")
    token = url.removeprefix("/preview/").removesuffix("/")
    position = 2 if part == "payload" else len(token) - 2
    flipped = "A" if token[position] != "A" else "B"
    tampered = token[:position] + flipped + token[position + 1 :]
    response = client.get(f"/preview/{tampered}/")
    assert response.status_code == 404
    assert article.headline_ru not in response.content.decode()


def test_a_preview_link_for_a_deleted_article_answers_404(client):
    article = trilingual_article(status=Article.Status.DRAFT, published_at=None)
    url = preview_url(article, "ru")
    Article.objects.filter(pk=article.pk).delete()
    assert client.get(url).status_code == 404


# -- the admin's "view on site" -----------------------------------------------------------


def view_on_site_url(article):
    content_type = ContentType.objects.get_for_model(Article)
    return f"/admin/r/{content_type.pk}/{article.pk}/"


@pytest.mark.parametrize("who", ["photographer", "other_reporter", "anonymous"])
def test_view_on_site_of_an_unpublished_article_tells_outsiders_nothing(
    client, photographer, reporter, editor, who
):
    article = trilingual_article(
        status=Article.Status.DRAFT,
        published_at=None,
        headline_ru="Секретная статья",
        created_by=editor,
    )
    if who == "photographer":
        client.force_login(photographer)
    elif who == "other_reporter":
        client.force_login(reporter)
    response = client.get(view_on_site_url(article))
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    else:
        assert response.status_code == 404
    for secret in (article.slug_ru, article.slug_kk, article.slug_en, "Секретная статья"):
        assert secret not in response.content.decode()
        assert secret not in response.get("Location", "")


def test_view_on_site_sends_an_editor_to_the_preview_of_an_unpublished_article(client, editor):
    article = trilingual_article(status=Article.Status.DRAFT, published_at=None)
    client.force_login(editor)
    response = client.get(view_on_site_url(article))
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/preview/")
    assert article.slug_ru not in location
    for language in LANGUAGES:
        assert location != article.get_absolute_url(language)
    client.logout()
    shown = client.get(location)
    assert shown.status_code == 200
    assert "noindex" in shown["X-Robots-Tag"]


def test_view_on_site_sends_the_author_of_a_scheduled_article_to_its_preview(client, reporter):
    article = trilingual_article(
        created_by=reporter, published_at=timezone.now() + dt.timedelta(days=1)
    )
    client.force_login(reporter)
    response = client.get(view_on_site_url(article))
    assert response.status_code == 302
    assert response["Location"].startswith("/preview/")


def test_view_on_site_of_a_public_article_is_its_public_address(client, editor):
    article = trilingual_article(released=["kk"])
    client.force_login(editor)
    response = client.get(view_on_site_url(article))
    assert response.status_code == 302
    assert response["Location"] == Article.objects.get(pk=article.pk).get_absolute_url("kk")
