from django.urls import path

from articles.feeds import LatestArticlesFeed, RubricFeed

urlpatterns = [
    path("latest.xml", LatestArticlesFeed(), name="feed_latest"),
    path("<slug:rubric>.xml", RubricFeed(), name="feed_rubric"),
]
