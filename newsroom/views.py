import logging
import secrets

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

logger = logging.getLogger(__name__)


@require_safe
@never_cache
def healthz(request):
    """200 when the database and the cache answer; 503 naming what failed otherwise.

    GET and HEAD, over plain HTTP too (SECURE_REDIRECT_EXEMPT): an orchestrator's probe
    inside the cluster does not speak TLS.
    """
    checks = {"database": _database_answers(), "cache": _cache_answers()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "error"}
    body.update({name: "ok" if ok else "unreachable" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        logger.exception("Health check: the database does not answer")
        return False
    return True


def _cache_answers() -> bool:
    key = f"healthz:{secrets.token_hex(8)}"
    try:
        cache.set(key, "1", timeout=10)
        answered = cache.get(key) == "1"
        cache.delete(key)
    except Exception:  # noqa: BLE001 - any cache failure means unhealthy
        logger.exception("Health check: the cache does not answer")
        return False
    return answered


@require_GET
def robots_txt(request):
    # /renditions/ stays open: public pages' images are served from there.
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap_news'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def ckeditor_upload_refused(request):
    """The editor's own image upload is switched off: photos go through the photo library."""
    return JsonResponse(
        {"error": {"message": "Images are added from the photo library, not uploaded here."}},
        status=403,
    )


def _view_on_site(request, content_type_id: int, object_id: str):
    """The admin's "view on site" redirect, for users who may view the object only.

    Django's own shortcut redirects any staff user to any object's address, which for an
    unpublished article names its headline (the slug). Here the object's ModelAdmin
    decides: no view permission, 404; a callable ``view_on_site`` (a preview link for an
    unpublished article) is used as it is.
    """
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    model_admin = admin.site._registry.get(model) if model else None
    if model_admin is None:
        raise Http404
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None or not model_admin.has_view_permission(request, obj):
        raise Http404
    if callable(model_admin.view_on_site):
        url = model_admin.view_on_site(obj)
    elif model_admin.view_on_site and hasattr(obj, "get_absolute_url"):
        url = obj.get_absolute_url()
    else:
        url = None
    if not url:
        raise Http404
    return HttpResponseRedirect(url)


def view_on_site(request, content_type_id: int, object_id: str):
    return admin.site.admin_view(_view_on_site)(request, content_type_id, object_id)
