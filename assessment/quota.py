"""The excellent quota (DOMAIN.md R10–R12; Quy định 366 art. 11, Hướng dẫn 21).

The number rated excellent may not exceed the cap (20 %, or up to 25 % by a recorded decision
for an outstanding unit) of the base: "good or above" (excellent + good) by default (R11, the
reading the 2022 provincial figures fit), or "good" only under the literal reading. Integer
arithmetic throughout: 4 of 20 is allowed, 5 of 24 is not (5 > 4.8).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

GOOD_OR_ABOVE = "good_or_above"
GOOD_ONLY = "good_only"
HUNDREDTH = Decimal("0.01")
# R11: every label that names the ratio says its base.
RATIO_LABELS = {
    GOOD_OR_ABOVE: _("Excellent as % of those rated good or above"),
    GOOD_ONLY: _("Excellent as % of those rated good"),
}
BASE_LABELS = {
    GOOD_OR_ABOVE: _("those rated good or above (excellent + good)"),
    GOOD_ONLY: _("those rated good"),
}


def ratio_label(denominator: str) -> str:
    """The column header of the quota ratio for the base in use (R11)."""
    return str(RATIO_LABELS[denominator])


def percent(part: int, whole: int) -> Decimal | None:
    """A percentage from stored counts, half up to two decimals (R24); None for an empty base."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class QuotaCheck:
    excellent: int
    base: int
    cap_percent: Decimal
    ratio: Decimal | None  # excellent as a percent of the base, for display (never stored)
    allowed: int  # the most excellent ratings the cap admits for this base
    denominator: str = GOOD_OR_ABOVE
    applies: bool = True  # False where the era's rules set no quota (organizations before 2018)

    @property
    def base_label(self) -> str:
        return str(BASE_LABELS[self.denominator])

    @property
    def ok(self) -> bool:
        return not self.applies or self.excellent <= self.allowed


def quota_check(
    *,
    excellent: int,
    good: int,
    cap_percent: Decimal | int,
    denominator: str = GOOD_OR_ABOVE,
    applies: bool = True,
) -> QuotaCheck:
    """R10–R11: `excellent` and `good` are counts of canonical levels; `cap_percent` the cap
    (20, or up to 25 by a recorded decision); `denominator` GOOD_OR_ABOVE (excellent + good:
    2019–2022, Hướng dẫn 21) or GOOD_ONLY (Quy định 366 art. 11, 2025–). `applies` False
    records the figures of an era without a quota (never exceeded). Raises ValueError on a
    negative count or an unknown denominator."""
    if excellent < 0 or good < 0:
        raise ValueError("counts cannot be negative")
    if denominator not in (GOOD_OR_ABOVE, GOOD_ONLY):
        raise ValueError(f"unknown quota denominator {denominator!r}")
    cap = Decimal(cap_percent)
    base = excellent + good if denominator == GOOD_OR_ABOVE else good
    # floor(base × cap / 100), exactly: excellent ≤ allowed ⇔ excellent × 100 ≤ cap × base
    allowed = int((Decimal(base) * cap) // 100)
    return QuotaCheck(excellent, base, cap, percent(excellent, base), allowed, denominator, applies)
