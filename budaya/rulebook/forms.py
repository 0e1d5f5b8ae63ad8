from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from budaya.rulebook.services import MAX_FILE_SIZE


class RulebookUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Rulebook file (YAML)"),
        help_text=_("A file in the rulebook format, at most 1 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml"}),
    )
    note = forms.CharField(
        label=_("Note on this change"),
        required=False,
        max_length=500,
        help_text=_("Why the rulebook changes, e.g. the regulation that amends it."),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from error
