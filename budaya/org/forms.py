from django import forms
from django.utils.translation import gettext_lazy as _

from budaya.org.models import Government


class GovernmentForm(forms.ModelForm):
    class Meta:
        model = Government
        fields = ["name", "slug", "kind", "kemendagri_code", "head_title", "timezone", "logo"]
        help_texts = {
            "head_title": _("Left empty, it follows the kind: Wali Kota, Bupati or Gubernur.")
        }

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["head_title"].required = False

    def clean_kemendagri_code(self) -> str:
        code = self.cleaned_data["kemendagri_code"].strip()
        # Kemendagri region codes: province "36", regency/city "36.71".
        parts = code.split(".")
        if not all(part.isdigit() and len(part) == 2 for part in parts) or len(parts) > 2:
            raise forms.ValidationError(
                _("Write the Kemendagri code as two-digit groups with dots, e.g. 36 or 36.71.")
            )
        kind = self.cleaned_data.get("kind")
        if kind == Government.Kind.PROVINSI and len(parts) != 1:
            raise forms.ValidationError(_("A province has a two-digit code, e.g. 36."))
        if kind in (Government.Kind.KOTA, Government.Kind.KABUPATEN) and len(parts) != 2:
            raise forms.ValidationError(_("A city or regency has a code like 36.71."))
        return code

    def clean_logo(self):  # type: ignore[no-untyped-def]
        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The logo may be at most 2 MB."))
        return logo
