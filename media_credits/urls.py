from django.urls import path

from media_credits import views

app_name = "media_credits"

urlpatterns = [
    path(
        "<int:photo_id>/<int:width>.<str:image_format>",
        views.rendition,
        name="rendition",
    ),
]
