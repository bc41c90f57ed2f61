"""In-memory model of the families scenario: people, households, institutions and records.

Nothing here writes files; :mod:`bench.scenarios.families` hands the records to the writer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from bench.scenarios.families_ids import org_code_check

TZ = timezone(timedelta(hours=8))  # Asia/Shanghai has no DST


@dataclass
class Person:
    """One resident. ``id_no`` is the true, valid number ('' if the person has none yet)."""

    pid: str
    household: str
    relation: str  # mother, father, child, grandparent
    sex: int
    birth: date
    surname: str
    given: str
    id_no: str = ""
    id_type: str = "01"
    phone: str = ""
    old_phone: str = ""  # a number from before marriage that some institutions still hold
    mother: str = ""  # children: the mother's pid
    father: str = ""
    twin_group: str = ""
    twin_index: int | None = None
    birth_time: datetime | None = None
    name_known: date | None = None  # children: the day the parents settle the name
    id_known: date | None = None  # children: the day the hukou (and so the ID) is registered
    placeholder_surname: str = ""  # the parent surname a clerk used before the name existed
    birth_org: str = ""

    @property
    def name(self) -> str:
        return self.surname + self.given


@dataclass
class Pregnancy:
    lmp: date
    delivery: datetime | None  # None: still pregnant when the window ends
    weeks: int
    babies: int
    org: str  # the delivering (and prenatal-care) institution
    mode: str
    children: list[str] = field(default_factory=list)


@dataclass
class Household:
    hid: str
    district: str
    address: str
    community: str  # org_code of the community health centre of the district
    mother: str
    father: str = ""  # '' when the father never appears in any record
    children: list[str] = field(default_factory=list)
    grandparents: list[str] = field(default_factory=list)
    pregnancy: Pregnancy | None = None
    recent_birth: bool = False


@dataclass(frozen=True)
class Org:
    org_code: str
    org_name: str
    district_code: str
    org_type: str
    systems: tuple[str, ...]


@dataclass
class Record:
    """One delivered row. ``mentions`` are (role, pid); hospital rows carry ``updated_at``."""

    source: str
    org_code: str
    kind: str  # hospital table, mch record type, 'dose' or 'visit'
    day: date  # the delivery day (file sources) or the day of ``updated_at``
    row: dict
    record_id: str
    mentions: tuple[tuple[str, str], ...] = ()
    updated_at: datetime | None = None


def _org(body: str, name: str, district: str, org_type: str, systems: str) -> Org:
    return Org(body + org_code_check(body), name, district, org_type, tuple(systems.split(";")))


# The real mix of one prefecture-level city, over its ten county-level units: the municipal
# maternity hospital, a university hospital with obstetrics, the children's hospital, two county
# hospitals that deliver, three MCH institutions, one community centre (with its vaccination
# clinic, child health and outpatient service) per district, and two private checkup chains.
ORGS: tuple[Org, ...] = (
    _org("46688170", "苏州市妇幼保健院", "320508", "mch_hospital", "hospital;vaccination;mch"),
    _org(
        "46688012",
        "苏州大学附属第一医院",
        "320508",
        "tertiary_hospital",
        "hospital;vaccination;mch",
    ),
    _org("46688231", "苏州大学附属儿童医院", "320571", "tertiary_hospital", "hospital"),
    _org(
        "46901155", "昆山市第一人民医院", "320583", "tertiary_hospital", "hospital;vaccination;mch"
    ),
    _org(
        "46870142", "常熟市第一人民医院", "320581", "tertiary_hospital", "hospital;vaccination;mch"
    ),
    _org(
        "46742208", "苏州市吴江区妇幼保健院", "320509", "mch_hospital", "hospital;vaccination;mch"
    ),
    _org("46882517", "张家港市妇幼保健院", "320582", "mch_hospital", "hospital;vaccination;mch"),
    _org("46760339", "苏州市吴中区妇幼保健所", "320506", "mch_hospital", "mch"),
    _org(
        "50120301",
        "苏州高新区狮山街道社区卫生服务中心",
        "320505",
        "community_health_center",
        "hospital;vaccination;mch",
    ),
    _org(
        "50120402",
        "吴中区长桥街道社区卫生服务中心",
        "320506",
        "community_health_center",
        "hospital;vaccination;mch",
    ),
    _org(
        "50120503",
        "相城区元和街道社区卫生服务中心",
        "320507",
        "community_health_center",
        "hospital;vaccination;mch",
    ),
    _org(
        "50120604",
        "姑苏区双塔街道社区卫生服务中心",
        "320508",
        "community_health_center",
        "hospital;vaccination;mch",
    ),
    _org(
        "50120705",
        "吴江区松陵街道社区卫生服务中心",
        "320509",
        "community_health_center",
        "hospital;vaccination;mch",
    ),
    _org(
        "50120806",
        "苏州工业园区湖西社区卫生服务中心",
        "320571",
        "community_health_center",
        "hospital;vaccination;mch",
    ),
    _org(
        "50120907",
        "常熟市虞山街道社区卫生服务中心",
        "320581",
        "community_health_center",
        "hospital;vaccination;mch",
    ),
    _org(
        "50121008",
        "张家港市杨舍镇社区卫生服务中心",
        "320582",
        "community_health_center",
        "hospital;vaccination;mch",
    ),
    _org(
        "50121109",
        "昆山市玉山镇社区卫生服务中心",
        "320583",
        "community_health_center",
        "hospital;vaccination;mch",
    ),
    _org(
        "50121200",
        "太仓市城厢镇社区卫生服务中心",
        "320585",
        "community_health_center",
        "hospital;vaccination;mch",
    ),
    _org("71089351", "苏州爱康国宾体检中心", "320571", "checkup_center", "checkup"),
    _org("71090462", "美年大健康苏州姑苏分院", "320508", "checkup_center", "checkup"),
)
ORG_BY_NAME = {o.org_name: o.org_code for o in ORGS}
COMMUNITY = {o.district_code: o.org_code for o in ORGS if o.org_type == "community_health_center"}
CHECKUP_ORGS = tuple(o.org_code for o in ORGS if o.org_type == "checkup_center")


def code(name: str) -> str:
    """The org_code of an institution by its name (names above are unique)."""
    return ORG_BY_NAME[name]


MATERNITY = code("苏州市妇幼保健院")
SUDA1 = code("苏州大学附属第一医院")
CHILDRENS = code("苏州大学附属儿童医院")
KUNSHAN1 = code("昆山市第一人民医院")
CHANGSHU1 = code("常熟市第一人民医院")
WUJIANG_MCH = code("苏州市吴江区妇幼保健院")
ZJG_MCH = code("张家港市妇幼保健院")
WUZHONG_MCH = code("苏州市吴中区妇幼保健所")

# Where a district's women deliver: county towns have their own delivering hospital; the city
# proper goes to the maternity hospital or the university hospital; 太仓 (no delivering hospital
# among our institutions) splits between the city and neighbouring 昆山.
DELIVERY_ORGS: dict[str, tuple[tuple[str, float], ...]] = {
    "320509": ((WUJIANG_MCH, 0.8), (MATERNITY, 0.2)),
    "320582": ((ZJG_MCH, 0.9), (MATERNITY, 0.1)),
    "320583": ((KUNSHAN1, 0.85), (MATERNITY, 0.15)),
    "320581": ((CHANGSHU1, 0.9), (MATERNITY, 0.1)),
    "320585": ((MATERNITY, 0.6), (KUNSHAN1, 0.4)),
}
CITY_DELIVERY = ((MATERNITY, 0.65), (SUDA1, 0.35))
# The district MCH institution that also runs child-health clinics, where there is one.
DISTRICT_MCH = {"320506": WUZHONG_MCH, "320509": WUJIANG_MCH, "320582": ZJG_MCH}
# The general hospital residents of a district go to for specialist care (the rest of the city
# goes to the university hospital); MCH hospitals see women and children only.
DISTRICT_HOSPITAL = {"320583": KUNSHAN1, "320581": CHANGSHU1, "320585": KUNSHAN1}


@dataclass
class Scenario:
    """Everything generated, before writing."""

    start: date
    end: date
    persons: dict[str, Person] = field(default_factory=dict)
    households: list[Household] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    counters: Counter = field(default_factory=Counter)
    lags: dict[tuple[str, date], int] = field(default_factory=dict)  # (org, event day) -> nights

    def next_id(self, org_code: str, prefix: str, width: int = 8) -> str:
        """The next record id of one kind at one institution, in that institution's style."""
        self.counters[(org_code, prefix)] += 1
        return f"{prefix}{self.counters[(org_code, prefix)]:0{width}d}"

    def add(self, record: Record) -> Record:
        self.records.append(record)
        return record

    def in_window(self, day: date) -> bool:
        return self.start <= day <= self.end
