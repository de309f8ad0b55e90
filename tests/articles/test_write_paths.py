"""Article text is sanitised on every way it reaches the database, and saves never overwrite.

Section.body (SanitizedHTMLField, and modeltranslation's body_ru/kk/en) is cleaned by the
field itself: save(), QuerySet.update(), bulk_create(), bulk_update(), loaddata, a raw
save and a django-reversion revert. tests/articles/test_sanitize.py sends the XSS corpora
through Section.objects.create(); here the same corpora go through every *other* path.
Then the compare-and-swap on Article.version.
"""

import html
import json
import unicodedata
from pathlib import Path

import lxml.html
import pytest
import reversion
from django.core import serializers
from django.core.management import call_command
from django.db import transaction
from reversion.models import Version

from articles import workflow
from articles.models import Article, Section, StaleVersion
from articles.sanitize import ALLOWED_TAGS

pytestmark = pytest.mark.django_db

XSS = Path(__file__).resolve().parent.parent / "testdata" / "xss"  # a copy of shared/testdata
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
DIRTY = (
    '<p onclick="steal()">Текст<script>alert(1)</script>'
    '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">ссылка</a></p>'
)
CLEAN = "<p>Текст<a>ссылка</a></p>"


# -- helpers -----------------------------------------------------------------------------


def read_lines(path: Path) -> list[str]:
    # Split on "\n" only: a payload holds a form feed (see the corpus README).
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line]


def corpus() -> list[str]:
    blocks = json.loads((XSS / "patt-xss-injection-blocks.json").read_text(encoding="utf-8"))
    return [
        *read_lines(XSS / "payloadbox-xss-payload-list.txt"),
        *read_lines(XSS / "patt-xss-injection-lines.txt"),
        *(block["payload"] for block in blocks if not block.get("skipped_lang")),
    ]


def visible(url: str) -> str:
    """The URL without entities and without any whitespace, control or format character."""
    url = html.unescape(url)
    return "".join(c for c in url if not (c.isspace() or unicodedata.category(c)[0] in "ZC"))


def href_scheme(url: str) -> str | None:
    head = visible(url).lower()
    if ":" not in head.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        return None
    return head.split(":", 1)[0]


def dangers(stored: str | None) -> list[str]:
    """What in a stored body is active or outside the policy, as a parser reads it.

    lxml, not html5lib: fast enough for the whole corpora (the sanitiser's output is
    serialised markup; test_sanitize.py re-parses it with html5lib).
    """
    if not stored:
        return []
    found = []
    if "<script" in stored.lower():
        found.append("<script")
    for element in lxml.html.fragment_fromstring(stored, create_parent="div").iterdescendants():
        if not isinstance(element.tag, str):
            found.append("comment")
            continue
        if element.tag not in ALLOWED_TAGS:
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"event handler {name}")
            elif (element.tag, name) != ("a", "href"):
                found.append(f"attribute {name} on <{element.tag}>")
            elif (scheme := href_scheme(value)) is not None and scheme not in SAFE_SCHEMES:
                found.append(f"href {value!r}")
    return found


def assert_harmless(payloads, stored):
    failures = [
        (given, body, problems)
        for given, body in zip(payloads, stored, strict=True)
        if (problems := dangers(body))
    ]
    report = "\n".join(f"{g[:100]!r} -> {b[:140]!r}: {p}" for g, b, p in failures[:10])
    assert not failures, f"{len(failures)} of {len(payloads)} stored bodies are active:\n{report}"


def new_article():
    article = Article(headline_ru="Статья")
    article.save()
    return article


def stored_bodies(ids, language="ru"):
    stored = dict(Section.objects.filter(pk__in=ids).values_list("pk", f"body_{language}"))
    return [stored[pk] for pk in ids]


def loaddata(tmp_path, rows, name="sections.json"):
    path = tmp_path / name
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    call_command("loaddata", str(path), verbosity=0)


def dirty_the_stored_revision(section, body):
    """Put ``body`` into the section's latest revision data, as an attacker with DB access."""
    version = Version.objects.get_for_object(section).first()
    data = json.loads(version.serialized_data)
    for code in ("ru", "kk", "en"):
        data[0]["fields"][f"body_{code}"] = body
    data[0]["fields"]["body"] = body
    version.serialized_data = json.dumps(data)
    version.save()
    return version


# -- every write path, one dirty body ------------------------------------------------------


def write_by_save(article, body):
    section = Section(article=article, position=1, body_ru=body)
    section.save()
    return section.pk


def write_by_update(article, body):
    section = Section.objects.create(article=article, position=1, body_ru="<p>Чисто.</p>")
    Section.objects.filter(pk=section.pk).update(body_ru=body)
    return section.pk


def write_by_bulk_create(article, body):
    [section] = Section.objects.bulk_create([Section(article=article, position=1, body_ru=body)])
    return section.pk if section.pk else Section.objects.get(article=article).pk


def write_by_bulk_update(article, body):
    section = Section.objects.create(article=article, position=1, body_ru="<p>Чисто.</p>")
    section.body_ru = body
    Section.objects.bulk_update([section], ["body_ru"])
    return section.pk


def write_by_raw_save(article, body):
    section = Section(article=article, position=1, body_ru=body)
    section.save_base(raw=True)
    return section.pk


WRITERS = {
    "save": write_by_save,
    "update": write_by_update,
    "bulk_create": write_by_bulk_create,
    "bulk_update": write_by_bulk_update,
    "raw_save": write_by_raw_save,
}


@pytest.mark.parametrize("path", list(WRITERS))
def test_each_orm_write_path_stores_a_sanitised_body(path):
    pk = WRITERS[path](new_article(), DIRTY)
    assert stored_bodies([pk]) == [CLEAN]


@pytest.mark.parametrize("language", ["kk", "en"])
def test_update_sanitises_every_translated_body_column(language):
    article = new_article()
    section = Section.objects.create(article=article, position=1, body_ru="<p>Чисто.</p>")
    Section.objects.filter(pk=section.pk).update(**{f"body_{language}": DIRTY})
    assert stored_bodies([section.pk], language) == [CLEAN]


def test_save_leaves_the_instance_holding_what_was_stored():
    section = Section(article=new_article(), position=1, body_ru=DIRTY)
    section.save()
    assert section.body_ru == CLEAN


def test_a_body_without_visible_text_is_stored_empty_and_none_stays_null():
    article = new_article()
    section = Section.objects.create(
        article=article, position=1, body_ru="<script>alert(1)</script><p> </p>", body_kk=None
    )
    Section.objects.filter(pk=section.pk).update(body_en="<style>p{}</style>")
    stored = Section.objects.filter(pk=section.pk).values("body_ru", "body_kk", "body_en").get()
    assert stored == {"body_ru": "", "body_kk": None, "body_en": ""}


def test_loaddata_of_a_fixture_stores_sanitised_bodies(tmp_path):
    article = new_article()
    loaddata(
        tmp_path,
        [
            {
                "model": "articles.section",
                "pk": 4242,
                "fields": {
                    "article": article.pk,
                    "position": 1,
                    "body_ru": DIRTY,
                    "body_kk": DIRTY,
                    "body_en": DIRTY,
                },
            }
        ],
    )
    stored = Section.objects.filter(pk=4242).values_list("body_ru", "body_kk", "body_en").get()
    assert stored == (CLEAN, CLEAN, CLEAN)


def test_loaddata_of_the_projects_own_dumpdata_output_stays_clean(tmp_path):
    article = new_article()
    section = Section.objects.create(article=article, position=1, body_ru=DIRTY)
    dumped = json.loads(serializers.serialize("json", [article, section]))
    Section.objects.all().delete()
    Article.objects.all().delete()
    dumped[1]["fields"]["body_ru"] = DIRTY + '<iframe src="javascript:alert(4)"></iframe>'
    loaddata(tmp_path, dumped)
    assert stored_bodies([section.pk]) == [CLEAN]


def test_reverting_a_revision_whose_stored_data_was_tampered_with_stores_a_clean_body():
    assert reversion.is_registered(Section)
    with reversion.create_revision():
        article = new_article()
        section = Section.objects.create(article=article, position=1, body_ru="<p>Было.</p>")
    section.body_ru = "<p>Стало.</p>"
    section.save()
    version = dirty_the_stored_revision(section, DIRTY)
    version.revision.revert()
    stored = (
        Section.objects.filter(pk=section.pk).values_list("body_ru", "body_kk", "body_en").get()
    )
    assert stored == (CLEAN, CLEAN, CLEAN)


def test_reverting_one_version_stores_a_clean_body():
    with reversion.create_revision():
        section = Section.objects.create(article=new_article(), position=1, body_ru="<p>Было.</p>")
    version = dirty_the_stored_revision(section, DIRTY)
    version.revert()
    assert stored_bodies([section.pk]) == [CLEAN]


# -- links: only http, https, mailto and tel, however the scheme is disguised --------------

DROPPED_HREFS = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "java\u00a0script:alert(1)",
    "java\u2028script:alert(1)",
    "java\u200bscript:alert(1)",
    "java\u00adscript:alert(1)",
    "\u0000javascript:alert(1)",
    "\u0001javascript:alert(1)",
    " \tjavascript:alert(1)",
    "java\nscript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "java&Tab;script:alert(1)",
    "java&NewLine;script:alert(1)",
    "javascript\u180e:alert(1)",
    "&#106;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
    "jar:https://example.com/x.jar!/",
]
KEPT_HREFS = [
    "https://example.kz/news?id=1&amp;p=2",
    "http://example.kz/",
    "mailto:editor@example.kz",
    "tel:+77172000000",
    "/ru/articles/1-slug/",
    "#section-2",
    "?page=2",
]


def body_with_link(href: str) -> str:
    attribute = href.replace('"', "&quot;")
    return f'<p>До <a href="{attribute}">ссылка</a> после.</p>'


@pytest.mark.parametrize("href", DROPPED_HREFS, ids=lambda h: repr(h)[1:-1][:30])
@pytest.mark.parametrize("path", ["save", "update", "bulk_update"])
def test_a_link_whose_visible_scheme_is_not_allowed_loses_its_address(path, href):
    [stored] = stored_bodies([WRITERS[path](new_article(), body_with_link(href))])
    assert stored == "<p>До <a>ссылка</a> после.</p>"


@pytest.mark.parametrize("href", KEPT_HREFS)
@pytest.mark.parametrize("path", ["save", "update", "bulk_update"])
def test_web_mail_phone_relative_and_anchor_links_keep_their_address(path, href):
    [stored] = stored_bodies([WRITERS[path](new_article(), body_with_link(href))])
    assert stored == f'<p>До <a href="{href}">ссылка</a> после.</p>'


# -- the XSS corpora through the write paths other than create() ---------------------------
#
# Every payload goes through bulk_create(); the slower paths, which build or write one row
# at a time, take an evenly spread share each (a different one for each path).

SHARES = {
    "bulk_create": slice(None),
    "bulk_update": slice(1, None, 8),
    "update": slice(2, None, 8),
    "loaddata": slice(3, None, 20),
    "revert": slice(4, None, 40),
}


@pytest.fixture(scope="module")
def payloads():
    found = corpus()
    assert len(found) > 7000  # the corpus README's counts: 6,590 + 449 + 147
    return found


def share(payloads, path):
    return payloads[SHARES[path]]


def placeholders(article, count):
    Section.objects.bulk_create(
        Section(article=article, position=n, body_ru="<p>x</p>") for n in range(count)
    )
    ids = list(
        Section.objects.filter(article=article).order_by("position").values_list("pk", flat=True)
    )
    assert len(ids) == count
    return ids


def test_the_xss_corpora_stored_by_bulk_create_are_harmless(payloads):
    given = share(payloads, "bulk_create")
    article = new_article()
    Section.objects.bulk_create(
        Section(article=article, position=n, body_ru=p) for n, p in enumerate(given)
    )
    stored = dict(Section.objects.filter(article=article).values_list("position", "body_ru"))
    assert_harmless(given, [stored[n] for n in range(len(given))])


def test_the_xss_corpora_stored_by_bulk_update_are_harmless(payloads):
    given = share(payloads, "bulk_update")
    ids = placeholders(new_article(), len(given))
    sections = [Section(pk=pk, body_kk=payload) for pk, payload in zip(ids, given, strict=True)]
    Section.objects.bulk_update(sections, ["body_kk"], batch_size=500)
    assert_harmless(given, stored_bodies(ids, "kk"))


def test_the_xss_corpora_stored_by_queryset_update_are_harmless(payloads):
    given = share(payloads, "update")
    ids = placeholders(new_article(), len(given))
    for pk, payload in zip(ids, given, strict=True):
        Section.objects.filter(pk=pk).update(body_en=payload)
    assert_harmless(given, stored_bodies(ids, "en"))


def test_the_xss_corpora_loaded_from_a_fixture_are_harmless(payloads, tmp_path):
    given = share(payloads, "loaddata")
    article = new_article()
    rows = [
        {
            "model": "articles.section",
            "pk": 100_000 + n,
            "fields": {"article": article.pk, "position": n, "body_ru": payload},
        }
        for n, payload in enumerate(given)
    ]
    loaddata(tmp_path, rows)
    assert_harmless(given, stored_bodies([100_000 + n for n in range(len(given))]))


def test_the_xss_corpora_restored_from_tampered_revisions_are_harmless(payloads):
    given = share(payloads, "revert")
    article = new_article()
    with reversion.create_revision():
        sections = [
            Section.objects.create(article=article, position=n, body_ru="<p>Было.</p>")
            for n in range(len(given))
        ]
    for section, payload in zip(sections, given, strict=True):
        dirty_the_stored_revision(section, payload)
    revision = Version.objects.get_for_object(sections[0]).first().revision
    revision.revert()
    assert_harmless(given, stored_bodies([s.pk for s in sections]))


# -- compare-and-swap on the article's version ---------------------------------------------


def test_the_second_of_two_saves_from_the_same_version_is_refused():
    article = new_article()
    first = Article.objects.get(pk=article.pk)
    second = Article.objects.get(pk=article.pk)
    first.headline_ru = "Первая правка"
    first.save()
    second.headline_ru = "Вторая правка"
    # A StaleVersion, like an IntegrityError, is caught outside a savepoint.
    with pytest.raises(StaleVersion), transaction.atomic():
        second.save()
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline_ru == "Первая правка"
    assert stored.version == first.version
    # The refused copy still names the version it was read at.
    assert second.version == article.version


def test_a_refused_copy_saves_once_reloaded():
    article = new_article()
    stale = Article.objects.get(pk=article.pk)
    Article.objects.get(pk=article.pk).save()
    with pytest.raises(StaleVersion), transaction.atomic():
        stale.save()
    stale.refresh_from_db()
    stale.headline_ru = "После перечитывания"
    stale.save()
    assert Article.objects.get(pk=article.pk).headline_ru == "После перечитывания"


def test_every_save_bumps_the_version_by_one():
    article = new_article()
    start = Article.objects.get(pk=article.pk).version
    article.headline_ru = "Раз"
    article.save()
    article.headline_ru = "Два"
    article.save()
    assert Article.objects.get(pk=article.pk).version == start + 2


def test_a_save_with_update_fields_bumps_the_version_and_is_refused_when_stale():
    article = new_article()
    stale = Article.objects.get(pk=article.pk)
    before = stale.version
    standfirst = stale.standfirst_ru
    article.headline_ru = "Только заголовок"
    article.save(update_fields=["headline_ru"])
    stored = Article.objects.get(pk=article.pk)
    assert stored.version == before + 1
    assert stored.headline_ru == "Только заголовок"
    stale.standfirst_ru = "Лид"
    with pytest.raises(StaleVersion), transaction.atomic():
        stale.save(update_fields=["standfirst_ru"])
    assert Article.objects.get(pk=article.pk).standfirst_ru == standfirst


def test_queryset_update_is_not_a_compare_and_swap():
    article = new_article()
    version = Article.objects.get(pk=article.pk).version
    updated = Article.objects.filter(pk=article.pk).update(headline_ru="Массовая правка")
    assert updated == 1
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline_ru == "Массовая правка"
    assert stored.version == version


def test_a_copy_read_before_a_workflow_step_cannot_undo_it(editor):
    from tests.factories import trilingual_article

    article = trilingual_article(status=Article.Status.DRAFT, published_at=None)
    stale = Article.objects.get(pk=article.pk)
    workflow.apply(article, "publish", user=editor, languages=["ru", "kk"])
    stale.headline_ru = "Правка по старой копии"
    with pytest.raises(StaleVersion), transaction.atomic():
        stale.save()
    stored = Article.objects.get(pk=article.pk)
    assert stored.status == Article.Status.PUBLISHED
    assert stored.released_languages() == ["ru", "kk"]
    assert stored.headline_ru != "Правка по старой копии"
