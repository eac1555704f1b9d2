"""Bulk loader for the benchmarks: a synthetic country tree and N members, via PostgreSQL COPY.

Deterministic for a seed (one `random.Random(seed)` drives everything). The rows are written
straight into the tables Django's migrations created (`orgs_organization`, `members_member`);
the name keys come from the real helpers (`chibo.core.text.sort_key` and `search_key`) and the paths
from `chibo.orgs.models.encode_step`, so the data is what the application itself would write.

Shape: one central root, `provinces` provinces (63 for the national set, 1 for a province-sized
set), 8-12 upper/district committees per province, and under each district grassroots
committees with their subordinate cells plus grassroots cells right under the district: about
one cell per 33 members (≈30,000 cells for 1,000,000 members). Members belong to cells only.

Speed: the secondary indexes of `members_member` (trigram GIN, sort key, foreign keys…) are
dropped before COPY and rebuilt afterwards from their own definitions (`pg_get_indexdef`), which
is several times faster than maintaining them row by row; the unique constraints stay, so the
data is still checked. The triggers that keep the table of distinct names (`members_searchname`,
migration members 0005) are switched off during COPY and the table is filled with one
INSERT … SELECT DISTINCT afterwards. `VACUUM (ANALYZE)` runs at the end.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from chibo.core.text import search_key, sort_key
from chibo.orgs.models import encode_step

# --------------------------------------------------------------------------------------------
# Names. Weights are relative; family-name shares follow the usual published estimates
# (Nguyễn ≈ 38%, Trần 11%, Lê 9.5%, Phạm 7%, Hoàng/Huỳnh 5%, Phan 4.5%, Vũ/Võ 4%, …).

FAMILY_NAMES: list[tuple[str, float]] = [
    ("Nguyễn", 38.4), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 3.0),
    ("Huỳnh", 2.1), ("Phan", 4.5), ("Vũ", 2.0), ("Võ", 1.9), ("Đặng", 2.1), ("Bùi", 2.0),
    ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đào", 0.45),
    ("Đoàn", 0.45), ("Đinh", 0.45), ("Trịnh", 0.4), ("Trương", 0.4), ("Lâm", 0.3),
    ("Mai", 0.3), ("Hà", 0.35), ("Lương", 0.3), ("Cao", 0.25), ("Tạ", 0.2), ("Văn", 0.15),
    ("Lưu", 0.15), ("Chu", 0.12), ("Tô", 0.1), ("Thái", 0.1), ("Kiều", 0.08), ("Quách", 0.08),
    ("Triệu", 0.08), ("La", 0.06), ("Phùng", 0.08), ("Nông", 0.07), ("Hứa", 0.05),
    ("Thân", 0.04), ("Lục", 0.03), ("Giáp", 0.03), ("Lò", 0.03), ("Âu", 0.02), ("Mạc", 0.02),
    ("Khổng", 0.02), ("Tăng", 0.02), ("Khúc", 0.01), ("Ông", 0.01), ("Diệp", 0.01),
    ("Ninh", 0.01), ("Bạch", 0.01), ("Cù", 0.01), ("Tôn Nữ", 0.005), ("Khuất", 0.01),
]  # fmt: skip

MIDDLE_MALE: list[tuple[str, float]] = [
    ("Văn", 35), ("Đức", 6), ("Minh", 6), ("Quang", 5), ("Hữu", 5), ("Công", 4), ("Xuân", 4),
    ("Thanh", 4), ("Ngọc", 3), ("Trọng", 3), ("Đình", 4), ("Quốc", 4), ("Anh", 2), ("Tuấn", 2),
    ("Mạnh", 2), ("Hoàng", 2), ("Bá", 2), ("Tiến", 2), ("Duy", 2), ("Thế", 2), ("Hồng", 1),
    ("Việt", 1), ("Kim", 1), ("Nhật", 1), ("Trung", 1), ("Gia", 1), ("Khắc", 1), ("Viết", 1),
    ("Văn Minh", 0.5), ("Đức Anh", 0.3), ("Hữu Thành", 0.2), ("", 0.5),
]  # fmt: skip

MIDDLE_FEMALE: list[tuple[str, float]] = [
    ("Thị", 45), ("Thu", 5), ("Thanh", 5), ("Ngọc", 5), ("Minh", 3), ("Hồng", 3), ("Phương", 3),
    ("Thúy", 2), ("Kim", 2), ("Mai", 2), ("Hoài", 1), ("Thùy", 2), ("Bích", 1), ("Diệu", 1),
    ("Khánh", 1), ("Lan", 1), ("Thị Thu", 2), ("Thị Ngọc", 1), ("Thị Thanh", 1), ("Hải", 1),
    ("Quỳnh", 1), ("Bảo", 1), ("Ánh", 0.5), ("Tuyết", 0.5), ("", 0.3),
]  # fmt: skip

# Most frequent first; weights fall off like Zipf's law. The tails hold the rare names.
GIVEN_MALE = [
    "Anh", "Dũng", "Hùng", "Tuấn", "Hải", "Nam", "Long", "Minh", "Đức", "Thắng", "Hưng", "Sơn",
    "Trung", "Cường", "Quang", "Bình", "Hoàng", "Phong", "Tùng", "Thành", "Hiếu", "Khánh", "Huy",
    "Toàn", "Lâm", "Việt", "Quân", "Vinh", "Đạt", "Tài", "Phúc", "Thịnh", "Lợi", "Nghĩa", "Tâm",
    "Kiên", "Trí", "Hiệp", "Hậu", "Tiến", "Tú", "Khoa", "Công", "Định", "Chiến", "Hòa", "Lộc",
    "Lực", "Mạnh", "Nhân", "Phát", "Quý", "Sang", "Tân", "Thái", "Thuận", "Tín", "Vũ", "Duy",
    "Bảo", "Khôi", "Đông", "Giang", "Hoan", "Hào", "Khang", "Lãm", "Luận", "Ninh", "Phú", "Quyết",
    "Sáng", "Thạch", "Thanh", "Thiện", "Thông", "Tuyên", "Văn", "Vượng", "Xuân", "Yên", "Dương",
    "Đoàn", "Hiển", "Kỳ", "Lương", "Nhật"
]  # fmt: skip
GIVEN_FEMALE = [
    "Anh", "Linh", "Hương", "Lan", "Hà", "Trang", "Thảo", "Ngọc", "Huyền", "Hoa", "Mai", "Nhung",
    "Phương", "Thủy", "Yến", "Nga", "Hằng", "Loan", "Dung", "Hạnh", "Oanh", "Tuyết", "Vân",
    "Hiền", "Hồng", "Liên", "Quyên", "Chi", "Diệp", "Giang", "Hậu", "My", "Nhi", "Nhàn", "Thu",
    "Trinh", "Uyên", "Xuân", "Thư", "Vy", "Ly", "Châu", "Duyên", "Lý", "Hải", "Thanh", "Minh",
    "Hòa", "Bình", "Tâm", "Thúy", "Thơ", "Quỳnh", "Hiên", "Ánh", "Diễm", "Kiều", "Sương", "Thoa",
    "Thơm", "Lụa", "Gấm", "Cúc", "Đào", "Bích", "Nhị", "Nguyệt", "Lệ", "Mến", "Nụ", "Hường",
    "Lài", "Sen", "Tươi"
]  # fmt: skip
GIVEN_RARE = [
    "Khuê", "Tường", "Khiêm", "Khải", "Luân", "Nguyên", "Ưng", "Xuyến", "Diệu", "Hạ", "Khuyên",
    "Quế", "Thục", "Trâm", "Tiên", "Tuệ", "Ấn", "Doãn", "Đệ", "Giao", "Hy", "Kha", "Lạc", "Mẫn",
    "Nhạn", "Phượng", "Sỹ", "Tịnh", "Ước", "Vĩ", "Ý", "Yểu"
]  # fmt: skip

PROVINCES = [
    "Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Hà Giang", "Cao Bằng", "Bắc Kạn",
    "Tuyên Quang", "Lào Cai", "Điện Biên", "Lai Châu", "Sơn La", "Yên Bái", "Hòa Bình",
    "Thái Nguyên", "Lạng Sơn", "Quảng Ninh", "Bắc Giang", "Phú Thọ", "Vĩnh Phúc", "Bắc Ninh",
    "Hải Dương", "Hưng Yên", "Thái Bình", "Hà Nam", "Nam Định", "Ninh Bình", "Thanh Hóa",
    "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế", "Quảng Nam", "Quảng Ngãi",
    "Bình Định", "Phú Yên", "Khánh Hòa", "Ninh Thuận", "Bình Thuận", "Kon Tum", "Gia Lai",
    "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Bình Phước", "Tây Ninh", "Bình Dương", "Đồng Nai",
    "Bà Rịa - Vũng Tàu", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh", "Vĩnh Long", "Đồng Tháp",
    "An Giang", "Kiên Giang", "Hậu Giang", "Sóc Trăng", "Bạc Liêu", "Cà Mau"
]  # fmt: skip
PLACE_SYLLABLES = [
    "An", "Bình", "Hòa", "Phú", "Tân", "Long", "Thạnh", "Hưng", "Đông", "Tây", "Nam", "Bắc",
    "Trung", "Phước", "Thành", "Mỹ", "Vĩnh", "Hiệp", "Thuận", "Lộc", "Xuân", "Quang", "Hải",
    "Sơn", "Minh", "Đức", "Nghĩa", "Yên", "Kim", "Cẩm", "Hà", "Lạc", "Tiên", "Thanh", "Lương",
    "Định"
]  # fmt: skip

OCCUPATIONS = [
    ("farmer", 22), ("worker", 10), ("civil_servant", 18), ("teacher", 9), ("retired", 17),
    ("armed_forces", 5), ("police", 4), ("health_worker", 4), ("business_owner", 3),
    ("student", 1), ("fisher", 1), ("other", 6),
]  # fmt: skip
STATUSES = [
    ("official", 86.5), ("probationary", 7.0), ("exempted", 2.0), ("removed", 1.5),
    ("left", 0.5), ("expelled", 0.3), ("deceased", 2.2),
]  # fmt: skip
EDUCATION = [("12/12", 40), ("Đại học", 35), ("Thạc sĩ", 6), ("Cao đẳng", 7), ("9/12", 12)]
ETHNICITY = [("Kinh", 88), ("Tày", 3), ("Thái", 2.5), ("Mường", 2), ("Khmer", 1.5), ("Hoa", 1)]

LOADED_AT = "2026-01-01 00:00:00+07"


class Weighted:
    """Fast repeated weighted choice (cumulative weights + bisect)."""

    def __init__(self, items: Sequence[tuple[Any, float]]):
        self.values = [v for v, _w in items]
        self.cumulative = list(itertools.accumulate(w for _v, w in items))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def zipf(
    names: Sequence[str], exponent: float = 0.9, scale: float = 1.0
) -> list[tuple[str, float]]:
    return [(name, scale / (rank**exponent)) for rank, name in enumerate(names, start=1)]


FAMILY = Weighted(FAMILY_NAMES)
MIDDLE = {"male": Weighted(MIDDLE_MALE), "female": Weighted(MIDDLE_FEMALE)}
GIVEN = {
    "male": Weighted(zipf(GIVEN_MALE) + zipf(GIVEN_RARE, scale=0.004)),
    "female": Weighted(zipf(GIVEN_FEMALE) + zipf(GIVEN_RARE, scale=0.004)),
}
OCCUPATION = Weighted(OCCUPATIONS)
STATUS = Weighted(STATUSES)
EDU = Weighted(EDUCATION)
ETHNIC = Weighted(ETHNICITY)


# --------------------------------------------------------------------------------------------
# The tree.


@dataclass
class Org:
    id: int
    path: str
    parent: Org | None
    code: str
    name: str
    kind: str
    sector: str
    province_no: int
    children: list[Org] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return len(self.path) // 4

    def add(self, tree: Tree, **kw: Any) -> Org:
        child = Org(
            id=len(tree.orgs) + 1,
            path=self.path + encode_step(len(self.children) + 1),
            parent=self,
            province_no=kw.pop("province_no", self.province_no),
            **kw,
        )
        self.children.append(child)
        tree.orgs.append(child)
        return child


@dataclass
class Tree:
    orgs: list[Org] = field(default_factory=list)

    @property
    def root(self) -> Org:
        return self.orgs[0]

    @property
    def provinces(self) -> list[Org]:
        return self.root.children

    @property
    def cells(self) -> list[Org]:
        return [o for o in self.orgs if o.kind in ("grassroots_cell", "subordinate_cell")]


def _place(rng: random.Random) -> str:
    return f"{rng.choice(PLACE_SYLLABLES)} {rng.choice(PLACE_SYLLABLES)}"


def build_tree(rng: random.Random, members: int, provinces: int) -> Tree:
    """Central root → provinces → district/upper committees → grassroots committees → cells."""
    tree = Tree()
    root = Org(1, encode_step(1), None, "TW", "Ban Chấp hành Trung ương", "central", "other", 0)
    tree.orgs.append(root)
    districts_per_province = [rng.randint(8, 12) for _ in range(provinces)]
    cells_per_district = max(4.0, members / 33 / sum(districts_per_province))
    for p in range(provinces):
        pname = PROVINCES[p % len(PROVINCES)]
        prov = root.add(
            tree,
            code=f"T{p + 1:02d}",
            name=f"Đảng bộ {pname}",
            kind="provincial_committee",
            sector="other",
            province_no=p + 1,
        )
        for d in range(districts_per_province[p]):
            upper = d >= districts_per_province[p] - 2 and rng.random() < 0.6
            district = prov.add(
                tree,
                code=f"{prov.code}.H{d + 1:02d}",
                name=(
                    f"Đảng bộ Khối {rng.choice(['Cơ quan', 'Doanh nghiệp'])} {pname}"
                    if upper
                    else f"Đảng bộ {rng.choice(['huyện', 'huyện', 'thị xã', 'quận'])} {_place(rng)}"
                ),
                kind="upper_committee" if upper else "district_committee",
                sector="agency" if upper else "other",
            )
            n_cells = max(4, round(cells_per_district * rng.uniform(0.6, 1.4)))
            direct = max(1, round(n_cells * 0.3))
            left = n_cells - direct
            g = 0
            while left > 0:
                g += 1
                size = min(left, rng.randint(3, 8))
                left -= size
                commune = rng.random() < 0.8
                gc = district.add(
                    tree,
                    code=f"{district.code}.X{g:03d}",
                    name=f"Đảng bộ {'xã' if commune else 'phường'} {_place(rng)}",
                    kind="grassroots_committee",
                    sector="commune" if commune else "ward",
                )
                for c in range(size):
                    gc.add(
                        tree,
                        code=f"{gc.code}.C{c + 1:02d}",
                        name=f"Chi bộ {'thôn' if commune else 'khu phố'} {c + 1}",
                        kind="subordinate_cell",
                        sector=gc.sector,
                    )
            for c in range(direct):
                what, sector = rng.choice(
                    [
                        ("Trường THCS", "school"),
                        ("Trường Tiểu học", "school"),
                        ("Trạm Y tế", "hospital"),
                        ("Công an", "police"),
                        ("Ban Chỉ huy Quân sự", "armed_forces"),
                        ("Phòng Tài chính", "agency"),
                        ("Công ty", "non_state_enterprise"),
                    ]
                )
                district.add(
                    tree,
                    code=f"{district.code}.C{c + 1:03d}",
                    name=f"Chi bộ {what} {_place(rng)}",
                    kind="grassroots_cell",
                    sector=sector,
                )
    return tree


# --------------------------------------------------------------------------------------------
# Rows.

_NULL = "\\N"


def _date(d: dt.date | None) -> str:
    return d.isoformat() if d else _NULL


def _copy_text(values: Sequence[Any]) -> str:
    """One line of COPY text format. Our values hold no tab, newline or backslash."""
    return "\t".join(_NULL if v is None else str(v) for v in values) + "\n"


ORG_COLUMNS = (
    "id",
    "path",
    "depth",
    "parent_id",
    "numchild",
    "code",
    "name",
    "kind",
    "sector",
    "status",
    "established_on",
    "dissolved_on",
    "successor_id",
    "version",
)

MEMBER_COLUMNS = (
    "id",
    "member_code",
    "family_name",
    "middle_name",
    "given_name",
    "sort_key",
    "search_name",
    "birth_date",
    "gender",
    "ethnicity",
    "religion",
    "national_id",
    "hometown",
    "education",
    "occupation",
    "phone",
    "email",
    "card_number",
    "status",
    "org_id",
    "temp_org_id",
    "temp_until",
    "admitted_on",
    "recognized_on",
    "status_since",
    "version",
    "created_at",
    "updated_at",
    "user_id",
)


def org_lines(tree: Tree) -> Iterator[str]:
    for o in tree.orgs:
        yield _copy_text(
            (
                o.id,
                o.path,
                o.depth,
                o.parent.id if o.parent else None,
                len(o.children),
                o.code,
                o.name,
                o.kind,
                o.sector,
                "active",
                "1975-05-01" if o.parent is None else "2000-01-01",
                None,
                None,
                1,
            )
        )


def member_lines(rng: random.Random, tree: Tree, members: int) -> Iterator[str]:
    """Members spread over the cells with uneven cell sizes, in random order of unit."""
    cells = tree.cells
    # Cell sizes vary a lot (a village cell of 12, a school cell of 80): lognormal weights.
    cell_pick = Weighted([(c, rng.lognormvariate(0, 0.6)) for c in cells])
    # Name keys repeat a lot (a few thousand distinct names cover most people): memoize.
    keys: dict[tuple[str, str, str], tuple[str, str]] = {}
    nid_serial: dict[str, int] = {}
    today = dt.date(2026, 1, 1)
    for i in range(1, members + 1):
        cell = cell_pick.pick(rng)
        gender = "male" if rng.random() < 0.63 else "female"
        family = FAMILY.pick(rng)
        middle = MIDDLE[gender].pick(rng)
        given = GIVEN[gender].pick(rng)
        name_key = (given, family, middle)
        got = keys.get(name_key)
        if got is None:
            full = " ".join(p for p in (family, middle, given) if p)
            got = keys[name_key] = (sort_key(given, family, middle), search_key(full))
        skey, search = got
        age = min(95, 19 + int(rng.expovariate(1 / 24)))
        birth = today - dt.timedelta(days=age * 365 + rng.randrange(365))
        admitted = birth + dt.timedelta(days=365 * rng.randint(18, min(age - 1, 45)))
        admitted = min(admitted, today - dt.timedelta(days=rng.randrange(30, 400)))
        status = STATUS.pick(rng)
        if status == "probationary":
            admitted = today - dt.timedelta(days=rng.randrange(30, 360))
            recognized = None
        else:
            recognized = admitted + dt.timedelta(days=365 + rng.randrange(30))
            if recognized > today:
                recognized = today - dt.timedelta(days=1)
        since = recognized or admitted
        if status not in ("official", "probationary"):
            since = today - dt.timedelta(days=rng.randrange(30, 3000))
        century = 0 if birth.year < 2000 else 2
        prefix = f"{cell.province_no:03d}{century + (gender == 'female')}{birth.year % 100:02d}"
        serial = nid_serial.get(prefix)
        if serial is None:
            serial = rng.randrange(100_000)
        nid_serial[prefix] = serial + 1
        national_id = f"{prefix}{serial:06d}" if rng.random() < 0.97 else None
        card = None if status == "probationary" else f"{(i * 387_420_489 + 104_729) % 10**9:09d}"
        yield _copy_text(
            (
                i,
                f"{cell.province_no:02d}-{i:07d}",
                family,
                middle,
                given,
                skey,
                search,
                birth.isoformat(),
                gender,
                ETHNIC.pick(rng),
                "" if rng.random() < 0.93 else rng.choice(["Phật giáo", "Công giáo"]),
                national_id,
                PROVINCES[(cell.province_no - 1) % len(PROVINCES)],
                EDU.pick(rng),
                OCCUPATION.pick(rng),
                f"09{rng.randrange(10**8):08d}",
                "",
                card,
                status,
                cell.id,
                None,
                None,
                _date(admitted),
                _date(recognized),
                _date(since),
                1,
                LOADED_AT,
                LOADED_AT,
                None,
            )
        )


# --------------------------------------------------------------------------------------------
# Loading.


def _copy(cursor: Any, table: str, columns: Sequence[str], lines: Iterator[str]) -> None:
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with cursor.copy(sql) as copy:
        chunk: list[str] = []
        for line in lines:
            chunk.append(line)
            if len(chunk) >= 20_000:
                copy.write("".join(chunk))
                chunk.clear()
        if chunk:
            copy.write("".join(chunk))


def secondary_indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX …) of the table's indexes that back no constraint."""
    cursor.execute(
        """
        SELECT c.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = %s::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
        ORDER BY c.relname
        """,
        [table],
    )
    return list(cursor.fetchall())


def _has_table(cursor: Any, table: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
    return bool(cursor.fetchone()[0])


@dataclass
class LoadReport:
    members: int
    orgs: int
    cells: int
    provinces: int
    seconds: dict[str, float]


def load(connection: Any, *, members: int, provinces: int, seed: int) -> LoadReport:
    """Fill the (empty, migrated) tables of the current schema. Returns phase timings."""
    rng = random.Random(seed)
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    tree = build_tree(rng, members, provinces)
    seconds["build tree"] = time.perf_counter() - t0
    with transaction.atomic(), connection.cursor() as wrapper:
        cur = wrapper.cursor  # the psycopg 3 cursor, for COPY
        cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED; check them per statement,
        # else the pending checks forbid CREATE INDEX in the same transaction.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        t = time.perf_counter()
        _copy(cur, "orgs_organization", ORG_COLUMNS, org_lines(tree))
        seconds["copy orgs"] = time.perf_counter() - t

        t = time.perf_counter()
        indexes = secondary_indexes(cur, "members_member")
        for name, _definition in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute("ALTER TABLE members_member DISABLE TRIGGER USER")
        _copy(cur, "members_member", MEMBER_COLUMNS, member_lines(rng, tree, members))
        cur.execute("ALTER TABLE members_member ENABLE TRIGGER USER")
        seconds["generate + copy members"] = time.perf_counter() - t

        t = time.perf_counter()
        for _name, definition in indexes:
            cur.execute(definition)
        if _has_table(cur, "members_searchname"):
            cur.execute(
                "INSERT INTO members_searchname (sort_key, search_name) "
                "SELECT DISTINCT sort_key, search_name FROM members_member "
                "ON CONFLICT DO NOTHING"
            )
        seconds["rebuild indexes"] = time.perf_counter() - t

        for table in ("orgs_organization", "members_member"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE) orgs_organization")
        cur.execute("VACUUM (ANALYZE) members_member")
        if _has_table(cur, "members_searchname"):
            cur.execute("VACUUM (ANALYZE) members_searchname")
    seconds["vacuum analyze"] = time.perf_counter() - t
    seconds["total"] = time.perf_counter() - t0
    return LoadReport(
        members=members,
        orgs=len(tree.orgs),
        cells=len(tree.cells),
        provinces=provinces,
        seconds=seconds,
    )


def table_sizes(connection: Any) -> list[dict[str, Any]]:
    """Heap, index and total size of the big tables and of each member index."""
    rows = []
    with connection.cursor() as cur:
        tables = ["orgs_organization", "members_member"]
        if _has_table(cur, "members_searchname"):
            tables.append("members_searchname")
        for table in tables:
            cur.execute(
                "SELECT pg_relation_size(%s::regclass), pg_indexes_size(%s::regclass), "
                "pg_total_relation_size(%s::regclass), (SELECT count(*) FROM " + table + ")",
                [table, table, table],
            )
            heap, idx, total, count = cur.fetchone()
            rows.append(
                {"name": table, "rows": count, "heap": heap, "indexes": idx, "total": total}
            )
        cur.execute(
            """
            SELECT c.relname, pg_relation_size(c.oid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = 'members_member'::regclass ORDER BY 2 DESC
            """
        )
        for name, size in cur.fetchall():
            rows.append(
                {
                    "name": f"  index {name}",
                    "rows": None,
                    "heap": None,
                    "indexes": size,
                    "total": size,
                }
            )
    return rows
