from django import forms
from django.utils.translation import gettext_lazy as _

from outreach.models import Registration


class RegistrationForm(forms.ModelForm):
    """For a logged-in person: name and email come from their account."""

    class Meta:
        model = Registration
        fields = ["organisation", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class GuestRegistrationForm(forms.ModelForm):
    consent = forms.BooleanField(
        label=_(
            "入力した個人情報（配慮が必要なことを含みます）を、"
            "この催しの運営と連絡のためだけに使うことに同意します。"
        ),
        error_messages={"required": _("申し込むには、個人情報の取扱いへの同意が必要です。")},
    )

    class Meta:
        model = Registration
        fields = ["name", "email", "organisation", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"email": _("確認用のリンクをお送りします。")}

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("氏名を入力してください。"))
        return name
