"""HTTP benchmark of the public site: gunicorn serving it, wrk measuring, ratios to a floor.

    .venv/bin/python benchmarks/http.py --articles 10000                # PostgreSQL and SQLite
    .venv/bin/python benchmarks/http.py --articles 100000 --database pg
    .venv/bin/python benchmarks/http.py --only article --only front --duration 3 --rounds 2
    .venv/bin/python benchmarks/http.py --articles 100000 --database pg --prepare-only

What it does, for each database chosen (--database pg|sqlite|both):

1. The database: PostgreSQL ``newsroom_bench_<N>`` on 127.0.0.1:5432 (created if missing,
   JIT off per connection) or SQLite ``/tmp/newsroom-bench/<N>.sqlite3``; media in
   ``/tmp/newsroom-bench/media-<N>``. ``manage.py migrate``, then ``manage.py populate_bench
   --articles N`` (idempotent: a database already filled costs seconds), collectstatic.
   Other people may reuse these databases: the script never deletes them.
2. Two gunicorn servers on free loopback ports, production settings
   (benchmarks.bench_settings = newsroom.settings + the floor URL; DEBUG off, a throwaway
   SECRET_KEY, SECURE_SSL_REDIRECT off, Redis at --redis-url, a database of its own and a key
   prefix per run): ``-k sync -w 2``, one with ``PAGE_CACHE_SECONDS=0`` (uncached), one with
   ``PAGE_CACHE_SECONDS=300`` (the page cache). Persistent database connections
   (DB_CONN_MAX_AGE 60); note that gunicorn's sync workers close every HTTP connection after
   its response whatever --keep-alive says, so wrk reconnects for each request: the same
   for every page and for the floor.
3. Warm-up: every page once on every server (the rendition is made then; a page that does
   not answer 200, or 302 for the rendition, stops the run). The floor, ``/floor/``, serves
   the seed article page's bytes (saved from the uncached server) from memory through the
   same middleware: what the stack costs with no work in the view.
4. Measurement, interleaved so that load from elsewhere on the machine hits every page
   alike: per round, the floor, then each page uncached and cached; --rounds rounds; each
   run is ``wrk -t2 -c8 -d<duration>s`` (bounded, loopback only). Medians over the rounds.

Pages (names for --only): article (the seed article, /ru/articles/<id>-<slug>/), tail (the
long tail: benchmarks/random_paths.lua picks a random article among all N, in a random
language, for every request), front (/ru/), rubric (/ru/politics/), archive (the seed
article's day), search (/ru/search/?q=<--search>), photographer (Аманкул Дюсенбаев: the
seed's photographer, also credited on about a tenth of the bench photos), feed
(/ru/feeds/latest.xml), sitemap (the first page of the articles' sitemap that /sitemap.xml
lists, or /sitemap.xml where it is no index), rendition (the seed's lead photo, 800.webp:
the signed URL answering 302 to the stored file).

The table: requests/s, p50 and p99 latency in ms as wrk sees them with -c8 against 2
workers (so queueing included: p50 is about 4x the service time of one request), and
requests/s as a percentage of the floor's in the same run. Results are also written to
``/tmp/newsroom-bench/results-<N>-<database>.json``; when results for 10,000 articles exist,
a run with another N adds the p50 ratio to them ("p50/10k").

The machine is shared: run it when others are quiet (the load average is printed before and
after), and compare ratios within a run rather than absolute numbers across runs. The code
measured is the checkout the script lives in (run a copy made with ``git archive`` to measure
a commit while others edit). Two runs at once on one database interfere.
"""

import sys
from pathlib import Path

# Run as a script, this file's directory comes first on sys.path, where this very file
# would shadow the standard library's ``http`` package (urllib needs http.client).
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402

ROOT = _HERE.parent
BIN = Path(sys.executable).parent
WORK = Path("/tmp/newsroom-bench")
LUA = _HERE / "random_paths.lua"
SECRET_KEY = "benchmark-only-throwaway-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
PAGES = ["article", "tail", "front", "rubric", "archive", "search", "photographer", "feed",
         "sitemap", "rendition"]  # fmt: skip
CACHE_SECONDS = {"uncached": 0, "cached": 300}
REDIS_DATABASES = {"pg": 9, "sqlite": 10}
NAMES = {"pg": "PostgreSQL", "sqlite": "SQLite"}

# Run in ``manage.py shell`` against the benchmark database: the pages' paths, and the path
# file of the long tail.
PATHS_CODE = """
import json, random, re, urllib.parse
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from articles.demo import SEED_FILE
from articles.management.commands.populate_bench import SOURCE_PREFIX
from articles.models import Article
from media_credits.renditions import rendition_url

seed = Article.objects.get(source_name=SEED_FILE.name)
# The articles' sitemap: its first page as the index lists it (or /sitemap.xml itself).
index = Client(HTTP_HOST="localhost").get("/sitemap.xml").content.decode()
found = [u for u in re.findall(r"<loc>([^<]+)</loc>", index) if "article" in u]
SITEMAP = "/sitemap.xml"
if "<sitemapindex" in index and found:
    SITEMAP = urllib.parse.urlsplit(found[0])._replace(scheme="", netloc="").geturl()
photographer = seed.lead_photo.photographer
day = timezone.localdate(seed.published_at)
rows = Article.objects.filter(source_name__startswith=SOURCE_PREFIX).order_by("pk")
rng = random.Random(20261127)
with open(PATH_FILE, "w") as out:
    for pk, *slugs in rows.values_list("pk", "slug_ru", "slug_kk", "slug_en"):
        code = rng.choice(["ru", "kk", "en"])
        out.write(f"/{code}/articles/{pk}-{slugs[['ru', 'kk', 'en'].index(code)]}/\\n")
sample = rows.first()
with translation.override("ru"):
    assert f"/ru/articles/{sample.pk}-{sample.slug_ru}/" == sample.get_absolute_url("ru")
    paths = {
        "article": seed.get_absolute_url("ru"),
        "front": reverse("articles:front_page"),
        "rubric": reverse("articles:rubric_list", kwargs={"slug": "politics"}),
        "archive": reverse("articles:day_archive", kwargs={
            "year": f"{day:%Y}", "month": f"{day:%m}", "day": f"{day:%d}"}),
        "search": reverse("articles:search") + "?" + urllib.parse.urlencode({"q": QUERY}),
        "photographer": reverse("photographers:photographer_detail",
                                kwargs={"pk": photographer.pk, "slug": photographer.slug}),
        "feed": reverse("articles:feed_latest"),
        "sitemap": SITEMAP,
        "rendition": rendition_url(seed.lead_photo, width=800, image_format="webp"),
    }
print("PATHS=" + json.dumps({"paths": paths, "articles": rows.count()}))
"""


def main() -> None:
    args = parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    databases = ["pg", "sqlite"] if args.database == "both" else [args.database]
    caches = ["uncached", "cached"] if args.cache == "both" else [args.cache]
    pages = args.only or PAGES
    print(f"code: {describe_code()}; load average before: {load()}", flush=True)

    prepared = {db: prepare(db, args) for db in databases}
    if args.prepare_only:
        return
    servers = []
    try:
        for db in databases:
            for cache in caches:
                servers.append(Server(db, cache, args, prepared[db]))
        for server in servers:
            server.wait_until_up()
        for db in databases:
            server = next(s for s in servers if s.db == db)
            save_floor(db, args, server, prepared[db]["paths"])
        for server in servers:
            paths = prepared[server.db]["paths"]
            wanted = ["article", *(page for page in pages if page != "tail")]
            server.warm_up(
                dict.fromkeys(["/floor/", *(paths[page] for page in wanted)]),
                slow_limit=args.slow_limit,
            )
            for path in ("/floor/", paths["article"]):
                if path in server.failures:
                    sys.exit(f"{path} failed on {server.db} ({server.cache}): nothing to compare")
        results = measure(servers, pages, args, prepared)
    finally:
        for server in servers:
            server.stop()
    for db in databases:
        report(db, pages, caches, results, args, prepared[db])
    print(f"load average after: {load()}")


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--articles", type=int, default=10_000, help="bench articles (N)")
    parser.add_argument("--database", choices=["pg", "sqlite", "both"], default="both")
    parser.add_argument(
        "--cache",
        choices=["uncached", "cached", "both"],
        default="both",
        help="which servers to measure (PAGE_CACHE_SECONDS 0 and 300)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=PAGES,
        metavar="PAGE",
        help=f"measure only this page (repeatable): {', '.join(PAGES)}",
    )
    parser.add_argument("--duration", type=float, default=5, help="seconds of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; medians are reported")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (-t)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (-c)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (-w)")
    parser.add_argument(
        "--slow-limit",
        type=float,
        default=30,
        help="seconds: a page slower than this alone is requested once only",
    )
    parser.add_argument("--search", default="сотрудничество", help="the search page's query")
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379",
        help="Redis server for the cache (a database per engine, 9 and 10, "
        "flushed at start); '' for the local-memory cache",
    )
    parser.add_argument(
        "--pg-url",
        default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server; the database is newsroom_bench_<N>",
    )
    parser.add_argument(
        "--skip-populate", action="store_true", help="use the database as it is (still migrated)"
    )
    parser.add_argument(
        "--prepare-only",
        action="store_true",
        help="create, migrate and populate the databases; measure nothing",
    )
    args = parser.parse_args()  # fmt: skip
    if args.articles < 1 or args.rounds < 1 or args.duration <= 0:
        parser.error("--articles, --rounds and --duration must be positive")
    return args


# --- databases ---------------------------------------------------------------------------


def database_url(db: str, args) -> str:
    if db == "pg":
        return f"{args.pg_url.rstrip('/')}/newsroom_bench_{args.articles}?options=-c%20jit%3Doff"
    return f"sqlite:///{WORK / f'{args.articles}.sqlite3'}"


def base_env(db: str, args) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
        "DATABASE_URL": database_url(db, args),
        "SECRET_KEY": SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "MEDIA_ROOT": str(WORK / f"media-{args.articles}"),
        "STATIC_ROOT": str(WORK / "static"),
        "LOG_LEVEL": "WARNING",
        "BENCH_FLOOR_FILE": str(WORK / f"floor-{args.articles}-{db}.html"),
        "CACHE_KEY_PREFIX": f"bench-{args.articles}-{db}",
        "PAGE_CACHE_SECONDS": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        # Every request comes from one loopback address: the readers' search rate limit
        # would answer 429 after a few dozen and the benchmark measure refusals.
        "SEARCH_RATE_LIMIT": "1000000000",
    }
    if args.redis_url:
        env["REDIS_URL"] = f"{args.redis_url.rstrip('/')}/{REDIS_DATABASES[db]}"
    else:
        env.pop("REDIS_URL", None)
    return env


def manage(db: str, args, *argv: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *argv],
        cwd=ROOT,
        env=base_env(db, args),
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def prepare(db: str, args) -> dict:
    started = time.perf_counter()
    if db == "pg":
        ensure_pg_database(args)
    print(f"{NAMES[db]}: {database_url(db, args)}", flush=True)
    manage(db, args, "migrate", "--noinput", "-v0")
    if not args.skip_populate:
        manage(db, args, "populate_bench", "--articles", str(args.articles))
    manage(db, args, "collectstatic", "--noinput", "-v0")
    path_file = WORK / f"paths-{args.articles}-{db}.txt"
    code = f"PATH_FILE = {str(path_file)!r}\nQUERY = {args.search!r}\n{PATHS_CODE}"
    output = manage(db, args, "shell", "-c", code, capture=True)
    found = json.loads(output.split("PATHS=", 1)[1])
    if args.redis_url:
        flush_redis(db, args)
    print(
        f"{NAMES[db]}: {found['articles']} bench articles, ready in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return {"paths": found["paths"], "path_file": path_file, "articles": found["articles"]}


def ensure_pg_database(args) -> None:
    import psycopg

    name = f"newsroom_bench_{args.articles}"
    with psycopg.connect(f"{args.pg_url.rstrip('/')}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", flush=True)


def flush_redis(db: str, args) -> None:
    """Empty the benchmark's own Redis database: no page cached by an earlier run is served."""
    import redis

    redis.Redis.from_url(f"{args.redis_url.rstrip('/')}/{REDIS_DATABASES[db]}").flushdb()


# --- servers -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn on loopback; stopped (its process group) by stop()."""

    def __init__(self, db: str, cache: str, args, prepared: dict):
        self.db, self.cache = db, cache
        self.port = free_port()
        self.timings: dict[str, float] = {}  # seconds of one request, alone, per path
        self.failures: dict[str, object] = {}  # path -> what it answered in the warm-up
        self.base = f"http://127.0.0.1:{self.port}"
        env = base_env(db, args)
        env["PAGE_CACHE_SECONDS"] = str(CACHE_SECONDS[cache])
        self.log = WORK / f"gunicorn-{args.articles}-{db}-{cache}.log"
        command = [
            str(BIN / "gunicorn"), "newsroom.wsgi", "-k", "sync", "-w", str(args.workers),
            "--keep-alive", "5", "-b", f"127.0.0.1:{self.port}", "--chdir", str(ROOT),
            "--timeout", "900", "--log-level", "warning",
        ]  # fmt: skip
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn ({self.db}, {self.cache}) exited: see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        sys.exit(f"gunicorn ({self.db}, {self.cache}) did not answer /healthz: see {self.log}")

    def get(self, path: str, timeout: float = 600) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def warm_up(self, paths, *, slow_limit: float) -> None:
        """Every path once (a rendition is made then), and again for its time alone.

        A page slower than ``slow_limit`` is not requested again: its one time is kept.
        A page that does not answer as expected is recorded in ``failures``.
        """
        for path in paths:
            started = time.perf_counter()
            try:
                status, _body = self.get(path)
            except (urllib.error.URLError, OSError) as error:
                status = f"no answer ({error})"
            first = time.perf_counter() - started
            expected = 302 if "/renditions/" in path else 200
            if status != expected:
                self.failures[path] = status
                print(f"  warm-up: {path} answered {status} ({self.db}, {self.cache})")
                continue
            if first > slow_limit:
                self.timings[path] = first
            else:
                # Again: the second answer comes from the page cache, where there is one.
                again = time.perf_counter()
                self.get(path)
                self.timings[path] = time.perf_counter() - again
            if first > 5:
                print(f"  warm-up: {path} took {first:.1f} s ({self.db}, {self.cache})")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def save_floor(db: str, args, server: Server, paths: dict) -> None:
    """The seed article page as served, for the floor view to serve from memory."""
    status, body = server.get(paths["article"])
    if status != 200:
        sys.exit(f"{db}: the seed article answered {status}")
    Path(base_env(db, args)["BENCH_FLOOR_FILE"]).write_bytes(body)


# --- measuring ---------------------------------------------------------------------------

_LATENCY = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, args, *, connections: int, threads: int, path_file: Path | None = None):
    command = [
        "wrk", "-t", str(threads), "-c", str(connections),
        "-d", f"{args.duration:g}s", "--timeout", "60s", "--latency",
    ]  # fmt: skip
    if path_file is not None:
        command += ["-s", str(LUA), url, "--", str(path_file)]
    else:
        command.append(url)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    latencies = {m[0]: float(m[1]) * _UNITS[m[2]] for m in _LATENCY.findall(output)}
    if rate is None or set(latencies) != {"50", "99"}:
        sys.exit(f"cannot read wrk's output for {url}:\n{output}")
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(rate[1]),
        "p50": latencies["50"],
        "p99": latencies["99"],
        "bad": int(errors[1]) if errors else 0,
        "socket_errors": socket_errors[1] if socket_errors else "",
    }


def sequential(server: "Server", path: str, count: int = 3) -> dict:
    """``count`` requests one after the other: for pages too slow for wrk's window."""
    times, bad = [], 0
    for _ in range(count):
        started = time.perf_counter()
        status, _body = server.get(path)
        times.append((time.perf_counter() - started) * 1000)
        bad += status >= 400
    median = statistics.median(times)
    return {"rps": 1000 / median, "p50": median, "p99": max(times), "bad": bad,
            "socket_errors": ""}  # fmt: skip


def run_page(server: "Server", path: str, alone: float, args, *, path_file=None):
    """Measure one page on one server; the mode depends on how slow one request is.

    ``load``: wrk with --connections, for pages that answer within duration / (2 x
    connections per worker), so that every connection completes a few requests.
    ``c=workers``: one connection per worker, for slower pages (no queue to wait on).
    ``seq``: three requests one after the other, for pages slower than the duration
    itself: requests/s is then 1 / the median time, with one connection.
    ``once``: slower than --slow-limit: the warm-up's one request is all there is.
    wrk stops after --duration, but gunicorn still answers what it had accepted; the
    pause after each run lets that backlog drain so it does not eat the next run.
    """
    if path in server.failures:
        return {"rps": 0.0, "p50": 0.0, "p99": 0.0, "bad": 1, "mode": "fail",
                "socket_errors": f"warm-up answered {server.failures[path]}"}  # fmt: skip
    if alone > args.slow_limit:
        # Requested once in the warm-up; again in every round would take the whole run.
        ms = alone * 1000
        return {"rps": 1 / alone, "p50": ms, "p99": ms, "bad": 0, "mode": "once",
                "socket_errors": ""}  # fmt: skip
    per_worker = -(-args.connections // args.workers)
    if alone <= args.duration / (2 * per_worker):
        mode, result = "load", wrk(server.base + (path_file and "" or path), args,
                                   connections=args.connections, threads=args.threads,
                                   path_file=path_file)  # fmt: skip
        time.sleep(max(result["p99"] / 1000, alone * per_worker) + 0.2)
    elif alone <= args.duration:
        workers = args.workers
        mode, result = f"c={workers}", wrk(server.base + (path_file and "" or path), args,
                                           connections=workers, threads=min(workers, 2),
                                           path_file=path_file)  # fmt: skip
        time.sleep(alone * 1.5 + 0.2)
    else:
        mode, result = "seq", sequential(server, path)
    return {**result, "mode": mode}


def measure(servers, pages, args, prepared) -> dict:
    """{(db, page, cache): [result per round]}, interleaved round by round."""
    results: dict = {}
    runs = sum(1 + len(pages) * sum(s.db == db for s in servers) for db in prepared)
    print(
        f"measuring: {args.rounds} rounds x {runs} runs of about {args.duration:g} s "
        f"(~{args.rounds * runs * (args.duration + 0.5) / 60:.0f} min, more for slow pages)",
        flush=True,
    )
    for number in range(1, args.rounds + 1):
        for db in prepared:
            mine = [s for s in servers if s.db == db]
            floor_server = next((s for s in mine if s.cache == "uncached"), mine[0])
            result = run_page(floor_server, "/floor/", floor_server.timings["/floor/"], args)
            results.setdefault((db, "floor", floor_server.cache), []).append(result)
            paths = prepared[db]["paths"]
            for page in pages:
                for server in mine:
                    if page == "tail":
                        alone = server.timings[paths["article"]]
                        result = run_page(server, paths["article"], alone, args,
                                          path_file=prepared[db]["path_file"])  # fmt: skip
                    else:
                        alone = server.timings[paths[page]]
                        result = run_page(server, paths[page], alone, args)
                    results.setdefault((db, page, server.cache), []).append(result)
        print(f"  round {number}/{args.rounds} done; load average {load()}", flush=True)
    return results


def median_of(runs: list[dict]) -> dict:
    return {
        "rps": statistics.median(r["rps"] for r in runs),
        "p50": statistics.median(r["p50"] for r in runs),
        "p99": statistics.median(r["p99"] for r in runs),
        "bad": sum(r["bad"] for r in runs),
        "socket_errors": "; ".join(sorted({r["socket_errors"] for r in runs} - {""})),
        "mode": "/".join(sorted({r["mode"] for r in runs})),
    }


def report(db, pages, caches, results, args, prepared) -> None:
    floor_key = next(key for key in results if key[0] == db and key[1] == "floor")
    floor = median_of(results[floor_key])
    baseline = load_results(WORK / f"results-10000-{db}.json") if args.articles != 10000 else {}
    rows = {"floor": {"uncached": floor}}
    for page in pages:
        rows[page] = {cache: median_of(results[(db, page, cache)]) for cache in caches}
    print(
        f"\n{NAMES[db]}, {prepared['articles']:,} bench articles; gunicorn -k sync "
        f"-w {args.workers}; wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s, "
        f"median of {args.rounds} interleaved rounds; floor% = requests/s / the floor's"
        + ("; p50/10k = p50 / its p50 at 10,000 articles" if baseline else "")
    )
    header = f"{'page':<13}"
    for cache in caches:
        header += f" | {cache + ' req/s':>15} {'p50 ms':>8} {'p99 ms':>8} {'floor%':>7} {'mode':>4}"
        if baseline:
            header += f" {'p50/10k':>7}"
    print(header)
    print("-" * len(header))
    notes = []
    for page, by_cache in rows.items():
        line = f"{page:<13}"
        for cache in caches:
            value = by_cache.get(cache)
            if value is None:
                line += f" | {'':>15} {'':>8} {'':>8} {'':>7} {'':>4}"
                line += f" {'':>7}" if baseline else ""
                continue
            share = 100 * value["rps"] / floor["rps"]
            line += f" | {value['rps']:>15.1f} {value['p50']:>8.2f} {value['p99']:>8.2f}"
            line += f" {share:>6.1f}% {value['mode']:>4}"
            if baseline:
                before = baseline.get(page, {}).get(cache)
                ratio = "-"
                if before and before.get("mode") == value["mode"]:
                    ratio = f"{value['p50'] / before['p50']:.2f}"
                elif before:
                    ratio = "mode≠"  # p50 under load and of single requests do not compare
                line += f" {ratio:>7}"
            if value["bad"] or value["socket_errors"]:
                errors = value["socket_errors"]
                notes.append(
                    f"{page} {cache}: {value['bad']} non-2xx/3xx answers"
                    + (f"; socket errors {errors}" if errors else "")
                )
        print(line)
    print(
        f"  mode: load = wrk -c{args.connections} (p50 includes queueing); c={args.workers} = "
        "one connection per worker (a page too slow for the load run); seq = 3 requests one "
        "after another (slower than the run's duration; req/s = 1/p50); once = slower than "
        f"--slow-limit ({args.slow_limit:g} s): the warm-up's single request"
    )
    for note in notes:
        print("  note: " + note)
    paths = prepared["paths"]
    print("  paths: " + ", ".join(f"{page} {paths[page]}" for page in pages if page in paths))
    out = WORK / f"results-{args.articles}-{db}.json"
    previous = load_results(out) if args.only else {}
    out.write_text(
        json.dumps(
            {
                **previous,
                **rows,
                "_meta": {
                    "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "code": describe_code(),
                    "articles": prepared["articles"],
                    "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration:g}s",
                    "rounds": args.rounds,
                },
            },
            indent=1,
        )
    )
    print(f"  written to {out}")


def load_results(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def describe_code() -> str:
    def git(*argv):
        result = subprocess.run(["git", *argv], capture_output=True, text=True, cwd=ROOT)
        return result.stdout.strip() if result.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD")
    if not head:
        return f"{ROOT} (not a git checkout)"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    changed = f" + {len(dirty.splitlines())} uncommitted files" if dirty else ""
    return f"{ROOT} at {head}{changed}"


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
