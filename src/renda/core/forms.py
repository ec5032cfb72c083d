from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.utils import timezone

from .auth import AccountLocked
from .models import Organization, Role


class LoginForm(forms.Form):
    login = forms.CharField(label="用户名或手机号", max_length=150,
                            widget=forms.TextInput(attrs={"autocomplete": "username",
                                                          "autofocus": True}))
    password = forms.CharField(label="密码", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete":
                                                                 "current-password"}))

    def __init__(self, request: Any, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        login, password = data.get("login"), data.get("password")
        if login and password:
            try:
                self.user = authenticate(self.request, username=login, password=password)
            except AccountLocked as locked:
                minutes = max(1, int((locked.until - timezone.now()).total_seconds() // 60) + 1)
                raise forms.ValidationError(
                    f"连续登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试。"
                ) from None
            if self.user is None:
                raise forms.ValidationError("用户名/手机号或密码不正确。")
            if not self.user.is_active:
                raise forms.ValidationError("该账号已停用，请联系系统管理员。")
        return data


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))
    new_password = forms.CharField(
        label="新密码", strip=False,
        help_text="至少10个字符，不能全是数字，不能与用户名或手机号相近。",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(label="再输入一次新密码", strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete":
                                                                      "new-password"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data


class UserCreateForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机号", max_length=11, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)


class RoleGrantForm(forms.Form):
    login = forms.CharField(label="用户名或手机号", max_length=150)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    organization = forms.ModelChoiceField(label="所属机构", queryset=Organization.objects.none(),
                                          required=False)

    def __init__(self, congress: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(congress=congress)


class SecurityPolicyForm(forms.Form):
    max_failed_logins = forms.IntegerField(label="连续失败锁定次数", min_value=3, max_value=10)
    lockout_minutes = forms.IntegerField(label="锁定时长（分钟）", min_value=5, max_value=1440)
    idle_minutes = forms.IntegerField(label="空闲超时（分钟，0 为默认 30 分钟）", min_value=0,
                                      max_value=480)
