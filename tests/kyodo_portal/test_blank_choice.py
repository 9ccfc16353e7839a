from django import forms

from kyodo_portal.models import Department, User


class DepartmentChoiceForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["department"]


def test_empty_choice_of_a_foreign_key_reads_in_japanese():
    assert DepartmentChoiceForm().fields["department"].empty_label == "選択してください"


def test_empty_choice_of_a_choices_field_reads_in_japanese():
    field = Department._meta.get_field("kind")

    assert field.get_choices(include_blank=True)[0] == ("", "選択してください")
