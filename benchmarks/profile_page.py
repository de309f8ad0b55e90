"""Time (and optionally profile) public pages in process, DEBUG off, on any database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench_10000 \\
        .venv/bin/python benchmarks/profile_page.py /ru/ /ru/articles/3-x/ --requests 200
    ... --profile 30          # the 30 most expensive functions (cumulative), per URL
    ... --profile 30 --dump /tmp/page.pstats   # and keep them for pstats' callers/callees

Prints ms per request (median, p90, min) through django.test.Client with the site's own
middleware, the number of queries, and the median CPU time of this process (ms): on a
busy machine the CPU time is the steadier figure. A redirect is followed once to find the page.
The special URL ``article`` stands for the newest article in Russian, ``random`` for a
different random public article on every request (the long tail). Use a database filled
by ``benchmarks/workflow_reads.py`` or ``manage.py populate_bench``.
"""

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    parser.add_argument("--dump", help="with --profile: also save the statistics (pstats) here")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        sys.exit("Set DATABASE_URL")
    db_name = database_url.rsplit("/", 1)[-1]
    tmp = Path(tempfile.gettempdir())
    os.environ.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        SECRET_KEY=os.environ.get("SECRET_KEY", "benchmark-only-secret-key-not-used-elsewhere"),
        DEBUG="0",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
    )
    os.environ.setdefault("MEDIA_ROOT", str(tmp / f"newsroom-bench-media-{db_name}"))
    os.environ.setdefault("STATIC_ROOT", str(tmp / f"newsroom-bench-static-{db_name}"))
    os.chdir(BASE_DIR)
    # Not this folder: benchmarks/http.py would shadow the standard library's http.
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(BASE_DIR))

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.utils import translation

    from articles.models import Article

    client = Client()
    translation.activate("ru")
    public = list(Article.objects.available_in("ru").values_list("pk", "slug_ru").order_by("pk"))
    rng = random.Random(1)

    def resolve(url: str):
        if url == "article":
            pk, slug = max(public)
            return lambda: f"/ru/articles/{pk}-{slug}/"
        if url == "random":
            return lambda: "/ru/articles/{}-{}/".format(*rng.choice(public))
        response = client.get(url)
        if response.status_code in (301, 302):
            url = response["Location"]
        return lambda: url

    print(f"{'url':50} {'median':>8} {'p90':>8} {'min':>8} {'queries':>7} {'bytes':>7} {'cpu':>8}")
    for name in args.urls:
        next_url = resolve(name)
        for _ in range(args.warmup):
            client.get(next_url())
        queries = []

        def count(execute, sql, *rest, queries=queries):
            queries.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(count):
            response = client.get(next_url())
        if response.status_code != 200:
            print(f"{name:50} answered {response.status_code}")
            continue
        times, cpu = [], []
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.requests):
            url = next_url()
            started, started_cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            client.get(url)
            if profiler:
                profiler.disable()
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        times.sort()
        print(
            f"{name[:50]:50} {statistics.median(times):8.2f} "
            f"{times[int(len(times) * 0.9) - 1]:8.2f} {times[0]:8.2f} "
            f"{len(queries):7d} {len(response.content):7d} {statistics.median(cpu):8.2f}"
        )
        if profiler:
            stats = pstats.Stats(profiler)
            if args.dump:
                stats.dump_stats(args.dump)
            stats.sort_stats("cumulative").print_stats(args.profile)
            stats.sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
