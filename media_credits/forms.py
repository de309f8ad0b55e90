from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.translation import gettext_lazy as _

from media_credits.models import Photo, Photographer, Rendition
from media_credits.upload import SharedFields

CREDIT_MISSING = _("Choose a photographer or enter an agency or handout credit.")


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

    def clean(self):
        cleaned = super().clean()
        credits = [cleaned.get(f"credit_{code}") for code, _name in settings.LANGUAGES]
        if not cleaned.get("photographer") and not any(c and c.strip() for c in credits):
            self.add_error("photographer", CREDIT_MISSING)
            self.add_error(f"credit_{settings.LANGUAGE_CODE}", CREDIT_MISSING)
        return cleaned

    def _post_clean(self):
        super()._post_clean()  # the instance now holds the edited values
        if self.instance.pk is None:
            return
        # A photo that published articles show keeps what publishing required of it.
        from articles import workflow
        from articles.models import Article

        for article in Article.objects.published().showing([self.instance.pk]):
            problems = workflow.photo_problems(article, photos=[self.instance])
            if problems:
                self.add_error(
                    None,
                    _("“%(article)s” is published with this photo: %(problems)s")
                    % {"article": article, "problems": " ".join(problems)},
                )


class PhotoPickerForm(forms.Form):
    """One searchable photo field, the same admin autocomplete articles use to pick photos."""

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"] = forms.ModelChoiceField(
            label=_("Photo"),
            queryset=Photo.objects.all(),
            widget=AutocompleteSelect(Rendition._meta.get_field("photo"), admin_site),
            help_text=_("Type words of the caption, the photographer's name or a date."),
        )
