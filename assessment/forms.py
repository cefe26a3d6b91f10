from __future__ import annotations

from decimal import Decimal, InvalidOperation

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from organizations.forms import DateInput

from . import frameworks, rules
from .forms_frameworks import FrameworkFields
from .models import (
    AssessmentStatus,
    CellYear,
    InputKind,
    Level,
    Meeting,
    MemberAssessment,
    PromptLevel,
    ReratingGrounds,
    RuleSet,
)

TEXT_AREA = forms.Textarea(attrs={"rows": 3})
MSG_PROMPT_LEVEL = _("Say which managing level gave the review prompt.")
MSG_MEETING_END = _("The meeting must end after it starts.")
MSG_BALLOTS_VALID = _("There cannot be more valid ballots than ballots issued.")
# A long report or self-review runs to a few pages; a pasted megabyte is a mistake, refused with a
# message on its field rather than stored.
TEXT_MAX = 20000
MSG_DATE_OUTSIDE_YEARS = _(
    "For the %(year)s review the date must lie between %(first)s and %(last)s."
)
MSG_FIELD_ERROR = _("%(field)s: %(error)s")
SELF_REVIEW_TEXTS = [
    "strengths",
    "shortcomings",
    "causes",
    "remedies",
    "commitments",
    "last_year_remedied",
]


def _limit(field: forms.CharField, max_length: int) -> None:
    """What `max_length=` does for a model form's field of an unlimited TextField."""
    field.max_length = max_length
    field.validators.append(MaxLengthValidator(max_length))
    field.widget.attrs["maxlength"] = str(max_length)


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


def _review_date(form: forms.Form, name: str, year: int):
    """A date of the cell's review work (meeting, report, inputs) within `rules.review_dates`."""
    value = form.cleaned_data.get(name)
    first, last = rules.review_dates(year)
    if value is not None and not first <= value <= last:
        raise ValidationError(
            MSG_DATE_OUTSIDE_YEARS,
            code="outside_years",
            params={
                "year": year,
                "first": first.strftime("%d/%m/%Y"),
                "last": last.strftime("%d/%m/%Y"),
            },
        )
    return value


class ErrorsNameTheirField:
    """For a form whose page lists its errors as messages, away from the fields (the decision
    and status forms): each field's error starts with the field's label, so that "This field is
    required." says which field."""

    def full_clean(self):
        super().full_clean()
        for name, errors in list((self._errors or {}).items()):
            if name in self.fields:
                label = self.fields[name].label
                self._errors[name] = self.error_class(
                    [str(MSG_FIELD_ERROR % {"field": label, "error": e}) for e in errors]
                )


class VersionedForm(forms.ModelForm):
    """Carries the version the user read, for conflict detection on save."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version


class MeetingForm(VersionedForm):
    class Meta:
        model = Meeting
        fields = [
            "held_on",
            "started_at",
            "ended_at",
            "place",
            "chair",
            "recorder",
            "guests",
            "ballot_form",
            "counting_committee",
            "ballots_issued",
            "ballots_valid",
            "discussion",
        ]
        widgets = {
            "held_on": DateInput(),
            "started_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ended_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "guests": forms.Textarea(attrs={"rows": 2}),
            "counting_committee": forms.Textarea(attrs={"rows": 2}),
            "discussion": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save the meeting details"))

    def clean_held_on(self):
        return _review_date(self, "held_on", self.instance.cell_year.period.year)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("started_at"), cleaned.get("ended_at")
        if start and end and end <= start:
            self.add_error("ended_at", MSG_MEETING_END)
        issued, valid = cleaned.get("ballots_issued"), cleaned.get("ballots_valid")
        if issued is not None and valid is not None and valid > issued:
            self.add_error("ballots_valid", MSG_BALLOTS_VALID)
        return cleaned


class CellReportForm(VersionedForm):
    class Meta:
        model = CellYear
        fields = [
            "report_strengths",
            "report_shortcomings",
            "report_causes",
            "report_remedies",
            "report_sent_on",
            "self_level",
        ]
        widgets = {
            "report_sent_on": DateInput(),
            **{
                name: TEXT_AREA
                for name in [
                    "report_strengths",
                    "report_shortcomings",
                    "report_causes",
                    "report_remedies",
                ]
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rule_set = self.instance.period.rule_set
        self.fields["self_level"].queryset = rule_set.levels.for_organizations().order_by("rank")
        for name in ("report_strengths", "report_shortcomings", "report_causes", "report_remedies"):
            _limit(self.fields[name], TEXT_MAX)
        self.helper = _helper(_("Save the report"))

    def clean_report_sent_on(self):
        return _review_date(self, "report_sent_on", self.instance.period.year)


class SelfReviewForm(FrameworkFields, forms.Form):
    """Form 2A/2B/2C: texts per section, a score per criteria item, the conditions of R3."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    strengths = forms.CharField(
        label=_("Strengths"), widget=TEXT_AREA, required=False, max_length=TEXT_MAX
    )
    shortcomings = forms.CharField(
        label=_("Shortcomings"), widget=TEXT_AREA, required=False, max_length=TEXT_MAX
    )
    causes = forms.CharField(
        label=_("Causes"), widget=TEXT_AREA, required=False, max_length=TEXT_MAX
    )
    remedies = forms.CharField(
        label=_("Remedies"), widget=TEXT_AREA, required=False, max_length=TEXT_MAX
    )
    commitments = forms.CharField(
        label=_("Commitments"), widget=TEXT_AREA, required=False, max_length=TEXT_MAX
    )
    last_year_remedied = forms.CharField(
        label=_("Last year's shortcomings and how they were fixed"),
        widget=TEXT_AREA,
        required=False,
        max_length=TEXT_MAX,
    )

    def __init__(self, *args, assessment: MemberAssessment, rule_set: RuleSet, **kwargs):
        super().__init__(*args, **kwargs)
        # the member's framework on the review date (their posts: 2A, 2B, 2C) picks the
        # criteria and the conditions (R3); the rule set's own in an era without frameworks
        framework = frameworks.framework_of(assessment.member, assessment.cell_year.period)
        self.framework = framework
        self.add_framework_fields(
            criteria=frameworks.criteria_of(rule_set, framework),
            levels=frameworks.levels_of(rule_set.levels.for_members().order_by("rank"), framework),
            scores=assessment.scores,
            conditions=assessment.conditions,
        )
        if not self.is_bound:
            self.initial.update({n: getattr(assessment, n) for n in SELF_REVIEW_TEXTS})
            self.initial["version"] = assessment.version

    def text_bound_fields(self):
        return [self[name] for name in SELF_REVIEW_TEXTS]

    def texts(self) -> dict[str, str]:
        return {n: self.cleaned_data[n] for n in SELF_REVIEW_TEXTS}


class StatusForm(ErrorsNameTheirField, forms.Form):
    status = forms.ChoiceField(label=capfirst(_("status")), choices=AssessmentStatus.choices)
    reason_code = forms.ChoiceField(
        label=capfirst(_("reason code")),
        required=False,
        choices=[("", "—"), *rules.KPL_REASONS.items(), *rules.CPL_REASONS.items()],
    )
    note = forms.CharField(
        label=capfirst(_("reason")), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReviewInputForm(forms.Form):
    assessment = forms.ModelChoiceField(
        queryset=MemberAssessment.objects.none(),
        required=False,
        label=capfirst(_("member")),
        empty_label=_("— the cell itself —"),
    )
    kind = forms.ChoiceField(label=capfirst(_("kind")), choices=InputKind.choices)
    issuing_level = forms.ChoiceField(
        label=capfirst(_("managing level that gave it")),
        choices=[("", "—"), *PromptLevel.choices],
        required=False,
        help_text=_("For a review prompt only (Biểu 6F, rows 4.1–4.3)."),
    )
    source = forms.CharField(label=capfirst(_("source")), max_length=255)
    given_on = forms.DateField(label=capfirst(_("date")), widget=DateInput())
    text = forms.CharField(label=capfirst(_("content")), widget=TEXT_AREA, max_length=20000)
    answer = forms.CharField(
        label=capfirst(_("written answer")), widget=TEXT_AREA, required=False, max_length=20000
    )

    def __init__(self, *args, cell_year: CellYear, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = cell_year.assessments.select_related("member")
        self.fields["assessment"].label_from_instance = lambda a: a.member.full_name
        self.year = cell_year.period.year
        self.helper = _helper(_("Add"))

    def clean_given_on(self):
        return _review_date(self, "given_on", self.year)

    def clean(self):
        data = super().clean()
        if data.get("kind") != InputKind.PROMPT:
            data["issuing_level"] = ""
        elif not data.get("issuing_level"):
            self.add_error("issuing_level", MSG_PROMPT_LEVEL)
        return data


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=capfirst(_("reason for return")), widget=TEXT_AREA, max_length=5000
    )


class GrassrootsSubmitForm(ErrorsNameTheirField, forms.Form):
    """Steps 7 → 8 (8b): the organization's own report and proposed level. A missing level is
    the machine's refusal (machine.level_proposed), said with the others."""

    report = forms.CharField(
        label=capfirst(_("review report")), required=False, max_length=20000, widget=TEXT_AREA
    )
    proposed_level = forms.ModelChoiceField(
        label=capfirst(_("proposed level")), queryset=Level.objects.none(), required=False
    )

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed_level"].queryset = levels


class DecisionIssueForm(ErrorsNameTheirField, forms.Form):
    signed_on = forms.DateField(label=capfirst(_("date")), widget=DateInput())
    signer_name = forms.CharField(label=capfirst(_("signer")), max_length=120)
    signer_title = forms.CharField(label=capfirst(_("signer's title")), max_length=120)
    quota_justification = forms.CharField(
        label=capfirst(_("justification for exceeding the quota")),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    raised_cap_percent = forms.DecimalField(
        label=capfirst(_("raised quota (%)")),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
    )
    quota_raise_reference = forms.CharField(
        label=capfirst(_("decision raising the cap for an outstanding unit")),
        required=False,
        max_length=255,
    )

    def __init__(self, *args, issuer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if issuer is not None and not self.is_bound:
            from .documents import last_signer

            self.initial = last_signer(issuer) | self.initial


class RerateForm(forms.Form):
    """R9, form 03: re-rating one member's past result."""

    grounds = forms.ChoiceField(label=capfirst(_("grounds for re-rating")))
    level = forms.ModelChoiceField(label=capfirst(_("new level")), queryset=Level.objects.none())
    reason = forms.CharField(
        label=capfirst(_("reason")), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    signed_on = forms.DateField(label=capfirst(_("date")), widget=DateInput())
    signer_name = forms.CharField(label=capfirst(_("signer")), max_length=120)
    signer_title = forms.CharField(label=capfirst(_("signer's title")), max_length=120)

    def __init__(self, *args, grounds, levels, issuer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if issuer is not None and not self.is_bound:
            from .documents import last_signer

            self.initial = last_signer(issuer) | self.initial
        self.fields["grounds"].choices = [
            (value, label) for value, label in ReratingGrounds.choices if value in grounds
        ]
        self.fields["level"].queryset = levels


def _decimal(value) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None


# --- Decision tables (issue 12): one form per row, each carrying the version it was loaded
# with; a row the user did not change (against the values it was loaded with, posted as
# Django's hidden initial values) is not sent to the service, so it is never rewritten.


class LevelField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Level) -> str:
        return obj.short_name


class UnitDecisionRowForm(forms.Form):
    """One unit's row: its decided level and the reason when it is not the proposal. The
    initial values are the row as loaded; `undecided` rows count as changed (the level shown
    is the proposal, which saving records)."""

    EDITABLE = ("level", "note")

    id = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    level = LevelField(
        label=capfirst(_("decided level")),
        queryset=Level.objects.none(),
        required=False,
        empty_label="—",
        show_hidden_initial=True,
    )
    note = forms.CharField(
        label=capfirst(_("reason for the decided level")),
        required=False,
        max_length=2000,
        show_hidden_initial=True,
    )

    def __init__(self, *args, levels=None, **kwargs):
        super().__init__(*args, **kwargs)
        levels = levels if levels is not None else Level.objects.none()
        # One query for the whole table, not one per row and field (rendering reads choices).
        choices = [("", "—"), *((lv.pk, lv.short_name) for lv in levels)]
        for name in ("level", "state_level"):
            if name in self.fields:
                self.fields[name].queryset = levels
                self.fields[name].choices = choices
        row, label = self.initial.get("id"), self.initial.get("label", "")
        for name in self.EDITABLE:
            field = self.fields[name]
            field.disabled = bool(self.initial.get("locked"))
            field.widget.attrs.update(
                {
                    "class": "form-select form-select-sm"
                    if isinstance(field, forms.ModelChoiceField)
                    else "form-control form-control-sm mb-1",
                    "aria-label": f"{field.label}: {label}",
                    "data-testid": f"{name.replace('_', '-')}-{row}",
                }
            )
        self.fields["note"].widget.attrs["placeholder"] = _("reason if not the proposal")

    def choice(self):
        from .decisions import Choice

        data = self.cleaned_data
        return Choice(
            level=data["level"],
            note=data.get("note", ""),
            override_note=data.get("override_note", ""),
            state_level=data.get("state_level"),
            version=data["version"],
        )


class OverridableRowForm(UnitDecisionRowForm):
    """A row whose rule checks may be overridden in writing (R3–R5): a member's, a leadership
    collective's."""

    EDITABLE = ("level", "note", "override_note")

    override_note = forms.CharField(
        label=capfirst(_("reason for overriding a rule check")),
        required=False,
        max_length=2000,
        show_hidden_initial=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["override_note"].widget.attrs["placeholder"] = _(
            "reason for overriding a rule check"
        )


class MemberDecisionRowForm(OverridableRowForm):
    """One member's row: also the override of a rule check and the state level (R3–R6)."""

    EDITABLE = ("level", "note", "override_note", "state_level")

    state_level = LevelField(
        label=capfirst(_("state (civil-service) level")),
        queryset=Level.objects.none(),
        required=False,
        empty_label="—",
        show_hidden_initial=True,
    )


class DecisionTable(forms.BaseFormSet):
    def changed_choices(self) -> dict:
        """{row id: Choice} for the rows the user changed (call after is_valid): against the
        values each row was loaded with (posted back as hidden initial values); a row still
        undecided counts as changed. Rows not in the table as it stands are left out."""
        current = {row["id"]: row for row in self.initial or []}
        result = {}
        for form in self.forms:
            row = current.get(form.cleaned_data["id"])
            if row is None or row.get("locked"):
                continue
            if row.get("undecided") or any(n in form.changed_data for n in form.EDITABLE):
                result[row["id"]] = form.choice()
        return result

    def all_choices(self) -> dict:
        """{row id: Choice} for every row as posted (the quota preview counts them all)."""
        return {
            f.cleaned_data["id"]: f.choice()
            for f in self.forms
            if f.is_valid() and f.cleaned_data.get("level")
        }

    def by_id(self) -> dict:
        return {f.initial.get("id"): f for f in self.forms}


MemberDecisionTable = forms.formset_factory(
    MemberDecisionRowForm, formset=DecisionTable, extra=0, max_num=5000, validate_max=True
)
UnitDecisionTable = forms.formset_factory(
    UnitDecisionRowForm, formset=DecisionTable, extra=0, max_num=5000, validate_max=True
)
CollectiveDecisionTable = forms.formset_factory(
    OverridableRowForm, formset=DecisionTable, extra=0, max_num=5000, validate_max=True
)


def member_rows_initial(rows) -> list[dict]:
    """The members' rows as loaded: the level shown is the decided one, else the proposal."""
    return [
        {
            "id": r.assessment.pk,
            "label": r.assessment.member.full_name,
            "version": r.assessment.version,
            "level": r.level.pk if r.level else None,
            "note": r.assessment.decision_note,
            "override_note": r.assessment.override_note,
            "state_level": r.assessment.state_level_id,
            "undecided": r.assessment.decided_level_id is None,
            "locked": bool(r.assessment.decision_id),
        }
        for r in rows
    ]


def unit_rows_initial(rows, attribute: str) -> list[dict]:
    """Rows of cell years or grassroots years (`attribute` names the row's record)."""
    result = []
    for r in rows:
        record = getattr(r, attribute)
        unit = {"cell_year": "cell", "collective_assessment": "collective"}.get(
            attribute, "organization"
        )
        unit = getattr(record, unit)
        result.append(
            {
                "id": record.pk,
                "label": unit.name,
                "version": record.version,
                "level": r.level.pk if r.level else None,
                "note": record.decision_note,
                "override_note": getattr(record, "override_note", ""),
                "undecided": record.decided_level_id is None,
                "locked": bool(record.decision_id),
            }
        )
    return result
