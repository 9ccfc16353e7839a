from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advisors.models import Advisor, AdvisorRequest


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class AdvisorRequestForm(forms.ModelForm):
    """The CSO's request; the CSO field lists only the NPO法人 the person manages."""

    class Meta:
        model = AdvisorRequest
        fields = [
            "cso",
            "topic",
            "details",
            "preferred_date_1",
            "preferred_date_2",
            "preferred_date_3",
            "preferred_time",
            "place",
        ]
        widgets = {
            "topic": forms.RadioSelect,
            "details": forms.Textarea(attrs={"rows": 5}),
            "preferred_date_1": DateInput,
            "preferred_date_2": DateInput,
            "preferred_date_3": DateInput,
        }

    def __init__(self, *args, csos, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cso"].queryset = csos
        self.fields["cso"].empty_label = None

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for name in ("preferred_date_1", "preferred_date_2", "preferred_date_3"):
            day = cleaned.get(name)
            if day is not None and day <= today:
                self.add_error(name, _("希望日は明日以降の日付にしてください。"))
        return cleaned


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label=_("取り下げの理由（任意）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScheduleForm(forms.Form):
    advisor = forms.ModelChoiceField(
        label=_("派遣するアドバイザー"), queryset=Advisor.objects.filter(is_active=True)
    )
    visit_at = forms.DateTimeField(label=_("訪問日時"), widget=DateTimeInput)
    visit_place = forms.CharField(label=_("訪問場所"), max_length=200, required=False)
    message_to_cso = forms.CharField(
        label=_("団体への連絡事項"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_visit_at(self):
        visit_at = self.cleaned_data["visit_at"]
        if visit_at <= timezone.now():
            raise forms.ValidationError(_("訪問日時はこれから先の日時にしてください。"))
        return visit_at


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("見送りの理由（団体の方に表示されます）"), widget=forms.Textarea(attrs={"rows": 4})
    )


class CompleteForm(forms.Form):
    report = forms.CharField(
        label=_("実施報告（団体の方にも表示されます）"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("助言の要点と今後の課題を短くまとめます。"),
    )
