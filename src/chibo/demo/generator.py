"""The demo province: Bình Thuận with its units, members and 10+ years of dated history.

`demo_generate` plans everything in memory from one `random.Random(seed)` and a fixed
"today" — the tree, the people and each person's events — checks every person's history
with the replay the services use (`chibo.members.rules.replay`), caches the replayed
state on the member rows, and writes it all with bulk inserts in one transaction.

It is the only writer allowed to bypass the services: it generates data rather than
changing it, and `tests/demo/test_generator.py` proves its output is consistent (cached
state = replay of the events, kinds under allowed kinds, paths, counters).
"""

import datetime as dt
import random
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate
from math import exp
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.accounts.models import Role, User
from chibo.accounts.services import role_grant, user_create
from chibo.core.audit import audit_record
from chibo.core.periods import add_months, full_years_between
from chibo.members.models import (
    LIVE_STATUSES,
    EventKind,
    Gender,
    Member,
    MemberEvent,
    Occupation,
    Status,
)
from chibo.members.rules import TRANSITIONS, MemberState, replay
from chibo.members.stats import stats_rebuild
from chibo.orgs.kinds import CELL_KINDS, Kind, Sector
from chibo.orgs.models import Organization, OrgDecision, decode_step, encode_step

from . import names
from .assessment import demo_assessment
from .recruitment import demo_recruitment
from .targets import demo_targets

DEMO_TODAY = dt.date(2026, 11, 1)
HISTORY_START = dt.date(2012, 1, 1)
ROOT_CODE = "BT"
CARD_PROVINCE_CODE = "48"
DEMO_PASSWORD = "chibo-demo"
DEMO_URL = "http://127.0.0.1:8000"
MIN_MEMBERS = 300

# The province in 2024 (DOMAIN.md, figures from the field), per 40,000 members.
BASE_MEMBERS = 40_000
FIELD_COUNTS = {
    Kind.GRASSROOTS_COMMITTEE: 239,
    Kind.PARTIAL_COMMITTEE: 16,
    Kind.SUBORDINATE_CELL: 2163,
    Kind.GRASSROOTS_CELL: 459,
}
ROOT_ESTABLISHED = dt.date(1975, 4, 19)
BLOC_ESTABLISHED = dt.date(1992, 1, 1)
LAST_INITIAL_UNIT = dt.date(2011, 6, 30)

# Yearly rates. The opening roster is the share of --members alive in 2012 that, with
# these rates, grows back to about --members live members by DEMO_TODAY (calibrated).
ROSTER_SHARE = 0.59
ADMISSION_RATE = (0.045, 0.055)  # of the live members on 1 January
PROBATION_FAILED_SHARE = 0.015
RECOGNITION_DELAY_DAYS = 61  # recognized 12 months + 0–60 days after admission
REMOVAL_RATE = 0.0015
EXPULSION_RATE = 0.0003
LEAVING_RATE = 0.0004
TRANSFER_RATE_WORKING = 0.025
TRANSFER_RATE_RETIRED = 0.005
TEMPORARY_TRANSFER_RATE = 0.006
EXEMPTION_ENDED_RATE = 0.015
REINSTATEMENT_RATE = 0.03  # a year, within three years of a removal
CORRECTION_SHARE = 0.01  # transfers first recorded to the wrong cell, then voided
RETIREMENT_AGE: dict[str, int] = {Gender.MALE: 60, Gender.FEMALE: 55}
RETIREMENT_TRANSFER_SHARE = 0.85
SAME_DISTRICT_TRANSFER_SHARE = 0.55
LATE_CELL_SHARE = 0.35  # private-enterprise cells established during the history

TERRITORIAL = {Sector.COMMUNE, Sector.WARD, Sector.TOWNSHIP}
UNIFORMED = {Sector.ARMED_FORCES, Sector.POLICE}

# Expected members of a cell, by the kind of cell (low, high).
CELL_SIZE: dict[str, tuple[int, int]] = {
    "village": (14, 34),
    "quarter": (16, 38),
    Sector.AGENCY: (5, 15),
    Sector.PUBLIC_SERVICE: (5, 14),
    Sector.HOSPITAL: (6, 18),
    Sector.SCHOOL: (6, 18),
    Sector.POLICE: (8, 22),
    Sector.ARMED_FORCES: (7, 18),
    Sector.STATE_ENTERPRISE: (5, 16),
    Sector.NON_STATE_ENTERPRISE: (3, 10),
    Sector.OTHER: (4, 10),
}
# Admissions go to a cell in proportion to its size times this factor.
RECRUITING: dict[str, float] = {
    Sector.POLICE: 1.5,
    Sector.ARMED_FORCES: 1.5,
    Sector.NON_STATE_ENTERPRISE: 1.4,
}
# Cells a grassroots committee has, relative to others, by its sector.
COMMITTEE_CELLS: dict[str, float] = {
    Sector.COMMUNE: 11,
    Sector.WARD: 10,
    Sector.TOWNSHIP: 10,
    Sector.POLICE: 9,
    Sector.HOSPITAL: 9,
    Sector.AGENCY: 6,
    Sector.SCHOOL: 6,
    Sector.STATE_ENTERPRISE: 6,
    Sector.PUBLIC_SERVICE: 5,
    Sector.ARMED_FORCES: 5,
    Sector.NON_STATE_ENTERPRISE: 4,
    Sector.OTHER: 4,
}
FEMALE_SHARE: dict[str, float] = {
    Sector.COMMUNE: 0.28,
    Sector.WARD: 0.4,
    Sector.TOWNSHIP: 0.35,
    Sector.AGENCY: 0.48,
    Sector.PUBLIC_SERVICE: 0.5,
    Sector.SCHOOL: 0.72,
    Sector.HOSPITAL: 0.65,
    Sector.ARMED_FORCES: 0.05,
    Sector.POLICE: 0.12,
    Sector.STATE_ENTERPRISE: 0.3,
    Sector.NON_STATE_ENTERPRISE: 0.35,
    Sector.OTHER: 0.3,
}
Occ = Occupation
OCCUPATIONS: dict[str, list[tuple[str, float]]] = {
    Sector.COMMUNE: [(Occ.FARMER, 45), (Occ.CIVIL_SERVANT, 12), (Occ.WORKER, 8), (Occ.BUSINESS_OWNER, 8),
                     (Occ.TEACHER, 5), (Occ.HEALTH_WORKER, 2), (Occ.OTHER, 20)],
    "coastal": [(Occ.FISHER, 35), (Occ.FARMER, 12), (Occ.BUSINESS_OWNER, 12), (Occ.CIVIL_SERVANT, 10),
                (Occ.WORKER, 10), (Occ.OTHER, 21)],
    Sector.WARD: [(Occ.BUSINESS_OWNER, 22), (Occ.WORKER, 18), (Occ.CIVIL_SERVANT, 15), (Occ.TEACHER, 5),
                  (Occ.HEALTH_WORKER, 3), (Occ.OTHER, 37)],
    Sector.TOWNSHIP: [(Occ.BUSINESS_OWNER, 18), (Occ.FARMER, 15), (Occ.WORKER, 15),
                      (Occ.CIVIL_SERVANT, 15), (Occ.TEACHER, 5), (Occ.OTHER, 32)],
    Sector.AGENCY: [(Occ.CIVIL_SERVANT, 92), (Occ.OTHER, 8)],
    Sector.PUBLIC_SERVICE: [(Occ.CIVIL_SERVANT, 70), (Occ.OTHER, 30)],
    Sector.SCHOOL: [(Occ.TEACHER, 85), (Occ.CIVIL_SERVANT, 10), (Occ.OTHER, 5)],
    Sector.HOSPITAL: [(Occ.HEALTH_WORKER, 88), (Occ.CIVIL_SERVANT, 10), (Occ.OTHER, 2)],
    Sector.ARMED_FORCES: [(Occ.ARMED_FORCES, 1)],
    Sector.POLICE: [(Occ.POLICE, 1)],
    Sector.STATE_ENTERPRISE: [(Occ.WORKER, 55), (Occ.CIVIL_SERVANT, 10), (Occ.OTHER, 35)],
    Sector.NON_STATE_ENTERPRISE: [(Occ.WORKER, 75), (Occ.BUSINESS_OWNER, 8), (Occ.OTHER, 17)],
    Sector.OTHER: [(Occ.FARMER, 40), (Occ.WORKER, 20), (Occ.BUSINESS_OWNER, 15), (Occ.OTHER, 25)],
}  # fmt: skip
# Age in 2012 of the opening roster: (from, to, weight) bands by kind of unit.
ROSTER_AGES = {
    "territorial": [(20, 29, 5), (30, 39, 14), (40, 49, 20), (50, 59, 22), (60, 69, 18),
                    (70, 79, 14), (80, 94, 7)],
    "uniformed": [(22, 29, 30), (30, 39, 40), (40, 50, 30)],
    "working": [(22, 29, 15), (30, 39, 35), (40, 49, 30), (50, 59, 20)],
}  # fmt: skip
# Age at admission (low, high, mode) by kind of unit.
ADMISSION_AGES = {
    "territorial": (19, 55, 30),
    "uniformed": (20, 32, 23),
    "school": (22, 45, 27),
    "working": (22, 45, 29),
}
EDUCATION_GROUP: dict[str, str] = {
    Sector.COMMUNE: "territorial",
    Sector.WARD: "territorial",
    Sector.TOWNSHIP: "territorial",
    Sector.ARMED_FORCES: "uniformed",
    Sector.POLICE: "uniformed",
    Sector.SCHOOL: "school",
    Sector.AGENCY: "office",
    Sector.PUBLIC_SERVICE: "office",
    Sector.HOSPITAL: "office",
}
DECIDED_BY_UPPER = {
    EventKind.ADMITTED,
    EventKind.RECOGNIZED,
    EventKind.PROBATION_FAILED,
    EventKind.REMOVED,
    EventKind.EXPELLED,
    EventKind.LEFT,
    EventKind.REINSTATED,
}
ONE_DAY = dt.timedelta(days=1)
# The steps of the simulation that are not event kinds, and the event each records.
STEP_KINDS = {
    "recognize": EventKind.RECOGNIZED,
    "retire": EventKind.TRANSFERRED,
    "found": EventKind.TRANSFERRED,
    "temporary": EventKind.TRANSFERRED,
}
LIVE = frozenset(str(s) for s in LIVE_STATUSES)
EXIT_RATES = REMOVAL_RATE + EXPULSION_RATE + LEAVING_RATE


def _death_rate(age: int) -> float:
    """Yearly probability of dying at `age` (a Gompertz curve: 0.2% at 45, 5% at 80)."""
    return min(0.5, exp(-10.0 + 0.09 * age))


def _exemption_rate(age: int) -> float:
    """Yearly probability that an official member is exempted (old age, illness)."""
    for oldest, rate in ((80, 0.2), (75, 0.1), (70, 0.04), (60, 0.003)):
        if age >= oldest:
            return rate
    return 0.0


def _shift_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; add_months(day, 12 * years), only faster."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _group(sector: str) -> str:
    """The kind of life a unit's members lead, for their ages (ROSTER_AGES, ADMISSION_AGES)."""
    if sector in TERRITORIAL:
        return "territorial"
    if sector in UNIFORMED:
        return "uniformed"
    return "school" if sector == Sector.SCHOOL else "working"


# --- the plan: plain objects the replay accepts ------------------------------------------


@dataclass(eq=False, slots=True)
class Unit:
    """A unit of the plan; `pk` is its number in the plan (the replay only compares it)."""

    pk: int
    code: str
    name: str
    kind: str
    sector: str
    established_on: dt.date
    parent: "Unit | None"
    upper: "Unit | None" = None
    spec: dict | None = None
    place: str = ""
    coastal: bool = False
    size: float = 0.0
    children: list["Unit"] = field(default_factory=list)
    late: bool = False
    dissolved_on: dt.date | None = None
    decision: tuple[str, str] | None = None  # (number, issuer) for units established late
    org: Organization | None = None

    def is_live_on(self, day: dt.date) -> bool:  # the rule of Organization.is_live_on
        if self.established_on and day < self.established_on:
            return False
        return not (self.dissolved_on and day >= self.dissolved_on)

    @property
    def territorial(self) -> bool:
        return self.sector in TERRITORIAL and self.kind in CELL_KINDS


@dataclass(eq=False, slots=True)
class Event:
    kind: str
    date: dt.date
    org: Unit
    temporary: bool = False
    end_date: dt.date | None = None
    from_org: Unit | None = None
    reason: str = ""
    decision_no: str = ""
    decided_by: str = ""
    voided: bool = False  # a wrong entry that a later `voided` event corrects
    target: "Event | None" = None


@dataclass(eq=False, slots=True)
class Person:
    family: str
    middle: str
    given: str
    gender: str
    birth: dt.date
    ethnicity: str
    religion: str
    hometown: str
    id_prefix: str
    education: str
    phone: str
    events: list[Event] = field(default_factory=list)
    state: MemberState | None = None


@dataclass(slots=True)
class _Life:
    """The running state of one person while their history is drawn."""

    person: Person
    status: str
    org: Unit
    recognized: bool
    last: dt.date
    temp_until: dt.date | None = None
    removed_on: dt.date | None = None


class _Pool:
    """Units to draw from in proportion to a weight."""

    def __init__(self, units: Sequence[Unit], weights: Sequence[float]):
        self.units = list(units)
        self.cum = list(accumulate(weights))

    def pick(self, rng: random.Random, day: dt.date, *, avoid: Unit | None = None) -> Unit | None:
        if not self.units:
            return None
        for _try in range(8):
            unit = _draw(rng, self.units, self.cum)
            if unit is not avoid and unit.is_live_on(day):
                return unit
        return None


def _weighted(pairs: Sequence[tuple[Any, float]]) -> tuple[list[Any], list[float]]:
    return [p[0] for p in pairs], list(accumulate(p[1] for p in pairs))


def _draw(rng: random.Random, values: Sequence[Any], cum: Sequence[float]) -> Any:
    """One value drawn in proportion to its weight (`cum`: the running totals)."""
    return values[bisect_right(cum, rng.random() * cum[-1], 0, len(cum) - 1)]


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _apportion(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainders), at least `minimum` each."""
    rest = max(0, total - minimum * len(weights))
    whole = sum(weights) or 1.0
    quotas = [rest * w / whole for w in weights]
    shares = [int(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (shares[i] - quotas[i], i))
    for i in order[: rest - sum(shares)]:
        shares[i] += 1
    return [minimum + s for s in shares]


# --- the tree -----------------------------------------------------------------------------


class _Tree:
    def __init__(self, rng: random.Random, members: int):
        self.rng = rng
        self.scale = members / BASE_MEMBERS
        self.units: list[Unit] = []
        self.company_names: set[str] = set()

    def add(
        self, parent: Unit | None, name: str, kind: str, sector: str, est: dt.date, **extra: Any
    ) -> Unit:
        if parent is None:
            code = ROOT_CODE
        else:
            width = 3 if kind in (Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL) else 2
            code = f"{parent.code}.{len(parent.children) + 1:0{width}d}"
        size_key = extra.pop("size_key", sector)
        unit = Unit(len(self.units) + 1, code, name, kind, sector, est, parent, **extra)
        if parent is not None:
            parent.children.append(unit)
            unit.upper = parent.upper if parent.kind != Kind.PROVINCIAL_COMMITTEE else unit
        if kind in CELL_KINDS:
            low, high = CELL_SIZE.get(size_key, CELL_SIZE[Sector.OTHER])
            unit.size = self.rng.uniform(low, high)
        self.units.append(unit)
        return unit

    def build(self) -> list[Unit]:
        scale = self.scale
        root = self.add(
            None, names.ROOT_NAME, Kind.PROVINCIAL_COMMITTEE, Sector.OTHER, ROOT_ESTABLISHED
        )
        n_upper = min(len(names.UPPERS), max(3, round(len(names.UPPERS) * min(1.0, 4 * scale))))
        keep = set(names.UPPER_PRIORITY[:n_upper])
        specs = [s for s in names.UPPERS if s["key"] in keep]
        count = {k: round(v * scale) for k, v in FIELD_COUNTS.items()}
        weights = [s["weight"] for s in specs]
        committees = _apportion(max(len(specs), count[Kind.GRASSROOTS_COMMITTEE]), weights, 1)
        cells = _apportion(max(len(specs), count[Kind.GRASSROOTS_CELL]), weights, 1)
        for spec, n_committees, n_cells in zip(specs, committees, cells, strict=True):
            est = ROOT_ESTABLISHED if spec["type"] == "district" else BLOC_ESTABLISHED
            upper = self.add(
                root, spec["name"], Kind.UPPER_COMMITTEE, spec["sector"], est, spec=spec
            )
            for name, sector, place, since in self._committees(spec, n_committees):
                self.add(upper, name, Kind.GRASSROOTS_COMMITTEE, sector, since, **place)
            for name, sector, place, since in self._cells(spec, n_cells):
                self.add(upper, name, Kind.GRASSROOTS_CELL, sector, since, **place)
                unit = self.units[-1]
                unit.late = since > HISTORY_START
        self._fill_committees(
            max(3 * sum(committees), count[Kind.SUBORDINATE_CELL]),
            max(1, count[Kind.PARTIAL_COMMITTEE]),
        )
        return self.units

    def _company(self) -> str:
        for attempt in range(50):
            name = " ".join(
                (
                    self.rng.choice(names.COMPANY_FORMS),
                    self.rng.choice(names.COMPANY_FIELDS),
                    self.rng.choice(names.COMPANY_BRANDS),
                )
            )
            if attempt > 40:
                name = f"{name} {attempt}"
            if name not in self.company_names:
                self.company_names.add(name)
                return name
        raise RuntimeError("no company name left")

    def _since(self, start: dt.date, years: int) -> dt.date:
        return min(_between(self.rng, start, _shift_years(start, years)), LAST_INITIAL_UNIT)

    def _committees(self, spec: dict, n: int) -> list[tuple[str, str, dict, dt.date]]:
        rng = self.rng
        out: list[tuple[str, str, dict, dt.date]] = []
        if spec["type"] == "district":
            places = names.PLACES[spec["key"]]
            specials = names.DISTRICT_COMMITTEES
            n_special = min(len(specials), round(n * 0.15))
            n_places = min(len(places), n - n_special)
            chosen = sorted(rng.sample(range(len(places)), n_places))
            for i in chosen:
                level, place, coastal = places[i]
                sector: str = {"xã": Sector.COMMUNE, "phường": Sector.WARD}.get(
                    level, Sector.TOWNSHIP
                )
                extra = {"place": place, "coastal": coastal}
                out.append(
                    (f"Đảng bộ {level} {place}", sector, extra, self._since(ROOT_ESTABLISHED, 3))
                )
            district = f"{spec['level']} {spec['short']}"
            for template, sector in specials[:n_special]:
                name = template.format(place=district)
                out.append((name, sector, {}, self._since(dt.date(1976, 1, 1), 2)))
        else:
            catalogue = (
                names.AGENCY_COMMITTEES
                if spec["type"] == "agencies"
                else names.ENTERPRISE_COMMITTEES
            )
            chosen = sorted(rng.sample(range(len(catalogue)), min(n, len(catalogue))))
            years = 3 if spec["type"] == "agencies" else 10
            for i in chosen:
                name, sector = catalogue[i]
                out.append((name, sector, {}, self._since(BLOC_ESTABLISHED, years)))
        while len(out) < n:
            out.append(
                (
                    f"Đảng bộ {self._company()}",
                    Sector.NON_STATE_ENTERPRISE,
                    {},
                    self._since(dt.date(1996, 1, 1), 14),
                )
            )
        return out

    def _cells(self, spec: dict, n: int) -> list[tuple[str, str, dict, dt.date]]:
        rng = self.rng
        # kind of cell → [(name, sector, established on)]
        pools: dict[str, list[tuple[str, str, dt.date]]] = {}
        if spec["type"] == "district":
            place = f"{spec['level']} {spec['short']}"
            committee = spec["committee"]
            pools["office"] = [
                (
                    t.format(place=place, committee=committee, short=spec["short"]),
                    s,
                    self._since(dt.date(1976, 1, 1), 16),
                )
                for t, s in names.DISTRICT_OFFICES
            ]
            schools: list[tuple[str, str, dt.date]] = [(f"Trường THPT {s}", Sector.SCHOOL, self._since(dt.date(1976, 1, 1), 20))
                       for s in names.THPT_SCHOOLS.get(spec["key"], [])]  # fmt: skip
            for _level, commune, _coastal in names.PLACES[spec["key"]]:
                for school in ("Tiểu học", "THCS", "Mầm non"):
                    schools.append(
                        (
                            f"Trường {school} {commune}",
                            Sector.SCHOOL,
                            self._since(dt.date(1976, 1, 1), 25),
                        )
                    )
            pools["school"] = schools
            weights = {"office": 0.3, "school": 0.5, "company": 0.15, "coop": 0.05}
        else:
            catalogue = names.AGENCY_CELLS if spec["type"] == "agencies" else names.ENTERPRISE_CELLS
            years = 3 if spec["type"] == "agencies" else 12
            pools["office"] = [
                (name.removeprefix("Chi bộ "), s, self._since(BLOC_ESTABLISHED, years))
                for name, s in catalogue
            ]
            weights = (
                {"office": 0.9, "company": 0.1}
                if spec["type"] == "agencies"
                else {"office": 0.4, "company": 0.6}
            )
        for pool in pools.values():
            rng.shuffle(pool)
        drawn: dict[str, list[tuple[str, str, dict, dt.date]]] = {k: [] for k in weights}
        for _i in range(n):
            open_kinds = [k for k in weights if k not in pools or pools[k]]
            kind = rng.choices(open_kinds, [weights[k] for k in open_kinds])[0]
            if kind in pools:
                name, sector, since = pools[kind].pop()
                drawn[kind].append((f"Chi bộ {name}", sector, {}, since))
            elif kind == "company":
                late = rng.random() < LATE_CELL_SHARE
                since = (
                    _between(rng, dt.date(2013, 1, 1), dt.date(2024, 12, 31))
                    if late
                    else self._since(dt.date(2000, 1, 1), 11)
                )
                drawn[kind].append(
                    (f"Chi bộ {self._company()}", Sector.NON_STATE_ENTERPRISE, {}, since)
                )
            else:
                _level, commune, _coastal = rng.choice(names.PLACES[spec["key"]])
                field_name = rng.choice(names.COOPERATIVE_FIELDS)
                name = f"Chi bộ Hợp tác xã {field_name} {commune}"
                if name in self.company_names:
                    name = f"{name} {len(self.company_names)}"
                self.company_names.add(name)
                drawn[kind].append((name, Sector.OTHER, {}, self._since(dt.date(1998, 1, 1), 12)))
        return [cell for kind in weights for cell in drawn[kind]]

    def _fill_committees(self, n_cells: int, n_partial: int) -> None:
        rng = self.rng
        committees = [u for u in self.units if u.kind == Kind.GRASSROOTS_COMMITTEE]
        weights = [COMMITTEE_CELLS.get(c.sector, 5) * rng.uniform(0.7, 1.3) for c in committees]
        sizes = _apportion(n_cells, weights, 3)
        # Partial committees sit in the biggest non-territorial committees.
        ranked = sorted(
            range(len(committees)),
            key=lambda i: (committees[i].sector in TERRITORIAL, -sizes[i], i),
        )
        hosts = Counter(ranked[i // 2 % len(ranked)] for i in range(n_partial))
        for i, committee in enumerate(committees):
            namer = self._cell_namer(committee, sizes[i])
            partials = hosts.get(i, 0)
            under = [max(3, round(sizes[i] * 0.7 / partials)) for _p in range(partials)]
            for _j in range(max(0, sizes[i] - sum(under))):
                self._subcell(committee, *next(namer))
            taken: set[str] = set()
            for count in under:
                options = names.PARTIAL_COMMITTEES.get(committee.sector, [])
                label = next(
                    (o for o in options if o not in taken),
                    f"{names.PARTIAL_FALLBACK} {len(taken) + 1}",
                )
                taken.add(label)
                partial = self.add(
                    committee,
                    f"Đảng bộ bộ phận {label}",
                    Kind.PARTIAL_COMMITTEE,
                    committee.sector,
                    self._since(committee.established_on, 8),
                )
                for _j in range(count):
                    self._subcell(partial, *next(namer))

    def _subcell(self, parent: Unit, name: str, sector: str, size_key: str) -> None:
        since = self._since(parent.established_on, 1 if parent.sector in TERRITORIAL else 3)
        self.add(
            parent,
            name,
            Kind.SUBORDINATE_CELL,
            sector,
            since,
            place=parent.place,
            coastal=parent.coastal,
            size_key=size_key,
        )

    def _cell_namer(self, committee: Unit, n: int):  # type: ignore[no-untyped-def]
        """Names of the cells of a committee: (name, sector, size key), endlessly."""
        rng, sector = self.rng, committee.sector
        if sector in TERRITORIAL:
            specials = [("Chi bộ Quân sự", Sector.ARMED_FORCES, 4), ("Chi bộ Công an", Sector.POLICE, 6),
                        ("Chi bộ Cơ quan", Sector.AGENCY, 8),
                        (f"Chi bộ Trường Tiểu học {committee.place}", Sector.SCHOOL, 10)]  # fmt: skip
            extra = [(name, s, Sector.OTHER) for name, s, needed in specials if n >= needed]
            if sector == Sector.COMMUNE and rng.random() < 0.6:
                villages = [
                    f"Chi bộ thôn {v}" for v in rng.sample(names.VILLAGES, len(names.VILLAGES))
                ]
            else:
                word = names.SUBCELL_FALLBACK[sector]
                villages = [f"Chi bộ {word} {k}" for k in range(1, len(names.VILLAGES) + 1)]
            size_key = "village" if sector == Sector.COMMUNE else "quarter"
            yield from ((v, sector, size_key) for v in villages[: max(0, n - len(extra))])
            yield from extra
            k = len(names.VILLAGES)
            while True:
                k += 1
                yield f"Chi bộ {names.SUBCELL_FALLBACK[sector]} {k}", sector, size_key
        for label in names.SUBCELLS.get(sector, []):
            yield f"Chi bộ {label}", sector, sector
        k = 0
        while True:
            k += 1
            yield f"Chi bộ {names.SUBCELL_FALLBACK.get(sector, 'Tổ')} {k}", sector, sector


# --- people and their history -------------------------------------------------------------


class _History:
    def __init__(self, rng: random.Random, units: list[Unit], today: dt.date):
        self.rng = rng
        self.today = today
        self.cells = [u for u in units if u.kind in CELL_KINDS]
        self.all_cells = _Pool(self.cells, [c.size for c in self.cells])
        territorial = [c for c in self.cells if c.territorial]
        self.territorial = _Pool(territorial, [c.size for c in territorial])
        self.by_upper: dict[int, _Pool] = {}
        self.territorial_by_upper: dict[int, _Pool] = {}
        for upper in (u for u in units if u.kind == Kind.UPPER_COMMITTEE):
            mine = [c for c in self.cells if c.upper is upper]
            self.by_upper[upper.pk] = _Pool(mine, [c.size for c in mine])
            home = [c for c in mine if c.territorial]
            self.territorial_by_upper[upper.pk] = _Pool(home, [c.size for c in home])
        self.people: list[Person] = []
        self.live_on_new_year: Counter[int] = Counter()
        self.cell_live: Counter[tuple[int, int]] = Counter()  # (year, cell) → live on 1 January
        self.founders: dict[int, list[tuple[dt.date, str, Any]]] = {}
        # Draw tables, built once.
        self.family = _weighted(names.FAMILY_NAMES)
        self.middle: dict[str, tuple[list[Any], list[float]]] = {
            Gender.MALE: _weighted(names.MIDDLE_NAMES_MALE),
            Gender.FEMALE: _weighted(names.MIDDLE_NAMES_FEMALE),
        }
        self.given: dict[str, tuple[list[Any], list[float]]] = {
            Gender.MALE: _weighted(names.GIVEN_NAMES_MALE),
            Gender.FEMALE: _weighted(names.GIVEN_NAMES_FEMALE),
        }
        self.elsewhere = _weighted(names.ETHNICITIES_ELSEWHERE)
        self.religions = {k: _weighted(v) for k, v in names.RELIGIONS.items()}
        self.education = {k: _weighted(v) for k, v in names.EDUCATION_BY_SECTOR.items()}
        self.provinces = _weighted([((n, c), w) for n, c, w in names.OTHER_PROVINCES])
        self.uppers = {s["key"]: s for s in names.UPPERS}
        self.places = [(key, p[0], p[1]) for key, ps in names.PLACES.items() for p in ps]
        self.years = {
            year: (dt.date(year, 1, 1), min(dt.date(year, 12, 31), today))
            for year in range(1900, today.year + 1)
        }
        self.death = [_death_rate(age) for age in range(131)]
        self.exempt = [_exemption_rate(age) for age in range(131)]
        self.place_level = {(key, name): level for key, level, name in self.places}

    def _choice(self, table: tuple[list[Any], list[float]]) -> Any:
        return _draw(self.rng, table[0], table[1])

    # people

    def _gender(self, cell: Unit) -> str:
        female = self.rng.random() < FEMALE_SHARE.get(cell.sector, 0.33)
        return Gender.FEMALE if female else Gender.MALE

    def _ethnicity(self, cell: Unit) -> str:
        r = self.rng.random()
        for people, share in names.ETHNIC_MIX.get(cell.upper.spec["key"], []):  # type: ignore[union-attr,index]
            if r < share:
                return people
            r -= share
        return self._choice(self.elsewhere) if r < 0.005 else "Kinh"

    def _hometown(self, cell: Unit) -> tuple[str, str]:
        if self.rng.random() >= 0.72:
            return self._choice(self.provinces)
        key = cell.upper.spec["key"]  # type: ignore[union-attr,index]
        if cell.territorial and (key, cell.place) in self.place_level:
            level, place = self.place_level[key, cell.place], cell.place
        else:
            key, level, place = self.rng.choice(self.places)
        spec = self.uppers[key]
        town = f"{level} {place}, {spec['level']} {spec['short']}, {names.PROVINCE}"
        return town, names.LOCAL_ID_PREFIX

    def _person(self, cell: Unit, birth: dt.date, gender: str) -> Person:
        rng = self.rng
        ethnicity = self._ethnicity(cell)
        family = self._choice(self.family)
        middle = self._choice(self.middle[gender])
        if ethnicity in names.MINORITY_FAMILY_NAMES:
            family = rng.choice(names.MINORITY_FAMILY_NAMES[ethnicity])
            if gender == Gender.MALE and ethnicity in names.MINORITY_MIDDLE_NAMES_MALE:
                middle = rng.choice(names.MINORITY_MIDDLE_NAMES_MALE[ethnicity])
        faith = ethnicity if ethnicity in ("Kinh", "Chăm", "Hoa") else "other"
        hometown, id_prefix = self._hometown(cell)
        phone = ""
        if rng.random() < 0.85:
            phone = f"{rng.choice(names.PHONE_PREFIXES)}{rng.randrange(10_000_000):07d}"
        return Person(
            family=family,
            middle=middle,
            given=self._choice(self.given[gender]),
            gender=gender,
            birth=birth,
            ethnicity=ethnicity,
            religion=self._choice(self.religions[faith]),
            hometown=hometown,
            id_prefix=id_prefix,
            education=self._choice(self.education[EDUCATION_GROUP.get(cell.sector, "enterprise")]),
            phone=phone,
        )

    def _roster_person(self, cell: Unit) -> tuple[_Life, list]:
        """Someone admitted before 2012 who is a member of `cell` on 1 January 2012.

        Admitted at 18–60 and not before the cell existed; people in workplaces are
        below retirement age in 2012 (older ones have moved to where they live).
        """
        rng = self.rng
        group = _group(cell.sector)
        bands = ROSTER_AGES.get(group, ROSTER_AGES["working"])
        gender = self._gender(cell)
        oldest = 200 if group == "territorial" else RETIREMENT_AGE[gender] - 1
        eve = HISTORY_START - ONE_DAY
        while True:
            low, high, _weight = rng.choices(bands, [b[2] for b in bands])[0]
            if low > oldest:
                continue
            age = rng.randint(low, min(high, oldest))
            birth = _shift_years(HISTORY_START, -age) - dt.timedelta(days=rng.randrange(1, 365))
            earliest = max(cell.established_on, _shift_years(birth, 18) + ONE_DAY)
            latest = min(eve, _shift_years(birth, 60) - ONE_DAY)
            if earliest > latest:
                continue
            youngest, eldest = (
                full_years_between(birth, earliest),
                full_years_between(birth, latest),
            )
            wanted = round(rng.triangular(youngest, eldest, min(max(27, youngest), eldest)))
            admitted = _shift_years(birth, wanted) + dt.timedelta(days=rng.randrange(365))
            admitted = min(max(admitted, earliest), latest)
            if 18 <= full_years_between(birth, admitted) <= 60:
                break
        person = self._person(cell, birth, gender)
        person.events.append(Event(EventKind.ADMITTED, admitted, cell))
        life = _Life(person, Status.PROBATIONARY, cell, False, admitted)
        recognized = _shift_years(admitted, 1) + dt.timedelta(
            days=rng.randrange(RECOGNITION_DELAY_DAYS)
        )
        if recognized >= HISTORY_START:
            return life, [(recognized, "recognize", None)]
        person.events.append(Event(EventKind.RECOGNIZED, recognized, cell))
        life.status, life.recognized, life.last = Status.OFFICIAL, True, recognized
        # Very old members were often exempted from activity before 2012.
        age = full_years_between(birth, HISTORY_START)
        seventy = _shift_years(birth, 70)
        if age >= 75 and rng.random() < (0.6 if age >= 80 else 0.3):
            day = _between(rng, max(recognized + ONE_DAY, seventy), eve)
            if recognized < day <= eve:
                reason = rng.choice(names.REASONS["exempted"])
                person.events.append(
                    Event(EventKind.EXEMPTED, day, cell, reason=reason, decided_by=cell.name)
                )
                life.status, life.last = Status.EXEMPTED, day
        return life, []

    def _admitted_person(self, cell: Unit, day: dt.date) -> tuple[_Life, list]:
        rng = self.rng
        low, high, mode = ADMISSION_AGES[_group(cell.sector)]
        if cell.name.endswith("Sinh viên"):
            low, high, mode = 19, 24, 21
        while True:
            age = int(rng.triangular(low, high + 0.99, mode))
            birth = _shift_years(day, -age) - dt.timedelta(days=rng.randrange(365))
            if 18 <= full_years_between(birth, day) <= 59:
                break
        person = self._person(cell, birth, self._gender(cell))
        person.events.append(Event(EventKind.ADMITTED, day, cell))
        recognized = _shift_years(day, 1) + dt.timedelta(days=rng.randrange(RECOGNITION_DELAY_DAYS))
        return _Life(person, Status.PROBATIONARY, cell, False, day), [
            (recognized, "recognize", None)
        ]

    def _retirement(self, life: _Life, schedule: list, start: dt.date) -> None:
        person = life.person
        if life.org.territorial or self.rng.random() >= RETIREMENT_TRANSFER_SHARE:
            return
        day = _shift_years(person.birth, RETIREMENT_AGE[person.gender])
        day += dt.timedelta(days=self.rng.randrange(180))
        if day > start:
            schedule.append((day, "retire", None))

    # the simulation

    def generate(self, members: int) -> list[Person]:
        rng = self.rng
        initial = [c for c in self.cells if not c.late]
        roster = _apportion(round(members * ROSTER_SHARE), [c.size for c in initial], 3)
        opening = [
            self._roster_person(cell)
            for cell, n in zip(initial, roster, strict=True)
            for _i in range(n)
        ]
        self._choose_founders([life for life, _schedule in opening])
        for index, (life, schedule) in enumerate(opening):
            schedule.extend(self.founders.get(index, []))
            self._retirement(life, schedule, HISTORY_START)
            self._live(life, schedule, HISTORY_START)
        for year in range(HISTORY_START.year, self.today.year + 1):
            new_year = dt.date(year, 1, 1)
            end = min(dt.date(year, 12, 31), self.today)
            days = (end - new_year).days + 1
            admissions = round(
                self.live_on_new_year[year] * rng.uniform(*ADMISSION_RATE) * days / 365
            )
            recruiting = self._recruiting(year)
            for day in sorted(
                new_year + dt.timedelta(days=rng.randrange(days)) for _i in range(admissions)
            ):
                cell = recruiting.pick(rng, day)
                if cell is None:
                    continue
                life, schedule = self._admitted_person(cell, day)
                self._retirement(life, schedule, day)
                self._live(life, schedule, day)
        return self.people

    def _recruiting(self, year: int) -> _Pool:
        """Cells admit in proportion to their size, more where they have fallen below it."""
        weights = []
        for cell in self.cells:
            below = cell.size / max(self.cell_live[year, cell.pk], 0.5)
            weights.append(cell.size * RECRUITING.get(cell.sector, 1.0) * min(max(below, 0.25), 4))
        return _Pool(self.cells, weights)

    def _choose_founders(self, opening: list[_Life]) -> None:
        """A cell established during the history starts with members transferred in."""
        rng = self.rng
        for cell in (c for c in self.cells if c.late):
            candidates = [
                i
                for i, life in enumerate(opening)
                if life.org.upper is cell.upper
                and not life.org.territorial
                and i not in self.founders
                and 25 <= full_years_between(life.person.birth, cell.established_on) <= 50
            ]
            for i in rng.sample(candidates, min(len(candidates), rng.randint(3, 5))):
                self.founders[i] = [(cell.established_on, "found", cell)]

    def _live(self, life: _Life, schedule: list, start: dt.date) -> None:
        """Draw the person's events from `start` to today, year by year."""
        rng, today, live = self.rng, self.today, LIVE
        self.people.append(life.person)
        born = life.person.birth.year
        for year in range(start.year, today.year + 1):
            new_year, last = self.years[year]
            if life.status in live:
                if new_year >= start:
                    self.live_on_new_year[year] += 1
                    self.cell_live[year, life.org.pk] += 1
            elif not self._may_return(life, new_year):
                break
            first = max(new_year, start, life.last + ONE_DAY)
            if first > last:
                continue
            hazard = self._hazard(life, new_year, year - born, (last - first).days + 1)
            if hazard is None and not (schedule and min(s[0] for s in schedule) <= last):
                continue
            due = [s for s in schedule if s[0] <= last]
            schedule = [s for s in schedule if s[0] > last]
            if hazard:
                due.append((_between(rng, first, last), hazard, None))
            due.sort(key=lambda s: s[0])
            for day, kind, arg in due:
                day = max(day, life.last + ONE_DAY)
                if day <= last:
                    self._apply(life, day, kind, arg)
                elif kind == "recognize" and year < today.year:
                    schedule.append((day, kind, arg))

    def _may_return(self, life: _Life, day: dt.date) -> bool:
        return bool(
            life.status == Status.REMOVED
            and life.recognized
            and life.removed_on
            and day <= _shift_years(life.removed_on, 3)
        )

    def _hazard(self, life: _Life, new_year: dt.date, age: int, days: int) -> str | None:
        """What happens to the person this year, if anything (at most one draw a year)."""
        r = self.rng.random() * 365 / days
        status = life.status
        death = self.death[min(age, len(self.death) - 1)]
        if status == Status.OFFICIAL:
            move = (
                TRANSFER_RATE_RETIRED
                if age >= RETIREMENT_AGE[life.person.gender]
                else TRANSFER_RATE_WORKING
            )
            away = life.temp_until is not None and life.temp_until >= new_year
            temporary = 0.0 if age >= 50 or away else TEMPORARY_TRANSFER_RATE
            exempt = self.exempt[min(age, len(self.exempt) - 1)]
            if r >= death + EXIT_RATES + move + temporary + exempt:
                return None
            table: tuple[tuple[str, float], ...] = (
                (EventKind.DIED, death),
                (EventKind.REMOVED, REMOVAL_RATE),
                (EventKind.EXPELLED, EXPULSION_RATE),
                (EventKind.LEFT, LEAVING_RATE),
                (EventKind.TRANSFERRED, move),
                ("temporary", temporary),
                (EventKind.EXEMPTED, exempt),
            )
        elif status == Status.PROBATIONARY:
            table = ((EventKind.DIED, death), (EventKind.LEFT, LEAVING_RATE))
        elif status == Status.EXEMPTED:
            table = (
                (EventKind.DIED, min(0.6, death * 1.5)),
                (EventKind.EXEMPTION_ENDED, EXEMPTION_ENDED_RATE if age < 75 else 0.0),
                (EventKind.TRANSFERRED, TRANSFER_RATE_RETIRED),
            )
        elif self._may_return(life, new_year):
            table = ((EventKind.REINSTATED, REINSTATEMENT_RATE),)
        else:
            return None
        for kind, p in table:
            if r < p:
                return kind
            r -= p
        return None

    def _event(
        self, life: _Life, kind: str, day: dt.date, org: Unit | None = None, **extra: Any
    ) -> Event:
        event = Event(kind, day, org or life.org, **extra)
        life.person.events.append(event)
        life.last = day
        return event

    def _apply(self, life: _Life, day: dt.date, kind: str, arg: Any) -> None:
        rng, reasons = self.rng, names.REASONS
        # Something earlier the same day or year may have changed the status since the
        # draw: only what the rules allow from the current status happens.
        if life.status not in TRANSITIONS[STEP_KINDS.get(kind, kind)][0]:
            return
        if kind == "recognize":
            if rng.random() < PROBATION_FAILED_SHARE:
                self._event(
                    life,
                    EventKind.PROBATION_FAILED,
                    day,
                    reason=rng.choice(reasons["probation_failed"]),
                )
                life.status, life.temp_until = Status.REMOVED, None
            else:
                self._event(life, EventKind.RECOGNIZED, day)
                life.status, life.recognized = Status.OFFICIAL, True
        elif kind in ("retire", "found", EventKind.TRANSFERRED):
            if kind == "retire":
                if life.org.territorial:
                    return
                pool = self.territorial_by_upper[life.org.upper.pk]  # type: ignore[union-attr]
                dest = (pool if pool.units else self.territorial).pick(rng, day, avoid=life.org)
                reason = reasons["retirement"][0]
            elif kind == "found":
                dest = arg if arg is not life.org and arg.is_live_on(day) else None
                reason = reasons["founding"][0]
            else:
                same = rng.random() < SAME_DISTRICT_TRANSFER_SHARE
                pool = self.by_upper[life.org.upper.pk] if same else self.all_cells  # type: ignore[union-attr]
                dest = pool.pick(rng, day, avoid=life.org)
                reason = rng.choice(reasons["transferred"])
            if dest is None:
                return
            wrong: Event | None = None
            if kind == EventKind.TRANSFERRED and rng.random() < CORRECTION_SHARE:
                # Recorded first to the wrong cell, voided, recorded again.
                slip = self.all_cells.pick(rng, day, avoid=life.org)
                if slip is not None and slip is not dest:
                    wrong = self._event(
                        life, kind, day, slip, from_org=life.org, reason=reason, voided=True
                    )
            self._event(life, EventKind.TRANSFERRED, day, dest, from_org=life.org, reason=reason)
            if wrong is not None:
                fixed = min(day + dt.timedelta(days=rng.randrange(15)), self.today)
                why = rng.choice(reasons["voided"])
                self._event(life, EventKind.VOIDED, fixed, dest, target=wrong, reason=why)
            life.org, life.temp_until = dest, None
        elif kind == "temporary":
            dest = self.all_cells.pick(rng, day, avoid=life.org)
            if dest is None:
                return
            months = rng.randint(3, 12) if rng.random() < 0.7 else rng.randint(13, 24)
            until = add_months(day, months)
            self._event(
                life,
                EventKind.TRANSFERRED,
                day,
                dest,
                from_org=life.org,
                temporary=True,
                end_date=until,
                reason=rng.choice(reasons["temporary"]),
            )
            life.temp_until = until
        elif kind == EventKind.DIED:
            self._event(life, kind, day)
            life.status, life.temp_until = Status.DECEASED, None
        elif kind in (EventKind.REMOVED, EventKind.EXPELLED, EventKind.LEFT):
            self._event(life, kind, day, reason=rng.choice(reasons[kind]))
            life.status = TRANSITIONS[kind][1]  # type: ignore[assignment]
            life.temp_until = None
            life.removed_on = day if kind == EventKind.REMOVED else None
        elif kind == EventKind.EXEMPTED:
            self._event(
                life, kind, day, reason=rng.choice(reasons["exempted"]), decided_by=life.org.name
            )
            life.status = Status.EXEMPTED
        elif kind == EventKind.EXEMPTION_ENDED:
            self._event(
                life, kind, day, reason=reasons["exemption_ended"][0], decided_by=life.org.name
            )
            life.status = Status.OFFICIAL
        elif kind == EventKind.REINSTATED:
            org = life.org if life.org.is_live_on(day) else self.all_cells.pick(rng, day)
            if org is None:
                return
            self._event(life, kind, day, org, reason=rng.choice(reasons["reinstated"]))
            life.org, life.status, life.removed_on = org, Status.OFFICIAL, None


# --- finishing the plan -------------------------------------------------------------------


def effective_events(events: list[Event]) -> list[Event]:
    return [e for e in events if not e.voided and e.kind != EventKind.VOIDED]


def _number_decisions(people: list[Person], units: list[Unit]) -> None:
    """Decision numbers run per issuing committee, series and year, in date order."""
    numbered: list[tuple[int, int, str, dt.date, int, Event | Unit]] = []

    def add(upper: Unit | None, series: str, day: dt.date, obj: Event | Unit) -> None:
        assert upper is not None
        numbered.append((upper.pk, day.year, series, day, len(numbered), obj))

    for person in people:
        for event in person.events:
            if event.kind in DECIDED_BY_UPPER:
                add(event.org.upper, "QĐ", event.date, event)
            elif event.kind == EventKind.TRANSFERRED and event.from_org is not None:
                add(event.from_org.upper, "GGT", event.date, event)
    for unit in units:
        if unit.late:
            add(unit.upper, "QĐ", unit.established_on, unit)
    numbered.sort(key=lambda n: n[:5])
    counters: Counter[tuple[int, int, str]] = Counter()
    for upper_pk, year, series, _day, _i, obj in numbered:
        counters[upper_pk, year, series] += 1
        spec = units[upper_pk - 1].spec
        assert spec is not None
        number = f"{counters[upper_pk, year, series]}-{series}/{spec['suffix']}"
        body = "Ban Thường vụ" if series == "QĐ" else "Ban Tổ chức"
        if isinstance(obj, Unit):
            obj.decision = (number, f"{body} {spec['committee']}")
        else:
            obj.decision_no, obj.decided_by = number, f"{body} {spec['committee']}"


def _occupation(rng: random.Random, person: Person, unit: Unit, on: dt.date) -> str:
    age = full_years_between(person.birth, on)
    if age >= RETIREMENT_AGE[person.gender] and unit.sector not in UNIFORMED and rng.random() < 0.9:
        return Occupation.RETIRED
    if unit.name.endswith("Sinh viên") and age <= 25:
        return Occupation.STUDENT
    table = (
        OCCUPATIONS["coastal"]
        if unit.coastal and unit.sector == Sector.COMMUNE
        else OCCUPATIONS[unit.sector]
    )
    return rng.choices([t[0] for t in table], [t[1] for t in table])[0]


@dataclass
class DemoResult:
    root: Organization
    counts: dict[str, dict[str, int]]
    seconds: dict[str, float]


def demo_is_loaded() -> bool:
    return Organization.objects.filter(code=ROOT_CODE).exists()


def demo_generate(*, seed: int, members: int, today: dt.date = DEMO_TODAY) -> DemoResult:
    """Generate and write the demo province. Deterministic for (seed, members, today).

    Returns the root unit, counts and timings. Raises ValueError for impossible
    arguments and RuleViolation if a generated history breaks a rule (a bug here).
    Callers check `demo_is_loaded()` first; the root code must not exist yet.
    """
    if members < MIN_MEMBERS:
        raise ValueError(f"members must be at least {MIN_MEMBERS}")
    if today < add_months(HISTORY_START, 12):
        raise ValueError("today must be at least a year after the history starts")
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    rng = random.Random(seed)
    units = _Tree(rng, members).build()
    history = _History(rng, units, today)
    people = history.generate(members)
    for person in people:
        person.events.sort(key=lambda e: e.date)  # stable: a wrong entry stays before its fix
        person.state = replay(effective_events(person.events), birth_date=person.birth)
    _number_decisions(people, units)
    seconds["plan"] = time.perf_counter() - clock
    with transaction.atomic(), _roomy_sqlite_cache():
        clock = time.perf_counter()
        _write_units(units)
        seconds["units"] = time.perf_counter() - clock
        clock = time.perf_counter()
        member_ids = _write_members(rng, people, units, today)
        seconds["members"] = time.perf_counter() - clock
        clock = time.perf_counter()
        _write_events(people, member_ids)
        seconds["events"] = time.perf_counter() - clock
        clock = time.perf_counter()
        stats_rebuild()
        seconds["stats"] = time.perf_counter() - clock
        clock = time.perf_counter()
        root = units[0].org
        assert root is not None
        demo_targets(root, today, rng)
        demo_recruitment(root, today, rng, CARD_PROVINCE_CODE)
        demo_assessment(root, today, rng)
        _create_users(units, root)
        counts = _counts(root)
        audit_record(
            actor=None,
            action="demo.generate",
            obj=root,
            org_id=root.pk,
            changes={"seed": seed, "members": members, "today": today, **counts},
        )
        seconds["users"] = time.perf_counter() - clock
    return DemoResult(root=root, counts=counts, seconds=seconds)


# --- writing ------------------------------------------------------------------------------

BATCH = 2000
SQLITE_CACHE_KIB = 256 * 1024


@contextmanager
def _roomy_sqlite_cache() -> Iterator[None]:
    """On SQLite, keep the index pages in memory while inserting (this connection only)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def _write_units(units: list[Unit]) -> None:
    last_root = Organization.objects.filter(depth=1).aggregate(last=Max("path"))["last"]
    root = units[0]
    level = [root]
    paths = {root.pk: encode_step(decode_step(last_root) + 1 if last_root else 1)}
    depth = 1
    while level:
        rows = []
        for unit in level:
            parent = unit.parent
            rows.append(
                Organization(
                    path=paths[unit.pk],
                    depth=depth,
                    parent=parent.org if parent else None,
                    numchild=len(unit.children),
                    code=unit.code,
                    name=unit.name,
                    kind=unit.kind,
                    sector=unit.sector,
                    established_on=unit.established_on,
                )
            )
            for number, child in enumerate(unit.children, start=1):
                paths[child.pk] = paths[unit.pk] + encode_step(number)
        Organization.objects.bulk_create(rows, batch_size=BATCH)
        for unit, row in zip(level, rows, strict=True):
            unit.org = row
        level = [child for unit in level for child in unit.children]
        depth += 1
    OrgDecision.objects.bulk_create(
        OrgDecision(
            org=unit.org,
            kind=OrgDecision.Kind.ESTABLISHED,
            decision_no=unit.decision[0],  # type: ignore[index]
            decision_date=unit.established_on,
            issuer=unit.decision[1],  # type: ignore[index]
        )
        for unit in units
        if unit.late
    )


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert plain rows (attname → value, ids included) with executemany.

    bulk_create spends most of its time preparing each value of each row; these rows are
    already clean, so the fields' defaults fill what a row leaves out and the driver gets
    tuples. Dates go as they are (both backends adapt them); timestamps are adapted once.
    """
    fields = model._meta.concrete_fields
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    defaults = [
        now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (names from _meta)
    names = [f.attname for f in fields]
    pairs = list(zip(names, defaults, strict=True))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            cursor.executemany(sql, [tuple(row.get(n, d) for n, d in pairs) for row in batch])


def _first_free_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(last=Max("pk"))["last"] or 0) + 1


class _NameKeys:
    """What Member.refresh_name_keys reads and writes, without a whole model instance."""

    full_name = Member.full_name

    def __init__(self, family_name: str, middle_name: str, given_name: str):
        self.family_name, self.middle_name, self.given_name = family_name, middle_name, given_name
        self.sort_key = self.search_name = ""


def _write_members(
    rng: random.Random, people: list[Person], units: list[Unit], today: dt.date
) -> list[int]:
    """Insert the members with their cached state; returns their ids, in `people` order."""

    def org_id(pk: int | None) -> int | None:
        return units[pk - 1].org.pk if pk else None  # type: ignore[union-attr]

    ids: set[str] = set()
    states = [p.state for p in people]
    cards = sorted(
        (state.recognized_on, i)
        for i, state in enumerate(states)
        if state and state.status in (Status.OFFICIAL, Status.EXEMPTED)
    )
    card_of: dict[int, str] = {}
    number = 10_000
    for _day, i in cards:
        number += rng.randint(1, 12)
        card_of[i] = f"{CARD_PROVINCE_CODE}.{number:06d}"
    first = _first_free_id(Member)
    name_keys: dict[tuple[str, str, str], _NameKeys] = {}  # many people share a name
    rows = []
    for i, person in enumerate(people):
        state = person.state
        assert state is not None and state.org_id is not None
        ended = state.status_since if state.status not in LIVE else today
        national_id = None
        if not (state.status == Status.DECEASED and ended and ended.year < 2016):
            century = 2 if person.birth.year >= 2000 else 0
            sex = 1 if person.gender == Gender.FEMALE else 0
            prefix = f"{person.id_prefix}{century + sex}{person.birth.year % 100:02d}"
            while national_id is None or national_id in ids:
                national_id = f"{prefix}{rng.randrange(1_000_000):06d}"
            ids.add(national_id)
        name = (person.family, person.middle, person.given)
        keys = name_keys.get(name)
        if keys is None:
            keys = name_keys[name] = _NameKeys(*name)
            Member.refresh_name_keys(keys)  # type: ignore[arg-type]
        rows.append(
            {
                "id": first + i,
                "member_code": f"{ROOT_CODE}-{i + 1:06d}",
                "family_name": person.family,
                "middle_name": person.middle,
                "given_name": person.given,
                "sort_key": keys.sort_key,
                "search_name": keys.search_name,
                "birth_date": person.birth,
                "gender": person.gender,
                "ethnicity": person.ethnicity,
                "religion": person.religion,
                "national_id": national_id,
                "hometown": person.hometown,
                "education": person.education,
                "occupation": _occupation(rng, person, units[state.org_id - 1], ended or today),
                "phone": person.phone,
                "card_number": card_of.get(i),
                "status": state.status,
                "org_id": org_id(state.org_id),
                "temp_org_id": org_id(state.temp_org_id),
                "temp_until": state.temp_until,
                "admitted_on": state.admitted_on,
                "recognized_on": state.recognized_on,
                "status_since": state.status_since,
            }
        )
    _insert(Member, rows)
    return [first + i for i in range(len(rows))]


def _write_events(people: list[Person], member_ids: list[int]) -> None:
    next_id = _first_free_id(MemberEvent)
    ids: dict[int, int] = {}  # id(plan event) → row id
    for person in people:
        for event in person.events:
            ids[id(event)] = next_id
            next_id += 1
    voided_by = {id(e.target): ids[id(e)] for p in people for e in p.events if e.target}
    rows = [
        {
            "id": ids[id(event)],
            "member_id": member_id,
            "kind": event.kind,
            "date": event.date,
            "org_id": event.org.org.pk,  # type: ignore[union-attr]
            "from_org_id": event.from_org.org.pk if event.from_org else None,  # type: ignore[union-attr]
            "temporary": event.temporary,
            "end_date": event.end_date,
            "decision_no": event.decision_no,
            "decided_by": event.decided_by,
            "reason": event.reason,
            "target_id": ids[id(event.target)] if event.target else None,
            "voided_by_id": voided_by.get(id(event)),
        }
        for person, member_id in zip(people, member_ids, strict=True)
        for event in person.events
    ]
    _insert(MemberEvent, rows)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Member, MemberEvent]):
            cursor.execute(sql)


# --- demo users ---------------------------------------------------------------------------

DEMO_USERS = ["officer", "clerk_a", "clerk_b", "secretary", "member", "admin"]
STAFF_NAMES = {
    "officer": ("Thanh Hà", "Nguyễn"),
    "clerk_a": ("Văn Tâm", "Trần"),
    "clerk_b": ("Thị Mai", "Lê"),
    "secretary": ("Hữu Phước", "Phạm"),
    "admin": ("Quản trị", "Chibo"),
}


def _create_users(units: list[Unit], root: Organization) -> None:
    uppers = [u for u in units if u.kind == Kind.UPPER_COMMITTEE]
    by_key = {u.spec["key"]: u for u in uppers}  # type: ignore[index]
    district_a = by_key.get("ham_thuan_bac", uppers[0])
    district_b = by_key.get("phan_thiet", next(u for u in uppers if u is not district_a))
    cells = [u.org for u in units if u.kind == Kind.SUBORDINATE_CELL and u.upper is district_a]
    live = dict(
        Member.objects.filter(org__in=cells, status=Status.OFFICIAL, temp_org__isnull=True)
        .order_by()
        .values_list("org")
        .annotate(n=Count("id"))
    )
    cell = next((c for c in cells if 10 <= live.get(c.pk, 0) <= 30), None)  # type: ignore[union-attr]
    cell = cell or max(cells, key=lambda c: live.get(c.pk, 0))  # type: ignore[union-attr]
    grants = [
        ("officer", root, Role.Kind.OFFICER),
        ("clerk_a", district_a.org, Role.Kind.CLERK),
        ("clerk_b", district_b.org, Role.Kind.CLERK),
        ("secretary", cell, Role.Kind.SECRETARY),
        ("admin", root, Role.Kind.ADMIN),
    ]
    for username, org, kind in grants:
        first, last = STAFF_NAMES[username]
        user = user_create(
            actor=None, username=username, password=DEMO_PASSWORD, first_name=first, last_name=last
        )
        role_grant(actor=None, user=user, org=org, kind=kind)  # type: ignore[arg-type]
        if username == "admin":
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
    member = (
        Member.objects.filter(org=cell, status=Status.OFFICIAL, temp_org__isnull=True)
        .order_by("sort_key", "id")
        .first()
    )
    assert member is not None
    user = user_create(
        actor=None,
        username="member",
        password=DEMO_PASSWORD,
        first_name=member.given_name,
        last_name=f"{member.family_name} {member.middle_name}".strip(),
    )
    Member.objects.filter(pk=member.pk).update(user=user)


def _counts(root: Organization) -> dict[str, dict[str, int]]:
    units = Organization.objects.filter(path__startswith=root.path)
    members = Member.objects.filter(org__path__startswith=root.path)
    events = MemberEvent.objects.filter(member__in=members)
    return {
        "units_by_kind": dict(units.values_list("kind").annotate(n=Count("id")).order_by("kind")),
        "members_by_status": dict(
            members.values_list("status").annotate(n=Count("id")).order_by("status")
        ),
        "events_by_kind": dict(events.values_list("kind").annotate(n=Count("id")).order_by("kind")),
    }


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    unit: str
    password: str = DEMO_PASSWORD


def demo_logins() -> list[Login]:
    """The demo users as they stand in the database, in the README's order."""
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERS)}
    logins = []
    for username in DEMO_USERS:
        user = users.get(username)
        if user is None:
            continue
        role = Role.objects.filter(user=user).select_related("org").order_by("id").first()
        if role is not None:
            logins.append(Login(username, str(Role.Kind(role.kind).label), role.org.name))
            continue
        member = Member.objects.filter(user=user).select_related("org").first()
        if member is not None:
            logins.append(Login(username, _("Member"), member.org.name))
    return logins
