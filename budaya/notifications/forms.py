from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from budaya.notifications import render
from budaya.notifications.kinds import Kind
from budaya.notifications.models import Delivery, Email, Text


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("Notifications by e-mail"), choices=Delivery.choices, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(label=_("Language of the e-mails"), choices=settings.LANGUAGES)


class TextForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"), max_length=Text._meta.get_field("subject").max_length, required=False
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Leave both empty to use the shipped text again."),
    )

    def __init__(self, *args: Any, kind: Kind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        subject, body = data.get("subject", ""), data.get("body", "")
        if bool(subject.strip()) != bool(body.strip()):
            raise forms.ValidationError(_("Give both the subject and the text, or neither."))
        for name in ("subject", "body"):
            unknown = render.unknown_placeholders(data.get(name, ""), self.kind.allowed)
            if unknown:
                self.add_error(name, render.explain_unknown(unknown, self.kind.allowed))
        return data


class OutboxFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), *Email.Status.choices],
        required=False,
    )
