"""Names: cleaning, placeholders, pinyin with the surname table, surname split."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.standardise.names import split_name, standardise_name, standardise_names, to_pinyin

# (delivered, name, pinyin, surname, given name)
CASES = [
    ("  王 伟 ", "王伟", "wang wei", "王", "伟"),  # spaces trimmed and removed inside
    ("王\u3000伟", "王伟", "wang wei", "王", "伟"),  # full-width space
    ("張麗", "张丽", "zhang li", "张", "丽"),  # traditional → simplified
    ("陳建國", "陈建国", "chen jian guo", "陈", "建国"),
    ("欧阳娜娜", "欧阳娜娜", "ou yang na na", "欧阳", "娜娜"),  # compound surname
    ("诸葛亮", "诸葛亮", "zhu ge liang", "诸葛", "亮"),
    ("尉迟恭", "尉迟恭", "yu chi gong", "尉迟", "恭"),  # compound and polyphonic
    ("单田芳", "单田芳", "shan tian fang", "单", "田芳"),  # pypinyin alone says dan
    ("曾国藩", "曾国藩", "zeng guo fan", "曾", "国藩"),  # not ceng
    ("区小明", "区小明", "ou xiao ming", "区", "小明"),  # not qu
    ("解放", "解放", "xie fang", "解", "放"),  # not jie
    ("仇英", "仇英", "qiu ying", "仇", "英"),
    ("朴树", "朴树", "piao shu", "朴", "树"),
    ("查良镛", "查良镛", "zha liang yong", "查", "良镛"),
    ("吕布", "吕布", "lv bu", "吕", "布"),
    ("买买提·艾力", "买买提·艾力", "mai mai ti ai li", None, "买买提·艾力"),  # no surname
    ("john  smith", "JOHN SMITH", "john smith", "JOHN", "SMITH"),  # Latin: upper, single spaces
    ("ＷＡＮＧ ＷＥＩ", "WANG WEI", "wang wei", "WANG", "WEI"),  # full-width Latin
]


@pytest.mark.parametrize(("raw", "name", "pinyin", "surname", "given"), CASES)
def test_names_are_standardised(
    raw: str, name: str, pinyin: str, surname: str | None, given: str
) -> None:
    parts = standardise_name(raw)
    assert (parts.name, parts.name_pinyin, parts.surname, parts.given_name) == (
        name, pinyin, surname, given,
    )  # fmt: skip
    assert parts.name_is_placeholder is False


@pytest.mark.parametrize(
    "raw",
    ["张XX之子", "张丽之女", "婴儿", "新生儿", "男婴", "无名氏", "李某", "不详",
     # what clinics call a baby before it has a name: parent's surname or name, or its order
     "张宝宝", "宝宝", "大宝", "二宝", "小宝", "小张", "王芳婴", "王芳之婴2", "王芳的儿子",
     "次女", "双胞胎大", "朱敏女", "陈婷婷二宝", "王大宝", "顾敏(婴)", "王芳（之子）",
     # twins' placeholders with their order after them
     "金婧之子(大)", "金婧之女（小）", "王芳之子B", "王芳婴小", "李娜之女二"],
)  # fmt: skip
def test_placeholders_are_not_names(raw: str) -> None:
    parts = standardise_name(raw)
    assert parts.name is None and parts.name_pinyin is None and parts.name_is_placeholder is True


@pytest.mark.parametrize(
    "raw", ["MAX", "张婴", "王子", "李女", "李婴", "小明", "王宝", "张宝", "王小", "李大", "张子大"]
)
def test_real_names_that_look_close_to_placeholders(raw: str) -> None:
    assert standardise_name(raw).name_is_placeholder is False


def test_a_column_is_standardised_per_distinct_name() -> None:
    names = pd.Series(["張麗", None, "张丽", "婴儿", "張麗"], index=[10, 11, 12, 13, 14])
    out = standardise_names(names)
    assert out.index.tolist() == [10, 11, 12, 13, 14]
    assert (
        out["name"].tolist()[0] == "张丽"
        and out["name"][12] == "张丽"
        and out["name"][14] == "张丽"
    )
    assert out["name_is_placeholder"].tolist() == [False, False, False, True, False]
    assert pd.isna(out["name"][11]) and pd.isna(out["name"][13])


@pytest.mark.parametrize(
    ("raw", "toned"),
    [
        ("王伟", "wang2 wei3"),
        ("汪薇", "wang1 wei1"),  # same toneless key as 王伟: the tones tell them apart
        ("单田芳", "shan4 tian2 fang1"),  # the surname table's reading, with its tone
        ("曾国藩", "zeng1 guo2 fan1"),
        ("尉迟恭", "yu4 chi2 gong1"),  # compound surname read as a surname
        ("吕布", "lv3 bu4"),
        ("José  María", "jose maria"),  # Latin: no tones
        ("婴儿", None),  # a placeholder has no pinyin
    ],
)
def test_pinyin_with_tones(raw: str, toned: str | None) -> None:
    assert standardise_name(raw).name_pinyin_tone == toned


@pytest.mark.parametrize(
    ("raw", "name"),
    [("José  María", "JOSE MARIA"), ("SMITH, John", "SMITH JOHN"), ("Zoë O'Neil", "ZOE O'NEIL")],
)
def test_latin_names_lose_accents_and_commas(raw: str, name: str) -> None:
    assert standardise_name(raw).name == name


def test_helpers_for_the_linkage_stage() -> None:
    assert to_pinyin("单") == "shan" and to_pinyin(None) is None
    assert split_name("司马光") == ("司马", "光")
    assert split_name("司马") == ("司", "马")  # two characters: a one-character surname


@pytest.mark.parametrize(
    ("raw", "order"),
    [("大宝", 1), ("二宝", 2), ("三宝", 3), ("老二宝", 2), ("长女", 1), ("次子", 2),
     ("双胞胎小", 2), ("王芳之婴2", 2), ("王芳之子1", 1), ("张宝宝", None), ("婴儿", None),
     ("金婧之子(大)", 1), ("金婧之子(小)", 2), ("王芳之女（2）", 2), ("王芳之子a", 1),
     ("王芳之子B", 2), ("王芳婴小", 2), ("李娜之女二", 2)],
)  # fmt: skip
def test_a_placeholder_keeps_the_birth_order_it_names(raw: str, order: int | None) -> None:
    # twins are told apart by it: 大宝 and 二宝 of one mother are two children
    assert standardise_name(raw).birth_order == order
