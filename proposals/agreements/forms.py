from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo_portal.forms import check_edit_version, edit_version_field
from kyodo_portal.spreadsheets import SpreadsheetField
from proposals.forms import attachment_field
from proposals.models import Agreement, AgreementVersion, ProgressReport


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ConfirmForm(forms.Form):
    """The CSO's 管理者 confirms the text they read: the revision they saw goes with it."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label=_("協定書（役割分担と責任を含む）の内容を確認し、団体として合意します。"),
        error_messages={"required": _("内容を確認したら、チェックを付けてください。")},
    )
    comment = forms.CharField(
        label=_("県へのコメント（任意）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ChangeRequestForm(forms.Form):
    comment = forms.CharField(
        label=_("修正してほしい点"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("どの項目を、どう直してほしいかを書いてください。県の担当部署に届きます。"),
    )


class ProgressReportForm(forms.ModelForm):
    """A CSO's progress report on /my/ (staff report on the agreement's admin page)."""

    file = attachment_field()

    class Meta:
        model = ProgressReport
        fields = [
            "reported_on",
            "percent_complete",
            "text",
            "next_steps",
            "visibility",
            "public_summary",
        ]
        widgets = {
            "reported_on": DateInput,
            "percent_complete": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "text": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
            "visibility": forms.RadioSelect,
            "public_summary": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = timezone.localdate

    def clean_percent_complete(self):
        value = self.cleaned_data["percent_complete"]
        if value is not None and not 0 <= value <= 100:
            raise forms.ValidationError(_("0 から 100 までの整数で入力してください。"))
        return value

    def clean_reported_on(self):
        value = self.cleaned_data["reported_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("未来の日付は入力できません。"))
        return value

    def clean(self):
        data = super().clean()
        if (
            data.get("visibility") == ProgressReport.Visibility.PUBLIC
            and not (data.get("public_summary") or "").strip()
        ):
            self.add_error("public_summary", _("公開する報告には公開用の要約を書いてください。"))
        return data

    def _post_clean(self):
        """The model's constraints need the agreement, which the service sets."""


class StepForm(forms.Form):
    """The intermediate page of a staff step: a comment (required for some), and the day of
    締結 when recording it."""

    concluded_on = forms.DateField(label=_("締結日"), widget=DateInput, required=False)
    comment = forms.CharField(
        label=_("コメント"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("このコメントは団体にも表示され、メールでも届きます。"),
    )

    def __init__(self, *args, comment_required, needs_date, comment_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = comment_required
        if comment_label:
            self.fields["comment"].label = comment_label
        elif not comment_required:
            self.fields["comment"].label = _("コメント（任意）")
        if needs_date:
            self.fields["concluded_on"].required = True
            self.fields["concluded_on"].initial = timezone.localdate
            self.fields["concluded_on"].help_text = _("協定書を取り交わした日。")
        else:
            del self.fields["concluded_on"]

    def clean_concluded_on(self):
        value = self.cleaned_data.get("concluded_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("未来の日付は入力できません。"))
        return value


class CreateFromProposalForm(forms.Form):
    proposal = forms.ModelChoiceField(
        label=_("合意した提案"),
        queryset=None,
        empty_label=None,
        help_text=_("「合意」の提案で、まだ協定書のないものです。"),
    )

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals
        self.fields["proposal"].label_from_instance = lambda p: f"{p.title}（{p.cso.name}）"


class AgreementAdminForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["internal_note"]


class VersionAdminForm(forms.ModelForm):
    """A draft of the 協定書 with every term the CSOs confirm. ``edit_version`` carries the
    revision the page was opened on: a save on top of another person's newer save, or one
    without it, is refused (here, and under the row lock in ``version_lock_for_edit``)."""

    edit_version = edit_version_field()

    class Meta:
        model = AgreementVersion
        fields = [
            "zone",
            "form",
            "activity_fields",
            "title",
            "purpose",
            "shared_goal",
            "starts_on",
            "ends_on",
            "budget_amount",
            "budget_request_needed",
            "budget_note",
            "confidentiality_clause",
            "other_clauses",
            *AgreementVersion.FORM_FIELDS,
            "prefecture_contact_name",
            "prefecture_contact_title",
            "prefecture_contact_phone",
            "prefecture_contact_email",
            "amendment_reason",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "edit_version" in self.fields:
            self.fields["edit_version"].initial = self.instance.revision

    def clean(self):
        from proposals.agreements.services import EDIT_CONFLICT_MESSAGE
        from proposals.models import check_zone_form

        data = super().clean()
        check_edit_version(
            self, data, conflict_message=EDIT_CONFLICT_MESSAGE, current=self.instance.revision
        )
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and starts > ends:
            self.add_error("ends_on", _("協働の期間の終了は開始より後にしてください。"))
        try:
            check_zone_form(data.get("zone"), data.get("form"))
        except forms.ValidationError as error:
            self.add_error(None, error)
        return data


class ProgressSheetUploadForm(forms.Form):
    file = SpreadsheetField(
        label=_("進捗表のファイル"),
        help_text=_(
            "この画面でダウンロードした進捗表（CSV または Excel）に記入したもの。誤りのある行が"
            "一つでもあれば、何も登録しません。"
        ),
    )
