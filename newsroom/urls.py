from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.static import serve

from articles import views as article_views
from articles.sitemaps import NEWS_SITEMAPS, SITEMAPS, SitemapXml
from newsroom import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # An index of the sections, each paginated (?p=N): no request reads every article.
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    re_path(
        rf"^sitemap-(?P<section>{'|'.join(SITEMAPS)})\.xml$",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS, "template_name": SitemapXml()},
        name="sitemap_section",
    ),
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"sitemaps": NEWS_SITEMAPS, "template_name": "sitemaps/news.xml"},
        name="sitemap_news",
    ),
    # django_ckeditor_5.urls is deliberately not included: its upload view stores any
    # file under its original name with no size limit. Photos go through the library.
    path("ckeditor5/upload/", views.ckeditor_upload_refused, name="ckeditor_upload_refused"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("renditions/", include("media_credits.urls")),
    path("preview/<str:token>/", article_views.article_preview, name="preview"),
    # Before the admin's own: never redirects a user to an address they may not see.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        views.view_on_site,
        name="view_on_site",
    ),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("photographers/", include("articles.photographer_urls")),
    path("", include("articles.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    urlpatterns += [
        path(
            f"{settings.MEDIA_URL.strip('/')}/<path:path>",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        ),
    ]
