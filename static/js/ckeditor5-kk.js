/*
 * Kazakh for the CKEditor 5 interface of the section editor (articles.widgets.BodyEditorWidget).
 *
 * The bundled translations/kk.js leaves almost every key empty, and CKEditor shows English
 * for an empty entry. This file is loaded after it and fills the keys of the configured
 * toolbar (newsroom/settings.py CKEDITOR_5_CONFIGS), its dropdown and link balloon, the
 * word count, the editing area's label and the accessibility help (Alt+0). Terms follow the
 * project's Kazakh admin catalogue (locale/kk/LC_MESSAGES/django.po): Сақтау, Болдырмау,
 * Сілтеме, Жабу. Keys are CKEditor's English source strings; %0 is filled in by CKEditor.
 */
(function (translations) {
  "use strict";
  var kk = (translations.kk = translations.kk || {});
  kk.dictionary = Object.assign(kk.dictionary || {}, {
    // Editor frame, toolbar and word count
    "Rich Text Editor": "Мәтін редакторы",
    "Rich Text Editor. Editing area: %0": "Мәтін редакторы. Өңдеу аймағы: %0",
    "Press %0 for help.": "Анықтама үшін %0 басыңыз.",
    "Editor toolbar": "Редактордың құралдар тақтасы",
    "Editor contextual toolbar": "Редактордың контекстік құралдар тақтасы",
    "Editor dialog": "Редактордың диалог терезесі",
    "Dropdown toolbar": "Ашылмалы құралдар тақтасы",
    "Dropdown menu": "Ашылмалы мәзір",
    "Widget toolbar": "Виджеттің құралдар тақтасы",
    "Show more items": "Басқа құралдар",
    "Words: %0": "Сөз саны: %0",
    "Characters: %0": "Таңба саны: %0",

    // Block type dropdown
    Heading: "Мәтін түрі",
    "Choose heading": "Мәтін түрін таңдаңыз",
    Paragraph: "Абзац",
    "Heading 1": "Тақырып 1",
    "Heading 2": "Тақырып 2",
    "Heading 3": "Тақырып 3",
    "Heading 4": "Тақырып 4",
    "Heading 5": "Тақырып 5",
    "Heading 6": "Тақырып 6",

    // Buttons
    Bold: "Қалың",
    Italic: "Көлбеу",
    Link: "Сілтеме",
    "Bulleted List": "Маркерлі тізім",
    "Numbered List": "Нөмірленген тізім",
    "Block quote": "Дәйексөз",
    Undo: "Әрекетті болдырмау",
    Redo: "Әрекетті қайталау",

    // Link balloon: the form and the actions on an existing link
    "Link URL": "Сілтеме мекенжайы",
    "Displayed text": "Көрсетілетін мәтін",
    "Link URL must not be empty.": "Сілтеме мекенжайы бос болмауы керек.",
    Insert: "Кірістіру",
    Update: "Жаңарту",
    Save: "Сақтау",
    Cancel: "Болдырмау",
    Back: "Артқа",
    Previous: "Алдыңғы",
    Next: "Келесі",
    "Create link": "Сілтеме жасау",
    "Edit link": "Сілтемені өңдеу",
    Unlink: "Сілтемені алып тастау",
    "Open link in new tab": "Сілтемені жаңа қойындыда ашу",
    "Open in a new tab": "Жаңа қойындыда ашу",
    "Link properties": "Сілтеме қасиеттері",
    "No links available": "Қолжетімді сілтемелер жоқ",

    // Accessibility help (Alt+0)
    Accessibility: "Арнайы мүмкіндіктер",
    "Accessibility help": "Арнайы мүмкіндіктер анықтамасы",
    Close: "Жабу",
    "Help Contents. To close this dialog press ESC.":
      "Анықтама мазмұны. Бұл терезені жабу үшін ESC пернесін басыңыз.",
    "Below, you can find a list of keyboard shortcuts that can be used in the editor.":
      "Төменде редакторда қолдануға болатын пернелер тіркесімдерінің тізімі берілген.",
    "(may require <kbd>Fn</kbd>)": "(<kbd>Fn</kbd> пернесі қажет болуы мүмкін)",
    "Content editing keystrokes": "Мазмұнды өңдеу пернелері",
    "These keyboard shortcuts allow for quick access to content editing features.":
      "Бұл пернелер тіркесімдері мазмұнды өңдеу мүмкіндіктерін жылдам қолдануға көмектеседі.",
    "Bold text": "Қалың мәтін",
    "Italic text": "Көлбеу мәтін",
    "Copy selected content": "Таңдалған мазмұнды көшіру",
    "Find in the document": "Құжаттан іздеу",
    "Insert a hard break (a new paragraph)": "Қатаң үзіліс қою (жаңа абзац)",
    "Insert a soft break (a <code>&lt;br&gt;</code> element)":
      "Жұмсақ үзіліс қою (<code>&lt;br&gt;</code> элементі)",
    "Move out of a link": "Сілтемеден шығу",
    "Paste content": "Мазмұнды қою",
    "Paste content as plain text": "Мазмұнды пішімсіз мәтін ретінде қою",
    "Revert autoformatting action": "Автоматты пішімдеуді болдырмау",
    "Select all": "Барлығын таңдау",
    "Keystrokes that can be used when a widget is selected (for example: image, table, etc.)":
      "Виджет (мысалы, сурет, кесте т.б.) таңдалғанда қолдануға болатын пернелер",
    "Insert a new paragraph directly after a widget": "Виджеттен кейін бірден жаңа абзац қою",
    "Insert a new paragraph directly before a widget": "Виджеттің алдына бірден жаңа абзац қою",
    "Move focus from an editable area back to the parent widget":
      "Фокусты өңдеу аймағынан оны қамтитын виджетке қайтару",
    "Move the caret to allow typing directly after a widget":
      "Виджеттен кейін бірден жазу үшін курсорды жылжыту",
    "Move the caret to allow typing directly before a widget":
      "Виджеттің алдынан бірден жазу үшін курсорды жылжыту",
    "Keystrokes that can be used in a list": "Тізімде қолдануға болатын пернелер",
    "Decrease list item indent": "Тізім элементінің шегінісін азайту",
    "Increase list item indent": "Тізім элементінің шегінісін ұлғайту",
    "User interface and content navigation keystrokes":
      "Интерфейс пен мазмұн бойынша жылжу пернелері",
    "Use the following keystrokes for more efficient navigation in the CKEditor 5 user interface.":
      "CKEditor 5 интерфейсінде жылдамырақ жылжу үшін мына пернелерді қолданыңыз.",
    "Close contextual balloons, dropdowns, and dialogs":
      "Қалқымалы панельдерді, ашылмалы тізімдер мен терезелерді жабу",
    "Execute the currently focused button. Executing buttons that interact with the editor content moves the focus back to the content.":
      "Фокустағы батырманы басу. Редактор мазмұнына әсер ететін батырма басылған соң фокус мазмұнға қайтады.",
    "Move focus between form fields (inputs, buttons, etc.)":
      "Фокусты форма өрістері (енгізу өрістері, батырмалар т.б.) арасында жылжыту",
    "Move focus in and out of an active dialog window":
      "Фокусты белсенді диалог терезесіне кіргізу және одан шығару",
    "Move focus to the toolbar, navigate between toolbars":
      "Фокусты құралдар тақтасына жылжыту, құралдар тақталары арасында ауысу",
    "Navigate through the toolbar or menu bar": "Құралдар тақтасы немесе мәзір жолағы бойынша жылжу",
    "Open the accessibility help dialog": "Арнайы мүмкіндіктер анықтамасын ашу",
  });
})(window.CKEDITOR_TRANSLATIONS || (window.CKEDITOR_TRANSLATIONS = {}));
