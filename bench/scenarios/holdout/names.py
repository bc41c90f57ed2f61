"""Names as Suzhou records hold them: surnames, given names by generation, and their variants.

* Surnames follow a Jiangnan mix (沈, 顾, 陆, 钱, 蒋, 金, 姚 are far more common in Suzhou than
  nationally) plus the national top names brought by migrants.
* Given names change by generation: 秀英/桂英/根宝/杏娣 for people born in the 1940s–50s (Wu names
  with 娣, 妹, 宝, 根), 建国/卫东/红梅 for the 1960s–70s, 伟/婷/磊/静 for the 1980s–90s, and the
  two-character 子轩/梓涵/一诺/沐宸 of the 2010s–20s. Drawing from the "very common" lists makes
  the namesakes a city really has.
* Homophones are same-pinyin characters an IME offers next to each other (婷/亭, 轩/萱, 宇/雨);
  the Wu-dialect pairs (黄/王, 陈/程, 胡/吴, 沈/盛, 周/邹) are what a Suzhou clerk writes when
  the surname is only said aloud.
* 繁体: the forms Taiwan and Hong Kong residents write, and what some old systems hold.
* Rare characters (喆, 堃, 玥 …) are outside GB2312; older systems substitute a common character.
"""

from __future__ import annotations

import random

SURNAMES = "张王李陈刘杨黄赵吴周徐孙朱沈顾陆钱蒋金姚范邵戴潘曹许胡郭何高林罗郑梁谢宋唐韩冯邓彭"
SURNAME_WEIGHTS = [
    *[9, 9, 8, 9, 7, 5, 5, 4, 6, 6, 7, 4, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 2, 2, 2, 3],
    *[3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
]
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官")

# (male, female) given names per birth cohort: the five "very common" names of the generation,
# then first and second characters that combine into two-character names, then (1960s–90s)
# single-character names. A 4,000-person city then has namesakes at about the rate a real
# district register shows: mostly among the very common names.
GIVEN = {
    1940: (
        (
            "建国 根宝 福林 金根 国华",
            "建福金荣兴炳水宝根德永志文阿小",
            "宝林根生华明康元泉大弟发",
            "",
        ),
        ("秀英 桂英 杏娣 阿妹 玉兰", "秀桂玉凤美月菊彩雪金杏小阿根", "英娣兰珍妹宝娥芳", ""),
    ),
    1960: (
        ("建华 卫东 国强 建军 伟民", "建卫国伟志红海振明永", "华东强军民刚明平国林", "勇军强"),
        ("红梅 丽华 雪芳 卫红 建英", "红丽雪卫建美海秀月玉慧国", "梅华芳红英燕琴萍", "红芳丽琴"),
    ),
    1980: (
        (
            "伟 磊 杰 超 涛",
            "晓志俊文浩建家子天宇海振永立少嘉思国",
            "东强杰峰明辉磊斌军鹏伟华平波勇飞龙荣生",
            "伟磊杰超涛明勇俊斌鹏飞刚亮浩宇晨凯峰",
        ),
        (
            "婷 静 敏 丹 芳",
            "丽晓雪佳婷静海燕春秋美秀彩艳小冬文玉",
            "娟丽华敏燕婷霞萍芳琳红莉蓉媛洁",
            "婷静敏丹芳燕倩晶琳佳欢晨雯颖丽娜洁慧萍",
        ),
    ),
    2010: (
        (
            "子轩 浩宇 宇轩 梓睿 俊熙",
            "子梓浩宇俊皓沐奕一博思铭雨嘉睿天锦承景泽",
            "轩睿宇豪熙辰宸墨泽鸣然文源阳恒川霖逸航",
            "",
        ),
        (
            "梓涵 欣怡 诗涵 一诺 梓萱",
            "梓欣诗一若依思语可雨子梦紫佳心安芷沐",
            "涵怡萱诺汐彤桐馨语妍瑶琪悦然宁清婉",
            "",
        ),
    ),
}
VERY_COMMON = 5

HOMOPHONES = {
    c: alts
    for group in [
        "婷亭庭",
        "静婧净",
        "丽莉俐",
        "杰洁捷",
        "伟玮炜",
        "涛韬滔",
        "敏珉闽",
        "军君均",
        "华桦骅",
        "芳方",
        "红宏虹鸿",
        "明铭鸣",
        "磊垒",
        "晨辰宸",
        "轩萱宣",
        "涵晗含",
        "怡宜仪",
        "欣昕新馨",
        "梓子紫",
        "宇雨语羽",
        "浩昊皓",
        "睿瑞锐",
        "泽择",
        "彤桐童",
        "诗施师",
        "思斯丝",
        "佳嘉家",
        "俊骏峻",
        "琳林霖",
        "燕艳雁",
        "霞侠",
        "英瑛",
        "兰岚蓝",
        "玉钰毓",
        "珍贞桢",
        "凤峰锋",
        "建剑健",
        "志智治",
        "东冬",
        "刚钢纲",
        "鹏朋",
        "飞菲非",
        "娟鹃涓",
        "晓筱小",
        "颖莹滢",
        "斌彬滨",
        "萍平苹",
        "雯文",
        "慧惠蕙",
        "琴芹勤",
        "梅玫",
        "一依伊",
        "若偌",
        "汐夕溪",
        "沐木慕",
        "奕亦弈",
        "熙曦溪",
        "可珂",
        "博搏",
        "源元",
        "豪浩",
        "铭明",
        "妍研",
        "瑶遥",
        "梦孟",
        "民敏",
        "平萍",
        "荣蓉",
        "康慷",
        "林琳",
        "宝保",
        "根耕",
        "彩采",
        "雪薛",
        "菊桔",
        "月悦",
        "娥鹅",
        "生声",
        "元园",
        "泉全",
        "卫伟",
        "勇永",
    ]
    for c in group
    for alts in [group.replace(c, "")]
}
HOMOPHONE_SURNAMES = {
    "张": "章",
    "李": "黎",
    "刘": "柳",
    "杨": "阳",
    "徐": "许",
    "许": "徐",
    "林": "凌",
    "陆": "卢",
    "顾": "古",
    "姚": "尧",
    "范": "樊",
    "戴": "代",
    "曹": "巢",
    "金": "靳",
    "孙": "荪",
    "朱": "诸",
    "蒋": "姜",
}
WU_DIALECT = {
    "黄": "王",
    "王": "黄",
    "陈": "程",
    "程": "陈",
    "胡": "吴",
    "吴": "胡",
    "沈": "盛",
    "周": "邹",
    "邹": "周",
    "钱": "全",
    "潘": "彭",
}
TRADITIONAL = dict(
    zip(
        "陈刘张杨黄赵吴孙马郑罗谢冯邓许顾陆钱蒋伟丽华国军红强杰涛轩诺泽静兰凤宝龙东云兴荣庆长"
        "书诗语卫晓颖凯洁欢乐阳鹏飞刚娟梦瑶铭鸣宁俊浩沈",
        "陳劉張楊黃趙吳孫馬鄭羅謝馮鄧許顧陸錢蔣偉麗華國軍紅強傑濤軒諾澤靜蘭鳳寶龍東雲興榮慶長"
        "書詩語衛曉穎凱潔歡樂陽鵬飛剛娟夢瑤銘鳴寧俊浩沈",
        strict=True,
    )
)
RARE = {
    "喆": "哲",
    "堃": "坤",
    "玥": "月",
    "燚": "亦",
    "璟": "景",
    "昇": "升",
    "犇": "奔",
    "珺": "君",
    "赟": "云",
    "昉": "方",
    "琇": "秀",
    "飏": "扬",
}
RARE_GIVEN = ("喆", "堃", "玥", "燚", "璟", "昇", "犇", "珺", "赟", "昉", "琇", "飏")

MINORITY = (
    ("买买提", "艾力", "1"),
    ("阿不都", "热合曼", "1"),
    ("艾尔肯", "吐尔逊", "1"),
    ("努尔兰", "别克", "1"),
    ("阿迪力", "阿不拉", "1"),
    ("古丽努尔", "买买提", "2"),
    ("阿依古丽", "吐尔逊", "2"),
    ("迪丽拜尔", "艾山", "2"),
    ("热依拉", "阿不都", "2"),
    ("帕提古丽", "依明", "2"),
    ("米热古丽", "库尔班", "2"),
    ("阿娜尔", "努尔", "2"),
)
# (nationality, family, given, middle, sex, kanji/hanja name or "")
FOREIGN = (
    ("USA", "SMITH", "JOHN", "ROBERT", "1", ""),
    ("USA", "JOHNSON", "EMILY", "ANNE", "2", ""),
    ("GBR", "BROWN", "OLIVER", "JAMES", "1", ""),
    ("DEU", "MUELLER", "LUKAS", "", "1", ""),
    ("DEU", "SCHMIDT", "ANNA", "MARIA", "2", ""),
    ("FRA", "MARTIN", "LEA", "", "2", ""),
    ("JPN", "YAMADA", "TARO", "", "1", "山田太郎"),
    ("JPN", "SATO", "YUKI", "", "2", "佐藤由纪"),
    ("JPN", "TANAKA", "HIROSHI", "", "1", "田中浩"),
    ("JPN", "SUZUKI", "KENJI", "", "1", "铃木健二"),
    ("KOR", "KIM", "MINJUN", "", "1", "金敏俊"),
    ("KOR", "PARK", "JIYEON", "", "2", "朴智妍"),
    ("KOR", "LEE", "SEOYEON", "", "2", "李抒妍"),
    ("SGP", "TAN", "WEI MING", "", "1", "陈伟明"),
    ("ITA", "ROSSI", "MARCO", "", "1", ""),
    ("IND", "SHARMA", "PRIYA", "", "2", ""),
    ("RUS", "IVANOVA", "OLGA", "", "2", ""),
    ("NLD", "DE VRIES", "SANNE", "", "2", ""),
)


def cohort(year: int) -> int:
    """The name cohort of a birth year."""
    return 2010 if year >= 2005 else 1980 if year >= 1978 else 1960 if year >= 1956 else 1940


def surname(rng: random.Random) -> str:
    if rng.random() < 0.01:
        return rng.choice(COMPOUND_SURNAMES)
    return rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]


def given(rng: random.Random, year: int, sex: str, common_rate: float) -> str:
    """A given name for someone born in ``year``; ``common_rate`` of them from the very common."""
    common, first, second, single = GIVEN[cohort(year)][0 if sex == "1" else 1]
    if rng.random() < common_rate:
        return rng.choice(common.split())
    if single and rng.random() < 0.15:
        return rng.choice(single)
    return rng.choice(first) + rng.choice(second)


def twin_given(rng: random.Random, year: int, sexes: list[str]) -> list[str]:
    """Given names for twins/triplets: a shared first character and second characters by sex
    (``一鸣``/``一诺``, ``子轩``/``子涵``); same-sex sets draw from one list."""
    sets = [  # first character, boys' second characters, girls' second characters
        ("一", "鸣凡航", "诺涵然"),
        ("子", "轩墨睿", "涵萱琪"),
        ("思", "远源睿", "彤语涵"),
        ("雨", "泽航辰", "涵桐萱"),
        ("梓", "睿豪轩", "涵萱琪"),
        ("浩", "宇然轩", ""),
        ("诗", "", "涵语雨"),
        ("欣", "", "怡妍然"),
    ]
    fitting = [s for s in sets if ("1" not in sexes or s[1]) and ("2" not in sexes or s[2])]
    first, boys, girls = rng.choice(fitting)
    pools = {"1": rng.sample(boys, len(boys)), "2": rng.sample(girls, len(girls))}
    return [first + pools[sex].pop() for sex in sexes]


def homophone(name: str, rng: random.Random, *, keep_surname: bool = True) -> str | None:
    """One character of the given name (or the surname) replaced by a same-sound character."""
    spots = [i for i, c in enumerate(name) if c in HOMOPHONES and (i > 0 or not keep_surname)]
    if not keep_surname and name[0] in HOMOPHONE_SURNAMES:
        spots.append(-1)
    if not spots:
        return None
    i = rng.choice(spots)
    if i == -1:
        return HOMOPHONE_SURNAMES[name[0]] + name[1:]
    return name[:i] + rng.choice(HOMOPHONES[name[i]]) + name[i + 1 :]


def wu_dialect(name: str) -> str | None:
    return WU_DIALECT[name[0]] + name[1:] if name and name[0] in WU_DIALECT else None


def traditional(name: str) -> str | None:
    out = "".join(TRADITIONAL.get(c, c) for c in name)
    return out if out != name else None


def rare_substitute(name: str) -> str | None:
    out = "".join(RARE.get(c, c) for c in name)
    return out if out != name else None


def minority_variant(name: str, rng: random.Random) -> str:
    """The separator of a minority name as desks really type it (GBK-safe)."""
    return name.replace("·", rng.choice(["．", ".", "-", " ", "", "", "・"]))


def latin_variant(
    family: str, given_: str, middle: str, rng: random.Random, swap: float, drop: float, mess: float
) -> tuple[str, list[str]]:
    """A Latin name as one desk wrote it; returns the name and the damage kinds applied."""
    kinds = []
    mid = middle
    if middle and rng.random() < drop:
        mid, kinds = "", ["latin_middle_dropped"]
    given_full = f"{given_} {mid}".strip()
    if rng.random() < swap:
        text = f"{given_full} {family}"
        kinds.append("latin_order_swapped")
    else:
        text = f"{family} {given_full}"
    if rng.random() < mess:
        kinds.append("latin_case_spacing")
        style = rng.randrange(4)
        if style == 0:
            text = text.title()
        elif style == 1:
            text = text.replace(" ", "", 1)
        elif style == 2:
            text = f"{family},{given_full}" if "latin_order_swapped" not in kinds else text.lower()
        else:
            text = "  ".join(text.split(" "))
    return text, kinds


SIMPLIFIED = {t: s for s, t in TRADITIONAL.items()}


def simplified(text: str) -> str:
    return "".join(SIMPLIFIED.get(c, c) for c in text)
