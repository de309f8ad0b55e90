"""Soak test: many concurrent readers (and a password guesser) against gunicorn for a while.

    .venv/bin/python benchmarks/soak.py                       # 32 clients, 60 s, PostgreSQL
    .venv/bin/python benchmarks/soak.py --duration 20 --clients 16 --database sqlite

The site is prepared and served as benchmarks/http.py does it (its helpers, imported):
a database of --articles bench articles (PostgreSQL ``newsroom_bench_<N>`` or SQLite under
/tmp/newsroom-bench, created, migrated and populated if needed), production settings with
DEBUG off, gunicorn ``-k sync -w --workers`` on a free loopback port, page cache off unless
``--cache cached``.

Then --clients threads, each on its own new connection per request (gunicorn's sync workers
close it anyway), for --duration seconds, pick a request from the mix:

  front   /<lang>/ in ru, kk, en and kk-latn
  article a random bench article in a random language (the path file http.py writes)
  rubric  a rubric page, sometimes page 2
  search  /<lang>/search/?q=<a word from a random headline>
  feed    the latest or a rubric feed
  login   GET /admin/login/ (the CSRF cookie and token), then POST a wrong password for a
          demo account: django-axes locks the account/address after a few and answers 429

An error is a connection error, a timeout (--timeout) or a 5xx answer; any error makes the
exit status 1. Every other status is counted per kind (429 from the lockout and the rate
limits is expected). Printed: errors, status counts per kind, requests/s, p50/p99 latency
per kind and overall, and the resident memory (VmRSS) of each gunicorn worker every ~10 s
and after the warm-up (--warm-up seconds of the same load, not counted) against the end,
with the growth (flagged above 10 %). The pages' bounded memos (typography, pictures) fill
during the warm-up over a long tail of articles and then level; a leak climbs to the end.

The machine may be shared: the load average is printed before and after.
"""

import sys
from pathlib import Path

# Run as a script, this file's directory comes first on sys.path, where benchmarks/http.py
# would shadow the standard library's ``http`` package (urllib needs http.client).
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import collections  # noqa: E402
import http.client  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_http", _HERE / "http.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

KINDS = {"front": 15, "article": 35, "rubric": 15, "search": 15, "feed": 10, "login": 10}
FRONT_LANGUAGES = ["ru", "kk", "en", "kk-latn"]
#: Growth of a worker's resident memory, after the warm-up to the end, worth a flag.
RSS_GROWTH_FLAG = 0.10

# Run in ``manage.py shell`` against the benchmark database: what the mix picks from.
MIX_CODE = """
import json, random
from articles.demo import DEMO_USERS
from articles.models import Article, Rubric
rng = random.Random(20261127)
words = set()
headlines = Article.objects.published().values_list("headline_ru", "headline_kk", "headline_en")
for row in headlines[:3000]:
    for text in row:
        words.update(w.strip(".,:;«»\\"'()!?") for w in (text or "").split() if len(w) > 4)
print("MIX=" + json.dumps({
    "rubrics": list(Rubric.objects.values_list("slug", flat=True)),
    "words": sorted(rng.sample(sorted(w for w in words if w), min(300, len(words)))),
    "users": [user.username for user in DEMO_USERS],
}))
"""

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (threads)")
    parser.add_argument(
        "--warm-up",
        type=float,
        default=60,
        help="seconds of the same load before 'before' (bounded caches fill: pages' typography, "
        "pictures; a long tail of articles fills them in about a minute)",
    )
    parser.add_argument("--timeout", type=float, default=30, help="seconds before a request "
                        "counts as timed out")  # fmt: skip
    parser.add_argument("--articles", type=int, default=1000, help="bench articles (N)")
    parser.add_argument("--database", choices=["pg", "sqlite"], default="pg")
    parser.add_argument("--cache", choices=["uncached", "cached"], default="uncached")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (-w)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379",
                        help="Redis for the cache ('' for the local-memory cache)")  # fmt: skip
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--skip-populate", action="store_true")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the mix")
    args = parser.parse_args()
    if args.duration <= 0 or args.clients < 1 or args.articles < 1:
        parser.error("--duration, --clients and --articles must be positive")
    # What benchmarks/http.py's helpers read from their own arguments.
    args.search = "сотрудничество"
    args.prepare_only = False
    return args


# --- the mix -----------------------------------------------------------------------------


class Mix:
    def __init__(self, prepared: dict, extra: dict, seed: int):
        self.articles = prepared["path_file"].read_text().split()
        self.rubrics = extra["rubrics"]
        self.words = extra["words"] or ["Казахстан"]
        self.users = extra["users"]
        self.seed = seed
        self.kinds = list(KINDS)
        self.weights = list(KINDS.values())

    def path(self, kind: str, rng: random.Random) -> str:
        language = rng.choice(FRONT_LANGUAGES)
        if kind == "front":
            return f"/{language}/"
        if kind == "article":
            return rng.choice(self.articles)
        if kind == "rubric":
            page = "?page=2" if rng.random() < 0.2 else ""
            return f"/{language}/{rng.choice(self.rubrics)}/{page}"
        if kind == "search":
            query = urllib.parse.urlencode({"q": rng.choice(self.words)})
            return f"/{language}/search/?{query}"
        if kind == "feed":
            name = rng.choice(["latest", *self.rubrics])
            return f"/{language}/feeds/{name}.xml"
        raise ValueError(kind)


class Results:
    """Counts and latencies from every client thread (one lock; a few thousand requests/s
    at most on this machine)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.latencies: dict[str, list[float]] = collections.defaultdict(list)
        self.errors: collections.Counter = collections.Counter()
        self.error_samples: list[str] = []

    def record(self, kind: str, status, seconds: float, note: str = "") -> None:
        with self.lock:
            self.statuses[kind][status] += 1
            self.latencies[kind].append(seconds)
            is_error = not isinstance(status, int) or status >= 500
            if is_error:
                self.errors[kind] += 1
                if len(self.error_samples) < 20:
                    self.error_samples.append(f"{kind}: {status} {note}")


def request(port: int, method: str, path: str, *, timeout: float, headers=None, body=None):
    """(status, headers, body) over a new connection; raises OSError/HTTPException."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def timed(results: Results, kind: str, port: int, method: str, path: str, *, timeout, **kw):
    started = time.perf_counter()
    try:
        status, headers, body = request(port, method, path, timeout=timeout, **kw)
    except TimeoutError:
        results.record(kind, "timeout", time.perf_counter() - started, path)
        return None
    except (OSError, http.client.HTTPException) as error:
        results.record(kind, "connection error", time.perf_counter() - started,
                       f"{path} {error!r}")  # fmt: skip
        return None
    results.record(kind, status, time.perf_counter() - started, path)
    return status, headers, body


def failing_login(results: Results, port: int, mix: Mix, rng: random.Random, timeout: float):
    """The login form (CSRF cookie and token), then a wrong password for a demo account."""
    answer = timed(results, "login form", port, "GET", "/admin/login/", timeout=timeout)
    if answer is None or answer[0] != 200:
        return
    _status, headers, body = answer
    cookies = [value.split(";", 1)[0] for name, value in headers if name.lower() == "set-cookie"]
    token = _CSRF_INPUT.search(body.decode("utf-8", "replace"))
    if not token:
        results.record("login form", "no CSRF token", 0.0)
        return
    form = urllib.parse.urlencode({
        "csrfmiddlewaretoken": token[1],
        "username": rng.choice(mix.users),
        "password": f"wrong-{rng.random()}",
        "next": "/admin/",
    })  # fmt: skip
    timed(results, "login", port, "POST", "/admin/login/", timeout=timeout, body=form,
          headers={"Content-Type": "application/x-www-form-urlencoded",
                   "Cookie": "; ".join(cookies)})  # fmt: skip


def client(number: int, args, port: int, mix: Mix, results: Results, deadline: float):
    rng = random.Random(args.seed * 1000 + number)
    while time.monotonic() < deadline:
        kind = rng.choices(mix.kinds, mix.weights)[0]
        if kind == "login":
            failing_login(results, port, mix, rng, args.timeout)
        else:
            timed(results, kind, port, "GET", mix.path(kind, rng), timeout=args.timeout)


# --- gunicorn's workers ------------------------------------------------------------------


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        return sorted(int(pid) for pid in children.read_text().split())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            found.append(int(stat.parent.name))
    return sorted(found)


def rss_kib(pid: int) -> int | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
    return int(found[1]) if found else None


def memory(master: int) -> dict[int, int]:
    return {pid: rss_kib(pid) or 0 for pid in worker_pids(master)}


MEMORY_SAMPLE_SECONDS = 10


def print_memory_samples(samples: list[tuple[float, dict[int, int]]]) -> None:
    """The workers' memory through the run: a leak climbs to the end, a filling cache levels."""
    print("worker memory (VmRSS, MiB) every ~10 s:")
    for pid in sorted(samples[0][1]):
        series = " ".join(
            f"{sample.get(pid, 0) / 1024:.0f}" for _at, sample in samples if sample.get(pid)
        )
        print(f"  worker {pid}: {series}")


# --- main --------------------------------------------------------------------------------


def warm_up(port: int, mix: Mix, args) -> None:
    """Every kind a few times, so imports, caches and connections exist before 'before'."""
    results = Results()
    rng = random.Random(args.seed)
    for _round in range(3):
        for kind in KINDS:
            for _worker in range(args.workers):
                if kind == "login":
                    failing_login(results, port, mix, rng, args.timeout)
                else:
                    timed(results, kind, port, "GET", mix.path(kind, rng), timeout=args.timeout)
    if results.errors:
        sys.exit(f"warm-up failed: {results.error_samples}")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(results: Results, elapsed: float, before: dict, after: dict, args) -> bool:
    total = sum(sum(c.values()) for c in results.statuses.values())
    errors = sum(results.errors.values())
    print(f"\nerrors: {errors} (connection errors, timeouts over {args.timeout:g} s, 5xx)")
    for sample in results.error_samples:
        print(f"  {sample}")
    print(f"requests: {total} in {elapsed:.1f} s = {total / elapsed:.1f} requests/s "
          f"({args.clients} clients, gunicorn -k sync -w {args.workers}, "
          f"{args.cache})")  # fmt: skip
    every = [value for values in results.latencies.values() for value in values]
    print(f"latency: p50 {percentile(every, 0.5) * 1000:.0f} ms, "
          f"p99 {percentile(every, 0.99) * 1000:.0f} ms")  # fmt: skip
    print(f"{'kind':<11} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8}  statuses")
    for kind in sorted(results.statuses):
        counts = results.statuses[kind]
        latencies = results.latencies[kind]
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items(), key=str))
        print(f"{kind:<11} {sum(counts.values()):>8} {percentile(latencies, 0.5) * 1000:>8.0f} "
              f"{percentile(latencies, 0.99) * 1000:>8.0f}  {statuses}")  # fmt: skip
    print("worker memory (VmRSS) after the warm-up -> at the end:")
    flagged = False
    for pid in sorted(before.keys() | after.keys()):
        first, last = before.get(pid), after.get(pid)
        if not first or not last:
            print(f"  worker {pid}: {first or '-'} -> {last or '-'} KiB (started or ended "
                  "during the run)")  # fmt: skip
            flagged = True
            continue
        growth = (last - first) / first
        flag = "  <-- grew more than 10 %" if growth > RSS_GROWTH_FLAG else ""
        flagged |= bool(flag)
        print(f"  worker {pid}: {first / 1024:.1f} -> {last / 1024:.1f} MiB "
              f"({growth:+.1%}){flag}")  # fmt: skip
    print(json.dumps({
        "errors": errors, "requests": total, "rps": round(total / elapsed, 1),
        "statuses": {kind: dict(counts) for kind, counts in results.statuses.items()},
        "rss_kib_before": before, "rss_kib_after": after,
    }, default=str))  # fmt: skip
    return errors == 0 and not flagged


def main() -> None:
    args = parse_args()
    bench.WORK.mkdir(parents=True, exist_ok=True)
    print(f"code: {bench.describe_code()}; load average before: {bench.load()}", flush=True)
    prepared = bench.prepare(args.database, args)
    output = bench.manage(args.database, args, "shell", "-c", MIX_CODE, capture=True)
    mix = Mix(prepared, json.loads(output.split("MIX=", 1)[1]), args.seed)
    server = bench.Server(args.database, args.cache, args, prepared)
    try:
        server.wait_until_up()
        warm_up(server.port, mix, args)
        if args.warm_up > 0:
            warming = Results()
            deadline = time.monotonic() + args.warm_up
            workers = [
                threading.Thread(target=client, args=(n, args, server.port, mix, warming, deadline))
                for n in range(args.clients)
            ]
            for thread in workers:
                thread.start()
            for thread in workers:
                thread.join()
            if warming.errors:
                sys.exit(f"warm-up load failed: {warming.error_samples}")
        before = memory(server.process.pid)
        results = Results()
        started = time.monotonic()
        deadline = started + args.duration
        threads = [
            threading.Thread(target=client, args=(n, args, server.port, mix, results, deadline))
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        samples = [(0.0, before)]
        while any(thread.is_alive() for thread in threads):
            time.sleep(min(MEMORY_SAMPLE_SECONDS, max(0.1, deadline - time.monotonic())))
            samples.append((time.monotonic() - started, memory(server.process.pid)))
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        after = memory(server.process.pid)
        print_memory_samples(samples)
    finally:
        server.stop()
    passed = report(results, elapsed, before, after, args)
    print(f"gunicorn log: {server.log}; load average after: {bench.load()}")
    if not passed:
        sys.exit(1)


if __name__ == "__main__":
    main()
