"""The editorial workflow: who may take which step, from which state, with what effect.

The permission matrices follow DESIGN.md's table (submit: the article's author or an
editor; every other step: an editor) and are parametrized over workflow.TRANSITIONS, so a
row added to the table is tested the day it is added (it needs an entry in STEPS below).
They run three ways: workflow.apply() directly, the article change form's workflow
buttons, and the changelist actions.
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from lxml import html as lxml_html

from articles import workflow
from articles.models import LANGUAGE_CODES, Article, Correction, Section, Transition
from newsroom import roles
from tests.factories import ArticleFactory, trilingual_article

pytestmark = pytest.mark.django_db

DRAFT = Article.Status.DRAFT
IN_REVIEW = Article.Status.IN_REVIEW
PUBLISHED = Article.Status.PUBLISHED
ARCHIVED = Article.Status.ARCHIVED
ALL_STATES = (DRAFT, IN_REVIEW, PUBLISHED, ARCHIVED)

CHANGELIST = "/admin/articles/article/"
COMMENT = "Комментарий редакции"
#: Published articles in the matrices are released in these; English stays unreleased.
RELEASED_AT_START = ("ru", "kk")
ACTORS = ("author", "other_reporter", "photographer", "editor")


def in_a_day():
    return timezone.now() + dt.timedelta(days=1)


@dataclass(frozen=True)
class Step:
    """How to take one transition in the matrices, and what it should leave behind."""

    to_status: str
    released_after: tuple  # released languages after the step
    logged_languages: tuple  # Transition.languages
    languages: tuple = ()
    at: object = None  # a callable giving the time
    correction: dict = field(default_factory=dict)


#: One entry per transition of the table (DESIGN.md "Editorial workflow").
STEPS = {
    "submit": Step(IN_REVIEW, (), ()),
    "return": Step(DRAFT, (), ()),
    # No languages ticked: every complete language (the article is complete in all three).
    "publish": Step(PUBLISHED, ("ru", "kk", "en"), ("ru", "kk", "en")),
    "schedule": Step(PUBLISHED, ("ru", "kk", "en"), ("ru", "kk", "en"), at=in_a_day),
    "unpublish": Step(DRAFT, (), RELEASED_AT_START),
    "archive": Step(ARCHIVED, (), RELEASED_AT_START),
    "restore": Step(DRAFT, (), ()),
    "release": Step(PUBLISHED, ("ru", "kk", "en"), ("en",), languages=("en",)),
    "withdraw": Step(PUBLISHED, ("ru",), ("kk",), languages=("kk",)),
    "correct": Step(
        PUBLISHED,
        RELEASED_AT_START,
        RELEASED_AT_START,
        correction={"ru": "Фамилия исправлена.", "kk": "Тегі түзетілді."},
    ),
}

#: Every (transition, source state) pair of the table.
TRANSITION_SOURCES = [
    (name, source) for name, rule in workflow.TRANSITIONS.items() for source in sorted(rule.sources)
]


def allowed_by_design(name: str, actor: str) -> bool:
    return actor == "editor" or (name == "submit" and actor == "author")


# -- helpers -----------------------------------------------------------------------------


def make_user(username, role):
    user = get_user_model().objects.create_user(
        username=username, password=f"{username}-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def actors(reporter, editor, photographer):
    return {
        "author": reporter,
        "other_reporter": make_user("reporter2", roles.REPORTER),
        "photographer": photographer,
        "editor": editor,
    }


def article_in(status, *, author):
    """A trilingual article written by ``author``, brought to ``status`` by the workflow."""
    if status == PUBLISHED:
        return trilingual_article(created_by=author, released=list(RELEASED_AT_START))
    return trilingual_article(created_by=author, status=status, published_at=None)


def snapshot(article):
    """Everything a workflow step may change, as stored."""
    row = Article.objects.get(pk=article.pk)
    return {
        "status": row.status,
        "released": tuple(row.released_languages()),
        "published_at": row.published_at,
        "modified_at": row.modified_at,
        "version": row.version,
        "transitions": list(Transition.objects.filter(article=article).values_list("pk")),
        "corrections": Correction.objects.filter(article=article).count(),
    }


def call(article, name, user, step: Step, **overrides):
    details = {
        "comment": COMMENT,
        "languages": step.languages,
        "at": step.at() if step.at else None,
        "correction": step.correction or None,
    }
    details.update(overrides)
    return workflow.apply(article, name, user=user, **details)


def assert_one_transition_logged(article, before, *, name, from_status, step, user, comment):
    new = Transition.objects.filter(article=article).exclude(pk__in=[pk for (pk,) in before])
    assert new.count() == 1
    logged = new.get()
    assert (logged.name, logged.from_status, logged.to_status) == (
        name,
        from_status,
        step.to_status,
    )
    assert logged.user == user
    assert sorted(logged.languages) == sorted(step.logged_languages)
    assert logged.comment == comment


def assert_step_applied(article, before, *, name, source, step, user, comment):
    after = snapshot(article)
    assert after["status"] == step.to_status
    assert set(after["released"]) == set(step.released_after)
    assert after["version"] > before["version"]
    assert_one_transition_logged(
        article,
        before["transitions"],
        name=name,
        from_status=source,
        step=step,
        user=user,
        comment=comment,
    )


# -- workflow.apply(): the permission matrix ---------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("name", "source"), TRANSITION_SOURCES)
def test_each_transition_is_allowed_exactly_to_the_roles_the_design_names(
    actors, name, source, actor
):
    step = STEPS[name]
    user = actors[actor]
    article = article_in(source, author=actors["author"])
    allowed = allowed_by_design(name, actor)
    assert workflow.may(article, name, user) is allowed
    assert (name in workflow.available_transitions(article, user)) is allowed
    before = snapshot(article)
    if not allowed:
        with pytest.raises(PermissionDenied):
            call(article, name, user, step)
        assert snapshot(article) == before
        return
    returned = call(article, name, user, step)
    assert returned.status == step.to_status
    assert_step_applied(
        article, before, name=name, source=source, step=step, user=user, comment=COMMENT
    )
    if step.at:
        stored = Article.objects.get(pk=article.pk)
        assert stored.is_scheduled()
        assert not Article.objects.published().filter(pk=article.pk).exists()


def test_every_transition_of_the_table_has_a_step_in_these_tests():
    assert set(STEPS) == set(workflow.TRANSITIONS)


@pytest.mark.parametrize("name", list(workflow.TRANSITIONS))
def test_a_user_without_any_role_may_take_no_step(outsider, reporter, name):
    source = sorted(workflow.TRANSITIONS[name].sources)[0]
    article = article_in(source, author=reporter)
    before = snapshot(article)
    with pytest.raises(PermissionDenied):
        call(article, name, outsider, STEPS[name])
    assert snapshot(article) == before


WRONG_SOURCES = [
    (name, state)
    for name, rule in workflow.TRANSITIONS.items()
    for state in ALL_STATES
    if state not in rule.sources
]


@pytest.mark.parametrize(("name", "state"), WRONG_SOURCES)
def test_a_transition_from_a_state_it_does_not_start_from_raises_and_changes_nothing(
    reporter, editor, name, state
):
    article = article_in(state, author=reporter)
    before = snapshot(article)
    assert not workflow.may(article, name, editor)
    with pytest.raises(workflow.TransitionError):
        call(article, name, editor, STEPS[name])
    assert snapshot(article) == before


def test_an_unknown_transition_raises_transition_error(editor):
    article = ArticleFactory(status=DRAFT, published_at=None)
    with pytest.raises(workflow.TransitionError):
        workflow.apply(article, "delete", user=editor)


@pytest.mark.parametrize("name", ["return", "unpublish", "withdraw"])
@pytest.mark.parametrize("comment", ["", "   \n "])
def test_return_unpublish_and_withdraw_without_a_comment_are_refused(
    reporter, editor, name, comment
):
    source = sorted(workflow.TRANSITIONS[name].sources)[0]
    article = article_in(source, author=reporter)
    before = snapshot(article)
    with pytest.raises(workflow.TransitionError):
        call(article, name, editor, STEPS[name], comment=comment)
    assert snapshot(article) == before


# -- what publishing, releasing and withdrawing do ----------------------------------------


def test_publishing_an_article_complete_in_no_language_is_refused(editor):
    article = ArticleFactory(
        status=DRAFT,
        published_at=None,
        sections=[{"body_ru": "<p>Текст.</p>"}, {"subhead_ru": "Подзаголовок", "body_ru": ""}],
    )
    assert article.complete_languages() == []
    before = snapshot(article)
    with pytest.raises(workflow.TransitionError):
        workflow.apply(article, "publish", user=editor)
    assert snapshot(article) == before


def test_publishing_an_article_without_sections_is_refused(editor):
    article = ArticleFactory(status=DRAFT, published_at=None, sections=[])
    with pytest.raises(workflow.TransitionError):
        workflow.apply(article, "publish", user=editor)
    assert Article.objects.get(pk=article.pk).status == DRAFT


def test_publishing_releases_the_ticked_languages_only(editor):
    article = trilingual_article(status=DRAFT, published_at=None)
    workflow.apply(article, "publish", user=editor, languages=["kk", "en"])
    stored = Article.objects.get(pk=article.pk)
    assert (stored.released_ru, stored.released_kk, stored.released_en) == (False, True, True)
    assert stored.transitions.first().languages == ["kk", "en"]
    assert set(Article.objects.available_in("kk")) == {stored}
    assert not Article.objects.available_in("ru").exists()


def test_publishing_without_a_choice_releases_every_complete_language_and_no_other(editor):
    article = ArticleFactory(
        status=DRAFT,
        published_at=None,
        headline_kk="Тақырып",  # Kazakh headline, but no Kazakh text in the sections
        headline_en="Headline",
        sections=[{"body_ru": "<p>Текст.</p>", "body_en": "<p>Text.</p>"}],
    )
    workflow.apply(article, "publish", user=editor)
    stored = Article.objects.get(pk=article.pk)
    assert stored.released_languages() == ["ru", "en"]
    assert stored.published_at is not None
    assert stored.modified_at == stored.published_at


def test_publishing_an_incomplete_language_is_refused_and_releases_nothing(editor):
    article = ArticleFactory(status=DRAFT, published_at=None, headline_kk="Тақырып")
    before = snapshot(article)
    with pytest.raises(workflow.TransitionError):
        workflow.apply(article, "publish", user=editor, languages=["ru", "kk"])
    assert snapshot(article) == before


def test_releasing_an_incomplete_language_is_refused(editor):
    article = ArticleFactory(headline_kk="Тақырып")  # published in Russian
    before = snapshot(article)
    with pytest.raises(workflow.TransitionError):
        workflow.apply(article, "release", user=editor, languages=["kk"])
    assert snapshot(article) == before


def test_releasing_a_translation_once_it_is_complete_makes_it_available(editor):
    article = ArticleFactory(headline_kk="Тақырып")
    for section in article.sections.all():
        section.body_kk = "<p>Мәтін.</p>"
        section.subhead_kk = "Тақырыпша" if section.subhead_ru else None
        section.save()
    assert not Article.objects.available_in("kk").exists()
    workflow.apply(article, "release", user=editor, languages=["kk"])
    assert list(Article.objects.available_in("kk")) == [article]
    assert list(Article.objects.available_in("ru")) == [article]


def test_release_and_withdraw_need_languages(editor):
    article = trilingual_article(released=["ru", "kk"])
    before = snapshot(article)
    with pytest.raises(workflow.TransitionError):
        workflow.apply(article, "release", user=editor)
    with pytest.raises(workflow.TransitionError):
        workflow.apply(article, "withdraw", user=editor, comment=COMMENT)
    assert snapshot(article) == before


def test_an_unknown_language_is_refused(editor):
    article = trilingual_article(released=["ru"])
    before = snapshot(article)
    with pytest.raises(workflow.TransitionError):
        workflow.apply(article, "release", user=editor, languages=["de"])
    assert snapshot(article) == before


def test_withdrawing_the_last_released_language_is_refused(editor):
    article = trilingual_article(released=["ru"])
    before = snapshot(article)
    with pytest.raises(workflow.TransitionError):
        workflow.apply(article, "withdraw", user=editor, languages=["ru"], comment=COMMENT)
    assert snapshot(article) == before


def test_withdrawing_every_released_language_at_once_is_refused(editor):
    article = trilingual_article(released=["ru", "kk"])
    before = snapshot(article)
    with pytest.raises(workflow.TransitionError):
        workflow.apply(article, "withdraw", user=editor, languages=["ru", "kk"], comment=COMMENT)
    assert snapshot(article) == before


@pytest.mark.parametrize("offset", [None, dt.timedelta(minutes=-1), dt.timedelta(0)])
def test_scheduling_needs_a_time_in_the_future(editor, offset):
    article = trilingual_article(status=DRAFT, published_at=None)
    before = snapshot(article)
    at = None if offset is None else timezone.now() + offset
    with pytest.raises(workflow.TransitionError):
        workflow.apply(article, "schedule", user=editor, at=at)
    assert snapshot(article) == before


def test_scheduling_publishes_at_the_chosen_time(editor):
    article = trilingual_article(status=DRAFT, published_at=None)
    when = (timezone.now() + dt.timedelta(hours=3)).replace(microsecond=0)
    workflow.apply(article, "schedule", user=editor, at=when)
    stored = Article.objects.get(pk=article.pk)
    assert stored.status == PUBLISHED
    assert stored.published_at == when
    assert stored.is_scheduled()
    assert not Article.objects.available_in("ru").filter(pk=article.pk).exists()


def test_unpublishing_withdraws_every_language(editor):
    article = trilingual_article(released=["ru", "en"])
    workflow.apply(article, "unpublish", user=editor, comment=COMMENT)
    stored = Article.objects.get(pk=article.pk)
    assert stored.status == DRAFT
    assert stored.released_languages() == []
    for code in LANGUAGE_CODES:
        assert not Article.objects.available_in(code).exists()


def test_apply_updates_the_callers_copy_so_it_can_be_saved_afterwards(editor):
    article = trilingual_article(status=DRAFT, published_at=None)
    workflow.apply(article, "publish", user=editor, languages=["ru"])
    assert article.status == PUBLISHED
    assert article.released_languages() == ["ru"]
    article.standfirst_ru = "Новый лид."
    article.save()  # no StaleVersion: apply() gave this copy the new version
    stored = Article.objects.get(pk=article.pk)
    assert stored.standfirst_ru == "Новый лид."
    assert stored.status == PUBLISHED
    assert stored.released_languages() == ["ru"]


# -- available_transitions() and may() ---------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("state", ALL_STATES)
def test_available_transitions_lists_what_may_allows(actors, actor, state):
    article = article_in(state, author=actors["author"])
    user = actors[actor]
    expected = [name for name in workflow.TRANSITIONS if workflow.may(article, name, user)]
    assert workflow.available_transitions(article, user) == expected


def test_release_is_not_offered_once_every_language_is_released(editor):
    article = trilingual_article()
    assert article.released_languages() == LANGUAGE_CODES
    offered = workflow.available_transitions(article, editor)
    assert "release" not in offered
    assert "withdraw" in offered


def test_what_an_editor_may_do_with_a_published_article(editor):
    article = trilingual_article(released=["ru"])
    assert set(workflow.available_transitions(article, editor)) == {
        "unpublish",
        "archive",
        "release",
        "correct",
    }


def test_a_reporter_may_submit_an_article_they_are_bylined_on_without_having_created_it(
    reporter, editor
):
    from articles.models import ArticleAuthor, Author

    article = trilingual_article(status=DRAFT, published_at=None, created_by=editor)
    assert not workflow.may(article, "submit", reporter)
    ArticleAuthor.objects.create(
        article=article, author=Author.objects.create(name_ru="Репортёр", user=reporter)
    )
    assert workflow.may(article, "submit", reporter)
    workflow.apply(article, "submit", user=reporter)
    assert Article.objects.get(pk=article.pk).status == IN_REVIEW


# -- corrections --------------------------------------------------------------------------


def test_a_correction_is_stored_dated_logged_and_moves_the_modification_time(editor):
    article = ArticleFactory()  # published an hour ago, in Russian
    published_at = Article.objects.get(pk=article.pk).published_at
    before = snapshot(article)
    workflow.apply(article, "correct", user=editor, correction={"ru": "Исправлена фамилия."})
    stored = Article.objects.get(pk=article.pk)
    correction = Correction.objects.get(article=article)
    assert correction.text_ru == "Исправлена фамилия."
    assert correction.created_by == editor
    assert stored.status == PUBLISHED
    assert stored.published_at == published_at
    assert stored.modified_at > published_at
    assert stored.modified_at == correction.created_at
    logged = Transition.objects.filter(article=article).exclude(
        pk__in=[pk for (pk,) in before["transitions"]]
    )
    assert [(t.name, t.user, t.languages) for t in logged] == [("correct", editor, ["ru"])]
    assert logged.get().created_at == correction.created_at


def test_a_correction_needs_its_text_in_every_released_language(editor):
    article = trilingual_article(released=["ru", "en"])
    before = snapshot(article)
    with pytest.raises(workflow.TransitionError):
        workflow.apply(article, "correct", user=editor, correction={"ru": "Исправлено."})
    assert snapshot(article) == before


def test_a_correction_without_any_text_is_refused(editor):
    article = ArticleFactory()
    before = snapshot(article)
    with pytest.raises(workflow.TransitionError):
        workflow.apply(article, "correct", user=editor, correction={"ru": "  "})
    assert snapshot(article) == before


def test_the_russian_article_page_ends_with_the_correction(client, editor):
    article = ArticleFactory(
        sections=[
            {"body_ru": "<p>Первый абзац.</p>"},
            {"subhead_ru": "Подзаголовок", "body_ru": "<p>Последний абзац статьи.</p>"},
        ]
    )
    workflow.apply(article, "correct", user=editor, correction={"ru": "Фамилия исправлена."})
    response = client.get(article.get_absolute_url("ru"))
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content.decode())
    text = " ".join(tree.xpath("//article")[0].text_content().split())
    assert "Исправление" in text
    assert "Фамилия исправлена." in text
    assert text.index("Последний абзац статьи.") < text.index("Исправление")
    assert text.index("Исправление") < text.index("Фамилия исправлена.")


# -- the same matrix over HTTP: the change form's workflow buttons ------------------------


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def full_change_form(article):
    """The article's change form, every language tab and inline, as a browser posts it unchanged.

    Without the workflow panel's own fields, which the tests fill in. Dates in ISO format,
    which the admin accepts whatever the interface language.
    """
    article = Article.objects.get(pk=article.pk)
    local = timezone.localtime(article.published_at) if article.published_at else None
    data = {
        "rubric": article.rubric_id or "",
        "lead_photo": article.lead_photo_id or "",
        "expected_version": article.version,
        "published_at_0": local.strftime("%Y-%m-%d") if local else "",
        "published_at_1": local.strftime("%H:%M:%S") if local else "",
    }
    for code in LANGUAGE_CODES:
        for name in ("headline", "standfirst", "slug"):
            data[f"{name}_{code}"] = getattr(article, f"{name}_{code}") or ""
    inlines = {
        "bylines": (article.bylines.all(), ("author", "position")),
        "sections": (
            article.sections.all(),
            (
                "position",
                "photo",
                *(f"{f}_{c}" for f in ("subhead", "body") for c in LANGUAGE_CODES),
            ),
        ),
        "gallery": (article.gallery.all(), ("photo", "position")),
    }
    for prefix, (rows, fields) in inlines.items():
        rows = list(rows)
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = len(rows)
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            data[f"{prefix}-{i}-article"] = article.pk
            for name in fields:
                value = getattr(row, f"{name}_id" if name in ("author", "photo") else name)
                data[f"{prefix}-{i}-{name}"] = "" if value is None else value
    return data


def test_the_form_these_tests_post_has_every_field_of_the_editors_change_page(client, editor):
    article = trilingual_article(released=["ru"])
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    form = lxml_html.fromstring(page).xpath("//form[@id='article_form']")[0]
    shown = {
        name
        for name, _value in form.form_values()
        if "__prefix__" not in name
        and not name.endswith(("MIN_NUM_FORMS", "MAX_NUM_FORMS"))
        and not name.startswith(("transition_", "correction_", "csrf"))
    }
    assert shown <= set(full_change_form(article))


def workflow_fields(name, step: Step):
    fields = {
        "_transition": name,
        "transition_comment": COMMENT,
        "transition_languages": list(step.languages),
    }
    if step.at:
        fields["transition_at"] = timezone.localtime(step.at()).strftime("%Y-%m-%dT%H:%M")
    for code, text in step.correction.items():
        fields[f"correction_{code}"] = text
    return fields


def http_matrix():
    """(transition, source state, actor) triples for the HTTP matrices.

    The article's author and an editor take every transition. Anonymous visitors, other
    reporters and photographers are turned away before any transition is looked at, so
    they try one transition from each state.
    """
    one_source_each = [
        (name, sorted(rule.sources)[-1]) for name, rule in workflow.TRANSITIONS.items()
    ]
    triples = [(n, s, actor) for n, s in one_source_each for actor in ("author", "editor")]
    one_per_state = {}
    for name, source in one_source_each:
        one_per_state.setdefault(source, name)
    assert set(one_per_state) == set(ALL_STATES)
    for source, name in one_per_state.items():
        for actor in ("anonymous", "other_reporter", "photographer"):
            triples.append((name, source, actor))
    return triples


@pytest.mark.parametrize(("name", "source", "actor"), http_matrix())
def test_the_change_forms_workflow_buttons_follow_the_permission_matrix(
    client, actors, name, source, actor
):
    step = STEPS[name]
    article = article_in(source, author=actors["author"])
    data = full_change_form(article) | workflow_fields(name, step)
    user = actors.get(actor)
    if user is not None:
        client.force_login(user)
    before = snapshot(article)
    response = client.post(change_url(article), data)
    if actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    if allowed_by_design(name, actor):
        assert_step_applied(
            article, before, name=name, source=source, step=step, user=user, comment=COMMENT
        )
    else:
        after = snapshot(article)
        for key in ("status", "released", "published_at", "transitions", "corrections"):
            assert after[key] == before[key], key
        assert Article.objects.get(pk=article.pk).headline_ru == article.headline_ru


def test_the_change_form_offers_an_editor_the_buttons_available_transitions_lists(client, editor):
    article = trilingual_article(released=["ru"])
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    buttons = lxml_html.fromstring(page).xpath("//button[@name='_transition']/@value")
    assert buttons == workflow.available_transitions(article, editor)


def test_the_change_form_offers_the_author_of_a_draft_only_submit(client, reporter):
    article = trilingual_article(status=DRAFT, published_at=None, created_by=reporter)
    client.force_login(reporter)
    page = client.get(change_url(article)).content.decode()
    buttons = lxml_html.fromstring(page).xpath("//button[@name='_transition']/@value")
    assert buttons == ["submit"]


def test_a_refused_step_in_the_change_form_is_explained_to_the_editor(client, editor):
    article = trilingual_article(released=["ru", "kk"])
    data = full_change_form(article) | {
        "_transition": "unpublish",
        "transition_comment": "",
    }
    client.force_login(editor)
    response = client.post(change_url(article), data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    messages = [str(m) for m in response.context["messages"]]
    assert any("needs a comment" in m for m in messages), messages
    assert Article.objects.get(pk=article.pk).status == PUBLISHED


# -- and over the changelist actions ------------------------------------------------------


@pytest.mark.parametrize(("name", "source", "actor"), http_matrix())
def test_the_changelist_actions_follow_the_permission_matrix(client, actors, name, source, actor):
    step = STEPS[name]
    if name == "correct":
        # The action's confirmation page takes one text: the Russian correction.
        article = trilingual_article(created_by=actors["author"], released=["ru"])
        step = Step(PUBLISHED, ("ru",), ("ru",))
    else:
        article = article_in(source, author=actors["author"])
    user = actors.get(actor)
    if user is not None:
        client.force_login(user)
    before = snapshot(article)
    data = {
        "action": f"transition_{name}",
        "_selected_action": [article.pk],
        "confirm": "yes",
        "transition_comment": COMMENT,
        "transition_languages": list(step.languages),
    }
    if step.at:
        data["transition_at"] = timezone.localtime(step.at()).strftime("%Y-%m-%dT%H:%M")
    response = client.post(CHANGELIST, data)
    if actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    if allowed_by_design(name, actor):
        assert_step_applied(
            article,
            before,
            name=name,
            source=before["status"],
            step=step,
            user=user,
            comment=COMMENT,
        )
        if name == "correct":
            assert Correction.objects.get(article=article).text_ru == COMMENT
    else:
        assert snapshot(article) == before


@pytest.mark.parametrize("name", [n for n, r in workflow.TRANSITIONS.items() if r.per_language])
def test_an_action_that_needs_languages_asks_before_it_changes_anything(client, editor, name):
    source = sorted(workflow.TRANSITIONS[name].sources)[-1]
    article = article_in(source, author=editor)
    before = snapshot(article)
    client.force_login(editor)
    response = client.post(
        CHANGELIST, {"action": f"transition_{name}", "_selected_action": [article.pk]}
    )
    assert response.status_code == 200
    assert 'name="transition_languages"' in response.content.decode()
    assert snapshot(article) == before


def test_the_publish_action_never_releases_a_language_the_editor_did_not_tick(client, editor):
    # Complete in Russian only; the editor ticks Kazakh.
    article = ArticleFactory(status=DRAFT, published_at=None, headline_kk="Тақырып")
    before = snapshot(article)
    client.force_login(editor)
    client.post(
        CHANGELIST,
        {
            "action": "transition_publish",
            "_selected_action": [article.pk],
            "confirm": "yes",
            "transition_languages": ["kk"],
        },
    )
    after = snapshot(article)
    assert after["released"] == ()
    assert after["status"] == DRAFT
    assert after["transitions"] == before["transitions"]


def test_the_publish_action_releases_the_ticked_languages_of_each_article(client, editor):
    article = trilingual_article(status=DRAFT, published_at=None)
    client.force_login(editor)
    client.post(
        CHANGELIST,
        {
            "action": "transition_publish",
            "_selected_action": [article.pk],
            "confirm": "yes",
            "transition_languages": ["kk", "en"],
        },
    )
    assert Article.objects.get(pk=article.pk).released_languages() == ["kk", "en"]


def test_the_changelist_offers_a_reporter_the_submit_action_only(client, reporter):
    trilingual_article(status=DRAFT, published_at=None, created_by=reporter)
    client.force_login(reporter)
    page = client.get(CHANGELIST).content.decode()
    offered = lxml_html.fromstring(page).xpath("//select[@name='action']/option/@value")
    transition_actions = [value for value in offered if value.startswith("transition_")]
    assert transition_actions == ["transition_submit"]


def test_a_reporters_submit_action_on_several_drafts_moves_only_their_own(client, reporter):
    other = make_user("reporter2", roles.REPORTER)
    own = trilingual_article(status=DRAFT, published_at=None, created_by=reporter)
    theirs = trilingual_article(status=DRAFT, published_at=None, created_by=other)
    client.force_login(reporter)
    client.post(
        CHANGELIST, {"action": "transition_submit", "_selected_action": [own.pk, theirs.pk]}
    )
    assert Article.objects.get(pk=own.pk).status == IN_REVIEW
    assert Article.objects.get(pk=theirs.pk).status == DRAFT
    assert not Transition.objects.filter(article=theirs, user=reporter).exists()


def test_sections_are_not_touched_by_a_transition(editor):
    article = trilingual_article(status=DRAFT, published_at=None)
    bodies = list(Section.objects.filter(article=article).values_list("body_ru", "body_kk"))
    workflow.apply(article, "publish", user=editor)
    assert list(Section.objects.filter(article=article).values_list("body_ru", "body_kk")) == (
        bodies
    )
