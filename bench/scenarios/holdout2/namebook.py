"""Names as a Suzhou registration desk meets them, and the ways desks get them wrong.

Surnames are weighted for the lower Yangtze (陆, 顾, 沈, 钱, 朱, 徐 far above their national rank)
plus the migrant provinces (安徽, 河南, 四川, 苏北). Given names follow the era a person was born
in: grandmothers are 秀英/金妹/根娣, their grandchildren 梓涵/一诺/沐宸, so namesakes cluster where
they do in real life (elderly women and the 2010s baby-name fashions).

Damage (what a clerk does to a name):

* homophones a pinyin input method offers first (静→晶, 婷→亭), and the Wu-dialect mishearing of
  surnames at a spoken registration (黄/王, 胡/吴, 陈/程, 徐/许, 沈/盛);
* 繁体 as written on Taiwan and Hong Kong papers (陳怡君), or by a system that converts;
* minority names: the 间隔号 ``·`` written as ``.``, ``．``, ``•``, a space, or dropped;
* 生僻字 outside GBK replaced by a homophone in GBK systems (䶮→岩);
* Latin names of foreigners: surname/given order, middle names dropped, umlauts (Ü → UE or U).
"""

from __future__ import annotations

import random

_SURNAMES = (
    "王18 李14 张14 陈13 朱8 徐9 周8 吴8 陆7 顾6 沈6 钱5 刘9 杨6 黄6 赵4 孙5 马3 胡4 郭3 何3 高3 "
    "林3 罗2 郑3 梁2 谢3 宋2 唐3 许4 韩2 冯2 邓2 曹3 彭2 曾1 肖2 田2 董2 袁2 潘3 蒋3 蔡3 余2 杜2 "
    "叶3 程2 苏2 魏2 吕2 丁3 任2 姚3 卢2 姜2 崔1 钟1 谭1 汪3 范2 金3 石2 贾1 夏2 方2 邹2 孟1 熊1 "
    "秦1 邱2 江2 尹1 薛2 段1 雷1 侯1 史1 陶2 贺1 毛2 龚2 邵2 万1 严2 戴2 孔1 汤2 殷1 葛2 浦1 闵1"
)
SURNAMES: list[str] = []
SURNAME_WEIGHTS: list[int] = []
for _token in _SURNAMES.split():
    SURNAMES.append(_token[0])
    SURNAME_WEIGHTS.append(int(_token[1:]))

# Given names by birth cohort and sex: (female, male).
_GIVEN = {
    "old": (
        "秀英 桂英 秀珍 玉兰 凤英 金妹 阿妹 小妹 桂芳 玉英 美英 雪英 翠英 秀兰 金凤 根娣 杏娣 招娣 "
        "巧英 月娥 素珍 惠芬 菊英 彩娣 林妹 梅英 兰英 琴 芬 英",
        "建国 国良 根宝 金生 福林 志明 德林 国平 建华 永林 水根 荣生 金林 国强 卫东 建明 洪兴 正华 "
        "兴林 小弟 宝林 伯荣 阿四 鸿飞 文彬 根林 才根 荣 明 兴",
    ),
    "mid": (
        "芳 敏 静 丽 艳 娟 霞 燕 红 萍 玲 秀兰 海燕 丽娟 晓燕 红梅 雪芳 春华 美华 晓红 丽萍 建芬 "
        "卫红 玉芳 琴 华",
        "伟 勇 军 强 磊 涛 明 超 斌 峰 刚 建华 志强 建军 海峰 卫国 建平 国华 晓东 永红 振华 文杰 "
        "俊 华 杰 平",
    ),
    "young": (
        "婷 雪 倩 颖 佳 琳 娜 欣 悦 梦瑶 思雨 雨婷 佳怡 晓雯 诗琪 婧 慧 丹 瑶 蕾 静怡 欣然 梦婷 "
        "雅琴 晨曦 玥",
        "浩 杰 宇 晨 昊 磊 鹏 博 阳 鑫 子豪 浩然 俊杰 宇航 家豪 志鹏 嘉伟 天宇 文博 睿 凯 旭 "
        "晓峰 亮 明轩 喆",
    ),
    "kid": (
        "梓涵 一诺 欣怡 梓萱 诗涵 若汐 依诺 可馨 艺涵 语桐 嘉怡 晨曦 雨萱 沐希 芷若 安然 思妍 "
        "梓玥 语汐 知夏 书瑶 悦 彤 萌",
        "子轩 浩宇 宇轩 沐宸 雨泽 子墨 梓睿 锦程 沐阳 星辰 思源 奕辰 一鸣 睿泽 俊熙 梓豪 铭泽 "
        "宇航 浩然 承泽 嘉懿 煜 航 泽",
    ),
}
GIVEN = {era: (f.split(), m.split()) for era, (f, m) in _GIVEN.items()}

MILK_NAMES = [
    "豆豆",
    "乐乐",
    "糖糖",
    "果果",
    "贝贝",
    "多多",
    "安安",
    "小宝",
    "朵朵",
    "甜甜",
    "团团",
    "圆圆",
    "小米",
    "球球",
    "皮皮",
    "妞妞",
    "可可",
    "毛毛",
]

# 生僻字 that GBK cannot hold, and what a GBK system writes instead.
RARE = {"䶮": "岩", "㛃": "洁", "𫖮": "颐"}

_HOMOPHONES = (
    "静晶婧 伟玮炜 娜那 丽莉俐 军君钧 华桦 明铭 婷亭庭 杰洁捷 芳方 强蔷 燕艳雁 红虹宏 涛滔 磊蕾 "
    "斌彬 峰锋丰 霞侠 敏闽 宇雨羽 轩萱宣 涵含晗 欣馨心 怡仪宜 梓子紫 浩昊皓 睿瑞 晨辰琛 妍研 "
    "佳嘉家 琳林霖 鑫新馨 博波 阳洋扬 凯恺 旭煦 萍苹 玲铃 娟鹃 英瑛 珍真 兰岚 凤风 平萍 国帼"
)
HOMOPHONE: dict[str, list[str]] = {}
for _group in _HOMOPHONES.split():
    for _c in _group:
        HOMOPHONE.setdefault(_c, []).extend(o for o in _group if o != _c)

# Surnames a Wu-speaking clerk mishears at a spoken registration, and IME neighbours.
SURNAME_CONFUSION = {
    "黄": "王",
    "王": "黄",
    "胡": "吴",
    "吴": "胡",
    "陈": "程",
    "程": "陈",
    "徐": "许",
    "许": "徐",
    "沈": "盛",
    "张": "章",
    "李": "黎",
    "顾": "古",
    "汪": "王",
    "钱": "乾",
}

TRAD = dict(
    zip(
        "陈刘张黄吴赵孙郑马杨陆苏叶罗冯邓钱许韩卢谢萧丽华伟国红兰凤龙东宝贵荣云军杰强顺庆进义刚发宁岚颖涛丰娇莲爱庄银锦钟怡婧玥书语诗欣馨艺梦",
        "陳劉張黃吳趙孫鄭馬楊陸蘇葉羅馮鄧錢許韓盧謝蕭麗華偉國紅蘭鳳龍東寶貴榮雲軍傑強順慶進義剛發寧嵐穎濤豐嬌蓮愛莊銀錦鍾怡婧玥書語詩欣馨藝夢",
        strict=True,
    )
)

# Minority names with the 间隔号 (Uyghur, Kazakh) and long names written without one (Yi, Tibetan,
# Mongolian): (female, male).
MINORITY_DOT = (
    "阿依古丽·吐尔逊 古丽娜尔·阿不都热依木 热依拉·艾力 米热古丽·买买提 帕提曼·吾斯曼 加娜尔·努尔兰",
    "买买提·艾力 阿卜杜拉·买买提 艾尔肯·吐尔洪 努尔艾力·阿布都拉 吐尔逊·卡德尔 叶尔兰·别克",
)
MINORITY_PLAIN = ("乌云其木格 卓玛 阿牛阿呷 央金拉姆", "巴特尔 扎西顿珠 吉克阿依 格桑次仁")
DOT_VARIANTS = (".", "．", "•", " ", "")

# Foreigners: (nationality, passport pattern, surnames, female given, male given). Passport
# patterns: L letter, D digit.
FOREIGN = (
    (
        "JP",
        "LLDDDDDDD",
        "TANAKA SATO SUZUKI TAKAHASHI WATANABE ITO",
        "YUKI HANAKO AYA",
        "HIROSHI KENJI TAKUYA",
    ),
    ("KR", "LDDDDDDDD", "KIM LEE PARK CHOI JUNG", "JIYEON MINJI SOYEON", "MINJUN SEUNGHO JIHO"),
    (
        "DE",
        "LLLLDDDDD",
        "MUELLER SCHMIDT SCHNEIDER FISCHER WEBER",
        "ANNA LENA SOPHIE",
        "THOMAS LUKAS JONAS",
    ),
    ("US", "DDDDDDDDD", "SMITH JOHNSON BROWN MILLER", "EMILY SARAH JESSICA", "JOHN MICHAEL DAVID"),
    ("IN", "LDDDDDDD", "KUMAR SHARMA PATEL", "PRIYA ANITA", "RAJESH AMIT"),
)
MIDDLE = (("ANN", "MARIE", "ROSE"), ("JAMES", "LEE", "PAUL"))  # (female, male)
UMLAUT = {"MUELLER": ("MULLER", "MÜLLER")}


def era_of(year: int) -> str:
    """The naming cohort of a birth year."""
    if year < 1967:
        return "old"
    if year < 1986:
        return "mid"
    if year < 2016:
        return "young"
    return "kid"


def surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]


def given(rng: random.Random, year: int, sex: str) -> str:
    female, male = GIVEN[era_of(year)]
    return rng.choice(female if sex == "2" else male)


def homophone(rng: random.Random, name: str) -> str | None:
    """One character of the given name (or, one time in four, the surname) swapped for a
    homophone; None when no character has one."""
    if len(name) < 2 or not all("\u4e00" <= c <= "\u9fff" for c in name):
        return None
    if rng.random() < 0.25 and name[0] in SURNAME_CONFUSION:
        return SURNAME_CONFUSION[name[0]] + name[1:]
    spots = [i for i in range(1, len(name)) if name[i] in HOMOPHONE]
    if not spots:
        return None
    i = rng.choice(spots)
    return name[:i] + rng.choice(HOMOPHONE[name[i]]) + name[i + 1 :]


def traditional(name: str) -> str:
    return "".join(TRAD.get(c, c) for c in name)


def has_traditional(name: str) -> bool:
    return traditional(name) != name


def gbk_safe(name: str) -> str:
    """What a GBK system stores for a name: 生僻字 replaced by the usual homophone."""
    return "".join(RARE.get(c, c) for c in name)


def dot_variant(rng: random.Random, name: str, gbk: bool = False) -> str:
    choices = [d for d in DOT_VARIANTS if not (gbk and d == "•")]
    return name.replace("·", rng.choice(choices))


def passport_no(rng: random.Random, pattern: str) -> str:
    letters = "ABCDEFGHJKLMNPRSTVWXYZ"
    return "".join(rng.choice(letters) if p == "L" else str(rng.randrange(10)) for p in pattern)


def passport_typo(rng: random.Random, number: str) -> str:
    """One slip a clerk makes copying a passport: O/0 or I/1 confusion, a dropped character, or
    two neighbours swapped."""
    confuse = {"0": "O", "O": "0", "1": "I", "I": "1", "8": "B", "B": "8", "5": "S", "S": "5"}
    spots = [i for i, c in enumerate(number) if c in confuse]
    how = rng.random()
    if spots and how < 0.45:
        i = rng.choice(spots)
        return number[:i] + confuse[number[i]] + number[i + 1 :]
    if how < 0.7:
        i = rng.randrange(len(number))
        return number[:i] + number[i + 1 :]
    i = rng.randrange(len(number) - 1)
    if number[i] == number[i + 1]:
        return number[:-1]
    return number[:i] + number[i + 1] + number[i] + number[i + 2 :]
