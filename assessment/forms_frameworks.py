"""The part every review form shares (R3, issue 14 item 2): a score per criterion of the
framework the subject is reviewed under and the conditions its reviewee ticks. The annual
self-review (2A, 2B, 2C), the quarter (form 05) and the collective's review (form 01) use it,
so a framework's criteria are shown and read in one place. Forms validate and map; services
(frameworks.scores_parse, rules.framework_level) decide."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django import forms

from . import rules


def _decimal(value) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None


class FrameworkFields:
    """Adds `score_<item>` fields for `criteria` (groups of items, frameworks.criteria_of) and
    `condition_<code>` boxes for the conditions of `levels` (best first, each with the
    conditions its framework gives, frameworks.levels_of) a reviewee ticks: not the quota nor
    the measured ones (read from the facts of the year) nor those about an organization."""

    def add_framework_fields(
        self,
        *,
        criteria: list[dict],
        levels: Iterable,
        scores: Mapping[str, object],
        conditions: Mapping[str, bool],
    ) -> None:
        self.score_fields, self.condition_fields = [], []
        for group in criteria:
            title = rules.condition_text({"vi": group["name_vi"], "en": group["name_en"]})
            for item in group["items"]:
                name = f"score_{item['code']}"
                label = rules.condition_text({"vi": item["name_vi"], "en": item["name_en"]})
                self.fields[name] = forms.DecimalField(
                    label=f"{label} (≤ {item['max_points']})",
                    min_value=0,
                    max_value=item["max_points"],
                    decimal_places=2,
                    required=False,
                    # stored as text in JSON: a Decimal is shown back localized ("17,5")
                    initial=_decimal(scores.get(item["code"])),
                    # a text box that takes "9,5": a browser's number box drops the comma
                    localize=True,
                    widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                )
                self.score_fields.append(((title, group["max_points"]), name))
        seen = set()
        for level in levels:
            for condition in level.conditions:
                code = condition["code"]
                if code in seen or code == "quota" or "measure" in condition:
                    continue
                if condition.get("scope") == "organization":
                    continue
                seen.add(code)
                self.fields[f"condition_{code}"] = forms.BooleanField(
                    label=rules.condition_text(condition),
                    required=False,
                    initial=conditions.get(code, False),
                )
                self.condition_fields.append(f"condition_{code}")

    def score_bound_fields(self):
        """(group title, group points) and the bound field of each item, in order."""
        return [(group, self[name]) for group, name in self.score_fields]

    def condition_bound_fields(self):
        return [self[name] for name in self.condition_fields]

    def scores(self) -> dict[str, object]:
        return {n.removeprefix("score_"): self.cleaned_data.get(n) for _, n in self.score_fields}

    def conditions(self) -> dict[str, bool]:
        return {
            n.removeprefix("condition_"): self.cleaned_data.get(n, False)
            for n in self.condition_fields
        }
