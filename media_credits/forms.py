from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.translation import gettext_lazy as _

from media_credits import usage
from media_credits.models import Photo, Photographer, Rendition
from media_credits.upload import SharedFields
from newsroom import versioning

CREDIT_MISSING = _("Choose a photographer or enter an agency or handout credit.")
NOT_YOUR_PHOTOGRAPHER = _(
    "You can credit only your own photographer record, or none with an agency or handout "
    "credit. Ask an editor to credit another photographer."
)
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
#: What readers see under a photo: once a public article shows it, only editors change it.
CREDIT_FIELDS = ("caption", "credit", "photographer")


def credit_form_fields() -> list[str]:
    """The form (and column) names of CREDIT_FIELDS: ``caption_ru``, …, ``photographer``."""
    translated = [f"{name}_{code}" for name in ("caption", "credit") for code in LANGUAGE_CODES]
    return [*translated, "photographer"]


def limit_photographers(field: forms.ModelChoiceField, user, *, current_id=None) -> None:
    """Offer ``user`` only the photographers they may credit (and the one already credited)."""
    if user is None or user.has_perm("media_credits.change_any_photo"):
        return
    allowed = Photographer.objects.creditable_by(user)
    if current_id is not None:
        allowed = allowed | Photographer.objects.filter(pk=current_id)
    field.queryset = allowed
    field.error_messages["invalid_choice"] = NOT_YOUR_PHOTOGRAPHER


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files; each one is checked (and perhaps refused) on its own later."""

    widget = MultipleFileInput

    def to_python(self, data):
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def bound_data(self, data, initial):
        return data

    def has_changed(self, initial, data):
        return bool(data)


class PhotoUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Image files"),
        help_text=_("JPEG, PNG, WebP or GIF; you may choose many files at once."),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the caption and credit"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )
    caption = forms.CharField(
        label=_("Caption"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For every file; left empty, each file's own caption (IPTC/XMP) is used."),
    )
    taken_on = forms.DateField(
        label=_("Date taken"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Left empty, each file's own date is used."),
    )
    photographer = forms.ModelChoiceField(
        label=_("Photographer"),
        queryset=Photographer.objects.all(),
        required=False,
    )
    credit = forms.CharField(
        label=_("Agency or handout credit"),
        required=False,
        max_length=300,
        help_text=_(
            "As it reads after the credit label, e.g. “Reuters”. With neither a photographer "
            "nor a credit here, each file's by-line and credit (IPTC/XMP) are used."
        ),
    )
    usage_terms = forms.ChoiceField(
        label=_("Usage terms"), choices=Photo.UsageTerms.choices, initial=Photo.UsageTerms.STAFF
    )
    usage_expires_on = forms.DateField(
        label=_("Usage expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        limit_photographers(self.fields["photographer"], user)

    def shared_fields(self) -> SharedFields:
        data = self.cleaned_data
        return SharedFields(
            language=data["language"],
            caption=data["caption"].strip(),
            taken_on=data["taken_on"],
            photographer=data["photographer"],
            credit=data["credit"].strip(),
            usage_terms=data["usage_terms"],
            usage_expires_on=data["usage_expires_on"],
        )


class PhotoChangeForm(forms.ModelForm):
    """The photo admin's form: the credit rules by role, and no silent overwrite.

    ``user`` (passed by the admin) decides which photographers may be credited and whether
    the caption, credit and photographer may still change. ``expected_version`` is the
    version the form was opened at: a save on top of someone else's is refused.
    """

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Photo
        fields = (
            "caption",
            "alt_text",
            "photographer",
            "credit",
            "taken_on",
            "usage_terms",
            "usage_expires_on",
        )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = self.instance.version
            self.initial.setdefault("expected_version", self.instance.version)
        if "photographer" in self.fields:
            limit_photographers(
                self.fields["photographer"], user, current_id=self.instance.photographer_id
            )

    def clean(self):
        cleaned = super().clean()
        credits = [self._value(f"credit_{code}") for code in LANGUAGE_CODES]
        if not self._value("photographer") and not any(c and c.strip() for c in credits):
            for name in ("photographer", f"credit_{settings.LANGUAGE_CODE}"):
                self.add_error(name if name in self.fields else None, CREDIT_MISSING)
        if self.instance.pk is None:
            return cleaned
        # The admin wraps the whole save in one transaction: this row lock holds until the
        # photo is written, so two saves cannot both pass. The save itself is a
        # compare-and-swap on the version (Photo.save()).
        current = (
            Photo.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(pk=self.instance.pk)
        )
        expected = cleaned.get("expected_version")
        versioning.refuse_stale_form(
            self,
            current,
            expected,
            _(
                "%(user)s saved this photo at %(time)s, after you opened it. Your values "
                "are still in this form and nothing was saved. Open the photo in another "
                "tab to compare; saving this form again replaces their changes with yours."
            ),
        )
        if self.user is not None and current.is_credit_locked_for(self.user):
            self._refuse_credit_changes(current)
        # The compare-and-swap in Photo.save() checks this version, not the one read.
        self.instance.version = expected
        return cleaned

    def _value(self, name):
        """The value this form would save for ``name``: submitted, or stored if read-only."""
        if name in self.fields:
            return self.cleaned_data.get(name)
        return getattr(self.instance, name)

    def _refuse_credit_changes(self, current: Photo) -> None:
        # Read-only fields are not in the form, so a crafted POST could not save them
        # anyway; refusing it (and a form opened before the photo went public) says so.
        changed = []
        for name in credit_form_fields():
            if name in self.fields:
                submitted = self.cleaned_data.get(name)
                submitted = submitted.pk if isinstance(submitted, Photographer) else submitted
            elif name in self.data:
                submitted = self.data.get(name)
            else:
                continue
            stored = getattr(current, "photographer_id" if name == "photographer" else name)
            if _normalised(submitted) != _normalised(stored):
                changed.append(name)
        if changed:
            raise forms.ValidationError(
                _(
                    "A published or scheduled article shows this photo: only an editor can "
                    "change its caption, credit or photographer now. Nothing was saved; ask "
                    "an editor for the change."
                ),
                code="credit_locked",
            )

    def _post_clean(self):
        super()._post_clean()  # the instance now holds the edited values
        if self.instance.pk is None:
            return
        # A photo that published (or scheduled) articles show keeps what publishing
        # required of it (the apps that show photos say what that is: media_credits.usage).
        for problem in usage.problems(self.instance):
            self.add_error(None, problem)


def _normalised(value) -> str:
    return "" if value is None else str(value).replace("\r\n", "\n").strip()


class PhotoPickerForm(forms.Form):
    """One searchable photo field, the same admin autocomplete articles use to pick photos."""

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"] = forms.ModelChoiceField(
            label=_("Photo"),
            queryset=Photo.objects.ready(),
            widget=AutocompleteSelect(Rendition._meta.get_field("photo"), admin_site),
            help_text=_("Type words of the caption, the photographer's name or a date."),
        )
