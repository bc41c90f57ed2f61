"""The institutions of the second holdout city and the habits of their systems.

A district-hospital city: one tertiary hospital in 姑苏, eight 二级 district/county hospitals that
carry most of the load, one private international hospital in the 园区, a single 妇幼保健院 (昆山),
ten 社区卫生服务中心 and two private checkup centres. Only three community centres report into the
MCH system (the others keep 儿保 on paper or in a system the platform does not receive), so child
checkups come from 虎丘, 常熟, 吴江 and, for 昆山/太仓, from the 妇幼保健院's 儿保科. Deliveries
happen at five hospitals (the tertiary one, 吴江, 常熟, 张家港, 昆山妇幼), which also give the
birth doses (乙肝 1, 卡介苗) from their 产科接种室 and report them to the vaccination system.

Habits (each is one real export fault, bound to one institution):

* ``H_ZJG`` 张家港港城医院 never fills ``sex_code`` for a newborn registered under the mother;
* ``H_KSY`` 昆山玉山人民医院 puts the mother's phone on every child patient and, for half of the
  children under three, her ID number as the child's (``M_KS`` 昆山妇幼 also uses her phone);
* ``C_CSY`` 常熟虞山街道 vaccination clinic types ID numbers with full-width digits;
* ``H_CSH`` 常熟海虞人民医院 still holds the 15-digit numbers of most elderly patients registered
  before the 2000s, and re-registers card-less patients (duplicate patient rows);
* ``H_CSH`` and ``H_TC`` run an old HIS on a GBK database: 生僻字 in names become homophones;
* ``H_XC`` 相城阳澄医院 takes birth dates typed as MM-DD (month/day swapped);
* ``K_RH`` 昆山仁和体检 (factory 入职体检) keeps lowercase ``x`` and mishears names;
* ``C_HQ`` 虎丘枫桥 community centre writes the 农历 birthday elderly examinees state;
* ``H_INT`` 金鸡湖国际医院 writes foreigners as SURNAME GIVEN in capitals, others GIVEN SURNAME;
* ``C_SL`` 吴江松陵 records the grandparent who brings the child as guardian 30 % of the time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.scenarios.deliver import Institution

_W = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code(body: str) -> str:
    """A 9-character 组织机构代码 (GB 11714): 8 digits and their check character."""
    c = 11 - sum(int(ch) * w for ch, w in zip(body, _W, strict=True)) % 11
    return body + ("X" if c == 10 else "0" if c == 11 else str(c))


@dataclass(frozen=True)
class Org:
    key: str  # short name used in this package
    code: str
    name: str
    district: str
    org_type: str
    systems: tuple[str, ...]
    habits: dict = field(default_factory=dict, compare=False, hash=False)

    def institution(self) -> Institution:
        return Institution(self.code, self.name, self.district, self.org_type, self.systems)


HOSP, VAC, MCH, CHK = "hospital", "vaccination", "mch", "checkup"

_ORGS = (
    (
        "H_GS",
        "46677031",
        "苏州运河人民医院",
        "320508",
        "tertiary_hospital",
        (HOSP, VAC, MCH, CHK),
        {"newborn": "zhizi_rank", "pid": "num10", "dup": 0.02, "vaccine_names": "product"},
    ),
    (
        "H_WJ",
        "46678215",
        "苏州市吴江区第二人民医院",
        "320509",
        "secondary_hospital",
        (HOSP, VAC, MCH),
        {
            "newborn": "ying",
            "newborn_mother_birth": 0.4,
            "newborn_id": "",
            "pid": "mz8",
            "dup": 0.015,
            "vaccine_names": "short",
        },
    ),
    (
        "H_CSH",
        "46679502",
        "常熟市海虞人民医院",
        "320581",
        "secondary_hospital",
        (HOSP, VAC, MCH),
        {
            "legacy_elderly": 0.6,
            "newborn": "zhizi",
            "pid": "card12",
            "dup": 0.06,
            "gbk_db": True,
            "vaccine_names": "short",
        },
    ),
    (
        "H_ZJG",
        "46680117",
        "张家港市港城医院",
        "320582",
        "secondary_hospital",
        (HOSP, VAC, MCH),
        {
            "newborn": "baby",
            "newborn_sex_blank": True,
            "pid": "num10",
            "dup": 0.02,
            "vaccine_names": "abbrev",
        },
    ),
    (
        "H_KSY",
        "46681320",
        "昆山市玉山人民医院",
        "320583",
        "secondary_hospital",
        (HOSP,),
        {"child_mother_phone": True, "child_mother_id": 0.5, "pid": "P8", "dup": 0.025},
    ),
    (
        "H_TC",
        "46682041",
        "太仓市娄江中西医结合医院",
        "320585",
        "secondary_hospital",
        (HOSP,),
        {"pid": "num10", "dup": 0.02, "id_missing": 0.06, "gbk_db": True},
    ),
    (
        "H_XC",
        "46683379",
        "苏州市相城区阳澄医院",
        "320507",
        "secondary_hospital",
        (HOSP,),
        {"md_swap": 0.05, "pid": "mz8", "dup": 0.02},
    ),
    (
        "H_WZ",
        "46684466",
        "苏州市吴中区东山人民医院",
        "320506",
        "secondary_hospital",
        (HOSP,),
        {"pid": "num10", "dup": 0.02, "legacy_elderly": 0.15},
    ),
    (
        "H_INT",
        "59376012",
        "苏州工业园区金鸡湖国际医院",
        "320571",
        "secondary_hospital",
        (HOSP, CHK),
        {"latin_upper_surname_first": True, "pid": "P8", "dup": 0.01},
    ),
    (
        "M_KS",
        "46685258",
        "昆山市妇幼保健院",
        "320583",
        "mch_hospital",
        (HOSP, VAC, MCH),
        {
            "newborn": "zhizi_paren",
            "child_mother_phone": True,
            "pid": "num10",
            "dup": 0.02,
            "vaccine_names": "product",
        },
    ),
    (
        "C_HQ",
        "46686107",
        "苏州市虎丘区枫桥街道社区卫生服务中心",
        "320505",
        "community_health_center",
        (HOSP, VAC, MCH, CHK),
        {"lunar_birthday": 0.12, "pid": "jm9", "vaccine_names": "short"},
    ),
    (
        "C_CSY",
        "46687034",
        "常熟市虞山街道社区卫生服务中心",
        "320581",
        "community_health_center",
        (HOSP, VAC, MCH),
        {"fullwidth_ids": True, "pid": "jm9", "legacy_elderly": 0.3, "vaccine_names": "short"},
    ),
    (
        "C_SL",
        "46688211",
        "苏州市吴江区松陵街道社区卫生服务中心",
        "320509",
        "community_health_center",
        (VAC, MCH, CHK),
        {"grandparent_guardian": 0.3, "vaccine_names": "product"},
    ),
    (
        "C_ST",
        "46689125",
        "苏州市姑苏区双塔街道社区卫生服务中心",
        "320508",
        "community_health_center",
        (HOSP, VAC, CHK),
        {"pid": "jm9", "vaccine_names": "short", "landline": 0.3},
    ),
    (
        "C_ZS",
        "46690313",
        "昆山市周市镇社区卫生服务中心",
        "320583",
        "community_health_center",
        (HOSP, VAC, CHK),
        {"pid": "jm9", "vaccine_names": "abbrev"},
    ),
    (
        "C_YS",
        "46691078",
        "张家港市杨舍镇社区卫生服务中心",
        "320582",
        "community_health_center",
        (HOSP, VAC),
        {"pid": "jm9", "vaccine_names": "short"},
    ),
    (
        "C_CX",
        "46692290",
        "太仓市城厢镇社区卫生服务中心",
        "320585",
        "community_health_center",
        (HOSP, VAC, CHK),
        {"pid": "jm9", "vaccine_names": "product"},
    ),
    (
        "C_YH",
        "46693164",
        "苏州市相城区元和街道社区卫生服务中心",
        "320507",
        "community_health_center",
        (HOSP, VAC),
        {"pid": "jm9", "vaccine_names": "short"},
    ),
    (
        "C_CQ",
        "46694035",
        "苏州市吴中区长桥街道社区卫生服务中心",
        "320506",
        "community_health_center",
        (HOSP, VAC),
        {"pid": "jm9", "vaccine_names": "short"},
    ),
    (
        "C_LF",
        "46695422",
        "苏州工业园区娄葑社区卫生服务中心",
        "320571",
        "community_health_center",
        (VAC,),
        {"vaccine_names": "product"},
    ),
    ("K_HK", "59377114", "苏州恒康健康体检中心", "320571", "checkup_center", (CHK,), {}),
    (
        "K_RH",
        "59378207",
        "昆山仁和健康体检中心",
        "320583",
        "checkup_center",
        (CHK,),
        {"lowercase_x": True, "homophone": 0.06},
    ),
)

ORGS: dict[str, Org] = {
    key: Org(key, org_code(body), name, district, org_type, systems, habits)
    for key, body, name, district, org_type, systems, habits in _ORGS
}

# Where residents of a district go. Hospital: the district's own 二级 hospital first; CHC: the
# community centre that serves the district's 家庭医生 and 接种; child checkups: the MCH-reporting
# 儿保 (None: no child checkup reaches the platform); births: the 助产机构 of the district.
DISTRICT_HOSPITAL = {
    "320505": "H_GS",
    "320506": "H_WZ",
    "320507": "H_XC",
    "320508": "H_GS",
    "320509": "H_WJ",
    "320571": "H_GS",
    "320581": "H_CSH",
    "320582": "H_ZJG",
    "320583": "H_KSY",
    "320585": "H_TC",
}
DISTRICT_CHC = {
    "320505": "C_HQ",
    "320506": "C_CQ",
    "320507": "C_YH",
    "320508": "C_ST",
    "320509": "C_SL",
    "320571": "C_LF",
    "320581": "C_CSY",
    "320582": "C_YS",
    "320583": "C_ZS",
    "320585": "C_CX",
}
DISTRICT_CHILD_MCH = {
    "320505": "C_HQ",
    "320581": "C_CSY",
    "320509": "C_SL",
    "320583": "M_KS",
    "320585": "M_KS",
}
DISTRICT_BIRTH = {
    "320505": "H_GS",
    "320506": "H_GS",
    "320507": "H_GS",
    "320508": "H_GS",
    "320509": "H_WJ",
    "320571": "H_GS",
    "320581": "H_CSH",
    "320582": "H_ZJG",
    "320583": "M_KS",
    "320585": "M_KS",
}
# 建册 (registration) happens at the community centre where it reports to MCH, otherwise at the
# delivery hospital's 产科门诊.
DISTRICT_REGISTRATION = {d: DISTRICT_CHILD_MCH.get(d, DISTRICT_BIRTH[d]) for d in DISTRICT_BIRTH}
DISTRICT_CHECKUP = {
    "320505": "C_HQ",
    "320506": "K_HK",
    "320507": "K_HK",
    "320508": "C_ST",
    "320509": "C_SL",
    "320571": "K_HK",
    "320581": "H_GS",
    "320582": "H_GS",
    "320583": "K_RH",
    "320585": "C_CX",
}

# Resident population (常住人口, rounded) per district: weights for where people live, and
# reference/population.csv. The elderly share is higher in 姑苏 and 常熟, migrants in 昆山 and 园区.
POPULATION = {
    "320505": ("虎丘区", 861000),
    "320506": ("吴中区", 1412000),
    "320507": ("相城区", 932000),
    "320508": ("姑苏区", 905000),
    "320509": ("吴江区", 1583000),
    "320571": ("苏州工业园区", 1188000),
    "320581": ("常熟市", 1679000),
    "320582": ("张家港市", 1441000),
    "320583": ("昆山市", 2139000),
    "320585": ("太仓市", 852000),
}


def population_rows() -> list[dict]:
    rows = []
    for year, factor in ((2024, 0.994), (2025, 1.0), (2026, 1.003)):
        for code, (name, pop) in POPULATION.items():
            rows.append(
                {
                    "district_code": code,
                    "district_name": name,
                    "year": year,
                    "resident_population": round(pop * factor / 1000) * 1000,
                }
            )
    return rows
