"""Names for the families scenario: surnames, generation-typical given names, placeholders,
homophones (incl. the Wu-dialect confusions of Suzhou) and traditional characters."""

from __future__ import annotations

import random

# Surname weights (per cent of the national population, 2020 census order), with the Suzhou
# natives' surnames 沈 顾 陆 钱 周 朱 raised to their regional share.
SURNAMES: dict[str, float] = {
    "王": 7.1,
    "李": 7.0,
    "张": 6.8,
    "刘": 5.4,
    "陈": 4.6,
    "杨": 3.1,
    "黄": 2.4,
    "赵": 2.3,
    "吴": 2.0,
    "周": 2.4,
    "徐": 1.9,
    "孙": 1.5,
    "马": 1.4,
    "朱": 1.8,
    "胡": 1.3,
    "郭": 1.2,
    "何": 1.2,
    "高": 1.1,
    "林": 1.1,
    "罗": 1.0,
    "郑": 0.9,
    "梁": 0.9,
    "谢": 0.8,
    "宋": 0.8,
    "唐": 0.8,
    "许": 0.9,
    "韩": 0.7,
    "冯": 0.7,
    "邓": 0.7,
    "曹": 0.6,
    "彭": 0.6,
    "曾": 0.6,
    "肖": 0.6,
    "田": 0.5,
    "董": 0.5,
    "袁": 0.5,
    "潘": 0.6,
    "蒋": 0.7,
    "蔡": 0.5,
    "叶": 0.5,
    "程": 0.5,
    "苏": 0.4,
    "吕": 0.4,
    "丁": 0.4,
    "沈": 1.5,
    "顾": 1.3,
    "陆": 1.4,
    "钱": 0.8,
    "姚": 0.5,
    "金": 0.5,
    "施": 0.4,
    "邹": 0.4,
    "欧阳": 0.08,
    "司马": 0.02,
}

# Given names by generation and sex; weights fall off like a Zipf law so that the popular names
# (梓涵, 一诺, 婷婷, 伟 …) recur and namesakes occur, as they do in any Chinese city.
GIVEN = {
    ("elder", 1): "建国 国强 建华 志强 德明 永福 根生 金林 国平 卫东 建平 荣根 福根 志明 国华 建军 "
    "福林 金宝 洪兴 正元",
    ("elder", 2): "秀英 桂英 玉兰 凤英 美英 月娥 秀珍 金妹 林娣 菊英 雪英 彩芬 惠珍 小妹 巧英 "
    "根娣 玉珍 秀兰 阿娣 凤珍",
    ("parent", 1): "伟 磊 强 军 杰 涛 斌 浩 鹏 俊 超 勇 亮 健 明 刚 波 宇 峰 俊杰 志伟 文杰 "
    "浩然 家豪 晓东 海涛 建峰 晨 帅 嘉伟",
    ("parent", 2): "婷 婷婷 静 丽 娟 敏 燕 雪 倩 丹 佳 颖 玲 芳 晓燕 丽娟 雯 琳 洁 慧 莉 晶晶 "
    "文静 雨婷 佳琪 梦洁 晓丽 欣 悦 思雨",
    ("child", 1): "梓睿 浩宇 宇轩 子轩 沐宸 奕辰 一诺 梓豪 浩然 俊熙 子墨 宇航 铭轩 睿泽 锦程 "
    "思远 瑾瑜 承泽 皓轩 沐阳 博文 天佑 煜祺 明轩 子睿 亦凡 一鸣 嘉乐",
    ("child", 2): "梓涵 一诺 欣怡 梓萱 若汐 语桐 诗涵 雨桐 可馨 依诺 梦琪 紫涵 思彤 子涵 芷若 "
    "沐瑶 安琪 欣妍 书瑶 悦彤 佳怡 思琪 雨涵 艺涵 梓妍 语嫣 星悦 知夏",
}
_GIVEN_LISTS = {k: v.split() for k, v in GIVEN.items()}

# Homophones and near-homophones that registration clerks type from a spoken name. The surname
# pairs are the classic Wu-dialect confusions of Suzhou (黄/王 are homophones there, and the
# retroflex/dental merger makes 陈/程, 周/邹, 施/史 sound alike) — a clerk asks "三横王还是草头黄".
HOMOPHONES: dict[str, str] = {
    "婷": "亭庭",
    "静": "婧靖",
    "丽": "莉俐",
    "娟": "鹃涓",
    "敏": "珉闵",
    "燕": "艳雁",
    "倩": "茜",
    "佳": "嘉家",
    "颖": "莹盈",
    "玲": "琳铃",
    "琳": "林霖",
    "洁": "杰婕",
    "慧": "惠蕙",
    "伟": "玮炜",
    "军": "君钧",
    "杰": "洁捷",
    "涛": "滔韬",
    "斌": "彬滨",
    "浩": "皓昊",
    "鹏": "朋",
    "俊": "峻骏",
    "超": "潮",
    "亮": "靓",
    "健": "建剑",
    "明": "铭鸣",
    "建": "健",
    "刚": "钢",
    "宇": "雨羽语",
    "晨": "辰宸",
    "峰": "锋丰",
    "涵": "晗含",
    "轩": "萱宣",
    "睿": "瑞锐",
    "梓": "子紫",
    "欣": "馨心",
    "怡": "仪宜",
    "萱": "轩宣",
    "汐": "希曦",
    "桐": "彤童",
    "诗": "思",
    "琪": "祺琦",
    "彤": "桐",
    "妍": "研",
    "瑶": "遥",
    "悦": "月越",
    "墨": "默",
    "泽": "择",
    "辰": "晨",
    "熙": "曦希",
    "铭": "明",
    "航": "杭",
    "凡": "帆",
    "英": "瑛",
    "兰": "岚",
    "华": "桦",
    "珍": "贞",
    "平": "萍",
    "东": "冬",
    "福": "富",
    "雯": "文",
    "丹": "单",
    "思": "诗",
    "雨": "宇语",
    "语": "雨宇",
    "可": "珂",
    "黄": "王",
    "王": "黄",
    "陈": "程",
    "程": "陈",
    "周": "邹",
    "邹": "周",
    "张": "章",
    "徐": "许",
    "许": "徐",
    "施": "史",
    "林": "凌",
    "姚": "尧",
    "吴": "伍",
    "杨": "阳",
    "刘": "柳",
    "陆": "路",
    "顾": "古",
}

# Simplified -> traditional for the characters of the pools above that differ; clerks trained in
# Hong Kong/Taiwan-style input, old HIS code pages and some OCR of ID cards produce them.
TRADITIONAL = str.maketrans(
    "张陈刘杨黄赵吴孙马罗郑谢韩冯邓许顾陆钱蒋叶苏吕邹轩静丽伟杰华军国兰凤诺泽书乐梦晓"
    "颖强涛鹏荣宝锦铭瑶语诗卫东亲进妈龙凯远鸣汉兴阳岚铃滨锋钢骏丰莹艳欧钧鹃韬贞桦闵"
    "凌顺",
    "張陳劉楊黃趙吳孫馬羅鄭謝韓馮鄧許顧陸錢蔣葉蘇呂鄒軒靜麗偉傑華軍國蘭鳳諾澤書樂夢曉"
    "穎強濤鵬榮寶錦銘瑤語詩衛東親進媽龍凱遠鳴漢興陽嵐鈴濱鋒鋼駿豐瑩艷歐鈞鵑韜貞樺閔"
    "淩順",
)


def weighted_pick(rng: random.Random, weights: dict[str, float]) -> str:
    """One key of ``weights`` drawn proportionally to its weight."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def given_name(rng: random.Random, generation: str, sex: int) -> str:
    """A given name typical of the generation, drawn from a Zipf-weighted pool."""
    pool = _GIVEN_LISTS[(generation, sex)]
    return rng.choices(pool, weights=[1 / (i + 1) ** 0.7 for i in range(len(pool))])[0]


def twin_name(rng: random.Random, first: str, sex: int) -> str:
    """A co-twin's name: parents often share the first character (梓涵/梓萱, 浩宇/浩然)."""
    pool = _GIVEN_LISTS[("child", sex)]
    same_start = [
        g for g in pool if len(g) == 2 and len(first) == 2 and g[0] == first[0] and g != first
    ]
    if same_start and rng.random() < 0.6:
        return rng.choice(same_start)
    while True:
        g = given_name(rng, "child", sex)
        if g != first:
            return g


def to_traditional(name: str) -> str:
    """The name in traditional characters (unchanged if none of its characters differ)."""
    return name.translate(TRADITIONAL)


def homophone_typo(rng: random.Random, name: str) -> str | None:
    """One character replaced by a homophone, or None if no character has one."""
    spots = [i for i, c in enumerate(name) if c in HOMOPHONES]
    if not spots:
        return None
    i = rng.choice(spots)
    return name[:i] + rng.choice(HOMOPHONES[name[i]]) + name[i + 1 :]


ORDINALS = ("大宝", "二宝", "三宝")


def vaccination_placeholder(
    rng: random.Random,
    surname: str,
    mother: str,
    sex: int,
    twin_index: int | None,
    twin_pick: float = 0.0,
) -> str:
    """The name a birth-hospital vaccination room gives a baby before it has one.

    ``surname`` is the parent surname the clerk heard (usually the father's); twins are told
    apart as 大宝/二宝 (三宝 for triplets), in order of birth, in one style for the whole set
    (``twin_pick`` in [0, 1) is shared by the set).
    """
    if twin_index is not None:
        ordinal = ORDINALS[twin_index]
        return [surname + ordinal, mother + ordinal, ordinal][int(twin_pick * 3)]
    son_or_daughter = "之子" if sex == 1 else "之女"
    forms = [
        (surname + "宝宝", 30),
        (surname + son_or_daughter, 18),
        (mother + son_or_daughter, 22),
        (mother + "婴", 6),
        ("小" + surname, 12),
        ("宝宝", 8),
        ("婴儿", 4),
    ]
    return rng.choices([f for f, _ in forms], weights=[w for _, w in forms])[0]


def hospital_newborn_name(
    rng: random.Random, mother: str, sex: int, twin_index: int | None, twin_pick: float = 0.0
) -> str:
    """The name an HIS gives a newborn registered under its mother (母亲名, 母亲名之女, 婴儿)."""
    if twin_index is not None:
        if twin_pick < 0.8:
            return mother + ORDINALS[twin_index]
        return f"{mother}之婴{twin_index + 1}"
    son_or_daughter = "之子" if sex == 1 else "之女"
    forms = [
        (mother, 25),
        (mother + son_or_daughter, 40),
        (mother + "婴", 12),
        (mother + "(婴)", 8),
        ("婴儿", 5),
        (mother + ("子" if sex == 1 else "女"), 10),
    ]
    return rng.choices([f for f, _ in forms], weights=[w for _, w in forms])[0]
