"""A figure's markup (photo, caption, credit) built in Python: figure_html.

The article page, the front page's top story and the photographer page (through
includes/figure.html) all show figure_html's markup. It must stay byte for byte what the
former include gave: that template is kept below as the reference.
"""

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from media_credits.templatetags.photos import figure_html
from tests.photos import photo, photographer

pytestmark = pytest.mark.django_db

#: templates/includes/figure.html before the figure was built in Python.
FORMER_INCLUDE = (
    '{% load photos credits scripts %}<figure class="photo{% if css_class %} {{ css_class }}'
    '{% endif %}">\n  {% picture photo lead=lead sizes=sizes|default:"(min-width: 44rem) 42rem,'
    ' 100vw" %}\n  <figcaption>{% if photo.caption %}<span class="caption">'
    '{{ photo.caption|typeset }}</span> {% endif %}<span class="credit">'
    '{% if photo.photographer.slug and not is_preview %}<a href="{% url '
    "'photographers:photographer_detail' pk=photo.photographer.pk "
    'slug=photo.photographer.slug %}">{{ photo|photo_credit }}</a>{% else %}'
    "{{ photo|photo_credit }}{% endif %}</span></figcaption>\n</figure>\n"
)

#: (lead, css_class, sizes, is_preview) as the pages show figures.
OPTIONS = [
    (False, "", "", False),  # a section's photo
    (True, "lead-photo", "", False),  # the article's lead photo
    (False, "", "(min-width: 44rem) 20rem, 100vw", False),  # gallery, photographer page
    (True, "top-photo", "(min-width: 64rem) 62rem, 100vw", False),  # the top story
    (False, "", "", True),  # a preview: the credit is not linked
]


@pytest.fixture
def photos():
    amankul = photographer(
        "Аманкул Дюсенбаев", "Аманкула Дюсенбаева", name_kk="Аманкұл", name_en="Amankul"
    )
    amankul.slug = "amankul-dyusenbaev"
    amankul.save()
    return [
        photo(by=amankul, caption='Встреча "в верхах" – 10 000 & <b>не тег</b>'),
        photo(credit="пресс-службы Акорды", caption=""),
        photo(by=amankul, credit="Reuters", caption="Подпись", caption_en="Caption"),
        photo(by=photographer("Без Слага"), caption="Другая – подпись"),
    ]


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
@pytest.mark.parametrize(("lead", "css_class", "sizes", "is_preview"), OPTIONS)
def test_figure_html_is_the_former_include_byte_for_byte(
    photos, language, lead, css_class, sizes, is_preview
):
    former = Template(FORMER_INCLUDE)
    with translation.override(language):
        for shown in photos:
            context = {"photo": shown, "lead": lead, "css_class": css_class, "sizes": sizes}
            context["is_preview"] = is_preview
            expected = former.render(Context(context))
            built = figure_html(
                shown,
                lead=lead,
                css_class=css_class,
                sizes=sizes or "(min-width: 44rem) 42rem, 100vw",
                is_preview=is_preview,
            )
            assert built == expected
            # The include the photographer page uses gives the same markup.
            assert render_to_string("includes/figure.html", context) == expected


def test_a_figure_links_its_photographer_in_the_page_language_and_escapes_the_caption(photos):
    with translation.override("kk"):
        assert '<a href="/kk/photographers/' in figure_html(photos[0])
    with translation.override("ru"):
        built = figure_html(photos[0])
    assert '<a href="/ru/photographers/' in built
    assert "&lt;b&gt;" in built
    assert "<b>" not in built
