"""Demo content: rubrics, one user per role, the seed article and a trilingual article."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from articles import importer, workflow
from articles.models import Article, GalleryPhoto, Rubric, Section
from media_credits.models import Photo, Photographer
from media_credits.upload import SharedFields, save_upload
from newsroom import roles
from newsroom.slugs import latin_slug

SEED_FILE = Path(__file__).resolve().parent / "demo_content" / "000_f09acc4096086793.txt"
TRILINGUAL_SOURCE = "demo:reading-room"

RUBRICS = [
    ("politics", {"ru": "Политика", "kk": "Саясат", "en": "Politics"}),
    ("economy", {"ru": "Экономика", "kk": "Экономика", "en": "Economy"}),
    ("society", {"ru": "Общество", "kk": "Қоғам", "en": "Society"}),
    ("culture", {"ru": "Культура", "kk": "Мәдениет", "en": "Culture"}),
    ("sport", {"ru": "Спорт", "kk": "Спорт", "en": "Sport"}),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str


DEMO_USERS = [
    DemoUser("editor", "editor-demo-2025", roles.EDITOR),
    DemoUser("reporter", "reporter-demo-2025", roles.REPORTER),
    DemoUser("photographer", "photographer-demo-2025", roles.PHOTOGRAPHER),
]

TRILINGUAL = {
    "headline": {
        "ru": "В Астане открылся новый читальный зал",
        "kk": "Астанада жаңа оқу залы ашылды",
        "en": "New reading room opens in Astana",
    },
    "standfirst": {
        "ru": "Зал городской библиотеки принимает читателей каждый день.",
        "kk": "Қалалық кітапхананың залы оқырмандарды күн сайын қабылдайды.",
        "en": "The city library's new room welcomes readers every day.",
    },
    "sections": [
        {
            "subhead": {"ru": "", "kk": "", "en": ""},
            "body": {
                "ru": "<p>В столице открылся новый читальный зал городской библиотеки. "
                "Он работает ежедневно с девяти утра до девяти вечера.</p>",
                "kk": "<p>Елордада қалалық кітапхананың жаңа оқу залы ашылды. "
                "Ол күн сайын таңғы тоғыздан кешкі тоғызға дейін жұмыс істейді.</p>",
                "en": "<p>A new reading room of the city library has opened in the capital. "
                "It is open daily from nine in the morning to nine in the evening.</p>",
            },
        },
        {
            "subhead": {
                "ru": "Книги на трёх языках",
                "kk": "Үш тілдегі кітаптар",
                "en": "Books in three languages",
            },
            "body": {
                "ru": "<p>В фонде зала более двадцати тысяч книг на казахском, русском "
                "и английском языках.</p>",
                "kk": "<p>Зал қорында қазақ, орыс және ағылшын тілдеріндегі жиырма мыңнан "
                "астам кітап бар.</p>",
                "en": "<p>The room holds more than twenty thousand books in Kazakh, Russian "
                "and English.</p>",
            },
        },
    ],
}


PHOTOGRAPHERS = [
    {
        "credit_name_ru": "Аманкула Дюсенбаева",
        "name_ru": "Аманкул Дюсенбаев",
        "name_kk": "Аманкул Дюсенбаев",
        "credit_name_kk": "Аманкул Дюсенбаев",
        "name_en": "Amankul Dyusenbayev",
        "credit_name_en": "Amankul Dyusenbayev",
        "gender": Photographer.Gender.MALE,
        "demo_user": "photographer",
    },
    {
        "credit_name_ru": "Еркебулана Укибаева",
        "name_ru": "Еркебулан Укибаев",
        "name_kk": "Еркебулан Укибаев",
        "credit_name_kk": "Еркебулан Укибаев",
        "name_en": "Yerkebulan Ukibayev",
        "credit_name_en": "Yerkebulan Ukibayev",
        "gender": Photographer.Gender.MALE,
        "demo_user": None,
    },
]

# (photographer index or None for an agency photo, colours, captions, alt texts, credit)
SEED_PHOTOS = [
    (0, ("#1d4e89", "#f2c14e"), "Президенты Казахстана и Италии в Акорде", "Два президента"),
    (1, ("#2a6041", "#e9ecef"), "Переговоры в расширенном составе", "Делегации за столом"),
    (0, ("#6d2e46", "#f4d8cd"), "Церемония награждения", "Вручение ордена"),
    (1, ("#3d405b", "#f2cc8f"), "Совместное заявление для прессы", "Лидеры у трибун"),
]


def _placeholder_jpeg(colours: tuple[str, str], label: str) -> bytes:
    """A generated 1600x1067 placeholder photo (gradient and a label)."""
    import io

    from PIL import Image, ImageDraw

    width, height = 1600, 1067
    top, bottom = (Image.new("RGB", (1, 1), c).getpixel((0, 0)) for c in colours)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / (height - 1)
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    draw.ellipse(
        [width // 3, height // 4, 2 * width // 3, 3 * height // 4], outline="white", width=12
    )
    draw.text((60, height - 120), label, fill="white", font_size=64)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def ensure_photographers() -> list[Photographer]:
    User = get_user_model()
    photographers = []
    for spec in PHOTOGRAPHERS:
        fields = {k: v for k, v in spec.items() if k not in {"credit_name_ru", "demo_user"}}
        photographer, _ = Photographer.objects.get_or_create(
            credit_name_ru=spec["credit_name_ru"], defaults=fields
        )
        # The importer may have created it with a guessed name to confirm: the demo confirms.
        for key, value in fields.items():
            setattr(photographer, key, value)
        photographer.is_name_to_confirm = False
        if spec["demo_user"]:
            photographer.user = User.objects.get(username=spec["demo_user"])
        photographer.save()
        photographers.append(photographer)
    return photographers


def _demo_photo(*, colours, caption_ru, alt_ru, photographer=None, credit="", extra=None) -> Photo:
    from django.core.files.uploadedfile import SimpleUploadedFile

    uploader = get_user_model().objects.get(username="photographer")
    data = _placeholder_jpeg(colours, "Demo photo")
    photo = save_upload(
        SimpleUploadedFile(f"{latin_slug(caption_ru)}.jpg", data, "image/jpeg"),
        shared=SharedFields(
            language="ru",
            caption=caption_ru,
            photographer=photographer,
            credit=credit,
            usage_terms=Photo.UsageTerms.STAFF if photographer else Photo.UsageTerms.HANDOUT,
        ),
        user=uploader,
    )
    photo.alt_text_ru = alt_ru
    for key, value in (extra or {}).items():
        setattr(photo, key, value)
    photo.save()
    return photo


def attach_seed_photos(article: Article, photographers: list[Photographer]) -> None:
    photos = [
        _demo_photo(
            colours=colours, caption_ru=caption, alt_ru=alt, photographer=photographers[who]
        )
        for who, colours, caption, alt in SEED_PHOTOS
    ]
    article.lead_photo = photos[0]
    article.save(update_fields=["lead_photo"])
    for position, photo in enumerate(photos[1:], start=1):
        GalleryPhoto.objects.create(article=article, photo=photo, position=position)


def attach_trilingual_photos(article: Article, photographers: list[Photographer]) -> None:
    lead = _demo_photo(
        colours=("#264653", "#e9c46a"),
        caption_ru="Читатели в новом зале библиотеки",
        alt_ru="Читатели за столами в светлом зале",
        photographer=photographers[0],
        extra={
            "caption_kk": "Кітапхананың жаңа залындағы оқырмандар",
            "alt_text_kk": "Жарық залда үстел басындағы оқырмандар",
            "caption_en": "Readers in the library's new room",
            "alt_text_en": "Readers at tables in a bright room",
        },
    )
    handout = _demo_photo(
        colours=("#5f0f40", "#fb8b24"),
        caption_ru="Книжные полки зала",
        alt_ru="Длинные ряды книжных полок",
        credit="пресс-службы акимата Астаны",
        extra={
            "credit_kk": "Астана әкімдігінің баспасөз қызметі",
            "credit_en": "Astana city administration press office",
            "caption_kk": "Залдың кітап сөрелері",
            "alt_text_kk": "Кітап сөрелерінің ұзын қатарлары",
            "caption_en": "The room's bookshelves",
            "alt_text_en": "Long rows of bookshelves",
        },
    )
    article.lead_photo = lead
    article.save(update_fields=["lead_photo"])
    section = article.sections.order_by("position").last()
    section.photo = handout
    section.save(update_fields=["photo"])


@dataclass
class DemoReport:
    users: list[DemoUser]
    seed_article: Article
    trilingual_article: Article
    created: list[str]


def ensure_rubrics() -> dict[str, Rubric]:
    rubrics = {}
    for position, (slug, names) in enumerate(RUBRICS, start=1):
        rubric, _ = Rubric.objects.get_or_create(
            slug=slug,
            defaults={
                "position": position,
                **{f"name_{code}": name for code, name in names.items()},
            },
        )
        rubrics[slug] = rubric
    return rubrics


def ensure_users() -> list[DemoUser]:
    User = get_user_model()
    for demo in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=demo.username, defaults={"is_staff": True})
        user.is_staff = True
        user.is_active = True
        user.set_password(demo.password)
        user.save()
        user.groups.add(Group.objects.get(name=demo.role))
    return DEMO_USERS


def ensure_seed_article(rubric: Rubric) -> tuple[Article, bool]:
    existing = Article.objects.filter(source_name=SEED_FILE.name).first()
    if existing is not None:
        return existing, False
    result = importer.import_article(
        importer.parse_file(SEED_FILE),
        source_name=SEED_FILE.name,
        rubric_slug=rubric.slug,
    )
    return result.article, True


def ensure_trilingual_article(rubric: Rubric) -> tuple[Article, bool]:
    existing = Article.objects.filter(source_name=TRILINGUAL_SOURCE).first()
    if existing is not None:
        return existing, False
    article = Article(
        rubric=rubric,
        source_name=TRILINGUAL_SOURCE,
        published_at=dt.datetime(2025, 10, 1, 10, 0, tzinfo=importer.NEWSROOM_TZ),
    )
    for field in ("headline", "standfirst"):
        for code, text in TRILINGUAL[field].items():
            setattr(article, f"{field}_{code}", text)
    article.save()
    for position, data in enumerate(TRILINGUAL["sections"], start=1):
        section = Section(article=article, position=position)
        for field in ("subhead", "body"):
            for code, text in data[field].items():
                setattr(section, f"{field}_{code}", text)
        section.save()
    return article, True


@transaction.atomic
def load_demo() -> DemoReport:
    """Create (or find) every piece of demo content; safe to run again."""
    rubrics = ensure_rubrics()
    users = ensure_users()
    seed, seed_created = ensure_seed_article(rubrics["politics"])
    photographers = ensure_photographers()
    if seed_created:
        attach_seed_photos(seed, photographers)
        # Published like any article: the photo checks run on the finished article.
        workflow.apply(seed, "publish", user=workflow.system_user())
    trilingual, tri_created = ensure_trilingual_article(rubrics["culture"])
    if tri_created:
        attach_trilingual_photos(trilingual, photographers)
        workflow.apply(trilingual, "publish", user=workflow.system_user())
    created = [
        name
        for name, flag in (("seed article", seed_created), ("trilingual article", tri_created))
        if flag
    ]
    return DemoReport(
        users=users, seed_article=seed, trilingual_article=trilingual, created=created
    )
