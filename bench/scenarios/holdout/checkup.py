"""Health-checkup GBK CSVs: employer checkups and the free 老年人健康体检.

* May–June is the peak of employer checkups: 22 % of working-age adults (20–59) per 45 nights,
  30 % of foreigners (expatriate packages in 工业园区) and 25 % of Taiwan residents (48 % for
  people with special identities and planted namesakes, so that they are measurable); 55 % at a
  checkup centre, 30 % at a hospital checkup department, 15 % at the community centre.
* 65+: the free annual checkup of the basic public-health programme, 40 % per 45 nights in spring
  campaigns, at the household's community centre; 工作单位 is 退休 or empty.
* 4 % come back for a 复查 under a new 体检编号. 证件类型 is left empty by 10 % of desks.
* Identity comes from the employer's Excel list or is typed at the desk: the worst ID quality of
  all sources (``rates.DAMAGE['checkup']``), with Excel-zeroed last digits and full-width digits.
"""

from __future__ import annotations

from datetime import date, timedelta

from bench.scenarios.deliver import legacy15
from bench.scenarios.holdout import rates as R
from bench.scenarios.holdout.context import Ctx, doc
from bench.scenarios.holdout.people import Household, Person

FIRMS = (
    "恒达",
    "华博",
    "新禾",
    "瑞科",
    "天成",
    "锦程",
    "博远",
    "东吴",
    "金湖",
    "吴越",
    "精工",
    "明扬",
)
TRADES = ("精密机械", "电子科技", "纺织", "物流", "光电", "生物医药", "汽车零部件", "软件")
PUBLIC = ("苏州市姑苏区教育局", "吴江区实验小学", "昆山市公安局", "张家港市供电公司", "个体", "")
CONCLUSIONS = (
    "未见明显异常",
    "血压偏高,建议复查",
    "空腹血糖偏高",
    "脂肪肝(轻度)",
    "甲状腺结节",
    "尿酸偏高",
    "血脂异常",
    "乳腺增生",
    "幽门螺杆菌阳性",
)


class Checkup:
    def __init__(self, ctx: Ctx):
        self.ctx, self.rng = ctx, ctx.rng

    def _exam_no(self, org: str, d: date) -> str:
        n = self.ctx.next("exam", org)
        style = sum(map(ord, org)) % 3
        return (f"TJ{d:%y%m%d}{n:04d}", f"{d:%Y%m%d}{n:05d}", f"{org[2:6]}{n:07d}")[style]

    def employer(self, p: Person, foreign: bool) -> str:
        rng = self.rng
        if rng.random() < 0.15:
            return rng.choice(PUBLIC)
        mid = "(中国)投资" if foreign else ""
        return f"苏州{rng.choice(FIRMS)}{rng.choice(TRADES)}{mid}有限公司"

    def exam(self, org: str, p: Person, d: date, work: str) -> None:
        ctx, rng = self.ctx, self.rng
        no = self._exam_no(org, d)
        key = ctx.mention("checkup", org, no, "examinee", p)
        id_type, id_no = doc(rng, p)
        if p.legacy15 and id_type == "01" and rng.random() < 0.05:
            id_no = legacy15(id_no)
            ctx.dmg.log(key, "证件号码", "id_legacy15", p)
        phone = p.phone
        if p.phone2 and not p.phone2.startswith("1") and rng.random() < 0.5:
            phone = p.phone2
            ctx.dmg.log(key, "联系电话", "phone_landline", p)
        ident = {
            "name": p.name,
            "id_type": id_type,
            "id_no": id_no,
            "sex": p.sex,
            "birth_date": p.birth.isoformat(),
            "phone": phone,
        }
        ctx.dmg.identity(
            key,
            p,
            ident,
            {
                "name": "姓名",
                "id_no": "证件号码",
                "sex": "性别",
                "birth_date": "出生日期",
                "phone": "联系电话",
            },
            "checkup",
            d,
        )
        if rng.random() < 0.10:
            ident["id_type"] = ""
        old = (ctx.start - p.birth).days > 60 * 365
        row = {
            "体检编号": no,
            "姓名": ident["name"],
            "性别": ident["sex"],
            "出生日期": ident["birth_date"],
            "证件类型": ident["id_type"],
            "证件号码": ident["id_no"],
            "联系电话": ident["phone"],
            "工作单位": work,
            "体检日期": d,
            "身高cm": f"{rng.gauss(172 if p.sex == '1' else 160, 6):.1f}",
            "体重kg": f"{rng.gauss(70 if p.sex == '1' else 57, 9):.1f}",
            "收缩压": rng.randint(105, 165 if old else 140),
            "舒张压": rng.randint(62, 98),
            "空腹血糖mmol/L": f"{rng.uniform(4.2, 7.8):.2f}",
            "总胆固醇mmol/L": f"{rng.uniform(3.4, 6.8):.2f}",
            "甘油三酯mmol/L": f"{rng.uniform(0.5, 3.2):.2f}",
            "尿酸umol/L": f"{rng.uniform(200, 480):.0f}",
            "总检结论": rng.choice(CONCLUSIONS),
        }
        ctx.writer.checkup(org, d, row)


def deliver(ctx: Ctx) -> None:
    ck, rng = Checkup(ctx), ctx.rng
    centres = ctx.with_system("checkup", org_type="checkup_center")
    hosp = [
        o
        for o in ctx.with_system("checkup")
        if o in ctx.with_system("hospital")
        and o not in ctx.with_system("checkup", org_type="community_health_center")
    ]
    for hh in ctx.city.households:
        for p in hh.members:
            age = (ctx.start - p.birth).days / 365.25
            pregnant = p is hh.mother and hh.kind in ("birth", "pregnant")
            if 20 <= age < 60 and not pregnant:
                rate = 0.30 if p.foreign else 0.25 if p.id_type == "07" else 0.22
                if p.special or p.rare or "namesake" in p.kinds:
                    rate = max(rate, R.SPECIAL_VISIT * 0.6)
                if rng.random() < rate:
                    r = rng.random()
                    near = [o for o in centres if o[2:6] == hh.district[2:]]
                    if p.foreign and rng.random() < 0.7:
                        org = "SZ0571T01"
                    elif r < 0.55:
                        org = rng.choice(near if near and rng.random() < 0.6 else centres)
                    elif r < 0.85:
                        org = rng.choice(hosp)
                    else:
                        org = ctx.chc(hh)
                    _visit(ctx, ck, hh, p, org, ck.employer(p, bool(p.foreign)))
            elif age >= 65 and rng.random() < 0.40:
                _visit(ctx, ck, hh, p, ctx.chc(hh), rng.choice(["退休", "", "", "无"]))


def _visit(ctx: Ctx, ck: Checkup, hh: Household, p: Person, org: str, work: str) -> None:
    d = ctx.start + timedelta(ctx.rng.randrange(ctx.city.days))
    ck.exam(org, p, d, work)
    if ctx.rng.random() < 0.04:
        again = ctx.later_day(d, 3, 20)
        if again:
            ck.exam(org, p, again, work)
