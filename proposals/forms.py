from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from kyodo_portal.forms import check_edit_version, edit_version_field
from kyodo_portal.models import Department
from kyodo_portal.uploads import (
    ALLOWED_EXTENSIONS_TEXT,
    human_size,
    max_upload_bytes,
    validate_upload,
)
from proposals.access import writable_csos
from proposals.models import (
    PROJECT_TYPE_EXAMPLES,
    CollaborationForm,
    CollaborationZone,
    ConsultationEntry,
    ProjectType,
    Proposal,
    ReviewScore,
    Theme,
    zones_allowing,
)


class FormChoiceSelect(forms.Select):
    """Each form option says which zones allow it, so a small script can follow the zone."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["data-zones"] = " ".join(zones_allowing(CollaborationForm(value)))
        return option


def _upload_help():
    return _("%(kinds)s。1 ファイル %(limit)s まで。") % {
        "kinds": ALLOWED_EXTENSIONS_TEXT,
        "limit": human_size(max_upload_bytes()),
    }


def attachment_field(required=False, label=None):
    return forms.FileField(
        label=label or _("添付ファイル"),
        required=required,
        validators=[validate_upload],
        help_text=lazy(_upload_help, str)(),
    )


class ProposalForm(forms.ModelForm):
    """The CSO's proposal. On a theme the department follows the theme; a free proposal
    names the department it is addressed to."""

    class Meta:
        model = Proposal
        fields = [
            "cso",
            "department",
            "title",
            "purpose",
            "shared_goal",
            "content",
            "expected_effect",
            "zone",
            "form",
            "project_type",
            "starts_on",
            "ends_on",
            "budget_estimate",
            "budget_note",
            "cso_role",
            "prefecture_role",
        ]
        widgets = {
            "zone": forms.RadioSelect,
            "form": FormChoiceSelect,
            "project_type": forms.RadioSelect,
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "shared_goal": forms.Textarea(attrs={"rows": 3}),
            "content": forms.Textarea(attrs={"rows": 6}),
            "expected_effect": forms.Textarea(attrs={"rows": 3}),
            "budget_note": forms.Textarea(attrs={"rows": 3}),
            "cso_role": forms.Textarea(attrs={"rows": 3}),
            "prefecture_role": forms.Textarea(attrs={"rows": 3}),
        }

    # The proposal's version when the edit page was opened: a save on top of another member's
    # newer save, or a save without it, is refused (here, and again under the row lock in
    # services.proposal_update). A new proposal has no version: the field is removed.
    edit_version = edit_version_field()

    def __init__(self, *args, user, theme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme = theme or self.instance.theme
        if self.instance.pk:
            del self.fields["cso"]
            self.fields["edit_version"].initial = self.instance.version
        else:
            del self.fields["edit_version"]
            self.fields["cso"].queryset = writable_csos(user)
            self.fields["cso"].empty_label = None
            self.fields["cso"].label = _("提案する団体")
        if self.theme is not None:
            del self.fields["department"]
        else:
            self.fields["department"].queryset = (
                Department.objects.active().units().select_related("parent")
            )
            self.fields["department"].help_text = _(
                "自由提案をあてる県の部署（課・現地機関）を選びます。"
            )
        self.fields["zone"].help_text = _(
            "B：CSO が主体の事業に県が協力（補助・後援・事業協力）／"
            "C：対等に協力（共催・事業協力）／D：県が主導する事業に CSO が参加（協働型委託・事業協力）"
        )
        self.fields["zone"].choices = CollaborationZone.choices
        self.fields["form"].choices = [("", _("選んでください")), *CollaborationForm.choices]
        self.fields["project_type"].choices = [
            (value, f"{label}（{PROJECT_TYPE_EXAMPLES[ProjectType(value)]}）")
            for value, label in ProjectType.choices
        ]
        self.fields["form"].help_text = _("選んだ領域で選べる形態だけを受け付けます。")
        if self.theme is not None and self.theme.offered_forms:
            self.fields["form"].help_text += " " + str(
                _("このテーマで県が想定している形態: %(forms)s")
                % {"forms": "・".join(str(label) for label in self.theme.offered_form_labels)}
            )

    def clean(self):
        cleaned_data = super().clean()
        from proposals.services import EDIT_CONFLICT_MESSAGE

        check_edit_version(self, cleaned_data, conflict_message=EDIT_CONFLICT_MESSAGE)
        return cleaned_data

    @property
    def changed_content(self):
        """The model fields the member changed (not the version carried by the page)."""
        return [name for name in self.changed_data if name != "edit_version"]

    def _post_clean(self):
        if self.theme is not None:
            self.instance.theme = self.theme
            self.instance.department_id = self.theme.department_id
        super()._post_clean()


class AttachmentForm(forms.Form):
    file = attachment_field(required=True, label=_("追加するファイル"))


class ConsultationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("種類"), choices=ConsultationEntry.Kind.choices, initial="message"
    )
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 4}))
    file = attachment_field()


class PreConsultationForm(forms.Form):
    text = forms.CharField(
        label=_("相談したいこと"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "提出の前に、提案先の部署に質問や相談ができます。下書きは部署にも見えるようになります。"
        ),
    )


class CommentForm(forms.Form):
    """An optional note for a withdrawal or a resubmission."""

    comment = forms.CharField(
        label=_("コメント（任意）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TransitionCommentForm(forms.Form):
    """For the staff's transitions: the comment is shown to the CSO and mailed to it."""

    comment = forms.CharField(
        label=_("コメント"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("このコメントは団体にも表示され、メールでも届きます。"),
    )

    def __init__(self, *args, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = required
        if not required:
            self.fields["comment"].label = _("コメント（任意）")


class ScoreForm(forms.Form):
    """A reviewer's scores: one value and comment per criterion of the proposal."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        choices = [(v, str(v)) for v in range(1, ReviewScore.MAX_VALUE + 1)]
        for criterion in self.criteria:
            self.fields[f"value_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"{criterion.name}（{_('配点')} {criterion.weight}）",
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=criterion.description,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("%(name)s へのコメント") % {"name": criterion.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def scores(self):
        return {
            c.pk: (self.cleaned_data[f"value_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"])
            for c in self.criteria
        }


class ThemeAdminForm(forms.ModelForm):
    offered_forms = forms.MultipleChoiceField(
        label=_("想定する協働の形態"),
        choices=CollaborationForm.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Theme
        fields = [
            "department",
            "kind",
            "title",
            "background",
            "wanted",
            "activity_fields",
            "offered_forms",
            "opens_on",
            "closes_on",
            "budget_note",
            "status",
        ]
