from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
)
from reversion.models import Revision
from reversion_compare.admin import CompareVersionAdmin
from reversion_compare.helpers import html_diff

from articles import photo_state, preview, typo_admin, workflow  # noqa: F401 — typo_admin registers its admin
from articles.desk import DeskFilter
from articles.models import (
    LANGUAGE_CODES,
    Article,
    ArticleAuthor,
    Author,
    GalleryPhoto,
    Rubric,
    Section,
    Transition,
)
from articles.sanitize import has_text
from articles.widgets import BodyEditorWidget
from media_credits.credits import is_usable
from newsroom import versioning
from newsroom.admin import NamedAdminMixin, NameForms
from newsroom.admin_input import AutocompleteMixin

#: Article columns that belong to the workflow: a revision revert never changes them.
WORKFLOW_FIELDS = (
    "status", "published_at", "modified_at", "version", "source_name", "source_digests",
    *(f"released_{code}" for code in LANGUAGE_CODES),
)  # fmt: skip


def _language_names(codes) -> str:
    names = dict(settings.LANGUAGES)
    return ", ".join(str(names[code]) for code in codes)


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _is_editor(request) -> bool:
    return request.user.has_perm(workflow.EDIT_ANY_PERMISSION)


@admin.register(Rubric)
class RubricAdmin(NamedAdminMixin, TabbedTranslationAdmin):
    name_forms = NameForms(
        accusative=pgettext_lazy("accusative", "rubric"),
        accusative_plural=pgettext_lazy("accusative plural", "rubrics"),
        gender=pgettext_lazy("grammatical gender", "rubric"),
        after_name=pgettext_lazy("after a name", "rubric"),
        after_name_accusative=pgettext_lazy("after a name, accusative", "rubric"),
    )
    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    search_fields = ("name_ru", "name_kk", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Author)
class AuthorAdmin(AutocompleteMixin, NamedAdminMixin, TabbedTranslationAdmin):
    name_forms = NameForms(
        accusative=pgettext_lazy("accusative", "author"),
        accusative_plural=pgettext_lazy("accusative plural", "authors"),
        gender=pgettext_lazy("grammatical gender", "author"),
        after_name=pgettext_lazy("after a name", "author"),
        after_name_accusative=pgettext_lazy("after a name, accusative", "author"),
    )
    list_display = ("name", "user")
    list_select_related = ("user",)
    search_fields = ("name_ru", "name_kk", "name_en")
    autocomplete_fields = ("user",)

    def get_readonly_fields(self, request, obj=None):
        # Binding a byline to a staff account grants that account the author's articles:
        # only a user manager (auth.change_user) does it.
        fields = super().get_readonly_fields(request, obj)
        if not request.user.has_perm("auth.change_user"):
            fields = (*fields, "user")
        return fields


class ArticleSectionsFormSet(BaseInlineFormSet):
    """Sections as submitted keep every released language complete; new photos meet the gate."""

    def clean(self):
        super().clean()
        article = self.instance
        if article.pk is None or article.status != Article.Status.PUBLISHED:
            return
        released = article.released_languages()
        if self.model is Section:
            kept = [
                form.cleaned_data
                for form in self.forms
                if getattr(form, "cleaned_data", None)
                and not self._should_delete_form(form)
                and (form.instance.pk is not None or form.has_changed())
            ]
            incomplete = [code for code in released if not _sections_complete(kept, code)]
            if incomplete:
                raise forms.ValidationError(
                    _(
                        "The article is public in %(languages)s: every section needs its "
                        "text (and its subhead, where it has one) in that language. Fill it "
                        "in, or withdraw the translation first. Nothing was saved."
                    ),
                    code="released_incomplete",
                    params={"languages": _language_names(incomplete)},
                )
        reverting = getattr(self, "reverting", False)
        for form in self.forms:
            photo = getattr(form, "cleaned_data", {}).get("photo")
            if photo is None or self._should_delete_form(form):
                continue
            if not reverting and "photo" not in form.changed_data:
                continue
            problems = workflow.photo_problems(article, photos=[photo], languages=released)
            if problems:
                form.add_error("photo", " ".join(problems))


def _sections_complete(sections: list[dict], code: str) -> bool:
    if not sections:
        return False
    for data in sections:
        if not has_text(data.get(f"body_{code}")):
            return False
        has_subhead = any(data.get(f"subhead_{c}") for c in LANGUAGE_CODES)
        if has_subhead and not data.get(f"subhead_{code}"):
            return False
    return True


class SectionInline(AutocompleteMixin, TranslationStackedInline):
    name_forms = NameForms(
        accusative=pgettext_lazy("accusative", "section"),
        accusative_plural=pgettext_lazy("accusative plural", "sections"),
        gender=pgettext_lazy("grammatical gender", "section"),
        after_name=pgettext_lazy("after a name", "section"),
        after_name_accusative=pgettext_lazy("after a name, accusative", "section"),
    )
    model = Section
    formset = ArticleSectionsFormSet
    extra = 0
    fields = ("position", "subhead", "body", "photo")
    autocomplete_fields = ("photo",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name.startswith("body_"):
            kwargs["widget"] = BodyEditorWidget(config_name="body")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class BylineInline(AutocompleteMixin, admin.TabularInline):
    name_forms = NameForms(
        accusative=pgettext_lazy("accusative", "author"),
        accusative_plural=pgettext_lazy("accusative plural", "authors"),
        gender=pgettext_lazy("grammatical gender", "author"),
        after_name=pgettext_lazy("after a name", "author"),
        after_name_accusative=pgettext_lazy("after a name, accusative", "author"),
    )
    model = ArticleAuthor
    extra = 0
    fields = ("author", "position")
    autocomplete_fields = ("author",)
    verbose_name = _("author")
    verbose_name_plural = _("authors (in byline order)")


class GalleryInline(AutocompleteMixin, admin.TabularInline):
    name_forms = NameForms(
        accusative=pgettext_lazy("accusative", "gallery photo"),
        accusative_plural=pgettext_lazy("accusative plural", "gallery photos"),
        gender=pgettext_lazy("grammatical gender", "gallery photo"),
        after_name=pgettext_lazy("after a name", "gallery photo"),
        after_name_accusative=pgettext_lazy("after a name, accusative", "gallery photo"),
    )
    model = GalleryPhoto
    formset = ArticleSectionsFormSet
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
        self.request = kwargs.pop("request", None)
        self.reverting = kwargs.pop("reverting", False)
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        # The admin wraps the whole save in one transaction: this row lock holds until
        # the article and its sections are written, so two saves cannot both pass. The
        # save itself is a compare-and-swap on the version (Article.save()).
        current = (
            Article.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .only("version", "status", "updated_at", "updated_by__username", "created_by")
            .get(pk=self.instance.pk)
        )
        user = getattr(self.request, "user", None)
        is_editor = user is None or user.has_perm(workflow.EDIT_ANY_PERMISSION)
        if not is_editor and current.status != Article.Status.DRAFT:
            self._refuse_state_change(current)
        expected = cleaned.get("expected_version")
        versioning.refuse_stale_form(
            self,
            current,
            expected,
            _(
                "%(user)s saved this article at %(time)s, after you opened it. Your text "
                "is still in this form and nothing was saved. Open the article in another "
                "tab to compare; saving this form again replaces their changes with yours."
            ),
        )
        # The compare-and-swap in Article.save() checks this version, not the one read.
        self.instance.version = expected
        released = self.instance.released_languages()
        if self.instance.status == Article.Status.PUBLISHED:
            missing = [c for c in released if not (cleaned.get(f"headline_{c}") or "").strip()]
            if missing:
                raise forms.ValidationError(
                    _(
                        "The article is public in %(languages)s and needs its headline there. "
                        "Nothing was saved."
                    ),
                    code="released_incomplete",
                    params={"languages": _language_names(missing)},
                )
        lead = cleaned.get("lead_photo")
        published = self.instance.status == Article.Status.PUBLISHED
        if lead is not None and published and ("lead_photo" in self.changed_data or self.reverting):
            problems = workflow.photo_problems(self.instance, photos=[lead], languages=released)
            if problems:
                self.add_error("lead_photo", " ".join(problems))
        return cleaned

    def _refuse_state_change(self, current: Article) -> None:
        step = current.transitions.select_related("user").first()
        params = {
            "status": current.get_status_display(),
            "user": step.user if step else _("an editor"),
            "time": _when(step.created_at) if step else "",
        }
        raise forms.ValidationError(
            _(
                "While you were editing, %(user)s changed this article's state (now: "
                "%(status)s, at %(time)s); only an editor can change it now. Your text is "
                "still in this form and nothing was saved: copy it and send it to the editor."
            ),
            code="state_changed",
            params=params,
        )


class TransitionForm(forms.Form):
    """The details a transition may need: a comment, languages, a time, a correction."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea)
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    at = forms.DateTimeField(
        label=_("Publication time"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


@admin.register(Article)
class ArticleAdmin(
    AutocompleteMixin, NamedAdminMixin, CompareVersionAdmin, TabbedTranslationAdmin
):
    name_forms = NameForms(
        accusative=pgettext_lazy("accusative", "article"),
        accusative_plural=pgettext_lazy("accusative plural", "articles"),
        gender=pgettext_lazy("grammatical gender", "article"),
        after_name=pgettext_lazy("after a name", "article"),
        after_name_accusative=pgettext_lazy("after a name, accusative", "article"),
    )
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = ("headline", "state", "languages_state", "rubric", "published_at")
    list_filter = (
        "status",
        "rubric",
        ("published_at", admin.DateFieldListFilter),
    )
    list_select_related = ("rubric",)
    search_fields = ("headline_ru", "headline_kk", "headline_en", "standfirst_ru", "source_name")
    date_hierarchy = "published_at"
    ordering = ("-updated_at",)
    inlines = (BylineInline, SectionInline, GalleryInline)
    autocomplete_fields = ("lead_photo",)
    readonly_fields = (
        "status",
        "version",
        "source_name",
        "source_credit",
        "updated_at",
        "photo_warnings",
        "workflow_history",
    )
    fieldsets = (
        (None, {"fields": ("headline", "standfirst", "rubric", "slug", "expected_version")}),
        (_("Photos"), {"fields": ("lead_photo", "photo_warnings")}),
        (_("Publication"), {"fields": ("status", "published_at", "version", "updated_at")}),
        (_("History"), {"fields": ("workflow_history",)}),
        (_("Import"), {"fields": ("source_name", "source_credit"), "classes": ("collapse",)}),
    )

    def reversion_register(self, model, **options):
        # Registered here, at admin autodiscovery, after modeltranslation added the
        # per-language columns: a revision then holds every language (STACK-NOTES).
        super().reversion_register(model, **options)

    def compare_sections(self, obj_compare):
        """Sections of two revisions side by side: subhead and text per language."""
        first = _sections_of(obj_compare.compare_obj1.version_record)
        second = _sections_of(obj_compare.compare_obj2.version_record)
        names = dict(settings.LANGUAGES)
        parts = []
        for pk in sorted(set(first) | set(second), key=lambda k: _section_order(first, second, k)):
            old, new = first.get(pk, {}), second.get(pk, {})
            for field in ("subhead", "body"):
                for code in LANGUAGE_CODES:
                    before = old.get(f"{field}_{code}") or ""
                    after = new.get(f"{field}_{code}") or ""
                    if before == after:
                        continue
                    label = Section._meta.get_field(field).verbose_name
                    parts.append(
                        format_html(
                            '<h4 class="section-diff">{} {} — {} ({})</h4>{}',
                            _("Section"),
                            (new or old).get("position", ""),
                            label,
                            names[code],
                            html_diff(before, after),
                        )
                    )
        return mark_safe("".join(parts)) if parts else _("No change in the sections.")  # noqa: S308 — html_diff escapes

    def get_list_filter(self, request):
        return (DeskFilter, *self.list_filter)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "articles_article_changelist":
            # The list's language column; the change form computes what it needs itself.
            queryset = queryset.with_completeness()
        return queryset

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        reverting = getattr(request, "_reverting_article", False)

        class RequestForm(form_class):
            def __init__(self, *args, **kw):
                super().__init__(*args, request=request, reverting=reverting, **kw)

        return RequestForm

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            formset.reverting = getattr(request, "_reverting_article", False)
            yield formset, inline

    # --- Who may change what -------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or _is_editor(request):
            return True
        if not workflow.is_author(obj, request.user):
            return False
        # Reporters edit their own drafts. A save posted after the article left the draft
        # state is let through to the form, which refuses it and keeps the text.
        return obj.status == Article.Status.DRAFT or request.method == "POST"

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or _is_editor(request) or workflow.is_author(obj, request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not _is_editor(request):
            fields = (*fields, "published_at")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # A read-only form posts nothing back, so it has no version to compare: without
        # this the page shows "Expected version: None".
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "expected_version"]})
            for name, options in fieldsets
        ]

    def view_on_site(self, obj):
        if any(obj.is_available_in(code) for code in LANGUAGE_CODES):
            language = next(c for c in LANGUAGE_CODES if obj.is_available_in(c))
            return obj.get_absolute_url(language)
        return preview.preview_url(obj, (obj.released_languages() or _first_language(obj))[0])

    # --- Columns ---------------------------------------------------------------------------

    @admin.display(description=_("state"), ordering="status")
    def state(self, obj):
        if obj.is_scheduled():
            return _("scheduled for %(time)s") % {"time": _when(obj.published_at)}
        return obj.get_status_display()

    @admin.display(description=_("languages"))
    def languages_state(self, obj):
        parts = []
        for code in LANGUAGE_CODES:
            if obj.status == Article.Status.PUBLISHED and getattr(obj, f"released_{code}"):
                label = _("scheduled") if obj.is_scheduled() else _("published")
            elif getattr(obj, f"is_complete_{code}", False):
                label = _("complete")
            elif getattr(obj, f"has_text_{code}", False):
                label = _("in translation")
            else:
                label = _("missing")
            parts.append((code, code, label))
        return format_html_join(" · ", '<span lang="{}">{}: {}</span>', parts)

    @admin.display(description=_("photo warnings"))
    def photo_warnings(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        # Everything that would stop publishing (or that a public page now hides).
        problems = workflow.photo_problems(obj)
        if not problems:
            return "—"
        return format_html_join("", '<p class="errornote">{}</p>', ((p,) for p in problems))

    @admin.display(description=_("workflow history"))
    def workflow_history(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        steps = obj.transitions.select_related("user")
        if not steps:
            return "—"
        names = dict(settings.LANGUAGES)
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    _when(step.created_at),
                    workflow.TRANSITIONS[step.name].label
                    if step.name in workflow.TRANSITIONS
                    else step.name,
                    step.get_from_status_display(),
                    step.get_to_status_display(),
                    ", ".join(str(names.get(c, c)) for c in step.languages),
                    step.user,
                    step.comment,
                )
                for step in steps
            ),
        )
        return format_html(
            '<table class="workflow-history"><thead><tr><th>{}</th><th>{}</th><th>{}</th>'
            "<th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("time"),
            _("step"),
            _("state"),
            _("languages"),
            _("user"),
            _("comment"),
            rows,
        )

    # --- Views -----------------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        extra_context = dict(extra_context or {})
        if article is not None:
            extra_context.update(self._workflow_context(request, article))
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

    def _workflow_context(self, request, article):
        names = dict(settings.LANGUAGES)
        available = workflow.available_transitions(article, request.user)
        complete = article.complete_languages()
        released = article.released_languages()
        return {
            "workflow_steps": [
                {"name": name, "rule": workflow.TRANSITIONS[name]} for name in available
            ],
            "workflow_languages": [
                {
                    "code": code,
                    "name": names[code],
                    "complete": code in complete,
                    "released": code in released,
                }
                for code in LANGUAGE_CODES
            ],
            "preview_links": [
                (names[code], preview.preview_url(article, code)) for code in complete
            ]
            if request.user.has_perm("articles.view_article")
            else [],
        }

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # django-reversion reverts the rows first, then runs the change form on them:
        # the workflow's columns are put back as they are now before the form sees them,
        # and the photo gate treats every photo as new (CHANGE checks below).
        current = Article.objects.filter(pk=object_id).values(*WORKFLOW_FIELDS).first()
        request._reverting_article = True
        request._workflow_state = current
        return super().revision_view(request, object_id, version_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        state = getattr(request, "_workflow_state", None)
        if state is not None and object_id is not None:
            Article.objects.filter(pk=object_id).update(**state)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        else:
            request._photos_before = _photo_ids(obj.pk)
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        # Sections keep the order the editor gave (position, then place in the form),
        # renumbered 1..n so the public page and the importer agree.
        sections = sorted(article.sections.all(), key=lambda s: (s.position, s.id))
        for number, section in enumerate(sections, start=1):
            if section.position != number:
                section.position = number
                section.save(update_fields=["position"])
        if article.status == Article.Status.PUBLISHED:
            photo_state.sync(getattr(request, "_photos_before", set()) | _photo_ids(article.pk))

    def delete_model(self, request, obj):
        photos = _photo_ids(obj.pk)
        super().delete_model(request, obj)
        photo_state.sync(photos)

    def delete_queryset(self, request, queryset):
        photos = set().union(*(_photo_ids(pk) for pk in queryset.values_list("pk", flat=True)))
        super().delete_queryset(request, queryset)
        photo_state.sync(photos)

    def response_change(self, request, obj):
        name = request.POST.get("_transition")
        if name:
            self._apply_from_form(request, obj, name)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def _apply_from_form(self, request, obj, name) -> bool:
        form = TransitionForm(
            {
                "comment": request.POST.get("transition_comment", ""),
                "languages": request.POST.getlist("transition_languages"),
                "at": request.POST.get("transition_at", ""),
            }
        )
        if not form.is_valid():
            for errors in form.errors.values():
                self.message_user(request, " ".join(errors), messages.ERROR)
            return False
        correction = {code: request.POST.get(f"correction_{code}", "") for code in LANGUAGE_CODES}
        return self._apply(
            request,
            obj,
            name,
            comment=form.cleaned_data["comment"],
            languages=form.cleaned_data["languages"],
            at=form.cleaned_data["at"],
            correction=correction,
        )

    def _apply(self, request, obj, name, **details) -> bool:
        if name not in workflow.TRANSITIONS:
            self.message_user(request, _("Unknown workflow step."), messages.ERROR)
            return False
        try:
            workflow.apply(obj, name, user=request.user, **details)
        except (workflow.TransitionError, PermissionDenied) as exc:
            self.message_user(
                request,
                _("“%(article)s”: %(error)s") % {"article": obj, "error": exc},
                messages.ERROR,
            )
            return False
        self.message_user(
            request,
            _("“%(article)s”: %(step)s — done.")
            % {"article": obj, "step": workflow.TRANSITIONS[name].label},
            messages.SUCCESS,
        )
        return True

    # --- List actions: one per transition -------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        for name, rule in workflow.TRANSITIONS.items():
            if request.user.has_perm(rule.permission):
                key = f"transition_{name}"
                actions[key] = (_transition_action(name), key, rule.label)
        return actions

    def run_transition_action(self, request, queryset, name):
        rule = workflow.TRANSITIONS[name]
        needs_details = rule.comment_required or rule.per_language or name == "schedule"
        if needs_details and request.POST.get("confirm") != "yes":
            return self._confirm_transition(request, queryset, name)
        form = TransitionForm(
            {
                "comment": request.POST.get("transition_comment", ""),
                "languages": request.POST.getlist("transition_languages"),
                "at": request.POST.get("transition_at", ""),
            }
        )
        if not form.is_valid():
            return self._confirm_transition(request, queryset, name, form=form)
        done = 0
        for article in queryset:
            ticked = form.cleaned_data["languages"]
            languages = ticked
            if name in ("publish", "schedule") and ticked:
                # Of the ticked languages, each article releases those it is complete in;
                # one complete in none of them is left alone (never "all complete ones").
                complete = article.complete_languages()
                languages = [code for code in ticked if code in complete]
                if not languages:
                    self.message_user(
                        request,
                        _("“%(article)s” is not complete in %(languages)s; nothing was done.")
                        % {"article": article, "languages": _language_names(ticked)},
                        messages.ERROR,
                    )
                    continue
            correction = {
                code: request.POST.get(f"correction_{code}", "") for code in LANGUAGE_CODES
            }
            done += self._apply(
                request,
                article,
                name,
                comment=form.cleaned_data["comment"],
                languages=languages,
                at=form.cleaned_data["at"],
                correction=correction if name == "correct" else None,
            )
        return None

    def _confirm_transition(self, request, queryset, name, form=None):
        rule = workflow.TRANSITIONS[name]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": rule.label,
            "rule": rule,
            "name": name,
            "articles": list(queryset),
            "form": form or TransitionForm(),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "action": f"transition_{name}",
            "media": self.media + TransitionForm().media,
        }
        return TemplateResponse(request, "admin/articles/article/transition_confirm.html", context)


def _transition_action(name):
    def action(modeladmin, request, queryset):
        return modeladmin.run_transition_action(request, queryset, name)

    action.__name__ = f"transition_{name}"
    return action


def _sections_of(version) -> dict:
    """{section id: field values} of the sections stored in ``version``'s revision."""
    stored = version.revision.version_set.filter(
        content_type__app_label="articles", content_type__model="section"
    )
    return {int(v.object_id): v.field_dict for v in stored}


def _section_order(first: dict, second: dict, pk: int):
    data = second.get(pk) or first.get(pk) or {}
    return (data.get("position") or 0, pk)


def _first_language(article) -> list[str]:
    complete = article.complete_languages()
    return complete[:1] or [settings.LANGUAGE_CODE]


def _photo_ids(article_id) -> set:
    if article_id is None:
        return set()
    ids = set(Article.objects.filter(pk=article_id).values_list("lead_photo_id", flat=True))
    ids |= set(Section.objects.filter(article_id=article_id).values_list("photo_id", flat=True))
    ids |= set(
        GalleryPhoto.objects.filter(article_id=article_id).values_list("photo_id", flat=True)
    )
    ids.discard(None)
    return ids


@admin.register(Transition)
class TransitionAdmin(NamedAdminMixin, admin.ModelAdmin):
    """The audit log: read-only for everyone."""

    name_forms = NameForms(
        accusative=pgettext_lazy("accusative", "workflow step"),
        accusative_plural=pgettext_lazy("accusative plural", "workflow steps"),
        gender=pgettext_lazy("grammatical gender", "workflow step"),
        after_name=pgettext_lazy("after a name", "workflow step"),
        after_name_accusative=pgettext_lazy("after a name, accusative", "workflow step"),
    )

    list_display = ("created_at", "article", "name", "from_status", "to_status", "user")
    list_filter = ("name", "to_status")
    list_select_related = ("article", "user")
    search_fields = ("article__headline_ru", "comment")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# reversion_compare's list of revisions (ADD_REVERSION_ADMIN) searches "user", a foreign key:
# every search of that list was a server error. It searches the user's name instead.
if admin.site.is_registered(Revision):
    _RevisionAdmin = type(admin.site.get_model_admin(Revision))
    admin.site.unregister(Revision)

    @admin.register(Revision)
    class RevisionAdmin(_RevisionAdmin):
        search_fields = ("user__username", "comment")
