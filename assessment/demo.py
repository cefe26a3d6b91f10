"""Demo results made by the real chain (issue 12, fault 6): each chosen cell holds its meeting,
votes and submits; its grassroots organization's committee decides its members and issues a
numbered decision; once all its cells are decided the committee decides and issues the cells'
levels and reports its own level upward; a superior committee whose organizations have all
reported decides and issues their levels, and then reports its own level to the province (step
8b), which decides in turn. Every row is written by the services the pages use, so what the demo
leaves is what the chain would leave: issued, numbered decisions, nothing stuck half-way.

Deterministic for a seed. The cells in `keep` (the demo accounts' own cells) stay untouched, so
the walk-through from the cell's first step still works."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import cached_property

from members.models import Member, StatusPeriod
from organizations.models import (
    CELL_KINDS,
    GRASSROOTS_KINDS,
    CollectiveSeat,
    Kind,
    LeadershipCollective,
    Organization,
    Role,
)
from organizations.models_collectives import PARTY_KINDS, managing_unit

from . import cell_year as work
from . import collectives, decisions, frameworks, grassroots, machine, meetings, quarters, rules
from .counts import counts_refresh
from .decisions import Choice
from .models import (
    AssessmentStatus,
    CanonicalLevel,
    CellState,
    CellYear,
    Commendation,
    CommendationKind,
    Decision,
    DecisionKind,
    GrassrootsYear,
    InputKind,
    Level,
    MeetingInspection,
    MemberAssessment,
    Period,
)
from .models_quarters import QUARTER_DUE_DAYS, QuarterAssessmentState

ORDER = {
    CanonicalLevel.EXCELLENT: 0,
    CanonicalLevel.GOOD: 1,
    CanonicalLevel.COMPLETED: 2,
    CanonicalLevel.NOT_COMPLETED: 3,
}
# Shares of each canonical level among assessed members, and among units.
MEMBER_SHARES = {
    CanonicalLevel.EXCELLENT: 12,
    CanonicalLevel.GOOD: 68,
    CanonicalLevel.COMPLETED: 17,
    CanonicalLevel.NOT_COMPLETED: 3,
}
UNIT_SHARES = {
    CanonicalLevel.EXCELLENT: 15,
    CanonicalLevel.GOOD: 65,
    CanonicalLevel.COMPLETED: 18,
    CanonicalLevel.NOT_COMPLETED: 2,
}
JUSTIFICATION = "Đơn vị có nhiều thành tích nổi bật trong năm (đề nghị của cấp ủy)."
NOTE_LOWER = "Chưa đủ điều kiện ở mức đề xuất; cấp ủy quyết định mức thấp hơn liền kề."
NOTE_CONFIRM = "Cấp ủy đã xem xét kết quả lãnh đạo, quản lý của đồng chí; giữ mức chi bộ đề xuất."
SELF_REVIEW = "Hoàn thành các nhiệm vụ được giao; giữ gìn phẩm chất, đạo đức, lối sống."
REPORT = "Báo cáo kiểm điểm tập thể năm {year}: hoàn thành các nhiệm vụ trọng tâm."

# Who submits a unit's own report upward: its committee (a commune committee's board, step 8b).
REPORTING_ROLE = {Kind.SUPERIOR: Role.SUPERIOR_BOARD}
Actor = Callable[..., object]  # (unit, role=None) → the user who acts for a unit


class Chain:
    """Drives one year's chain through the services, as the demo's people would."""

    def __init__(self, *, period: Period, seed: int, actor: Actor, on: datetime.date):
        self.period, self.actor, self.on = period, actor, on
        self.rng = random.Random(seed)
        self.levels = {lv.maps_to: lv for lv in period.rule_set.levels.order_by("-rank")}
        self.member_levels = {
            lv.maps_to: lv for lv in period.rule_set.levels.for_members().order_by("-rank")
        }
        self.unit_levels = {
            lv.maps_to: lv for lv in period.rule_set.levels.for_organizations().order_by("-rank")
        }

    def pick(self, shares: dict, levels: dict[str, Level]) -> Level:
        return levels[self.rng.choices(list(shares), weights=list(shares.values()))[0]]

    # --- step 2-6: the cell ----------------------------------------------------------------

    @transaction.atomic
    def cell_meets(self, cell: Organization, *, submit: bool) -> CellYear:
        """The cell's year up to the votes (and, with `submit`, its submission)."""
        by = self.actor(cell)
        cell_year = work.cell_year_open(period=self.period, cell=cell)
        work.cell_report_save(
            cell_year=cell_year,
            data={
                "report_strengths": REPORT.format(year=self.period.year),
                "report_sent_on": self.on - datetime.timedelta(days=5),
            },
            by=by,
            version=None,
        )
        meeting = work.meeting_for(cell_year)
        work.meeting_save(
            meeting=meeting,
            data={"held_on": self.on, "chair": "Bí thư chi bộ", "recorder": "Phó Bí thư"},
            by=by,
            version=None,
        )
        summary = work.meeting_summary(meeting)
        for member in summary.voters:
            work.attendance_set(
                meeting=meeting, member=member, present=True, absence_reason="", by=by
            )
        summary = work.meeting_summary(meeting)
        assessments = list(
            cell_year.assessments.filter(status=AssessmentStatus.ASSESS).select_related("member")
        )
        targets = {a.pk: self.member_target(a) for a in assessments}
        for assessment in assessments:  # step 3: every member assessed writes a self-review
            framework = frameworks.framework_of(assessment.member, self.period)
            scores, conditions = review_answers(
                rule_set=self.period.rule_set,
                framework=framework,
                levels=sorted(self.member_levels.values(), key=lambda lv: lv.rank),
                target=targets[assessment.pk],
                rng=self.rng,
            )
            work.self_review_save(
                assessment=assessment,
                texts={"strengths": SELF_REVIEW},
                scores=scores,
                conditions=conditions,
                by=by,
                version=None,
            )
        for assessment in assessments:
            if assessment.member_id in summary.away:  # R13 (2025–): the host cell's comment
                work.review_input_add(
                    cell_year=cell_year,
                    assessment=assessment,
                    by=by,
                    kind=InputKind.HOST_COMMENT,
                    source="Chi bộ nơi sinh hoạt tạm thời",
                    given_on=self.on - datetime.timedelta(days=10),
                    text="Đồng chí chấp hành tốt quy định nơi sinh hoạt tạm thời.",
                )
        subjects = [(None, self.unit_target(cell))] + [(a, targets[a.pk]) for a in assessments]
        for assessment, level in subjects:
            work.tally_save(
                meeting=meeting,
                assessment=assessment,
                votes={level.code: summary.present},
                commendation_proposed=False,
                by=by,
                version=None,
            )
        if submit:
            cell_year = work.cell_submit(cell_year=cell_year, by=by)
        return cell_year

    def member_target(self, assessment) -> Level:
        records = assessment.member.discipline_records.all()
        disciplined = any(r.decided_on.year == self.period.year for r in records)
        if disciplined:  # R4: the cell proposes what the rule asks
            return self.member_levels[CanonicalLevel.NOT_COMPLETED]
        level = self.pick(MEMBER_SHARES, self.member_levels)
        if assessment.member_id in self.heads and level.maps_to == CanonicalLevel.EXCELLENT:
            return self.member_levels[CanonicalLevel.GOOD]  # a head is judged with the unit
        return level

    def unit_target(self, unit: Organization) -> Level:
        """A level drawn for the unit, never below its heads' (R8: the head is not above)."""
        level = self.pick(UNIT_SHARES, self.unit_levels)
        heads = collectives.head_levels([unit], self.period).get(unit.pk, [])
        best = min(heads, key=lambda lv: lv.rank, default=None)
        if best is not None and ORDER[best.maps_to] < ORDER[level.maps_to]:
            return self.unit_levels[best.maps_to]
        return level

    @cached_property
    def heads(self) -> set[int]:
        """Members who head a party committee this year (collectives.heads_of)."""
        return set(
            CollectiveSeat.objects.in_year(self.period.year)
            .heads()
            .filter(collective__kind__in=PARTY_KINDS)
            .values_list("member_id", flat=True)
        )

    # --- step 7: the grassroots committee ----------------------------------------------------

    def document(self, unit: Organization) -> dict:
        return {
            "signed_on": self.on,
            "signer_name": "Nguyễn Văn Thư",
            "signer_title": "Bí thư" if unit.kind != Kind.PROVINCE else "Phó Bí thư Thường trực",
            "quota_justification": JUSTIFICATION,  # kept only when the quota is exceeded (R12)
        }

    @transaction.atomic
    def members_decide(self, cell_year: CellYear) -> None:
        unit = Organization.objects.grassroots_of(cell_year.cell)
        by = self.actor(unit, Role.GRASSROOTS_COMMITTEE)  # the committee decides (step 7)
        self.decide_with_fallback(
            rows=[
                (a, a.proposed_level)
                for a in cell_year.assessments.filter(status=AssessmentStatus.ASSESS)
            ],
            decide=lambda choices: decisions.member_levels_decide(
                cell_year=cell_year, choices=choices, by=by
            ),
            levels=self.member_levels,
        )
        decisions.members_decision_issue(cell_year=cell_year, by=by, **self.document(unit))

    @transaction.atomic
    def cells_decide(self, unit: Organization) -> None:
        by = self.actor(unit)
        rows = decisions.cell_rows(unit, self.period)
        for row in rows:  # R21: the committee inspects each cell's meetings before classifying
            if not MeetingInspection.objects.filter(
                cell=row.cell_year.cell, period=self.period
            ).exists():
                meetings.meeting_inspection_record(
                    cell=row.cell_year.cell,
                    period=self.period,
                    inspected_on=self.on - datetime.timedelta(days=1),
                    inspector="Ủy ban Kiểm tra Đảng ủy",
                    findings="Chi bộ duy trì sinh hoạt định kỳ; nội dung bám sát nhiệm vụ.",
                    by=by,
                )
        rows = decisions.cell_rows(unit, self.period)
        self.decide_with_fallback(
            rows=[(row.cell_year, row.cell_year.proposed_level) for row in rows],
            decide=lambda choices: decisions.cell_levels_decide(
                grassroots=unit, period=self.period, choices=choices, by=by
            ),
        )
        decisions.cells_decision_issue(
            grassroots=unit, period=self.period, by=by, **self.document(unit)
        )

    def decide_with_fallback(self, *, rows, decide, levels: dict | None = None) -> None:
        """Decide each row at its proposal; a row a rule check refuses (R3–R8) is confirmed
        with a written override where the check allows one, else decided one level lower with
        a reason, as a committee would. `decide(choices)` saves row by row
        and returns its Outcome (decisions.Outcome): the rows that passed stay saved."""
        levels = levels or self.unit_levels
        choices = {row.pk: Choice(level) for row, level in rows}
        for _attempt in range(2 * len(levels)):
            outcome = decide(choices)
            refused = set(outcome.errors)
            if not refused:
                return
            choices = {  # first confirmed with a written override (R3, R5), then one lower
                pk: Choice(choices[pk].level, note=choices[pk].note, override_note=NOTE_CONFIRM)
                if not choices[pk].override_note
                else Choice(self.lower(choices[pk].level, levels), note=NOTE_LOWER)
                for pk in refused
            }
        raise ValidationError(f"no level passes the checks: {outcome.errors}")  # pragma: no cover

    def lower(self, level: Level, levels: dict | None = None) -> Level:
        ranked = sorted((levels or self.unit_levels).values(), key=lambda lv: lv.rank)
        index = ranked.index(level)
        return ranked[min(index + 1, len(ranked) - 1)]

    # --- step 7 → 8 → 8b: reports upward and the superiors' decisions -----------------------

    @transaction.atomic
    def report_upward(self, unit: Organization) -> None:
        year = grassroots.grassroots_year_open(period=self.period, organization=unit)
        grassroots.grassroots_submit(
            grassroots_year=year,
            report=REPORT.format(year=self.period.year),
            proposed_level=self.unit_target(unit),
            # its committee reports (a commune committee's board for step 8b)
            by=self.actor(unit, REPORTING_ROLE.get(unit.kind, Role.GRASSROOTS_COMMITTEE)),
        )

    @transaction.atomic
    def superior_decides(self, superior: Organization) -> None:
        by = self.actor(superior)
        rows = grassroots.unit_rows(superior, self.period)
        self.decide_with_fallback(
            rows=[(row.grassroots_year, row.grassroots_year.proposed_level) for row in rows],
            decide=lambda choices: grassroots.grassroots_levels_decide(
                superior=superior, period=self.period, choices=choices, by=by
            ),
        )
        grassroots.grassroots_decision_issue(
            superior=superior, period=self.period, by=by, **self.document(superior)
        )


def review_answers(
    *, rule_set, framework, levels: list[Level], target: Level, rng: random.Random
) -> tuple[dict[str, str], dict[str, bool]]:
    """What a demo reviewee whose cell will propose `target` writes on their form (R3): a score
    per criterion of `framework` (the rule set's own criteria without one), in all a total
    inside the target's score band, and every condition of the target level ticked (those
    measured from the year's facts and the quota are not the reviewee's to tick). `levels` are
    the rule set's levels for the subject (members or organizations), best first. Returns
    (scores: item code → points as text, conditions: code → True), as self_review_save and
    collective_review_save take them."""
    rows = frameworks.levels_of(levels, framework)
    row = next(level for level in rows if level.pk == target.pk)
    items = [
        item for group in frameworks.criteria_of(rule_set, framework) for item in group["items"]
    ]
    points = [int(Decimal(str(item["max_points"]))) for item in items]
    maximum = sum(points)
    scores = {}
    if maximum:
        higher = [lv.score_min for lv in rows if lv.rank < row.rank and lv.score_min is not None]
        floor = int(row.score_min) if row.score_min is not None else 0
        ceiling = min(int(min(higher)) - 1, maximum) if higher else maximum
        total = rng.randint(min(floor + 1, ceiling), max(ceiling - 1, floor))
        given = [p * total // maximum for p in points]  # each item its share, then the rest
        for index in sorted(range(len(points)), key=lambda k: -points[k]):
            if sum(given) >= total:
                break
            given[index] += min(points[index] - given[index], total - sum(given))
        scores = {item["code"]: str(n) for item, n in zip(items, given, strict=True)}
    conditions = {
        c["code"]: True for c in row.conditions if c["code"] != "quota" and "measure" not in c
    }
    return scores, conditions


def seed_results(
    *,
    period: Period,
    percent: int,
    seed: int,
    keep: Iterable[int],
    actor: Actor,
    on: datetime.date | None = None,
    submitted_percent: int = 0,
    meeting_percent: int = 0,
) -> int:
    """Run the chain for `percent` % of the cells (never those whose pk is in `keep`): cells
    decided by their committee's issued decision, then every organization whose cells are all
    decided reports upward and is decided by its superior, up to the province (R8: lower first).
    Of the other cells, `submitted_percent` % submit and wait for their committee and
    `meeting_percent` % hold their meeting without submitting yet.

    `actor(unit)` gives the user who acts for a unit; `on` is the date of the meetings and
    decisions (default: the period's 10 December). Returns the number of members decided."""
    on = on or datetime.date(period.year, 12, 10)
    chain = Chain(period=period, seed=seed, actor=actor, on=on)
    keep = set(keep)
    cells = [c for c in Organization.objects.filter(kind__in=CELL_KINDS).order_by("path")]
    decided = 0
    for cell in cells:
        if cell.pk in keep:
            continue
        roll = chain.rng.randrange(100)
        if roll < percent:
            cell_year = chain.cell_meets(cell, submit=True)
            chain.members_decide(cell_year)
            decided += cell_year.assessments.filter(status=AssessmentStatus.ASSESS).count()
        elif roll < percent + submitted_percent:
            chain.cell_meets(cell, submit=True)
        elif roll < percent + submitted_percent + meeting_percent:
            chain.cell_meets(cell, submit=False)
    for unit in Organization.objects.filter(kind__in=GRASSROOTS_KINDS).order_by("path"):
        if unit.kind == Kind.GRASSROOTS_COMMITTEE and _all_members_decided(unit, period):
            chain.cells_decide(unit)
        if grassroots.lower_levels_done(unit, period):
            chain.report_upward(unit)
    for superior in Organization.objects.filter(kind=Kind.SUPERIOR).order_by("path"):
        if _all_reported(superior, period):
            chain.superior_decides(superior)
            chain.report_upward(superior)  # step 8b: its own level to the province
    for province in Organization.objects.filter(kind=Kind.PROVINCE):
        if _all_reported(province, period):
            chain.superior_decides(province)
    return decided


COLLECTIVE_REVIEW = (
    "Tập thể đã lãnh đạo hoàn thành các chỉ tiêu nghị quyết năm {year}; giữ nguyên tắc tập "
    "trung dân chủ, đoàn kết thống nhất."
)


def seed_collectives_year(
    *, period: Period, keep: Iterable[int], actor: Actor, on: datetime.date
) -> int:
    """Issue 14 in the demo's year: every leadership collective writes its review (form 01)
    and holds its meeting; those whose unit holds none of the demo accounts' cells (`keep`)
    submit and are decided by their managing board's issued decision (good, R8: before their
    members and lower levels first); the others wait for their unit's people (the cell's
    committee with its review only). Runs before the members are decided. Returns the number of
    collectives decided."""
    keep_ids = set(keep)
    keep_cells = list(Organization.objects.filter(pk__in=keep_ids))
    good = period.rule_set.levels.for_organizations().get(maps_to=CanonicalLevel.GOOD)
    framework = collectives.collective_framework(period)
    unit_levels = list(period.rule_set.levels.for_organizations().order_by("rank"))
    rng = random.Random(period.year)
    managers: dict[int, Organization] = {}
    rows = []
    for collective in LeadershipCollective.objects.active_in(period.year).select_related(
        "organization"
    ):
        unit = collective.organization
        by = actor(unit)
        row = collectives.collective_year_open(period=period, collective=collective, by=by)
        row = collectives.collective_review_save(
            row=row,
            by=by,
            version=row.version,
            strengths=COLLECTIVE_REVIEW.format(year=period.year),
            shortcomings="Công tác kiểm tra, giám sát có lúc chưa kịp thời.",
            causes="",
            remedies="Tăng cường kiểm tra, giám sát thường xuyên.",
            **_collective_self_review(period, framework, unit_levels, good, rng),
        )
        if unit.is_cell and unit.pk in keep_ids:
            continue  # the demo account's secretary carries on from its review
        seats = len(collectives.seats_in(collective, period.year))
        row = collectives.collective_meeting_save(
            row=row,
            by=by,
            version=row.version,
            held_on=on,
            present=seats,
            minutes="Các đồng chí trong tập thể thẳng thắn góp ý.",
            votes={good.code: seats},
        )
        if any(unit.contains(cell) for cell in keep_cells):
            continue  # its unit's people submit it from the demo
        rows.append(collectives.collective_submit(row=row, by=by))
        manager = managing_unit(collective)
        managers[manager.pk] = manager
    decided = 0
    for manager in sorted(managers.values(), key=lambda unit: -unit.depth):
        by = actor(manager)
        pending = collectives.managed_collectives(manager, period)
        collectives.collective_levels_decide(
            manager=manager,
            period=period,
            choices={r.pk: Choice(good, version=r.version) for r in pending},
            by=by,
        ).raise_refusals()
        chain = Chain(period=period, seed=0, actor=actor, on=on)
        collectives.collectives_decision_issue(
            manager=manager, period=period, by=by, **chain.document(manager)
        )
        decided += len(pending)
    return decided


def _collective_self_review(period, framework, levels, good, rng) -> dict:
    """A collective's self-assessment as form 01 asks it: its framework's criteria scored and
    conditions ticked for good (review_answers), or a total and a level in an era without one."""
    if framework is None:
        return {"self_score": "86", "self_level": good}
    scores, conditions = review_answers(
        rule_set=period.rule_set, framework=framework, levels=levels, target=good, rng=rng
    )
    return {"scores": scores, "conditions": conditions}


QUARTER_RESULTS = (
    "Quý {number}: chỉ đạo hoàn thành các chỉ tiêu của cơ quan, đơn vị đúng tiến độ; "
    "tham gia đầy đủ sinh hoạt chi bộ."
)
QUARTER_SHORTCOMINGS = "Công tác kiểm tra, đôn đốc có việc chưa kịp thời."
QUARTER_CONDITIONS = {"all_tasks_on_time": True}
QUARTER_OVERRIDE = "Đơn vị phụ trách chưa có kết quả năm; căn cứ chưa đủ để kết luận."


def _quarter_scores(framework, rng: random.Random) -> dict[str, str]:
    """A score per criterion of the leader's framework, between 80 % and 88 % of its points
    (a leader rated good on 100 points, R3)."""
    share = Decimal(rng.randint(80, 88)) / 100
    return {
        item["code"]: str((Decimal(item["max_points"]) * share).quantize(Decimal(1)))
        for group in frameworks.framework_criteria(framework)
        for item in group["items"]
    }


def seed_quarters(
    *,
    period: Period,
    today: datetime.date,
    actor: Actor,
    seed: int,
    percent: int,
    late_under: Iterable[int],
) -> int:
    """R27 (issue 14 item 6) in the demo's year, through the services and the machine: the
    provincial board opens each quarter begun by `today`, its roster drawn from the posts; in
    every quarter ended, `percent` % of the leaders (the same each quarter) have their results
    entered by their cell's secretary and submitted, and decided by the committee that decides
    their year (at the self-assessed level); the others have written nothing yet. In the last
    quarter past its due date, the leaders under the grassroots organizations whose pk is in
    `late_under` wait for their committee, so the progress dashboard shows them late (R19: late
    work is still accepted). Submission and decision stamps are moved into each quarter's own
    days. Does nothing for rules that assess no one quarterly. Returns the number of quarterly
    results decided."""
    if not quarters.quarterly_framework_codes(period) or not period.is_open():
        return 0
    rng = random.Random(seed)
    province = Organization.objects.get(depth=1)
    opened = [
        quarters.quarter_open(period=period, number=n, by=actor(province))
        for n in range(1, 5)
        if datetime.date(period.year, 3 * n - 2, 1) <= today
    ]
    past_due = [q for q in opened if q.due < today]
    late = past_due[-1] if past_due else None
    late_under = list(Organization.objects.filter(pk__in=set(late_under)))
    members = sorted({row.member_id for q in opened for row in q.assessments.all()})
    chosen = {pk for pk in members if rng.randrange(100) < percent}
    decided = 0
    for quarter in (q for q in opened if q.end < today):
        rows = (
            quarter.assessments.filter(member__in=chosen)
            .select_related("member__cell")
            .order_by("member__cell__path", "member__card_number")
        )
        for row in rows:
            cell = row.member.cell
            framework = quarters.framework_of(row)
            row = quarters.quarter_review_save(
                assessment=row,
                results=QUARTER_RESULTS.format(number=quarter.number),
                shortcomings=QUARTER_SHORTCOMINGS,
                scores=_quarter_scores(framework, rng),
                conditions=QUARTER_CONDITIONS,
                by=actor(cell),
                version=None,
            )
            row = quarters.quarter_step(assessment=row, name="submit", by=actor(cell))
            if quarter.due >= today or (
                quarter == late and any(unit.contains(cell) for unit in late_under)
            ):
                continue  # waits for its committee (late once past its due date)
            by = actor(Organization.objects.grassroots_of(cell), Role.GRASSROOTS_COMMITTEE)
            try:
                quarters.quarter_step(assessment=row, name="decide", by=by, level=row.self_level)
            except machine.Refused as refused:  # R5 measured on the units led: overridden
                if refused.code != "grounds":
                    raise
                quarters.quarter_step(
                    assessment=row,
                    name="decide",
                    by=by,
                    level=row.self_level,
                    override_note=QUARTER_OVERRIDE,
                )
            decided += 1
        _quarter_backdate(quarter)
    return decided


def _quarter_backdate(quarter) -> None:
    """The quarter's results were submitted five days after it ended and decided on time."""
    stamp = timezone.make_aware(datetime.datetime.combine(quarter.end, datetime.time(9, 0)))
    quarter.assessments.exclude(submitted_at=None).update(
        submitted_at=stamp + datetime.timedelta(days=5)
    )
    quarter.assessments.filter(state=QuarterAssessmentState.DECIDED).update(
        decided_at=stamp + datetime.timedelta(days=QUARTER_DUE_DAYS - 2)
    )


def backdate(*, period: Period, on: datetime.date) -> None:
    """A past year seeded today: the services stamped submissions and decisions with today's
    clock; move those stamps to the year's own review dates (submitted on `on`, the cells a week
    before their deadline), so the past year reads as it went, on time."""
    stamp = timezone.make_aware(datetime.datetime.combine(on, datetime.time(9, 0)))
    CellYear.objects.filter(period=period).exclude(submitted_at=None).update(submitted_at=stamp)
    GrassrootsYear.objects.filter(period=period).exclude(submitted_at=None).update(
        submitted_at=stamp + datetime.timedelta(days=5)
    )
    Decision.objects.filter(period=period).update(issued_at=stamp + datetime.timedelta(days=10))


def deadlines_ahead(*, period: Period, today: datetime.date, by=None) -> None:
    """The demo of the year under review shows no deadline passed: a deadline on or before
    `today` (the demo run early in the year, or in January) moves after it, keeping the order
    of the cascade (R19), one week apart."""
    after = today
    for deadline in period.deadlines.order_by("due"):
        if deadline.due <= after:
            deadline.due = after + datetime.timedelta(days=7)
            deadline._history_user = by
            deadline.save()
        after = deadline.due


def _all_members_decided(unit: Organization, period: Period) -> bool:
    cells = Organization.objects.in_subtree(unit).cells()
    years = CellYear.objects.for_period(period).filter(cell__in=cells)
    return years.count() == cells.count() and not years.exclude(state=CellState.DECIDED).exists()


def _all_reported(superior: Organization, period: Period) -> bool:
    """Every unit `superior` decides for has reported (and none is decided yet)."""
    below = Organization.objects.filter(
        path__startswith=superior.path,
        depth=superior.depth + 1,
        kind__in=grassroots.decided_kinds(superior),
    )
    years = GrassrootsYear.objects.filter(period=period, organization__in=below)
    return (
        below.exists()
        and years.filter(state=CellState.SUBMITTED).count() == below.count()
        and not years.filter(decision__isnull=False).exists()
    )


BATCH = 2000


def seed_results_bulk(*, period: Period, percent: int, seed: int, keep: set[int], by) -> int:
    """The end state of seed_results written with bulk inserts, for the province scale of the
    benchmarks and the export worker's test (100,000 members in seconds, where the chain takes
    an hour): `percent` % of the cells (not those in `keep`, by pk) decided with their members,
    each by an issued, numbered members' decision of its grassroots organization; the cells of
    a grassroots committee whose cells are all decided by an issued cells' decision; such a
    grassroots organization by an issued decision of its superior. Issued by `by` (a user).
    No history rows: use seed_results wherever people will work on the data. Recounts the
    year's summary counts (assessment/counts.py) at the end. Returns members."""
    rng = random.Random(seed)
    levels = {lv.maps_to: lv for lv in period.rule_set.levels.order_by("-rank")}

    def pick(shares) -> object:
        return levels[rng.choices(list(shares), weights=list(shares.values()))[0]]

    existing = set(CellYear.objects.filter(period=period).values_list("cell_id", flat=True))
    cells = [
        c
        for c in Organization.objects.filter(kind__in=CELL_KINDS).order_by("path")
        if c.pk not in keep and c.pk not in existing and rng.randrange(100) < percent
    ]
    chosen = {c.pk for c in cells}
    units = _grassroots_paths()
    complete: dict[str, bool] = {}  # a grassroots organization whose cells are all chosen
    for pk, path in Organization.objects.filter(kind__in=CELL_KINDS).values_list("pk", "path"):
        owner = _owner(path, units)
        if owner:
            complete[owner] = complete.get(owner, True) and pk in chosen
    # Submitted on time: a week before the cells' default deadline (20/12).
    submitted = timezone.make_aware(datetime.datetime(period.year, 12, 13, 9, 0))
    cell_years = [
        CellYear(
            period=period,
            cell=cell,
            submitted_at=submitted,
            **_unit_level(
                cell.kind == Kind.SUBORDINATE_CELL and pick(UNIT_SHARES),
                decided=complete.get(_owner(cell.path, units), False),
            ),
        )
        for cell in cells
    ]
    members_decisions = dict(
        zip(
            [cy.cell_id for cy in cell_years],
            _issue_bulk(period, cell_years, by, issuer_of=units, kind=DecisionKind.MEMBERS),
            strict=True,
        )
    )
    decided_cells = [cy for cy in cell_years if cy.decided_level is not None]
    grouped = _issue_bulk(
        period, decided_cells, by, issuer_of=units, kind=DecisionKind.UNITS, one_each=False
    )
    for cell_year, decision in zip(decided_cells, grouped, strict=True):
        cell_year.decision = decision
    machine.record_imported(cell_years)  # decided, as the chain would leave them
    CellYear.objects.bulk_create(cell_years, batch_size=BATCH)
    by_cell = {cy.cell_id: cy for cy in cell_years}
    statuses = defaultdict(list)
    for status in StatusPeriod.objects.overlapping(
        datetime.date(period.year, 1, 1), datetime.date(period.year, 12, 31)
    ).filter(member__cell_id__in=by_cell):
        statuses[status.member_id].append(status)
    rules_of_year = period.rule_set
    rows, commended = [], []
    for member_id, cell_id, admitted in (
        Member.objects.of_year(period)
        .filter(cell_id__in=by_cell)
        .values_list("pk", "cell_id", "admission_date")
    ):
        common = {"cell_year": by_cell[cell_id], "member_id": member_id}
        # The year's own rule set decides who is not classified (R13): a temporary transfer
        # is rated from 2019 on, the 6-month exclusion applies where the era says so.
        status = rules.derived_status(
            admission_date=admitted,
            statuses=statuses[member_id],
            assessment_date=period.assessment_date,
            year=period.year,
            min_months_since_admission=rules_of_year.min_months_since_admission,
            temporary_transfer_not_classified=rules_of_year.temporary_transfer_not_classified,
        )
        if status.code == AssessmentStatus.NOT_CLASSIFIED:
            rows.append(
                MemberAssessment(
                    **common,
                    status=AssessmentStatus.NOT_CLASSIFIED,
                    reason_code=status.reason,
                )
            )
            continue
        level = pick(MEMBER_SHARES)
        row = MemberAssessment(
            **common,
            decision=members_decisions[cell_id],
            self_level=level,
            proposed_level=level,
            decided_level=level,
        )
        rows.append(row)
        if level.maps_to == CanonicalLevel.EXCELLENT and rng.randrange(4) == 0:
            commended.append(row)
    MemberAssessment.objects.bulk_create(rows, batch_size=BATCH)
    # The cells' proposals for commendation (issue 15), as their submission would leave them.
    Commendation.objects.bulk_create(
        [
            Commendation(
                period=period,
                kind=CommendationKind.EXCELLENT_MEMBER,
                assessment=row,
                unit=row.cell_year.cell,
                proposer=row.cell_year.cell,
                decider_id=units.get(_owner(row.cell_year.cell.path, units) or "")
                or row.cell_year.cell_id,
            )
            for row in commended
        ],
        batch_size=BATCH,
    )
    decided = set(
        GrassrootsYear.objects.filter(period=period).values_list("organization_id", flat=True)
    )
    grassroots = []
    for path, ok in complete.items():
        if ok and units[path] not in decided:
            level = pick(UNIT_SHARES)
            grassroots.append(
                GrassrootsYear(
                    period=period,
                    organization_id=units[path],
                    submitted_at=submitted + datetime.timedelta(days=15),
                    proposed_level=level,
                    decided_level=level,
                )
            )
    superiors = dict(
        Organization.objects.filter(kind__in=[Kind.SUPERIOR, Kind.PROVINCE]).values_list(
            "path", "pk"
        )
    )
    issued = _issue_bulk(
        period, grassroots, by, issuer_of=superiors, kind=DecisionKind.UNITS, one_each=False
    )
    for row, decision in zip(grassroots, issued, strict=True):
        row.decision = decision
    machine.record_imported(grassroots)
    GrassrootsYear.objects.bulk_create(grassroots, batch_size=BATCH)
    counts_refresh(period=period)  # the summary's counts of what the bulk inserts wrote
    return len(rows)


def _grassroots_paths() -> dict[str, int]:
    return dict(Organization.objects.filter(kind__in=GRASSROOTS_KINDS).values_list("path", "pk"))


def _owner(path: str, owners: dict[str, int]) -> str | None:
    """The path of the nearest unit at or above `path` that is one of `owners` (by path)."""
    step = Organization.steplen
    return next((path[:end] for end in range(len(path), 0, -step) if path[:end] in owners), None)


def _issue_bulk(
    period, rows, by, *, issuer_of: dict[str, int], kind: str, one_each: bool = True
) -> list[Decision]:
    """Issued, numbered decisions for unit rows (cell or grassroots years), inserted in bulk:
    one per row (`one_each`: a members' decision per cell) or one per issuing body, the nearest
    ancestor of the row's unit among `issuer_of` (by path). Returns the decision of each row."""
    paths = dict(
        Organization.objects.filter(pk__in=[_unit_id(r) for r in rows]).values_list("pk", "path")
    )
    numbers = dict(
        Decision.objects.filter(period=period)
        .values("issuer_id")
        .annotate(n=Max("number"))
        .values_list("issuer_id", "n")
    )
    shared: dict[int, Decision] = {}
    result = []
    for row in rows:
        issuer = issuer_of[_owner(paths[_unit_id(row)], issuer_of)]
        if one_each or issuer not in shared:
            numbers[issuer] = numbers.get(issuer, 0) + 1
            shared[issuer] = Decision(
                period=period,
                issuer_id=issuer,
                number=numbers[issuer],
                kind=kind,
                signed_on=datetime.date(period.year, 12, 28),
                signer_name="Nguyễn Văn Thư",
                signer_title="Bí thư",
                quota_cap_percent=period.rule_set.quota_percent,
                issued_by=by,
            )
        result.append(shared[issuer])
    Decision.objects.bulk_create({id(d): d for d in result}.values(), batch_size=BATCH)
    return result


def _unit_id(row) -> int:
    return row.cell_id if isinstance(row, CellYear) else row.organization_id


def _unit_level(level, *, decided: bool) -> dict:
    if not level:
        return {}
    return {
        "self_level": level,
        "proposed_level": level,
        "decided_level": level if decided else None,
    }
