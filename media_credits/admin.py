import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from modeltranslation.admin import TabbedTranslationAdmin

from media_credits import renditions, tasks, upload, usage
from media_credits.forms import (
    CREDIT_FIELDS,
    PhotoChangeForm,
    PhotoPickerForm,
    PhotoUploadForm,
)
from media_credits.models import Photo, Photographer
from newsroom.admin import NamedAdminMixin, NameForms
from newsroom.admin_input import AutocompleteMixin, parse_id

THUMBNAIL_WIDTH = 480
#: How many of the uploader's latest photos the upload page lists with their state.
RECENT_UPLOADS = 100
#: Django's own permission to change user accounts: superusers and user managers.
USER_MANAGER_PERMISSION = "auth.change_user"


@admin.register(Photographer)
class PhotographerAdmin(AutocompleteMixin, NamedAdminMixin, TabbedTranslationAdmin):
    name_forms = NameForms(
        accusative=pgettext_lazy("accusative", "photographer"),
        accusative_plural=pgettext_lazy("accusative plural", "photographers"),
        gender=pgettext_lazy("grammatical gender", "photographer"),
        after_name=pgettext_lazy("after a name", "photographer"),
        after_name_accusative=pgettext_lazy("after a name, accusative", "photographer"),
    )
    list_display = ("name", "credit_name", "agency", "user", "is_name_to_confirm")
    list_filter = ("is_name_to_confirm", "gender")
    list_select_related = ("user",)
    search_fields = (
        "name_ru",
        "name_kk",
        "name_en",
        "credit_name_ru",
        "credit_name_kk",
        "credit_name_en",
        "agency",
    )
    autocomplete_fields = ("user",)
    fields = ("name", "gender", "credit_name", "slug", "agency", "user", "is_name_to_confirm")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # Binding a record to a staff account lets that account credit it and edit its
        # photos: only those who manage user accounts decide that.
        if not request.user.has_perm(USER_MANAGER_PERMISSION):
            fields = (*fields, "user")
        return fields


@admin.register(Photo)
class PhotoAdmin(AutocompleteMixin, NamedAdminMixin, TabbedTranslationAdmin):
    name_forms = NameForms(
        accusative=pgettext_lazy("accusative", "photo"),
        accusative_plural=pgettext_lazy("accusative plural", "photos"),
        gender=pgettext_lazy("grammatical gender", "photo"),
        after_name=pgettext_lazy("after a name", "photo"),
        after_name_accusative=pgettext_lazy("after a name, accusative", "photo"),
    )
    form = PhotoChangeForm
    list_display = (
        "thumbnail",
        "caption_or_untitled",
        "state",
        "photographer",
        "credit",
        "taken_on",
        "usage_terms",
        "uploaded_by",
        "uploaded_at",
    )
    list_display_links = ("thumbnail", "caption_or_untitled")
    list_filter = (
        "state",
        "usage_terms",
        ("taken_on", admin.DateFieldListFilter),
        "uploaded_at",
    )
    list_select_related = ("photographer", "uploaded_by")
    search_fields = (
        "caption_ru",
        "caption_kk",
        "caption_en",
        "credit_ru",
        "credit_kk",
        "credit_en",
        "photographer__name_ru",
        "photographer__name_kk",
        "photographer__name_en",
        "photographer__credit_name_ru",
    )
    autocomplete_fields = ("photographer",)
    date_hierarchy = "uploaded_at"
    readonly_fields = (
        "preview",
        "image_details",
        "uploaded_by",
        "uploaded_at",
        "file_metadata",
    )
    fieldsets = (
        (None, {"fields": ("preview", "caption", "alt_text", "expected_version")}),
        (
            _("Credit and usage"),
            {"fields": ("photographer", "credit", "taken_on", "usage_terms", "usage_expires_on")},
        ),
        (_("File"), {"fields": ("image_details", "uploaded_by", "uploaded_at")}),
        (_("Metadata from the file"), {"fields": ("file_metadata",), "classes": ("collapse",)}),
    )

    # --- Who sees and changes what ------------------------------------------------------

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)

        class RequestForm(form_class):
            def __init__(self, *args, **kw):
                super().__init__(*args, user=request.user, **kw)

        return RequestForm

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.is_credit_locked_for(request.user):
            fields = (*fields, *self.replace_orig_field(CREDIT_FIELDS))
        return fields

    def get_autocomplete_fields(self, request):
        # Those who may credit only themselves get a plain list of what they may choose.
        if not request.user.has_perm("media_credits.change_any_photo"):
            return ()
        return super().get_autocomplete_fields(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        photo = self.get_object(request, object_id)
        if (
            request.method == "GET"
            and photo is not None
            and photo.is_credit_locked_for(request.user)
            and self.has_change_permission(request, photo)
        ):
            self.message_user(
                request,
                _(
                    "A published or scheduled article shows this photo: its caption, credit "
                    "and photographer are read-only for you now. Ask an editor to change them."
                ),
                messages.WARNING,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            # Name the articles that use the photos, not their sections or gallery rows,
            # to those who may see articles; a photographer learns only that they exist.
            users = usage.users([obj.pk for obj in objs], request.user)
            if users is None:
                protected = [_("Photos used in articles (ask an editor)")]
            else:
                protected = [
                    format_html('{}: <a href="{}">{}</a>', kind, url, name)
                    for kind, name, url in users
                ] or protected
        return deleted, counts, perms_needed, protected

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_object(self, request, object_id, from_field=None):
        # Looked up in the whole library, so that someone else's photo is refused with
        # 403 by the permission checks instead of a redirect to the admin index.
        try:
            return Photo.objects.select_related("photographer").get(pk=int(object_id))
        except (Photo.DoesNotExist, ValueError):
            return None

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or obj.is_visible_to(request.user))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.may_be_changed_by(request.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.may_be_changed_by(request.user))

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        taken_on = _search_date(search_term)
        if taken_on is not None:
            found |= queryset.filter(taken_on=taken_on)
        match = request.resolver_match
        if match is not None and match.url_name == "autocomplete":
            # The pickers of articles offer only photos the worker has finished.
            found = found.ready()
        return found, may_have_duplicates

    # --- Columns and read-only fields --------------------------------------------------

    @admin.display(description=_("photo"))
    def thumbnail(self, obj):
        if not obj.is_ready():
            return obj.get_state_display()
        return format_html(
            '<img src="{}" width="96" height="{}" alt="" loading="lazy">',
            self._preview_url(obj),
            max(1, round(96 * obj.height / obj.width)),
        )

    @admin.display(description=_("caption"), ordering="caption_ru")
    def caption_or_untitled(self, obj):
        return (obj.caption or "").strip()[:120] or _("(no caption)")

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        if obj.state == Photo.State.PENDING:
            return _("Being processed: reload the page in a moment.")
        if obj.state == Photo.State.REFUSED:
            return _("Refused: %(reason)s") % {"reason": obj.refusal_message()}
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="" style="max-width:100%;height:auto">',
            self._preview_url(obj),
            min(THUMBNAIL_WIDTH, obj.width),
            round(min(THUMBNAIL_WIDTH, obj.width) * obj.height / obj.width),
        )

    @admin.display(description=_("image"))
    def image_details(self, obj):
        if not obj.image:
            return obj.original_name or "—"
        return format_html(
            '{} × {} px, {} — <a href="{}">{}</a>',
            obj.width,
            obj.height,
            obj.image_format,
            obj.image.url,
            _("original file"),
        )

    @admin.display(description=_("metadata"))
    def file_metadata(self, obj):
        rows = list(_flatten(obj.metadata))
        if not rows:
            return "—"
        # Every key and value came from the uploaded file: format_html_join escapes them.
        return format_html(
            "<table>{}</table>",
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        )

    def _preview_url(self, obj):
        return reverse(
            "admin:media_credits_photo_rendition",
            kwargs={"object_id": obj.pk, "width": THUMBNAIL_WIDTH, "image_format": "webp"},
        )

    # --- Upload, picker and previews ----------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="media_credits_photo_upload"),
            path("picker/", view(self.picker_view), name="media_credits_photo_picker"),
            path(
                "<int:object_id>/rendition/<int:width>.<str:image_format>",
                view(self.rendition_view),
                name="media_credits_photo_rendition",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return self.upload_view(request)

    def upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        refusals = []
        if request.method == "POST":
            form = PhotoUploadForm(request.POST, request.FILES, user=request.user)
            if form.is_valid():
                # One transaction for the batch: one commit instead of three a file, and
                # a request that fails saves none of it (never half a batch).
                with transaction.atomic():
                    photos, refusals = upload.accept_uploads(
                        form.cleaned_data["files"], shared=form.shared_fields(), user=request.user
                    )
                    tasks.enqueue(photos)
                if photos:
                    for refusal in refusals:
                        self.message_user(request, _refusal_text(refusal), messages.ERROR)
                    self.message_user(
                        request,
                        ngettext(
                            "%(count)d photo accepted. It is being checked and prepared: its "
                            "state shows below. Then check its caption, alt text and credit.",
                            "%(count)d photos accepted. They are being checked and prepared: "
                            "their states show below. Then check the captions, alt text and "
                            "credits.",
                            len(photos),
                        )
                        % {"count": len(photos)},
                        messages.SUCCESS,
                    )
                    # A plain reload of the page shows each file's progress.
                    return HttpResponseRedirect(reverse("admin:media_credits_photo_upload"))
        else:
            photographer = getattr(request.user, "photographer", None)
            form = PhotoUploadForm(initial={"photographer": photographer}, user=request.user)
        recent = list(
            Photo.objects.filter(uploaded_by=request.user)
            .select_related("photographer")
            .order_by("-uploaded_at", "-id")[:RECENT_UPLOADS]
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Upload photos"),
            "opts": self.opts,
            "form": form,
            "refusals": [_refusal_text(refusal) for refusal in refusals],
            "recent_uploads": [
                (photo, self._preview_url(photo) if photo.is_ready() else "")
                for photo in recent
            ],
            "has_pending": any(photo.state == Photo.State.PENDING for photo in recent),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/media_credits/photo/upload.html", context)

    def picker_view(self, request):
        if not request.user.has_perm("media_credits.choose_photo"):
            raise PermissionDenied
        # Only a photo id is a choice: the autocomplete widget cannot render anything else.
        data = request.GET if parse_id(request.GET.get("photo")) is not None else None
        form = PhotoPickerForm(data, admin_site=self.admin_site)  # ready photos only
        if form.is_bound and form.is_valid():
            return redirect("admin:media_credits_photo_change", form.cleaned_data["photo"].pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Find a photo"),
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/media_credits/photo/picker.html", context)

    def rendition_view(self, request, object_id, width, image_format):
        photo = self.get_object(request, object_id)
        if photo is None:
            raise Http404
        if not self.has_view_permission(request, photo):
            raise PermissionDenied
        try:
            made = renditions.get_rendition(photo, width=width, image_format=image_format)
        except renditions.UnknownRendition:
            raise Http404 from None
        return HttpResponseRedirect(made.file.url)


def _refusal_text(refusal: upload.Refusal) -> str:
    return _("%(file)s was not uploaded: %(reason)s") % {
        "file": refusal.file_name,
        "reason": refusal.reason,
    }


def _search_date(term: str) -> dt.date | None:
    """A date typed into the search box: 2025-09-30 or 30.09.2025."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(term.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _flatten(value, prefix=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}{key}" if not prefix else f"{prefix} › {key}")
    elif isinstance(value, list):
        yield (prefix, ", ".join(str(item) for item in value))
    elif isinstance(value, dt.date):
        yield (prefix, value.isoformat())
    else:
        yield (prefix, str(value))
