"""The site's URLs plus ``/floor/``: the seed article page's bytes, from memory.

The floor is what the stack costs with no work in the view: the same middleware, the same
gunicorn, the same response size. Every page is measured as a ratio to it. The bytes are
read once per process from the file named by ``BENCH_FLOOR_FILE`` (benchmarks/http.py
saves the seed article page there before it measures).
"""

import os
from pathlib import Path

from django.http import Http404, HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as site_urlpatterns

_floor: list[bytes] = []


def floor(request):
    if not _floor:
        name = os.environ.get("BENCH_FLOOR_FILE", "")
        if not name or not Path(name).is_file():
            raise Http404("BENCH_FLOOR_FILE is not set or missing")
        _floor.append(Path(name).read_bytes())
    return HttpResponse(_floor[0], content_type="text/html; charset=utf-8")


urlpatterns = [path("floor/", floor, name="bench_floor"), *site_urlpatterns]
