"""Two-factor authentication: publishers enrol at first sign-in, then always give a code."""

import datetime as dt
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsroom.accounts import twofactor
from tests.accounts.conftest import code_for, enrol, is_logged_in, post_login

ROOT = Path(__file__).resolve().parents[2]
ENROL_URL = "/admin/accounts/enrol/"


def secret_on(page: str) -> str:
    return re.search(r'<code id="otp-secret">([A-Z2-7 ]+)</code>', page).group(1)


def codes_on(page: str) -> list[str]:
    block = re.search(r'<ul class="accounts-recovery-codes"[^>]*>(.*?)</ul>', page, re.S)
    return re.findall(r"<code>([a-z2-7]+)</code>", block.group(1))


# --- Enrolment ---------------------------------------------------------------------------


def test_a_publisher_without_a_device_is_sent_to_enrol_and_not_logged_in(
    client, editor, otp_required
):
    response = post_login(client, "editor1", "editor1-password")

    assert response.status_code == 302
    assert response["Location"] == ENROL_URL
    assert not is_logged_in(client)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/articles/article/").status_code == 302


def test_the_enrolment_page_shows_a_qr_code_and_the_secret_of_a_new_device(
    client, editor, otp_required
):
    post_login(client, "editor1", "editor1-password")

    page = client.get(ENROL_URL).content.decode()

    device = TOTPDevice.objects.get(user=editor)
    assert device.confirmed is False
    assert secret_on(page) == twofactor.secret_text(device)
    assert "<svg" in page and "<path" in page
    assert "<script" not in page.split('<div id="content-main"', 1)[1]
    assert "style=" not in page
    # A reload shows the same secret: the code already scanned stays valid.
    assert secret_on(client.get(ENROL_URL).content.decode()) == secret_on(page)


def test_enrolment_confirms_the_device_shows_ten_recovery_codes_and_signs_in(
    client, editor, otp_required
):
    post_login(client, "editor1", "editor1-password")
    client.get(ENROL_URL)
    device = TOTPDevice.objects.get(user=editor)

    wrong = client.post(ENROL_URL, {"otp_token": "000000"})
    assert wrong.status_code == 200
    assert "That code is not valid" in wrong.content.decode()
    assert not is_logged_in(client)

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=40), tick=False):
        done = client.post(ENROL_URL, {"otp_token": code_for(device)})
        page = done.content.decode()
        assert done.status_code == 200
        codes = codes_on(page)
        assert len(set(codes)) == 10
        assert sorted(codes) == sorted(
            StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)
        )
        assert is_logged_in(client)
        device.refresh_from_db()
        assert device.confirmed is True
        assert client.get("/admin/").status_code == 200
    # Shown once: the page of codes is gone, the enrolment page closed.
    assert client.get(ENROL_URL).status_code == 302


def test_the_enrolment_page_is_closed_to_anyone_who_has_not_signed_in(client, editor):
    response = client.get(ENROL_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not TOTPDevice.objects.exists()


def test_a_half_signed_in_enrolment_expires(client, editor, otp_required):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        post_login(client, "editor1", "editor1-password")
        assert client.get(ENROL_URL).status_code == 200
        traveller.move_to(start + dt.timedelta(minutes=16))
        assert client.get(ENROL_URL).status_code == 302


def test_a_superuser_must_enrol_too(client, superuser, otp_required):
    response = post_login(client, "chief", "chief-password")
    assert response["Location"] == ENROL_URL


def test_an_account_manager_must_enrol(client, reporter, otp_required):
    reporter.user_permissions.add(Permission.objects.get(codename="change_user"))
    response = post_login(client, "reporter1", "reporter1-password")
    assert response["Location"] == ENROL_URL


def test_a_publisher_logged_in_without_a_second_factor_is_sent_to_enrol(
    client, editor, otp_required
):
    client.force_login(editor)

    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert client.get("/admin/login/")["Location"] == ENROL_URL


# --- Sign-in with a device ---------------------------------------------------------------


@pytest.fixture
def enrolled_editor(editor, otp_required):
    device, codes = enrol(editor)
    return editor, device, codes


def test_an_enrolled_publisher_without_a_code_is_refused(client, enrolled_editor):
    response = post_login(client, "editor1", "editor1-password")

    assert response.status_code == 200
    assert "Please enter the correct username, password" in response.content.decode()
    assert not is_logged_in(client)


def test_a_wrong_code_is_refused_and_a_right_one_signs_in(client, enrolled_editor):
    _user, device, _codes = enrolled_editor
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        wrong = post_login(client, "editor1", "editor1-password", token="123456")
        assert wrong.status_code == 200
        assert not is_logged_in(client)

        # After django-otp's throttle delay (1 s after one failure).
        traveller.move_to(start + dt.timedelta(seconds=2))
        right = post_login(client, "editor1", "editor1-password", token=code_for(device))
        assert right.status_code == 302
        assert right["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_a_right_code_with_a_wrong_password_is_refused(client, enrolled_editor):
    _user, device, _codes = enrolled_editor
    response = post_login(client, "editor1", "wrong-password", token=code_for(device))
    assert response.status_code == 200
    assert not is_logged_in(client)


def test_a_recovery_code_signs_in_once_only(client, enrolled_editor):
    _user, _device, codes = enrolled_editor

    first = post_login(client, "editor1", "editor1-password", token=codes[0].upper())
    assert first.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert StaticToken.objects.count() == 9

    client.logout()
    again = post_login(client, "editor1", "editor1-password", token=codes[0])
    assert again.status_code == 200
    assert not is_logged_in(client)


def test_wrong_codes_count_towards_the_lockout(client, enrolled_editor):
    statuses = [
        post_login(client, "editor1", "editor1-password", token=f"{n:06d}").status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]


def test_an_enrolled_reporter_must_give_a_code_as_well(client, reporter, otp_required):
    enrol(reporter)
    assert post_login(client, "reporter1", "reporter1-password").status_code == 200
    assert not is_logged_in(client)


def test_an_enrolled_user_must_give_a_code_even_when_not_required(client, editor):
    device, _codes = enrol(editor)
    assert post_login(client, "editor1", "editor1-password").status_code == 200
    ok = post_login(client, "editor1", "editor1-password", token=code_for(device))
    assert ok.status_code == 302


# --- Who is not asked --------------------------------------------------------------------


def test_a_reporter_who_cannot_publish_is_not_forced_to_enrol(client, reporter, otp_required):
    response = post_login(client, "reporter1", "reporter1-password")

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_with_otp_required_off_a_publisher_is_not_asked(client, editor, settings):
    settings.OTP_REQUIRED = False
    response = post_login(client, "editor1", "editor1-password")

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_two_factor_is_required_by_default_in_production_and_off_in_the_demo():
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "OTP_REQUIRED", "DJANGO_SETTINGS_MODULE"}
    }
    base["SECRET_KEY"] = "x" * 50
    code = "import newsroom.settings as s; print(s.OTP_REQUIRED)"

    def read(**env):
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert read() == "True"
    assert read(DEBUG="0") == "True"
    assert read(DEBUG="1") == "False"
    assert read(DEBUG="0", OTP_REQUIRED="0") == "False"


# --- One's own second factor -------------------------------------------------------------


def verified_client(client, user, device):
    post_login(client, user.username, f"{user.username}-password", token=code_for(device))
    assert client.get("/admin/").status_code == 200
    return client


def test_new_recovery_codes_need_a_current_code_and_replace_the_old(client, enrolled_editor):
    user, device, old_codes = enrolled_editor
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        verified_client(client, user, device)
        url = "/admin/accounts/two-factor/recovery-codes/"
        assert client.post(url, {"otp_token": "999999"}).status_code == 200
        assert set(StaticToken.objects.values_list("token", flat=True)) == set(old_codes)

        traveller.move_to(start + dt.timedelta(seconds=40))
        page = client.post(url, {"otp_token": code_for(device)}).content.decode()
        new_codes = codes_on(page)
        assert len(new_codes) == 10
        assert set(StaticToken.objects.values_list("token", flat=True)) == set(new_codes)
        assert not set(new_codes) & set(old_codes)
        assert client.get("/admin/").status_code == 200


def test_the_two_factor_page_counts_the_recovery_codes_left(client, enrolled_editor):
    user, device, _codes = enrolled_editor
    verified_client(client, user, device)
    page = client.get("/admin/accounts/two-factor/", HTTP_ACCEPT_LANGUAGE="en")
    assert "You have 10 unused recovery codes." in page.content.decode()


def test_resetting_the_device_needs_a_code_and_leads_to_a_new_enrolment(client, enrolled_editor):
    user, device, codes = enrolled_editor
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        verified_client(client, user, device)
        url = "/admin/accounts/two-factor/reset/"
        assert client.post(url, {"otp_token": "nonsense"}).status_code == 200
        assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()

        traveller.move_to(start + dt.timedelta(seconds=2))
        response = client.post(url, {"otp_token": codes[3]})

    assert response["Location"] == ENROL_URL
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert not is_logged_in(client)
    assert client.get(ENROL_URL).status_code == 200


def test_a_superuser_removes_a_users_device_in_the_admin(client, superuser, enrolled_editor):
    user, device, _codes = enrolled_editor
    admin_device, _ = enrol(superuser)
    verified_client(client, superuser, admin_device)

    listing = client.get("/admin/otp_totp/totpdevice/")
    assert listing.status_code == 200
    assert device.key not in listing.content.decode()
    url = f"/admin/otp_totp/totpdevice/{device.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    static = StaticDevice.objects.get(user=user)
    assert client.post(f"/admin/otp_static/staticdevice/{static.pk}/delete/", {"post": "yes"})

    assert not twofactor.has_device(user)
    fresh = type(client)()
    assert post_login(fresh, "editor1", "editor1-password")["Location"] == ENROL_URL


def test_the_first_superuser_signs_in_with_a_static_token_and_adds_an_authenticator(
    client, superuser, otp_required
):
    out = io.StringIO()
    call_command("addstatictoken", "chief", stdout=out)
    bootstrap_code = out.getvalue().strip()

    response = post_login(client, "chief", "chief-password", token=bootstrap_code)
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    page = client.get(ENROL_URL).content.decode()
    device = TOTPDevice.objects.get(user=superuser, confirmed=False)
    assert secret_on(page) == twofactor.secret_text(device)

    done = client.post(ENROL_URL, {"otp_token": code_for(device)})

    assert len(codes_on(done.content.decode())) == 10
    assert twofactor.has_authenticator(superuser)
    assert not StaticToken.objects.filter(token=bootstrap_code).exists()
    assert client.get("/admin/").status_code == 200


def test_no_administrator_sets_up_or_edits_an_authenticator_for_someone_else(
    client, superuser, enrolled_editor
):
    _user, device, _codes = enrolled_editor
    admin_device, _ = enrol(superuser)
    verified_client(client, superuser, admin_device)

    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    client.post(f"/admin/otp_totp/totpdevice/{device.pk}/change/", {"key": "00" * 20})
    device.refresh_from_db()
    assert device.key != "00" * 20


def test_every_admin_page_links_to_the_users_two_factor_page(client, reporter):
    client.force_login(reporter)
    page = client.get("/admin/", headers={"accept-language": "ru"}).content.decode()
    assert '<a href="/admin/accounts/two-factor/">Двухфакторная аутентификация</a>' in page
