"""Staff sessions end STAFF_SESSION_SECONDS after sign-in, whatever the cookie age says."""

import datetime as dt

import time_machine
from django.utils import timezone

from tests.accounts.conftest import post_login


def test_a_staff_session_expires_twelve_hours_after_sign_in(client, editor, settings):
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert post_login(client, "editor1", "editor1-password").status_code == 302
        assert client.session.get_expiry_date() == start + dt.timedelta(hours=12)

        traveller.move_to(start + dt.timedelta(hours=11, minutes=59))
        assert client.get("/admin/").status_code == 200

        traveller.move_to(start + dt.timedelta(hours=12, seconds=1))
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_using_the_session_does_not_extend_it(client, editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        post_login(client, "editor1", "editor1-password")
        for hours in (3, 6, 9, 11):
            traveller.move_to(start + dt.timedelta(hours=hours))
            assert client.get("/admin/articles/article/").status_code == 200
        assert client.session.get_expiry_date() == start + dt.timedelta(hours=12)

        traveller.move_to(start + dt.timedelta(hours=12, minutes=1))
        assert client.get("/admin/articles/article/").status_code == 302


def test_a_session_whose_expiry_was_pushed_back_is_still_refused(client, editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        post_login(client, "editor1", "editor1-password")
        session = client.session
        session.set_expiry(30 * 24 * 3600)
        session.save()

        traveller.move_to(start + dt.timedelta(hours=13))
        assert client.get("/admin/").status_code == 302


def test_the_limit_comes_from_the_setting(client, editor, settings):
    settings.STAFF_SESSION_SECONDS = 600
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        post_login(client, "editor1", "editor1-password")
        assert client.session.get_expiry_date() == start + dt.timedelta(minutes=10)
        traveller.move_to(start + dt.timedelta(minutes=11))
        assert client.get("/admin/").status_code == 302


def test_a_session_without_a_sign_in_time_is_refused_by_the_admin(client, editor):
    client.force_login(editor)
    session = client.session
    del session["_accounts_login_at"]
    session.save()

    assert client.get("/admin/").status_code == 302
