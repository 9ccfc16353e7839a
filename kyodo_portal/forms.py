"""Form pieces shared by the apps (they all import from kyodo_portal, never the reverse)."""

from django import forms
from django.utils.translation import gettext_lazy as _

EDIT_VERSION_MISSING_MESSAGE = _(
    "画面を開いた時点の情報が確認できません。もう一度画面を開き直してから保存してください。"
)


def edit_version_field():
    """The hidden version number an edit page carries from the moment it was opened.

    Not ``required`` at the field level: a missing version is reported by
    ``check_edit_version`` above the form, in words a person can act on, instead of as the
    error of a field nobody can see."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


def check_edit_version(form, cleaned_data, *, conflict_message, current=None):
    """In ``form.clean()``: editing an existing object needs the version the page was opened on
    (a POST without it would save over whatever is there), and that version must still be the
    object's (``current``, by default ``instance.version``). A new object has no version yet,
    and a form without the field (an import, which is not an interactive edit) is not checked."""
    if not form.instance.pk or "edit_version" not in form.fields:
        return
    version = cleaned_data.get("edit_version")
    if version is None:
        raise forms.ValidationError(EDIT_VERSION_MISSING_MESSAGE, code="edit_version_missing")
    if version != (form.instance.version if current is None else current):
        raise forms.ValidationError(conflict_message, code="edit_conflict")
