"""Public read paths on PostgreSQL with many published articles, DEBUG off.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python benchmarks/workflow_reads.py --articles 10000

Times, in process through django.test.Client (median and p90 over --requests requests
after warm-up), in ms: the photographer page /ru/photographers/<id>-<slug>/ of the
photographer whose photos most articles show and of one with few, a signed rendition URL
(480.webp, already made: the check "does a public page show this photo?" and the
redirect), an article page, the front page /ru/ and its page 250. Then EXPLAIN ANALYZE
of Article.objects.available_in("ru").newest_first()[:20] and of the slowest query of
each page. A page that takes longer than --budget / --requests seconds is timed fewer
times (3 at least); a query over --statement-timeout seconds is cancelled and the page
reported as such, with the query's estimated plan. --no-jit turns PostgreSQL's JIT off
for the session (it compiles any plan costed over jit_above_cost, often for seconds).

The database is created if missing and filled when it holds fewer than --articles
articles: bulk_create of published articles (three languages, Kazakh and English only
for some), 2-6 sections each, ~50 real photos (small JPEGs through the upload code) as
lead, section and gallery photos, bylines and rubrics. The data comes from a fixed seed,
so two databases filled by two versions of the code hold the same articles. Articles are
inserted oldest first, as a newsroom writes them. Where the code stores public state
(Article.released_<language>, Photo.public_from: the workflow since 9262725) it is
written as the workflow would; older code computes it on read and the same script runs
there too. Media and collected static files go to temporary directories named after the
database (--media-root, --static-root to choose another).
"""

import argparse
import logging
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

PHOTOS = 50
STAR_PHOTOS = 20  # the photographer whose photos appear in many articles
PHOTOGRAPHERS = [
    # (name_ru, name_kk, name_en, gender)
    ("Аманкул Дюсенбаев", "Аманқұл Дүйсенбаев", "Amankul Dyusenbayev", "male"),
    ("Мария Ким", "Мария Ким", "Maria Kim", "female"),
    ("Ержан Сатпаев", "Ержан Сәтбаев", "Yerzhan Satpayev", "male"),
    ("Ольга Белова", "Ольга Белова", "Olga Belova", "female"),
    ("Данияр Омаров", "Данияр Омаров", "Daniyar Omarov", "male"),
]
RUBRICS = [
    ("Политика", "politics"), ("Экономика", "economy"), ("Общество", "society"),
    ("Культура", "culture"), ("Спорт", "sport"), ("Регионы", "regions"),
    ("Мир", "world"), ("Технологии", "tech"),
]  # fmt: skip

_TEXT = {
    "ru": (
        "правительство город область заявил министр решение проект жители строительство "
        "программа бюджет вопрос работы году развитие совет компания рынок цены школа "
        "больница дорога вода энергия урожай выставка театр матч сборная турнир закон "
        "депутаты сессия реформа население транспорт аким встреча итоги план сезон"
    ),
    "kk": (
        "үкімет қала облыс мәлімдеді министр шешім жоба тұрғындар құрылыс бағдарлама "
        "бюджет мәселе жұмыс жылы даму кеңес компания нарық баға мектеп аурухана жол су "
        "энергия өнім көрме театр матч құрама турнир заң депутаттар сессия реформа халық "
        "көлік әкім кездесу қорытынды жоспар маусым"
    ),
    "en": (
        "government city region said minister decision project residents construction "
        "programme budget question work year development council company market prices "
        "school hospital road water energy harvest exhibition theatre match team "
        "tournament law deputies session reform population transport akim meeting "
        "results plan season"
    ),
}
WORDS = {code: text.split() for code, text in _TEXT.items()}
TRANSLIT = str.maketrans(
    {
        **dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", [
            "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o",
            "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e",
            "iu", "ia",
        ], strict=True)),
        **dict(zip("әғқңөұүһі", ["a", "g", "q", "n", "o", "u", "u", "h", "i"], strict=True)),
    }
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles to have")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument(
        "--budget", type=float, default=90, help="seconds of timed requests per page at most"
    )
    parser.add_argument(
        "--statement-timeout", type=float, default=60, help="seconds a query may take (0: none)"
    )
    parser.add_argument(
        "--no-jit",
        action="store_true",
        help="SET jit = off: PostgreSQL compiles plans costed over 100000 (jit_above_cost)",
    )
    parser.add_argument(
        "--fill-only", action="store_true", help="fill the database, measure nothing"
    )
    parser.add_argument("--media-root", help="default: a temp directory named after the DB")
    parser.add_argument("--static-root", help="default: a temp directory named after the DB")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL=postgres://postgres@127.0.0.1:5432/<database>")
    db_name = _ensure_database(database_url)
    tmp = Path(tempfile.gettempdir())
    media_root = Path(args.media_root or tmp / f"newsroom-bench-media-{db_name}")
    static_root = Path(args.static_root or tmp / f"newsroom-bench-static-{db_name}")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        SECRET_KEY="benchmark-only-secret-key-not-used-anywhere-else",
        DEBUG="0",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        MEDIA_ROOT=str(media_root),
        STATIC_ROOT=str(static_root),
        LOG_LEVEL="WARNING",
    )
    os.chdir(BASE_DIR)
    sys.path.insert(0, str(BASE_DIR))
    if not (static_root / "staticfiles.json").exists():
        # DEBUG off serves hashed static names from the manifest: templates need it.
        print(f"collectstatic into {static_root} ...", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], check=True
        )

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    from articles.models import Article

    translation.activate("ru")
    _describe_code()
    call_command("migrate", verbosity=0)
    existing = Article.objects.count()
    if existing < args.articles:
        started = time.perf_counter()
        fill(args.articles - existing, start=existing, rng=random.Random(args.seed + existing))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(
            f"filled {args.articles - existing} articles in {time.perf_counter() - started:.1f} s"
        )
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    _describe_data()
    if not args.fill_only:
        measure_all(args)


# --- database and data ----------------------------------------------------------------


def _ensure_database(database_url: str) -> str:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(database_url)
    name = config["NAME"]
    conninfo = psycopg.conninfo.make_conninfo(
        dbname="postgres",
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    return name


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def fill(count: int, *, start: int, rng: random.Random) -> None:
    """``count`` published articles with sections, photos, bylines; one transaction."""
    from django.db import transaction
    from django.utils import timezone

    from articles.models import Article, ArticleAuthor, Author, GalleryPhoto, Rubric, Section
    from media_credits.models import Photo

    stores_released = _has_field(Article, "released_ru")
    stores_public_from = _has_field(Photo, "public_from")
    paragraphs = {code: [_paragraph(code, rng) for _ in range(300)] for code in WORDS}
    now = timezone.now()
    three_years = 3 * 365 * 24 * 3600
    # Oldest first, as a newsroom writes them: rows lie in the table in publication order
    # (the planner's correlation statistic, which decides index scans, depends on it).
    dates = sorted(
        (now - timedelta(seconds=rng.randrange(60, three_years)) for _ in range(count)),
    )

    with transaction.atomic():
        photos = _ensure_photos(rng)
        star = photos[0].photographer_id
        weights = [3 if photo.photographer_id == star else 1 for photo in photos]
        rubrics = _ensure(Rubric, RUBRICS, lambda name, slug: Rubric(name_ru=name, slug=slug))
        authors = _ensure(
            Author,
            [(f"{first} {last}",) for first in ("Асель", "Иван", "Дина", "Марат", "Анна")
             for last in ("Садыкова", "Петров", "Жумабаева", "Ким", "Ахметов", "Смирнова")],
            lambda name: Author(name_ru=name, name_en=name.translate(TRANSLIT).title()),
        )  # fmt: skip

        plans, articles = [], []
        for i in range(start, start + count):
            kk = rng.random()
            en = rng.random()
            plan = {
                # complete (released), partly translated (one section missing), untranslated
                "ru": "complete",
                "kk": "complete" if kk < 0.6 else "partial" if kk < 0.7 else None,
                "en": "complete" if en < 0.3 else "partial" if en < 0.35 else None,
                "sections": rng.randint(2, 6),
            }
            plans.append(plan)
            words = {code: rng.sample(WORDS[code], 5) for code in WORDS}
            fields = {
                "status": Article.Status.PUBLISHED,
                "published_at": dates[i - start],
                "rubric": rng.choice(rubrics),
                "lead_photo": rng.choices(photos, weights)[0] if rng.random() < 0.85 else None,
            }
            for code in WORDS:
                if plan[code] is None:
                    continue
                headline = " ".join(words[code]).capitalize()
                fields[f"headline_{code}"] = f"{headline} ({i})"
                fields[f"standfirst_{code}"] = paragraphs[code][rng.randrange(300)][:240]
                fields[f"slug_{code}"] = f"{' '.join(words[code]).translate(TRANSLIT)}-{i}".replace(
                    " ", "-"
                )
                if stores_released:
                    fields[f"released_{code}"] = plan[code] == "complete"
            if _has_field(Article, "modified_at"):
                fields["modified_at"] = fields["published_at"]
            articles.append(Article(**fields))
        Article.objects.bulk_create(articles, batch_size=1000)

        sections, gallery, bylines = [], [], []
        for article, plan in zip(articles, plans, strict=True):
            for position in range(plan["sections"]):
                fields = {"article": article, "position": position}
                if rng.random() < 0.25:
                    fields["photo"] = rng.choices(photos, weights)[0]
                for code in WORDS:
                    state = plan[code]
                    missing = state is None or (
                        state == "partial" and position == plan["sections"] - 1
                    )
                    body = (
                        ""
                        if missing
                        else "".join(
                            f"<p>{paragraphs[code][rng.randrange(300)]}</p>" for _ in range(3)
                        )
                    )
                    subhead = ""
                    if position and state is not None:
                        subhead = " ".join(rng.sample(WORDS[code], 3)).capitalize()
                    fields[f"body_{code}"] = body
                    fields[f"subhead_{code}"] = subhead
                sections.append(Section(**fields))
            if rng.random() < 0.1:
                chosen = {p.pk: p for p in rng.choices(photos, weights, k=rng.randint(3, 6))}
                gallery += [
                    GalleryPhoto(article=article, photo=photo, position=n)
                    for n, photo in enumerate(chosen.values())
                ]
            for n, author in enumerate(rng.sample(authors, rng.choice((1, 1, 1, 2)))):
                bylines.append(ArticleAuthor(article=article, author=author, position=n))
        Section.objects.bulk_create(sections, batch_size=2000)
        GalleryPhoto.objects.bulk_create(gallery, batch_size=2000)
        ArticleAuthor.objects.bulk_create(bylines, batch_size=2000)

        if stores_public_from:
            # What the workflow keeps: earliest published_at of a released published
            # article showing the photo.
            from articles import photo_state

            photo_state.sync([photo.pk for photo in photos])
    print(
        f"  {len(articles)} articles, {len(sections)} sections, {len(gallery)} gallery "
        f"entries, {len(bylines)} bylines"
        + ("; released_* and Photo.public_from stored" if stores_released else "")
    )


def _ensure(model, rows, make):
    have = list(model.objects.order_by("pk"))
    if len(have) >= len(rows):
        return have
    model.objects.bulk_create([make(*row) for row in rows[len(have) :]])
    return list(model.objects.order_by("pk"))


def _ensure_photos(rng: random.Random):
    """~50 real photos through the upload code; the first photographer has the most."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from media_credits.models import Photo, Photographer
    from media_credits.upload import SharedFields, save_upload

    photos = list(Photo.objects.order_by("pk"))
    if len(photos) >= PHOTOS:
        return photos
    photographers = list(Photographer.objects.order_by("pk"))
    for name_ru, name_kk, name_en, gender in PHOTOGRAPHERS[len(photographers) :]:
        photographers.append(
            Photographer.objects.create(
                name_ru=name_ru, name_kk=name_kk, name_en=name_en, gender=gender
            )
        )
    started = time.perf_counter()
    for n in range(len(photos), PHOTOS):
        if n < STAR_PHOTOS:
            by, credit = photographers[0], ""
        elif n < PHOTOS - 6:
            by, credit = photographers[1 + n % (len(photographers) - 1)], ""
        else:
            by, credit = None, "Reuters"
        size = (1600, 1067) if n % 3 else (1067, 1600)
        light = Image.radial_gradient("L").resize(size, Image.Resampling.BICUBIC)
        noise = Image.effect_noise(size, 20 + n)
        tint = Image.new("L", size, rng.randrange(40, 220))
        image = Image.merge("RGB", (light, Image.blend(tint, noise, 0.4), tint))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        photo = save_upload(
            SimpleUploadedFile(f"event-{n}.jpg", buffer.getvalue(), "image/jpeg"),
            shared=SharedFields(
                language="ru",
                caption=f"Снимок {n}: " + " ".join(rng.sample(WORDS["ru"], 6)),
                photographer=by,
                credit=credit,
            ),
            user=None,
        )
        Photo.objects.filter(pk=photo.pk).update(
            alt_text_ru=" ".join(rng.sample(WORDS["ru"], 5)).capitalize(),
            alt_text_kk=" ".join(rng.sample(WORDS["kk"], 5)).capitalize(),
            alt_text_en=" ".join(rng.sample(WORDS["en"], 5)).capitalize(),
            caption_kk=" ".join(rng.sample(WORDS["kk"], 6)).capitalize(),
            caption_en=" ".join(rng.sample(WORDS["en"], 6)).capitalize(),
            **({"credit_kk": credit, "credit_en": credit} if credit else {}),
        )
    print(f"  {PHOTOS - len(photos)} photos uploaded in {time.perf_counter() - started:.1f} s")
    return list(Photo.objects.order_by("pk"))


def _paragraph(code: str, rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(3, 6)):
        sentences.append(" ".join(rng.choices(WORDS[code], k=rng.randint(8, 16))).capitalize())
    return ". ".join(sentences) + "."


# --- measuring ------------------------------------------------------------------------


def _describe_code() -> None:
    def git(*argv):
        result = subprocess.run(["git", *argv], capture_output=True, text=True, cwd=BASE_DIR)
        return result.stdout.strip()

    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!benchmarks")
    print(
        f"code: {BASE_DIR} at {git('rev-parse', '--short', 'HEAD') or '?'}"
        + (f" (+ {len(dirty.splitlines())} modified files)" if dirty else "")
    )


def _describe_data() -> None:
    from django.db import connection

    from articles.models import Article, GalleryPhoto, Section
    from media_credits.models import Photo, Rendition

    line = (
        f"data: {Article.objects.count()} articles, {Section.objects.count()} sections, "
        f"{GalleryPhoto.objects.count()} gallery entries, {Photo.objects.count()} photos, "
        f"{Rendition.objects.count()} renditions"
    )
    if _has_field(Article, "released_ru"):
        counts = [Article.objects.filter(**{f"released_{c}": True}).count() for c in WORDS]
        line += "; released ru/kk/en: " + "/".join(map(str, counts))
    print(line)
    print(f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}")


def _photographers():
    """The photographer with the most photos (shown in most articles) and one with few."""
    from django.db.models import Count

    from media_credits.models import Photographer

    ranked = list(
        Photographer.objects.annotate(n=Count("photos")).filter(n__gt=0).order_by("-n", "pk")
    )
    return ranked[0], ranked[-1]


def measure_all(args) -> None:
    from django.db import DatabaseError, connection
    from django.db.backends.signals import connection_created
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article
    from media_credits import renditions

    def limit_statements(sender, connection, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(args.statement_timeout * 1000)}")
            if args.no_jit:
                cursor.execute("SET jit = off")

    connection_created.connect(limit_statements)
    # A cancelled query is reported in the table, not as a logged server error.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    connection.close()
    client = Client()
    star, minor = _photographers()
    star_photos = list(star.photos.order_by("pk")[:10])
    # Rich articles, the same ones in every database filled from the seed: lead photo,
    # gallery, Russian public (ids chosen without the public-state queries under test).
    rich = list(
        Article.objects.filter(gallery__isnull=False, lead_photo__isnull=False)
        .order_by("pk")
        .distinct()
        .values_list("pk", "slug_ru")[:10]
    )
    cases = [
        (
            f"photographer page ({star.photos.count()} photos)",
            [f"/ru/photographers/{star.pk}-{star.slug}/"],
            200,
        ),
        (
            f"photographer page ({minor.photos.count()} photos)",
            [f"/ru/photographers/{minor.pk}-{minor.slug}/"],
            200,
        ),
        (
            "rendition URL (GET 480.webp, made)",
            [renditions.rendition_url(p, width=480, image_format="webp") for p in star_photos],
            302,
        ),
        ("article page", [f"/ru/articles/{pk}-{slug}/" for pk, slug in rich], 200),
        ("front page /ru/", ["/ru/"], 200),
        ("front page /ru/?page=250", ["/ru/?page=250"], 200),
    ]
    print(
        f"\nms per request, django.test.Client in process, DEBUG off; {args.requests} timed "
        f"requests after warm-up (fewer when one takes over {args.budget:g} s / "
        f"{args.requests}); statement_timeout {args.statement_timeout:g} s; "
        f"jit {'off' if args.no_jit else 'server default'}; "
        f"load average before: {_load()}"
    )
    print(f"{'':38} {'median':>9} {'p90':>9} {'min':>9} {'n':>3} {'queries':>7} {'slowest q':>9}")
    slowest = {}
    for label, urls, status in cases:
        # Every URL once (the first rendition request makes the file), then warm-up.
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            try:
                response = client.get(urls[0])
            except DatabaseError as exc:
                elapsed = time.perf_counter() - started
                failed = captured.captured_queries[-1] if captured.captured_queries else None
                slowest[label] = (failed, f"cancelled: {str(exc).strip().splitlines()[0]}")
                print(
                    f"{label:38} {'cancelled after ' + format(elapsed, '.1f') + ' s':>29}"
                    f"  (query {len(captured.captured_queries)} took over "
                    f"{args.statement_timeout:g} s)"
                )
                continue
            except Exception as exc:  # a broken page is a result too; the others still run
                print(f"{label:38} failed: {type(exc).__name__}: {str(exc)[:120]}")
                continue
            first = time.perf_counter() - started
        if response.status_code != status:
            print(f"{label:38} failed: answered {response.status_code}, expected {status}")
            continue
        count = args.requests
        if first * args.requests > args.budget:
            count = max(3, int(args.budget / first))
        for n in range(1, len(urls) + (args.warmup if first < 1 else 0)):
            url = urls[n % len(urls)]
            response = client.get(url)
            if response.status_code != status:
                sys.exit(f"{label}: {url} answered {response.status_code}, expected {status}")
        times = []
        for n in range(count):
            url = urls[n % len(urls)]
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as captured:
            client.get(urls[0])
        queries = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
        slowest[label] = (queries[0], "") if queries else (None, "")
        print(
            f"{label:38} {statistics.median(times):9.2f} {_p90(times):9.2f} {min(times):9.2f} "
            f"{count:3d} {len(queries):7d} "
            f"{float(queries[0]['time']) * 1000 if queries else 0:9.0f}"
        )

    started = time.perf_counter()
    for _ in range(1000):
        renditions.rendition_url(star_photos[0], width=480, image_format="webp")
    # 1000 calls: the total in seconds is the time of one call in ms.
    print(f"{'rendition_url() itself (signing)':38} {time.perf_counter() - started:9.3f} a call")
    print(f"load average after: {_load()}")

    print("\nEXPLAIN ANALYZE Article.objects.available_in('ru').newest_first()[:20]:")
    plan = (
        Article.objects.available_in("ru").newest_first()[:20].explain(analyze=True, buffers=True)
    )
    print(_indent(plan))
    for label, (query, note) in slowest.items():
        if query is None:
            continue
        print(
            f"\nslowest query of {label} "
            + (f"({note}):" if note else f"({float(query['time']) * 1000:.0f} ms captured):")
        )
        print(_indent(_shorten(query["sql"])))
        print(_indent(_explain(query["sql"], analyze=not note)))


def _explain(sql: str, *, analyze: bool) -> str:
    """The plan with actual times; only estimates when the query is too slow to run."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute(("EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN ") + sql)
            return "\n".join(row[0] for row in cursor.fetchall())
    except DatabaseError as exc:
        if not analyze:
            raise
        note = f"EXPLAIN ANALYZE cancelled ({str(exc).strip().splitlines()[0]}); estimates:\n"
        return note + _explain(sql, analyze=False)


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "?"


def _p90(values) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def _shorten(sql: str, limit: int = 1500) -> str:
    return sql if len(sql) <= limit else sql[:limit] + f" … ({len(sql)} characters)"


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


if __name__ == "__main__":
    main()
