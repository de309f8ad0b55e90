"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against the live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium)",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ru-RU"}


@pytest.fixture
def admin_login(live_server):
    """Log ``page`` in to the admin as ``username`` through the real login form."""

    def login(page, username, password):
        page.goto(f"{live_server.url}/admin/login/")
        # A request of the previous page still in flight (after clear_cookies) may set a
        # fresh CSRF cookie after this form's token was made: wait until nothing is loading.
        page.wait_for_load_state("networkidle")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")

    return login


@pytest.fixture
def demo_login(admin_login):
    """Log ``page`` in as one of the demo accounts (articles.demo.DEMO_USERS)."""
    from articles.demo import DEMO_USERS

    def login(page, username):
        user = next(u for u in DEMO_USERS if u.username == username)
        admin_login(page, user.username, user.password)

    return login
