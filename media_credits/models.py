from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from media_credits.declension import genitive_credit_name
from newsroom.slugs import latin_slug
from newsroom.versioning import CompareAndSwap, StaleVersion  # noqa: F401 — re-exported


class PhotographerQuerySet(models.QuerySet):
    def creditable_by(self, user):
        """Photographers ``user`` may credit: any for editors, else only their own record."""
        if user is None or user.has_perm("media_credits.change_any_photo"):
            return self.all()
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Photographer(models.Model):
    class Gender(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    name = models.CharField(
        _("name"), max_length=200, help_text=_("As written on its own: “Аманкул Дюсенбаев”.")
    )
    credit_name = models.CharField(
        _("name in a credit line"),
        max_length=200,
        blank=True,
        help_text=_(
            "The form used after “photo”: in Russian the genitive, “Аманкула Дюсенбаева”. "
            "Left empty on a new photographer, the Russian form is suggested from the "
            "name and gender; check it."
        ),
    )
    gender = models.CharField(
        _("gender"),
        max_length=10,
        choices=Gender.choices,
        help_text=_("Used to decline the name in Russian credit lines."),
    )
    slug = models.SlugField(_("slug"), max_length=220, unique=True, blank=True)
    agency = models.CharField(
        _("agency"), max_length=200, blank=True, help_text=_("For example “Reuters”.")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photographer",
    )
    is_name_to_confirm = models.BooleanField(
        _("name to confirm"),
        default=False,
        help_text=_("Created from an imported credit line; check the name and its forms."),
    )

    objects = PhotographerQuerySet.as_manager()

    class Meta:
        ordering = ["name_ru", "id"]
        verbose_name = _("photographer")
        verbose_name_plural = _("photographers")

    def __str__(self):
        return self.name or self.slug or f"#{self.pk}"

    def save(self, *args, **kwargs):
        if self.pk is None:
            if not self.credit_name_ru and self.name_ru:
                self.credit_name_ru = self.suggest_credit_name()
            if not self.slug:
                self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def suggest_credit_name(self) -> str:
        """The Russian genitive of the nominative Russian name, for a credit line."""
        return genitive_credit_name(self.name_ru or "", female=self.gender == self.Gender.FEMALE)

    def _unique_slug(self) -> str:
        base = latin_slug(self.name_ru or self.name_en or self.name_kk or "") or "photographer"
        candidate, n = base, 1
        while Photographer.objects.filter(slug=candidate).exclude(pk=self.pk).exists():
            n += 1
            candidate = f"{base}-{n}"
        return candidate


class PhotoQuerySet(models.QuerySet):
    def owned_by(self, user):
        """Photos the user uploaded or that credit the user as photographer."""
        return self.filter(Q(uploaded_by=user) | Q(photographer__user=user))

    def visible_to(self, user):
        """The whole library for those who choose photos; their own photos for others."""
        if user.has_perm("media_credits.choose_photo"):
            return self.all()
        return self.owned_by(user)

    def usable(self):
        """Photos whose usage terms have not expired."""
        return self.exclude(usage_expires_on__lt=timezone.localdate())

    def expired(self):
        """Photos whose usage terms have expired (before today, local date): not usable()."""
        return self.filter(usage_expires_on__lt=timezone.localdate())

    def ready(self):
        """Photos whose file the worker has checked and cleaned: the only ones to offer."""
        return self.filter(state=Photo.State.READY)

    def shown_publicly(self):
        """Photos some public page shows now: stored state (public_from), usable terms."""
        return self.filter(public_from__lte=timezone.now(), state=Photo.State.READY).usable()


class Photo(CompareAndSwap, models.Model):
    extra_update_fields = ("updated_at",)

    class State(models.TextChoices):
        # An upload is stored and checked cheaply in the request; the worker decodes it,
        # cleans it and makes its renditions (media_credits.tasks).
        PENDING = "pending", _("processing")
        READY = "ready", _("ready")
        REFUSED = "refused", _("refused")

    class UsageTerms(models.TextChoices):
        STAFF = "staff", _("staff photo")
        AGENCY = "agency", _("agency photo")
        HANDOUT = "handout", _("handout")
        LICENSED = "licensed", _("licensed")

    image = models.ImageField(
        _("image"),
        upload_to="photos/%Y/%m/",
        width_field=None,
        height_field=None,
        max_length=255,
    )
    photographer = models.ForeignKey(
        Photographer,
        verbose_name=_("photographer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="photos",
    )
    credit = models.CharField(
        _("agency or handout credit"),
        max_length=300,
        blank=True,
        help_text=_(
            "As it reads after the credit label: “Reuters”, in Russian “пресс-службы "
            "Акорды”. With a photographer it reads “Name (Reuters)”."
        ),
    )
    caption = models.TextField(_("caption"), blank=True)
    alt_text = models.CharField(
        _("alt text"),
        max_length=500,
        blank=True,
        help_text=_("What the photo shows, for readers who cannot see it. Required to publish."),
    )
    taken_on = models.DateField(_("date taken"), null=True, blank=True)
    usage_terms = models.CharField(
        _("usage terms"), max_length=20, choices=UsageTerms.choices, default=UsageTerms.STAFF
    )
    usage_expires_on = models.DateField(
        _("usage expires on"),
        null=True,
        blank=True,
        help_text=_("After this day the photo may not be published."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    width = models.PositiveIntegerField(_("width"), editable=False)
    height = models.PositiveIntegerField(_("height"), editable=False)
    image_format = models.CharField(_("format"), max_length=10, editable=False)
    metadata = models.JSONField(
        _("metadata from the file"), default=dict, blank=True, editable=False
    )
    # Written by the articles workflow whenever what a public article shows changes: the
    # earliest time a released article showing the photo is (or becomes) due. NULL: no
    # public article shows it. A scheduled article needs no worker to make it public.
    public_from = models.DateTimeField(
        _("public from"), null=True, blank=True, editable=False, db_index=True
    )
    # Photos made by other code than the upload form (imports, benchmarks) are ready as
    # they are; uploads start pending.
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.READY, editable=False
    )
    # Why the worker refused the file: a message id of media_credits.images, with its
    # parameters, translated when shown (refusal_message()).
    refusal_reason = models.CharField(_("reason refused"), max_length=300, blank=True)
    refusal_params = models.JSONField(default=dict, blank=True, editable=False)
    original_name = models.CharField(_("uploaded file name"), max_length=255, blank=True)
    # The language the uploader typed the shared caption and credit in: the file's own
    # IPTC/XMP values fill that language's empty fields when the worker reads them.
    upload_language = models.CharField(max_length=10, blank=True, editable=False)
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    # Times the worker began processing the pending file: one it fails or dies on every
    # time is refused after settings.PHOTO_MAX_PROCESSING_ATTEMPTS, not retried forever.
    processing_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        permissions = [
            ("choose_photo", _("Can see and choose any photo in the library")),
            ("change_any_photo", _("Can change and delete photos of others")),
        ]
        constraints = [
            models.CheckConstraint(
                # Each term is false, never NULL, for a missing credit: a CHECK that
                # evaluates to NULL lets the row in. A pending upload may still get its
                # credit from the file's IPTC/XMP; the worker refuses it if none comes.
                condition=(
                    Q(state__in=["pending", "refused"])
                    | Q(photographer__isnull=False)
                    | Q(credit_ru__isnull=False, credit_ru__gt="")
                    | Q(credit_kk__isnull=False, credit_kk__gt="")
                    | Q(credit_en__isnull=False, credit_en__gt="")
                ),
                name="photo_has_photographer_or_credit",
                violation_error_message=_(
                    "Choose a photographer or enter an agency or handout credit."
                ),
            )
        ]
        indexes = [
            models.Index(fields=["state"], name="photo_pending_idx", condition=Q(state="pending")),
            models.Index(fields=["uploaded_by", "-uploaded_at"], name="photo_uploads_idx"),
            # A photographer's public page walks their photos newest first and stops after
            # one page, whatever the size of their archive.
            models.Index(
                fields=["photographer", "-taken_on", "-uploaded_at", "-id"],
                name="photo_by_photographer_newest",
            ),
        ]

    def __str__(self):
        parts = [
            (self.caption or "").strip()[:80] or _("Untitled photo"),
            str(self.photographer or self.credit or ""),
            self.taken_on.isoformat() if self.taken_on else "",
        ]
        return " — ".join(str(part) for part in parts if part)

    def is_owned_by(self, user) -> bool:
        """Instance twin of PhotoQuerySet.owned_by()."""
        return user.is_authenticated and (
            self.uploaded_by_id == user.pk
            or (self.photographer_id is not None and self.photographer.user_id == user.pk)
        )

    def is_visible_to(self, user) -> bool:
        """Instance twin of PhotoQuerySet.visible_to()."""
        return user.has_perm("media_credits.choose_photo") or self.is_owned_by(user)

    def is_ready(self) -> bool:
        return self.state == self.State.READY

    def refusal_message(self) -> str:
        """Why the file was refused, in the active language ("" when it was not)."""
        if not self.refusal_reason:
            return ""
        return gettext(self.refusal_reason) % self.refusal_params

    def is_shown_publicly(self, *, now=None) -> bool:
        """Instance twin of PhotoQuerySet.shown_publicly()."""
        now = now or timezone.now()
        expires = self.usage_expires_on
        return (
            self.state == self.State.READY
            and self.public_from is not None
            and self.public_from <= now
            and (expires is None or expires >= timezone.localdate(now))
        )

    def may_be_changed_by(self, user) -> bool:
        return user.has_perm("media_credits.change_any_photo") or self.is_owned_by(user)

    def is_credit_locked_for(self, user) -> bool:
        """True when ``user`` may no longer change the caption, credit or photographer.

        Once a public article shows the photo (published or scheduled: ``public_from`` is
        set by the workflow), only an editor changes what readers see under it.
        """
        return self.public_from is not None and not user.has_perm("media_credits.change_any_photo")


class Rendition(models.Model):
    """A resized copy of a photo for the web, made on first request and reused."""

    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="renditions")
    width_requested = models.PositiveIntegerField()
    image_format = models.CharField(max_length=10, choices=Format.choices)
    file = models.FileField(upload_to="renditions/", max_length=255)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "width_requested", "image_format"], name="unique_rendition"
            )
        ]

    def __str__(self):
        return f"{self.photo_id} {self.width_requested} {self.image_format}"


class WorkerHeartbeat(models.Model):
    """A running photo worker, alive until ``expires_at`` unless it says so again.

    A worker killed with SIGKILL leaves its task RUNNING forever (django-tasks has no
    reaper): once its heartbeat expires, media_credits.tasks.recover() re-enqueues the
    photos it was processing.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    expires_at = models.DateTimeField()

    def __str__(self):
        return self.worker_id


@receiver(post_delete, sender=Photo)
@receiver(post_delete, sender=Rendition)
def _delete_stored_file(sender, instance, **kwargs):
    # After the commit only: a rolled-back delete must still find its files.
    file = instance.image if sender is Photo else instance.file
    if file.name:
        storage, name = file.storage, file.name
        # robust: a storage outage must not turn a committed delete into a server error
        # (the orphaned file is logged by Django and harmless: its name is unguessable).
        transaction.on_commit(lambda: storage.delete(name), robust=True)
