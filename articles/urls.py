from django.urls import include, path, re_path

from articles import search, typo_views, views

app_name = "articles"

urlpatterns = [
    path("", views.front_page, name="front_page"),
    path("search/", search.search_view, name="search"),
    path("feeds/", include("articles.feed_urls")),
    path("articles/<int:pk>-<str:slug>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail_no_slug"),
    path("articles/<int:pk>/typo/", typo_views.report_typo, name="typo_report"),
    re_path(
        r"^archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/$",
        views.day_archive,
        name="day_archive",
    ),
    # Last: a rubric's slug is any word the patterns above do not take.
    path("<slug:slug>/", views.rubric_list, name="rubric_list"),
]
