"""Two-factor sign-in in Chromium: a publisher enrols at first sign-in, then signs in with a
recovery code."""

from base64 import b32decode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.oath import totp
from playwright.sync_api import expect

from newsroom import roles

pytestmark = pytest.mark.django_db(transaction=True)


def code_from_secret(secret: str) -> str:
    """What an authenticator app shows for the secret typed in from the enrolment page."""
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return str(totp(key)).zfill(6)


def sign_in(page, url, username, password, token=""):
    page.goto(f"{url}/admin/login/")
    page.wait_for_load_state("networkidle")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    if token:
        page.fill("#id_otp_token", token)
    page.click("#login-form input[type=submit]")


def test_a_publisher_enrols_at_first_sign_in_then_signs_in_with_a_recovery_code(
    page, live_server, settings
):
    settings.OTP_REQUIRED = True
    editor = get_user_model().objects.create_user(
        username="editor2", password="editor2-password", is_staff=True
    )
    editor.groups.add(Group.objects.get(name=roles.EDITOR))
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    sign_in(page, live_server.url, "editor2", "editor2-password")
    page.wait_for_url(f"{live_server.url}/admin/accounts/enrol/")
    expect(page.locator(".accounts-qr svg")).to_be_visible()
    secret = page.locator("#otp-secret").inner_text()
    page.fill("#id_otp_token", code_from_secret(secret))
    page.click("#enrol-form input[type=submit]")

    codes = page.locator("#recovery-codes code")
    expect(codes).to_have_count(10)
    recovery_codes = codes.all_inner_texts()
    page.click("#recovery-codes-done")
    page.wait_for_url(f"{live_server.url}/admin/")
    expect(page.locator("#user-tools")).to_contain_text("editor2")

    page.click("#logout-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    sign_in(page, live_server.url, "editor2", "editor2-password", token=recovery_codes[0])
    page.wait_for_url(f"{live_server.url}/admin/")
    expect(page.locator("#user-tools")).to_contain_text("editor2")
    assert violations == []
