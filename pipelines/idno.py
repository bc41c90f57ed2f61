"""GB 11643-1999 resident ID numbers (居民身份证号码): check character, 15→18, parts.

18 characters: 6-digit address code, 8-digit birth date, 3-digit sequence (odd = male), and an
ISO 7064 MOD 11-2 check character. The legacy 15-digit number (GB 11643-1989) has a 2-digit
year and no check character. Shared by the simulator (to make numbers) and standardisation
(to verify and repair them).
"""

from __future__ import annotations

from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    """The MOD 11-2 check character of the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("check_char needs exactly 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def is_valid(id_no: str | None) -> bool:
    """True for an 18-character number with a right check character and a real birth date."""
    if not id_no or len(id_no) != 18 or not id_no[:17].isdigit():
        return False
    return check_char(id_no[:17]) == id_no[17] and birth_date(id_no) is not None


def make(address_code: str, born: date, sequence: int) -> str:
    """Compose a valid 18-character number; an odd ``sequence`` is a man, even a woman."""
    first17 = f"{address_code}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def to_legacy15(id_no: str) -> str:
    """The 1989 15-digit form of an 18-character number (drops the century and check)."""
    return id_no[:6] + id_no[8:17]


def from_legacy15(legacy: str) -> str:
    """Convert a 15-digit number to 18: insert ``19`` before YYMMDD, append the check char."""
    if len(legacy) != 15 or not legacy.isdigit():
        raise ValueError("a legacy ID number has 15 digits")
    first17 = legacy[:6] + "19" + legacy[6:]
    return first17 + check_char(first17)


def birth_date(id_no: str) -> date | None:
    """The birth date encoded in an 18-character number, or None if it is not a real date."""
    try:
        return date(int(id_no[6:10]), int(id_no[10:12]), int(id_no[12:14]))
    except ValueError:
        return None


def sex_code(id_no: str) -> str:
    """GB/T 2261.1 sex code from the sequence digit: odd ``1`` (男), even ``2`` (女)."""
    return "1" if int(id_no[16]) % 2 else "2"
