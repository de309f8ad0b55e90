from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parent.parent / "locale"


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_interface_string_is_translated_and_none_is_fuzzy(language):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    messages = [m for m in catalog if m.id]
    assert len(messages) > 150
    untranslated = [
        m.id for m in messages if not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.django_db
def test_admin_speaks_kazakh_to_a_kazakh_browser(client, editor):
    client.force_login(editor)
    page = client.get("/admin/articles/article/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert "Мақалалар" in page or "мақала" in page
