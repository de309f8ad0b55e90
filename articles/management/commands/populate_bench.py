"""``manage.py populate_bench --articles N``: a large published archive for benchmarks.

N published articles, each complete and released in Russian, Kazakh and English, with
2–20 sections (the opening one without a subhead), a rubric, 1–3 authors, lead, section
and sometimes gallery photos (rows of their own that share a few generated JPEG files),
published over the last SPAN_DAYS days; plus the demo content (``manage.py demo``).

Rows are written with bulk_create in batches, one transaction per batch, oldest article
first (so the table lies in publication order, as a newsroom writes it). Everything the
workflow and the write paths would have stored is stored the same way: ``status``,
``published_at``, ``modified_at``, ``released_<lang>``, ``version`` (created, then
published: 2), slugs as Article.fill_slugs() makes them, one "publish" Transition row,
``Photo.public_from`` (the earliest publication of an article showing it, as
articles.photo_state.sync() computes it), and the search documents through
articles.search.refresh(). Bodies are sanitised by their field on the way in.

Bench articles carry ``source_name = "bench:<index>"``: a second run with the same N
adds nothing, a larger N adds the missing indexes.
"""

import datetime as dt
import io
import random
import re
import time
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from articles import importer, search, workflow
from articles.demo import SEED_FILE, ensure_photographers, ensure_rubrics, load_demo
from articles.models import (
    LANGUAGE_CODES,
    Article,
    ArticleAuthor,
    Author,
    GalleryPhoto,
    Rubric,
    Section,
    Transition,
)
from media_credits.images import clean_image
from media_credits.models import Photo, Photographer
from newsroom.slugs import latin_slug

SOURCE_PREFIX = "bench:"
SPAN_DAYS = 5 * 365
BATCH_SIZE = 500
IMAGE_FILES = [(1600, 1067)] * 4 + [(1067, 1600)] * 2
IMAGE_NAME = "photos/bench/bench-{}.jpg"

EXTRA_RUBRICS = [
    ("regions", {"ru": "Регионы", "kk": "Өңірлер", "en": "Regions"}),
    ("world", {"ru": "В мире", "kk": "Әлемде", "en": "World"}),
    ("technology", {"ru": "Технологии", "kk": "Технологиялар", "en": "Technology"}),
]
#: Share of the articles per rubric slug (the rest of the weight is spread evenly).
RUBRIC_WEIGHTS = {"politics": 4, "economy": 4, "society": 4, "regions": 3, "world": 2}

# (name ru, credit name ru (genitive), name kk, name en, gender)
PHOTOGRAPHERS = [
    ("Айгерим Сейткали", "Айгерим Сейткали", "Айгерім Сейітқали", "Aigerim Seitkali", "female"),
    ("Игорь Бургандинов", "Игоря Бургандинова", "Игорь Бургандинов", "Igor Burgandinov", "male"),
    ("Зарина Нокрабекова", "Зарины Нокрабековой", "Зарина Нокрабекова", "Zarina Nokrabekova",
     "female"),
    ("Марат Есенов", "Марата Есенова", "Марат Есенов", "Marat Yessenov", "male"),
    ("Ольга Ким", "Ольги Ким", "Ольга Ким", "Olga Kim", "female"),
    ("Данияр Омаров", "Данияра Омарова", "Данияр Омаров", "Daniyar Omarov", "male"),
    ("Асель Жумабаева", "Асели Жумабаевой", "Әсел Жұмабаева", "Assel Zhumabayeva", "female"),
    ("Тимур Ахметов", "Тимура Ахметова", "Тимур Ахметов", "Timur Akhmetov", "male"),
]  # fmt: skip
# Agency or handout credits, as they read after the label, per language.
AGENCIES = [
    {"ru": "Reuters", "kk": "Reuters", "en": "Reuters"},
    {"ru": "пресс-службы Акорды", "kk": "Ақорда баспасөз қызметі", "en": "Akorda press service"},
    {"ru": "Kazinform", "kk": "Kazinform", "en": "Kazinform"},
]
AUTHOR_FIRST = ["Асель", "Иван", "Дина", "Марат", "Анна", "Ерлан", "Гульнара", "Сергей"]
AUTHOR_LAST = ["Садыкова", "Петров", "Жумабаева", "Ким", "Ахметов", "Смирнова", "Нуркенов"]

_WORD_TEXT = {
    "kk": (
        "үкімет қала облыс мәлімдеді министр шешім жоба тұрғындар құрылыс бағдарлама бюджет "
        "мәселе жұмыс биыл даму кеңес компания нарық баға мектеп аурухана жол су энергия "
        "өнім көрме театр матч құрама турнир заң депутаттар сессия реформа халық көлік әкім "
        "кездесу қорытынды жоспар маусым елорда ынтымақтастық инвестиция экспорт астық "
        "мұнай газ цифрлық технология білім ғылым мәдениет спорт жастар ауыл шаруашылығы "
        "денсаулық сақтау туризм қауіпсіздік сауда серіктестік келісім президент парламент"
    ),
    "en": (
        "government city region said minister decision project residents construction "
        "programme budget question work year development council company market prices "
        "school hospital road water energy harvest exhibition theatre match team tournament "
        "law deputies session reform population transport mayor meeting results plan season "
        "capital cooperation investment export grain oil gas digital technology education "
        "science culture sport youth village agriculture health tourism security trade "
        "partnership agreement president parliament railway airport bridge festival"
    ),
}
WORDS = {code: text.split() for code, text in _WORD_TEXT.items()}
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_RU_WORD = re.compile(r"[а-яё]{4,}")


class Corpus:
    """Text to draw from: Russian sentences of the seed article, word lists for kk and en."""

    def __init__(self):
        parsed = importer.parse_file(SEED_FILE)
        self.ru_sentences = [
            sentence
            for section in parsed.sections
            for paragraph in section.paragraphs
            for sentence in _SENTENCE_END.split(paragraph.lstrip("–— "))
            if len(sentence) > 20
        ]
        text = " ".join(self.ru_sentences).lower()
        self.words = {"ru": sorted(set(_RU_WORD.findall(text))), **WORDS}

    def phrase(self, rng: random.Random, language: str, low: int, high: int) -> str:
        words = rng.sample(self.words[language], rng.randint(low, high))
        return " ".join(words).capitalize()

    def sentence(self, rng: random.Random, language: str) -> str:
        if language == "ru":
            return rng.choice(self.ru_sentences)
        return self.phrase(rng, language, 8, 16) + "."

    def paragraph(self, rng: random.Random, language: str) -> str:
        text = " ".join(self.sentence(rng, language) for _ in range(rng.randint(2, 4)))
        return ("– " + text) if rng.random() < 0.2 else text

    def body(self, rng: random.Random, language: str) -> str:
        paragraphs = [self.paragraph(rng, language) for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.1:
            link = f' <a href="https://example.kz/{rng.randrange(10**6)}">{paragraphs[-1][:1]}</a>'
            paragraphs[-1] += link
        return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


class Command(BaseCommand):
    help = (
        "Fill the database with N published articles in three languages, with sections, "
        "authors, rubrics and photos, plus the demo content; safe to repeat (benchmarks)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="bench articles to have")
        parser.add_argument("--seed", type=int, default=20261127, help="random seed")
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help="articles per transaction"
        )

    def handle(self, *args, **options):
        count = options["articles"]
        if count < 0 or options["batch_size"] < 1:
            raise CommandError("--articles must be 0 or more and --batch-size at least 1.")
        started = time.perf_counter()
        load_demo()
        created = populate(
            count,
            seed=options["seed"],
            batch_size=options["batch_size"],
            progress=lambda line: self.stdout.write(line),
        )
        total = Article.objects.filter(source_name__startswith=SOURCE_PREFIX).count()
        self.stdout.write(
            f"Bench articles: {created} created, {total} in the database "
            f"({time.perf_counter() - started:.1f} s)."
        )


def populate(count: int, *, seed: int, batch_size: int = BATCH_SIZE, progress=print) -> int:
    """Create the bench articles with indexes 0..count-1 that are missing; return how many."""
    existing = {
        int(name.removeprefix(SOURCE_PREFIX))
        for name in Article.objects.filter(source_name__startswith=SOURCE_PREFIX).values_list(
            "source_name", flat=True
        )
    }
    missing = [index for index in range(count) if index not in existing]
    if not missing:
        return 0
    started = time.perf_counter()
    corpus = Corpus()
    context = _Context(
        corpus=corpus,
        rubrics=_rubrics(),
        photographers=_photographers(),
        authors=_authors(),
        images=_images(),
        user=workflow.system_user(),
        slugs={
            code: set(
                Article.objects.exclude(**{f"slug_{code}__isnull": True}).values_list(
                    f"slug_{code}", flat=True
                )
            )
            for code in LANGUAGE_CODES
        },
        newest=timezone.now() - dt.timedelta(minutes=10),
        count=count,
        seed=seed,
    )
    done = 0
    for start in range(0, len(missing), batch_size):
        with transaction.atomic():
            _create_batch(context, missing[start : start + batch_size])
        done += len(missing[start : start + batch_size])
        if done == len(missing) or (start // batch_size) % 10 == 9:
            progress(f"  {done}/{len(missing)} articles, {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql" and connection.get_autocommit():
        # Planner statistics and the visibility map (index-only scans) of the new rows,
        # as autovacuum would leave them some time later.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # inside a transaction (tests): VACUUM cannot run
    return len(missing)


class _Context:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


def _rubrics() -> list[tuple[Rubric, int]]:
    rubrics = ensure_rubrics()
    for position, (slug, names) in enumerate(EXTRA_RUBRICS, start=len(rubrics) + 1):
        rubrics[slug], _created = Rubric.objects.get_or_create(
            slug=slug,
            defaults={"position": position, **{f"name_{c}": n for c, n in names.items()}},
        )
    return [(rubric, RUBRIC_WEIGHTS.get(slug, 1)) for slug, rubric in rubrics.items()]


def _photographers() -> list[Photographer]:
    photographers = ensure_photographers()  # the demo's two
    for name_ru, credit_ru, name_kk, name_en, gender in PHOTOGRAPHERS:
        photographer, _created = Photographer.objects.get_or_create(
            name_ru=name_ru,
            defaults={
                "credit_name_ru": credit_ru,
                "name_kk": name_kk,
                "credit_name_kk": name_kk,
                "name_en": name_en,
                "credit_name_en": name_en,
                "gender": gender,
            },
        )
        photographers.append(photographer)
    return photographers


def _authors() -> list[Author]:
    authors = []
    for first in AUTHOR_FIRST:
        for last in AUTHOR_LAST:
            name = f"{first} {last}"
            latin = latin_slug(name).replace("-", " ").title()
            author, _created = Author.objects.get_or_create(
                name_ru=name, user=None, defaults={"name_kk": name, "name_en": latin}
            )
            authors.append(author)
    return authors


def _images() -> list:
    """A few real JPEGs in the media storage, made once and checked like an upload."""
    from PIL import Image, ImageDraw

    images = []
    for number, size in enumerate(IMAGE_FILES, start=1):
        name = IMAGE_NAME.format(number)
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as stored:
                images.append((name, clean_image(stored.read())))
            continue
        light = Image.radial_gradient("L").resize(size, Image.Resampling.BICUBIC)
        noise = Image.effect_noise(size, 24 + 4 * number)
        tint = Image.new("L", size, 40 + 30 * number)
        image = Image.merge("RGB", (light, Image.blend(tint, noise, 0.4), tint))
        draw = ImageDraw.Draw(image)
        draw.ellipse([size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4], width=9)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        cleaned = clean_image(buffer.getvalue())
        saved = default_storage.save(name, ContentFile(cleaned.content))
        images.append((saved, cleaned))
    return images


def _create_batch(context: _Context, indexes: list[int]) -> None:
    corpus, user = context.corpus, context.user
    span = dt.timedelta(days=SPAN_DAYS)
    oldest = context.newest - span
    rubrics = [rubric for rubric, _weight in context.rubrics]
    rubric_weights = [weight for _rubric, weight in context.rubrics]

    photos: list[Photo] = []

    def new_photo(rng: random.Random, published_at) -> Photo:
        name, image = rng.choice(context.images)
        agency = rng.choice(AGENCIES) if rng.random() < 0.12 else None
        photographer = None
        if agency is None or rng.random() < 0.25:  # "Name (Reuters)": both
            photographer = rng.choice(context.photographers)
        photo = Photo(
            image=name,
            photographer=photographer,
            taken_on=timezone.localdate(published_at),
            usage_terms=Photo.UsageTerms.AGENCY if agency else Photo.UsageTerms.STAFF,
            uploaded_by=photographer.user if photographer else None,
            updated_by=photographer.user if photographer else None,
            width=image.width,
            height=image.height,
            image_format=image.image_format,
            metadata=image.metadata,
            # The earliest publication of an article that shows it: the article that
            # first uses it (articles of a batch come oldest first; reuse is later).
            public_from=published_at,
            uploaded_at=published_at - dt.timedelta(hours=3),
            updated_at=published_at - dt.timedelta(hours=2),
        )
        for code in LANGUAGE_CODES:
            setattr(photo, f"caption_{code}", corpus.phrase(rng, code, 5, 10))
            setattr(photo, f"alt_text_{code}", corpus.phrase(rng, code, 3, 6))
            setattr(photo, f"credit_{code}", agency[code] if agency else "")
        photos.append(photo)
        return photo

    plans = []
    for index in indexes:
        rng = random.Random(f"{context.seed}:{index}")
        published_at = oldest + span * ((index + rng.random()) / context.count)
        article = Article(
            rubric=rng.choices(rubrics, rubric_weights)[0],
            status=Article.Status.PUBLISHED,
            published_at=published_at,
            modified_at=published_at,
            created_at=published_at - dt.timedelta(minutes=rng.randrange(30, 48 * 60)),
            updated_at=published_at,  # the publish transition's save
            created_by=user,
            updated_by=user,
            version=2,  # saved once as a draft, then published
            source_name=f"{SOURCE_PREFIX}{index}",
            **{f"released_{code}": True for code in LANGUAGE_CODES},
        )
        for code in LANGUAGE_CODES:
            headline = corpus.phrase(rng, code, 4, 9)
            setattr(article, f"headline_{code}", headline)
            setattr(article, f"standfirst_{code}", corpus.sentence(rng, code))
            setattr(article, f"slug_{code}", _unique_slug(context.slugs[code], headline))
        if rng.random() < 0.9:
            recent = [p for p in photos[-40:] if p.public_from <= published_at]
            if recent and rng.random() < 0.1:
                article.lead_photo = rng.choice(recent)  # a photo used again
            else:
                article.lead_photo = new_photo(rng, published_at)
        sections = []
        for position in range(1, min(20, 2 + int(rng.expovariate(1 / 4))) + 1):
            section = Section(position=position)
            for code in LANGUAGE_CODES:
                subhead = corpus.phrase(rng, code, 2, 5) if position > 1 else ""
                setattr(section, f"subhead_{code}", subhead)
                setattr(section, f"body_{code}", corpus.body(rng, code))
            if position > 1 and rng.random() < 0.2:
                section.photo = new_photo(rng, published_at)
            sections.append(section)
        gallery = []
        if rng.random() < 0.05:
            gallery = [new_photo(rng, published_at) for _ in range(rng.randint(3, 6))]
        authors = rng.sample(context.authors, rng.choice((1, 1, 1, 2, 2, 3)))
        plans.append((article, sections, gallery, authors))

    articles = [plan[0] for plan in plans]
    with _stamps_as_given(Photo, Article):
        Photo.objects.bulk_create(photos, batch_size=1000)
        # bulk_create() copies the photos' new primary keys into lead_photo_id and photo_id.
        Article.objects.bulk_create(articles, batch_size=1000)
    sections, gallery, bylines, transitions = [], [], [], []
    for article, article_sections, article_gallery, authors in plans:
        for section in article_sections:
            section.article = article
            sections.append(section)
        gallery += [
            GalleryPhoto(article=article, photo=photo, position=position)
            for position, photo in enumerate(article_gallery, start=1)
        ]
        bylines += [
            ArticleAuthor(article=article, author=author, position=position)
            for position, author in enumerate(authors)
        ]
        transitions.append(
            Transition(
                article=article,
                name="publish",
                from_status=Article.Status.DRAFT,
                to_status=Article.Status.PUBLISHED,
                languages=list(LANGUAGE_CODES),
                user=user,
                created_at=article.published_at,
            )
        )
    Section.objects.bulk_create(sections, batch_size=1000)
    GalleryPhoto.objects.bulk_create(gallery, batch_size=1000)
    ArticleAuthor.objects.bulk_create(bylines, batch_size=1000)
    Transition.objects.bulk_create(transitions, batch_size=1000)
    search.refresh([article.pk for article in articles])


@contextmanager
def _stamps_as_given(*models):
    """Let bulk_create() keep the given created/updated stamps: these rows are history.

    auto_now and auto_now_add would stamp every row with the time of this command; the
    switch is undone on the way out, and the command is the only user of its process.
    """
    fields = [
        field
        for model in models
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _unique_slug(taken: set, headline: str) -> str:
    """What Article.fill_slugs() gives a new article: the headline's slug, then -2, -3…"""
    base = latin_slug(headline)
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate
