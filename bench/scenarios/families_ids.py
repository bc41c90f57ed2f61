"""Identifiers for the families scenario: GB 11643 ID numbers, GB 11714 org codes, phones.

Everything here is computed from the standards themselves (STANDARDS.md), not borrowed from the
pipeline, so that a number the generator calls valid is valid by the standard's own arithmetic.
"""

from __future__ import annotations

import random
from datetime import date

# GB 11643-1999 / ISO 7064 MOD 11-2: weights of the first 17 digits, and sum mod 11 -> check char.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

# The ten county-level units of the reference city (SOURCES.md) with their 2025 常住人口, rounded
# from the Suzhou statistical yearbook (万人 x 10 000); only their proportions matter here.
DISTRICTS: dict[str, tuple[str, int]] = {
    "320505": ("虎丘区", 876_000),
    "320506": ("吴中区", 1_402_000),
    "320507": ("相城区", 921_000),
    "320508": ("姑苏区", 946_000),
    "320509": ("吴江区", 1_571_000),
    "320571": ("苏州工业园区", 1_143_000),
    "320581": ("常熟市", 1_683_000),
    "320582": ("张家港市", 1_452_000),
    "320583": ("昆山市", 2_122_000),
    "320585": ("太仓市", 843_000),
}
SUZHOU_CODES = tuple(DISTRICTS)

# Address codes stay on an ID card for life, so adults carry the codes of where their hukou was
# first registered. Older Suzhou natives have pre-2012 codes (平江/沧浪/金阊 were merged into 姑苏,
# 吴江市 and 吴县市 became districts); about half of Suzhou's residents are migrants (新苏州人),
# mostly from northern Jiangsu, Anhui, Henan and Sichuan.
OLD_SUZHOU_CODES = ("320502", "320503", "320504", "320584", "320586", "320581", "320582", "320583")
MIGRANT_CODES = (
    "320324",
    "320830",
    "321322",
    "321081",
    "340122",
    "341221",
    "342221",
    "341623",
    "411522",
    "412725",
    "410381",
    "510922",
    "511621",
    "430524",
    "362427",
    "370883",
)
TAIWAN_PERMIT_CODE = "830000"  # 台湾居民居住证 uses type 01 and this address code

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")

# Mobile prefixes of the three carriers in use in 2026 (CMCC, CUCC, CTCC, incl. 19x/16x blocks).
PHONE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def make_id(address_code: str, birth: date, sequence: int) -> str:
    """An 18-character ID number; ``sequence`` is 1..999 and its parity encodes sex (odd = male)."""
    body = f"{address_code}{birth:%Y%m%d}{sequence:03d}"
    return body + id_check_char(body)


def to_legacy15(id18: str) -> str:
    """The GB 11643-1989 15-digit form: address + YYMMDD + sequence, no check character."""
    return id18[:6] + id18[8:14] + id18[14:17]


def org_code_check(first8: str) -> str:
    """GB 11714 organisation-code check character of 8 digits (weights 3 7 9 10 5 8 4 2)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    rest = 11 - sum(int(c) * w for c, w in zip(first8, weights, strict=True)) % 11
    return {10: "X", 11: "0"}.get(rest, str(rest))


class IdFactory:
    """Hands out unique ID numbers and phones, so that no two people collide by accident."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used_ids: set[str] = set()
        self._used_phones: set[str] = set()

    def sequences(self, address_code: str, birth: date, sexes: list[int]) -> list[int]:
        """Sequences for people sharing address code and birth date (twins get a run).

        Police stations number births of the same day in order of registration, so twins
        registered together get consecutive numbers, skipping one where the sex parity needs it.
        """
        while True:
            seq = self._rng.randint(1, 900)
            out: list[int] = []
            for sex in sexes:
                while seq % 2 != (1 if sex == 1 else 0):
                    seq += 1
                out.append(seq)
                seq += 1
            ids = [make_id(address_code, birth, s) for s in out]
            if not any(i[:17] in self._used_ids for i in ids):
                self._used_ids.update(i[:17] for i in ids)
                return out

    def id_for(self, address_code: str, birth: date, sex: int) -> str:
        """One new valid ID number."""
        return make_id(address_code, birth, self.sequences(address_code, birth, [sex])[0])

    def phone(self) -> str:
        """A new 11-digit mainland mobile number nobody else has."""
        while True:
            p = self._rng.choice(PHONE_PREFIXES) + f"{self._rng.randrange(10**8):08d}"
            if p not in self._used_phones:
                self._used_phones.add(p)
                return p
