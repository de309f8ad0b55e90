import pytest
from django.core.management import call_command
from django.utils import translation

from media_credits.credits import credit_line, guess_nominative, read_credit_line
from media_credits.declension import genitive_credit_name
from media_credits.models import Photographer
from tests.photos import photo, photographer

pytestmark = pytest.mark.django_db


def test_seed_credit_line_in_russian(amankul, yerkebulan):
    photos = [photo(by=amankul), photo(by=yerkebulan), photo(by=amankul)]
    assert credit_line(photos, "ru") == "фото Аманкула Дюсенбаева, Еркебулана Укибаева"


def test_one_photographer_in_each_language(amankul):
    photos = [photo(by=amankul)]
    assert credit_line(photos, "ru") == "фото Аманкула Дюсенбаева"
    assert credit_line(photos, "kk") == "Суретті түсірген – Аманкул Дюсенбаев"
    assert credit_line(photos, "en") == "Photo by Amankul Dyusenbayev"


def test_english_joins_two_with_and_and_three_with_commas(amankul, yerkebulan):
    third = photographer("Зарина Нокрабекова", "Зарины Нокрабековой", name_en="Zarina Nokrabekova")
    two = [photo(by=amankul), photo(by=yerkebulan)]
    assert credit_line(two, "en") == "Photos by Amankul Dyusenbayev and Yerkebulan Ukibayev"
    three = [*two, photo(by=third)]
    assert credit_line(three, "en") == (
        "Photos by Amankul Dyusenbayev, Yerkebulan Ukibayev and Zarina Nokrabekova"
    )
    assert credit_line(three, "ru") == (
        "фото Аманкула Дюсенбаева, Еркебулана Укибаева, Зарины Нокрабековой"
    )


def test_agency_only_photo_reads_as_its_credit_text():
    handout = photo(
        credit="пресс-службы Акорды",
        credit_kk="Ақорда баспасөз қызметі",
        credit_en="Akorda press service",
    )
    assert credit_line([handout], "ru") == "фото пресс-службы Акорды"
    assert credit_line([handout], "kk") == "Суретті түсірген – Ақорда баспасөз қызметі"
    assert credit_line([handout], "en") == "Photo by Akorda press service"


def test_photographer_with_agency_reads_name_then_agency(amankul):
    both = photo(by=amankul, credit="Reuters", credit_en="Reuters")
    assert credit_line([both], "ru") == "фото Аманкула Дюсенбаева (Reuters)"
    assert credit_line([both], "en") == "Photo by Amankul Dyusenbayev (Reuters)"


def test_repeated_photographer_appears_once_in_order_of_first_appearance(amankul, yerkebulan):
    photos = [photo(by=yerkebulan), photo(by=amankul), photo(by=yerkebulan), photo(by=amankul)]
    assert credit_line(photos, "ru") == "фото Еркебулана Укибаева, Аманкула Дюсенбаева"


def test_fallback_chain_never_puts_the_russian_genitive_under_another_label():
    only_russian = photographer("Игорь Бургандинов", "Игоря Бургандинова")
    with_kk_name = photographer("Айгерим Сейткали", "Айгерим Сейткали", name_kk="Әйгерім Сейітқали")
    with_en_credit = photographer(
        "Серджо Маттарелла",
        "Серджо Маттареллы",
        name_en="Sergio M.",
        credit_name_en="Sergio Mattarella",
    )
    assert credit_line([photo(by=only_russian)], "en") == "Photo by Игорь Бургандинов"
    assert credit_line([photo(by=only_russian)], "kk") == "Суретті түсірген – Игорь Бургандинов"
    assert credit_line([photo(by=with_kk_name)], "kk") == "Суретті түсірген – Әйгерім Сейітқали"
    assert credit_line([photo(by=with_en_credit)], "en") == "Photo by Sergio Mattarella"
    assert credit_line([photo(by=only_russian)], "ru") == "фото Игоря Бургандинова"


def test_credit_line_does_not_change_the_active_language(amankul):
    with translation.override("kk"):
        credit_line([photo(by=amankul)], "en")
        assert translation.get_language() == "kk"


@pytest.mark.parametrize(
    ("nominative", "female"),
    [
        ("Аманкул Дюсенбаев", False),
        ("Еркебулан Укибаев", False),
        ("Игорь Бургандинов", False),
        ("Зарина Нокрабекова", True),
        ("Серджо Маттарелла", False),
        ("Айгерим Сейткали", True),
        ("Касым-Жомарт Токаев", False),
    ],
)
def test_nominative_guess_declines_back_to_the_credit_form(nominative, female):
    credit_form = genitive_credit_name(nominative, female=female)
    guess, _gender = guess_nominative(credit_form)
    assert guess == nominative
    assert genitive_credit_name(guess, female=_gender == "female") == credit_form


def test_credit_line_reading_keeps_agencies_apart():
    names = read_credit_line("фото Аманкула Дюсенбаева, Еркебулана Укибаева и пресс-службы Акорды")
    assert [(n.credit_form, n.is_agency) for n in names] == [
        ("Аманкула Дюсенбаева", False),
        ("Еркебулана Укибаева", False),
        ("пресс-службы Акорды", True),
    ]


def run_import(*args):
    from io import StringIO

    from tests.conftest import SEED_FILE

    out = StringIO()
    with translation.override("en"):
        call_command("import_article", str(SEED_FILE), *args, stdout=out)
    return out.getvalue()


def test_importer_creates_photographers_flagged_to_confirm_without_duplicates():
    output = run_import("--dry-run")
    assert "would create: Аманкул Дюсенбаев" in output
    assert "declines back to the credit form" in output
    assert not Photographer.objects.exists()
    run_import()
    run_import()
    people = list(
        Photographer.objects.order_by("name_ru").values_list(
            "name_ru", "credit_name_ru", "is_name_to_confirm"
        )
    )
    assert people == [
        ("Аманкул Дюсенбаев", "Аманкула Дюсенбаева", True),
        ("Еркебулан Укибаев", "Еркебулана Укибаева", True),
    ]


def test_importer_reuses_a_photographer_whose_credit_name_matches(amankul):
    output = run_import()
    assert "photographer reused: Аманкул Дюсенбаев" in output
    assert Photographer.objects.filter(credit_name_ru="Аманкула Дюсенбаева").count() == 1
    assert Photographer.objects.get(pk=amankul.pk).is_name_to_confirm is False


def test_a_credit_entered_in_one_language_still_credits_the_photo_everywhere():
    kazakh_only = photo(credit="временно", credit_kk="Ақорда баспасөз қызметі")
    kazakh_only.credit_ru = ""
    kazakh_only.save()
    assert kazakh_only.photographer is None
    for code in ("ru", "kk", "en"):
        assert "Ақорда баспасөз қызметі" in credit_line([kazakh_only], code)


def test_agencies_in_an_imported_credit_line_create_no_photographer():
    names = read_credit_line("фото Reuters, ТАСС, Аманкула Дюсенбаева и пресс-службы Акорды")
    assert [(n.credit_form, n.is_agency) for n in names] == [
        ("Reuters", True),
        ("ТАСС", True),
        ("Аманкула Дюсенбаева", False),
        ("пресс-службы Акорды", True),
    ]


def test_a_russian_only_agency_never_stands_in_brackets_under_another_label(amankul):
    mixed = photo(by=amankul, credit="пресс-службы Акорды")
    assert credit_line([mixed], "ru") == "фото Аманкула Дюсенбаева (пресс-службы Акорды)"
    assert credit_line([mixed], "en") == "Photo by Amankul Dyusenbayev"
    assert credit_line([mixed], "kk") == "Суретті түсірген – Аманкул Дюсенбаев"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "фото Аманкула Дюсенбаева, Еркебулана Укибаева",
            ["Аманкула Дюсенбаева", "Еркебулана Укибаева"],
        ),
        (
            "Фото: Аманкула Дюсенбаева; Еркебулана Укибаева",
            ["Аманкула Дюсенбаева", "Еркебулана Укибаева"],
        ),
        ("фото Аманкула Дюсенбаева / Reuters", ["Аманкула Дюсенбаева", "Reuters"]),
        (
            "фото Аманкула Дюсенбаева и Еркебулана Укибаева",
            ["Аманкула Дюсенбаева", "Еркебулана Укибаева"],
        ),
        (
            "фото пресс-службы Президента и Правительства",
            ["пресс-службы Президента и Правительства"],
        ),
        (
            "фото Еркебулана Укибаева и пресс-службы Акорды",
            ["Еркебулана Укибаева", "пресс-службы Акорды"],
        ),
    ],
)
def test_credit_lines_split_into_names(line, expected):
    from media_credits.credits import split_credit_line

    assert split_credit_line(line) == expected


def test_a_known_photographer_is_reused_even_under_a_one_word_credit():
    from media_credits.credits import photographers_for_credit_line

    known = photographer("Дюсенбаев", "Дюсенбаева")
    [match] = photographers_for_credit_line("фото Дюсенбаева")
    assert match.photographer == known
    assert match.created is False
