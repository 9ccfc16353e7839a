from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kyodo_portal import throttle
from kyodo_portal.notifications import notify_after_commit

User = get_user_model()


class LoginForm(auth_forms.AuthenticationForm):
    """The login form, in the portal's words; an account whose address is not confirmed yet is
    told so (only after the right password, so the form tells nobody else about the address)."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _(
            "メールアドレスかパスワードが違います。パスワードを忘れたときは、下の"
            "「パスワードを忘れた方」から設定し直せます。"
        ),
        "unverified": _(
            "メールアドレスの確認が済んでいません。登録のときにお送りしたメールのリンクを開いて"
            "ください。メールが見つからないときは、下の「確認のメールを送り直す」からどうぞ。"
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.email_verified:
            raise forms.ValidationError(self.error_messages["unverified"], code="unverified")


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("メールアドレス"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form; the mail is the portal's (links from SITE_URL, in Japanese), and an
    address gets at most the ``password_reset:email`` rate of them."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        if not throttle.hit("password_reset:email", to_email):
            return
        notify_after_commit(to=[to_email], template="password_reset", context=context)


class NameForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name"]
        help_texts = {"full_name": _("団体のメンバーと県の担当者に表示されます。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label=_("新しいメールアドレス"),
        help_text=_("新しいアドレスに確認のメールを送ります。リンクを開くと切り替わります。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("いまのパスワード"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("パスワードが違います。"), code="password_incorrect")
        return password


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": _("いまのパスワードが違います。"),
    }


class CloseAccountForm(forms.Form):
    """Closing one's account cannot be undone: the password again, and a plain yes."""

    password = forms.CharField(
        label=_("パスワード"),
        help_text=_("本人の確認のため、いまのパスワードを入れてください。"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    understood = forms.BooleanField(
        label=_("上の説明を読みました。アカウントを閉じると元に戻せないことを理解しています。"),
        error_messages={"required": _("説明を読んだら、チェックを入れてください。")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("パスワードが違います。"), code="password_incorrect")
        return password
