"""Who may change what readers see under a photo, over HTTP as each role.

A photographer changes the caption, credit and photographer of their own photo only while
no public article shows it, and credits only their own Photographer record; only a user
manager binds a Photographer record to a staff account.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article
from media_credits.models import Photo, Photographer
from tests.factories import ArticleFactory
from tests.media_credits.conftest import pillow_file, upload

LOCKED_MESSAGE = "only an editor can change its caption, credit or photographer"
NOT_YOURS = "You can credit only your own photographer record"


def change_url(photo):
    return reverse("admin:media_credits_photo_change", args=[photo.pk])


def opened_form(client, photo) -> dict:
    """What the change form posts back unchanged, read from the page as the user sees it."""
    response = client.get(change_url(photo))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    return data


@pytest.fixture
def colleague(db):
    """Another photographer's record, bound to nobody here."""
    return Photographer.objects.create(name_ru="Еркебулан Укибаев", gender="male")


@pytest.fixture
def own_photo(make_photo, photographer, staff_photographer):
    """A photo the photographer uploaded and is credited for, with alt text."""
    return make_photo(
        user=photographer,
        photographer=staff_photographer,
        credit="",
        caption="Подпись фотографа",
        alt_text="Описание",
    )


def publish_with(photo, **kwargs) -> Article:
    article = ArticleFactory(lead_photo=photo, **kwargs)
    photo.refresh_from_db()
    return article


# --- 1. Caption, credit and photographer freeze once a public article shows the photo ----


def test_photographer_changes_caption_credit_and_photographer_while_no_public_article_shows_it(
    photographer_client, own_photo
):
    ArticleFactory(status=Article.Status.DRAFT, lead_photo=own_photo)
    data = opened_form(photographer_client, own_photo)
    data |= {"caption_ru": "Новая подпись", "photographer": "", "credit_ru": "Reuters"}

    response = photographer_client.post(change_url(own_photo), data)

    assert response.status_code == 302
    own_photo.refresh_from_db()
    assert own_photo.caption_ru == "Новая подпись"
    assert own_photo.photographer is None and own_photo.credit_ru == "Reuters"


@pytest.mark.parametrize("when", ["published", "scheduled"])
def test_photographer_sees_caption_credit_and_photographer_read_only_once_public(
    photographer_client, own_photo, when
):
    at = timezone.now() + (dt.timedelta(days=2) if when == "scheduled" else -dt.timedelta(hours=1))
    publish_with(own_photo, published_at=at)
    assert own_photo.public_from == at

    response = photographer_client.get(change_url(own_photo))

    page = response.content.decode()
    assert response.status_code == 200
    assert "read-only for you now" in page
    for name in ("caption_ru", "caption_kk", "credit_ru", "credit_en", "photographer"):
        assert f'name="{name}"' not in page
    assert "Подпись фотографа" in page  # shown, not editable
    assert 'name="alt_text_ru"' in page


@pytest.mark.parametrize(
    "change",
    [
        {"caption_ru": "Подменённая подпись"},
        {"caption_en": "A new English caption"},
        {"credit_kk": "Reuters"},
        {"photographer": ""},
    ],
    ids=["caption", "caption in another language", "credit", "photographer"],
)
def test_a_crafted_post_changing_a_public_photos_credit_is_refused(
    photographer_client, own_photo, staff_photographer, change
):
    publish_with(own_photo)
    data = opened_form(photographer_client, own_photo) | {"alt_text_ru": "Новое описание"}

    response = photographer_client.post(change_url(own_photo), data | change)

    assert response.status_code == 200
    assert LOCKED_MESSAGE in response.content.decode()
    own_photo.refresh_from_db()
    assert own_photo.caption_ru == "Подпись фотографа" and not own_photo.caption_en
    assert not own_photo.credit_kk and own_photo.photographer == staff_photographer
    assert own_photo.alt_text_ru == "Описание", "nothing of the refused form was saved"


def test_photographer_still_changes_the_alt_text_of_a_public_photo(photographer_client, own_photo):
    publish_with(own_photo)
    data = opened_form(photographer_client, own_photo) | {"alt_text_en": "A description"}

    response = photographer_client.post(change_url(own_photo), data)

    assert response.status_code == 302
    own_photo.refresh_from_db()
    assert own_photo.alt_text_en == "A description"


def test_a_form_opened_before_publishing_cannot_change_the_credit_after(
    photographer_client, own_photo, editor
):
    article = ArticleFactory(status=Article.Status.DRAFT, lead_photo=own_photo)
    data = opened_form(photographer_client, own_photo)
    assert "caption_ru" in data, "editable while only a draft shows it"
    workflow.apply(article, "publish", user=editor)

    response = photographer_client.post(change_url(own_photo), data | {"caption_ru": "Поздно"})

    assert response.status_code == 200
    assert LOCKED_MESSAGE in response.content.decode()
    own_photo.refresh_from_db()
    assert own_photo.caption_ru == "Подпись фотографа"


def test_the_credit_is_editable_again_once_no_public_article_shows_the_photo(
    photographer_client, own_photo, editor
):
    article = publish_with(own_photo)
    workflow.apply(article, "unpublish", user=editor, comment="Снято с сайта")
    data = opened_form(photographer_client, own_photo) | {"caption_ru": "Исправлено"}

    response = photographer_client.post(change_url(own_photo), data)

    assert response.status_code == 302
    own_photo.refresh_from_db()
    assert own_photo.public_from is None and own_photo.caption_ru == "Исправлено"


def test_editor_changes_the_credit_of_a_public_photo(
    client, editor, own_photo, colleague, staff_photographer
):
    publish_with(own_photo)
    client.force_login(editor)
    data = opened_form(client, own_photo)
    data |= {"caption_ru": "Подпись редактора", "photographer": colleague.pk}

    response = client.post(change_url(own_photo), data)

    assert response.status_code == 302
    own_photo.refresh_from_db()
    assert own_photo.caption_ru == "Подпись редактора"
    assert own_photo.photographer == colleague


def test_a_photo_a_scheduled_article_shows_keeps_its_alt_text(client, editor, own_photo):
    publish_with(own_photo, published_at=timezone.now() + dt.timedelta(days=1))
    client.force_login(editor)
    data = opened_form(client, own_photo) | {"alt_text_ru": ""}

    response = client.post(change_url(own_photo), data)

    assert response.status_code == 200
    assert "is published with this photo" in response.content.decode()
    own_photo.refresh_from_db()
    assert own_photo.alt_text_ru == "Описание"


def test_an_upload_records_who_last_changed_the_photo(photographer_client, photographer):
    upload(photographer_client, pillow_file(), credit="Reuters")

    assert Photo.objects.get().updated_by == photographer


# --- 2. A photographer credits only their own record ---------------------------------------


def photographer_choices(response) -> set:
    field = response.context["adminform"].form.fields["photographer"]
    return set(field.queryset)


def test_photographer_is_offered_only_their_own_record_in_the_change_form(
    photographer_client, own_photo, staff_photographer, colleague
):
    response = photographer_client.get(change_url(own_photo))

    assert photographer_choices(response) == {staff_photographer}
    page = response.content.decode()
    assert f'<option value="{colleague.pk}"' not in page
    assert f'<option value="{staff_photographer.pk}" selected>' in page


def test_photographer_naming_a_colleague_in_the_change_form_is_refused(
    photographer_client, own_photo, staff_photographer, colleague
):
    data = opened_form(photographer_client, own_photo) | {"photographer": colleague.pk}

    response = photographer_client.post(change_url(own_photo), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert NOT_YOURS in " ".join(errors["photographer"])
    own_photo.refresh_from_db()
    assert own_photo.photographer == staff_photographer


def test_photographer_may_credit_an_agency_instead(photographer_client, own_photo):
    data = opened_form(photographer_client, own_photo)
    data |= {"photographer": "", "credit_ru": "пресс-службы Акорды"}

    response = photographer_client.post(change_url(own_photo), data)

    assert response.status_code == 302
    own_photo.refresh_from_db()
    assert own_photo.photographer is None and own_photo.credit_ru == "пресс-службы Акорды"


def test_a_colleague_credited_by_an_editor_stays_but_cannot_be_swapped_for_another(
    photographer_client, own_photo, colleague
):
    third = Photographer.objects.create(name_ru="Игорь Бургандинов", gender="male")
    own_photo.photographer = colleague
    own_photo.save()

    kept = opened_form(photographer_client, own_photo) | {"alt_text_kk": "Сипаттама"}
    assert photographer_client.post(change_url(own_photo), kept).status_code == 302
    swapped = opened_form(photographer_client, own_photo) | {"photographer": third.pk}
    refused = photographer_client.post(change_url(own_photo), swapped)

    assert refused.status_code == 200
    own_photo.refresh_from_db()
    assert own_photo.alt_text_kk == "Сипаттама"
    assert own_photo.photographer == colleague


def test_photographer_naming_a_colleague_in_the_upload_form_is_refused(
    photographer_client, colleague
):
    page = photographer_client.get(reverse("admin:media_credits_photo_upload"))
    response = upload(photographer_client, pillow_file(), photographer=colleague.pk)

    assert f'<option value="{colleague.pk}"' not in page.content.decode()
    assert response.status_code == 200
    assert NOT_YOURS in " ".join(response.context["form"].errors["photographer"])
    assert Photo.objects.count() == 0


def test_photographer_uploads_under_their_own_record(photographer_client, staff_photographer):
    response = upload(photographer_client, pillow_file(), photographer=staff_photographer.pk)

    assert response.status_code == 302
    assert Photo.objects.get().photographer == staff_photographer


def test_editor_credits_any_photographer_in_upload_and_change_forms(
    client, editor, colleague, make_photo
):
    client.force_login(editor)
    page = client.get(reverse("admin:media_credits_photo_upload"))
    uploaded = upload(client, pillow_file(), photographer=colleague.pk)
    photo = Photo.objects.get()
    other = Photographer.objects.create(name_ru="Зарина Нокрабекова", gender="female")
    data = opened_form(client, photo) | {"photographer": other.pk}
    changed = client.post(change_url(photo), data)

    assert f'<option value="{colleague.pk}"' in page.content.decode()
    assert uploaded.status_code == 302 and changed.status_code == 302
    photo.refresh_from_db()
    assert photo.photographer == other


# --- 3. Only a user manager binds a Photographer record to a staff account -----------------


def photographer_change_url(record):
    return reverse("admin:media_credits_photographer_change", args=[record.pk])


def photographer_data(record, **changes):
    return {
        "name_ru": record.name_ru,
        "credit_name_ru": record.credit_name_ru or "",
        "gender": record.gender,
        "slug": record.slug,
        "agency": record.agency,
        **changes,
    }


@pytest.fixture
def user_manager(editor):
    manager = get_user_model().objects.create_user("usermanager1", is_staff=True)
    manager.groups.set(editor.groups.all())
    manager.user_permissions.add(
        Permission.objects.get(content_type__app_label="auth", codename="change_user"),
        Permission.objects.get(content_type__app_label="auth", codename="view_user"),
    )
    return manager


def test_editor_sees_the_staff_user_of_a_photographer_read_only(client, editor, staff_photographer):
    client.force_login(editor)

    response = client.get(photographer_change_url(staff_photographer))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="user"' not in page
    assert "photographer1" in page  # shown, not editable


def test_a_crafted_post_by_an_editor_cannot_bind_a_photographer_to_an_account(
    client, editor, colleague
):
    client.force_login(editor)

    response = client.post(
        photographer_change_url(colleague),
        photographer_data(colleague, agency="ТАСС", user=editor.pk),
    )

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.agency == "ТАСС", "the rest of the form was saved"
    assert colleague.user is None


def test_a_reporter_adding_a_photographer_cannot_bind_it_to_an_account(client, reporter):
    client.force_login(reporter)

    page = client.get(reverse("admin:media_credits_photographer_add"))
    response = client.post(
        reverse("admin:media_credits_photographer_add"),
        {"name_ru": "Новый Фотограф", "gender": "male", "user": reporter.pk},
    )

    assert 'name="user"' not in page.content.decode()
    assert response.status_code == 302
    assert Photographer.objects.get(name_ru="Новый Фотограф").user is None


def test_a_user_manager_binds_a_photographer_to_an_account(client, user_manager, colleague):
    staff = get_user_model().objects.create_user("ukibayev", is_staff=True)
    client.force_login(user_manager)

    page = client.get(photographer_change_url(colleague))
    response = client.post(
        photographer_change_url(colleague), photographer_data(colleague, user=staff.pk)
    )

    assert 'name="user"' in page.content.decode()
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.user == staff


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ru", "только для чтения"),
        ("kk", "тек оқуға арналған"),
    ],
)
def test_the_read_only_notice_speaks_the_admins_language(
    photographer_client, own_photo, language, words
):
    publish_with(own_photo)

    response = photographer_client.get(change_url(own_photo), HTTP_ACCEPT_LANGUAGE=language)

    assert words in response.content.decode()
