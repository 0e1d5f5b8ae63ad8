"""Forms of competitions; services do the writing and enforce the timeline."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from budaya.activities import evidence as evidence_files
from budaya.activities.forms import DateInput, MultipleFileField
from budaya.competitions.models import SCORES, Competition, Criterion
from budaya.org.models import Unit

ONE_TO_FIVE = [(n, str(n)) for n in SCORES]


class CompetitionForm(forms.ModelForm):
    categories = forms.CharField(
        label=_("Categories"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line."),
        max_length=4000,
    )
    rules_file = forms.FileField(
        label=_("Rules document"),
        required=False,
        help_text=_("PDF or an office document; checked as every evidence."),
    )
    team_kinds = forms.MultipleChoiceField(
        label=_("Teams that may enter"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every agency team."),
    )
    unit_kinds = forms.MultipleChoiceField(
        label=_("Agencies that may enter"),
        required=False,
        choices=Unit.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind of agency."),
    )

    class Meta:
        model = Competition
        fields = [
            "name",
            "kind",
            "year",
            "description",
            "organiser",
            "team_kinds",
            "unit_kinds",
            "opens_on",
            "registration_closes",
            "submission_closes",
            "judging_closes",
            "announce_on",
            "winners",
            "normalise",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "opens_on": DateInput(),
            "registration_closes": DateInput(),
            "submission_closes": DateInput(),
            "judging_closes": DateInput(),
            "announce_on": DateInput(),
        }

    def __init__(
        self, *args: Any, team_kinds: QuerySet[Any], organisers: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team_kinds"].choices = [(kind.code, kind.name) for kind in team_kinds]  # type: ignore[attr-defined]
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]
        if self.instance.pk:
            del self.fields["categories"]
        for field in self.fields.values():
            if field.label:
                field.label = capfirst(field.label)

    def clean_rules_file(self) -> Any:
        upload = self.cleaned_data.get("rules_file")
        return evidence_files.prepare_file(upload) if upload else None

    def clean_winners(self) -> int:
        winners = self.cleaned_data["winners"]
        if not 1 <= winners <= 10:
            raise ValidationError(_("Between 1 and 10 winners per category."))
        return int(winners)

    def category_names(self) -> list[str]:
        return str(self.cleaned_data.get("categories", "")).splitlines()

    def competition_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=200)
    weight = forms.IntegerField(label=_("Weight (%)"), min_value=1, max_value=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for score in SCORES:
            self.fields[f"descriptor_{score}"] = forms.CharField(
                label=_("What a score of %(score)s means") % {"score": score}, max_length=500
            )

    def descriptors(self) -> dict[int, str]:
        return {score: self.cleaned_data[f"descriptor_{score}"] for score in SCORES}


class JudgeForm(forms.Form):
    category: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Category"),
        queryset=None,  # type: ignore[arg-type]
    )
    user: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Judge"),
        queryset=None,  # type: ignore[arg-type]
    )
    declared: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Agencies the judge declares a conflict of interest with"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
        help_text=_("The judge's own agency counts without being ticked."),
    )
    declaration = forms.CharField(
        label=_("Declaration"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("What the judge declares (relatives, former posts ...)."),
    )

    def __init__(
        self, *args: Any, categories: Any, users: Any, agencies: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]
        self.fields["user"].queryset = users  # type: ignore[attr-defined]
        self.fields["user"].label_from_instance = lambda u: (  # type: ignore[attr-defined]
            f"{u.get_full_name() or u.username} ({u.username})"
        )
        self.fields["declared"].queryset = agencies  # type: ignore[attr-defined]


class EntryForm(forms.Form):
    team: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Team"),
        queryset=None,  # type: ignore[arg-type]
    )
    category: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Category"),
        queryset=None,  # type: ignore[arg-type]
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )

    def __init__(self, *args: Any, teams: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["team"].label_from_instance = lambda t: f"{t.name} · {t.unit.name}"  # type: ignore[attr-defined]
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]


class MaterialForm(forms.Form):
    uploads = MultipleFileField(
        label=_("Files, photos or a short video"),
        help_text=_("Checked as every evidence: PDF, pictures, office documents, MP4 or WebM."),
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=10000,
        help_text=_("One web address a line (http:// or https://)."),
    )
    evidence: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Evidence already in the system"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    activities: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Activities"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    plans: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Action plans"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, evidence: Any, activities: Any, plans: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = evidence  # type: ignore[attr-defined]
        self.fields["activities"].queryset = activities  # type: ignore[attr-defined]
        self.fields["activities"].label_from_instance = lambda a: f"{a.date:%d-%m-%Y} · {a.title}"  # type: ignore[attr-defined]
        self.fields["plans"].queryset = plans  # type: ignore[attr-defined]
        self.fields["plans"].label_from_instance = _plan_label  # type: ignore[attr-defined]

    def clean_links(self) -> list[tuple[str, str]]:
        lines = [line.strip() for line in self.cleaned_data.get("links", "").splitlines()]
        return [(evidence_files.clean_url(line), "") for line in lines if line]


def _plan_label(plan: Any) -> str:
    return f"{plan.problem.title} ({plan.get_status_display()})"


class ScoreForm(forms.Form):
    """A judge's scores: one choice from 1 to 5 and a comment per criterion of the rubric."""

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=ONE_TO_FIVE,
                coerce=int,
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "criterion": c,
                "score": self[f"score_{c.pk}"],
                "comment": self[f"comment_{c.pk}"],
            }
            for c in self.criteria
        ]

    def values(self) -> dict[int, tuple[int, str]]:
        return {
            c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"])
            for c in self.criteria
        }
