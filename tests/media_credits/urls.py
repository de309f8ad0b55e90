from django.urls import include, path

from newsroom.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("media-renditions/", include("media_credits.urls"))]
