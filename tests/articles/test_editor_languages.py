"""The section editor's scripts and settings: CKEditor 5 speaks the admin's language."""

import json
import re
import warnings

import pytest
from django.forms.widgets import MediaOrderConflictWarning
from django.urls import reverse

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")


def _scripts(html):
    return re.findall(r'<script src="/static/([^"]+)"', html)


def _editor_config(html):
    match = re.search(
        r'<script id="id_sections-0-body_ru_script" type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    return json.loads(match.group(1))


def test_kazakh_dictionary_loads_after_the_packaged_kazakh_translation(client, editor):
    client.force_login(editor)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MediaOrderConflictWarning)
        html = client.get(ADD, HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    scripts = _scripts(html)
    ckeditor = [s for s in scripts if "ckeditor" in s]
    assert ckeditor == [
        "django_ckeditor_5/dist/bundle.js",
        "django_ckeditor_5/dist/translations/ru.js",
        "django_ckeditor_5/dist/translations/kk.js",
        "js/ckeditor5-kk.js",
    ]
    # Django's admin scripts keep their own order (jQuery before its users).
    assert scripts.index("admin/js/vendor/jquery/jquery.min.js") < scripts.index(
        "admin/js/jquery.init.js"
    )


@pytest.mark.parametrize(
    ("accept_language", "language", "badge"),
    [("kk", "kk", "Редактор:"), ("ru", "ru", "Работает на"), ("en", "en", "Powered by")],
)
def test_editor_language_follows_the_admin_language(
    client, editor, accept_language, language, badge
):
    client.force_login(editor)
    html = client.get(ADD, HTTP_ACCEPT_LANGUAGE=accept_language).content.decode()
    # The add form holds the empty section template; its editors start when a row is added.
    html = html.replace("sections-__prefix__-", "sections-0-")
    config = _editor_config(html)
    assert config["language"] == language
    assert config["ui"]["poweredBy"]["label"] == badge
    assert config["toolbar"]["items"][0] == "heading"
