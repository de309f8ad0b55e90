import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

from newsroom import roles

TESTDATA = Path(__file__).resolve().parent / "testdata"
SEED_FILE = (
    Path(__file__).resolve().parent.parent
    / "articles"
    / "demo_content"
    / "000_f09acc4096086793.txt"
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_report_header(config):
    url = os.environ.get("DATABASE_URL", "")
    return f"database: {url.split(':', 1)[0] or 'sqlite (default)'}"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _user(username, role=None, **extra):
    user = get_user_model().objects.create_user(
        username=username, password=f"{username}-password", is_staff=role is not None, **extra
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor(db):
    return _user("editor1", roles.EDITOR)


@pytest.fixture
def reporter(db):
    return _user("reporter1", roles.REPORTER)


@pytest.fixture
def photographer(db):
    return _user("photographer1", roles.PHOTOGRAPHER)


@pytest.fixture
def outsider(db):
    return _user("outsider1")


@pytest.fixture
def db_vendor(db):
    return connection.vendor
