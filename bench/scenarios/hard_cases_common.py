"""The vocabulary of the hard-case tables: institutions, persons, records, cases, damage helpers.

A case table names each person once with their true identity (:class:`Person`) and then lists
the records that mention them (:class:`Rec`). A record delivers the person's true values unless
it says otherwise: every deviation — a placeholder name, a mistyped ID, a swapped birth date —
is written out in the table as an override, so reading a case shows exactly what was delivered.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bench.scenarios.deliver import Institution, legacy15, resident_id

# The suite is one institution back-file (首次对接补传) delivered over three nights, oldest
# events first; see :func:`delivery_day`.
DAYS = (date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3))

H1, H2, H3 = "H320508001", "H320583001", "H320581002"  # hospitals (HIS front-end databases)
M1, M2 = "M320508001", "M320583001"  # 妇幼保健院: hospital + vaccination + MCH
C1, C2, C3 = "C320571001", "C320506001", "C320508002"  # 社区卫生服务中心: vaccination + MCH
K1, K2 = "K320508003", "K320583002"  # 体检中心 (GBK CSV)

_HVM, _VM = ("hospital", "vaccination", "mch"), ("vaccination", "mch")
_CHC = "community_health_center"
INSTITUTIONS = (
    Institution(H1, "姑苏区人民医院", "320508", "tertiary_hospital", ("hospital",)),
    Institution(H2, "昆山市人民医院", "320583", "tertiary_hospital", ("hospital",)),
    Institution(H3, "常熟市第二人民医院", "320581", "secondary_hospital", ("hospital",)),
    Institution(M1, "苏州市妇幼保健院", "320508", "mch_hospital", _HVM),
    Institution(M2, "昆山市妇幼保健院", "320583", "mch_hospital", _HVM),
    Institution(C1, "园区湖东社区卫生服务中心", "320571", _CHC, _VM),
    Institution(C2, "吴中区长桥社区卫生服务中心", "320506", _CHC, _VM),
    Institution(C3, "姑苏区双塔社区卫生服务中心", "320508", _CHC, _VM),
    Institution(K1, "姑苏区健康体检中心", "320508", "checkup_center", ("checkup",)),
    Institution(K2, "昆山市健康体检中心", "320583", "checkup_center", ("checkup",)),
)

SOURCE_OF_FORM = {
    "patient": "hospital",
    "dose": "vaccination",
    "visit": "checkup",
    **{
        rt: "mch"
        for rt in (
            "maternal_registration",
            "prenatal_visit",
            "delivery",
            "postpartum_visit",
            "child_checkup",
        )
    },
}

# Override keys a record may carry. Identity keys name the value the record delivers for its
# person (``g_*``: for the guardian / mother written on a child's record); the rest choose
# non-identity content (vaccine, department, …) where the default would be wrong for the story.
IDENTITY_KEYS = frozenset({"name", "sex", "birth", "id_no", "id_type", "phone", "address"})
KIN_KEYS = frozenset({"g_name", "g_id", "g_phone", "baby_name", "baby_sex"})
CONTENT_KEYS = frozenset(
    {"vac", "dose", "dept", "enc", "dx", "mode", "gw", "bw", "dad", "employer"}
)


@dataclass(frozen=True)
class Person:
    """One real person of a case with their true identity.

    ``dc``/``seq`` give a 居民身份证 number computed per GB 11643 from ``dc`` (a Suzhou district
    code), the birth date and ``seq`` (odd = male); ``doc``/``doc_type`` give a document without
    a checksum (passport 03, 港澳通行证 06, 台胞证 07) instead; neither means no ID at all.
    """

    name: str
    sex: str  # GB/T 2261.1: 1 男, 2 女
    birth: str  # YYYY-MM-DD
    phone: str = ""
    address: str = ""
    dc: str = ""
    seq: int = 0
    doc: str = ""
    doc_type: str = ""

    @property
    def id_no(self) -> str:
        if self.doc:
            return self.doc
        return resident_id(self.dc, self.birth, self.seq) if self.dc else ""

    @property
    def id_type(self) -> str:
        return self.doc_type if self.doc else ("01" if self.dc else "")


@dataclass(frozen=True)
class Rec:
    """One delivered record. ``who`` is the person the record is about (for ``delivery``: the
    mother); ``kin`` the guardian/mother on a child's record, or the baby on a ``delivery``."""

    form: str  # patient | dose | visit | an MCH record type
    org: str
    who: str
    at: str  # event: "YYYY-MM-DD" or "YYYY-MM-DD HH:MM"
    kin: str = ""
    over: dict[str, Any] = field(default_factory=dict)
    note: str = ""  # record-level remark, added to the case note in truth/cases.csv
    day: int = 0  # 1–3 to force the delivery night; 0 = by the event date

    @property
    def source(self) -> str:
        return SOURCE_OF_FORM[self.form]


@dataclass(frozen=True)
class Case:
    """A group of mentions whose correct grouping is decided by domain knowledge (``note``)."""

    case_id: str
    kind: str
    note: str
    persons: dict[str, Person]
    records: tuple[Rec, ...]
    families: tuple[tuple[str, str, str], ...] = ()  # (mother, child, twin tag or "")


def _rec(form: str, org: str, who: str, at: str, kin: str, note: str, day: int, over: dict) -> Rec:
    unknown = set(over) - IDENTITY_KEYS - KIN_KEYS - CONTENT_KEYS
    if unknown:
        raise ValueError(f"unknown override(s) {sorted(unknown)}")
    return Rec(form, org, who, at, kin, dict(over), note, day)


def hosp(org: str, who: str, at: str, *, note: str = "", day: int = 0, **over: Any) -> Rec:
    """A hospital ``patient`` row (with one encounter and diagnosis) for ``who``."""
    return _rec("patient", org, who, at, "", note, day, over)


def vacc(
    org: str, who: str, at: str, kin: str = "", *, note: str = "", day: int = 0, **over: Any
) -> Rec:
    """A vaccination dose for ``who``; ``kin`` is the guardian (the mother for a child)."""
    return _rec("dose", org, who, at, kin, note, day, over)


def mch(
    form: str, org: str, who: str, at: str, kin: str = "", *, note: str = "", day: int = 0,
    **over: Any,
) -> Rec:  # fmt: skip
    """An MCH record; ``delivery``: ``who`` the mother, ``kin`` the baby; ``child_checkup``:
    ``who`` the child, ``kin`` the mother."""
    if SOURCE_OF_FORM.get(form) != "mch":
        raise ValueError(f"not an MCH record type: {form!r}")
    return _rec(form, org, who, at, kin, note, day, over)


def chk(org: str, who: str, at: str, *, note: str = "", day: int = 0, **over: Any) -> Rec:
    """A health-checkup visit (GBK CSV) for ``who``."""
    return _rec("visit", org, who, at, "", note, day, over)


# --- damage, spelled out so the tables say what was typed -----------------------------------


def typo(value: str, pos: int, char: str) -> str:
    """``value`` with the character at ``pos`` (0-based) mistyped as ``char``."""
    if value[pos] == char:
        raise ValueError("a typo must change the character")
    return value[:pos] + char + value[pos + 1 :]


def swap(value: str, pos: int) -> str:
    """``value`` with the characters at ``pos`` and ``pos + 1`` transposed."""
    if value[pos] == value[pos + 1]:
        raise ValueError("swapping equal characters changes nothing")
    return value[:pos] + value[pos + 1] + value[pos] + value[pos + 2 :]


def fullwidth(value: str) -> str:
    """Full-width forms (０-９, Ｘ), as a Chinese input method in full-width mode types them."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in value)


def spaced(id18: str) -> str:
    """An ID typed in the 6-8-4 groups printed on the card."""
    return f"{id18[:6]} {id18[6:14]} {id18[14:]}"


def with_birth(id18: str, ymd: str) -> str:
    """The ID with its birth part replaced but the old check character kept (a typing slip)."""
    return id18[:6] + ymd + id18[14:]


def legacy(id18: str) -> str:
    """The 15-digit GB 11643-1989 form of the same number."""
    return legacy15(id18)


def normalise_id(value: str) -> str:
    """Folded form used only to keep cases apart (NFKC, no spaces, upper case)."""
    return unicodedata.normalize("NFKC", value).replace(" ", "").upper()


def delivery_day(rec: Rec) -> date:
    """The night a record is delivered: the back-file in event order over the three nights.

    Events before 2025-10 arrive the first night, the last quarter of 2025 the second, 2026 the
    third; so within a case the later records (the ID card, the real name) arrive later too.
    """
    if rec.day:
        return DAYS[rec.day - 1]
    event = date.fromisoformat(rec.at[:10])
    n = 0 if event < date(2025, 10, 1) else 1 if event < date(2026, 1, 1) else 2
    if event > DAYS[n]:
        raise ValueError(f"event {rec.at} after its delivery night {DAYS[n]}")
    return DAYS[n]
