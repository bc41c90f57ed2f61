"""The holdout city's 35 institutions (our own codes and names) and its population reference.

Mix, as a Suzhou-like prefecture has it: 4 tertiary hospitals (two with obstetrics and a newborn
vaccination room, two with a checkup department), 8 secondary hospitals (district people's
hospitals, four with obstetrics), 3 maternity-and-child hospitals (delivery, newborn doses, child
checkups), 16 community health centres (the 接种门诊 that give most doses, MCH follow-up, free
elderly checkups, a small HIS at half of them) and 4 stand-alone checkup centres.

Codes are ``SZ`` + the district's last four digits + a type letter + a number (Y hospital, F 妇幼,
S 社区, T 体检). Three hospitals number their patients from the same base, so ``patient_id``
values collide across institutions, as they do between real HIS vendors.
"""

from __future__ import annotations

from bench.scenarios.deliver import Institution
from bench.scenarios.holdout.ids import DISTRICTS

_SPEC = [
    # code, name, district, org_type, systems
    ("SZ0508Y01", "姑苏中心医院", "320508", "tertiary_hospital", "hospital;mch;vaccination"),
    ("SZ0571Y01", "园区湖东医院", "320571", "tertiary_hospital", "hospital;checkup"),
    ("SZ0505Y01", "高新区第一人民医院", "320505", "tertiary_hospital", "hospital;mch;vaccination"),
    ("SZ0581Y01", "虞山医院", "320581", "tertiary_hospital", "hospital;checkup"),
    ("SZ0506Y02", "吴中区人民医院", "320506", "secondary_hospital", "hospital;mch;vaccination"),
    ("SZ0507Y02", "相城区人民医院", "320507", "secondary_hospital", "hospital"),
    ("SZ0509Y02", "吴江区第二人民医院", "320509", "secondary_hospital", "hospital;mch;vaccination"),
    ("SZ0582Y02", "张家港澳洋医院", "320582", "secondary_hospital", "hospital"),
    ("SZ0583Y02", "昆山市第三人民医院", "320583", "secondary_hospital", "hospital;mch;vaccination"),
    ("SZ0585Y02", "太仓市港区医院", "320585", "secondary_hospital", "hospital"),
    ("SZ0508Y03", "姑苏区中医医院", "320508", "secondary_hospital", "hospital"),
    (
        "SZ0583Y03",
        "昆山市中西医结合医院",
        "320583",
        "secondary_hospital",
        "hospital;mch;vaccination",
    ),
    ("SZ0508F01", "苏州市妇幼保健院", "320508", "mch_hospital", "hospital;vaccination;mch"),
    ("SZ0509F01", "吴江区妇幼保健院", "320509", "mch_hospital", "hospital;vaccination;mch"),
    ("SZ0581F01", "常熟市妇幼保健院", "320581", "mch_hospital", "hospital;vaccination;mch"),
    ("SZ0582T01", "张家港市健康体检中心", "320582", "checkup_center", "checkup"),
    ("SZ0571T01", "园区国际体检中心", "320571", "checkup_center", "checkup"),
    ("SZ0583T01", "昆山健康管理中心", "320583", "checkup_center", "checkup"),
    ("SZ0506T01", "吴中区体检中心", "320506", "checkup_center", "checkup"),
]
_CHC = [  # community health centres: (district, name, has_hospital_system)
    ("320505", "狮山街道社区卫生服务中心", True),
    ("320505", "枫桥街道社区卫生服务中心", False),
    ("320506", "长桥街道社区卫生服务中心", True),
    ("320507", "元和街道社区卫生服务中心", False),
    ("320508", "平江街道社区卫生服务中心", True),
    ("320508", "双塔街道社区卫生服务中心", False),
    ("320509", "松陵街道社区卫生服务中心", True),
    ("320571", "湖西社区卫生服务中心", False),
    ("320571", "娄葑社区卫生服务中心", True),
    ("320581", "虞山街道社区卫生服务中心", False),
    ("320582", "杨舍镇社区卫生服务中心", True),
    ("320583", "玉山镇社区卫生服务中心", False),
    ("320583", "花桥社区卫生服务中心", True),
    ("320585", "城厢镇社区卫生服务中心", False),
    ("320506", "木渎镇社区卫生服务中心", False),
    ("320507", "黄桥街道社区卫生服务中心", True),
]


def institutions() -> list[Institution]:
    out = [Institution(c, n, d, t, tuple(s.split(";"))) for c, n, d, t, s in _SPEC]
    seen: dict[str, int] = {}
    for district, name, his in _CHC:
        seen[district] = seen.get(district, 0) + 1
        systems = ("vaccination", "mch", "checkup") + (("hospital",) if his else ())
        out.append(
            Institution(
                f"SZ{district[2:]}S{seen[district]:02d}",
                name,
                district,
                "community_health_center",
                systems,
            )
        )
    assert {i.district_code for i in out} <= set(DISTRICTS)
    return out


# Patient numbering: these share one numeric base (collisions across institutions).
SHARED_NUMBERING = {"SZ0507Y02", "SZ0582Y02", "SZ0585Y02"}


def population(years: tuple[int, ...] = (2025, 2026)) -> list[dict]:
    """常住人口 per district and year (our own round figures, 2024 yearbook order of size)."""
    base = {
        "320505": 84,
        "320506": 140,
        "320507": 92,
        "320508": 93,
        "320509": 157,
        "320571": 117,
        "320581": 168,
        "320582": 144,
        "320583": 213,
        "320585": 85,
    }
    return [
        {
            "district_code": code,
            "district_name": DISTRICTS[code],
            "year": year,
            "resident_population": base[code] * 10000 + (year - 2025) * base[code] * 40,
        }
        for year in years
        for code in sorted(base)
    ]
