"""Demo content: rubrics, one user per role, the seed article and a trilingual article."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from articles import importer, workflow
from articles.models import Article, Rubric, Section
from newsroom import roles

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
        publish=True,
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
    workflow.publish(article, user=None)
    return article, True


@transaction.atomic
def load_demo() -> DemoReport:
    """Create (or find) every piece of demo content; safe to run again."""
    rubrics = ensure_rubrics()
    users = ensure_users()
    seed, seed_created = ensure_seed_article(rubrics["politics"])
    trilingual, tri_created = ensure_trilingual_article(rubrics["culture"])
    created = [
        name
        for name, flag in (("seed article", seed_created), ("trilingual article", tri_created))
        if flag
    ]
    return DemoReport(
        users=users, seed_article=seed, trilingual_article=trilingual, created=created
    )
