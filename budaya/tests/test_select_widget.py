"""budaya/templates/django/forms/widgets/select.html: Django's select, options inlined."""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates


class Choices(forms.Form):
    one = forms.ChoiceField(
        choices=[("", "—"), ("1", "Satu & <dua>"), ("Grup", [("2", "Dua"), ("3", "Tiga")])],
        initial="2",
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], initial=["x", "y"])


def _lines(html: str) -> list[str]:
    return [line for line in html.splitlines() if line.strip()]


def test_the_select_renders_as_djangos_own():
    for name in ("one", "many"):
        ours = str(Choices()[name])
        djangos = str(Choices(renderer=DjangoTemplates())[name])
        assert "Satu &amp; &lt;dua&gt;" in ours or name == "many"
        assert ours.count(" selected") == (1 if name == "one" else 2)
        assert _lines(ours) == _lines(djangos)


def test_the_forms_use_the_inlined_select():
    template = Choices().renderer.get_template("django/forms/widgets/select.html")
    assert template.origin.name.endswith("budaya/templates/django/forms/widgets/select.html")
    assert "{% include option.template_name" not in template.template.source
