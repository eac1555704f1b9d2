"""The national-scale generator: the tree, the members and their event histories, as COPY lines.

Deterministic for (seed, scale): the tree comes from one `random.Random(seed)`, each province's
members from their own `random.Random` derived from the seed and the province number, so the
rows do not depend on how far the consumer has read. Streaming: the tree (about 300,000 units
at scale 1) is kept as small per-province lists of cell ids; members and events are produced
province by province as text lines for `COPY … FROM STDIN` and never held in a list.

Shape at scale 1: a central root, 63 provinces (sizes lognormal, the two big cities three times
larger), about 11 district committees per province plus upper committees (the last two
committees of a province with four or more), grassroots committees with 3-12 subordinate cells
(one in ten also has partial committees with their own subordinate cells), and grassroots cells
right under the district (35 % of the grassroots organizations). Kinds follow
`chibo.orgs.kinds.ALLOWED_PARENTS`, paths come from `encode_step`.

Members (5.6 million at scale 1) belong to cells. 64 % were admitted before 2014 (dates back
to 1965, skewed to recent years), 36 % in 2014-2025. Every member has an `admitted` event and,
12 months plus 0-45 days later, a `recognized` event (unless that falls after 2025 or the
probation failed). From 2014 on: permanent transfers (12 % once, 2 % twice; 45 % to a cell of
the same district, 35 % to another district of the province, 20 % to another province),
deaths, removals, leavings and expulsions, and a few reinstatements after a removal. A few
members have a mistaken transfer that a `voided` event cancels. Every event is dated on its
own day, after the member's previous one, and records what the services record: `org` is the
member's unit (for a transfer the destination) and `from_org` the unit left.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

PROVINCES = 63
BASE_MEMBERS = 5_600_000
BASE_UNITS = 300_000
UNITS_PER_DISTRICT = 430
# Units per grassroots organization, as measured: 35 % grassroots cells (1 unit) and 65 %
# grassroots committees (the committee, ~7.5 subordinate cells, a few partial committees).
UNITS_PER_GRASSROOTS = 6.7

FIRST_ADMISSION = dt.date(1965, 1, 1)
WINDOW_START = dt.date(2014, 1, 1)
WINDOW_END = dt.date(2025, 12, 31)
ESTABLISHED = "1960-01-01"
CREATED_AT = "2026-01-01 00:00:00+07"
NULL = "\\N"

_ORD_START = WINDOW_START.toordinal()
_ORD_END = WINDOW_END.toordinal()
_ISO: dict[int, str] = {}


def iso(ordinal: int) -> str:
    s = _ISO.get(ordinal)
    if s is None:
        s = _ISO[ordinal] = dt.date.fromordinal(ordinal).isoformat()
    return s


def one_year_later(ordinal: int) -> int:
    """add_months(day, 12) (29 February → 28 February), as an ordinal."""
    d = dt.date.fromordinal(ordinal)
    try:
        return d.replace(year=d.year + 1).toordinal()
    except ValueError:
        return d.replace(year=d.year + 1, day=28).toordinal()


def line(values: tuple[object, ...]) -> str:
    """One line of COPY text format; our values hold no tab, newline or backslash."""
    return "\t".join(NULL if v is None else str(v) for v in values) + "\n"


ORG_COLUMNS = (
    "id", "path", "depth", "parent_id", "numchild", "code", "name", "kind", "sector",
    "status", "established_on", "dissolved_on", "successor_id", "version",
)  # fmt: skip
MEMBER_COLUMNS = (
    "id", "member_code", "family_name", "middle_name", "given_name", "sort_key", "search_name",
    "birth_date", "gender", "ethnicity", "religion", "national_id", "hometown", "education",
    "occupation", "phone", "email", "card_number", "status", "org_id", "temp_org_id",
    "temp_until", "admitted_on", "recognized_on", "status_since", "version", "created_at",
    "updated_at", "user_id",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "member_id", "kind", "date", "org_id", "from_org_id", "temporary", "end_date",
    "decision_no", "decided_by", "reason", "target_id", "voided_by_id", "created_by_id",
    "created_at",
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# The tree.


@dataclass
class Province:
    no: int
    org_id: int
    path: str
    code: str
    name: str
    weight: float
    cells: list[int] = field(default_factory=list)  # cell ids
    cell_district: list[int] = field(default_factory=list)  # index of the district of each cell
    district_cells: list[list[int]] = field(default_factory=list)  # cell ids per district


@dataclass
class Country:
    root_id: int
    provinces: list[Province]
    units: int
    cells: int
    kinds: dict[str, int]


@dataclass
class _Node:
    id: int
    path: str
    parent_id: int | None
    code: str
    name: str
    kind: str
    sector: str
    children: list[_Node] = field(default_factory=list)

    def add(self, next_id: list[int], code: str, name: str, kind: str, sector: str) -> _Node:
        next_id[0] += 1
        child = _Node(
            next_id[0],
            self.path + _encode(len(self.children) + 1),
            self.id,
            code,
            name,
            kind,
            sector,
        )
        self.children.append(child)
        return child


def _encode(number: int) -> str:
    from chibo.orgs.models import encode_step

    return encode_step(number)


def _org_line(node: _Node) -> str:
    return line(
        (
            node.id,
            node.path,
            len(node.path) // 4,
            node.parent_id,
            len(node.children),
            node.code,
            node.name,
            node.kind,
            node.sector,
            "active",
            ESTABLISHED,
            None,
            None,
            1,
        )
    )


def _walk(node: _Node) -> Iterator[_Node]:
    yield node
    for child in node.children:
        yield from _walk(child)


def build_country(seed: int, scale: float, sink: list[str]) -> Country:
    """Build the tree; its COPY lines are appended to `sink` province by province (the caller
    flushes it). Returns the cells of every province, which the member generator needs."""
    import load_members as lm

    rng = random.Random(seed)
    weights = [rng.lognormvariate(0, 0.5) * (3.0 if p < 2 else 1.0) for p in range(PROVINCES)]
    total_w = sum(weights)
    next_id = [1]
    root = _Node(1, _encode(1), None, "TW", "Ban Chấp hành Trung ương", "central", "other")
    kinds: dict[str, int] = {"central": 1}
    provinces: list[Province] = []
    n_cells = 0
    for p in range(PROVINCES):
        share = weights[p] / total_w
        pname = lm.PROVINCES[p % len(lm.PROVINCES)]
        prov = root.add(
            next_id, f"T{p + 1:02d}", f"Đảng bộ {pname}", "provincial_committee", "other"
        )
        province = Province(p + 1, prov.id, prov.path, prov.code, prov.name, share)
        units = BASE_UNITS * scale * share
        n_districts = max(1, min(60, round(units / UNITS_PER_DISTRICT)))
        per_district = max(4.0, units / n_districts - 1)
        for d in range(n_districts):
            upper = n_districts >= 4 and d >= n_districts - 2
            district = prov.add(
                next_id,
                f"{prov.code}.H{d + 1:02d}",
                (
                    f"Đảng bộ Khối {rng.choice(['Cơ quan', 'Doanh nghiệp'])} {pname}"
                    if upper
                    else f"Đảng bộ {rng.choice(['huyện', 'huyện', 'thị xã', 'quận'])} "
                    f"{lm._place(rng)}"
                ),
                "upper_committee" if upper else "district_committee",
                "agency" if upper else "other",
            )
            cells: list[int] = []
            n_grassroots = max(
                2, round(per_district * rng.uniform(0.7, 1.3) / UNITS_PER_GRASSROOTS)
            )
            for g in range(n_grassroots):
                committee = g == 0 or (g > 1 and rng.random() < 0.65)
                if not committee:
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
                    cell = district.add(
                        next_id,
                        f"{district.code}.C{g + 1:03d}",
                        f"Chi bộ {what} {lm._place(rng)}",
                        "grassroots_cell",
                        sector,
                    )
                    cells.append(cell.id)
                    continue
                commune = rng.random() < 0.8
                sector = "commune" if commune else "ward"
                gc = district.add(
                    next_id,
                    f"{district.code}.X{g + 1:03d}",
                    f"Đảng bộ {'xã' if commune else 'phường'} {lm._place(rng)}",
                    "grassroots_committee",
                    sector,
                )
                for c in range(rng.randint(3, 12)):
                    cell = gc.add(
                        next_id,
                        f"{gc.code}.C{c + 1:02d}",
                        f"Chi bộ {'thôn' if commune else 'khu phố'} {c + 1}",
                        "subordinate_cell",
                        sector,
                    )
                    cells.append(cell.id)
                if rng.random() < 0.1:
                    for b in range(rng.randint(2, 3)):
                        part = gc.add(
                            next_id,
                            f"{gc.code}.B{b + 1}",
                            f"Đảng bộ bộ phận {b + 1}",
                            "partial_committee",
                            sector,
                        )
                        for c in range(rng.randint(3, 6)):
                            cell = part.add(
                                next_id,
                                f"{part.code}.C{c + 1:02d}",
                                f"Chi bộ {c + 1}",
                                "subordinate_cell",
                                sector,
                            )
                            cells.append(cell.id)
            province.district_cells.append(cells)
            province.cell_district.extend([d] * len(cells))
            province.cells.extend(cells)
        n_cells += len(province.cells)
        provinces.append(province)
        for node in _walk(prov):
            kinds[node.kind] = kinds.get(node.kind, 0) + 1
            sink.append(_org_line(node))
        prov.children.clear()  # the province's nodes are written: let them go
    sink.insert(0, _org_line(root))
    return Country(root.id, provinces, next_id[0], n_cells, kinds)


# --------------------------------------------------------------------------------------------
# Members and events.


@dataclass
class Counts:
    members: int = 0
    events: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)


class MemberWriter:
    """Members and events of one province at a time, as COPY lines."""

    def __init__(self, seed: int, scale: float, country: Country):
        import load_members as lm
        from chibo.core.text import search_key, sort_key

        self.lm = lm
        self.sort_key, self.search_key = sort_key, search_key
        self.seed, self.scale, self.country = seed, scale, country
        self.total = round(BASE_MEMBERS * scale)
        self.next_member = 0
        self.next_event = 0
        self.names: dict[tuple[str, str, str], tuple[str, str]] = {}
        self.counts = Counts()

    def members_of(self, province: Province) -> int:
        return round(self.total * province.weight)

    def province_rows(
        self, province: Province, members: list[str], events: list[str], flush_every: int
    ) -> Iterator[None]:
        """Fill `members`/`events` with lines; yields whenever `flush_every` members were made."""
        lm = self.lm
        rng = random.Random(self.seed * 1_000_003 + province.no)
        cells = province.cells
        sizes = [rng.lognormvariate(0, 0.6) for _ in cells]
        picker = lm.Weighted(list(zip(range(len(cells)), sizes, strict=True)))
        others = [p for p in self.country.provinces if p.no != province.no]
        district_of = dict(zip(cells, province.cell_district, strict=True))
        counts = self.counts
        by_kind = counts.by_kind
        n = self.members_of(province)
        ev = events.append
        for k in range(n):
            self.next_member += 1
            mid = self.next_member
            ci = picker.pick(rng)
            org = cells[ci]
            district = province.cell_district[ci]
            gender = "male" if rng.random() < 0.63 else "female"
            family = lm.FAMILY.pick(rng)
            middle = lm.MIDDLE[gender].pick(rng)
            given = lm.GIVEN[gender].pick(rng)
            key = (given, family, middle)
            got = self.names.get(key)
            if got is None:
                full = " ".join(x for x in (family, middle, given) if x)
                got = self.names[key] = (
                    self.sort_key(given, family, middle),
                    self.search_key(full),
                )
            # Admission: before 2014 (skewed to recent years) or in 2014-2025.
            new = rng.random() < 0.36
            if new:
                admitted = rng.randint(_ORD_START, _ORD_END - 20)
            else:
                admitted = _ORD_START - 1 - int(rng.expovariate(1 / 4000))
                admitted = max(admitted, FIRST_ADMISSION.toordinal() + rng.randrange(3000))
            birth = admitted - 365 * rng.randint(18, 40) - rng.randrange(365)
            rows: list[tuple[int, str, int, int | None]] = [(admitted, "admitted", org, None)]
            status, recognized, since = "probationary", None, admitted
            last = admitted
            recognition = one_year_later(admitted) + rng.randrange(45)
            alive = True
            if new and rng.random() < 0.012 and recognition <= _ORD_END:
                # leaves while still probationary
                day = rng.randint(admitted + 1, recognition - 1)
                kind = "died" if rng.random() < 0.4 else "removed"
                rows.append((day, kind, org, None))
                status, since, last, alive = (
                    ("deceased" if kind == "died" else "removed"),
                    day,
                    day,
                    False,
                )
            elif new and rng.random() < 0.015 and recognition <= _ORD_END:
                rows.append((recognition, "probation_failed", org, None))
                status, since, last, alive = "removed", recognition, recognition, False
            elif recognition <= _ORD_END:
                rows.append((recognition, "recognized", org, None))
                status, recognized, since, last = "official", recognition, recognition, recognition
            if alive:
                # 2014-2025: transfers, then perhaps leaving (and rarely coming back).
                u = rng.random()
                n_transfers = 2 if u < 0.02 else 1 if u < 0.14 else 0
                for _t in range(n_transfers):
                    lo = max(last + 1, _ORD_START)
                    if lo >= _ORD_END - 40:
                        break
                    day = rng.randint(lo, min(_ORD_END - 30, lo + 2500))
                    r = rng.random()
                    if r < 0.45:
                        pool = province.district_cells[district]
                    elif r < 0.80:
                        pool = cells
                    else:
                        pool = rng.choice(others).cells
                    dst = pool[rng.randrange(len(pool))]
                    if dst == org:
                        continue
                    rows.append((day, "transferred", dst, org))
                    district = district_of.get(dst, district)
                    org, last = dst, day
                u = rng.random()
                old_factor = 1.0 if new else 6.0
                p_died = 0.02 * old_factor
                leave = None
                if u < p_died:
                    leave = "died"
                elif u < p_died + 0.025:
                    leave = "removed"
                elif u < p_died + 0.033:
                    leave = "left"
                elif u < p_died + 0.037:
                    leave = "expelled"
                lo = max(last + 1, _ORD_START)
                if leave and lo < _ORD_END:
                    day = rng.randint(lo, _ORD_END)
                    rows.append((day, leave, org, None))
                    status = {"died": "deceased"}.get(leave, leave)
                    since = last = day
                    if leave == "removed" and rng.random() < 0.08 and last + 200 < _ORD_END:
                        day = rng.randint(last + 180, _ORD_END)
                        dst = province.district_cells[district]
                        dst_org = dst[rng.randrange(len(dst))]
                        rows.append((day, "reinstated", dst_org, None))
                        status = "official" if recognized else "probationary"
                        org, since, last = dst_org, day, day
            # Write the events (ids in date order).
            for day, kind, where, from_org in rows:
                self.next_event += 1
                ev(
                    f"{self.next_event}\t{mid}\t{kind}\t{iso(day)}\t{where}\t"
                    f"{NULL if from_org is None else from_org}\tf\t{NULL}\t"
                    f"{self.next_event % 997 + 1}-QĐ/ĐU\t\t\t{NULL}\t{NULL}\t{NULL}\t"
                    f"{CREATED_AT}\n"
                )
                by_kind[kind] = by_kind.get(kind, 0) + 1
            if (
                status in ("official", "probationary")
                and last < _ORD_END - 40
                and (rng.random() < 0.003)
            ):
                # A mistaken transfer, voided a few days later by a correction.
                day = rng.randint(last + 1, _ORD_END - 25)
                wrong = self.next_event + 1
                void = wrong + 1
                dst = cells[rng.randrange(len(cells))]
                if dst != org:
                    self.next_event = void
                    ev(
                        f"{wrong}\t{mid}\ttransferred\t{iso(day)}\t{dst}\t{org}\tf\t{NULL}\t"
                        f"{wrong % 997 + 1}-QĐ/ĐU\t\t\t{NULL}\t{void}\t{NULL}\t{CREATED_AT}\n"
                    )
                    ev(
                        f"{void}\t{mid}\tvoided\t{iso(day + rng.randint(3, 20))}\t{org}\t{NULL}"
                        f"\tf\t{NULL}\t\t\tNhầm đơn vị\t{wrong}\t{NULL}\t{NULL}\t{CREATED_AT}\n"
                    )
                    by_kind["transferred (voided)"] = by_kind.get("transferred (voided)", 0) + 1
                    by_kind["voided"] = by_kind.get("voided", 0) + 1
            counts.by_status[status] = counts.by_status.get(status, 0) + 1
            skey, search = got
            members.append(
                f"{mid}\t{province.no:02d}-{mid:08d}\t{family}\t{middle}\t{given}\t{skey}\t"
                f"{search}\t{iso(birth)}\t{gender}\tKinh\t\t{province.no:03d}{mid:09d}\t"
                f"{province.name[8:]}\t\t{lm.OCCUPATION.pick(rng)}\t\t\t"
                f"{NULL if recognized is None else f'{mid:09d}'}\t{status}\t{org}\t{NULL}\t"
                f"{NULL}\t{iso(admitted)}\t{NULL if recognized is None else iso(recognized)}\t"
                f"{iso(since)}\t1\t{CREATED_AT}\t{CREATED_AT}\t{NULL}\n"
            )
            if (k + 1) % flush_every == 0:
                yield None
        counts.members = self.next_member
        counts.events = self.next_event
        yield None
