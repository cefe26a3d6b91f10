"""Deterministic demo data: a province, its tree, members in realistic proportions, users per role.

Every row is built in memory and written with bulk inserts (tree paths are computed here, the way
treebeard computes them), so the province scale (~100,000 members) loads in seconds. Seeded rows
carry no "created" history entry; every later change does.
"""

from __future__ import annotations

import datetime
import random
import re
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from assessment.collectives import post_seats
from assessment.models import Period
from assessment.services import period_create
from members.models import (
    DisciplineForm,
    DisciplineRecord,
    Gender,
    Member,
    Post,
    PostKind,
    StatusKind,
    StatusPeriod,
)
from organizations.documents import DEFAULT_SYMBOLS, official_name
from organizations.models import (
    Assignment,
    CollectiveKind,
    CollectiveSeat,
    Kind,
    LeadershipCollective,
    Organization,
    Role,
)

DEMO_PASSWORD = "XepLoai@2025"
BATCH = 5000


@dataclass(frozen=True)
class Scale:
    superiors: int
    grassroots_per_superior: tuple[int, int]
    committee_share: float  # share of grassroots organizations that are committees (with cells)
    cells_per_committee: tuple[int, int]
    members_per_cell: tuple[int, int]
    direct_grassroots: int  # grassroots organizations directly under the province


SCALES = {
    "tiny": Scale(2, (3, 3), 0.67, (3, 4), (12, 18), 1),
    "district": Scale(1, (60, 60), 0.6, (4, 8), (12, 28), 2),
    "province": Scale(100, (9, 11), 0.6, (7, 9), (14, 24), 10),
}

SURNAMES = (
    ["Nguyễn"] * 38
    + ["Trần"] * 11
    + ["Lê"] * 9
    + ["Phạm"] * 7
    + ["Hoàng"] * 5
    + ["Huỳnh"] * 4
    + ["Phan"] * 4
    + ["Vũ"] * 4
    + ["Võ"] * 3
    + ["Đặng"] * 2
    + ["Bùi"] * 2
    + ["Đỗ"] * 2
    + ["Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Lương", "Mai", "Tạ", "Cao"]
)
MIDDLE = {
    Gender.MALE: ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Trọng", "Anh"],
    Gender.FEMALE: ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Bích", "Kim", "Hồng"],
}
GIVEN = {
    Gender.MALE: [
        "Hùng",
        "Dũng",
        "Nam",
        "Hải",
        "Tuấn",
        "Long",
        "Sơn",
        "Phong",
        "Khoa",
        "Quân",
        "Thắng",
        "Bình",
        "Cường",
        "Trung",
        "Hiếu",
        "Đạt",
        "Huy",
        "Lâm",
        "Tùng",
        "Vinh",
    ],
    Gender.FEMALE: [
        "Lan",
        "Hoa",
        "Hương",
        "Mai",
        "Linh",
        "Trang",
        "Thảo",
        "Hằng",
        "Nga",
        "Phương",
        "Yến",
        "Vy",
        "Hà",
        "Thủy",
        "Loan",
        "Nhung",
        "Quyên",
        "Tâm",
        "Oanh",
        "Duyên",
    ],
}
PLACES = [
    "An Phú",
    "Bình Minh",
    "Hòa Lạc",
    "Tân Lập",
    "Phú Thịnh",
    "Đông Hưng",
    "Thạch Bàn",
    "Yên Hòa",
    "Quang Trung",
    "Hưng Đạo",
    "Kim Liên",
    "Nghĩa Tân",
    "Tiên Du",
    "Vĩnh Phúc",
]
COMMITTEE_NAMES = [
    "Đảng bộ Trường THPT {p}",
    "Đảng bộ Công ty Cổ phần {p}",
    "Đảng bộ Bệnh viện {p}",
    "Đảng bộ Quân sự {p}",
    "Đảng bộ Công an {p}",
    "Đảng bộ Cơ quan {p}",
]
GRASSROOTS_CELL_NAMES = [
    "Chi bộ Trạm Y tế {p}",
    "Chi bộ Trường Tiểu học {p}",
    "Chi bộ Ngân hàng {p}",
    "Chi bộ Hợp tác xã {p}",
]
SUBORDINATE_CELL_NAMES = [
    "Chi bộ thôn {n}",
    "Chi bộ khu phố {n}",
    "Chi bộ Phòng {n}",
    "Chi bộ tổ dân phố {n}",
    "Chi bộ Khoa {n}",
]


@dataclass
class Plan:
    """Rows to insert, in tree order, with the handles the user accounts need."""

    units: list[Organization] = field(default_factory=list)
    children: dict[str, int] = field(default_factory=dict)
    members: list[Member] = field(default_factory=list)
    statuses: list[StatusPeriod] = field(default_factory=list)
    disciplines: list[DisciplineRecord] = field(default_factory=list)


class Builder:
    def __init__(self, *, scale: Scale, year: int, seed: int):
        self.scale, self.year, self.rng = scale, year, random.Random(seed)
        self.plan = Plan()
        self.assessment_date = datetime.date(year, 12, 1)
        self.card = 0
        self.symbols: dict[str, set[str]] = {}  # symbols taken under each parent (issue 17)

    def unit(
        self, parent: Organization | None, kind: str, code: str, name: str, place: str = ""
    ) -> Organization:
        parent_path = parent.path if parent else ""
        depth = parent.depth + 1 if parent else 1
        n = self.plan.children.get(parent_path, 0) + 1
        self.plan.children[parent_path] = n
        node = Organization(
            code=code,
            name=name,
            kind=kind,
            depth=depth,
            numchild=0,
            path=Organization._get_path(parent.path if parent else None, depth, n),
        )
        if parent:
            parent.numchild += 1
        _signing(node, parent, place, self.symbols.setdefault(parent_path, set()))
        self.plan.units.append(node)
        return node

    def build(self) -> Plan:
        since_2025 = self.year >= 2025
        province = self.unit(None, Kind.PROVINCE, "T01", "Đảng bộ tỉnh Sông Hồng", "Sông Hồng")
        for s in range(1, self.scale.superiors + 1):
            place = f"{self.rng.choice(PLACES)} {s}"
            name = f"Đảng ủy xã {place}" if since_2025 else f"Huyện ủy {place}"
            superior = self.unit(province, Kind.SUPERIOR, f"T01-S{s:03d}", name, place)
            for g in range(1, self.rng.randint(*self.scale.grassroots_per_superior) + 1):
                self.grassroots(superior, f"{superior.code}-G{g:02d}")
        for g in range(1, self.scale.direct_grassroots + 1):
            self.grassroots(province, f"T01-D{g:02d}")
        return self.plan

    def grassroots(self, parent: Organization, code: str) -> None:
        place = self.rng.choice(PLACES)
        if self.rng.random() < self.scale.committee_share:
            name = self.rng.choice(COMMITTEE_NAMES).format(p=place)
            committee = self.unit(parent, Kind.GRASSROOTS_COMMITTEE, code, name, place)
            holder = committee
            if self.rng.random() < 0.15:
                holder = self.unit(
                    committee, Kind.PARTIAL_COMMITTEE, f"{code}-B1", f"Đảng bộ bộ phận {place}"
                )
            for c in range(1, self.rng.randint(*self.scale.cells_per_committee) + 1):
                name = self.rng.choice(SUBORDINATE_CELL_NAMES).format(n=c)
                self.members_of(self.unit(holder, Kind.SUBORDINATE_CELL, f"{code}-C{c:02d}", name))
        else:
            name = self.rng.choice(GRASSROOTS_CELL_NAMES).format(p=place)
            self.members_of(self.unit(parent, Kind.GRASSROOTS_CELL, code, name, place))

    def members_of(self, cell: Organization) -> None:
        for _ in range(self.rng.randint(*self.scale.members_per_cell)):
            self.member(cell)

    def member(self, cell: Organization) -> None:
        rng, day = self.rng, self.assessment_date
        gender = Gender.MALE if rng.random() < 0.62 else Gender.FEMALE
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
        # at least 20 years old in the demo's year (a past year too: issue 13 item 10)
        youngest = min(2002, self.year - 20)
        birth = datetime.date(rng.randint(1950, youngest), rng.randint(1, 12), rng.randint(1, 28))
        roll = rng.random()
        if roll < 0.02:  # admitted less than six months before the assessment date
            admission = day - datetime.timedelta(days=rng.randint(20, 170))
        elif roll < 0.05:  # probationary, admitted 6-12 months before
            admission = day - datetime.timedelta(days=rng.randint(190, 350))
        else:
            earliest = max(birth.year + 18, 1975)
            admission = datetime.date(rng.randint(earliest, self.year - 1), rng.randint(1, 12), 15)
            admission = min(admission, day - datetime.timedelta(days=400))
        full = admission + datetime.timedelta(days=365)
        self.card += 1
        member = Member(
            card_number=f"{9_300_000_000 + self.card}",
            full_name=name,
            birth_date=birth,
            gender=gender,
            cell=cell,
            admission_date=admission,
            full_membership_date=full if full <= day else None,
            holds_leadership_post=rng.random() < 0.12,
            is_state_employee=rng.random() < 0.4,
            outside_political_system=birth.year < 1965 or rng.random() < 0.1,
        )
        self.plan.members.append(member)
        self.statuses_for(member)

    def statuses_for(self, member: Member) -> None:
        rng, year = self.rng, self.year
        roll = rng.random()
        if roll < 0.03 and member.birth_date.year < 1960:
            self.status(
                member,
                StatusKind.EXEMPTION,
                datetime.date(year - 2, 3, 1),
                None,
                "Tuổi cao, sức yếu, có đơn đề nghị miễn công tác và sinh hoạt đảng",
            )
        elif roll < 0.035:
            self.status(
                member,
                StatusKind.SUSPENSION,
                datetime.date(year, 9, 1),
                None,
                "Đình chỉ sinh hoạt đảng trong thời gian bị điều tra",
            )
        elif roll < 0.055:
            self.status(
                member,
                StatusKind.TEMPORARY_TRANSFER,
                datetime.date(year, 2, 1),
                datetime.date(year + 1, 1, 31),
                "Đi công tác, học tập dài hạn",
                host_unit="Chi bộ Trường Chính trị tỉnh",
            )
        if rng.random() < 0.01:
            self.plan.disciplines.append(
                DisciplineRecord(
                    member=member,
                    decided_on=datetime.date(year, rng.randint(2, 10), 10),
                    form=rng.choice([DisciplineForm.REPRIMAND, DisciplineForm.WARNING]),
                    duty_related=rng.random() < 0.7,
                    self_discovered_and_remedied=rng.random() < 0.3,
                    reason="Vi phạm quy định về thực hiện nhiệm vụ được giao",
                )
            )

    def status(self, member, kind, start, end, reason, host_unit="") -> None:
        self.plan.statuses.append(
            StatusPeriod(
                member=member,
                kind=kind,
                start=start,
                end=end,
                reason=reason,
                host_unit=host_unit,
            )
        )


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    unit: str


def _signing(node: Organization, parent: Organization | None, place: str, taken: set[str]) -> None:
    """How a demo unit signs its documents (issue 17): its committee's name, its place name
    (its own, else its parent's) and a symbol unique among its parent's units: the plain one
    (ĐU, CB, HU…) for the first, then with the initials of what tells it apart ("ĐUBV" for
    "Đảng bộ Bệnh viện An Phú", "CBT2" for "Chi bộ thôn 2")."""
    place = place or (parent.place_name if parent else "")
    node.place_name = re.sub(r"\s+\d+$", "", place)
    if node.kind == Kind.PROVINCE:
        node.official_name = node.name.replace("Đảng bộ tỉnh", "Tỉnh ủy")
    else:
        node.official_name = official_name(node)
    base = "HU" if node.name.startswith("Huyện ủy") else DEFAULT_SYMBOLS[node.kind]
    rest = re.sub(r"^(Đảng bộ|Đảng ủy|Chi bộ|Huyện ủy)\s*", "", node.name)
    rest = rest.replace(place, "").replace(place.rsplit(" ", 1)[0], "").split()
    initials = "".join(w if w.isupper() or w.isdigit() else w[0].upper() for w in rest)
    symbol, n = base, 1
    while symbol in taken:
        n += 1
        symbol = f"{base}{initials}" + (str(n) if n > 2 else "")
    taken.add(symbol)
    node.document_symbol = symbol


def _first(units: list[Organization], kind: str, under: Organization | None = None):
    return next(u for u in units if u.kind == kind and (under is None or under.contains(u)))


def _accounts(units: list[Organization]) -> list[tuple[str, str, Organization]]:
    province = units[0]
    superiors = [u for u in units if u.kind == Kind.SUPERIOR]
    committee = _first(units, Kind.GRASSROOTS_COMMITTEE, superiors[0])
    other = superiors[1] if len(superiors) > 1 else superiors[0]
    return [
        ("quantri", Role.ADMINISTRATOR, province),
        ("bantochuc", Role.PROVINCIAL_BOARD, province),
        ("captren1", Role.SUPERIOR_BOARD, superiors[0]),
        ("captren2", Role.SUPERIOR_BOARD, other),
        ("dangbo1", Role.GRASSROOTS_COMMITTEE, committee),
        ("chibo1", Role.CELL_SECRETARY, _first(units, Kind.SUBORDINATE_CELL, committee)),
        ("chibo2", Role.CELL_SECRETARY, [u for u in units if u.is_cell and other.contains(u)][-1]),
    ]


@transaction.atomic
def seed_demo(*, scale: str, year: int, seed: int, history: int = 0) -> list[DemoAccount]:
    """The tree, members and demo accounts of a province, and the assessment years from
    `year - history` to `year`, opened in order (each with the rules in force). Returns the
    accounts."""
    plan = Builder(scale=SCALES[scale], year=year, seed=seed).build()
    Organization.objects.bulk_create(plan.units, batch_size=BATCH)
    for member in plan.members:
        member.cell_id = member.cell.pk
    posts = plan_posts(plan, year=year, history=history, seed=seed)  # sets the members' flags
    Member.objects.bulk_create(plan.members, batch_size=BATCH)
    for row in (*plan.statuses, *plan.disciplines):
        row.member_id = row.member.pk
    StatusPeriod.objects.bulk_create(plan.statuses, batch_size=BATCH)
    DisciplineRecord.objects.bulk_create(plan.disciplines, batch_size=BATCH)
    for post in posts:
        post.member_id = post.member.pk
        post.organization_id = post.organization.pk if post.organization else None
    Post.objects.bulk_create(posts, batch_size=BATCH)
    seed_collectives(plan, year=year, history=history)
    for past in range(year - history, year + 1):
        if not Period.objects.filter(year=past).exists():
            period_create(year=past, by=None)
    return _create_users(plan)


COLLECTIVE_KINDS = (Kind.PROVINCE, Kind.SUPERIOR, Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL)
SEATS = 5
# Which of the source cell's members a unit's committee starts from: a cell's own first member
# is its secretary; the committees above take the next ones, so each has a head of its own.
SEAT_OFFSET = {Kind.PROVINCE: 1, Kind.SUPERIOR: 2, Kind.GRASSROOTS_COMMITTEE: 1}
POSTS_SEED = 14  # posts draw from a stream of their own: the tree and the members stay as before
GOVERNMENT_POSTS = [
    ("Chủ tịch Ủy ban nhân dân", "Ủy ban nhân dân {p}", True),
    ("Phó Chủ tịch Ủy ban nhân dân", "Ủy ban nhân dân {p}", True),
    ("Trưởng phòng", "Phòng Văn hóa – Xã hội {p}", True),
    ("Phó Hiệu trưởng", "Trường Tiểu học {p}", True),
    ("Chuyên viên", "Văn phòng Ủy ban nhân dân {p}", False),
]
MASS_POSTS = [
    ("Chủ tịch Công đoàn cơ sở", "Công đoàn cơ sở {p}", True),
    ("Bí thư Đoàn Thanh niên", "Đoàn Thanh niên Cộng sản Hồ Chí Minh {p}", True),
    ("Ủy viên Ban Chấp hành Công đoàn", "Công đoàn cơ sở {p}", False),
    ("Chi hội trưởng Hội Cựu chiến binh", "Hội Cựu chiến binh {p}", False),
]
OUTSIDE_WORK = [
    ("Cán bộ hưu trí", "Nghỉ hưu tại địa phương"),
    ("Nhân viên", "Công ty TNHH Thương mại {p}"),
    ("Sinh viên", "Trường Đại học {p}"),
]


def _demo_cells(units: list[Organization]) -> list[Organization]:
    """The cells of the demo accounts (never driven by the seeded chain)."""
    return [unit for _name, _role, unit in _accounts(units) if unit.is_cell]


def _party_titles(unit: Organization) -> list[str]:
    """The party posts of a unit's committee, head first (the titles seats_from_posts reads: a
    secretary heads, a deputy secretary deputises, the standing committee's say "thường vụ")."""
    if unit.is_cell:
        return ["Bí thư Chi bộ", "Phó Bí thư Chi bộ"] + ["Chi ủy viên"] * 3
    if unit.kind == Kind.GRASSROOTS_COMMITTEE:
        return ["Bí thư Đảng ủy", "Phó Bí thư Đảng ủy"] + ["Đảng ủy viên"] * 3
    body = "Tỉnh ủy" if unit.kind == Kind.PROVINCE else unit.name.split(" ")[0]
    body = "Huyện ủy" if unit.name.startswith("Huyện ủy") else body
    body = "Đảng ủy xã" if unit.name.startswith("Đảng ủy xã") else body
    standing = f"Ủy viên Ban Thường vụ {body}"
    return [f"Bí thư {body}", f"Phó Bí thư {body}", standing, standing, f"Ủy viên {body}"]


def _eligible(plan: Plan, demo_member: Member) -> dict[int, list[Member]]:
    """Per cell (by pk), its members who may hold a party post: full members, current, with no
    status or discipline in the year; those in the political system first (in the order they
    were made)."""
    special = {id(row.member) for row in (*plan.statuses, *plan.disciplines)}
    by_cell: dict[int, list[Member]] = {}
    for member in sorted(plan.members, key=lambda m: m.outside_political_system):
        if member.full_membership_date and member.left_on is None and id(member) not in special:
            if member is not demo_member:
                by_cell.setdefault(member.cell_id, []).append(member)
    return by_cell


def _demo_member(plan: Plan) -> Member:
    """The member of `chibo1`'s cell who gets the `dangvien1` account: a full member with
    nothing special, in the political system where one is (the last such, so the first hold
    the cell's posts), with no post of their own: a self-review on form 2B."""
    cell = next(unit for name, _, unit in _accounts(plan.units) if name == "chibo1")
    special = {id(row.member) for row in (*plan.statuses, *plan.disciplines)}
    candidates = [
        m
        for m in plan.members
        if m.cell_id == cell.pk and m.full_membership_date and id(m) not in special
    ]
    inside = [m for m in candidates if not m.outside_political_system]
    return (inside or candidates)[-1]


def plan_posts(plan: Plan, *, year: int, history: int, seed: int) -> list[Post]:
    """Issue 14 item 5 in the demo: the posts that make the frameworks, heads and collectives.
    Every cell's first eligible member is its secretary ("Bí thư Chi bộ"); each committee that
    has a leadership collective (the province, each superior and grassroots committee, each
    grassroots cell, the demo accounts' cells) gets its secretary, deputy and members, taken
    from the demo account's cell it holds, else from its first cell; of the members drawn as
    holding another post, some lead a government body or mass organization (form 2A) and some
    hold a post that is not a leadership one; members outside the political system get their
    work unit (form 2C: retired, a private firm, studying). The member's flags follow the
    posts (`holds_leadership_post`, and no state employment outside the political system).
    Returns unsaved posts, in a fixed order for the seed."""
    rng = random.Random(seed * 1000 + POSTS_SEED)
    since = datetime.date(year - history - 1, 10, 1)
    demo_member = _demo_member(plan)
    eligible = _eligible(plan, demo_member)
    demo_cells = _demo_cells(plan.units)
    cells = [u for u in plan.units if u.is_cell and len(eligible.get(u.pk, [])) >= 3]
    posts: list[Post] = []

    def party(member, unit, title, start):
        posts.append(
            Post(
                member=member,
                kind=PostKind.PARTY,
                title=title,
                unit_name=unit.name,
                organization=unit,
                # secretaries, deputies and the standing committee lead (form 2A); a committee's
                # other members are reviewed on their own post
                leadership="bí thư" in title.casefold() or "thường vụ" in title.casefold(),
                start=start,
            )
        )

    committees = [u for u in plan.units if u.kind in COLLECTIVE_KINDS] + [
        c for c in demo_cells if c.kind not in COLLECTIVE_KINDS
    ]
    with_committee = {unit.pk for unit in committees}
    for unit in plan.units:  # each cell's secretary
        if unit.is_cell and eligible.get(unit.pk) and unit.pk not in with_committee:
            party(eligible[unit.pk][0], unit, "Bí thư Chi bộ", since)
    first_cell: dict[str, Organization] = {}  # the first cell (in tree order) under each path
    for cell in cells:
        for end in range(Organization.steplen, len(cell.path) + 1, Organization.steplen):
            first_cell.setdefault(cell.path[:end], cell)
    for unit in committees:
        # the province from the last demo cell, so the first's members do not hold every post
        held = [c for c in demo_cells if unit.contains(c)][:: -1 if unit.depth == 1 else 1]
        source = next(iter(held), None) or first_cell.get(unit.path)
        if source is None:
            continue
        members = eligible[source.pk]
        offset = SEAT_OFFSET.get(unit.kind, 0)
        # a demo cell that is not a grassroots cell has had its committee (chi ủy) this year
        new = unit.kind not in COLLECTIVE_KINDS
        for i, title in enumerate(_party_titles(unit)[: len(members)]):
            start = datetime.date(year, 1, 1) if new and i else since
            party(members[(offset + i) % len(members)], unit, title, start)
    leading = {id(p.member) for p in posts}
    units = {unit.pk: unit for unit in plan.units}  # member.cell would be read again by its id
    for member in plan.members:
        place = units[member.cell_id].place_name or units[member.cell_id].name
        if member.outside_political_system:
            title, body = rng.choice(OUTSIDE_WORK)
            member.is_state_employee = False
            posts.append(
                Post(
                    member=member,
                    kind=PostKind.WORK_UNIT,
                    title=title,
                    unit_name=body.format(p=place),
                    outside_political_system=True,
                    start=since,
                )
            )
        drawn = member.holds_leadership_post and member is not demo_member
        if drawn and id(member) not in leading:  # drawn as holding a post
            table = MASS_POSTS if member.outside_political_system else GOVERNMENT_POSTS
            kind = PostKind.MASS_ORGANIZATION
            if table is GOVERNMENT_POSTS and rng.random() < 0.5:
                table = MASS_POSTS
            elif table is GOVERNMENT_POSTS:
                kind = PostKind.GOVERNMENT
            title, body, leads = rng.choice(table)
            posts.append(
                Post(
                    member=member,
                    kind=kind,
                    title=title,
                    unit_name=body.format(p=place),
                    leadership=leads and not member.outside_political_system,
                    start=since,
                )
            )
    leaders = {id(p.member) for p in posts if p.leadership}
    for member in plan.members:
        member.holds_leadership_post = id(member) in leaders
    return posts


def seed_collectives(plan: Plan, *, year: int, history: int) -> list[LeadershipCollective]:
    """Leadership collectives in every role's scope (issue 14): each committee's party
    committee (ban chấp hành), the standing committee of the province and of each commune
    committee, and the committee (chi ủy) of each demo account's cell (from `year`). Their
    seats are derived from the party posts recorded on their unit (plan_posts, saved before)
    by the rule the admin's "seats from posts" applies (collectives.post_seats), written in
    bulk like the rest of the seeded rows. Returns them."""
    party_posts: dict[int, list[Post]] = {}
    for post in Post.objects.filter(kind=PostKind.PARTY).order_by("pk"):
        party_posts.setdefault(post.organization_id, []).append(post)
    posts_on = Counter({unit: len(posts) for unit, posts in party_posts.items()})
    collectives = []
    for unit in plan.units:
        if not posts_on[unit.pk]:
            continue
        if unit.kind in COLLECTIVE_KINDS:
            collectives.append(
                LeadershipCollective(
                    organization=unit,
                    kind=CollectiveKind.PARTY_COMMITTEE,
                    name=f"Ban Chấp hành {unit.name}",
                )
            )
        elif posts_on[unit.pk] > 1:  # a demo account's cell has a committee, not only a secretary
            collectives.append(
                LeadershipCollective(
                    organization=unit,
                    kind=CollectiveKind.PARTY_COMMITTEE,
                    name=f"Chi ủy {unit.name}",
                )
            )
        if unit.kind in (Kind.PROVINCE, Kind.SUPERIOR):
            collectives.append(
                LeadershipCollective(
                    organization=unit,
                    kind=CollectiveKind.STANDING_COMMITTEE,
                    name=f"Ban Thường vụ {unit.name}",
                )
            )
    LeadershipCollective.objects.bulk_create(collectives, batch_size=BATCH)
    seats = [
        seat
        for collective in collectives
        for seat in post_seats(collective, party_posts[collective.organization.pk])
    ]
    CollectiveSeat.objects.bulk_create(seats, batch_size=BATCH)
    return collectives


def _create_users(plan: Plan) -> list[DemoAccount]:
    User = get_user_model()
    accounts = []
    for username, role, unit in _accounts(plan.units):
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            is_staff=role == Role.ADMINISTRATOR,
            is_superuser=role == Role.ADMINISTRATOR,
        )
        Assignment.objects.create(user=user, role=role, organization=unit)
        accounts.append(DemoAccount(username, role, unit.name))
    cell = next(unit for name, _, unit in _accounts(plan.units) if name == "chibo1")
    member = _demo_member(plan)
    member.user = User.objects.create_user(username="dangvien1", password=DEMO_PASSWORD)
    member.save(update_fields=["user"])
    Assignment.objects.create(user=member.user, role=Role.MEMBER, organization=cell)
    accounts.append(DemoAccount("dangvien1", Role.MEMBER, cell.name))
    return accounts


ACTING_ROLE = {
    Kind.PROVINCE: Role.PROVINCIAL_BOARD,
    Kind.SUPERIOR: Role.SUPERIOR_BOARD,
    Kind.GRASSROOTS_COMMITTEE: Role.GRASSROOTS_COMMITTEE,
    Kind.GRASSROOTS_CELL: Role.CELL_SECRETARY,
    Kind.SUBORDINATE_CELL: Role.CELL_SECRETARY,
}


def demo_actor():
    """Who acts for a unit in the seeded chain: the demo account holding the unit's role there
    (dangbo1 decides for its committee, captren1 for its commune…), else the administrator
    account. Returns a function Organization → user."""
    holders = {
        (a.organization_id, a.role): a.user
        for a in Assignment.objects.current().select_related("user")
    }
    fallback = get_user_model().objects.get(username="quantri")

    def actor(unit: Organization, role: str | None = None):
        """`role` asks for a holder of that role (a grassroots cell's committee decides its
        members' levels, its secretary enters the cell's work)."""
        role = role or ACTING_ROLE.get(unit.kind)
        return holders.get((unit.pk, role), fallback)

    return actor
