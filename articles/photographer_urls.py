from django.urls import path

from articles import photographer_views

app_name = "photographers"

urlpatterns = [
    path(
        "<int:pk>-<str:slug>/", photographer_views.photographer_detail, name="photographer_detail"
    ),
    path("<int:pk>/", photographer_views.photographer_detail, name="photographer_detail_no_slug"),
]
