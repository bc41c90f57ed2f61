"""Personal names: cleaned, simplified, placeholders recognised, pinyin and surname split.

Chinese names lose inner spaces and traditional characters (OpenCC t2s); Latin names are
upper-cased with single spaces. A placeholder written where the name is not yet known is not a
name: it becomes null and is flagged — 张XX之子, 王芳之女, 婴儿, 新生儿, 无名氏, and the names
clinics give a baby before it has one: 张宝宝, 宝宝, 大宝/二宝, 小张, 王芳婴, 王芳之婴2. What a
placeholder says of the birth order (大宝 1, 二宝 2, 长女 1, 之婴2 2) is kept: it tells twins
apart. Pinyin is toneless, one
syllable per character, with a surname table for the surnames pypinyin reads with their common
reading (单 shan, not dan). The work is per DISTINCT name (``standardise_names``), so a column
of a million mentions costs one pass of pypinyin over its few hundred thousand names.

Used by the linkage stage too: ``to_pinyin``, ``split_name`` and ``clean_name``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import NamedTuple

import opencc
import pandas as pd
from pypinyin import Style, lazy_pinyin, pinyin

# Two-character surnames (复姓): a name starting with one of these splits after two characters.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "钟离",
        "闻人",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "太叔",
        "申屠",
        "万俟",
        "司空",
        "端木",
        "西门",
        "南宫",
        "独孤",
        "呼延",
        "百里",
        "东郭",
        "第五",
        "左丘",
        "拓跋",
        "赫连",
        "羊舌",
        "微生",
        "闾丘",
        "子车",
        "亓官",
        "司寇",
        "巫马",
        "公西",
        "颛孙",
        "壤驷",
        "公良",
        "漆雕",
        "乐正",
        "宰父",
        "谷梁",
        "段干",
        "东门",
        "公羊",
    ]
)
# Surname readings where pypinyin's default is the common word's reading.
SURNAME_PINYIN = {
    "单": "shan", "曾": "zeng", "区": "ou", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha",
    "盖": "ge", "乐": "yue", "尉迟": "yu chi", "万俟": "mo qi", "长孙": "zhang sun",
    "澹台": "tan tai",
    "覃": "qin", "缪": "miao", "翟": "zhai", "种": "chong", "秘": "bi", "繁": "po", "员": "yun",
    "召": "shao", "冼": "xian", "祭": "zhai", "褚": "chu", "逄": "pang", "尉": "yu", "句": "gou",
    "厍": "she", "隗": "wei", "黑": "he", "能": "nai", "宓": "fu", "谌": "chen", "阚": "kan",
    "眭": "sui", "蕃": "pi", "过": "guo", "相": "xiang", "沈": "shen", "柏": "bai", "薄": "bo",
    "车": "che", "华": "hua", "任": "ren", "纪": "ji", "燕": "yan", "殷": "yin", "曲": "qu",
    "宁": "ning", "臧": "zang", "藏": "zang", "贾": "jia", "石": "shi", "叶": "ye", "应": "ying",
}  # fmt: skip

# a birth order after a placeholder, in digits or words, bracketed or not (王芳之婴2, 姚小萍婴二,
# twins as 金婧之子(大) and 金婧之子(小), or A and B)
_N = "(?:[0-9一二三四大小AaBb]*|[(（][0-9一二三四大小AaBb][)）])"
_PLACEHOLDERS = re.compile(
    rf"^(?:.{{0,15}}(?:之子|之女|之儿|之婴|之孩|儿子|女儿){_N}"
    rf"|(?:男|女)?(?:婴|婴儿|新生儿|早产儿){_N}"
    rf"|.{{2,15}}婴儿?{_N}|.{{1,15}}(?:之婴儿?|之?宝宝|的(?:儿子|女儿|孩子|宝宝)){_N}"
    # the mother's name with 女/子 or a birth order after it (朱敏女, 陈婷婷二宝): a baby
    r"|.{2,15}(?:女|子)\d*|.{2,15}小宝\d*|.{1,15}(?:大|二|三|四)宝\d*"
    # a note in brackets after the mother's name: 顾敏(婴), 王芳（之子）
    r"|.{1,15}[(（](?:婴|婴儿|新生儿|之子|之女|子|女|男|男婴|女婴)[)）]"
    r"|(?:大|小|二|三|四|老大|老二|老三)?宝宝?|(?:长|次|幼)(?:子|女)|双胞胎[大小一二]?"
    r"|[\u3400-\u9fff]{1,2}(?:XX|X|某某|某)(?:之子|之女)?|无名氏|不详|未知|待定|未命名|测试"
    r"|NULL|NONE|N/?A|-+)$",
    re.IGNORECASE,
)
# 小 + a common surname is what a clinic calls a baby (小张), not a name: 小 is no surname of
# note, and a given name is not written without one
_SMALL_SURNAME = re.compile(
    "^小["
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "]$"
)
_ORDER_WORDS = {"大": 1, "长": 1, "老大": 1, "二": 2, "次": 2, "老二": 2, "三": 3, "老三": 3,
                "四": 4, "一": 1, "小": 2, "A": 1, "B": 2}  # fmt: skip
_ORDER = re.compile(r"(老大|老二|老三|大|二|三|四)宝|^(长|次)(?:子|女)|^双胞胎([大小一二])"
                    r"|(?:之子|之女|之儿|之婴|婴|婴儿|宝宝)"
                    r"[(（]?([0-9一二三四大小AaBb])[)）]?$")  # fmt: skip
_LATIN = re.compile(r"^[A-Za-z][A-Za-z .'\-]*$")
_LATIN_SEPARATORS = str.maketrans({",": " ", "，": " "})
_MIDDLE_DOTS = str.maketrans({c: "·" for c in "•・‧∙⋅．."})
_HAN = re.compile(r"[\u3400-\u9fff]")


class NameParts(NamedTuple):
    name: str | None
    name_pinyin: str | None
    surname: str | None
    given_name: str | None
    name_is_placeholder: bool
    name_pinyin_tone: str | None = None
    birth_order: int | None = None
    placeholder_child: bool = False


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def clean_name(raw: str | None) -> str | None:
    """Trimmed, NFKC (full-width → half-width), inner spaces out, traditional → simplified."""
    if raw is None or (isinstance(raw, float) and pd.isna(raw)):
        return None
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    latin = _latin(text)
    if latin:
        return " ".join(latin.upper().split()) or None
    text = "".join(text.split()).translate(_MIDDLE_DOTS)
    return _t2s().convert(text) or None


def _latin(text: str) -> str | None:
    """A Latin-script name without its accents (José → Jose, commas as spaces), else None."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", text.translate(_LATIN_SEPARATORS))
        if not unicodedata.combining(c)
    ).strip()  # fmt: skip
    return plain if _LATIN.match(plain) else None


def is_placeholder(name: str | None) -> bool:
    """True for text standing in for an unknown name (张XX之子, 张宝宝, 二宝, 小张, 无名氏 …)."""
    return bool(name) and bool(_PLACEHOLDERS.match(name) or _SMALL_SURNAME.match(name))


_UNKNOWN = re.compile(r"^(?:无名氏|不详|未知|待定|未命名|测试|NULL|NONE|N/?A|-+)$", re.IGNORECASE)


def names_a_baby(placeholder: str | None) -> bool:
    """True for a placeholder that is what a baby is called before it has a name (张宝宝,
    王芳之子, 婴儿, 大宝, 小张): the record is a child's, whatever identity it carries."""
    return is_placeholder(placeholder) and not _UNKNOWN.match(placeholder or "")


def birth_order(placeholder: str | None) -> int | None:
    """The birth order a placeholder names (大宝 1, 二宝 2, 次女 2, 王芳之婴2 2, 金婧之子(小) 2),
    else None."""
    found = _ORDER.search(placeholder or "")
    if not found:
        return None
    word = next(g for g in found.groups() if g)
    if word.isdigit():
        return int(word)
    return _ORDER_WORDS.get(word.upper())


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """(surname, given name), compound surnames kept whole; a name with '·' has no surname."""
    if not name:
        return None, None
    if _LATIN.match(name):
        first, _, rest = name.partition(" ")
        return first, rest or None
    if "·" in name or not _HAN.match(name[0]):
        return None, name
    cut = 2 if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else 1
    return name[:cut], name[cut:] or None


def to_pinyin(name: str | None) -> str | None:
    """Toneless pinyin, syllables separated by single spaces; the surname read as a surname."""
    if not name:
        return None
    if _LATIN.match(name):
        return " ".join(name.lower().split())
    syllables = lazy_pinyin(name)  # one per Han character; other runs kept as they are
    surname, _ = split_name(name)
    if surname in SURNAME_PINYIN:
        syllables[: len(surname)] = SURNAME_PINYIN[surname].split()
    words = " ".join(syllables).replace("·", " ").lower().split()
    return " ".join(w for w in words if w.isalnum()) or None


def to_pinyin_tone(name: str | None) -> str | None:
    """Pinyin with tone numbers (``shan4 tian2 fang1``), the surname read as a surname; a
    comparison key that tells 王伟 (wang2 wei3) from 汪薇 (wang1 wei1)."""
    if not name:
        return None
    if _LATIN.match(name):
        return " ".join(name.lower().split())
    syllables = lazy_pinyin(name, style=Style.TONE3, neutral_tone_with_five=True)
    surname, _ = split_name(name)
    if surname in SURNAME_PINYIN:
        syllables[: len(surname)] = _surname_tones(surname)
    words = " ".join(syllables).replace("·", " ").lower().split()
    return " ".join(w for w in words if w.isalnum()) or None


@cache
def _surname_tones(surname: str) -> list[str]:
    """The toned reading of each surname character that matches the surname table."""
    wanted = SURNAME_PINYIN[surname].split()
    readings = pinyin(surname, style=Style.TONE3, heteronym=True, neutral_tone_with_five=True)
    return [
        next((r for r in options if r.rstrip("012345") == want), options[0])
        for options, want in zip(readings, wanted, strict=True)
    ]


def standardise_name(raw: str | None) -> NameParts:
    name = clean_name(raw)
    if is_placeholder(name):
        return NameParts(None, None, None, None, True, None, birth_order(name), names_a_baby(name))
    surname, given = split_name(name)
    return NameParts(name, to_pinyin(name), surname, given, False, to_pinyin_tone(name))


def standardise_names(names: pd.Series) -> pd.DataFrame:
    """NameParts columns for a Series of delivered names, computed once per distinct name."""
    distinct = pd.unique(names.dropna())
    table = pd.DataFrame([standardise_name(n) for n in distinct], columns=NameParts._fields)
    table.index = pd.Index(distinct, dtype=object)
    out = table.reindex(names.astype(object).where(names.notna(), None)).set_axis(names.index)
    out["name_is_placeholder"] = out["name_is_placeholder"].fillna(False).astype(bool)
    out["placeholder_child"] = out["placeholder_child"].fillna(False).astype(bool)
    return out
