from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_ckeditor_5.widgets import CKEditor5Widget
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
)

from articles import workflow
from articles.models import Article, ArticleAuthor, Author, Rubric, Section
from articles.sanitize import sanitize_body

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


class SectionInline(TranslationStackedInline):
    model = Section
    extra = 0
    fields = ("position", "subhead", "body")

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


@admin.register(Article)
class ArticleAdmin(TabbedTranslationAdmin):
    list_display = ("headline", "status", "rubric", "languages_complete", "published_at")
    list_filter = ("status", "rubric", ("published_at", admin.DateFieldListFilter))
    list_select_related = ("rubric",)
    search_fields = ("headline_ru", "headline_kk", "headline_en", "standfirst_ru", "source_name")
    date_hierarchy = "published_at"
    ordering = ("-updated_at",)
    inlines = (BylineInline, SectionInline)
    actions = ("publish_selected",)
    readonly_fields = ("status", "version", "source_name", "source_credit", "updated_at")
    fieldsets = (
        (None, {"fields": ("headline", "standfirst", "rubric", "slug")}),
        (_("Publication"), {"fields": ("status", "published_at", "version", "updated_at")}),
        (_("Import"), {"fields": ("source_name", "source_credit"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_completeness()

    @admin.display(description=_("languages complete"))
    def languages_complete(self, obj):
        codes = [code for code in LANGUAGE_CODES if getattr(obj, f"is_complete_{code}", False)]
        return (
            format_html_join(" ", '<span lang="{}">{}</span>', ((c, c.upper()) for c in codes))
            or "—"
        )

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
