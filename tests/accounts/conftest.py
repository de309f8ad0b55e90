import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsroom.accounts import twofactor

LOGIN_URL = "/admin/login/"


def post_login(client, username, password, token="", **extra):
    """Sign in through the admin's real login form (GET for the page, then POST)."""
    client.get(LOGIN_URL, **extra)
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password, "otp_token": token, "next": "/admin/"},
        **extra,
    )


def code_for(device) -> str:
    """The TOTP code ``device`` shows now, as an authenticator app computes it."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(value).zfill(device.digits)


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """A confirmed authenticator and ten recovery codes for ``user``."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)
    return device, twofactor.new_recovery_codes(user)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def client():
    """A test client whose browser asks for English pages (the admin's default is Russian)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        username="chief", password="chief-password", email="chief@example.kz"
    )


@pytest.fixture
def otp_required(settings):
    settings.OTP_REQUIRED = True
    return settings
