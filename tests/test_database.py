import os


def test_suite_runs_on_the_database_database_url_names(db_vendor):
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert db_vendor == expected
