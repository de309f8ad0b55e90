"""Readers' typo reports in the admin: per article, mark done, or turn into a correction.

A correction goes through the workflow's "correct" step (articles.workflow.apply) with
the text the editor confirmed or edited on the page this module adds; nothing is
published without the editor pressing the button.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from articles import workflow
from articles.models import Article, Correction, TypoReport
from newsroom.admin import NamedAdminMixin, NameForms
from newsroom.admin_input import parse_id

CORRECTION_MAX = 1000
CORRECT_PERMISSION = workflow.TRANSITIONS["correct"].permission


class ArticleWithReportsFilter(admin.SimpleListFilter):
    """Only the articles that have reports (the newest first), not every article."""

    title = _("article")
    parameter_name = "article"
    LIMIT = 50

    def lookups(self, request, model_admin):
        reported = TypoReport.objects.values("article_id")
        articles = list(
            Article.objects.filter(pk__in=reported).order_by("-published_at")[: self.LIMIT]
        )
        chosen = self.value()
        chosen_id = parse_id(chosen)
        if chosen_id is not None and all(a.pk != chosen_id for a in articles):
            articles += list(Article.objects.filter(pk=chosen_id))
        return [(str(a.pk), Truncator(str(a)).chars(60)) for a in articles]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if parse_id(value) is None:
            return queryset.none()
        return queryset.filter(article_id=parse_id(value))


def suggested_correction(report: TypoReport, language: str) -> str:
    """The note an editor starts from, in ``language``; quotes the report in its own."""
    with translation.override(language):
        if language == report.language:
            return gettext("A typo in the text was corrected: “%(text)s”.") % {
                "text": report.selection
            }
        return gettext("A typo in the text was corrected.")


class CorrectionTextForm(forms.Form):
    """The correction's text in every language the article is public in (all required)."""

    def __init__(self, *args, languages, initial_texts=None, **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        for code in languages:
            self.fields[f"text_{code}"] = forms.CharField(
                label=names[code],
                max_length=CORRECTION_MAX,
                initial=(initial_texts or {}).get(code, ""),
                widget=forms.Textarea(attrs={"rows": 3, "cols": 70, "lang": code}),
            )
        self.languages = list(languages)

    def texts(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"text_{code}"] for code in self.languages}


@admin.register(TypoReport)
class TypoReportAdmin(NamedAdminMixin, admin.ModelAdmin):
    name_forms = NameForms(
        accusative=pgettext_lazy("accusative", "typo report"),
        accusative_plural=pgettext_lazy("accusative plural", "typo reports"),
        gender=pgettext_lazy("grammatical gender", "typo report"),
        after_name=pgettext_lazy("after a name", "typo report"),
        after_name_accusative=pgettext_lazy("after a name, accusative", "typo report"),
    )
    list_display = (
        "selection_short", "article_link", "language", "comment_short", "created_at", "state",
        "next_step",
    )  # fmt: skip
    list_display_links = ("selection_short",)
    list_filter = ("state", ArticleWithReportsFilter, "language")
    list_select_related = ("article",)
    search_fields = ("selection", "comment", "context")
    date_hierarchy = "created_at"
    actions = ("mark_done",)
    fields = (
        "article_link", "language", "selection", "context_marked", "comment", "created_at",
        "state", "handled_by", "handled_at", "correction",
    )  # fmt: skip
    readonly_fields = fields
    change_form_template = "admin/articles/typoreport/change_form.html"

    def has_add_permission(self, request):
        return False

    # --- Columns ---------------------------------------------------------------------------

    @admin.display(description=_("selected text"), ordering="selection")
    def selection_short(self, obj):
        return Truncator(obj.selection).chars(60)

    @admin.display(description=_("reader's comment"))
    def comment_short(self, obj):
        return Truncator(obj.comment).chars(60) or "—"

    @admin.display(description=_("article"), ordering="article")
    def article_link(self, obj):
        url = reverse("admin:articles_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, Truncator(str(obj.article)).chars(80))

    @admin.display(description=_("context"))
    def context_marked(self, obj):
        context, selection = obj.context, obj.selection
        at = context.find(selection) if context and selection else -1
        if at < 0:
            return context or "—"
        return format_html(
            "{}<mark>{}</mark>{}",
            context[:at],
            context[at : at + len(selection)],
            context[at + len(selection) :],
        )

    @admin.display(description=_("next step"))
    def next_step(self, obj):
        if obj.state != TypoReport.State.NEW:
            return "—"
        url = reverse("admin:articles_typoreport_correct", args=[obj.pk])
        return format_html(
            '<a href="{}" class="typo-correct-link">{}</a>', url, _("Turn into a correction")
        )

    # --- Mark done -------------------------------------------------------------------------

    @admin.action(description=_("Mark the selected reports done"), permissions=["change"])
    def mark_done(self, request, queryset):
        count = queryset.filter(state=TypoReport.State.NEW).update(
            state=TypoReport.State.DONE, handled_by=request.user, handled_at=timezone.now()
        )
        self.message_user(
            request,
            ngettext("%(count)d report marked done.", "%(count)d reports marked done.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "may_handle": report is not None
            and report.state == TypoReport.State.NEW
            and self.has_change_permission(request, report),
            "may_correct": request.user.has_perm(CORRECT_PERMISSION),
        }
        if request.method == "POST" and "_mark_done" in request.POST:
            if report is None or not self.has_change_permission(request, report):
                raise PermissionDenied
            self.mark_done(request, TypoReport.objects.filter(pk=report.pk))
            return HttpResponseRedirect(reverse("admin:articles_typoreport_changelist"))
        return super().change_view(request, object_id, form_url, extra_context)

    # --- Turn into a correction ----------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="articles_typoreport_correct",
            ),
            *super().get_urls(),
        ]

    def correct_view(self, request, object_id):
        report = self.get_object(request, object_id)
        if report is None:
            raise Http404
        if not self.has_change_permission(request, report) or not request.user.has_perm(
            CORRECT_PERMISSION
        ):
            raise PermissionDenied
        article = report.article
        languages = article.released_languages()
        list_url = reverse("admin:articles_typoreport_changelist")
        if report.state != TypoReport.State.NEW:
            self.message_user(request, _("This report was already handled."), messages.WARNING)
            return HttpResponseRedirect(list_url)
        form = CorrectionTextForm(
            request.POST if request.method == "POST" else None,
            languages=languages,
            initial_texts={code: suggested_correction(report, code) for code in languages},
        )
        if (
            request.method == "POST"
            and form.is_valid()
            and self._correct(request, report, form.texts())
        ):
            return HttpResponseRedirect(list_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Turn a typo report into a correction"),
            "report": report,
            "article": article,
            "article_url": reverse("admin:articles_article_change", args=[article.pk]),
            "context_marked": self.context_marked(report),
            "form": form,
        }
        return TemplateResponse(request, "admin/articles/typoreport/correct.html", context)

    def _correct(self, request, report, texts) -> bool:
        try:
            with transaction.atomic():
                locked = TypoReport.objects.select_for_update().get(pk=report.pk)
                if locked.state != TypoReport.State.NEW:
                    raise workflow.TransitionError(gettext("This report was already handled."))
                workflow.apply(
                    report.article,
                    "correct",
                    user=request.user,
                    comment=gettext("From typo report #%(id)s") % {"id": report.pk},
                    correction=texts,
                )
                # apply() holds the article's row until this transaction ends: the newest
                # correction of the article is the one it just wrote.
                correction = Correction.objects.filter(article_id=report.article_id).latest("id")
                locked.state = TypoReport.State.CORRECTED
                locked.correction = correction
                locked.handled_by = request.user
                locked.handled_at = timezone.now()
                locked.save(update_fields=["state", "correction", "handled_by", "handled_at"])
        except (workflow.TransitionError, PermissionDenied) as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return False
        self.message_user(
            request,
            _("“%(article)s”: the correction is published. Fix the text itself in the article.")
            % {"article": report.article},
            messages.SUCCESS,
        )
        return True
