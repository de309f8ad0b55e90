"""The admin in Kazakh shows no Russian and no untranslated English; Russian and Kazakh
sentences name each model in its grammar («Добавить статью», «…» мақаласы қосылды)."""

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
import reversion
import reversion_compare
from babel.messages.pofile import read_po
from reversion.models import Version

from articles.models import Article, Rubric
from media_credits.models import Photographer
from tests.articles.test_admin import article_form
from tests.factories import ArticleFactory, AuthorFactory
from tests.photos import photo

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parent.parent / "locale"
DJANGO = Path(django.__file__).resolve().parent
PACKAGES = Path(reversion.__file__).resolve().parent.parent
KK = {"HTTP_ACCEPT_LANGUAGE": "kk"}
RU = {"HTTP_ACCEPT_LANGUAGE": "ru"}

#: Every catalogue the admin reads, per language: Django's, the libraries', the project's.
CATALOGUES = [
    DJANGO / "conf/locale/{lang}/LC_MESSAGES/django.po",
    DJANGO / "contrib/admin/locale/{lang}/LC_MESSAGES/django.po",
    DJANGO / "contrib/admin/locale/{lang}/LC_MESSAGES/djangojs.po",
    DJANGO / "contrib/auth/locale/{lang}/LC_MESSAGES/django.po",
    DJANGO / "contrib/contenttypes/locale/{lang}/LC_MESSAGES/django.po",
    DJANGO / "contrib/sessions/locale/{lang}/LC_MESSAGES/django.po",
    PACKAGES / "reversion/locale/{lang}/LC_MESSAGES/django.po",
    Path(reversion_compare.__file__).parent / "locale/{lang}/LC_MESSAGES/django.po",
    LOCALE / "{lang}/LC_MESSAGES/django.po",
    LOCALE / "{lang}/LC_MESSAGES/djangojs.po",
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sdr]|\{\w*\}|<[^>]*>|&\w+;")


def _strings(lang):
    strings = set()
    for pattern in CATALOGUES:
        path = Path(str(pattern).format(lang=lang))
        if not path.exists():
            continue
        with path.open("rb") as po:
            for message in read_po(po, locale=lang):
                if not message.id:
                    continue
                values = message.string if isinstance(message.string, tuple) else (message.string,)
                strings.update(value for value in values if value)
    return strings


def _russian_fragments():
    """Text that only a Russian catalogue writes: pieces of its msgstrs no kk msgstr has."""
    kazakh = _strings("kk")
    fragments = set()
    for text in _strings("ru") - kazakh:
        for piece in PLACEHOLDER.split(text):
            piece = piece.strip(" \n\t.,:;!?()«»“”\"'—-…")
            if len(piece) >= 4 and re.search("[а-яё]", piece, re.I):
                fragments.add(piece)
    return {f for f in fragments if not any(f in k for k in kazakh)}


RUSSIAN_ONLY = _russian_fragments()
RUSSIAN = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(f) for f in sorted(RUSSIAN_ONLY, key=len, reverse=True))
    + r")(?!\w)"
)


def _english_msgids():
    """Admin msgids that have a Kazakh translation: their English must never show."""
    ids = set()
    for pattern in CATALOGUES:
        path = Path(str(pattern).format(lang="kk"))
        if not path.exists():
            continue
        with path.open("rb") as po:
            for message in read_po(po, locale="kk"):
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                value = message.string if isinstance(message.string, str) else message.string[0]
                if msgid and value and value != msgid and re.search("[A-Za-z]{2}", msgid):
                    ids.add(msgid.strip())
    return ids


ENGLISH = _english_msgids()


class VisibleText(HTMLParser):
    """Text nodes and the attributes a reader sees or hears, outside scripts and data."""

    SKIP = {"script", "style", "textarea"}
    ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "data-inline-formset"}

    def __init__(self):
        super().__init__()
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        attrs = dict(attrs)
        for name, value in attrs.items():
            if value and name in self.ATTRIBUTES:
                if name == "data-inline-formset":
                    value = json.loads(value)["options"]["addText"]
                self.parts.append(value)
        is_button = tag == "button" or attrs.get("type") in {"submit", "button", "reset"}
        if is_button and attrs.get("value") and tag == "input":
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(" ".join(data.split()))


def visible(html):
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def assert_kazakh(client, url):
    response = client.get(url, **KK)
    assert response.status_code == 200, url
    page = response.content.decode()
    assert '<html lang="kk"' in page, url
    # The metadata table lists the file's own keys (EXIF and the like), not interface text.
    page = re.sub(r'<div class="form-row field-file_metadata">.*?</table>', "", page, flags=re.S)
    parts = visible(page)
    russian = sorted({m.group(0) for part in parts for m in RUSSIAN.finditer(part)})
    english = sorted({part for part in parts if part in ENGLISH})
    assert (url, russian, english) == (url, [], [])


@pytest.fixture
def newsroom_data(editor, reporter, photographer):
    rubric = Rubric.objects.create(
        name_ru="Политика", name_kk="Саясат", name_en="Politics", slug="politics"
    )
    author = AuthorFactory(name_ru="Айгерим Сейткали", name_kk="Әйгерім Сейітқали", user=reporter)
    draft = ArticleFactory(
        headline_ru="Особые узы",
        headline_kk="Ерекше байланыс",
        rubric=rubric,
        created_by=reporter,
        status=Article.Status.DRAFT,
    )
    published = ArticleFactory(headline_kk="Жарияланған мақала", created_by=reporter)
    draft.bylines.create(author=author, position=1)
    with reversion.create_revision():
        draft.save()
    draft.headline_kk = "Ерекше достық байланыс"
    with reversion.create_revision():
        draft.save()
    amankul = Photographer.objects.create(
        name_ru="Аманкул Дюсенбаев", name_kk="Аманқұл Дүйсенбаев", gender="male", user=photographer
    )
    own_photo = photo(by=amankul, caption_kk="Астана", caption="Астана")
    return {
        "article": draft,
        "published": published,
        "rubric": rubric,
        "photographer": amankul,
        "photo": own_photo,
    }


def _article_pages(article):
    versions = Version.objects.get_for_object(article).order_by("pk")
    first, second = versions[0].pk, versions[1].pk
    base = f"/admin/articles/article/{article.pk}"
    return [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/?status__exact=draft",
        "/admin/articles/article/?q=Ерекше",
        "/admin/articles/article/add/",
        f"{base}/change/",
        f"{base}/history/",
        f"{base}/history/{first}/",
        f"{base}/history/compare/?version_id1={first}&version_id2={second}",
        "/admin/password_change/",
    ]


def test_the_editor_sees_every_admin_page_in_kazakh_only(client, editor, newsroom_data):
    client.force_login(editor)
    pages = [
        *_article_pages(newsroom_data["article"]),
        "/admin/articles/rubric/",
        f"/admin/articles/rubric/{newsroom_data['rubric'].pk}/change/",
        f"/admin/articles/rubric/{newsroom_data['rubric'].pk}/delete/",
        "/admin/articles/author/",
        "/admin/media_credits/photo/",
        "/admin/media_credits/photo/upload/",
        "/admin/media_credits/photo/picker/",
        f"/admin/media_credits/photo/{newsroom_data['photo'].pk}/change/",
        f"/admin/media_credits/photo/{newsroom_data['photo'].pk}/delete/",
        "/admin/media_credits/photographer/",
        f"/admin/media_credits/photographer/{newsroom_data['photographer'].pk}/change/",
    ]
    for url in pages:
        assert_kazakh(client, url)


def test_the_reporter_sees_every_admin_page_in_kazakh_only(client, reporter, newsroom_data):
    client.force_login(reporter)
    published = f"/admin/articles/article/{newsroom_data['published'].pk}/change/"
    for url in [*_article_pages(newsroom_data["article"]), published]:
        assert_kazakh(client, url)


def test_the_photographer_sees_every_admin_page_in_kazakh_only(client, photographer, newsroom_data):
    client.force_login(photographer)
    pk = newsroom_data["photo"].pk
    for url in [
        "/admin/",
        "/admin/media_credits/photo/",
        "/admin/media_credits/photo/upload/",
        f"/admin/media_credits/photo/{pk}/change/",
        f"/admin/media_credits/photo/{pk}/history/",
        "/admin/password_change/",
    ]:
        assert_kazakh(client, url)


def test_logging_out_says_goodbye_in_kazakh(client, editor):
    client.force_login(editor)
    response = client.post("/admin/logout/", **KK)
    parts = visible(response.content.decode())
    assert "Бүгін сайтқа уақыт бөлгеніңізге рақмет." in parts
    assert [m.group(0) for part in parts for m in RUSSIAN.finditer(part)] == []


def test_the_leak_check_catches_russian_and_english(client, editor):
    # The control: the same check on the Russian admin finds Russian, on English, English.
    client.force_login(editor)
    russian = visible(client.get("/admin/articles/article/", **RU).content.decode())
    english = visible(
        client.get("/admin/articles/article/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert any(RUSSIAN.search(part) for part in russian)
    assert {"Filter", "Search", "Log out"} <= {part for part in english if part in ENGLISH}


def test_the_javascript_catalogue_is_kazakh_for_every_admin_string(client, editor):
    client.force_login(editor)
    script = client.get("/admin/jsi18n/", **KK).content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))
    with (DJANGO / "contrib/admin/locale/ru/LC_MESSAGES/djangojs.po").open("rb") as po:
        admin_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(po) if m.id}
    values = [
        v for value in catalog.values() for v in (value if isinstance(value, list) else [value])
    ]
    missing = sorted(
        i
        for i in admin_ids
        if i not in catalog and not any(k.endswith("\x04" + i) for k in catalog)
    )
    assert missing == []
    assert [v for v in values if RUSSIAN.search(v)] == []
    assert catalog["January"] == "Қаңтар"
    assert catalog["Today"] == "Бүгін"


# --- Russian and Kazakh grammar of the admin's sentences ---------------------------------


def _h1(html):
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()


def _messages(response):
    return [re.sub(r"<[^>]+>", "", str(m)) for m in response.context["messages"]]


@pytest.mark.parametrize(
    ("language", "changelist", "add", "button", "change"),
    [
        (
            "ru",
            "Выберите статью для изменения",
            "Добавить статью",
            "Добавить статью",
            "Изменить статью",
        ),
        ("kk", "Өзгерту үшін мақаланы таңдаңыз", "Мақала қосу", "Мақала қосу", "Мақаланы өзгерту"),
        ("en", "Select article to change", "Add article", "Add article", "Change article"),
    ],
)
def test_article_titles_name_the_article_in_its_case(
    client, editor, newsroom_data, language, changelist, add, button, change
):
    client.force_login(editor)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    listing = client.get("/admin/articles/article/", **headers).content.decode()
    assert _h1(listing) == changelist
    assert re.search(r'class="addlink">\s*(.*?)\s*</a>', listing, re.S).group(1) == button
    form = client.get("/admin/articles/article/add/", **headers).content.decode()
    assert _h1(form) == add
    assert add in re.search(r'<div class="breadcrumbs">(.*?)</div>', form, re.S).group(1)
    url = f"/admin/articles/article/{newsroom_data['article'].pk}/change/"
    assert _h1(client.get(url, **headers).content.decode()) == change


def test_russian_names_each_model_in_its_gender_and_case(client, editor, newsroom_data):
    client.force_login(editor)
    titles = {
        "/admin/articles/rubric/": "Выберите рубрику для изменения",
        "/admin/articles/author/add/": "Добавить автора",
        "/admin/media_credits/photographer/": "Выберите фотографа для изменения",
        "/admin/media_credits/photographer/add/": "Добавить фотографа",
        "/admin/media_credits/photo/": "Выберите фото для изменения",
        "/admin/articles/transition/": "Выберите шаг работы над статьёй для просмотра",
    }
    for url, title in titles.items():
        assert _h1(client.get(url, **RU).content.decode()) == title, url
    actions = client.get("/admin/media_credits/photographer/", **RU).content.decode()
    assert ">Удалить выбранных фотографов</option>" in actions
    actions = client.get("/admin/articles/rubric/", **RU).content.decode()
    assert ">Удалить выбранные рубрики</option>" in actions
    form = client.get("/admin/articles/article/add/", **RU).content.decode()
    add_texts = [
        json.loads(html.unescape(value))["options"]["addText"]
        for value in re.findall(r'data-inline-formset="([^"]*)"', form)
    ]
    assert add_texts == [
        "Добавить ещё одного автора",
        "Добавить ещё один раздел",
        "Добавить ещё одно фото галереи",
    ]


def test_kazakh_names_each_model_in_its_case(client, editor, newsroom_data):
    client.force_login(editor)
    assert _h1(client.get("/admin/media_credits/photographer/", **KK).content.decode()) == (
        "Өзгерту үшін фотографты таңдаңыз"
    )
    actions = client.get("/admin/articles/rubric/", **KK).content.decode()
    assert ">Таңдалған айдарларды жою</option>" in actions
    form = client.get("/admin/articles/article/add/", **KK).content.decode()
    assert "Тағы бір бөлім қосу" in visible(form)


@pytest.mark.parametrize(
    ("language", "added", "changed", "deleted", "confirm"),
    [
        (
            "ru",
            "Рубрика «Экономика» добавлена.",
            "Рубрика «Экономика» изменена. Ниже её можно изменить снова.",
            "Рубрика «Экономика» удалена.",
            "Вы уверены, что хотите удалить рубрику «Экономика»?",
        ),
        (
            "kk",
            "«Экономика» айдары қосылды.",
            "«Экономика» айдары өзгертілді. Оны төменде қайта өзгерте аласыз.",
            "«Экономика» айдары жойылды.",
            "«Экономика» айдарын жойғыңыз келетініне сенімдісіз бе?",
        ),
    ],
)
def test_rubric_messages_as_the_admin_sends_them(
    client, editor, language, added, changed, deleted, confirm
):
    client.force_login(editor)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    fields = {
        "name_ru": "Экономика",
        "name_kk": "Экономика",
        "name_en": "Economy",
        "slug": "economy",
    }
    response = client.post(
        "/admin/articles/rubric/add/", {**fields, "position": 1}, follow=True, **headers
    )
    assert _messages(response) == [added]
    rubric = Rubric.objects.get(slug="economy")
    url = f"/admin/articles/rubric/{rubric.pk}/"
    response = client.post(
        f"{url}change/", {**fields, "position": 2, "_continue": "1"}, follow=True, **headers
    )
    assert _messages(response) == [changed]
    page = client.get(f"{url}delete/", **headers).content.decode()
    assert confirm in " ".join(visible(page))
    response = client.post(f"{url}delete/", {"post": "yes"}, follow=True, **headers)
    assert _messages(response) == [deleted]


@pytest.mark.parametrize(
    ("language", "added", "changed"),
    [
        ("ru", "Статья «Новая статья» добавлена.", "Статья «Новая статья» изменена."),
        ("kk", "«Новая статья» мақаласы қосылды.", "«Новая статья» мақаласы өзгертілді."),
        ("en", "The article “Новая статья” was added.", "The article “Новая статья” was changed."),
    ],
)
def test_article_messages_as_the_reporter_gets_them(client, reporter, language, added, changed):
    client.force_login(reporter)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    response = client.post("/admin/articles/article/add/", article_form(), follow=True, **headers)
    assert _messages(response) == [added]
    article = Article.objects.get(headline_ru="Новая статья")
    data = {**article_form(), "expected_version": article.version}
    data.update(
        {
            "sections-TOTAL_FORMS": "0",
            "sections-INITIAL_FORMS": "0",
        }
    )
    sections = list(article.sections.order_by("position"))
    data["sections-TOTAL_FORMS"] = data["sections-INITIAL_FORMS"] = str(len(sections))
    for index, section in enumerate(sections):
        data[f"sections-{index}-id"] = section.pk
        data[f"sections-{index}-article"] = article.pk
    url = f"/admin/articles/article/{article.pk}/change/"
    response = client.post(url, data, follow=True, **headers)
    assert _messages(response) == [changed]


def test_the_success_message_links_the_article_and_escapes_its_headline(client, reporter):
    client.force_login(reporter)
    response = client.post(
        "/admin/articles/article/add/", article_form(headline_ru="<b>Жирный</b>"), follow=True, **RU
    )
    (message,) = [str(m) for m in response.context["messages"]]
    article = Article.objects.get()
    assert message == (
        f'Статья «<a href="/admin/articles/article/{article.pk}/change/">'
        "&lt;b&gt;Жирный&lt;/b&gt;</a>» добавлена."
    )


def test_revision_history_dates_read_as_dates_in_russian_and_kazakh(client, editor, newsroom_data):
    client.force_login(editor)
    url = f"/admin/articles/article/{newsroom_data['article'].pk}/history/"
    russian = " ".join(visible(client.get(url, **RU).content.decode()))
    kazakh = " ".join(visible(client.get(url, **KK).content.decode()))
    assert re.search(r"\d{1,2} [а-я]+ \d{4}, \d\d:\d\d", russian)
    assert not re.search(r"\bв \d", russian)
    assert re.search(r"\d{4} жылғы \d{1,2} [а-яәғқңөұүһі]+, \d\d:\d\d", kazakh)
