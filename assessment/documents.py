"""The assessment's official documents (issue 17; DOMAIN.md R25, R26), each a
`organizations.documents.Document` rendered as PDF and .docx by the one base layout:

- the decisions on members' and units' levels and the re-rating decision (form 03, R9);
- the review meeting's minutes, with each person's votes and their share of the full members
  that count (R15, R18);
- the printable self-review (forms 2A, 2B, 2C) and the collective's report (form 01);
- the notice of results (thông báo kết quả) to a cell and its members.

Documents are always Vietnamese (see organizations/documents.py): built under
`translation.override("vi")`, with the prescribed wording as Vietnamese text.
"""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.utils import timezone, translation

from members.models import Member
from organizations.collation import name_order
from organizations.documents import (
    ON_BEHALF,
    Cell,
    Document,
    Para,
    Signature,
    Table,
    document_number,
    heading_for,
    official_name,
    percent,
    symbol,
)
from organizations.models import Organization

from . import frameworks
from .models import (
    AssessmentStatus,
    BallotForm,
    CellYear,
    Decision,
    DecisionKind,
    MemberAssessment,
    ReviewInput,
)

CHARTER = "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;"


def decision_number(decision: Decision) -> str:
    """A decision's number and symbol as printed, "01-QĐ/ĐU" (Hướng dẫn 36-HD/VPTW)."""
    return document_number(decision.number, "QĐ", symbol(decision.issuer))


def last_signer(issuer: Organization) -> dict[str, object]:
    """Issue 17, item 5: the initial values of a new decision's signer: name and title from the
    issuer's last decision, and today's date."""
    last = (
        Decision.objects.filter(issuer=issuer)
        .order_by("-issued_at", "-pk")
        .only("signer_name", "signer_title")
    ).first()
    initial: dict[str, object] = {"signed_on": timezone.localdate()}
    if last is not None:
        initial |= {"signer_name": last.signer_name, "signer_title": last.signer_title}
    return initial


# --- Shared pieces -------------------------------------------------------------------------------


def _basis(rule_set, issuer: Organization) -> list[Para]:
    """The legal basis: the Party Statute, the rule set's sources (R1), the working rules."""
    lines = [CHARTER]
    lines += [f"Căn cứ {s.strip()};" for s in rule_set.sources.split(";") if s.strip()]
    lines.append(f"Căn cứ Quy chế làm việc của {official_name(issuer)};")
    return [Para(f"- {line}") for line in lines]


def _collective(issuer: Organization) -> str:
    """The body that decides, as named above the legal basis ("BAN THƯỜNG VỤ ĐẢNG ỦY XÃ …")."""
    on_behalf = ON_BEHALF.get(issuer.kind, "")
    name = official_name(issuer).upper()
    return f"{on_behalf} {name}" if on_behalf == "BAN THƯỜNG VỤ" else name


def _superior_recipient(issuer: Organization) -> list[str]:
    if issuer.depth <= 1:
        return []
    return [f"- {official_name(Organization.objects.get_parent(issuer))} (để báo cáo),"]


def _office(issuer: Organization) -> str:
    if issuer.kind in ("chi_bo_co_so", "chi_bo_truc_thuoc"):
        return "- Lưu chi bộ."
    return f"- Lưu Văn phòng {official_name(issuer)}."


def _level_counts(levels: list, noun: str) -> list[Para]:
    """One line per level with its count and share (R24: base = those listed)."""
    total = len(levels)
    counts: dict[str, tuple[object, int]] = {}
    for level in levels:
        if level is not None:
            key = level.code
            counts[key] = (level, counts.get(key, (level, 0))[1] + 1)
    ordered = sorted(counts.values(), key=lambda pair: pair[0].rank)
    return [Para(f"- {level.name_vi}: {n} {noun} ({percent(n, total)} %);") for level, n in ordered]


def _member_rows(assessments) -> list[list]:
    return [
        [
            Cell(str(i), align="center"),
            a.member.full_name,
            a.cell_year.cell.name,
            a.decided_level.name_vi if a.decided_level else "",
        ]
        for i, a in enumerate(assessments, start=1)
    ]


def _sign(decision: Decision) -> Signature:
    return Signature(
        authority=f"T/M {ON_BEHALF.get(decision.issuer.kind, '')}",
        title=decision.signer_title,
        name=decision.signer_name,
    )


# --- Decisions -----------------------------------------------------------------------------------


def decision_document(decision: Decision) -> Document:
    """The decision on members' or units' levels, or the re-rating decision (form 03)."""
    with translation.override("vi"):
        if decision.kind == DecisionKind.RERATING:
            return _rerating_document(decision)
        if decision.kind == DecisionKind.COMMENDATION:
            return _commendation_document(decision)
        if decision.kind == DecisionKind.UNITS:
            return _units_document(decision)
        if decision.kind == DecisionKind.COLLECTIVES:
            return _collectives_document(decision)
        return _members_document(decision, later=decision.kind == DecisionKind.LATER)


def _decision_frame(decision: Decision, subtitle: str, basis_extra: list[Para]) -> Document:
    issuer, period = decision.issuer, decision.period
    return Document(
        heading=heading_for(issuer, number=decision.number, kind="QĐ", day=decision.signed_on),
        title="QUYẾT ĐỊNH",
        subtitle=subtitle,
        body=[
            Para(_collective(issuer), style="center", bold=True),
            *_basis(period.rule_set, issuer),
            *basis_extra,
            Para("QUYẾT ĐỊNH:", style="center", bold=True),
        ],
        recipients=["- Như Điều 3,", *_superior_recipient(issuer), _office(issuer)],
        signatures=[_sign(decision)],
        filename=f"quyet-dinh-{decision.number:02d}-{decision.issuer.code}-{period.year}",
    )


def _members_document(decision: Decision, *, later: bool = False) -> Document:
    """The decision on members' levels; `later`: on members not yet classified in the year,
    rated after it (R14), "(bổ sung)"."""
    listed = list(
        MemberAssessment.objects.filter(decision=decision)
        .select_related("member", "decided_level", "cell_year__cell")
        .order_by("cell_year__cell__path", *name_order("member__full_name"), "pk")
    )
    year = decision.period.year
    cells = list(dict.fromkeys(a.cell_year.cell.name for a in listed))
    where = ", ".join(cells)
    pending = " đối với đảng viên chưa được xếp loại" if later else ""
    doc = _decision_frame(
        decision,
        f"về việc xếp loại chất lượng đảng viên năm {year}" + (" (bổ sung)" if later else ""),
        [
            Para(
                f"- Xét đề nghị của {where} và kết quả kiểm điểm, đánh giá, xếp loại chất lượng "
                f"đảng viên năm {year}{pending},"
            )
        ],
    )
    doc.body += [
        Para(
            f"Xếp loại chất lượng năm {year} đối với {len(listed)} đồng chí đảng viên thuộc "
            f"{where}, cụ thể như sau:",
            lead="Điều 1.",
        ),
        *_level_counts([a.decided_level for a in listed], "đồng chí"),
        Para("Danh sách cụ thể:", style="plain"),
        Table(
            header=[["STT", "Họ và tên", "Chi bộ", "Xếp loại chất lượng"]],
            rows=_member_rows(listed),
            widths=[7, 31, 26, 36],
        ),
        Para("Quyết định có hiệu lực kể từ ngày ký.", lead="Điều 2."),
        Para(
            f"Chi ủy {where}, các cơ quan tham mưu, giúp việc của {official_name(decision.issuer)} "
            "và các đồng chí có tên tại Điều 1 căn cứ Quyết định thi hành.",
            lead="Điều 3.",
        ),
    ]
    return doc


def _units_document(decision: Decision) -> Document:
    rows = [
        (cy.cell.name, cy.decided_level)
        for cy in decision.cell_years.select_related("cell", "decided_level").order_by("cell__path")
    ] + [
        (gy.organization.name, gy.decided_level)
        for gy in decision.grassroots_years.select_related(
            "organization", "decided_level"
        ).order_by("organization__path")
    ]
    year = decision.period.year
    doc = _decision_frame(
        decision,
        f"về việc xếp loại chất lượng tổ chức đảng năm {year}",
        [
            Para(
                "- Xét báo cáo kiểm điểm và đề nghị của các tổ chức đảng trực thuộc về kết quả "
                f"đánh giá, xếp loại chất lượng năm {year},"
            )
        ],
    )
    doc.body += [
        Para(
            f"Xếp loại chất lượng năm {year} đối với {len(rows)} tổ chức đảng trực thuộc, "
            "cụ thể như sau:",
            lead="Điều 1.",
        ),
        *_level_counts([level for _name, level in rows], "tổ chức đảng"),
        Table(
            header=[["STT", "Tổ chức đảng", "Xếp loại chất lượng"]],
            rows=[
                [Cell(str(i), align="center"), name, level.name_vi if level else ""]
                for i, (name, level) in enumerate(rows, start=1)
            ],
            widths=[8, 62, 30],
        ),
        Para("Quyết định có hiệu lực kể từ ngày ký.", lead="Điều 2."),
        Para(
            f"Các cơ quan tham mưu, giúp việc của {official_name(decision.issuer)} và các tổ chức "
            "đảng có tên tại Điều 1 căn cứ Quyết định thi hành.",
            lead="Điều 3.",
        ),
    ]
    return doc


def _collectives_document(decision: Decision) -> Document:
    """The decision on leadership collectives' levels (issue 14 item 1; Quy định 366 art. 12)."""
    rows = [
        (ca.collective.name, ca.collective.organization.name, ca.decided_level)
        for ca in decision.collective_assessments.select_related(
            "collective__organization", "decided_level"
        ).order_by("collective__organization__path", "collective__kind", "collective__name")
    ]
    year = decision.period.year
    doc = _decision_frame(
        decision,
        f"về việc xếp loại chất lượng tập thể lãnh đạo, quản lý năm {year}",
        [
            Para(
                "- Xét báo cáo kiểm điểm và đề nghị của các tập thể lãnh đạo, quản lý về kết quả "
                f"đánh giá, xếp loại chất lượng năm {year},"
            )
        ],
    )
    doc.body += [
        Para(
            f"Xếp loại chất lượng năm {year} đối với {len(rows)} tập thể lãnh đạo, quản lý, "
            "cụ thể như sau:",
            lead="Điều 1.",
        ),
        *_level_counts([level for _name, _unit, level in rows], "tập thể"),
        Table(
            header=[["STT", "Tập thể", "Tổ chức đảng", "Xếp loại chất lượng"]],
            rows=[
                [Cell(str(i), align="center"), name, unit, level.name_vi if level else ""]
                for i, (name, unit, level) in enumerate(rows, start=1)
            ],
            widths=[7, 35, 30, 28],
        ),
        Para("Quyết định có hiệu lực kể từ ngày ký.", lead="Điều 2."),
        Para(
            f"Các cơ quan tham mưu, giúp việc của {official_name(decision.issuer)} và các tập thể "
            "có tên tại Điều 1 căn cứ Quyết định thi hành.",
            lead="Điều 3.",
        ),
    ]
    return doc


def _rerating_document(decision: Decision) -> Document:
    """Form 03: the re-rating of members', cells' or organizations' results (R9), each line
    with the result it replaces and the decision that gave it."""
    reratings = list(
        decision.reratings.select_related(
            "assessment__member",
            "assessment__cell_year__cell",
            "assessment__cell_year__period",
            "cell_year__cell",
            "cell_year__period",
            "grassroots_year__organization",
            "grassroots_year__period",
            "previous_level",
            "previous_decision__issuer",
            "level",
        )
    )
    members = all(r.assessment_id for r in reratings)
    years = sorted(
        {(r.assessment.cell_year if r.assessment_id else r.subject).period.year for r in reratings}
    ) or [decision.period.year]
    year = ", ".join(str(y) for y in years)
    grounds = decision.get_grounds_display()
    whom = "đảng viên" if members else "tổ chức đảng"
    doc = _decision_frame(
        decision,
        f"về việc xếp loại lại chất lượng {whom} năm {year}",
        [Para(f"- Xét {grounds[:1].lower()}{grounds[1:]}: {decision.reason.strip()},")],
    )
    doc.form_label = f"Mẫu {decision.period.rule_set.forms.get('re_rating', '03')}"
    flagged = any(r.commendation_flagged for r in reratings)

    def was(r) -> str:
        return f"{r.previous_level.name_vi} (Quyết định số {decision_number(r.previous_decision)})"

    if members:
        header = ["STT", "Họ và tên", "Chi bộ", "Đã xếp loại (quyết định)", "Xếp loại lại"]
        rows = [
            [
                Cell(str(i), align="center"),
                r.assessment.member.full_name,
                r.assessment.cell_year.cell.name,
                was(r),
                r.level.name_vi,
            ]
            for i, r in enumerate(reratings, start=1)
        ]
        widths = [7, 23, 19, 27, 24]
    else:
        header = ["STT", "Tổ chức đảng", "Đã xếp loại (quyết định)", "Xếp loại lại"]
        rows = [
            [Cell(str(i), align="center"), r.subject_name, was(r), r.level.name_vi]
            for i, r in enumerate(reratings, start=1)
        ]
        widths = [8, 36, 32, 24]
    named = "các đồng chí" if members else "các tổ chức đảng"
    doc.body += [
        Para(
            f"Xếp loại lại chất lượng năm {year} đối với {named} "
            + ("đảng viên có tên sau:" if members else "có tên sau:"),
            lead="Điều 1.",
        ),
        Table(header=[header], rows=rows, widths=widths),
        Para(
            f"Kết quả xếp loại chất lượng đã công nhận trước đây đối với {named} có tên tại "
            "Điều 1 không còn giá trị"
            + (
                "; các hình thức khen thưởng dựa trên kết quả đó được xem xét lại theo quy định."
                if flagged
                else "."
            )
            + " Quyết định có hiệu lực kể từ ngày ký.",
            lead="Điều 2.",
        ),
        Para(
            f"Các cơ quan tham mưu, giúp việc của {official_name(decision.issuer)}, "
            + ("các chi bộ và các đồng chí" if members else "các tổ chức đảng")
            + " có tên tại Điều 1 căn cứ Quyết định thi hành.",
            lead="Điều 3.",
        ),
    ]
    return doc


def _commendation_document(decision: Decision) -> Document:
    """Quyết định biểu dương, khen thưởng (issue 15 item 3; R20): the members and the party
    organizations the decision commends, by award, each with the level it rests on."""
    from .models import CommendationKind

    rows = list(
        decision.commendations.select_related(
            "unit",
            "assessment__member",
            "assessment__decided_level",
            "cell_year__decided_level",
            "grassroots_year__decided_level",
        ).order_by("kind", "unit__path", "pk")
    )
    year = decision.period.year
    issuer = official_name(decision.issuer)
    doc = _decision_frame(
        decision,
        f"về việc biểu dương, khen thưởng tổ chức đảng, đảng viên năm {year}",
        [
            Para(
                "- Xét đề nghị của các tổ chức đảng trực thuộc và kết quả đánh giá, xếp loại chất "
                f"lượng tổ chức đảng, đảng viên năm {year},"
            )
        ],
    )
    doc.filename = f"quyet-dinh-khen-thuong-{decision.number:02d}-{decision.issuer.code}-{year}"
    body = [
        Para(
            f"Biểu dương, khen thưởng {len(rows)} tập thể, cá nhân có thành tích xuất sắc trong "
            f"năm {year}, cụ thể như sau:",
            lead="Điều 1.",
        )
    ]
    titles = {
        CommendationKind.EXEMPLARY_UNIT: "Tổ chức đảng hoàn thành xuất sắc nhiệm vụ tiêu biểu "
        "(trong sạch vững mạnh tiêu biểu)",
        CommendationKind.EXCELLENT_MEMBER: "Đảng viên hoàn thành xuất sắc nhiệm vụ tiêu biểu",
        CommendationKind.FIVE_YEARS: "Đảng viên hoàn thành xuất sắc nhiệm vụ 5 năm liền",
    }
    order = [
        CommendationKind.EXEMPLARY_UNIT,
        CommendationKind.EXCELLENT_MEMBER,
        CommendationKind.FIVE_YEARS,
    ]
    for n, kind in enumerate([k for k in order if any(r.kind == k for r in rows)], start=1):
        listed = [r for r in rows if r.kind == kind]
        members = kind != CommendationKind.EXEMPLARY_UNIT
        body.append(Para(f"{n}. {titles[kind]}: {len(listed)}", style="plain", bold=True))
        body.append(
            Table(
                header=[
                    ["STT", "Họ và tên", "Chi bộ", "Xếp loại chất lượng"]
                    if members
                    else ["STT", "Tổ chức đảng", "Xếp loại chất lượng"]
                ],
                rows=[
                    [Cell(str(i), align="center"), r.subject_name, r.unit.name, _level_of(r)]
                    if members
                    else [Cell(str(i), align="center"), r.subject_name, _level_of(r)]
                    for i, r in enumerate(listed, start=1)
                ],
                widths=[7, 33, 30, 30] if members else [8, 62, 30],
            )
        )
    body += [
        Para(
            "Các tập thể, cá nhân có tên tại Điều 1 được tặng Giấy khen kèm theo mức thưởng theo "
            "quy định. Quyết định có hiệu lực kể từ ngày ký.",
            lead="Điều 2.",
        ),
        Para(
            f"Các cơ quan tham mưu, giúp việc của {issuer}, các tổ chức đảng và các đồng chí có "
            "tên tại Điều 1 căn cứ Quyết định thi hành.",
            lead="Điều 3.",
        ),
    ]
    doc.body += body
    return doc


def _level_of(row) -> str:
    level = row.subject.decided_level
    return level.name_vi if level else ""


# --- The minutes ---------------------------------------------------------------------------------


def _time(value: datetime.time | None) -> str:
    return f"{value.hour} giờ {value.minute:02d} phút" if value else "… giờ … phút"


def _names(members, reasons: dict[int, str] | None = None) -> str:
    reasons = reasons or {}
    parts = [
        f"{m.full_name}" + (f" ({reasons[m.pk]})" if reasons.get(m.pk) else "") for m in members
    ]
    return "; ".join(parts) if parts else "không"


def minutes_document(cell_year: CellYear) -> Document:
    """The review meeting's minutes (biên bản hội nghị kiểm điểm): times, place, chair and
    recorder, guests, members present and absent with reasons, probationary, not classified and
    not yet classified members, the discussion, for a secret ballot the counting committee and
    the ballots, and each person's votes per level with their share of the full members that
    count (R15, R18)."""
    from .cell_year import meeting_for, meeting_summary

    with translation.override("vi"):
        meeting = meeting_for(cell_year)
        summary = meeting_summary(meeting)
        return _minutes(cell_year, meeting, summary)


def _minutes(cell_year: CellYear, meeting, summary) -> Document:
    cell, period = cell_year.cell, cell_year.period
    year, day = period.year, meeting.held_on
    full_ids = {m.pk for m in summary.voters} | set(summary.away)
    current = list(Member.objects.current().filter(cell=cell).order_by(*name_order(), "pk"))
    probationary = [m for m in current if m.pk not in full_ids]
    away = [m for m in current if m.pk in summary.away]
    present = [
        m for m in summary.voters if (a := summary.attendance.get(m.pk)) is not None and a.present
    ]
    absent = [m for m in summary.voters if m not in present]
    reasons = {
        pk: a.absence_reason or "không có lý do"
        for pk, a in summary.attendance.items()
        if not a.present
    }
    for m in absent:
        reasons.setdefault(m.pk, "không có lý do")
    unclassified = list(
        cell_year.assessments.exclude(status=AssessmentStatus.ASSESS)
        .select_related("member")
        .order_by(*name_order("member__full_name"), "pk")
    )
    kpl = [a for a in unclassified if a.status == AssessmentStatus.NOT_CLASSIFIED]
    cpl = [a for a in unclassified if a.status == AssessmentStatus.PENDING]
    when = f"ngày {day:%d/%m/%Y}" if day else "ngày … / … / …"
    quorum = "bảo đảm" if summary.quorum else "không bảo đảm"
    body: list = [
        Para(
            f"Hôm nay, vào lúc {_time(meeting.started_at)}, {when}, tại "
            f"{meeting.place or '…'}, {cell.name} tổ chức hội nghị kiểm điểm, đánh giá, xếp loại "
            f"chất lượng tập thể chi bộ và đảng viên năm {year}."
        ),
        Para("I. THÀNH PHẦN HỘI NGHỊ", style="heading"),
        Para(
            f"- Chủ trì hội nghị: đồng chí {meeting.chair or '…'}; thư ký hội nghị: đồng chí "
            f"{meeting.recorder or '…'}."
        ),
        Para(f"- Khách mời: {meeting.guests.strip() or 'không'}."),
        Para(
            f"- Tổng số đảng viên của chi bộ: {len(current)} đồng chí, trong đó đảng viên chính "
            f"thức: {summary.full_members}, đảng viên dự bị: {len(probationary)}."
        ),
        Para(
            f"- Đảng viên chính thức được tính để biểu quyết: {summary.counted}; có mặt: "
            f"{len(present)} ({percent(len(present), summary.counted)} %); vắng mặt: "
            f"{len(absent)}. Số đảng viên có mặt {quorum} tỷ lệ theo quy định."
        ),
        Para(f"- Đảng viên vắng mặt: {_names(absent, reasons)}."),
        Para(f"- Đảng viên đang sinh hoạt tạm thời nơi khác: {_names(away)}."),
        Para(f"- Đảng viên dự bị (dự họp, không biểu quyết): {_names(probationary)}."),
        Para(
            "- Đảng viên không xếp loại: "
            + _names([a.member for a in kpl], {a.member_id: a.reason_label for a in kpl})
            + "."
        ),
        Para(
            "- Đảng viên chưa xếp loại: "
            + _names([a.member for a in cpl], {a.member_id: a.reason_label for a in cpl})
            + "."
        ),
        Para("II. NỘI DUNG HỘI NGHỊ", style="heading"),
        Para(
            "Hội nghị nghe báo cáo kiểm điểm tập thể chi bộ (mẫu 01) và bản kiểm điểm của từng "
            "đảng viên; các đồng chí dự hội nghị thảo luận, góp ý như sau:"
        ),
        Para(meeting.discussion.strip() or "…"),
        Para("III. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI", style="heading"),
        *_ballot(meeting, summary),
        *_vote_tables(cell_year, meeting, summary),
        Para(
            f"Hội nghị kết thúc vào lúc {_time(meeting.ended_at)} cùng ngày. Biên bản đã được "
            "đọc lại trước hội nghị và được các đồng chí dự hội nghị nhất trí thông qua."
        ),
    ]
    return Document(
        heading=heading_for(cell, number=None, kind="BB", day=day, numbered=False),
        title="BIÊN BẢN",
        subtitle=f"Hội nghị kiểm điểm, đánh giá, xếp loại chất lượng tập thể chi bộ và đảng viên "
        f"năm {year}",
        body=body,
        signatures=[
            Signature("", "THƯ KÝ HỘI NGHỊ", meeting.recorder),
            Signature("", "CHỦ TRÌ HỘI NGHỊ", meeting.chair),
        ],
        filename=f"bien-ban-{cell.code}-{year}",
    )


def _ballot(meeting, summary) -> list[Para]:
    if meeting.ballot_form != BallotForm.SECRET:
        return [Para("Hình thức biểu quyết: giơ tay.")]
    issued, valid = meeting.ballots_issued, meeting.ballots_valid
    invalid = issued - valid if issued is not None and valid is not None else None
    return [
        Para("Hình thức biểu quyết: bỏ phiếu kín."),
        Para(f"- Ban kiểm phiếu: {meeting.counting_committee.strip() or '…'}."),
        Para(
            f"- Số phiếu phát ra: {issued if issued is not None else '…'}; số phiếu hợp lệ: "
            f"{valid if valid is not None else '…'}; số phiếu không hợp lệ: "
            f"{invalid if invalid is not None else '…'}."
        ),
    ]


def _vote_tables(cell_year: CellYear, meeting, summary) -> list:
    rule_set = cell_year.period.rule_set
    counted = summary.counted
    result: list = [
        Para(
            f"Tỷ lệ phần trăm tính trên {counted} đảng viên chính thức được tính. "
            + "; ".join(
                f"{level.short_name}: {level.name_vi}"
                for level in rule_set.levels.for_members().order_by("rank")
            )
            + ".",
            style="note",
        )
    ]
    tallies = summary.tallies
    subjects = [
        (
            1,
            f"Tập thể {cell_year.cell.name}",
            None,
            list(rule_set.levels.for_organizations().order_by("rank")),
        )
    ]
    assessments = cell_year.assessments.to_assess().select_related("member")
    member_levels = list(rule_set.levels.for_members().order_by("rank"))
    for i, a in enumerate(assessments.order_by(*name_order("member__full_name"), "pk"), start=1):
        subjects.append((i, a.member.full_name, a.pk, member_levels))
    starred = False
    for title, group in (
        ("1. Tập thể chi bộ", subjects[:1]),
        ("2. Đảng viên", subjects[1:]),
    ):
        if not group:
            continue
        levels = group[0][3]
        header = [
            [
                Cell("STT", rowspan=2),
                Cell("Họ và tên" if group[0][2] else "Tổ chức đảng", rowspan=2),
                *[Cell(level.short_name, colspan=2) for level in levels],
                Cell("Đề nghị xếp loại", rowspan=2),
            ],
            [c for _level in levels for c in ("Phiếu", "%")],
        ]
        rows = []
        for number, name, key, _levels in group:
            tally = tallies.get(key)
            votes = tally.votes if tally else {}
            cells: list = [Cell(str(number), align="center"), name]
            for level in levels:
                n = int(votes.get(level.code) or 0)
                cells += [Cell(str(n), align="right"), Cell(percent(n, counted), align="right")]
            proposal = summary.proposals.get(key)
            star = " (*)" if tally and tally.commendation_proposed else ""
            cells.append(Cell((proposal.short_name if proposal else "") + star, align="center"))
            starred = starred or bool(star)
            rows.append(cells)
        width = 56 / (2 * len(levels))
        result += [
            Para(title, style="plain", bold=True),
            Table(
                header=header,
                rows=rows,
                widths=[6, 26, *[width] * (2 * len(levels)), 12],
                size=10.5,
            ),
        ]
    if starred:
        result.append(Para("(*) Được hội nghị đề nghị khen thưởng.", style="note"))
    return result


# --- Self-review (2A/2B/2C) and the collective's report (01) ----


def _cell_heading(cell: Organization, *, number: bool, kind: str):
    return heading_for(cell, number=None, kind=kind, day=None, numbered=number)


def self_review_document(assessment: MemberAssessment) -> Document:
    """A member's self-review (bản kiểm điểm cá nhân, form 2A, 2B or 2C) filled from what was
    entered, for signature."""
    with translation.override("vi"):
        return _self_review(assessment)


def _self_review(a: MemberAssessment) -> Document:
    member, cell, period = a.member, a.cell_year.cell, a.cell_year.period
    rule_set = period.rule_set
    form = a.form_code or "2B"
    post = "Có" if member.holds_leadership_post else "Không"
    prompts = ReviewInput.objects.filter(assessment=a).order_by("given_on", "pk")
    body: list = [
        Para(f"Họ và tên: {member.full_name}", style="plain"),
        Para(
            "Ngày sinh: "
            + (f"{member.birth_date:%d/%m/%Y}" if member.birth_date else "…")
            + f"; ngày vào Đảng: {member.admission_date:%d/%m/%Y}"
            + (
                f"; ngày chính thức: {member.full_membership_date:%d/%m/%Y}"
                if member.full_membership_date
                else ""
            ),
            style="plain",
        ),
        Para(f"Giữ chức vụ lãnh đạo, quản lý: {post}", style="plain"),
        Para(f"Sinh hoạt tại: {cell.name}", style="plain"),
        Para("I. ƯU ĐIỂM, KẾT QUẢ ĐẠT ĐƯỢC", style="heading"),
        Para(a.strengths.strip() or "…"),
        Para("II. HẠN CHẾ, KHUYẾT ĐIỂM VÀ NGUYÊN NHÂN", style="heading"),
        Para("1. Hạn chế, khuyết điểm", style="plain", bold=True),
        Para(a.shortcomings.strip() or "…"),
        Para("2. Nguyên nhân", style="plain", bold=True),
        Para(a.causes.strip() or "…"),
        Para(
            "III. KẾT QUẢ KHẮC PHỤC NHỮNG HẠN CHẾ, KHUYẾT ĐIỂM ĐÃ ĐƯỢC CHỈ RA Ở CÁC KỲ KIỂM ĐIỂM "
            "TRƯỚC",
            style="heading",
        ),
        Para(a.last_year_remedied.strip() or "…"),
        Para("IV. GIẢI TRÌNH CÁC VẤN ĐỀ ĐƯỢC GỢI Ý KIỂM ĐIỂM (nếu có)", style="heading"),
        *(
            [Para(f"- {p.text.strip()} ({p.source}): {p.answer.strip() or '…'}") for p in prompts]
            or [Para("Không có.")]
        ),
        Para("V. PHƯƠNG HƯỚNG, BIỆN PHÁP KHẮC PHỤC VÀ CAM KẾT", style="heading"),
        Para(a.remedies.strip() or "…"),
        *([Para(a.commitments.strip())] if a.commitments.strip() else []),
        Para("VI. TỰ NHẬN MỨC XẾP LOẠI CHẤT LƯỢNG", style="heading"),
        *_score_table(rule_set, a),
        Para(
            "Tự nhận mức xếp loại chất lượng năm "
            f"{period.year}: {a.self_level.name_vi if a.self_level else '…'}.",
            style="plain",
            bold=True,
        ),
    ]
    return Document(
        heading=_cell_heading(cell, number=False, kind="BKĐ"),
        title="BẢN KIỂM ĐIỂM CÁ NHÂN",
        subtitle=f"Năm {period.year}",
        body=body,
        signatures=[Signature("", "NGƯỜI TỰ KIỂM ĐIỂM", member.full_name)],
        form_label=f"Mẫu {form}",
        filename=f"ban-kiem-diem-{member.card_number}-{period.year}",
    )


def _score_table(rule_set, a: MemberAssessment) -> list:
    """The self-score per criterion of the member's framework (2A, 2B, 2C: their posts on the
    review date; the rule set's own criteria before frameworks), as the form prints it."""
    if not rule_set.score_max or not a.scores:
        return []
    framework = frameworks.framework_of(a.member, a.cell_year.period)
    rows: list[list] = []
    for group in frameworks.criteria_of(rule_set, framework):
        rows.append(
            [
                Cell(group["name_vi"], colspan=2, bold=True),
                Cell(str(group["max_points"]), align="right", bold=True),
                Cell(""),
            ]
        )
        for k, item in enumerate(group["items"], start=1):
            rows.append(
                [
                    Cell(str(k), align="center"),
                    item["name_vi"],
                    Cell(str(item["max_points"]), align="right"),
                    Cell(str(a.scores.get(item["code"], "")).replace(".", ","), align="right"),
                ]
            )
    rows.append(
        [
            Cell("Tổng điểm tự chấm", colspan=2, bold=True),
            Cell(str(rule_set.score_max), align="right"),
            Cell(_score(a.self_score), bold=True, align="right"),
        ]
    )
    return [
        Table(
            header=[["", "Tiêu chí", "Điểm tối đa", "Tự chấm"]],
            rows=rows,
            widths=[5, 65, 15, 15],
            size=11,
        )
    ]


def _score(value) -> str:
    return f"{value.normalize():f}".replace(".", ",") if value is not None else ""


def cell_report_document(cell_year: CellYear) -> Document:
    """The collective's report (báo cáo kiểm điểm tập thể, form 01) for signature."""
    with translation.override("vi"):
        return _cell_report(cell_year)


def _unit_head(cell: Organization) -> str:
    head = Member.objects.current().filter(cell=cell, is_unit_head=True).first()
    return head.full_name if head else ""


def _cell_report(cy: CellYear) -> Document:
    cell, year = cy.cell, cy.period.year
    grassroots = Organization.objects.grassroots_of(cell)
    body = [
        Para(
            f"Thực hiện kế hoạch kiểm điểm, đánh giá, xếp loại chất lượng năm {year}, {cell.name} "
            "báo cáo kết quả kiểm điểm tập thể như sau:"
        ),
        Para("I. ƯU ĐIỂM, KẾT QUẢ ĐẠT ĐƯỢC", style="heading"),
        Para(cy.report_strengths.strip() or "…"),
        Para("II. HẠN CHẾ, KHUYẾT ĐIỂM", style="heading"),
        Para(cy.report_shortcomings.strip() or "…"),
        Para("III. NGUYÊN NHÂN", style="heading"),
        Para(cy.report_causes.strip() or "…"),
        Para("IV. PHƯƠNG HƯỚNG, BIỆN PHÁP KHẮC PHỤC", style="heading"),
        Para(cy.report_remedies.strip() or "…"),
        Para("V. TỰ ĐÁNH GIÁ, XẾP LOẠI", style="heading"),
        Para(
            f"{cell.name} tự nhận mức xếp loại chất lượng năm {year}: "
            f"{cy.self_level.name_vi if cy.self_level else '…'}."
        ),
    ]
    recipients = []
    if grassroots is not None and grassroots != cell:
        recipients.append(f"- {official_name(grassroots)} (để báo cáo),")
    recipients += ["- Đảng viên trong chi bộ,", "- Lưu chi bộ."]
    return Document(
        heading=_cell_heading(cell, number=True, kind="BC"),
        title="BÁO CÁO",
        subtitle=f"kiểm điểm tập thể {cell.name} năm {year}",
        body=body,
        recipients=recipients,
        signatures=[Signature("T/M CHI BỘ", "BÍ THƯ", _unit_head(cell))],
        form_label=f"Mẫu {cy.period.rule_set.forms.get('collective', '01')}",
        filename=f"bao-cao-kiem-diem-{cell.code}-{year}",
    )


# --- Notice of results ---------------------------------------------------------------------------


def notice_document(cell_year: CellYear) -> Document | None:
    """The notice of results (thông báo kết quả) of the issuing committee to a cell and its
    members: the levels decided by issued decisions; None when none is decided yet."""
    with translation.override("vi"):
        return _notice(cell_year)


def _notice(cy: CellYear) -> Document | None:
    listed = list(
        cy.assessments.filter(decision__isnull=False)
        .select_related("member", "decided_level", "decision__issuer", "cell_year__cell")
        .order_by(*name_order("member__full_name"), "pk")
    )
    decisions = list(
        dict.fromkeys([a.decision for a in listed] + ([cy.decision] if cy.decision_id else []))
    )
    if not decisions:
        return None
    issuer, year = decisions[0].issuer, cy.period.year
    latest = max(decisions, key=lambda d: (d.signed_on, d.pk))
    refs = "; ".join(
        f"Quyết định số {decision_number(d)}, ngày {d.signed_on:%d/%m/%Y} của "
        f"{official_name(d.issuer)}"
        for d in decisions
    )
    cell_level = cy.decided_level.name_vi if cy.decision_id and cy.decided_level else None
    not_assessed = cy.assessments.exclude(status=AssessmentStatus.ASSESS).aggregate(n=Count("pk"))
    body = [
        Para(f"Căn cứ {refs};"),
        Para(
            f"{official_name(issuer)} thông báo kết quả xếp loại chất lượng năm {year} của "
            f"{cy.cell.name} và đảng viên trong chi bộ như sau:"
        ),
        Para("1. Tập thể chi bộ", style="plain", bold=True),
        Para(
            f"{cy.cell.name}: {cell_level}."
            if cell_level
            else f"{cy.cell.name}: chưa có quyết định xếp loại."
        ),
        Para("2. Đảng viên", style="plain", bold=True),
        *_level_counts([a.decided_level for a in listed], "đồng chí"),
        Table(
            header=[["STT", "Họ và tên", "Xếp loại chất lượng", "Quyết định"]],
            rows=[
                [
                    Cell(str(i), align="center"),
                    a.member.full_name,
                    a.decided_level.name_vi if a.decided_level else "",
                    decision_number(a.decision),
                ]
                for i, a in enumerate(listed, start=1)
            ],
            widths=[7, 36, 36, 21],
        ),
        Para(
            f"Số đảng viên không xếp loại hoặc chưa xếp loại: {not_assessed['n']}.",
            style="plain",
        ),
        Para(
            f"Đề nghị chi ủy {cy.cell.name} thông báo kết quả đến từng đảng viên và lưu vào hồ "
            f"sơ kiểm điểm, đánh giá, xếp loại chất lượng năm {year}."
        ),
    ]
    return Document(
        heading=heading_for(issuer, number=None, kind="TB", day=timezone.localdate()),
        title="THÔNG BÁO",
        subtitle=f"kết quả xếp loại chất lượng tổ chức đảng và đảng viên năm {year}",
        body=body,
        recipients=[f"- {cy.cell.name},", "- Đảng viên có tên trên,", _office(issuer)],
        signatures=[
            Signature(
                f"T/M {ON_BEHALF.get(issuer.kind, '')}", latest.signer_title, latest.signer_name
            )
        ],
        filename=f"thong-bao-ket-qua-{cy.cell.code}-{year}",
    )


__all__ = [
    "cell_report_document",
    "decision_document",
    "decision_number",
    "last_signer",
    "minutes_document",
    "notice_document",
    "self_review_document",
]
