from django.urls import include, path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.front_page, name="front_page"),
    path("feeds/", include("articles.feed_urls")),
    path("articles/<int:pk>-<str:slug>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail_no_slug"),
]
