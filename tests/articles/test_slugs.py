import pytest
from django.core.exceptions import ValidationError

from articles.models import RESERVED_SLUGS, Article, Rubric
from newsroom.slugs import latin_slug
from tests.factories import ArticleFactory


@pytest.mark.parametrize(
    ("letter", "latin"),
    [
        ("ә", "a"),
        ("ғ", "g"),
        ("қ", "q"),
        ("ң", "n"),
        ("ө", "o"),
        ("ұ", "u"),
        ("ү", "u"),
        ("һ", "h"),
        ("і", "i"),
    ],
)
def test_every_kazakh_letter_is_transliterated(letter, latin):
    assert latin_slug(f"т{letter}т") == f"t{latin}t"
    assert latin_slug(f"Т{letter.upper()}Т") == f"t{latin}t"


def test_russian_headline_becomes_the_designs_slug():
    assert latin_slug("Особые узы дружбы") == "osobye-uzy-druzhby"


def test_kazakh_headline_keeps_every_word():
    assert (
        latin_slug("Әділет пен Ғылым: Қазақстан өңірлері") == "adilet-pen-gylym-qazaqstan-onirleri"
    )


@pytest.mark.django_db
def test_each_language_gets_its_own_slug():
    article = ArticleFactory(headline_kk="Үкімет отырысы", headline_en="Cabinet meets")
    assert (article.slug_ru, article.slug_kk, article.slug_en) == (
        article.slug_ru,
        "ukimet-otyrysy",
        "cabinet-meets",
    )
    assert article.slug_ru.startswith("zagolovok-nomer-")


@pytest.mark.django_db
def test_slug_clash_gets_a_number_per_language():
    first = ArticleFactory(headline_ru="Новости дня")
    second = ArticleFactory(headline_ru="Новости дня")
    third = ArticleFactory(headline_ru="Новости дня")
    assert [first.slug_ru, second.slug_ru, third.slug_ru] == [
        "novosti-dnya",
        "novosti-dnya-2",
        "novosti-dnya-3",
    ]


@pytest.mark.django_db
def test_slug_is_never_empty():
    article = ArticleFactory(headline_ru="!!! ???")
    assert article.slug_ru == str(article.pk)


@pytest.mark.django_db
def test_an_edited_slug_is_kept():
    article = ArticleFactory(headline_ru="Первый заголовок")
    article.slug_ru = "moy-slug"
    article.headline_ru = "Другой заголовок"
    article.save()
    article.refresh_from_db()
    assert article.slug_ru == "moy-slug"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "slug", ["articles", "archive", "search", "feeds", "photographers", "Admin"]
)
def test_rubric_may_not_take_a_word_the_site_uses(slug):
    rubric = Rubric(slug=slug, name_ru="Рубрика")
    with pytest.raises(ValidationError) as excinfo:
        rubric.full_clean()
    assert "slug" in excinfo.value.message_dict


def test_reserved_words_cover_the_sites_url_prefixes():
    assert {"articles", "archive", "search", "feeds", "photographers", "preview"} <= RESERVED_SLUGS


@pytest.mark.django_db
def test_an_ordinary_rubric_slug_is_accepted():
    Rubric(slug="politics", name_ru="Политика").full_clean()
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_a_slug_typed_by_hand_that_another_article_uses_is_refused():
    ArticleFactory(headline_ru="Новости дня")
    other = ArticleFactory(headline_ru="Другое")
    other.slug_ru = "novosti-dnya"
    with pytest.raises(ValidationError) as excinfo:
        other.full_clean()
    assert "slug_ru" in excinfo.value.message_dict
