"""What a HIS records about a visit: department, ICD-10 diagnoses (国家临床版 codes with the local
extension, ``I10.x00``), prescriptions, a few laboratory results and imaging reports.

Care is coded the way a Chinese HIS codes it: an elderly patient's 配药 visit carries the chronic
diagnosis as primary and a second one; a delivery carries the mode (O80/O82/O84), the outcome
(Z37.0 single live birth, Z37.2 twins, Z37.5 other multiples) and O30.x for multiple pregnancy; a
newborn registered under the mother carries Z38.x (liveborn infant by place and plurality) and,
in 新生儿科, P07.3 早产, P59.9 黄疸, P22.1 湿肺; summer paediatrics has 手足口病 and diarrhoea.
"""

from __future__ import annotations

import random

# condition -> department at a district hospital
DEPT_OF = {
    "I10": "心血管内科",
    "I25": "心血管内科",
    "E78": "心血管内科",
    "E11": "内分泌科",
    "J44": "呼吸内科",
    "I69": "神经内科",
    "G20": "神经内科",
    "M17": "骨科",
    "M81": "骨科",
    "N18": "肾内科",
    "K29": "消化内科",
}
NAMES = {
    "I10.x00": "高血压",
    "E11.900": "2型糖尿病",
    "I25.100": "冠状动脉粥样硬化性心脏病",
    "J44.900": "慢性阻塞性肺疾病",
    "I69.300": "脑梗死后遗症",
    "E78.500": "高脂血症",
    "M17.900": "膝关节骨关节炎",
    "N18.900": "慢性肾脏病",
    "G20.x00": "帕金森病",
    "K29.500": "慢性萎缩性胃炎",
    "M81.900": "骨质疏松",
}

ELDERLY_ACUTE = (
    ("J18.900", "肺炎", "呼吸内科"),
    ("H25.900", "老年性白内障", "眼科"),
    ("R42.x00", "头晕", "神经内科"),
    ("K59.000", "便秘", "消化内科"),
    ("I48.x00", "心房颤动", "心血管内科"),
)
ELDERLY_INPATIENT = (
    ("I63.900", "脑梗死", "神经内科", "CT", "头颅"),
    ("J44.100", "慢性阻塞性肺疾病急性加重", "呼吸内科", "DR", "胸部"),
    ("I50.900", "心力衰竭", "心血管内科", "ECG", "心脏"),
    ("S72.000", "股骨颈骨折", "骨科", "DR", "髋关节"),
    ("J18.900", "肺炎", "呼吸内科", "CT", "胸部"),
    ("H25.900", "老年性白内障", "眼科", None, None),
)
ELDERLY_EMERGENCY = (("I20.000", "不稳定型心绞痛"), ("R55.x00", "晕厥"), ("S06.000", "脑震荡"))
ADULT_OUTPATIENT = (
    ("J06.900", "急性上呼吸道感染", "呼吸内科"),
    ("K29.700", "胃炎", "消化内科"),
    ("M54.500", "腰痛", "骨科"),
    ("N39.000", "泌尿道感染", "泌尿外科"),
    ("K80.200", "胆囊结石", "普通外科"),
    ("J02.900", "急性咽炎", "耳鼻咽喉科"),
    ("L30.900", "皮炎", "皮肤科"),
    ("H10.900", "结膜炎", "眼科"),
    ("K02.900", "龋病", "口腔科"),
    ("F41.100", "焦虑状态", "心理科"),
    ("E03.900", "甲状腺功能减退症", "内分泌科"),
    ("I10.x00", "高血压", "心血管内科"),
)
WOMEN_OUTPATIENT = (
    ("N76.000", "急性阴道炎", "妇科"),
    ("N92.000", "月经过多", "妇科"),
    ("N60.100", "乳腺增生", "乳腺外科"),
)
ADULT_EMERGENCY = (
    ("S61.000", "手指开放性伤口", "急诊外科"),
    ("S62.600", "手指骨折", "手外科"),
    ("R10.400", "腹痛", "急诊科"),
    ("T78.400", "过敏反应", "急诊科"),
    ("S93.400", "踝关节扭伤", "急诊外科"),
)
ADULT_INPATIENT = (
    ("K35.800", "急性阑尾炎", "普通外科"),
    ("K80.200", "胆囊结石伴胆囊炎", "普通外科"),
)
CHILD_OUTPATIENT = (
    ("J06.900", "急性上呼吸道感染", "儿科"),
    ("J20.900", "急性支气管炎", "儿科"),
    ("A09.900", "感染性腹泻", "儿科"),
    ("R50.900", "发热", "儿科"),
    ("J03.900", "急性扁桃体炎", "儿科"),
    ("B08.400", "手足口病", "儿科"),
    ("H66.900", "中耳炎", "耳鼻咽喉科"),
    ("L20.900", "特应性皮炎", "皮肤科"),
    ("Z00.100", "儿童常规健康检查", "儿童保健科"),
)
CHILD_INPATIENT = (("J18.900", "肺炎", "儿科"), ("A08.000", "轮状病毒性肠炎", "儿科"))
PRENATAL = (
    ("Z34.900", "正常妊娠监督"),
    ("O24.400", "妊娠期糖尿病"),
    ("O13.x00", "妊娠期高血压"),
    ("O99.000", "妊娠合并贫血"),
)
NEWBORN_SICK = (
    ("P59.900", "新生儿黄疸"),
    ("P22.100", "新生儿暂时性呼吸急促"),
    ("P07.300", "早产儿"),
)

DRUGS = {
    "I10": (
        ("Y01021", "苯磺酸氨氯地平片", 5, "mg", "qd"),
        ("Y01037", "缬沙坦胶囊", 80, "mg", "qd"),
    ),
    "E11": (
        ("Y02003", "盐酸二甲双胍片", 0.5, "g", "tid"),
        ("Y02015", "阿卡波糖片", 50, "mg", "tid"),
    ),
    "I25": (
        ("Y03002", "阿司匹林肠溶片", 100, "mg", "qd"),
        ("Y03011", "阿托伐他汀钙片", 20, "mg", "qn"),
    ),
    "E78": (("Y03011", "阿托伐他汀钙片", 20, "mg", "qn"),),
    "J44": (("Y04008", "噻托溴铵粉吸入剂", 18, "μg", "qd"),),
    "I69": (("Y03002", "阿司匹林肠溶片", 100, "mg", "qd"),),
    "M17": (("Y05012", "塞来昔布胶囊", 200, "mg", "qd"),),
    "M81": (("Y05020", "碳酸钙D3片", 600, "mg", "qd"),),
    "N18": (("Y06004", "复方α-酮酸片", 2.52, "g", "tid"),),
    "G20": (("Y07001", "多巴丝肼片", 125, "mg", "tid"),),
    "K29": (("Y08003", "雷贝拉唑钠肠溶片", 10, "mg", "qd"),),
    "J06": (("Y09010", "连花清瘟胶囊", 1.4, "g", "tid"),),
    "J20": (("Y09021", "氨溴索口服溶液", 5, "ml", "bid"),),
    "A09": (("Y09030", "蒙脱石散", 1.5, "g", "tid"),),
    "B08": (("Y09041", "开喉剑喷雾剂(儿童型)", 1, "喷", "tid"),),
    "R50": (("Y09052", "布洛芬混悬液", 5, "ml", "prn"),),
}

LABS = {
    "E11": ("L0101", "空腹血糖", "mmol/L", "3.9-6.1", (5.0, 12.0)),
    "I10": ("L0203", "血钾", "mmol/L", "3.5-5.3", (3.3, 5.0)),
    "N18": ("L0305", "肌酐", "μmol/L", "41-111", (90.0, 260.0)),
    "J18": ("L0401", "白细胞计数", "10^9/L", "3.5-9.5", (6.0, 16.0)),
    "R50": ("L0401", "白细胞计数", "10^9/L", "4.0-12.0", (4.0, 18.0)),
    "P59": ("L0501", "总胆红素", "μmol/L", "5.1-205.2", (120.0, 290.0)),
    "Z34": ("L0601", "血红蛋白", "g/L", "110-150", (95.0, 135.0)),
}


def lab(rng: random.Random, code: str) -> dict | None:
    spec = LABS.get(code[:3])
    if spec is None:
        return None
    item_code, item, unit, ref, (lo, hi) = spec
    value = round(rng.uniform(lo, hi), 1)
    low, high = (float(x) for x in ref.split("-"))
    flag = "H" if value > high else "L" if value < low else "N"
    return {
        "item_code": item_code,
        "item_name": item,
        "value": value,
        "unit": unit,
        "ref_range": ref,
        "abnormal_flag": flag,
    }


def drugs(code: str) -> tuple:
    return DRUGS.get(code[:3], ())


def chronic_visit(rng: random.Random, conditions: tuple[str, ...]) -> list[tuple[str, str]]:
    """Diagnoses of a 配药 visit: one or two of the patient's chronic conditions."""
    picked = list(conditions)
    rng.shuffle(picked)
    return [(c, NAMES[c]) for c in picked[: rng.choice((1, 2, 2))]]


def exam(rng: random.Random, modality: str, body: str, diagnosis: str) -> dict:
    findings = {
        "CT": f"{body}可见低密度影，边界欠清",
        "DR": f"{body}纹理增多，未见明显骨折线",
        "US": f"{body}未见明显异常回声",
        "ECG": "窦性心律，ST-T改变",
        "MR": f"{body}未见明显异常信号",
    }[modality]
    return {
        "modality": modality,
        "body_part": body,
        "findings": findings,
        "conclusion": f"符合{diagnosis}表现" if rng.random() < 0.7 else "请结合临床",
    }
