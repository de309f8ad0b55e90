"""Readers report typos: /<lang>/articles/<id>/typo/.

GET answers the form (a plain page without JavaScript; ``Accept: application/json`` gives
the script its CSRF token), POST sends a report. Both answer 404 unless the article is
public in the page's language.

Why this is CSRF-safe while article pages are cached and shared: the article page carries
no token (static/js/typo-report.js asks this endpoint for one when the reader opens the
dialog); this endpoint is never cached (``Cache-Control: private, no-store``) and gives
each reader their own token with the usual CSRF cookie (SameSite=Lax). A POST then passes
Django's CsrfViewMiddleware like any form: token matching the cookie, and an ``Origin``
header, when the browser sends one, naming this site (or CSRF_TRUSTED_ORIGINS). Nothing is
exempt from CSRF.
"""

import re
import unicodedata

from django import forms
from django.conf import settings
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from articles.models import LANGUAGE_CODES, Article, TypoReport
from newsroom import ratelimit

SELECTION_MAX = 300
CONTEXT_MAX = 1000
COMMENT_MAX = 1000
#: The honeypot: a field people never see (hidden by the stylesheet); bots fill it in.
HONEYPOT = "website"

# C0/C1 control characters (tab and newline survive) and the bidirectional overrides and
# isolates that can make stored text read differently from what it is.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain_text(value: str, *, multiline: bool) -> str:
    """``value`` as plain text: no tags, no control characters, NFC, tidy whitespace."""
    text = unicodedata.normalize("NFC", strip_tags(value or ""))
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if multiline:
        lines = (" ".join(line.split()) for line in text.split("\n"))
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return " ".join(text.split())


class TypoReportForm(forms.Form):
    selection = forms.CharField(
        label=_("Text with the typo"),
        max_length=SELECTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": SELECTION_MAX}),
    )
    context = forms.CharField(
        label=_("Context"), max_length=CONTEXT_MAX, required=False, widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX}),
    )
    # Not a real field of the report: the honeypot, checked by the view.
    website = forms.CharField(required=False, max_length=200)

    def clean_selection(self):
        text = plain_text(self.cleaned_data["selection"], multiline=False)
        if not text:
            raise forms.ValidationError(_("Paste or select the text with the typo."))
        return text

    def clean_context(self):
        return plain_text(self.cleaned_data["context"], multiline=False)

    def clean_comment(self):
        return plain_text(self.cleaned_data["comment"], multiline=True)


def address_hash(address: str) -> str:
    """A keyed hash of the address: the same for one address, no way back to it."""
    return ratelimit.address_hash(address, purpose="articles.typo-report.address")


def _over_limit(hashed: str) -> bool:
    """Count this POST against the address's window; True once the limit is passed."""
    return ratelimit.over_limit(
        "typo-report",
        hashed,
        limit=settings.TYPO_REPORT_RATE_LIMIT,
        window=settings.TYPO_REPORT_RATE_WINDOW,
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _article_language() -> str:
    """The language of the article's text on this page (``kk-latn`` reads the ``kk`` text)."""
    language = get_language() or settings.LANGUAGE_CODE
    if language not in LANGUAGE_CODES:
        language = language.split("-")[0].lower()
    if language not in LANGUAGE_CODES:
        raise Http404
    return language


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_typo(request, pk: int):
    language = _article_language()
    article = get_object_or_404(
        Article.objects.available_in(language).only(
            "pk", "status", "published_at", f"headline_{language}", f"slug_{language}",
            *(f"released_{code}" for code in LANGUAGE_CODES),
        ),
        pk=pk,
    )  # fmt: skip
    if request.method != "POST":
        if _wants_json(request):
            return JsonResponse({"csrf_token": get_token(request)})
        return _page(request, article, TypoReportForm())

    hashed = address_hash(ratelimit.client_address(request))
    if _over_limit(hashed):
        message = _("Too many reports from your address. Please try again in a few minutes.")
        if _wants_json(request):
            response = JsonResponse({"error": str(message)}, status=429)
        else:
            response = _page(request, article, None, message=message, status=429)
        response["Retry-After"] = str(settings.TYPO_REPORT_RATE_WINDOW)
        return response

    form = TypoReportForm(request.POST)
    if not form.is_valid():
        if _wants_json(request):
            errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
            return JsonResponse(
                {"error": str(_("The report was not sent; check the form.")), "fields": errors},
                status=400,
            )
        return _page(request, article, form, status=400)

    if not form.cleaned_data[HONEYPOT]:
        TypoReport.objects.create(
            article=article,
            language=language,
            selection=form.cleaned_data["selection"],
            context=form.cleaned_data["context"],
            comment=form.cleaned_data["comment"],
            address_hash=hashed,
        )
    # A bot that filled the honeypot is answered as a reader, and nothing is stored.
    message = _("Thank you! The editors will look at it.")
    if _wants_json(request):
        return JsonResponse({"message": str(message)}, status=201)
    return _page(request, article, None, message=message)


def _page(request, article, form, *, message="", status=200):
    return TemplateResponse(
        request,
        "articles/typo_report_form.html",
        {
            "article": article,
            "article_url": article.get_absolute_url(),
            "form": form,
            "message": message,
            "honeypot": HONEYPOT,
        },
        status=status,
    )
