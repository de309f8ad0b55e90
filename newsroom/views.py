from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request):
    """Answer 200 when the database answers, 503 otherwise (for the proxy's health check)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


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
