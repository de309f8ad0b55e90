"""Hostile input against every admin URL, as each role: a 4xx or the parameter ignored,
never a server error, and no lookup through a password.

Every URL under /admin/ is found by walking the URL resolver, filled with real object ids
from a small newsroom (an article in each state, photos, a photographer, a rubric, a typo
report, revisions), and sent query strings built from the parameters each view reads: the
changelists' own filter parameters (asked from each ModelAdmin's ChangeList), the date
hierarchy, Django's admin parameters, the autocomplete's and our custom views'. The client
does not raise: every 5xx is collected with its exception, and the test fails once with the
list. Run it on PostgreSQL too (DATABASE_URL): NUL bytes fail there, not on SQLite.
"""

import datetime as dt
import logging
import re
import sys
from urllib.parse import quote

import pytest
import reversion
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.main import ALL_VAR, ORDER_VAR, PAGE_VAR, SEARCH_VAR
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.signals import got_request_exception
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, TypoReport
from media_credits.models import Photo
from newsroom import roles
from tests.factories import ArticleFactory, AuthorFactory, RubricFactory, trilingual_sections
from tests.photos import photo, photographer

pytestmark = pytest.mark.django_db

#: Hostile values, already encoded for a query string (%00 is a NUL byte).
VALUES = {
    "nul": "%00",
    "nul inside": "a%00b",
    "huge": "99999999999999999999",
    "negative": "-1",
    "float overflow": "1e309",
    "superscript two": "%C2%B2",
    "arabic-indic digits": quote("١٢"),
    "february 30": "2024-02-30",
    "zero date": "0000-00-00",
    "nan": "NaN",
    "markup": quote("'\"><script>"),
    "10 kB": "x" * 10_240,
    "not utf-8": "%FF%FE",
}
#: What every parameter is sent, by every role.
CORE = ("nul", "huge", "superscript two")
#: What the superuser also sends, by the kind of value a parameter holds, to the parameters
#: our own code reads (Django's own parameters and third-party admins get CORE).
EXTRA = {
    "date": ("february 30", "zero date"),
    "number": ("arabic-indic digits", "float overflow"),
    "text": ("10 kB", "markup"),
}
#: The other values, sent once to every parameter of one page of each kind (below).
RARE = ("negative", "nan", "nul inside", "not utf-8")
TEXT_PARAMS = {"q", "term", "_changelist_filters", "next", "_to_field", "_popup", "field_name",
               "app_label", "model_name"}  # fmt: skip
OUR_APPS = {"articles", "media_credits", "newsroom"}
#: Read by Django's admin alone, the same code on every page.
GENERIC_PARAMS = {PAGE_VAR, ORDER_VAR, ALL_VAR, "e", "_facets", "_popup", "_to_field",
                  "_changelist_filters", "next"}  # fmt: skip
#: Lookups that are no filter of any list: the admin refuses them or ignores them.
UNKNOWN_LOOKUPS = ("nosuchfield__exact=1", "author__password__startswith=a")
#: Parameters of every admin page that keeps a list's filters or opens in a popup.
FORM_PARAMS = ("_changelist_filters", "_popup", "_to_field")
CHANGELIST_PARAMS = (SEARCH_VAR, PAGE_VAR, ORDER_VAR, ALL_VAR, "e", "_facets", *FORM_PARAMS[1:])
#: A prefix no MD5 password hash (tests.settings) starts with: a list filtered by it is empty.
SECRET_PREFIX = "zz"

ROLES = ("reporter", "editor", "photographer", "superuser")


# --- The newsroom the URLs are filled from ---------------------------------------------------


def _staff(username, role):
    user = get_user_model().objects.create_user(
        username=username, password=f"{username}-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def newsroom(db):
    users = {
        "reporter": _staff("fuzz-reporter", roles.REPORTER),
        "editor": _staff("fuzz-editor", roles.EDITOR),
        "photographer": _staff("fuzz-photographer", roles.PHOTOGRAPHER),
        "superuser": get_user_model().objects.create_superuser(
            "fuzz-root", "root@example.invalid", "fuzz-root-password"
        ),
    }
    rubric = RubricFactory()
    AuthorFactory(user=users["reporter"])
    credited = photographer("Аманкул Дюсенбаев", "Аманкула Дюсенбаева")
    credited.user = users["photographer"]
    credited.save()
    lead = photo(by=credited, uploaded_by=users["photographer"])
    photo(by=credited, caption="Вторая")
    states = {}
    for status in Article.Status.values:
        states[status] = ArticleFactory(
            status=status, rubric=rubric, created_by=users["reporter"],
            sections=trilingual_sections(), headline_kk="Тақырып", headline_en="Headline",
        )  # fmt: skip
    states["scheduled"] = ArticleFactory(
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() + dt.timedelta(days=2),
        rubric=rubric,
        created_by=users["reporter"],
    )
    published = states[Article.Status.PUBLISHED]
    Article.objects.filter(pk=published.pk).update(lead_photo=lead)
    for _ in range(2):
        with reversion.create_revision():
            reversion.add_to_revision(Article.objects.get(pk=published.pk))
    TypoReport.objects.create(
        article=published, language="ru", selection="Текст", context="Текст.", comment="",
        address_hash="0" * 64,
    )  # fmt: skip
    return {"users": users, "article": published, "articles": states, "photo": lead}


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    if "django_otp" in settings.INSTALLED_APPS:
        # Verified as after a second factor, whenever the admin comes to require one.
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_static.models import StaticDevice

        device, _ = StaticDevice.objects.get_or_create(user=user, name="fuzz")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


class Failures:
    """5xx answers, with the exception that caused each."""

    def __init__(self):
        self.items: list[str] = []
        self.requests = 0
        self.answered: dict[int, int] = {}
        self._last_exception = None

    def __enter__(self):
        got_request_exception.connect(self._exception)
        # Thousands of refusals would each log a warning (and every 500 its traceback):
        # the list of failures says what matters.
        logging.disable(logging.ERROR)
        return self

    def __exit__(self, *exc):
        logging.disable(logging.NOTSET)
        got_request_exception.disconnect(self._exception)

    def _exception(self, sender, request=None, **kwargs):
        self._last_exception = sys.exc_info()[1]

    def send(self, client, method: str, url: str, data=None, *, label: str = ""):
        self._last_exception = None
        response = getattr(client, method)(url, data) if data is not None else getattr(
            client, method
        )(url)
        self.requests += 1
        self.answered[response.status_code] = self.answered.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            exc = self._last_exception
            self.items.append(
                f"{response.status_code} {method.upper()} {url[:160]} {label} "
                f"-> {type(exc).__name__}: {str(exc)[:160]}"
            )
        return response

    def check(self):
        assert not self.items, f"{len(self.items)} server errors:\n" + "\n".join(self.items)


# --- Every admin URL, with real ids ----------------------------------------------------------


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner.strip(":"))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry, namespace


def admin_routes():
    """(route, pattern, namespace) of every URL under /admin/."""
    return [r for r in _walk(get_resolver().url_patterns) if r[0].startswith("admin/")]


def _model_admins():
    registry = admin.site._registry.items()
    return {f"{m._meta.app_label}_{m._meta.model_name}_": (m, a) for m, a in registry}


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _first_id(model) -> str:
    obj = model._default_manager.order_by("pk").first()
    return str(obj.pk) if obj is not None else "999999"


def _version_id(model) -> str:
    ct = ContentType.objects.get_for_model(model)
    version = Version.objects.filter(content_type=ct).order_by("pk").first()
    return str(version.pk) if version is not None else "999999"


def concrete_urls(newsroom) -> dict[str, list[tuple[str, str, object]]]:
    """{route: [(url, kind, model admin or None)]} for every admin route."""
    prefixes = _model_admins()
    article = newsroom["article"]
    urls: dict[str, list] = {}
    for route, pattern, namespace in admin_routes():
        name = pattern.name or ""
        prefix = max((p for p in prefixes if name.startswith(p)), key=len, default=None)
        model, model_admin = prefixes[prefix] if prefix else (None, None)
        kind = name[len(prefix) :] if prefix else name
        found = []
        if not name:
            if route.endswith("/<path:object_id>/"):
                # The redirect from /admin/<app>/<model>/<id>/ to its change page.
                changelist = "/" + route.removesuffix("<path:object_id>/")
                (m,) = [m for m in admin.site._registry if _changelist(m) == changelist]
                found.append((f"{changelist}{_first_id(m)}/", "redirect", None))
            else:
                found.append(("/admin/nosuch/page/", "catch_all", None))
        elif name == "view_on_site":
            ct = ContentType.objects.get_for_model(Article)
            found.append((f"/admin/r/{ct.pk}/{article.pk}/", "view_on_site", None))
        elif name == "app_list":
            for label in sorted({m._meta.app_label for m in admin.site._registry}):
                found.append((reverse("admin:app_list", kwargs={"app_label": label}), name, None))
        elif kind in ("revision", "recover"):
            args = [_version_id(model)]
            if kind == "revision":
                args.insert(0, str(article.pk))
            found.append((reverse(f"{namespace}:{name}", args=args), kind, model_admin))
        else:
            kwargs = {}
            converters = getattr(pattern.pattern, "converters", {})
            for key in converters:
                kwargs[key] = {
                    "object_id": _first_id(model) if model else "",
                    "pk": _first_id(model) if model else "",
                    "id": _first_id(model) if model else "",
                    "width": 480,
                    "image_format": "webp",
                }[key]
            if model is Article and "object_id" in kwargs:
                kwargs["object_id"] = str(article.pk)
            found.append((reverse(f"{namespace}:{name}", kwargs=kwargs), kind, model_admin))
        urls[route] = found
    return urls


def changelist_params(model_admin, superuser) -> list[str]:
    """The query parameters a ModelAdmin's list reads: its filters' own and the date
    hierarchy's, beside Django's."""
    request = RequestFactory().get("/")
    request.user = superuser
    changelist = model_admin.get_changelist_instance(request)
    names = [p for spec in changelist.filter_specs for p in spec.expected_parameters()]
    if model_admin.date_hierarchy:
        names += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    return [*dict.fromkeys(names), *CHANGELIST_PARAMS]


def _initial_params(model) -> list[str]:
    """Field names an add form takes its initial values from (?rubric=1…) and parses: its
    relations, dates, numbers and choices (text is only shown back, escaped)."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.editable
        and not f.primary_key
        and (f.is_relation or f.choices or f.get_internal_type() not in ("CharField", "TextField"))
    ]


def category(param: str) -> str:
    if param in TEXT_PARAMS:
        return "text"
    if re.search(r"(__year|__month|__day|__gte|__lt|_at|_on|date\w*|time\w*)$", param):
        return "date"
    return "number"


def values_for(param: str, *, role: str, ours: bool, rich: bool = False) -> tuple[str, ...]:
    """CORE for Django's own parameters and third-party admins, more for what our code reads;
    every value (RARE too) on the richest pages (articles, photos, our own views)."""
    if not ours or param in GENERIC_PARAMS:
        return CORE if role == "superuser" else CORE[:2]
    if role == "superuser":
        return CORE + EXTRA[category(param)] + (RARE if rich else ())
    return CORE


def autocomplete_urls() -> list[dict]:
    """The autocomplete's parameters for every autocomplete field of every admin form."""
    found = []
    for model, model_admin in admin.site._registry.items():
        sources = [(model, model_admin.autocomplete_fields)]
        sources += [(inline.model, inline.autocomplete_fields) for inline in model_admin.inlines]
        for source, fields in sources:
            for field in fields:
                found.append(
                    {
                        "app_label": source._meta.app_label,
                        "model_name": source._meta.model_name,
                        "field_name": field,
                    }
                )
    return found


def params_for(kind: str, model_admin, newsroom) -> list[str]:
    if kind == "changelist":
        return changelist_params(model_admin, newsroom["users"]["superuser"])
    if kind == "add":
        return [*FORM_PARAMS, *_initial_params(model_admin.model)]
    if kind in ("change", "delete"):
        return list(FORM_PARAMS)
    if kind == "history":
        return [*FORM_PARAMS, PAGE_VAR]
    if kind == "compare":
        return ["version_id1", "version_id2", *FORM_PARAMS]
    if kind == "picker":
        return ["photo"]
    if kind in ("login", "logout"):
        return ["next"]
    if kind == "autocomplete":
        return ["term", "page", "app_label", "model_name", "field_name"]
    return ["page"]


def _query(params: dict) -> str:
    return "&".join(f"{key}={value}" for key, value in params.items())


# --- The tests -------------------------------------------------------------------------------


def test_every_admin_route_is_filled_with_a_real_url(newsroom):
    urls = concrete_urls(newsroom)
    assert set(urls) == {route for route, _p, _n in admin_routes()}
    assert all(urls.values())
    assert autocomplete_urls(), "no autocomplete field found"


@pytest.mark.parametrize("role", ROLES)
def test_no_admin_url_answers_a_server_error_to_hostile_query_strings(newsroom, role):
    client = _client(newsroom["users"][role])
    autocompletes = autocomplete_urls()
    with Failures() as failures:
        for _route, entries in concrete_urls(newsroom).items():
            for url, kind, model_admin in entries:
                ours = model_admin is None or model_admin.opts.app_label in OUR_APPS
                rich = model_admin is None or model_admin.model in (Article, Photo)
                baseline = failures.send(client, "get", url, label="(no parameters)")
                if baseline.status_code in (302, 403, 404, 405) and kind != "autocomplete":
                    # Refused or moved whatever it is asked: one hostile try is enough.
                    failures.send(client, "get", f"{url}?{_query({'q': VALUES['nul']})}")
                    continue
                if kind == "autocomplete":
                    for number, valid in enumerate(autocompletes):
                        # Every field's search and page; the field's address on one.
                        params = params_for(kind, None, newsroom)[: None if number == 0 else 2]
                        for param in params:
                            for value in values_for(param, role=role, ours=True, rich=number == 0):
                                query = _query({**valid, param: VALUES[value]})
                                failures.send(client, "get", f"{url}?{query}", label=value)
                    continue
                if not ours and kind in ("change", "history", "delete"):
                    # Django's own views over a third-party model: all parameters at once.
                    for value in CORE:
                        query = _query(dict.fromkeys(FORM_PARAMS, VALUES[value]))
                        failures.send(client, "get", f"{url}?{query}", label=value)
                    continue
                for param in params_for(kind, model_admin, newsroom):
                    for value in values_for(param, role=role, ours=ours, rich=rich):
                        query = _query({param: VALUES[value]})
                        failures.send(client, "get", f"{url}?{query}", label=value)
                if kind == "changelist":
                    for lookup in UNKNOWN_LOOKUPS:
                        failures.send(client, "get", f"{url}?{lookup}")
                if ours and kind in ("change", "history", "delete", "view_on_site", "correct"):
                    for value in CORE:
                        bad = re.sub(r"/\d+/(?=[a-z]*/?$)", f"/{VALUES[value]}/", url, count=1)
                        failures.send(client, "get", bad, label=f"object id {value}")
    failures.check()
    # The test reached the pages themselves, not only a login page.
    assert failures.answered.get(200, 0) > 50, failures.answered


#: Form values as a browser would post them (decoded): the same hostile set.
POSTED = {
    "nul": "\x00",
    "nul inside": "a\x00b",
    "huge": "99999999999999999999",
    "superscript two": "²",
    "arabic-indic digits": "١٢",
    "february 30": "2024-02-30",
    "markup": "'\"><script>",
    "10 kB": "x" * 10_240,
}


CHANGE_FORM_FIELDS = ("_transition", "transition_comment", "transition_at", "correction_ru",
                      "expected_version", "rubric", "lead_photo", "published_at_0")  # fmt: skip


def test_hostile_form_values_posted_to_our_views_answer_no_server_error(newsroom):
    """The upload page, the picker, the workflow steps (list action and change form) and the
    typo report's correction, every field at a time, urlencoded and multipart."""
    editor = _client(newsroom["users"]["editor"])
    photographer_ = _client(newsroom["users"]["photographer"])
    articles = newsroom["articles"]
    changelist = reverse("admin:articles_article_changelist")
    report = TypoReport.objects.get()
    upload = reverse("admin:media_credits_photo_upload")
    upload_fields = ("language", "caption", "taken_on", "photographer", "credit", "usage_terms",
                     "usage_expires_on")  # fmt: skip
    transition_fields = ("transition_comment", "transition_languages", "transition_at",
                         "correction_ru", "correction_kk", "_selected_action")  # fmt: skip
    with Failures() as failures:
        for label, value in POSTED.items():
            for field in upload_fields:
                data = {"language": "ru", "usage_terms": "staff", field: value}
                failures.send(photographer_, "post", upload, data, label=f"{field} {label}")
            failures.send(photographer_, "post", upload, {"files": value}, label=label)
            picker = reverse("admin:media_credits_photo_picker")
            failures.send(editor, "post", picker, {"photo": value}, label=label)
            for name in ("publish", "schedule", "unpublish", "correct", "return", "release"):
                for field in transition_fields:
                    data = {
                        "action": f"transition_{name}",
                        "_selected_action": [a.pk for a in articles.values()],
                        "confirm": "yes",
                        field: value,
                    }
                    failures.send(editor, "post", changelist, data, label=f"{name} {field} {label}")
                data = {"action": value, "_selected_action": articles["draft"].pk}
                failures.send(editor, "post", changelist, data, label=f"action {label}")
            draft = articles["draft"]
            change = reverse("admin:articles_article_change", args=[draft.pk])
            for field in CHANGE_FORM_FIELDS:
                data = {"_transition": "submit", "bylines-TOTAL_FORMS": "0", field: value}
                failures.send(editor, "post", change, data, label=f"change {field} {label}")
            correct = reverse("admin:articles_typoreport_correct", args=[report.pk])
            failures.send(editor, "post", correct, {"text_ru": value}, label=label)
            typo_change = reverse("admin:articles_typoreport_change", args=[report.pk])
            failures.send(editor, "post", typo_change, {"_mark_done": value}, label=label)
    failures.check()
    assert failures.answered.get(200, 0) + failures.answered.get(302, 0) > 20, failures.answered


def _user_relations(model) -> list[str]:
    fields = model._meta.concrete_fields
    return [f.name for f in fields if f.is_relation and f.related_model is get_user_model()]


def test_no_list_is_filtered_by_a_password(newsroom):
    """?password__startswith= and ?<user relation>__password__startswith= are refused or
    ignored on every list: the rows are never filtered by a password hash."""
    client = _client(newsroom["users"]["superuser"])
    checked = 0
    with Failures() as failures:
        for model in admin.site._registry:
            url = _changelist(model)
            lookups = [f"{name}__password__startswith" for name in _user_relations(model)]
            if model is get_user_model():
                lookups.append("password__startswith")
            if not lookups:
                continue
            baseline = client.get(url)
            assert baseline.status_code == 200, url
            expected = baseline.context["cl"].result_count
            for lookup in lookups:
                response = failures.send(client, "get", f"{url}?{lookup}={SECRET_PREFIX}")
                checked += 1
                if response.status_code == 302:
                    assert response["Location"].endswith("?e=1"), (url, lookup)
                elif response.status_code == 200:
                    count = response.context["cl"].result_count
                    assert count == expected, f"{url}?{lookup} filtered {expected} rows to {count}"
                else:
                    assert 400 <= response.status_code < 500, (url, lookup, response.status_code)
    failures.check()
    assert checked >= 5  # articles, photos, authors, photographers, users at least


FEBRUARY_30 = "published_at__year=2024&published_at__month=2&published_at__day=30"


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("status__exact=%00", "status__exact"),
        ("published_at__year=99999999999999999999", "published_at__year"),
        ("published_at__year=9999", "published_at__year"),
        ("published_at__year=2024&published_at__month=%D9%A1%D9%A2", "published_at__month"),
        (FEBRUARY_30, "published_at__year"),
    ],
)
def test_the_probes_queries_answer_a_localised_400_naming_the_parameter(newsroom, query, name):
    client = _client(newsroom["users"]["editor"])
    url = reverse("admin:articles_article_changelist")
    response = client.get(f"{url}?{query}", headers={"accept-language": "ru"})
    assert response.status_code == 400
    assert f"Значение «{name}» здесь использовать нельзя." in response.content.decode()
    kazakh = client.get(f"{url}?{query}", headers={"accept-language": "kk"})
    assert f"«{name}» мәнін мұнда қолдануға болмайды." in kazakh.content.decode()


def test_a_valid_date_hierarchy_and_an_unknown_lookup_keep_djangos_answers(newsroom):
    client = _client(newsroom["users"]["editor"])
    url = reverse("admin:articles_article_changelist")
    assert client.get(f"{url}?published_at__year=2024&published_at__month=02").status_code == 200
    response = client.get(f"{url}?nosuchfield__exact=1")
    assert (response.status_code, response["Location"]) == (302, f"{url}?e=1")


def test_the_picker_takes_only_ascii_ids_and_the_autocomplete_term_no_nul(newsroom):
    client = _client(newsroom["users"]["editor"])
    picker = reverse("admin:media_credits_photo_picker")
    photo_ = newsroom["photo"]
    assert client.get(f"{picker}?photo=%C2%B2").status_code == 200
    assert client.get(f"{picker}?photo={photo_.pk}")["Location"].endswith(f"/{photo_.pk}/change/")
    term = "/admin/autocomplete/?app_label=articles&model_name=article&field_name=lead_photo&term="
    assert client.get(term + "%00").status_code == 400
    assert client.get(term + "x").status_code == 200
