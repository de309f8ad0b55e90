"""Two people saving the same photo: the second save is refused, nothing is overwritten."""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from media_credits.forms import PhotoChangeForm
from media_credits.models import Photo, StaleVersion
from newsroom import roles


def change_url(photo):
    return reverse("admin:media_credits_photo_change", args=[photo.pk])


def opened_form(client, photo) -> dict:
    """The change form as the user opened it: every field with the value shown."""
    response = client.get(change_url(photo))
    assert response.status_code == 200
    form = response.context["adminform"].form
    return {name: "" if form[name].value() is None else form[name].value() for name in form.fields}


@pytest.fixture
def second_editor(editor):
    user = get_user_model().objects.create_user("editor2", is_staff=True)
    user.groups.add(editor.groups.get(name=roles.EDITOR))
    return user


@pytest.fixture
def two_editors(editor, second_editor):
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(second_editor)
    for client in (first, second):
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return first, second


def test_the_second_of_two_saves_is_refused_and_keeps_its_values_in_the_form(
    two_editors, make_photo
):
    first, second = two_editors
    photo = make_photo(caption="Исходная подпись")
    first_form, second_form = opened_form(first, photo), opened_form(second, photo)

    saved = first.post(change_url(photo), first_form | {"caption_ru": "Правка первого"})
    refused = second.post(
        change_url(photo),
        second_form | {"caption_ru": "Правка второго", "alt_text_ru": "Описание второго"},
    )

    assert saved.status_code == 302
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "editor1 saved this photo at" in page
    assert "Your values are still in this form" in page
    assert "Правка второго</textarea>" in page
    assert 'value="Описание второго"' in page
    photo.refresh_from_db()
    assert photo.caption_ru == "Правка первого"
    assert photo.alt_text_ru is None or photo.alt_text_ru == ""
    assert photo.updated_by.username == "editor1"


def test_saving_the_refused_form_again_replaces_the_first_save(two_editors, make_photo):
    first, second = two_editors
    photo = make_photo(caption="Исходная подпись")
    first_form, second_form = opened_form(first, photo), opened_form(second, photo)
    first.post(change_url(photo), first_form | {"caption_ru": "Правка первого"})
    refused = second.post(change_url(photo), second_form | {"caption_ru": "Правка второго"})
    retry = refused.context["adminform"].form["expected_version"].value()
    photo.refresh_from_db()
    assert retry == str(photo.version)

    again = second.post(
        change_url(photo),
        second_form | {"caption_ru": "Правка второго", "expected_version": retry},
    )

    assert again.status_code == 302
    photo.refresh_from_db()
    assert photo.caption_ru == "Правка второго"
    assert photo.updated_by.username == "editor2"


def test_a_change_that_does_not_say_its_version_is_refused(two_editors, make_photo):
    first, _second = two_editors
    photo = make_photo(caption="Было")
    data = opened_form(first, photo) | {"caption_ru": "Стало"}
    del data["expected_version"]

    response = first.post(change_url(photo), data)

    assert response.status_code == 200
    photo.refresh_from_db()
    assert photo.caption_ru == "Было"


def test_a_save_on_a_stale_copy_raises_and_changes_nothing(make_photo):
    photo = make_photo(caption="Было")
    stale = Photo.objects.get(pk=photo.pk)
    photo.caption_ru = "Первая правка"
    photo.save()

    stale.caption_ru = "Поздняя правка"
    with pytest.raises(StaleVersion), transaction.atomic():
        stale.save()

    photo.refresh_from_db()
    assert photo.caption_ru == "Первая правка"
    assert stale.version == photo.version - 1, "the stale copy keeps the version it was read at"


def test_every_save_bumps_the_version(make_photo):
    photo = make_photo()
    before = photo.version

    photo.save()
    photo.save(update_fields=["caption_ru"])

    photo.refresh_from_db()
    assert photo.version == before + 2


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_one_wins_and_the_other_is_refused(make_photo, editor, monkeypatch):
    validate = PhotoChangeForm._post_clean

    def slow_validate(form):
        validate(form)
        # Widens the window between reading the version and writing the row: without the
        # row lock both requests would read the same version here.
        time.sleep(0.3)

    monkeypatch.setattr(PhotoChangeForm, "_post_clean", slow_validate)
    second_user = get_user_model().objects.create_user("editor2", is_staff=True)
    second_user.groups.add(editor.groups.get(name=roles.EDITOR))
    photo = make_photo(caption="Исходная подпись")
    clients = []
    for user in (editor, second_user):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        clients.append(client)
    forms = [opened_form(client, photo) for client in clients]
    barrier = threading.Barrier(2)
    results, errors = {}, []

    def save(index):
        try:
            barrier.wait(timeout=10)
            data = forms[index] | {"caption_ru": f"Правка {index}"}
            results[index] = clients[index].post(change_url(photo), data).status_code
        except Exception as exc:  # reported below, in the test's own thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(results.values()) == [200, 302]
    winner = next(index for index, status in results.items() if status == 302)
    photo.refresh_from_db()
    assert photo.caption_ru == f"Правка {winner}"
    assert photo.version == forms[winner]["expected_version"] + 1
