import pytest

from newsroom.kazakh_latin import LETTERS, transliterate, transliterate_html

# The 2021 table, every letter of the Kazakh Cyrillic alphabet (the Russian ones included):
# (Cyrillic, lower case, capitalised, in capitals). See the module's docstring for sources.
TABLE = [
    ("а", "a", "A", "A"),
    ("ә", "ä", "Ä", "Ä"),
    ("б", "b", "B", "B"),
    ("в", "v", "V", "V"),
    ("г", "g", "G", "G"),
    ("ғ", "ğ", "Ğ", "Ğ"),
    ("д", "d", "D", "D"),
    ("е", "e", "E", "E"),
    ("ё", "io", "İo", "İO"),
    ("ж", "j", "J", "J"),
    ("з", "z", "Z", "Z"),
    ("и", "i", "İ", "İ"),
    ("й", "i", "İ", "İ"),
    ("к", "k", "K", "K"),
    ("қ", "q", "Q", "Q"),
    ("л", "l", "L", "L"),
    ("м", "m", "M", "M"),
    ("н", "n", "N", "N"),
    ("ң", "ñ", "Ñ", "Ñ"),
    ("о", "o", "O", "O"),
    ("ө", "ö", "Ö", "Ö"),
    ("п", "p", "P", "P"),
    ("р", "r", "R", "R"),
    ("с", "s", "S", "S"),
    ("т", "t", "T", "T"),
    ("у", "u", "U", "U"),
    ("ұ", "ū", "Ū", "Ū"),
    ("ү", "ü", "Ü", "Ü"),
    ("ф", "f", "F", "F"),
    ("х", "h", "H", "H"),
    ("һ", "h", "H", "H"),
    ("ц", "ts", "Ts", "TS"),
    ("ч", "ç", "Ç", "Ç"),
    ("ш", "ş", "Ş", "Ş"),
    ("щ", "şş", "Şş", "ŞŞ"),
    ("ъ", "", "", ""),
    ("ы", "y", "Y", "Y"),
    ("і", "ı", "I", "I"),
    ("ь", "", "", ""),
    ("э", "e", "E", "E"),
    ("ю", "iu", "İu", "İU"),
    ("я", "ia", "İa", "İA"),
]


def test_the_table_covers_every_letter_of_the_kazakh_cyrillic_alphabet():
    alphabet = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
    assert len(alphabet) == 42
    assert [row[0] for row in TABLE] == list(alphabet)
    assert set(LETTERS) == set(alphabet)


@pytest.mark.parametrize(("cyrillic", "lower", "title", "upper"), TABLE)
def test_each_letter_in_lower_case(cyrillic, lower, title, upper):
    assert transliterate(cyrillic) == lower
    # Inside a lower-case word, too.
    assert transliterate(f"ба{cyrillic}да") == f"ba{lower}da"


@pytest.mark.parametrize(("cyrillic", "lower", "title", "upper"), TABLE)
def test_each_letter_as_the_capital_of_a_capitalised_word(cyrillic, lower, title, upper):
    assert transliterate(f"{cyrillic.upper()}ала") == f"{title}ala"
    assert transliterate(cyrillic.upper()) == title  # a capital on its own


@pytest.mark.parametrize(("cyrillic", "lower", "title", "upper"), TABLE)
def test_each_letter_in_a_word_in_capitals(cyrillic, lower, title, upper):
    assert transliterate(f"АЛ{cyrillic.upper()}АЛ") == f"AL{upper}AL"
    assert transliterate(f"АЛ{cyrillic.upper()}") == f"AL{upper}"
    assert transliterate(f"{cyrillic.upper()}АЛ") == f"{upper}AL"


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        # The worked example of the 2021 alphabet (Wikipedia, "Kazakh alphabets").
        (
            "Бұрыңғы өткен заманда, бір данышпан кісі, Бағдат шаһарының бір үлкен "
            "қазысының үйіне келіп қоныпты.",
            "Būryñğy ötken zamanda, bır danyşpan kısı, Bağdat şaharynyñ bır ülken "
            "qazysynyñ üiıne kelıp qonypty.",
        ),
        ("Қазақстан Республикасы", "Qazaqstan Respublikasy"),
        ("ШЫМКЕНТ", "ŞYMKENT"),
        ("ЩЁ", "ŞŞİO"),
        ("Щучинск", "Şşuçinsk"),
        ("ЦА – Италия", "TSA – İtaliia"),
        ("ҚазҰУ", "QazŪU"),
        ("ЮНЕСКО-ның", "İUNESKO-nyñ"),
        ("Ұлттық Банк", "Ūlttyq Bank"),
        ("Әл-Фараби", "Äl-Farabi"),
        ("съезд, альбом", "sezd, albom"),
        ("Тоқаев 2025 жылы", "Toqaev 2025 jyly"),
    ],
)
def test_words_and_sentences(cyrillic, latin):
    assert transliterate(cyrillic) == latin


@pytest.mark.parametrize(
    "text",
    [
        "iPhone 15 Pro, Apple Inc.",
        "Ä Ğ Q Ñ Ö Ū Ü Ş İ ı",
        "12 345,67 % — 2025–2026",
        "",
    ],
)
def test_latin_digits_and_punctuation_are_left_alone(text):
    assert transliterate(text) == text


@pytest.mark.parametrize(
    "url",
    [
        "https://kk.wikipedia.org/wiki/Қазақстан",
        "http://мысал.қаз/жол?с=1",
        "www.мысал.kz/жаңалық",
        "mailto:хат@мысал.kz",
        "редакция@газета.kz",
    ],
)
def test_urls_and_addresses_written_in_text_keep_their_letters(url):
    assert transliterate(f"Қараңыз: {url} бет") == f"Qarañyz: {url} bet"


def test_transliteration_of_latin_output_changes_nothing():
    text = transliterate("Қазақстан мен Италия арасындағы ЫНТЫМАҚТАСТЫҚ")
    assert transliterate(text) == text


# --- HTML ----------------------------------------------------------------------------------


def test_html_text_nodes_are_transliterated_and_tags_are_not():
    html = '<p class="лид"><a href="/kk/мақала/">Жаңалық <b>бүгін</b></a></p>'
    assert transliterate_html(html) == (
        '<p class="лид"><a href="/kk/мақала/">Jañalyq <b>bügın</b></a></p>'
    )


def test_reader_visible_attributes_are_transliterated():
    html = (
        '<img src="/медиа/сурет.jpg" srcset="/медиа/сурет-480.jpg 480w" alt="Астана көрінісі">'
        '<a href="https://мысал.kz/" title="Сілтеме" aria-label="Басты бет">x</a>'
        '<input type="search" placeholder="Іздеу" name="q" value="қала">'
        '<form action="/kk/іздеу/"></form>'
    )
    assert transliterate_html(html) == (
        '<img src="/медиа/сурет.jpg" srcset="/медиа/сурет-480.jpg 480w" alt="Astana körınısı">'
        '<a href="https://мысал.kz/" title="Sılteme" aria-label="Basty bet">x</a>'
        '<input type="search" placeholder="Izdeu" name="q" value="қала">'
        '<form action="/kk/іздеу/"></form>'
    )


def test_meta_descriptions_and_titles_are_transliterated_urls_are_not():
    html = (
        '<meta name="description" content="Президент сапары">'
        '<meta property="og:title" content="Достық">'
        '<meta property="og:url" content="https://мысал.kz/kk/мақала/">'
        '<meta property="og:locale" content="kk_KZ">'
        "<title>Жаңалықтар</title>"
    )
    assert transliterate_html(html) == (
        '<meta name="description" content="Prezident sapary">'
        '<meta property="og:title" content="Dostyq">'
        '<meta property="og:url" content="https://мысал.kz/kk/мақала/">'
        '<meta property="og:locale" content="kk_KZ">'
        "<title>Jañalyqtar</title>"
    )


def test_script_style_code_pre_and_comments_are_left_alone():
    html = (
        '<script type="application/ld+json">{"headline": "Қала <b>"}</script>'
        "<style>.қала{}</style><p>мәтін <code>айнымалы</code> мәтін</p>"
        "<pre>код\n<b>жол</b></pre><!-- түсініктеме --><textarea>жазба</textarea>соңы"
    )
    assert transliterate_html(html) == (
        '<script type="application/ld+json">{"headline": "Қала <b>"}</script>'
        "<style>.қала{}</style><p>mätın <code>айнымалы</code> mätın</p>"
        "<pre>код\n<b>жол</b></pre><!-- түсініктеме --><textarea>жазба</textarea>soñy"
    )


def test_elements_in_another_language_are_left_alone():
    html = (
        '<html lang="kk-Latn"><body><ul><li><span lang="kk">Қазақша</span></li>'
        '<li><a lang="ru" href="/ru/">Русский <b>язык</b></a> кейін</li></ul>'
        '<div lang="ru"><div>Вложенный</div> текст</div> соңы</body></html>'
    )
    assert transliterate_html(html) == (
        '<html lang="kk-Latn"><body><ul><li><span lang="kk">Қазақша</span></li>'
        '<li><a lang="ru" href="/ru/">Русский <b>язык</b></a> keiın</li></ul>'
        '<div lang="ru"><div>Вложенный</div> текст</div> soñy</body></html>'
    )


def test_the_texts_left_as_written_can_be_collected():
    html = (
        '<p>Авторы: <span lang="ru">Иван &amp; Пётр</span>, Асқар</p>'
        '<script lang="ru">var x = "код";</script><p lang="kk-Latn">Мәтін</p>'
    )
    kept = set()
    assert transliterate_html(html, kept=kept) == (
        '<p>Avtory: <span lang="ru">Иван &amp; Пётр</span>, Asqar</p>'
        '<script lang="ru">var x = "код";</script><p lang="kk-Latn">Mätın</p>'
    )
    assert kept == {"Иван & Пётр"}


def test_urls_written_in_html_text_keep_their_letters():
    html = "<p>Толығырақ: https://kk.wikipedia.org/wiki/Астана сайтында</p>"
    assert transliterate_html(html) == (
        "<p>Tolyğyraq: https://kk.wikipedia.org/wiki/Астана saitynda</p>"
    )


def test_attribute_hook_sees_every_non_text_attribute():
    seen = []

    def hook(tag, name, value, attributes):
        seen.append((tag, name))
        return value.replace("/kk/", "/kk-latn/") if name == "href" else value

    html = '<a href="/kk/x/" hreflang="kk" title="Бет">Бет</a>'
    assert transliterate_html(html, attribute_hook=hook) == (
        '<a href="/kk-latn/x/" hreflang="kk" title="Bet">Bet</a>'
    )
    assert seen == [("a", "href"), ("a", "hreflang")]


def test_entities_and_quotes_survive():
    html = "<p title='Ел &amp; жер'>&laquo;Ел&raquo; &amp; жер&nbsp;— 5&#160;км</p>"
    assert transliterate_html(html) == (
        "<p title='El &amp; jer'>&laquo;El&raquo; &amp; jer&nbsp;— 5&#160;km</p>"
    )
