"""The excellent quota (DOMAIN.md R10–R12; Quy định 366 art. 11, Hướng dẫn 21).

The number rated excellent may not exceed the cap (20 %, or up to 25 % by a recorded decision
for an outstanding unit) of the base: "good or above" (excellent + good) by default (R11, the
reading the 2022 provincial figures fit), or "good" only under the literal reading. Integer
arithmetic throughout: 4 of 20 is allowed, 5 of 24 is not (5 > 4.8).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

GOOD_OR_ABOVE = "good_or_above"
GOOD_ONLY = "good_only"
HUNDREDTH = Decimal("0.01")


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

    @property
    def ok(self) -> bool:
        return self.excellent <= self.allowed


def quota_check(
    *, excellent: int, good: int, cap_percent: Decimal | int, denominator: str = GOOD_OR_ABOVE
) -> QuotaCheck:
    if excellent < 0 or good < 0:
        raise ValueError("counts cannot be negative")
    if denominator not in (GOOD_OR_ABOVE, GOOD_ONLY):
        raise ValueError(f"unknown quota denominator {denominator!r}")
    cap = Decimal(cap_percent)
    base = excellent + good if denominator == GOOD_OR_ABOVE else good
    # floor(base × cap / 100), exactly: excellent ≤ allowed ⇔ excellent × 100 ≤ cap × base
    allowed = int((Decimal(base) * cap) // 100)
    return QuotaCheck(excellent, base, cap, percent(excellent, base), allowed)
