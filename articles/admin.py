from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_ckeditor_5.widgets import CKEditor5Widget
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
)

from articles import workflow
from articles.models import Article, ArticleAuthor, Author, GalleryPhoto, Rubric, Section
from articles.sanitize import sanitize_body
from media_credits.credits import is_usable

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@admin.register(Rubric)
class RubricAdmin(TabbedTranslationAdmin):
    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    search_fields = ("name_ru", "name_kk", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Author)
class AuthorAdmin(TabbedTranslationAdmin):
    list_display = ("name", "user")
    list_select_related = ("user",)
    search_fields = ("name_ru", "name_kk", "name_en")
    autocomplete_fields = ("user",)


class PublishedArticlePhotos(BaseInlineFormSet):
    """A photo added to a published article must meet what publishing required."""

    def clean(self):
        super().clean()
        article = self.instance
        if article.pk is None or article.status != Article.Status.PUBLISHED:
            return
        languages = article.complete_languages()
        for form in self.forms:
            photo = getattr(form, "cleaned_data", {}).get("photo")
            if photo is None or "photo" not in form.changed_data or self._should_delete_form(form):
                continue
            problems = workflow.photo_problems(article, photos=[photo], languages=languages)
            if problems:
                form.add_error("photo", " ".join(problems))


class SectionInline(TranslationStackedInline):
    model = Section
    formset = PublishedArticlePhotos
    extra = 0
    fields = ("position", "subhead", "body", "photo")
    autocomplete_fields = ("photo",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name.startswith("body_"):
            kwargs["widget"] = CKEditor5Widget(config_name="body")
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name.startswith("body_") and field is not None:
            # The same sanitiser as Section.save(), so the form shows what is stored.
            field.clean = _sanitizing(field.clean)
        return field


def _sanitizing(clean):
    def clean_and_sanitize(value):
        return sanitize_body(clean(value))

    return clean_and_sanitize


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 0
    fields = ("author", "position")
    autocomplete_fields = ("author",)
    verbose_name = _("author")
    verbose_name_plural = _("authors (in byline order)")


class GalleryInline(admin.TabularInline):
    model = GalleryPhoto
    formset = PublishedArticlePhotos
    extra = 0
    fields = ("photo", "position")
    autocomplete_fields = ("photo",)


class ArticleAdminForm(forms.ModelForm):
    """Refuses to overwrite changes saved since the form was opened (optimistic locking)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = ("headline", "standfirst", "rubric", "slug", "lead_photo", "published_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        # The admin wraps the whole save in one transaction: this row lock holds until
        # the article and its sections are written, so two saves cannot both pass.
        current = (
            Article.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .only("version", "updated_at", "updated_by__username")
            .get(pk=self.instance.pk)
        )
        expected = cleaned.get("expected_version")
        if expected != current.version:
            # Saving this form again is a deliberate choice to replace their changes.
            self.data = self.data.copy()
            self.data["expected_version"] = str(current.version)
            raise forms.ValidationError(
                _(
                    "%(user)s saved this article at %(time)s, after you opened it. Your text "
                    "is still in this form and nothing was saved. Open the article in another "
                    "tab to compare; saving this form again replaces their changes with yours."
                ),
                code="conflict",
                params={
                    "user": current.updated_by or _("someone"),
                    "time": timezone.localtime(current.updated_at).strftime("%d.%m.%Y %H:%M"),
                },
            )
        lead = cleaned.get("lead_photo")
        published = self.instance.status == Article.Status.PUBLISHED
        if lead is not None and published and "lead_photo" in self.changed_data:
            problems = workflow.photo_problems(self.instance, photos=[lead])
            if problems:
                self.add_error("lead_photo", " ".join(problems))
        return cleaned


@admin.register(Article)
class ArticleAdmin(TabbedTranslationAdmin):
    form = ArticleAdminForm
    list_display = ("headline", "status", "rubric", "languages_complete", "published_at")
    list_filter = ("status", "rubric", ("published_at", admin.DateFieldListFilter))
    list_select_related = ("rubric",)
    search_fields = ("headline_ru", "headline_kk", "headline_en", "standfirst_ru", "source_name")
    date_hierarchy = "published_at"
    ordering = ("-updated_at",)
    inlines = (BylineInline, SectionInline, GalleryInline)
    autocomplete_fields = ("lead_photo",)
    actions = ("publish_selected",)
    readonly_fields = (
        "status",
        "version",
        "source_name",
        "source_credit",
        "updated_at",
        "photo_warnings",
    )
    fieldsets = (
        (None, {"fields": ("headline", "standfirst", "rubric", "slug", "expected_version")}),
        (_("Photos"), {"fields": ("lead_photo", "photo_warnings")}),
        (_("Publication"), {"fields": ("status", "published_at", "version", "updated_at")}),
        (_("Import"), {"fields": ("source_name", "source_credit"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_completeness()

    def _is_editor(self, request) -> bool:
        return request.user.has_perm(workflow.PUBLISH_PERMISSION)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or self._is_editor(request):
            return True
        # Reporters edit their own drafts; once submitted or published an article changes
        # only through an editor.
        return obj.created_by_id == request.user.pk and obj.status == Article.Status.DRAFT

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not self._is_editor(request):
            fields = (*fields, "published_at")
        return fields

    @admin.display(description=_("languages complete"))
    def languages_complete(self, obj):
        codes = [code for code in LANGUAGE_CODES if getattr(obj, f"is_complete_{code}", False)]
        return (
            format_html_join(" ", '<span lang="{}">{}</span>', ((c, c.upper()) for c in codes))
            or "—"
        )

    @admin.display(description=_("photo warnings"))
    def photo_warnings(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        # Everything that would stop publishing (or that a public page now hides).
        problems = workflow.photo_problems(obj)
        if not problems:
            return "—"
        return format_html_join("", '<p class="errornote">{}</p>', ((p,) for p in problems))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        if article is not None and request.method == "GET":
            expired = {p for p in article.photos_in_order() if not is_usable(p)}
            if expired:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d photo of this article has expired usage terms and is "
                        "hidden from the public.",
                        "%(count)d photos of this article have expired usage terms and are "
                        "hidden from the public.",
                        len(expired),
                    )
                    % {"count": len(expired)},
                    messages.WARNING,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Section:
            return super().save_formset(request, form, formset, change)
        # Sections keep the order the editor gave (position, then place in the form),
        # renumbered 1..n so the public page and the importer agree.
        with transaction.atomic():
            formset.save()
            sections = sorted(form.instance.sections.all(), key=lambda s: (s.position, s.id))
            for number, section in enumerate(sections, start=1):
                if section.position != number:
                    section.position = number
                    section.save(update_fields=["position"])

    def has_publish_permission(self, request):
        return request.user.has_perm(workflow.PUBLISH_PERMISSION)

    @admin.action(description=_("Publish selected articles"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        published = 0
        for article in queryset:
            try:
                workflow.publish(article, user=request.user)
            except (workflow.TransitionError, PermissionDenied) as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext("%(count)d article published.", "%(count)d articles published.", published)
                % {"count": published},
                messages.SUCCESS,
            )
