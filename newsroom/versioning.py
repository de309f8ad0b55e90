"""Optimistic locking shared by the apps: a save is a compare-and-swap on ``version``."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StaleVersion(Exception):
    """The row was saved by someone else since this copy of it was read."""

    def __init__(self, obj, expected: int):
        super().__init__(f"{obj._meta.label} {obj.pk} is no longer at version {expected}")
        self.obj = obj
        self.expected = expected


class CompareAndSwap:
    """For a model with a ``version`` integer: an UPDATE only if the row still has it.

    ``save()`` of an existing row runs ``UPDATE … SET …, version = n + 1 WHERE id = %s AND
    version = n``, n being the version this object was read at (or was given, e.g. by a
    form's hidden field). When no row matched although the row exists, StaleVersion is
    raised and nothing changed. ``extra_update_fields`` are saved with every partial save.
    """

    extra_update_fields: tuple[str, ...] = ()

    def save(self, *args, **kwargs):
        adding = self._state.adding
        if not adding:
            self._expected_version = self.version
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {
                    *kwargs["update_fields"], "version", *self.extra_update_fields
                }  # fmt: skip
        try:
            super().save(*args, **kwargs)
        except BaseException:
            if not adding:
                self.version -= 1
            raise

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update, *args):
        expected = getattr(self, "_expected_version", None)
        if expected is None:
            return super()._do_update(
                base_qs, using, pk_val, values, update_fields, forced_update, *args
            )
        self._expected_version = None
        updated = super()._do_update(
            base_qs.filter(version=expected),
            using,
            pk_val,
            values,
            update_fields,
            forced_update,
            *args,
        )
        if not updated and base_qs.filter(pk=pk_val).exists():
            raise StaleVersion(self, expected)
        return updated


def refuse_stale_form(form, current, expected, message) -> None:
    """Refuse ``form`` when the row (``current``, locked) moved past ``expected``.

    ``message`` names ``%(user)s`` and ``%(time)s``: who saved last and when. The form
    keeps every submitted value; its hidden version now holds the current one, so saving
    it again is a deliberate choice to replace their changes.
    """
    if expected == current.version:
        return
    form.data = form.data.copy()
    form.data["expected_version"] = str(current.version)
    raise forms.ValidationError(
        message,
        code="conflict",
        params={
            "user": current.updated_by or _("someone"),
            "time": timezone.localtime(current.updated_at).strftime("%d.%m.%Y %H:%M"),
        },
    )
