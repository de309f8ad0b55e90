"""CKEditor 5 in the admin's language: every string of the section editor in Kazakh for a
Kazakh browser (toolbar, block dropdown, link balloon, word count, accessibility help), and
Russian and English for their browsers."""

import re

import pytest
from playwright.sync_api import expect

from articles.demo import ensure_users

pytestmark = pytest.mark.django_db(transaction=True)

#: Every string the editor UI shows or announces: text outside the editing area and the
#: labelling attributes (tooltips are data-cke-tooltip-text). Key caps (<kbd>) and markup
#: names (<code>) are not words.
COLLECT = """() => {
  const found = new Set();
  const roots = document.querySelectorAll(
    '.ck-editor, .ck-body-wrapper, .word-count, .ck-aria-live-announcer');
  for (const root of roots) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.currentNode; node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) {
        const parent = node.parentElement;
        if (!parent.closest('.ck-editor__editable, kbd, code') && node.textContent.trim()) {
          found.add(node.textContent.trim());
        }
        continue;
      }
      for (const name of ['title', 'aria-label', 'data-cke-tooltip-text', 'placeholder']) {
        const value = node.getAttribute(name);
        if (value && value.trim()) found.add(value.trim());
      }
    }
  }
  return [...found];
}"""

#: The English source strings and Russian translations CKEditor ships (ru.js is loaded on
#: every admin page), and the project's Kazakh values.
CATALOGUES = """() => {
  const t = window.CKEDITOR_TRANSLATIONS;
  return {
    english: Object.keys(t.kk.dictionary),
    russian: Object.values(t.ru.dictionary).filter(Boolean),
    kazakh: Object.values(t.kk.dictionary).filter(Boolean),
  };
}"""

TOOLTIPS = {
    "kk": [
        "Мәтін түрі",
        "Қалың (Ctrl+B)",
        "Көлбеу (Ctrl+I)",
        "Сілтеме (Ctrl+K)",
        "Маркерлі тізім",
        "Нөмірленген тізім",
        "Дәйексөз",
        "Әрекетті болдырмау (Ctrl+Z)",
        "Әрекетті қайталау (Ctrl+Y)",
    ],
    "ru": [
        "Стиль",
        "Жирный (Ctrl+B)",
        "Курсив (Ctrl+I)",
        "Ссылка (Ctrl+K)",
        "Маркированный список",
        "Нумерованный список",
        "Цитата",
        "Отменить (Ctrl+Z)",
        "Повторить (Ctrl+Y)",
    ],
    "en": [
        "Heading",
        "Bold (Ctrl+B)",
        "Italic (Ctrl+I)",
        "Link (Ctrl+K)",
        "Bulleted List",
        "Numbered List",
        "Block quote",
        "Undo (Ctrl+Z)",
        "Redo (Ctrl+Y)",
    ],
}
#: Latin a Kazakh string may hold: keystrokes, the product's name, the editing root's
#: name ("main", an identifier CKEditor puts in the area's label), an address.
LATIN_ALLOWED = {"ESC", "CKEditor", "main"}
NOT_WORDS = re.compile(r"https?://\S+|\b(?:Ctrl|Alt|Shift)(?:\+\w+)+")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")


def open_add_form(browser, live_server, demo_login, locale):
    ensure_users()
    context = browser.new_context(locale=locale)
    page = context.new_page()
    demo_login(page, "editor")
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.locator("#sections-group .add-row a").click()
    page.wait_for_function("() => window.editors && Object.keys(window.editors).length >= 3")
    return page


def toolbar_tooltips(page):
    toolbar = page.locator(".ck-editor:visible .ck-toolbar").first
    return toolbar.locator("[data-cke-tooltip-text]").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('data-cke-tooltip-text'))"
    )


def test_kazakh_admin_gets_a_kazakh_editor_throughout(browser, live_server, demo_login):
    page = open_add_form(browser, live_server, demo_login, "kk-KZ")
    seen = set(page.evaluate(COLLECT))
    assert toolbar_tooltips(page) == TOOLTIPS["kk"]
    editor = page.locator(".ck-editor:visible").first
    editable = editor.locator(".ck-editor__editable")
    expect(editable).to_have_attribute(
        "aria-label", "Мәтін редакторы. Өңдеу аймағы: main. Анықтама үшін Alt+0 басыңыз."
    )
    expect(page.locator(".word-count:visible").first).to_contain_text("Сөз саны: 0")
    expect(page.locator(".word-count:visible").first).to_contain_text("Таңба саны: 0")

    editable.click()
    page.keyboard.type("Жаңа оқу залы")
    expect(page.locator(".ck-powered-by__label:visible")).to_have_text("Редактор:")
    seen.update(page.evaluate(COLLECT))

    heading = editor.locator(".ck-heading-dropdown > button")
    expect(heading).to_have_text("Абзац")
    heading.click()
    options = editor.locator(".ck-heading-dropdown .ck-list__item .ck-button__label")
    expect(options).to_have_text(["Абзац", "Тақырып 3"])
    seen.update(page.evaluate(COLLECT))
    page.keyboard.press("Escape")

    # The link balloon: an empty address refused, then the actions on the new link.
    editable.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Control+k")
    balloon = page.locator(".ck-balloon-panel_visible:not(.ck-powered-by-balloon)")
    expect(balloon.locator(".ck-link-form")).to_contain_text("Сілтеме мекенжайы")
    expect(balloon.locator(".ck-link-form")).to_contain_text("Көрсетілетін мәтін")
    expect(balloon.locator("button[type=submit]")).to_have_text("Кірістіру")
    seen.update(page.evaluate(COLLECT))
    page.keyboard.press("Enter")
    expect(balloon).to_contain_text("Сілтеме мекенжайы бос болмауы керек.")
    seen.update(page.evaluate(COLLECT))
    page.keyboard.type("example.kz")
    page.keyboard.press("Enter")
    expect(balloon.locator("[data-cke-tooltip-text='Сілтемені өңдеу']")).to_be_visible()
    expect(balloon.locator("[data-cke-tooltip-text='Сілтемені алып тастау']")).to_be_visible()
    expect(
        balloon.locator("[data-cke-tooltip-text='Сілтемені жаңа қойындыда ашу']")
    ).to_be_visible()
    seen.update(page.evaluate(COLLECT))
    balloon.locator("[data-cke-tooltip-text='Сілтемені өңдеу']").click()
    expect(balloon.locator("button[type=submit]")).to_have_text("Жаңарту")
    expect(balloon.locator("[data-cke-tooltip-text='Артқа']")).to_be_visible()
    seen.update(page.evaluate(COLLECT))
    page.keyboard.press("Escape")

    # The accessibility help (Alt+0), announced in the editing area's label.
    editable.click()
    page.keyboard.press("Alt+0")
    dialog = page.locator(".ck-dialog")
    expect(dialog).to_contain_text("Арнайы мүмкіндіктер анықтамасы")
    expect(dialog).to_contain_text("Мазмұнды өңдеу пернелері")
    seen.update(page.evaluate(COLLECT))

    assert page.evaluate("() => Object.values(window.editors)[0].getData()") == (
        '<p><a href="https://example.kz">Жаңа оқу залы</a></p>'
    )
    catalogues = page.evaluate(CATALOGUES)
    english = set(catalogues["english"])
    russian = set(catalogues["russian"])
    for text in sorted(seen):
        words = NOT_WORDS.sub("", text)
        assert text not in english, f"English in the Kazakh editor: {text!r}"
        assert text not in russian, f"Russian in the Kazakh editor: {text!r}"
        assert set(LATIN_WORD.findall(words)) <= LATIN_ALLOWED, f"Not Kazakh: {text!r}"
        if re.search(r"[^\W\d_]", LATIN_WORD.sub("", words)):
            assert CYRILLIC.search(words), f"Not Kazakh: {text!r}"
    # The collection reached every part exercised above.
    assert {"Абзац", "Тақырып 3", "Кірістіру", "Жаңарту", "Жабу"} <= seen
    page.context.close()


@pytest.mark.parametrize(
    ("locale", "language", "words", "badge"),
    [("ru-RU", "ru", "Слов: 0", "Работает на"), ("en-GB", "en", "Words: 0", "Powered by")],
)
def test_russian_and_english_admins_keep_their_editor_language(
    browser, live_server, demo_login, locale, language, words, badge
):
    page = open_add_form(browser, live_server, demo_login, locale)
    assert toolbar_tooltips(page) == TOOLTIPS[language]
    expect(page.locator(".word-count:visible").first).to_contain_text(words)
    editor = page.locator(".ck-editor:visible").first
    editor.locator(".ck-editor__editable").click()
    expect(page.locator(".ck-powered-by__label:visible")).to_have_text(badge)
    kazakh = set(page.evaluate(CATALOGUES)["kazakh"])
    assert not set(page.evaluate(COLLECT)) & kazakh
    page.context.close()
