"""The article page's HTML, byte for byte, for a rich article in every language.

The golden files in tests/testdata/article_page/ were written by the page as it was before
its view and templates were made faster (issue 9): any change to what a reader, a search
engine or a social network receives shows up here. Ids are fixed (sequences reset) and the
clock frozen, so the pages are the same on SQLite and PostgreSQL. To accept a deliberate
change of the page, delete the files and run this test once (it writes them, then fails).
"""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from articles import workflow
from articles.models import Article, ArticleAuthor, GalleryPhoto
from tests.factories import ArticleFactory, AuthorFactory, RubricFactory
from tests.photos import photo, photographer

GOLDEN = Path(__file__).resolve().parent.parent / "testdata" / "article_page"
ALMATY = ZoneInfo("Asia/Almaty")
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=ALMATY)
SMALL = (320, 200)


def rich_article() -> Article:
    """Sections with and without subheads and photos, a gallery, bylines, corrections."""
    amankul = photographer(
        "Аманкул Дюсенбаев",
        "Аманкула Дюсенбаева",
        name_kk="Аманкұл Дүйсенбаев",
        name_en="Amankul Dyusenbayev",
        credit_name_en="Amankul Dyusenbayev",
    )
    yerkebulan = photographer("Еркебулан Укибаев", "Еркебулана Укибаева", name_en="Yerkebulan")
    rubric = RubricFactory(
        name_ru="Политика", name_kk="Саясат", name_en="Politics", slug="politics"
    )
    sections = [
        {
            "body_ru": (
                "<p>– Первый абзац «с кавычками» и 10 000 тенге.</p><p>Второй &amp; ещё.</p>"
            ),
            "body_kk": "<p>– Бірінші абзац «тырнақшамен».</p>",
            "body_en": '<p>– First paragraph, "quoted" & more.</p>',
        },
        {
            "subhead_ru": "Потенциал для роста",
            "subhead_kk": "Өсу әлеуеті",
            "subhead_en": "Room to grow",
            "body_ru": '<p>Текст <a href="https://example.com/?a=1&amp;b=2">ссылка</a>.</p>',
            "body_kk": "<p>Мәтін <i>курсив</i>.</p>",
            "body_en": "<p>Text <b>bold</b>.</p><ul><li>one</li><li>two</li></ul>",
        },
        {
            "subhead_ru": "От экономики до безопасности",
            "subhead_kk": "Экономикадан қауіпсіздікке дейін",
            "subhead_en": "From economy to security",
            "body_ru": "<blockquote><p>Цитата.</p></blockquote>",
            "body_kk": "<p>Соңы.</p>",
            "body_en": "<p>The end.</p>",
        },
    ]
    article = ArticleFactory(
        headline_ru="Особые узы дружбы",
        headline_kk="Достықтың ерекше байланысы",
        headline_en="Special <bonds> of friendship",
        standfirst_ru='Лид – о "главном".',
        standfirst_kk="Қысқаша.",
        standfirst_en="",
        rubric=rubric,
        lead_photo=photo(
            by=amankul,
            size=SMALL,
            caption="Встреча <президентов>",
            caption_en="The meeting",
            caption_kk="Кездесу",
        ),
        published_at=NOW - dt.timedelta(days=2),
        status=Article.Status.DRAFT,
        sections=sections,
    )
    shown = list(article.sections.order_by("position"))
    shown[1].photo = photo(
        by=yerkebulan, credit="Reuters", credit_kk="Reuters", credit_en="Reuters", size=SMALL
    )
    shown[1].save()
    shown[2].photo = photo(
        credit="пресс-службы Акорды",
        credit_kk="Ақорда баспасөз қызметі",
        credit_en="Akorda press service",
        size=SMALL,
    )
    shown[2].save()
    for position, by in enumerate((amankul, yerkebulan)):
        GalleryPhoto.objects.create(
            article=article,
            photo=photo(by=by, size=SMALL, caption=f"Галерея {position}"),
            position=position,
        )
    for position, names in enumerate(
        (
            {"name_ru": "Айгуль Сапарова", "name_en": "Aigul Saparova"},
            {"name_ru": "Иван Петров"},
            {"name_ru": "", "name_kk": "Асқар Жұмабаев"},
        )
    ):
        ArticleAuthor.objects.create(
            article=article, author=AuthorFactory(**names), position=position
        )
    user = workflow.system_user()
    workflow.apply(article, "publish", user=user, at=article.published_at)
    workflow.apply(
        article,
        "correct",
        user=user,
        correction={"ru": "Исправлена дата.", "kk": "Күні түзетілді.", "en": "Date <fixed>."},
    )
    return Article.objects.get(pk=article.pk)


@pytest.mark.django_db(transaction=True, reset_sequences=True)
@pytest.mark.parametrize("page", ["ru", "kk", "en", "kk-latn", "redirected-slug"])
def test_the_article_page_is_byte_for_byte_what_it_was(client, time_machine, page):
    time_machine.move_to(NOW - dt.timedelta(days=3), tick=False)
    article = rich_article()
    time_machine.move_to(NOW, tick=False)
    language = page.split("-")[0] if page != "redirected-slug" else "en"
    url = article.get_absolute_url(language)
    if page == "kk-latn":
        url = url.replace("/kk/", "/kk-latn/", 1)
    if page == "redirected-slug":
        redirect = client.get(url.replace(article.slug_en, "wrong-slug"))
        assert (redirect.status_code, redirect["Location"]) == (301, url)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    # The wrong slug's redirect ends on the English page itself: one golden file for both.
    golden = GOLDEN / f"{'en' if page == 'redirected-slug' else page}.html"
    if not golden.exists():
        golden.write_text(html, encoding="utf-8")
        pytest.fail(f"wrote {golden.name}: check it in, then run again")
    assert html == golden.read_text(encoding="utf-8")
