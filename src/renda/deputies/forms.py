from __future__ import annotations

from django import forms

from .models import EndReason

MAX_UPLOAD = 20 * 1024 * 1024


class EndMandateForm(forms.Form):
    reason = forms.ChoiceField(label="终止原因", choices=[("", "请选择"), *EndReason.choices])
    end_date = forms.DateField(label="终止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label="说明", max_length=200, required=False,
                           help_text="如：因工作调动，经常委会会议决定。")


class RosterUploadForm(forms.Form):
    file = forms.FileField(label="名册文件（.xlsx）")
    allow_partial = forms.BooleanField(
        label="只导入无误的行（默认：有任何错误行则整份不导入）", required=False)

    def clean_file(self):  # type: ignore[no-untyped-def]
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("只能上传 .xlsx 格式的 Excel 文件（可先下载导入模板）。")
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError("文件不能超过 20 MB。")
        head = f.read(4)
        f.seek(0)
        if head != b"PK\x03\x04":
            raise forms.ValidationError("文件内容不是 Excel（.xlsx）格式。")
        return f
