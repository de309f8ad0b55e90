"""PostgreSQL connections run without JIT unless DATABASE_URL says otherwise."""

from tests.test_settings import PRODUCTION, manage

SHOW_JIT = (
    "from django.db import connection\n"
    "with connection.cursor() as cursor:\n"
    "    cursor.execute('SHOW jit')\n"
    "    print(cursor.fetchone()[0])"
)
SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def test_postgresql_connections_have_jit_off():
    result = manage("shell", "-c", SHOW_JIT, env={**PRODUCTION, "DATABASE_URL": SERVER})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "off"


def test_options_in_the_database_url_win():
    url = f"{SERVER}?options=-c%20jit%3Don"
    result = manage("shell", "-c", SHOW_JIT, env={**PRODUCTION, "DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "on"
