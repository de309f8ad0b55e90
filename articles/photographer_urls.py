from django.urls import path

from media_credits import public_views

app_name = "photographers"

urlpatterns = [
    path("<int:pk>-<str:slug>/", public_views.photographer_detail, name="photographer_detail"),
    path("<int:pk>/", public_views.photographer_detail, name="photographer_detail_no_slug"),
]
