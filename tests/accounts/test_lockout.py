"""Sign-in lockout (django-axes): per account and address, per address, logged, unlockable."""

import datetime as dt
import io
import logging

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone

from tests.accounts.conftest import is_logged_in, post_login

WRONG = "not-the-password"

MESSAGES = {
    "en": "Too many failed sign-in attempts. Try again in 30 minutes or ask an administrator "
    "to unlock your account.",
    "ru": "Слишком много неудачных попыток входа. Попробуйте снова через 30 минут или "
    "попросите администратора разблокировать вашу учётную запись.",
    "kk": "Кіру әрекеттері тым көп рет сәтсіз болды. 30 минуттан кейін қайталап көріңіз "
    "немесе тіркелгіңізді бұғаттан шығаруды әкімшіден сұраңыз.",
}


def fail(client, username, times, **extra):
    return [post_login(client, username, WRONG, **extra).status_code for _ in range(times)]


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_the_fifth_failure_locks_the_account_with_429_and_a_localised_message(
    client, editor, language
):
    extra = {"HTTP_ACCEPT_LANGUAGE": language}
    assert fail(client, "editor1", 4, **extra) == [200] * 4

    response = post_login(client, "editor1", WRONG, **extra)

    assert response.status_code == 429
    assert response["Retry-After"] == "1800"
    text = response.content.decode()
    assert MESSAGES[language] in text
    assert 'id="site-name"' in text  # the admin's own page, not a bare message


def test_the_right_password_is_refused_while_locked(client, editor):
    fail(client, "editor1", 5)

    response = post_login(client, "editor1", "editor1-password")

    assert response.status_code == 429
    assert not is_logged_in(client)
    assert client.get("/admin/").status_code == 302


def test_the_limit_comes_from_the_setting(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert fail(client, "editor1", 2) == [200, 429]


def test_the_lock_holds_one_account_from_one_address_only(client, editor, reporter):
    fail(client, "editor1", 5)

    assert post_login(client, "reporter1", "reporter1-password").status_code == 302
    client.logout()
    other = {"REMOTE_ADDR": "198.51.100.7"}
    assert post_login(client, "editor1", "editor1-password", **other).status_code == 302


def test_failures_over_many_accounts_lock_the_address(client, editor, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    for name in ("anna", "bota", "dana", "erlan"):
        fail(client, name, 2)

    assert post_login(client, "editor1", "editor1-password").status_code == 429
    other = {"REMOTE_ADDR": "198.51.100.7"}
    assert post_login(client, "editor1", "editor1-password", **other).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        fail(client, "editor1", 5)
        traveller.move_to(start + dt.timedelta(minutes=29))
        assert post_login(client, "editor1", "editor1-password").status_code == 429
        # That refused try started the 30 minutes anew.
        traveller.move_to(start + dt.timedelta(minutes=29 + 31))
        assert post_login(client, "editor1", "editor1-password").status_code == 302


def test_behind_a_proxy_the_forwarded_client_address_is_locked(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.5", "REMOTE_ADDR": "127.0.0.1"}
    fail(client, "editor1", 5, **attacker)

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    colleague = {"HTTP_X_FORWARDED_FOR": "203.0.113.77", "REMOTE_ADDR": "127.0.0.1"}
    assert post_login(client, "editor1", "editor1-password", **colleague).status_code == 302


def test_a_malformed_forwarded_address_falls_back_to_the_proxy_address(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert fail(client, "editor1", 1, HTTP_X_FORWARDED_FOR="1.2.3.4:5678\x00") == [200]
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]


def test_failures_and_the_lockout_are_logged_with_username_and_address(client, editor, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        fail(client, "editor1", 5, REMOTE_ADDR="192.0.2.44")

    failures = [r.getMessage() for r in caplog.records if "login failure by" in r.getMessage()]
    lockouts = [r.getMessage() for r in caplog.records if "Locking out" in r.getMessage()]
    assert len(failures) == 5
    assert len(lockouts) == 1
    for line in failures + lockouts:
        assert 'username: "editor1"' in line
        assert 'ip_address: "192.0.2.44"' in line
        assert WRONG not in line


def test_a_superuser_unlocks_an_account_in_the_admin(client, editor, superuser):
    fail(client, "editor1", 5)
    attempt = AccessAttempt.objects.get(username="editor1")

    admin_client = type(client)()
    admin_client.force_login(superuser)
    listing = admin_client.get("/admin/axes/accessattempt/?locked_out=yes")
    assert listing.status_code == 200
    assert "editor1" in listing.content.decode()
    url = f"/admin/axes/accessattempt/{attempt.pk}/delete/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"post": "yes"}).status_code == 302

    assert not AccessAttempt.objects.exists()
    assert post_login(client, "editor1", "editor1-password").status_code == 302


def test_an_editor_cannot_see_the_access_attempts(client, editor):
    client.force_login(editor)
    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_axes_reset_username_unlocks_an_account(client, editor):
    fail(client, "editor1", 5)

    out = io.StringIO()
    call_command("axes_reset_username", "editor1", stdout=out)
    assert out.getvalue() == "1 attempts removed.\n"

    assert post_login(client, "editor1", "editor1-password").status_code == 302
