"""Whoever holds a preview link sees the unpublished article's photos, nobody else does."""

import pytest
from django.test import Client

from articles import preview
from articles.models import Article
from media_credits.renditions import rendition_url
from tests.factories import ArticleFactory
from tests.photos import photo

pytestmark = pytest.mark.django_db


def test_a_preview_link_opens_its_photos_to_its_holder_only(amankul):
    lead = photo(by=amankul)
    other = photo(by=amankul)
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None, lead_photo=lead)
    url = rendition_url(lead, width=480, image_format="jpeg")
    holder, stranger = Client(), Client()
    assert holder.get(url).status_code == 404  # not public, no preview yet
    page = holder.get(preview.preview_url(article, "ru"))
    assert page.status_code == 200
    assert page.cookies["preview_photos"]["path"] == "/renditions/"
    assert page.cookies["preview_photos"]["httponly"]
    shown = holder.get(url)
    assert shown.status_code == 302
    assert "no-store" in shown["Cache-Control"]
    # Only the photos of the previewed article, and only for the link's holder.
    assert holder.get(rendition_url(other, width=480, image_format="jpeg")).status_code == 404
    assert stranger.get(url).status_code == 404
    # A forged cookie naming the photo is refused.
    stranger.cookies["preview_photos"] = str(lead.pk)
    assert stranger.get(url).status_code == 404
