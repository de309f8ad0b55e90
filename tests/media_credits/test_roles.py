"""The photo library's role table, cell by cell, over HTTP."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from media_credits.models import Photo
from tests.media_credits.conftest import pillow_file, upload

CHANGELIST = "admin:media_credits_photo_changelist"


@pytest.fixture
def users(editor, reporter, photographer):
    return {"editor": editor, "reporter": reporter, "photographer": photographer}


@pytest.fixture
def photos(make_photo, users):
    """One photo uploaded by each role, plus one by a second photographer."""
    other = get_user_model().objects.create_user("photographer2", is_staff=True)
    other.groups.set(users["photographer"].groups.all())
    made = {role: make_photo(user=user) for role, user in users.items()}
    made["other photographer"] = make_photo(user=other)
    return made


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


def change_url(photo):
    return reverse("admin:media_credits_photo_change", args=[photo.pk])


def delete_url(photo):
    return reverse("admin:media_credits_photo_delete", args=[photo.pk])


def change_data(photo, caption="Изменено"):
    return {
        "caption_ru": caption,
        "credit_ru": "Reuters",
        "usage_terms": "staff",
        "expected_version": photo.version,
    }


# --- anonymous ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        lambda photos: reverse(CHANGELIST),
        lambda photos: reverse("admin:media_credits_photo_upload"),
        lambda photos: reverse("admin:media_credits_photo_add"),
        lambda photos: change_url(photos["editor"]),
        lambda photos: delete_url(photos["editor"]),
    ],
    ids=["list", "upload", "add", "change", "delete"],
)
def test_anonymous_visitors_get_the_login_page(client, photos, url):
    response = client.get(url(photos))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_visitors_cannot_upload_or_change(client, photos):
    upload(client, pillow_file(), credit="Reuters")
    client.post(change_url(photos["editor"]), change_data(photos["editor"]))
    client.post(delete_url(photos["editor"]), {"post": "yes"})

    assert Photo.objects.count() == 4
    assert Photo.objects.filter(caption_ru="Изменено").count() == 0


# --- list and view ------------------------------------------------------------------------

EXPECTED_LIST = {
    "photographer": {"photographer"},
    "reporter": {"editor", "reporter", "photographer", "other photographer"},
    "editor": {"editor", "reporter", "photographer", "other photographer"},
}


@pytest.mark.parametrize("role", EXPECTED_LIST)
def test_each_role_lists_the_photos_it_may_see(client, users, photos, role):
    response = login(client, users[role]).get(reverse(CHANGELIST))

    assert response.status_code == 200
    shown = set(response.context["cl"].result_list)
    assert shown == {photos[owner] for owner in EXPECTED_LIST[role]}


@pytest.mark.parametrize(
    ("role", "owner", "status"),
    [
        ("photographer", "photographer", 200),
        ("photographer", "editor", 403),
        ("photographer", "other photographer", 403),
        ("reporter", "reporter", 200),
        ("reporter", "editor", 200),
        ("reporter", "photographer", 200),
        ("editor", "editor", 200),
        ("editor", "reporter", 200),
        ("editor", "photographer", 200),
    ],
)
def test_each_role_views_a_photo_page_or_is_refused(client, users, photos, role, owner, status):
    response = login(client, users[role]).get(change_url(photos[owner]))

    assert response.status_code == status


def test_reporters_see_others_photos_read_only(client, users, photos):
    response = login(client, users["reporter"]).get(change_url(photos["editor"]))

    assert response.context["has_change_permission"] is False
    assert 'name="_save"' not in response.content.decode()


def test_a_photo_that_does_not_exist_answers_404_in_its_rendition_preview(client, users):
    url = reverse(
        "admin:media_credits_photo_rendition",
        kwargs={"object_id": 999, "width": 480, "image_format": "webp"},
    )

    assert login(client, users["editor"]).get(url).status_code == 404


@pytest.mark.parametrize(
    ("role", "owner", "status"),
    [("photographer", "photographer", 302), ("photographer", "editor", 403)],
)
def test_admin_previews_follow_the_view_rule(client, users, photos, role, owner, status):
    url = reverse(
        "admin:media_credits_photo_rendition",
        kwargs={"object_id": photos[owner].pk, "width": 480, "image_format": "webp"},
    )

    assert login(client, users[role]).get(url).status_code == status


# --- upload -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["photographer", "reporter", "editor"])
def test_every_role_may_upload(client, users, role):
    login(client, users[role])

    page = client.get(reverse("admin:media_credits_photo_upload"))
    response = upload(client, pillow_file(), credit="Reuters")

    assert page.status_code == 200
    assert response.status_code == 302
    assert Photo.objects.get().uploaded_by == users[role]


def test_staff_without_a_role_may_not_upload(client, db):
    clerk = get_user_model().objects.create_user("clerk", is_staff=True)
    login(client, clerk)

    assert client.get(reverse("admin:media_credits_photo_upload")).status_code == 403
    assert upload(client, pillow_file(), credit="Reuters").status_code == 403
    assert client.get(reverse(CHANGELIST)).status_code == 403


# --- change and delete --------------------------------------------------------------------

CHANGE_CELLS = [
    ("photographer", "photographer", True),
    ("photographer", "reporter", False),
    ("photographer", "other photographer", False),
    ("reporter", "reporter", True),
    ("reporter", "photographer", False),
    ("reporter", "editor", False),
    ("editor", "editor", True),
    ("editor", "reporter", True),
    ("editor", "photographer", True),
]


@pytest.mark.parametrize(("role", "owner", "allowed"), CHANGE_CELLS)
def test_each_role_changes_only_the_photos_it_may(client, users, photos, role, owner, allowed):
    photo = photos[owner]

    response = login(client, users[role]).post(change_url(photo), change_data(photo))

    photo.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert photo.caption_ru == "Изменено"
    else:
        assert response.status_code == 403
        assert photo.caption_ru != "Изменено"


@pytest.mark.parametrize(("role", "owner", "allowed"), CHANGE_CELLS)
def test_each_role_deletes_only_the_photos_it_may(client, users, photos, role, owner, allowed):
    photo = photos[owner]
    login(client, users[role])

    page = client.get(delete_url(photo))
    response = client.post(delete_url(photo), {"post": "yes"})

    exists = Photo.objects.filter(pk=photo.pk).exists()
    if allowed:
        assert page.status_code == 200 and response.status_code == 302
        assert not exists
    else:
        assert page.status_code == response.status_code == 403
        assert exists


@pytest.mark.parametrize("role", ["photographer", "reporter"])
def test_bulk_delete_refuses_photos_of_others(client, users, photos, role):
    login(client, users[role])
    everything = [p.pk for p in photos.values()]

    response = client.post(
        reverse(CHANGELIST),
        {"action": "delete_selected", "_selected_action": everything, "post": "yes"},
    )

    assert response.status_code in (302, 403)
    others = [p for owner, p in photos.items() if owner != role]
    assert Photo.objects.filter(pk__in=[p.pk for p in others]).count() == 3


def test_editing_a_photo_says_what_is_missing_without_photographer_or_credit(client, users, photos):
    photo = photos["editor"]

    response = login(client, users["editor"]).post(
        change_url(photo), {"caption_ru": "x", "usage_terms": "staff", "expected_version": 1}
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "photographer" in errors and "credit_ru" in errors


# --- articles and the picker --------------------------------------------------------------


def test_photographers_cannot_see_or_change_articles(client, users):
    login(client, users["photographer"])

    assert client.get(reverse("admin:articles_article_changelist")).status_code == 403
    assert client.get(reverse("admin:articles_article_add")).status_code == 403


@pytest.mark.parametrize(
    ("role", "status"), [("photographer", 403), ("reporter", 200), ("editor", 200)]
)
def test_reporters_and_editors_have_the_photo_picker(client, users, role, status):
    response = login(client, users[role]).get(reverse("admin:media_credits_photo_picker"))

    assert response.status_code == status


def autocomplete(client, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "media_credits",
            "model_name": "rendition",
            "field_name": "photo",
            "term": term,
        },
    )
    assert response.status_code == 200
    return [int(result["id"]) for result in response.json()["results"]]


def test_the_picker_finds_a_new_photo_by_caption_photographer_and_date(
    client, users, make_photo, staff_photographer
):
    import datetime as dt

    photo = make_photo(
        user=users["photographer"],
        photographer=staff_photographer,
        credit="",
        caption="Встреча на Акорде",
        taken_on=dt.date(2025, 9, 30),
    )
    make_photo(caption="Другое событие")
    login(client, users["editor"])

    assert autocomplete(client, "Акорде") == [photo.pk]
    assert autocomplete(client, "Дюсенбаев") == [photo.pk]
    assert autocomplete(client, "2025-09-30") == [photo.pk]
    assert autocomplete(client, "30.09.2025") == [photo.pk]


def test_the_picker_shows_photographers_only_their_own_photos(client, users, photos):
    login(client, users["photographer"])

    assert autocomplete(client, "") == [photos["photographer"].pk]
