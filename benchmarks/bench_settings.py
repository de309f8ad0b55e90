"""Settings for the HTTP benchmark (benchmarks/http.py): the production settings, plus a floor.

Everything comes from newsroom.settings and the environment exactly as in production;
only the URL configuration adds the floor view (benchmarks.bench_urls).
"""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
