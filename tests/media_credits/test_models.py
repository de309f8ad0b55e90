import pytest
from django.db import IntegrityError

from media_credits.models import Photo, Photographer


@pytest.mark.parametrize(
    ("name", "gender", "credit_name"),
    [
        ("Аманкул Дюсенбаев", "male", "Аманкула Дюсенбаева"),
        ("Еркебулан Укибаев", "male", "Еркебулана Укибаева"),
        ("Игорь Бургандинов", "male", "Игоря Бургандинова"),
        ("Зарина Нокрабекова", "female", "Зарины Нокрабековой"),
        ("Серджо Маттарелла", "male", "Серджо Маттареллы"),
        ("Айгерим Сейткали", "female", "Айгерим Сейткали"),
    ],
)
def test_new_photographer_gets_a_russian_genitive_credit_name(db, name, gender, credit_name):
    photographer = Photographer.objects.create(name_ru=name, gender=gender)

    assert photographer.credit_name_ru == credit_name
    assert photographer.credit_name_en is None


def test_credit_name_typed_by_the_editor_is_kept(db):
    photographer = Photographer.objects.create(
        name_ru="Касым-Жомарт Токаев", gender="male", credit_name_ru="Касым-Жомарту Токаеву"
    )

    assert photographer.credit_name_ru == "Касым-Жомарту Токаеву"


def test_changing_the_name_later_does_not_overwrite_the_credit_name(db):
    photographer = Photographer.objects.create(name_ru="Аманкул Дюсенбаев", gender="male")
    photographer.credit_name_ru = "Аманкула Дюсенбаева (ред.)"
    photographer.name_ru = "Аманкул Дюсенбаев-младший"
    photographer.save()
    photographer.refresh_from_db()

    assert photographer.credit_name_ru == "Аманкула Дюсенбаева (ред.)"


def test_photographers_get_unique_latin_slugs(db):
    first = Photographer.objects.create(name_ru="Аманкул Дюсенбаев", gender="male")
    second = Photographer.objects.create(name_ru="Аманкул Дюсенбаев", gender="male")

    assert first.slug == "amankul-dyusenbaev"
    assert second.slug == f"{first.slug}-2"


def test_database_refuses_a_photo_without_photographer_or_credit(db):
    with pytest.raises(IntegrityError):
        Photo.objects.create(image="photos/x.jpg", width=1, height=1, image_format="JPEG")


def test_database_accepts_a_photo_with_only_an_agency_credit(db):
    photo = Photo.objects.create(
        image="photos/x.jpg", width=1, height=1, image_format="JPEG", credit_ru="Reuters"
    )

    assert photo.pk
