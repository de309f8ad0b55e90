"""Security headers with their exact values on public, admin, error and cached pages and on
media Django serves; and no inline code on any page that the policies would not allow."""

import base64
import hashlib
import re

import pytest
import reversion
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, path, reverse
from django.views.static import serve
from lxml import html as lxml_html
from reversion.models import Version

from articles.demo import load_demo
from media_credits.models import Photographer
from newsroom import headers
from newsroom.urls import urlpatterns as site_urlpatterns
from tests.pagecache.conftest import page_cache  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("a server error, on purpose")


# This module is also the URLconf of the tests that need a failing view or /media/ served
# by Django (newsroom.urls adds it only when DEBUG is on at import).
urlpatterns = [
    path("boom/", boom),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": None}),
    *site_urlpatterns,
]

PUBLIC_CSP = (
    "default-src 'self'; object-src 'none'; img-src 'self'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'; upgrade-insecure-requests"
)
ADMIN_CSP = (
    "default-src 'self'; object-src 'none'; "
    "style-src-attr 'unsafe-hashes' 'sha256-I/4Jcdrg5KNFrU0X4p2nNmjeGh9aI+9ac0cUllI5SwY=' "
    "'sha256-OFZH/KmE1spbRSh4CjNax9vyG1iEwWYtQyOeXApqoN4='; "
    "img-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; "
    "upgrade-insecure-requests"
)
MEDIA_CSP = "default-src 'none'; img-src 'self'; sandbox"
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), display-capture=(), "
    "encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), hid=(), "
    "idle-detection=(), local-fonts=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), "
    "usb=(), window-management=(), xr-spatial-tracking=()"
)


def directives(policy: str) -> dict[str, list[str]]:
    """A policy's directives with their sources, in order (django-csp orders directives by
    chance, the sources of each as configured)."""
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        assert name not in parsed, policy
        parsed[name] = sources
    return parsed


def assert_headers(response, csp=PUBLIC_CSP, corp="same-origin"):
    assert directives(response["Content-Security-Policy"]) == directives(csp)
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert response["Cross-Origin-Resource-Policy"] == corp
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.fixture
def demo():
    return load_demo()


@pytest.fixture
def superuser_client(client, settings):
    # The second factor is another test's subject (tests of newsroom.accounts).
    settings.OTP_REQUIRED = False
    user = get_user_model().objects.create_superuser("chief", password="chief-password")
    client.force_login(user)
    return client


def test_public_pages_carry_the_strict_policy(client, demo):
    seed = demo.seed_article
    photographer = Photographer.objects.filter(photos__isnull=False).first()
    day = seed.published_at.astimezone()
    for url in (
        "/ru/",
        "/kk/",
        "/en/",
        "/kk-latn/",
        seed.get_absolute_url(),
        f"/ru/{seed.rubric.slug}/",
        reverse("articles:day_archive", args=[f"{day:%Y}", f"{day:%m}", f"{day:%d}"]),
        "/ru/search/?q=дружбы",
        reverse("photographers:photographer_detail", args=[photographer.pk, photographer.slug]),
        "/ru/feeds/latest.xml",
        "/sitemap.xml",
        "/sitemap-news.xml",
        "/robots.txt",
        reverse("articles:typo_report", args=[seed.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_headers(response)


def test_a_page_not_found_carries_the_policy(client):
    response = client.get("/ru/no-such-page/")
    assert response.status_code == 404
    assert_headers(response)


def test_a_server_error_page_carries_the_policy(client, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert_headers(response)
    assert b"<style" not in response.content and b'<link rel="stylesheet"' in response.content


def test_a_cached_page_is_replayed_with_its_headers(client, demo, page_cache):  # noqa: F811
    url = demo.seed_article.get_absolute_url()
    client.get(url)
    hit = client.get(url)
    assert hit["X-Page-Cache"] == "hit"
    assert_headers(hit)
    missing = client.get("/ru/no-such-page/")
    missing = client.get("/ru/no-such-page/")
    assert missing["X-Page-Cache"] == "hit"
    assert_headers(missing)


def test_the_admin_and_its_login_page_carry_the_admin_policy(client, superuser_client):
    login = client.__class__().get("/admin/login/")
    assert login.status_code == 200
    assert_headers(login, csp=ADMIN_CSP)
    for url in ("/admin/", "/admin/articles/article/", "/admin/articles/article/add/"):
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        assert_headers(response, csp=ADMIN_CSP)


def test_media_served_by_django_gets_the_sandboxing_policy(client, settings, tmp_path):
    settings.ROOT_URLCONF = __name__
    original = settings.MEDIA_ROOT / "photos" / "2025" / "html.jpg"
    original.parent.mkdir(parents=True)
    original.write_bytes(b"<html><script>alert(1)</script></html>")
    rendition = settings.MEDIA_ROOT / "renditions" / "1" / "800.webp"
    rendition.parent.mkdir(parents=True)
    rendition.write_bytes(b"RIFF....WEBP")
    # The URLconf above binds the document root when it is imported: serve the tmp folder.
    urlpatterns[1].default_args["document_root"] = settings.MEDIA_ROOT

    response = client.get("/media/photos/2025/html.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert_headers(response, csp=MEDIA_CSP)

    response = client.get("/media/renditions/1/800.webp")
    assert response.status_code == 200
    assert_headers(response, csp=MEDIA_CSP, corp="cross-origin")


def test_rendition_redirects_may_be_shown_by_other_sites(client, demo):
    from media_credits.renditions import rendition_url

    photo = demo.seed_article.lead_photo
    response = client.get(rendition_url(photo, width=800, image_format="webp"))
    assert response.status_code == 302
    assert_headers(response, corp="cross-origin")


def test_img_src_names_the_cdn_and_the_bucket_of_s3_storage(client, superuser_client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "newsroom.storage.MediaStorage",
            "OPTIONS": {
                "bucket_name": "newsroom",
                "endpoint_url": "https://s3.example.kz",
                "addressing_style": "path",
                "access_key": "key",
                "secret_key": "secret",
                "region_name": "kz-1",
                "custom_domain": "cdn.example.kz/media",
                "url_protocol": "https:",
            },
        },
    }
    public = client.get("/ru/")
    assert directives(public["Content-Security-Policy"]) == directives(
        PUBLIC_CSP.replace("img-src 'self'", "img-src 'self' https://cdn.example.kz")
    )
    # The admin also shows originals, signed URLs on the bucket's endpoint (never the CDN).
    staff = superuser_client.get("/admin/")
    assert directives(staff["Content-Security-Policy"]) == directives(
        ADMIN_CSP.replace(
            "img-src 'self'", "img-src 'self' https://cdn.example.kz https://s3.example.kz"
        )
    )


def test_local_media_adds_no_host_to_img_src():
    headers.media_origins.cache_clear()
    assert headers.media_origins("public") == ()
    assert headers.media_origins("admin") == ()


# -- No inline code a policy would refuse --------------------------------------------------


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def directive(policy: str, name: str) -> list[str]:
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    return []


DATA_SCRIPTS = {"application/ld+json", "application/json"}


def inline_code_refused(markup: str, policy: str) -> list[str]:
    """What on a page ``policy`` would refuse: inline scripts, handlers, javascript: URLs,
    inline styles whose hash the policy does not list."""
    tree = lxml_html.fromstring(markup)
    elem_styles = directive(policy, "style-src-elem")
    attr_styles = directive(policy, "style-src-attr")
    refused = []
    for script in tree.iter("script"):
        if script.get("src") is None and script.get("type") not in DATA_SCRIPTS:
            refused.append(f"inline script: {(script.text or '')[:60]!r}")
    for style in tree.iter("style"):
        if sha256(style.text or "") not in elem_styles:
            refused.append(f"inline style element: {(style.text or '')[:60]!r}")
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.startswith("on"):
                refused.append(f"handler {name}={value[:40]!r} on <{element.tag}>")
            elif name == "style" and (
                "'unsafe-hashes'" not in attr_styles or sha256(value) not in attr_styles
            ):
                refused.append(f"style attribute {value!r} on <{element.tag}>")
            elif name in {"href", "src", "action", "formaction"} and re.match(
                r"\s*javascript:", value, re.IGNORECASE
            ):
                refused.append(f"javascript: URL on <{element.tag}>")
    return refused


def test_the_policy_hashes_are_the_hashes_of_the_snippets_they_name():
    admin_policy = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
    assert "style-src-elem" not in admin_policy and "style-src" not in admin_policy
    assert admin_policy["style-src-attr"][1:] == [
        sha256("visibility:hidden"),
        sha256("max-width:100%;height:auto"),
    ]


def test_public_pages_have_no_inline_code(client, demo):
    seed = demo.seed_article
    photographer = Photographer.objects.filter(photos__isnull=False).first()
    urls = [
        "/ru/",
        "/kk-latn/",
        seed.get_absolute_url(),
        demo.trilingual_article.get_absolute_url(),
        f"/ru/{seed.rubric.slug}/",
        "/ru/search/?q=дружбы",
        reverse("photographers:photographer_detail", args=[photographer.pk, photographer.slug]),
        reverse("articles:typo_report", args=[seed.pk]),
        "/ru/no-such-page/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        assert inline_code_refused(response.content.decode(), PUBLIC_CSP) == [], url


def admin_urls() -> list[str]:
    """The admin's index, each app page and, for each registered model, its list, add form,
    its extra pages without arguments (picker, upload…), and the change form and history of
    its first object."""
    urls = ["/admin/", "/admin/password_change/"]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        urls.append(reverse("admin:app_list", args=[opts.app_label]))
        urls.append(reverse(f"{prefix}_changelist"))
        urls.append(reverse(f"{prefix}_add"))
        for pattern in model_admin.get_urls():
            try:
                urls.append(reverse(f"admin:{pattern.name}"))
            except NoReverseMatch:  # a page of one object
                continue
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"{prefix}_change", args=[first.pk]))
            urls.append(reverse(f"{prefix}_history", args=[first.pk]))
    return list(dict.fromkeys(urls))


@pytest.mark.parametrize("role", ["superuser", "editor", "reporter", "photographer"])
def test_no_admin_page_has_inline_code_the_admin_policy_refuses(role, client, settings, demo):
    settings.OTP_REQUIRED = False
    if role == "superuser":
        user = get_user_model().objects.create_superuser("chief", password="chief-password")
    else:
        user = get_user_model().objects.get(username=role)  # the demo's accounts
    client.force_login(user)
    article = demo.trilingual_article
    # Two revisions: the history lists them with reversion-compare's radio buttons.
    for headline in ("Первая версия", "Вторая версия"):
        with reversion.create_revision():
            article.headline_ru = headline
            article.save()
    versions = Version.objects.get_for_object(article).order_by("pk")
    history = reverse("admin:articles_article_history", args=[article.pk])
    compare = (
        reverse("admin:articles_article_compare", args=[article.pk])
        + f"?version_id1={versions[0].pk}&version_id2={versions[1].pk}"
    )
    checked = []
    for url in [*admin_urls(), history, compare]:
        response = client.get(url)
        if response.status_code != 200 or "html" not in response["Content-Type"]:
            continue
        assert directives(response["Content-Security-Policy"]) == directives(ADMIN_CSP), url
        assert inline_code_refused(response.content.decode(), ADMIN_CSP) == [], url
        checked.append(url)
    assert len(checked) >= (50 if role == "superuser" else 10)
    if role in {"superuser", "editor"}:
        assert history in checked and compare in checked


def test_each_allowed_inline_style_is_still_used(client, settings, demo):
    """The hashes are kept only while some admin page needs them."""
    settings.OTP_REQUIRED = False
    article = demo.trilingual_article
    for headline in ("Первая версия", "Вторая версия"):
        with reversion.create_revision():
            article.headline_ru = headline
            article.save()
    client.force_login(get_user_model().objects.get(username="editor"))
    pages = {
        "'sha256-I/4Jcdrg5KNFrU0X4p2nNmjeGh9aI+9ac0cUllI5SwY='": reverse(
            "admin:articles_article_history", args=[article.pk]
        ),
        "'sha256-OFZH/KmE1spbRSh4CjNax9vyG1iEwWYtQyOeXApqoN4='": reverse(
            "admin:media_credits_photo_change", args=[article.lead_photo_id]
        ),
    }
    for digest, url in pages.items():
        tree = lxml_html.fromstring(client.get(url).content.decode())
        styles = {sha256(e.text or "") for e in tree.iter("style")}
        styles |= {
            sha256(e.get("style"))
            for e in tree.iter()
            if isinstance(e.tag, str) and e.get("style") is not None
        }
        assert digest in styles, url
