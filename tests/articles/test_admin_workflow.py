"""The workflow as the newsroom meets it in the admin: buttons, desk, mail, history, revert."""

import datetime as dt
import re

import pytest
import reversion
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.models import Article, Author, Section
from tests.factories import ArticleFactory, trilingual_article

pytestmark = pytest.mark.django_db

LANGS = ("ru", "kk", "en")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def full_form(article, **overrides):
    """The change form as a browser posts it unchanged, every language included."""
    article.refresh_from_db()
    sections = list(article.sections.order_by("position"))
    local = timezone.localtime(article.published_at) if article.published_at else None
    data = {
        "expected_version": article.version,
        "published_at_0": local.strftime("%d.%m.%Y") if local else "",
        "published_at_1": local.strftime("%H:%M:%S") if local else "",
        "lead_photo": article.lead_photo_id or "",
        "rubric": article.rubric_id or "",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "gallery-TOTAL_FORMS": "0",
        "gallery-INITIAL_FORMS": "0",
        "sections-TOTAL_FORMS": str(len(sections)),
        "sections-INITIAL_FORMS": str(len(sections)),
    }
    for code in LANGS:
        for field in ("headline", "standfirst", "slug"):
            data[f"{field}_{code}"] = getattr(article, f"{field}_{code}") or ""
    for i, section in enumerate(sections):
        data |= {
            f"sections-{i}-id": section.pk,
            f"sections-{i}-article": article.pk,
            f"sections-{i}-position": section.position,
            f"sections-{i}-photo": section.photo_id or "",
        }
        for code in LANGS:
            data[f"sections-{i}-subhead_{code}"] = getattr(section, f"subhead_{code}") or ""
            data[f"sections-{i}-body_{code}"] = getattr(section, f"body_{code}") or ""
    data.update(overrides)
    return data


def test_change_form_offers_exactly_the_steps_the_user_may_take(client, reporter, editor):
    article = ArticleFactory(status=Article.Status.DRAFT, created_by=reporter, published_at=None)
    client.force_login(reporter)
    steps = re.findall(r'data-transition="(\w+)"', client.get(change_url(article)).content.decode())
    assert steps == ["submit"]
    client.force_login(editor)
    steps = re.findall(r'data-transition="(\w+)"', client.get(change_url(article)).content.decode())
    assert steps == ["submit", "publish", "schedule"]
    published = trilingual_article(released=["ru"])
    steps = re.findall(
        r'data-transition="(\w+)"', client.get(change_url(published)).content.decode()
    )
    assert steps == ["unpublish", "archive", "release", "correct"]


def test_a_step_button_saves_the_edit_then_applies_the_step(client, reporter):
    article = ArticleFactory(status=Article.Status.DRAFT, created_by=reporter, published_at=None)
    client.force_login(reporter)
    response = client.post(
        change_url(article), full_form(article, headline_ru="Исправлено", _transition="submit")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline_ru == "Исправлено"
    assert article.status == Article.Status.IN_REVIEW
    step = article.transitions.get()
    assert (step.name, step.from_status, step.to_status, step.user) == (
        "submit", "draft", "in_review", reporter,
    )  # fmt: skip


def test_returning_without_a_comment_is_refused_and_the_edit_is_kept(client, editor):
    article = ArticleFactory(status=Article.Status.IN_REVIEW, published_at=None)
    client.force_login(editor)
    response = client.post(
        change_url(article),
        full_form(article, headline_ru="Правка редактора", _transition="return"),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "needs a comment" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    assert article.headline_ru == "Правка редактора"
    assert not article.transitions.filter(name="return").exists()


def test_a_step_posted_without_permission_changes_nothing(client, reporter):
    article = ArticleFactory(status=Article.Status.DRAFT, created_by=reporter, published_at=None)
    client.force_login(reporter)
    client.post(change_url(article), full_form(article, _transition="publish"))
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.released_languages() == []
    assert not article.transitions.exists()


def test_editors_hear_of_a_submission_and_the_author_of_a_return(reporter, editor):
    editor.email = "editor@example.kz"
    editor.save()
    reporter.email = "reporter@example.kz"
    reporter.save()
    article = ArticleFactory(
        status=Article.Status.DRAFT, created_by=reporter, published_at=None, headline_ru="Сюжет"
    )
    with django_on_commit():
        workflow.apply(article, "submit", user=reporter)
    assert [m.to for m in mail.outbox] == [["editor@example.kz"]]
    assert "Сюжет" in mail.outbox[0].subject
    with django_on_commit():
        workflow.apply(article, "return", user=editor, comment="Нужны цифры за 2025 год")
    assert mail.outbox[1].to == ["reporter@example.kz"]
    assert "Нужны цифры за 2025 год" in mail.outbox[1].body


class django_on_commit:
    """Run on_commit callbacks of the block (tests run inside one transaction)."""

    def __enter__(self):
        from django.test import TestCase

        self._cm = TestCase.captureOnCommitCallbacks(execute=True)
        return self._cm.__enter__()

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def test_desk_counts_and_links_each_list(client, reporter, editor):
    mine = ArticleFactory(status=Article.Status.DRAFT, created_by=reporter, published_at=None)
    ArticleFactory(status=Article.Status.IN_REVIEW, created_by=reporter, published_at=None)
    returned = ArticleFactory(
        status=Article.Status.IN_REVIEW, created_by=reporter, published_at=None
    )
    workflow.apply(returned, "return", user=editor, comment="Сократите")
    ArticleFactory(published_at=timezone.now() + dt.timedelta(hours=3))  # scheduled
    ArticleFactory(published_at=timezone.now() - dt.timedelta(hours=3))  # recent
    client.force_login(reporter)
    page = client.get(reverse("admin:index")).content.decode()
    counts = dict(re.findall(r'data-desk="(\w+)">[^<]*</a></th><td class="count">(\d+)</td>', page))
    assert counts == {
        "mine": "2", "review": "1", "returned": "1", "scheduled": "0", "recent": "0",
    }  # fmt: skip
    client.force_login(editor)
    page = client.get(reverse("admin:index")).content.decode()
    counts = dict(re.findall(r'data-desk="(\w+)">[^<]*</a></th><td class="count">(\d+)</td>', page))
    assert counts == {
        "mine": "0", "review": "1", "returned": "0", "scheduled": "1", "recent": "1",
    }  # fmt: skip
    client.force_login(reporter)
    listed = client.get(reverse("admin:articles_article_changelist") + "?desk=returned")
    assert listed.status_code == 200
    assert list(listed.context["cl"].result_list) == [returned]
    assert mine in Article.objects.filter(status=Article.Status.DRAFT)


def test_changelist_says_when_a_scheduled_article_goes_out(client, editor):
    when = timezone.now() + dt.timedelta(days=1)
    ArticleFactory(published_at=when)
    client.force_login(editor)
    page = client.get(
        reverse("admin:articles_article_changelist"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    local = timezone.localtime(when)
    assert "scheduled for" in page
    assert local.strftime("%H:%M") in page


def test_change_form_shows_the_workflow_history(client, editor, reporter):
    article = ArticleFactory(status=Article.Status.DRAFT, created_by=reporter, published_at=None)
    workflow.apply(article, "submit", user=reporter)
    workflow.apply(article, "return", user=editor, comment="Добавьте цитату министра")
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    history = page[page.index('class="workflow-history"') :]
    assert "Добавьте цитату министра" in history
    assert "reporter1" in history
    assert "editor1" in history


def test_an_edit_that_would_leave_a_released_language_incomplete_is_refused(client, editor):
    article = trilingual_article(released=["ru", "kk"])
    client.force_login(editor)
    response = client.post(
        change_url(article),
        full_form(article, **{"sections-1-body_kk": "", "headline_ru": "Новый"}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "withdraw the translation first" in response.content.decode()
    article.refresh_from_db()
    assert article.headline_ru != "Новый"
    assert article.sections.get(position=2).body_kk == "<p>Тағы.</p>"
    # The English text is not released: it may be emptied.
    response = client.post(change_url(article), full_form(article, **{"sections-1-body_en": ""}))
    assert response.status_code == 302
    assert article.sections.get(position=2).body_en == ""
    # Blanking a released headline is refused too.
    response = client.post(change_url(article), full_form(article, headline_kk=""))
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.headline_kk == "Қазақша тақырып"


def test_only_a_user_manager_binds_an_author_to_an_account(client, editor, reporter):
    from django.contrib.auth import get_user_model

    author = Author.objects.create(name_ru="Автор")
    url = reverse("admin:articles_author_change", args=[author.pk])
    client.force_login(editor)
    client.post(url, {"name_ru": "Автор", "user": reporter.pk})
    author.refresh_from_db()
    assert author.user is None
    manager = get_user_model().objects.create_superuser("manager", "m@example.kz", "pw")
    client.force_login(manager)
    response = client.post(url, {"name_ru": "Автор", "user": reporter.pk})
    assert response.status_code == 302
    author.refresh_from_db()
    assert author.user == reporter


def test_revert_restores_text_and_sections_but_not_the_workflow_state(client, editor):
    article = ArticleFactory(headline_ru="Первая редакция")
    client.force_login(editor)
    # Two saves through the admin: two revisions.
    assert client.post(change_url(article), full_form(article)).status_code == 302
    data = full_form(article, headline_ru="Вторая редакция")
    data |= {
        "sections-TOTAL_FORMS": "3",
        "sections-2-position": "3",
        "sections-2-article": article.pk,
        "sections-2-body_ru": "<p>Новый раздел.</p>",
        "sections-2-subhead_ru": "Новый подзаголовок",
    }
    assert client.post(change_url(article), data).status_code == 302
    assert article.sections.count() == 3
    versions = Version.objects.get_for_object(article)
    assert len(versions) == 2
    first = versions[1]
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    form_page = client.get(revision_url)
    assert "Первая редакция" in form_page.content.decode()
    article.refresh_from_db()
    assert article.headline_ru == "Вторая редакция"  # a GET reverts nothing
    # The revision form as shown, posted back: the revert.
    sections = list(Section.objects.filter(article=article).order_by("position"))
    assert len(sections) == 3
    revert = full_form(article, headline_ru="Первая редакция")
    revert |= {"sections-TOTAL_FORMS": "2", "sections-INITIAL_FORMS": "2"}
    for key in [k for k in revert if k.startswith("sections-2-")]:
        del revert[key]
    response = client.post(revision_url, revert)
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.headline_ru == "Первая редакция"
    assert article.sections.count() == 2
    assert article.status == Article.Status.PUBLISHED
    assert article.released_languages() == ["ru"]
    assert Article.objects.available_in("ru").filter(pk=article.pk).exists()


def test_revert_of_a_released_article_cannot_bring_back_an_incomplete_language(client, editor):
    article = trilingual_article(released=["ru"])
    client.force_login(editor)
    # Revision 1: no Kazakh in the second section.
    data = full_form(article, **{"sections-1-body_kk": ""})
    assert client.post(change_url(article), data).status_code == 302
    # Revision 2: the Kazakh text back; then Kazakh is released.
    data = full_form(article, **{"sections-1-body_kk": "<p>Тағы.</p>"})
    assert client.post(change_url(article), data).status_code == 302
    workflow.apply(article, "release", user=editor, languages=["kk"])
    first = Version.objects.get_for_object(article)[1]
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    response = client.post(
        revision_url, full_form(article, **{"sections-1-body_kk": ""}), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "withdraw the translation first" in response.content.decode()
    article.refresh_from_db()
    assert article.sections.get(position=2).body_kk == "<p>Тағы.</p>"
    assert reversion.is_registered(Article)


def test_the_correct_action_takes_a_correction_in_every_released_language(client, editor):
    article = trilingual_article(released=["ru", "kk"])
    client.force_login(editor)
    changelist = reverse("admin:articles_article_changelist")
    confirm = client.post(
        changelist, {"action": "transition_correct", "_selected_action": [article.pk]}
    )
    assert 'name="correction_kk"' in confirm.content.decode()
    client.post(
        changelist,
        {
            "action": "transition_correct",
            "_selected_action": [article.pk],
            "confirm": "yes",
            "correction_ru": "Исправлена дата открытия.",
            "correction_kk": "Ашылу күні түзетілді.",
        },
    )
    correction = article.corrections.get()
    assert (correction.text_ru, correction.text_kk) == (
        "Исправлена дата открытия.",
        "Ашылу күні түзетілді.",
    )
    page = client.get(article.get_absolute_url("kk")).content.decode()
    assert "Ашылу күні түзетілді." in page


def test_withdraw_is_offered_only_while_another_language_stays_released(editor):
    one = trilingual_article(released=["ru"])
    two = trilingual_article(released=["ru", "en"])
    assert "withdraw" not in workflow.available_transitions(one, editor)
    assert "withdraw" in workflow.available_transitions(two, editor)
