import os
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import translation

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


def restore_role_groups():
    """Re-apply every role migration's GRANTS (idempotent).

    Transactional tests (live server, concurrency) flush every table, including the
    groups the data migrations created; serialized_rollback does not survive
    Playwright's fixtures (pytest-django issue 1117).
    """
    from django.apps import apps as global_apps
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    for _key, migration in sorted(loader.disk_migrations.items()):
        grants = getattr(sys.modules[migration.__module__], "GRANTS", None)
        if grants:
            roles.grant(global_apps, grants)


@pytest.fixture(autouse=True)
def _role_groups_in_transactional_tests(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        restore_role_groups()


@pytest.fixture(autouse=True)
def _no_language_left_active():
    # A request leaves its language active in the thread (LocaleMiddleware), so a test
    # would otherwise start in whatever language the previous one last requested.
    translation.deactivate()
    yield
    translation.deactivate()


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


@pytest.fixture
def amankul(db):
    """The seed's first photographer, with Kazakh and English names."""
    from tests.photos import photographer

    return photographer(
        "Аманкул Дюсенбаев",
        "Аманкула Дюсенбаева",
        name_kk="Аманкул Дюсенбаев",
        name_en="Amankul Dyusenbayev",
    )


@pytest.fixture
def yerkebulan(db):
    """The seed's second photographer, with Kazakh and English names."""
    from tests.photos import photographer

    return photographer(
        "Еркебулан Укибаев",
        "Еркебулана Укибаева",
        name_kk="Еркебулан Укибаев",
        name_en="Yerkebulan Ukibayev",
    )
