import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from articles.models import Article, GalleryPhoto
from media_credits.models import Photo
from tests.factories import ArticleFactory, trilingual_article
from tests.photos import photo, photographer

pytestmark = pytest.mark.django_db


def figures(response):
    tree = lxml_html.fromstring(response.content.decode())
    return tree.xpath("//figure[contains(concat(' ', @class, ' '), ' photo ')]")


def test_every_photo_on_the_page_shows_caption_in_the_pages_language_and_credit(client, amankul):
    lead = photo(
        by=amankul,
        caption="Подпись по-русски",
        caption_kk="Қазақша жазу",
        caption_en="English caption",
    )
    handout = photo(
        credit="пресс-службы Акорды",
        credit_en="Akorda press service",
        caption="Раздатка",
        caption_en="Handout",
    )
    article = trilingual_article(lead_photo=lead)
    GalleryPhoto.objects.create(article=article, photo=handout, position=1)
    response = client.get(article.get_absolute_url("en"))
    found = figures(response)
    assert len(found) == 2
    texts = [" ".join(f.xpath(".//figcaption")[0].text_content().split()) for f in found]
    assert texts == [
        "English caption Photo by Amankul Dyusenbayev",
        "Handout Photo by Akorda press service",
    ]
    assert all(f.xpath(".//img[@alt and @width and @height]") for f in found)
    assert all(len(f.xpath(".//source[@srcset]")) == 2 for f in found)
    page = response.content.decode()
    assert "Photos by Amankul Dyusenbayev and Akorda press service" in page
    assert "Подпись по-русски" not in page


def test_credit_line_follows_lead_then_sections_then_gallery(client, amankul, yerkebulan):
    third = photographer("Зарина Нокрабекова", "Зарины Нокрабековой")
    article = ArticleFactory(lead_photo=photo(by=yerkebulan))
    section = article.sections.get(position=2)
    section.photo = photo(by=third)
    section.save()
    GalleryPhoto.objects.create(article=article, photo=photo(by=amankul), position=1)
    GalleryPhoto.objects.create(article=article, photo=photo(by=yerkebulan), position=2)
    page = client.get(article.get_absolute_url("ru")).content.decode()
    assert "фото Еркебулана Укибаева, Зарины Нокрабековой, Аманкула Дюсенбаева" in page


def test_a_photo_with_expired_usage_terms_is_hidden_from_the_public_and_flagged_in_the_admin(
    client, editor, amankul, yerkebulan
):
    expired = photo(
        by=yerkebulan,
        usage_expires_on=timezone.localdate() - dt.timedelta(days=1),
        alt_text_ru="",
    )
    article = ArticleFactory(lead_photo=photo(by=amankul))
    GalleryPhoto.objects.create(article=article, photo=expired, position=1)
    response = client.get(article.get_absolute_url("ru"))
    assert len(figures(response)) == 1
    page = response.content.decode()
    assert "фото Аманкула Дюсенбаева" in page
    assert "Укибаева" not in page
    client.force_login(editor)
    admin_page = client.get(
        reverse("admin:articles_article_change", args=[article.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "expired usage terms" in admin_page
    assert f"The usage terms of “{expired}” expired on" in admin_page
    assert "has no alt text in Russian" in admin_page


@pytest.mark.parametrize("use", ["lead", "section", "gallery"])
def test_a_photo_used_by_an_article_cannot_be_deleted_and_the_admin_names_the_article(
    client, editor, amankul, use
):
    used = photo(by=amankul, uploaded_by=editor)
    article = ArticleFactory(headline_ru="Статья с фотографией")
    if use == "lead":
        article.lead_photo = used
        article.save()
    elif use == "section":
        section = article.sections.get(position=2)
        section.photo = used
        section.save()
    else:
        GalleryPhoto.objects.create(article=article, photo=used, position=1)
    client.force_login(editor)
    url = reverse("admin:media_credits_photo_delete", args=[used.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "protected" in page
    assert (
        f'Article: <a href="/admin/articles/article/{article.pk}/change/">Статья с фотографией</a>'
        in page
    )
    client.post(url, {"post": "yes"}, HTTP_ACCEPT_LANGUAGE="en")
    assert Photo.objects.filter(pk=used.pk).exists()
    assert used in Article.objects.get(pk=article.pk).photos_in_order()


def test_editor_attaches_lead_section_and_gallery_photos_in_the_admin(client, editor, amankul):
    lead, inline, gallery = photo(by=amankul), photo(by=amankul), photo(by=amankul)
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    client.force_login(editor)
    data = change_form(
        article,
        lead_photo=lead.pk,
        **{
            "gallery-TOTAL_FORMS": "1",
            "gallery-0-photo": gallery.pk,
            "gallery-0-position": "1",
            "sections-1-photo": inline.pk,
        },
    )
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.lead_photo == lead
    assert article.sections.get(position=2).photo == inline
    assert [g.photo for g in article.gallery.all()] == [gallery]
    assert article.photos_in_order() == [lead, inline, gallery]


def test_article_page_queries_do_not_grow_with_photos(
    client, amankul, django_assert_max_num_queries
):
    def build(count):
        article = ArticleFactory(lead_photo=photo(by=amankul))
        for section in article.sections.all():
            section.photo = photo(by=amankul)
            section.save()
        for position in range(count):
            GalleryPhoto.objects.create(article=article, photo=photo(by=amankul), position=position)
        return article

    small, large = build(1), build(10)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(small.get_absolute_url("ru")).status_code == 200
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(large.get_absolute_url("ru"))
    assert len(figures(response)) == 1 + 2 + 10


def test_photographer_page_shows_public_photos_and_their_articles(client, amankul):
    public_photo = photo(by=amankul, caption="Публичное фото")
    article = ArticleFactory(headline_ru="Публичная статья", lead_photo=public_photo)
    url = reverse(
        "photographers:photographer_detail", kwargs={"pk": amankul.pk, "slug": amankul.slug}
    )
    response = client.get(f"/ru{url[3:]}" if url.startswith("/ru") else url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Публичное фото" in page
    assert "Публичная статья" in page
    assert article.get_absolute_url("ru") in page
    wrong = client.get(f"/ru/photographers/{amankul.pk}-wrong/")
    assert wrong.status_code == 301


def test_photo_used_only_by_a_draft_never_reaches_the_photographer_page(client, amankul):
    shown = photo(by=amankul, caption="Опубликованное фото")
    ArticleFactory(lead_photo=shown)
    hidden = photo(by=amankul, caption="Фото из черновика")
    ArticleFactory(headline_ru="Черновик", status=Article.Status.DRAFT, lead_photo=hidden)
    scheduled = photo(by=amankul, caption="Фото запланированной статьи")
    ArticleFactory(published_at=timezone.now() + dt.timedelta(days=1), lead_photo=scheduled)
    page = client.get(f"/ru/photographers/{amankul.pk}-{amankul.slug}/").content.decode()
    assert "Опубликованное фото" in page
    for secret in ("Фото из черновика", "Черновик", "Фото запланированной статьи"):
        assert secret not in page


def test_photographer_page_is_per_language_and_404_without_public_photos(client, amankul):
    ArticleFactory(lead_photo=photo(by=amankul))  # public in Russian only
    assert client.get(f"/ru/photographers/{amankul.pk}-{amankul.slug}/").status_code == 200
    assert client.get(f"/kk/photographers/{amankul.pk}-{amankul.slug}/").status_code == 404
    nobody = photographer("Никто Неснимавший", "Никого")
    assert client.get(f"/ru/photographers/{nobody.pk}-{nobody.slug}/").status_code == 404


def test_photographer_page_paginates_photos_and_articles(client, amankul, monkeypatch):
    from articles import photographer_views as public_views

    monkeypatch.setattr(public_views, "PHOTOS_PER_PAGE", 2)
    monkeypatch.setattr(public_views, "ARTICLES_PER_PAGE", 2)
    articles = [ArticleFactory(lead_photo=photo(by=amankul)) for _ in range(3)]
    by_date = sorted(articles, key=lambda a: (a.published_at, a.pk))
    base = f"/ru/photographers/{amankul.pk}-{amankul.slug}/"
    first = client.get(base).content.decode()
    assert len(figures_in(first)) == 2
    assert 'href="?page=2"' in first
    assert 'href="?articles_page=2"' in first
    assert by_date[-1].get_absolute_url("ru") in first
    second = client.get(base, {"articles_page": 2}).content.decode()
    assert by_date[0].get_absolute_url("ru") in second
    moved = client.get(f"/ru/photographers/{amankul.pk}-x/?page=2")
    assert moved.status_code == 301
    assert moved["Location"] == f"{base}?page=2"
    both = client.get(base, {"page": 2, "articles_page": 2}).content.decode()
    # The photos' pagination comes first; its "newer" link keeps the articles' page.
    newer = lxml_html.fromstring(both).xpath("(//nav[@class='pagination'])[1]//a[@rel='prev']")
    assert len(newer) == 1
    assert parse_qs(urlsplit(newer[0].get("href")).query) == {
        "page": ["1"],
        "articles_page": ["2"],
    }
    # Page 2 holds the third photo; past the last page is 404, not the last page again.
    assert len(figures_in(client.get(base, {"page": 2}).content.decode())) == 1
    assert client.get(base, {"page": 3}).status_code == 404


def test_photographer_page_reads_one_page_of_photo_ids(client, amankul, monkeypatch):
    """However many photos the photographer has, the page reads PHOTOS_PER_PAGE + 1 ids."""
    from articles import photographer_views as public_views

    monkeypatch.setattr(public_views, "PHOTOS_PER_PAGE", 2)
    for _ in range(4):
        ArticleFactory(lead_photo=photo(by=amankul))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/ru/photographers/{amankul.pk}-{amankul.slug}/")
    assert page.status_code == 200
    photo_reads = [q["sql"] for q in queries if 'FROM "media_credits_photo"' in q["sql"]]
    assert photo_reads
    assert "LIMIT 3" in photo_reads[0]


def figures_in(page):
    return lxml_html.fromstring(page).xpath("//figure")


def change_form(article, **overrides):
    """The article's admin change form as the browser would post it unchanged."""
    sections = list(article.sections.order_by("position"))
    local = timezone.localtime(article.published_at) if article.published_at else None
    data = {
        "headline_ru": article.headline_ru,
        "standfirst_ru": article.standfirst_ru,
        "slug_ru": article.slug_ru,
        "expected_version": article.version,
        "published_at_0": local.strftime("%d.%m.%Y") if local else "",
        "published_at_1": local.strftime("%H:%M:%S") if local else "",
        "lead_photo": article.lead_photo_id or "",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "gallery-TOTAL_FORMS": "0",
        "gallery-INITIAL_FORMS": "0",
        "sections-TOTAL_FORMS": str(len(sections)),
        "sections-INITIAL_FORMS": str(len(sections)),
    }
    for i, section in enumerate(sections):
        data |= {
            f"sections-{i}-id": section.pk,
            f"sections-{i}-article": article.pk,
            f"sections-{i}-position": section.position,
            f"sections-{i}-subhead_ru": section.subhead_ru or "",
            f"sections-{i}-body_ru": section.body_ru,
            f"sections-{i}-photo": section.photo_id or "",
        }
    data.update(overrides)
    return data


@pytest.mark.parametrize("where", ["lead", "section", "gallery"])
def test_a_photo_without_alt_text_cannot_be_added_to_a_published_article(client, editor, where):
    article = ArticleFactory(headline_ru="Опубликованная")
    bare = photo(credit="ТАСС", alt_text_ru="", alt_text_kk="", alt_text_en="")
    overrides = {
        "lead": {"lead_photo": bare.pk},
        "section": {"sections-1-photo": bare.pk},
        "gallery": {
            "gallery-TOTAL_FORMS": "1",
            "gallery-0-photo": bare.pk,
            "gallery-0-position": "1",
        },
    }[where]
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, change_form(article, **overrides), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "has no alt text in Russian" in response.content.decode()
    article.refresh_from_db()
    assert article.photos_in_order() == []
    described = photo(credit="ТАСС", alt_text_ru="Описание")
    fixed = {key: (described.pk if value == bare.pk else value) for key, value in overrides.items()}
    article.refresh_from_db()
    response = client.post(url, change_form(article, **fixed))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.photos_in_order() == [described]


def test_the_alt_text_of_a_photo_a_published_article_shows_cannot_be_blanked(client, photographer):
    from media_credits.models import Photographer

    own = Photographer.objects.create(name_ru="Свой Фотограф", gender="male", user=photographer)
    used = photo(by=own, alt_text_ru="Описание", uploaded_by=photographer)
    ArticleFactory(headline_ru="Опубликованная", lead_photo=used)
    client.force_login(photographer)
    url = reverse("admin:media_credits_photo_change", args=[used.pk])
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if not isinstance(v, list)}
    data |= {"photographer": own.pk, "alt_text_ru": "", "usage_terms": used.usage_terms}
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "is published with this photo" in response.content.decode()
    used.refresh_from_db()
    assert used.alt_text_ru == "Описание"


def test_a_photographer_deleting_a_used_photo_does_not_learn_draft_headlines(client, photographer):
    from media_credits.models import Photographer

    own = Photographer.objects.create(name_ru="Свой Фотограф", gender="male", user=photographer)
    used = photo(by=own, uploaded_by=photographer)
    ArticleFactory(headline_ru="Секретный черновик", status=Article.Status.DRAFT, lead_photo=used)
    client.force_login(photographer)
    page = client.get(
        reverse("admin:media_credits_photo_delete", args=[used.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Секретный черновик" not in page
    assert "Cannot delete photo" in page or "ask an editor" in page
    assert Photo.objects.filter(pk=used.pk).exists()


def test_the_photo_picker_ignores_a_malformed_choice(client, editor):
    client.force_login(editor)
    response = client.get("/admin/media_credits/photo/picker/", {"photo": "abc"})
    assert response.status_code == 200
