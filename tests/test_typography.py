from pathlib import Path

import pytest

from newsroom.typography import typeset, typeset_html

NB = "\u00a0"
SEED = Path(__file__).resolve().parent.parent / "articles/demo_content/000_f09acc4096086793.txt"


def seed_paragraphs() -> list[str]:
    lines = SEED.read_text(encoding="utf-8-sig").splitlines()[1:]  # without the date line
    return [line.strip() for line in lines if line.strip()]


# --- one rule at a time ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Орден "Достық"', "Орден «Достық»"),
        ('"Он сказал: "да""', f"«Он{NB}сказал: „да“»"),
        ("“Центральная Азия плюс”", "«Центральная Азия плюс»"),
        ("«Форум „Астана“ открыт»", "«Форум „Астана“ открыт»"),
        ('экран 24" и больше', f'экран 24" и{NB}больше'),  # nothing open: inches stay
    ],
)
def test_quotes_are_guillemets_with_low_quotes_inside(text, expected):
    assert typeset(text, "ru") == expected


@pytest.mark.parametrize("dash", ["-", "–", "—"])
def test_a_dash_between_words_is_an_em_dash_bound_to_the_word_before(dash):
    assert typeset(f"Астана {dash} столица", "ru") == f"Астана{NB}— столица"
    assert typeset(f"Астана {dash} астана", "kk") == f"Астана{NB}— астана"


def test_the_dash_after_direct_speech_keeps_its_comma():
    assert typeset("рад, – отметил Глава государства.", "ru") == (
        f"рад,{NB}— отметил Глава государства."
    )


@pytest.mark.parametrize("dash", ["-", "–", "—"])
def test_a_dash_opening_a_paragraph_is_a_dialogue_dash(dash):
    assert typeset(f"{dash} Господин Президент, рад", "ru") == f"—{NB}Господин Президент, рад"
    assert typeset_html(f"<p>{dash} Сәлем</p>", "kk") == f"<p>—{NB}Сәлем</p>"


def test_a_minus_opening_a_paragraph_is_not_a_dash():
    assert typeset("-5 градусов", "ru") == "-5 градусов"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("в Астане", f"в{NB}Астане"),
        ("и в Риме", f"и{NB}в{NB}Риме"),
        ("для развития", f"для{NB}развития"),
        ("при поддержке", f"при{NB}поддержке"),
        ("Италии и Казахстана", f"Италии и{NB}Казахстана"),
        ("тет-а-тет", "тет-а-тет"),  # inside a word
        ("по-настоящему", "по-настоящему"),
    ],
)
def test_short_russian_words_hold_on_to_the_next_word(text, expected):
    assert typeset(text, "ru") == expected


def test_short_kazakh_conjunctions_hold_on_to_the_next_word():
    assert typeset("Астана мен Рим, Италия әрі Қазақстан", "kk") == (
        f"Астана мен{NB}Рим, Италия әрі{NB}Қазақстан"
    )


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("5 км", "ru", f"5{NB}км"),
        ("20 тыс. человек", "ru", f"20{NB}тыс. человек"),
        ("2025 г.", "ru", f"2025{NB}г."),
        ("в 1992 году", "ru", f"в{NB}1992{NB}году"),
        ("15 %", "ru", f"15{NB}%"),
        ("3 млрд тенге", "ru", f"3{NB}млрд тенге"),
        ("2025 жылы", "kk", f"2025{NB}жылы"),
        ("5 мың адам", "kk", f"5{NB}мың адам"),
        ("10 000 тенге", "ru", f"10{NB}000{NB}тенге"),
        ("№ 5", "ru", f"№{NB}5"),
        ("5 мая", "ru", "5 мая"),  # not a unit
    ],
)
def test_numbers_hold_on_to_their_units(text, language, expected):
    assert typeset(text, language) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1941-1945", "1941–1945"),
        ("10-12 км", f"10–12{NB}км"),
        ("1990—2000-х", "1990–2000-х"),
        ("8-701-123-45-67", "8-701-123-45-67"),  # a phone number is not a range
        ("2025-09-30", "2025-09-30"),  # nor an ISO date
        ("Ту-154", "Ту-154"),
    ],
)
def test_ranges_of_numbers_take_an_en_dash(text, expected):
    assert typeset(text, "ru") == expected


def test_runs_of_spaces_become_one():
    assert typeset("Астана,   столица", "ru") == "Астана, столица"
    assert typeset(f"Астана {NB} столица", "ru") == f"Астана{NB}столица"


def test_english_is_returned_as_it_is():
    text = 'He said "yes" - in 1941-1945, at 5 km'
    assert typeset(text, "en") == text
    assert typeset_html(f"<p>{text}</p>", "en") == f"<p>{text}</p>"


def test_empty_values_pass_through():
    assert typeset(None, "ru") is None
    assert typeset("", "kk") == ""
    assert typeset_html(None, "ru") is None


# --- markup, URLs, other languages -----------------------------------------------------------


def test_tags_and_attributes_are_untouched():
    html = (
        '<p class="a - b" title="В 1941-1945 - &quot;x&quot;">'
        '<a href="https://example.com/a - b/1941-1945?q="x"">в Астане</a> - итог</p>'
    )
    assert typeset_html(html, "ru") == (
        '<p class="a - b" title="В 1941-1945 - &quot;x&quot;">'
        f'<a href="https://example.com/a - b/1941-1945?q="x"">в{NB}Астане</a>{NB}— итог</p>'
    )


def test_urls_in_text_are_untouched():
    text = "Подробнее: https://example.kz/news/1941-1945/a-b и www.example.kz/в-2025 - всё"
    assert typeset(text, "ru") == (
        f"Подробнее: https://example.kz/news/1941-1945/a-b и{NB}www.example.kz/в-2025{NB}— всё"
    )


def test_code_pre_and_other_languages_are_untouched():
    html = (
        '<p>Код <code>a - "b"</code> и <span lang="en">"quote" - 5 km</span> - конец</p>'
        '<pre>1941-1945  "x"</pre>'
    )
    assert typeset_html(html, "ru") == (
        f'<p>Код <code>a - "b"</code> и{NB}<span lang="en">"quote" - 5 km</span>{NB}— конец</p>'
        '<pre>1941-1945  "x"</pre>'
    )


def test_quotes_may_span_inline_tags():
    assert typeset_html('<p>орден "<b>Достық</b>" I степени</p>', "ru") == (
        "<p>орден «<b>Достық</b>» I степени</p>"
    )


def test_each_paragraph_starts_with_no_quote_open():
    assert typeset_html('<p>"не закрыта</p><p>"Новая" цитата</p>', "ru") == (
        f"<p>«не{NB}закрыта</p><p>«Новая» цитата</p>"
    )


# --- the seed article ------------------------------------------------------------------------


def test_the_seed_article_is_typeset_and_a_second_pass_changes_nothing():
    paragraphs = seed_paragraphs()
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    once = typeset_html(body, "ru")
    assert typeset_html(once, "ru") == once
    for paragraph in paragraphs:
        assert typeset(typeset(paragraph, "ru"), "ru") == typeset(paragraph, "ru")
    assert " – " not in once and " - " not in once and "  " not in once
    assert once.count("«") == once.count("»") > 0


def test_the_seed_articles_direct_speech_keeps_its_dialogue_dash():
    speech = [p for p in seed_paragraphs() if p.startswith("– ")]
    assert len(speech) >= 4
    for paragraph in speech:
        typeset_paragraph = typeset(paragraph, "ru")
        assert typeset_paragraph.startswith(f"—{NB}")
        # The attribution after the quote: ", — отметил/сказал/подчеркнул …".
        assert f",{NB}— " in typeset_paragraph
    first = typeset(speech[0], "ru")
    assert first.startswith(f"—{NB}Господин Президент, я{NB}очень рад видеть Вас здесь")
    assert first.endswith(f"отношений,{NB}— отметил Глава государства.")


def test_the_seed_articles_facts_read_right():
    text = typeset(" ".join(seed_paragraphs()), "ru")
    assert f"в{NB}1992{NB}году" in text
    assert "«Центральная Азия плюс»" in text
    assert f"«ЦА{NB}— Италия»" in text
    assert "орденом «Достық» I" in text


def test_quotes_next_to_each_other_nest():
    assert typeset('""Астана" форумы"', "kk") == "«„Астана“ форумы»"
