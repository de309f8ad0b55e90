"""Two-factor authentication (django-otp): who needs it, devices, tokens, recovery codes.

A user's second factor is one TOTP device (an authenticator app) plus one static device
holding single-use recovery codes. A six-digit token is checked against the TOTP device
only and anything else against the recovery codes only: trying a token on every device
would count a failure (and a growing throttle delay) on the device it was never meant for.
"""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Authenticator"
RECOVERY_NAME = "Recovery codes"


def otp_required_for(user) -> bool:
    """True when ``user`` may use the admin only after a second factor (OTP_REQUIRED on and
    the account can publish or grant rights: ``OTP_REQUIRED_PERMISSIONS``; superusers)."""
    if not settings.OTP_REQUIRED or not user.is_active:
        return False
    return user.is_superuser or any(user.has_perm(p) for p in settings.OTP_REQUIRED_PERMISSIONS)


def has_device(user) -> bool:
    """True when ``user`` has enrolled: a confirmed device of any kind."""
    return user_has_device(user, confirmed=True)


def has_authenticator(user) -> bool:
    """True when ``user`` has a confirmed authenticator (recovery codes alone are not one)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def needs_enrolment(user) -> bool:
    return otp_required_for(user) and not has_device(user)


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed authenticator ``user`` is setting up (made on first use, kept across
    reloads so the code already scanned stays valid)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The device's secret in base32, in groups of four, for typing into an app."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an inline SVG QR code (white background, no styles)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage)
    return image.to_string(encoding="unicode")


def is_totp_token(token: str) -> bool:
    return token.isascii() and token.isdigit() and len(token) in {6, 8}


def normalised_token(token: str) -> str:
    """A token as typed: spaces and dashes dropped, recovery codes in lower case."""
    return "".join(token.split()).replace("-", "").lower()


def verify(user, token: str):
    """The confirmed device of ``user`` that accepts ``token`` (used up if a recovery code),
    or None."""
    token = normalised_token(token)
    if not token or len(token) > 16:
        return None
    model = TOTPDevice if is_totp_token(token) else StaticDevice
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(token):
                return device
    return None


def confirm_totp(device: TOTPDevice, token: str) -> TOTPDevice | None:
    """The authenticator being set up, now confirmed, if ``token`` is one of its current
    codes; else None."""
    token = normalised_token(token)
    if not is_totp_token(token):
        return None
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device.pk).first()
        if device is None or not device.verify_token(token):
            return None
        # One authenticator per user: the new one replaces any former one.
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return device


def new_recovery_codes(user) -> list[str]:
    """Replace ``user``'s recovery codes with ``RECOVERY_CODE_COUNT`` new ones, returned once.

    The device itself is kept: a session verified by one of its codes stays verified.
    """
    with transaction.atomic():
        device = StaticDevice.objects.filter(user=user).order_by("pk").first()
        if device is None:
            device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        device.token_set.all().delete()
        codes = []
        while len(codes) < RECOVERY_CODE_COUNT:
            code = StaticToken.random_token()
            # An all-digit code would be taken for an authenticator's code.
            if code not in codes and not code.isdigit():
                codes.append(code)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def remove_devices(user) -> None:
    """Delete every second-factor device of ``user`` (a reset, or an administrator's)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
