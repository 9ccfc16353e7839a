from django import forms
from django.utils.translation import gettext_lazy as _

from evaluations.models import PRINCIPLES, RATING_CHOICES, Decision, Evaluation, EvaluationPart
from kyodo_portal.forms import check_edit_version, edit_version_field


class VersionCheckedPartForm(forms.ModelForm):
    """A part's form carrying the part's version from the moment it was opened: a save on top of
    another person's newer save, or a save without it, is refused (here, and again under the row
    lock in services.part_save) instead of silently overwriting it."""

    edit_version = edit_version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["edit_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        from evaluations.services import EDIT_CONFLICT_MESSAGE

        check_edit_version(self, cleaned_data, conflict_message=EDIT_CONFLICT_MESSAGE)
        return cleaned_data


class PartForm(VersionCheckedPartForm):
    """One side's part. Saving keeps a draft; the submit button also checks completeness."""

    class Meta:
        model = EvaluationPart
        fields = EvaluationPart.CONTENT_FIELDS
        widgets = {
            **{
                f"{key}_rating": forms.RadioSelect(choices=RATING_CHOICES)
                for key, _label in PRINCIPLES
            },
            **{name: forms.Textarea(attrs={"rows": 3}) for name in EvaluationPart.TEXT_FIELDS},
        }
        help_texts = {
            "outcomes": _("協定で共有した目標に照らして、何が達成できたかを書きます。"),
            **{
                f"{key}_rating": _("5 がもっともよくできた、1 がもっとも足りなかった、です。")
                for key, _label in PRINCIPLES
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, _label in PRINCIPLES:
            self.fields[f"{key}_rating"].choices = RATING_CHOICES
            self.fields[f"{key}_rating"].required = False


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("今後の方針"), choices=Decision.choices, widget=forms.RadioSelect
    )
    change_content = forms.CharField(
        label=_("見直す点（事業の内容）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    change_partner = forms.CharField(
        label=_("見直す点（協働の相手）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    change_form = forms.CharField(
        label=_("見直す点（協働の形態）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.REVISE and not any(
            (data.get(name) or "").strip()
            for name in ("change_content", "change_partner", "change_form")
        ):
            self.add_error(
                "change_content",
                _("「見直して継続」では、見直す点（内容・相手・形態のどれか）を書いてください。"),
            )
        return data


class StartForm(forms.Form):
    kind = forms.ChoiceField(label=_("種類"), choices=Evaluation.Kind.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("取り下げの理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("記入をやり直す理由"),
        help_text=_("直してほしい点を、両者に分かるように書いてください。"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
