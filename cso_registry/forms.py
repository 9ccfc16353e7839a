from django import forms
from django.contrib.auth.forms import BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from cso_registry.models import CSO, SurveyAnswer, current_fiscal_year
from cso_registry.normalize import (
    nfkc,
    normalize_corporate_number,
    normalize_furigana,
    normalize_phone,
    normalize_postal_code,
)
from kyodo_portal.forms import check_edit_version, edit_version_field
from kyodo_portal.models import User
from kyodo_portal.spreadsheets import SpreadsheetField
from kyodo_portal.wareki import fiscal_year_label


class NormalizingMixin:
    """Normalise the raw input before the field validates it (NFKC, trimmed, one format)."""

    normalizer = staticmethod(nfkc)

    def to_python(self, value):
        if isinstance(value, str):
            value = self.normalizer(value)
        return super().to_python(value)


class NFKCCharField(NormalizingMixin, forms.CharField):
    pass


class FuriganaField(NormalizingMixin, forms.CharField):
    normalizer = staticmethod(normalize_furigana)


class CorporateNumberField(NormalizingMixin, forms.CharField):
    normalizer = staticmethod(normalize_corporate_number)

    def __init__(self, *, max_length=None, **kwargs):
        # Checked by the validator with a clearer message than a length limit.
        super().__init__(max_length=None, **kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})


class PostalCodeField(NormalizingMixin, forms.CharField):
    normalizer = staticmethod(normalize_postal_code)

    def __init__(self, *, max_length=None, **kwargs):
        super().__init__(max_length=None, **kwargs)
        self.widget.attrs.update({"autocomplete": "postal-code"})


class PhoneField(NormalizingMixin, forms.CharField):
    normalizer = staticmethod(normalize_phone)

    def __init__(self, *, max_length=None, **kwargs):
        super().__init__(max_length=None, **kwargs)
        self.widget.input_type = "tel"
        self.widget.attrs.update({"autocomplete": "tel"})


class NFKCEmailField(NormalizingMixin, forms.EmailField):
    pass


class NFKCURLField(NormalizingMixin, forms.URLField):
    pass


def grouped_kind_choices():
    thematic = [(kind.value, kind.label) for kind in CSO.Kind if kind in CSO.THEMATIC_KINDS]
    territorial = [(kind.value, kind.label) for kind in CSO.Kind if kind not in CSO.THEMATIC_KINDS]
    return [("", "---------"), (_("志縁組織"), thematic), (_("地縁組織"), territorial)]


class CSOProfileForm(forms.ModelForm):
    """The CSO's profile as its members, staff (代理入力) and the survey import enter it.

    ``edit_version`` carries the CSO's version number from the moment the form was opened: a save
    on top of someone else's newer save, or without the version, is refused (here, and again under
    the row lock in services.cso_update) instead of silently overwriting it. The survey import is
    not an interactive edit: it passes ``check_version=False`` and cso_update locks the row.
    """

    edit_version = edit_version_field()

    def clean(self):
        cleaned_data = super().clean()
        from cso_registry.services import EDIT_CONFLICT_MESSAGE

        check_edit_version(self, cleaned_data, conflict_message=EDIT_CONFLICT_MESSAGE)
        return cleaned_data

    class Meta:
        model = CSO
        fields = [
            "name",
            "furigana",
            "kind",
            "corporate_number",
            "representative_name",
            "postal_code",
            "municipality",
            "address",
            "phone",
            "email",
            "website",
            "founded_on",
            "member_count",
            "activity_fields",
            "areas",
            "description",
            "contact_public",
        ]
        field_classes = {
            "name": NFKCCharField,
            "furigana": FuriganaField,
            "corporate_number": CorporateNumberField,
            "representative_name": NFKCCharField,
            "postal_code": PostalCodeField,
            "address": NFKCCharField,
            "phone": PhoneField,
            "email": NFKCEmailField,
            "website": NFKCURLField,
        }
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "activity_fields": forms.CheckboxSelectMultiple,
            "areas": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "name": _("正式な名称を100字以内で入力してください。"),
            "activity_fields": _("NPO法の20分野から、当てはまるものをすべて選んでください。"),
            "areas": _("活動している市町をすべて選んでください。"),
            "description": _("どんな活動をしているか、県民にわかるように書いてください。"),
        }

    def __init__(self, *args, check_version=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = grouped_kind_choices()
        if not check_version:
            del self.fields["edit_version"]
        elif self.instance.pk:
            self.fields["edit_version"].initial = self.instance.version
        self.fields["activity_fields"].label_from_instance = lambda field: (
            f"{field.number}. {field.short_name}"
        )

    def clean_corporate_number(self):
        from cso_registry.services import DUPLICATE_CORPORATE_NUMBER_MESSAGE

        number = self.cleaned_data["corporate_number"]
        others = CSO.objects.exclude(pk=self.instance.pk) if self.instance.pk else CSO.objects
        if number and others.filter(corporate_number=number).exists():
            raise forms.ValidationError(DUPLICATE_CORPORATE_NUMBER_MESSAGE, code="duplicate")
        return number


class SurveyAnswerForm(forms.ModelForm):
    """This year's (or a recent year's) 実態調査 answer."""

    fiscal_year = forms.TypedChoiceField(label=_("回答年度"), coerce=int)

    class Meta:
        model = SurveyAnswer
        fields = ["fiscal_year", "budget_band", "paid_staff", "volunteers", "answered_on"]
        widgets = {"answered_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = current_fiscal_year()
        self.fields["fiscal_year"].choices = [
            (year, f"{fiscal_year_label(year)}（{year}年度）")
            for year in range(this_year, this_year - 5, -1)
        ]
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("fiscal_year", this_year)


class SignupForm(BaseUserCreationForm):
    """A person's own account: email and password (checked by Django's validators). Whether
    the address already has an account is not said here: the same page follows either way and
    the mail tells the address's owner (accounts.services.signup)."""

    agree = forms.BooleanField(
        label=_("利用規約と個人情報の取扱いに同意します"),
        help_text=_(
            "氏名とメールアドレスは、団体の管理者と県の担当者が連絡に使うためだけに利用し、"
            "公開しません。"
        ),
    )

    class Meta:
        model = User
        fields = ["email", "full_name"]
        field_classes = {"email": NFKCEmailField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "autofocus": True})

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()

    def validate_unique(self):
        """Not here: telling "this address is registered" would tell anyone who has an account."""


class JoinSearchForm(forms.Form):
    q = forms.CharField(label=_("団体名・ふりがな"), max_length=100, required=False, strip=True)


class StatusChangeForm(forms.Form):
    """The reason given when 県民協働課 publishes or hides a CSO (kept in the history)."""

    reason = forms.CharField(
        label=_("理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )

    def __init__(self, *args, reason_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        if reason_required:
            self.fields["reason"].help_text = _("団体の管理者にもお知らせします。")


class SurveyImportForm(forms.Form):
    file = SpreadsheetField(
        label=_("実態調査のファイル"),
        help_text=_("CSV（UTF-8 または Shift_JIS）か Excel（.xlsx）。1行目は項目名です。"),
    )
    dry_run = forms.BooleanField(
        label=_("確認だけする（取り込まない）"), required=False, initial=True
    )
