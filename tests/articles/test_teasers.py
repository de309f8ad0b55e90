"""Teasers of the front page, rubric pages and the day archive (articles/teasers.py).

The lists render each teaser in Python, once per process for a given set of inputs; the
markup must stay byte for byte what the former include templates/includes/teaser.html (and
the picture tag) gave, which the tests below keep as the reference (FORMER_TEASER).
"""

import datetime as dt

import pytest
from django.db.models import prefetch_related_objects
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone, translation

from articles import teasers, views
from articles.models import Article
from media_credits.models import Rendition
from media_credits.renditions import rendition_url
from media_credits.templatetags.photos import attach_stored_renditions
from tests.factories import ArticleFactory, RubricFactory
from tests.photos import photo, photographer

#: templates/includes/teaser.html as the lists rendered it before articles/teasers.py.
FORMER_TEASER = """{% load photos scripts %}<article class="teaser{% if article.thumbnail and not compact %} has-thumb{% endif %}">
  {% if article.thumbnail and not compact %}{% picture article.thumbnail sizes="(min-width: 44rem) 12rem, 32vw" css_class="thumb" %}{% endif %}
  <div class="teaser-text">
    <h{{ level|default:3 }} class="teaser-headline"><a href="{{ article.get_absolute_url }}">{{ article.headline|typeset }}</a></h{{ level|default:3 }}>
    <p class="meta">{% if article.rubric_item and not hide_rubric %}<a class="rubric" href="{{ article.rubric_item.url }}"{% if article.rubric_item.label.lang %} lang="{{ article.rubric_item.label.lang }}"{% endif %}>{{ article.rubric_item.label }}</a> · {% endif %}<time datetime="{{ article.published_at|date:'c' }}">{{ article.published_at|date }}</time></p>
    {% if article.standfirst and not compact %}<p class="standfirst">{{ article.standfirst|typeset }}</p>{% endif %}
  </div>
</article>
"""  # noqa: E501


pytestmark = pytest.mark.django_db

LANGUAGES = ("ru", "kk", "en")
#: (level, compact, hide_rubric) as the three lists include the teaser.
VARIANTS = [
    (3, False, False),  # front page, latest
    (3, False, True),  # front page, a rubric block's first
    (3, True, True),  # front page, a rubric block's others
    (2, False, True),  # rubric page
    (2, False, False),  # day archive
]


def _article(language, n, **extra):
    texts = {
        f"headline_{language}": f"«Заголовок» {n} – 2024–2025 гг. & <b>жирный</b>",
        f"standfirst_{language}": f'Лид "в кавычках" {n} — 10 000 тенге',
    }
    if language != "ru":
        texts.update(headline_ru=f"Заголовок {n}", standfirst_ru="Лид.")
    fields = {**texts, **extra}
    sections = [{f"body_{code}": "<p>Текст.</p>" for code in {"ru", language}}]
    return ArticleFactory(sections=sections, released=[language, "ru"], **fields)


@pytest.fixture
def mixed_articles():
    """Articles with and without a thumbnail (stored renditions or not), rubric and lead."""
    own = RubricFactory(name_ru="Политика", name_kk="Саясат", name_en="Politics", slug="politics")
    russian_only = RubricFactory(name_ru="Спорт <i>и</i> «игры»", slug="sport")
    now = timezone.now()
    made = []
    by = photographer("Аманкул Дюсенбаев", "Аманкула Дюсенбаева")
    for language in LANGUAGES:
        with_renditions = photo(by=by, size=(1300, 900))
        without_renditions = photo(
            credit="Reuters",
            credit_kk="Reuters",
            credit_en="Reuters",
            size=(700, 500),
            alt_text_en='Alt "quoted" <tag>',
        )
        Rendition.objects.filter(photo=without_renditions).delete()
        specs = [
            {"rubric": own, "lead_photo": with_renditions},
            {"rubric": russian_only, "lead_photo": without_renditions},
            {"rubric": None, "lead_photo": None},
            {"rubric": own, "lead_photo": None, f"standfirst_{language}": ""},
        ]
        for n, spec in enumerate(specs):
            moment = now - dt.timedelta(days=40 * n, hours=n * 7)
            made.append(_article(language, n, published_at=moment, **spec))
    return made


def _listed(language, *, attach=False):
    """As the lists read them: renditions as plain rows (``attach``) or prefetched models."""
    request = RequestFactory().get(f"/{language}/")
    queryset = views._listed(Article.objects.available_in(language))
    listed = views._teasers(request, queryset, today=timezone.localdate())
    if attach:
        attach_stored_renditions([article.thumbnail for article in listed])
    else:
        prefetch_related_objects(
            [article.thumbnail for article in listed if article.thumbnail], "renditions"
        )
    return listed


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("time_zone", ["Asia/Almaty", "UTC"])
@pytest.mark.parametrize("attach", [False, True])
def test_teaser_markup_is_what_the_template_gave(mixed_articles, language, time_zone, attach):
    with translation.override(language), timezone.override(time_zone):
        listed = _listed(language, attach=attach)
        # Every article is released in Russian too: /ru/ lists all twelve.
        expected_count = 12 if language == "ru" else 4
        assert len(listed) == expected_count
        assert sum(article.thumbnail is not None for article in listed) == expected_count // 2
        for level, compact, hide_rubric in VARIANTS:
            for article in listed:
                expected = Template(FORMER_TEASER).render(
                    Context(
                        {
                            "article": article,
                            "level": level,
                            "compact": compact,
                            "hide_rubric": hide_rubric,
                        }
                    )
                )
                got = teasers.teaser_html(
                    article, level=level, compact=compact, hide_rubric=hide_rubric
                )
                assert got == expected, (level, compact, hide_rubric, article.pk)


def test_teaser_memo_never_serves_another_language_time_zone_or_headline(mixed_articles):
    with translation.override("ru"):
        article = _listed("ru")[0]
        first = teasers.teaser_html(article, level=3, compact=False, hide_rubric=False)
        article.headline_ru = "Новый заголовок"
        changed = teasers.teaser_html(article, level=3, compact=False, hide_rubric=False)
        assert "Новый" not in first and "Новый заголовок" in changed
        with timezone.override("UTC"):
            utc = teasers.teaser_html(article, level=3, compact=False, hide_rubric=False)
        assert 'datetime="' in utc and utc != changed
        assert timezone.localtime(article.published_at, dt.UTC).isoformat() in utc


def test_headline_and_rubric_name_are_escaped_in_every_list(client):
    rubric = RubricFactory(name_ru="<script>alert('r')</script>", slug="danger")
    article = ArticleFactory(
        headline_ru="<script>alert('h')</script>",
        standfirst_ru="<img src=x onerror=y>",
        rubric=rubric,
    )
    day = timezone.localtime(article.published_at).date()
    for url in ("/ru/", "/ru/danger/", f"/ru/archive/{day:%Y/%m/%d}/"):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page, url
        assert "&lt;script&gt;alert(&#x27;h&#x27;)&lt;/script&gt;" in page, url
        assert "<img src=x" not in page
    front = client.get("/ru/").content.decode()
    assert "&lt;script&gt;alert(&#x27;r&#x27;)&lt;/script&gt;" in front


def test_lists_compiled_once_still_follow_the_clock_and_new_rubrics(client, time_machine):
    """The front and rubric pages' SQL is compiled once a process; what they show is not."""
    time_machine.move_to(dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC), tick=False)
    rubric = RubricFactory(name_ru="Экономика", slug="economy")
    ArticleFactory(headline_ru="Уже вышла", rubric=rubric)
    ArticleFactory(
        headline_ru="Запланирована",
        rubric=rubric,
        published_at=timezone.now() + dt.timedelta(hours=2),
    )
    for url in ("/ru/", "/ru/economy/", "/ru/?page=1"):
        page = client.get(url).content.decode()
        assert "Уже вышла" in page and "Запланирована" not in page, url
    time_machine.move_to(dt.datetime(2026, 3, 1, 14, 30, tzinfo=dt.UTC), tick=False)
    for url in ("/ru/", "/ru/economy/"):
        assert "Запланирована" in client.get(url).content.decode(), url
    # A rubric added later has its block on the front page.
    newer = RubricFactory(name_ru="Культура", slug="culture")
    ArticleFactory(headline_ru="Выставка", rubric=newer)
    ArticleFactory(headline_ru="Новее выставки", rubric=rubric)
    front = client.get("/ru/").content.decode()
    assert 'aria-labelledby="rubric-culture"' in front
    assert "Выставка" in front


@pytest.mark.parametrize("language", LANGUAGES)
def test_picture_markup_is_what_the_picture_tag_gave_and_follows_its_renditions(language):
    from django.template import Context, Template

    from media_credits.templatetags.photos import picture_html

    shot = photo(credit="ТАСС", credit_kk="ТАСС", credit_en="TASS", size=(1700, 1100))
    tag = Template("{% load photos %}{% picture shot lead=lead sizes=sizes css_class=css_class %}")
    options = [
        {"lead": True, "sizes": "100vw", "css_class": ""},
        {"lead": False, "sizes": "(min-width: 44rem) 12rem, 32vw", "css_class": "thumb"},
    ]
    with translation.override(language):
        seen = []
        for stored in (True, False):
            if not stored:
                Rendition.objects.filter(photo=shot, width_requested=800).delete()
            listed = type(shot).objects.prefetch_related("renditions").get(pk=shot.pk)
            for option in options:
                expected = tag.render(Context({"shot": listed, **option}))
                assert picture_html(listed, **option) == expected, (stored, option)
            seen.append(picture_html(listed, **options[0]))
    # The deleted rendition is linked through the view that makes it again.
    signed = rendition_url(shot, width=800, image_format="jpeg")
    assert signed not in seen[0]
    assert signed in seen[1]


#: The front page's top story as templates/articles/front_page.html wrote it.
TOP_STORY_TEMPLATE = """{% load scripts %}{% if top_story %}
  <article class="top-story">
    <h2 class="top-headline"><a href="{{ top_story.get_absolute_url }}">{{ top_story.headline|typeset }}</a></h2>
    <p class="meta">{% if top_story.rubric_item %}<a class="rubric" href="{{ top_story.rubric_item.url }}"{% if top_story.rubric_item.label.lang %} lang="{{ top_story.rubric_item.label.lang }}"{% endif %}>{{ top_story.rubric_item.label }}</a> · {% endif %}<time datetime="{{ top_story.published_at|date:'c' }}">{{ top_story.published_at|date }}</time></p>
    {% if top_story.thumbnail %}{% include "includes/figure.html" with photo=top_story.thumbnail lead=True css_class="top-photo" sizes="(min-width: 64rem) 62rem, 100vw" %}{% endif %}
    {% if top_story.standfirst %}<p class="standfirst">{{ top_story.standfirst|typeset }}</p>{% endif %}
  </article>
{% endif %}"""  # noqa: E501 - the template as it was, lines included


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("attach", [False, True])
def test_top_story_markup_is_what_the_template_gave(mixed_articles, language, attach):
    from django.template import Context, Template

    template = Template(TOP_STORY_TEMPLATE)
    with translation.override(language):
        request = RequestFactory().get(f"/{language}/")
        queryset = views._listed(Article.objects.available_in(language), credits=True)
        listed = views._teasers(request, queryset, today=timezone.localdate())
        photos = [article.thumbnail for article in listed]
        if attach:
            attach_stored_renditions(photos)
        else:
            prefetch_related_objects([photo for photo in photos if photo], "renditions")
        for article in listed:
            expected = template.render(Context({"top_story": article}))
            assert "\n" + teasers.top_story_html(article) == expected, article.pk


def test_a_list_is_its_teasers_one_a_line_compact_from_the_position_asked(mixed_articles):
    with translation.override("kk"):
        listed = _listed("kk", attach=True)
        one_by_one = [
            teasers.teaser_html(article, hide_rubric=True, compact=position >= 1)
            for position, article in enumerate(listed)
        ]
        got = teasers.list_html(listed, hide_rubric=True, compact_from=1)
    assert got == "\n".join(f"<li>{teaser}</li>" for teaser in one_by_one)
    assert got.count('class="standfirst"') == 1
