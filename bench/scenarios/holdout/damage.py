"""Damage as desks really cause it, applied per mention and logged to ``truth/damage.csv``.

One :class:`Damager` rolls the per-source rates of ``rates.DAMAGE`` on the identity fields of a
mention (at most one *content* damage per field, plus formatting damage such as lower-case ``x``,
full-width digits or spaces on top), then the person-dependent damage (lunar birthdays of the
elderly, rare characters, minority separators, Latin-name variants, passports). Every change is
logged as ``source, org_code, record_id, role, field, kind`` with ``field`` the delivered column,
and the person is tagged with the matching kind for ``truth/kinds.csv``.

ID damage keeps to what people do: a mistyped digit (never in the check position), two adjacent
digits swapped, a wrong check character, month and day swapped inside the birth part (only when
the day is 12 or less, otherwise nobody would type it), and the Excel damage of checkup imports
(an 18-digit number stored as a float keeps 15 significant digits, so the last three become
``000`` — IDs ending in ``X`` are text and survive).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from bench.scenarios.holdout import ids, names
from bench.scenarios.holdout import rates as R
from bench.scenarios.holdout.people import Person

FULLWIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
_CONFUSABLE = {
    "0": "O",
    "O": "0",
    "1": "I",
    "I": "1",
    "8": "B",
    "B": "8",
    "5": "S",
    "S": "5",
    "2": "Z",
    "Z": "2",
}
ID_CONTENT = (
    "id_digit_typo",
    "id_adjacent_swap",
    "id_wrong_check",
    "id_mmdd_swap",
    "id_excel_zeroed",
)
ID_FORMAT = ("id_lowercase_x", "id_fullwidth", "id_spaces")
BIRTH = (
    "birth_mmdd_swap",
    "birth_one_day_off",
    "birth_year_typo",
    "birth_default_today",
    "birth_placeholder_1900",
)
NAME = ("name_homophone", "name_wu_dialect", "name_traditional", "name_space_inserted")
PHONE = ("phone_typo", "phone_changed", "phone_landline", "phone_prefix86")
_PERSON_KIND = {"id": "damaged_id", "birth": "damaged_date", "passport": "damaged_id"}


def digit_typo(value: str, rng: random.Random, stop: int = 17) -> str:
    i = rng.randrange(min(stop, len(value)))
    return value[:i] + rng.choice([d for d in "0123456789" if d != value[i]]) + value[i + 1 :]


def adjacent_swap(value: str, rng: random.Random, stop: int = 17) -> str | None:
    spots = [i for i in range(min(stop, len(value)) - 1) if value[i] != value[i + 1]]
    if not spots:
        return None
    i = rng.choice(spots)
    return value[:i] + value[i + 1] + value[i] + value[i + 2 :]


def swap_mmdd(ymd: str) -> str | None:
    """``YYYYMMDD`` with month and day swapped, when that is still a plausible date."""
    mm, dd = ymd[4:6], ymd[6:8]
    return ymd[:4] + dd + mm if mm != dd and int(dd) <= 12 else None


def shift_date(iso: str, days: int) -> str:
    return (date.fromisoformat(iso) + timedelta(days)).isoformat()


class Damager:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.rows: list[dict] = []
        self.count: dict[str, int] = {}

    def log(self, key: tuple, field: str, kind: str, person: Person | None = None) -> None:
        source, org, record_id, role = key
        self.rows.append(
            {
                "source": source,
                "org_code": org,
                "record_id": record_id,
                "role": role,
                "field": field,
                "kind": kind,
            }
        )
        self.count[kind] = self.count.get(kind, 0) + 1
        if person is not None and getattr(self, "_tag", True):
            tag = _PERSON_KIND.get(kind.split("_")[0])
            if tag and kind not in ("id_missing", "birth_missing"):
                person.kinds.add(tag)

    def drop(self, key: tuple, field: str) -> None:
        """Forget the damage logged on one field of one mention (the field was fixed)."""
        source, org, record_id, role = key
        self.rows = [
            r
            for r in self.rows
            if (r["source"], r["org_code"], r["record_id"], r["role"], r["field"])
            != (source, org, record_id, role, field)
        ]

    def rate(self, kind: str, rate: float) -> float:
        """``rate``, boosted by ``rates.WARM_START`` until ``kind`` has happened three times."""
        return min(1.0, rate * (R.WARM_START if self.count.get(kind, 0) < 3 else 1.0))

    def chance(self, kind: str, rate: float) -> bool:
        return self.rng.random() < self.rate(kind, rate)

    def hit(self, source: str, kind: str) -> bool:
        return self.chance(kind, R.DAMAGE[source].get(kind, 0.0))

    # --- one mention --------------------------------------------------------------------

    def identity(
        self,
        key: tuple,
        person: Person,
        ident: dict,
        cols: dict,
        source: str,
        today: date,
        *,
        own: bool = True,
        tag: bool = True,
    ) -> None:
        """Damage ``ident`` (name, id_type, id_no, sex, birth_date, phone) in place.

        ``cols`` maps those keys to the delivered columns (absent key: not in this source).
        ``own``: the values are the person's own (False for a placeholder/mother's identity,
        which gets only the desk's typing damage, not person-dependent damage); ``tag``: the
        fields describe the mention's person (False for guardian or mother fields)."""
        self._tag = tag
        if "id_no" in cols and ident.get("id_no"):
            self._id(key, person, ident, cols["id_no"], source)
        if "birth_date" in cols and ident.get("birth_date"):
            self._birth(key, person, ident, cols["birth_date"], source, today, own)
        if "name" in cols and ident.get("name"):
            self._name(key, person, ident, cols["name"], source, own)
        if "phone" in cols and ident.get("phone"):
            self._phone(key, person, ident, cols["phone"], source)
        if "sex" in cols and ident.get("sex") in ("1", "2") and self.hit(source, "sex_wrong"):
            ident["sex"] = {"1": "2", "2": "1"}[ident["sex"]]
            self.log(key, cols["sex"], "sex_wrong", person)
        self._tag = True

    def _id(self, key: tuple, p: Person, ident: dict, col: str, source: str) -> None:
        rng, v = self.rng, ident["id_no"]
        if self.hit(source, "id_missing"):
            ident["id_no"] = ""
            if rng.random() < 0.5:
                ident["id_type"] = ""
            self.log(key, col, "id_missing", p)
            return
        if ident.get("id_type", "01") in ("03", "06", "07") or not v[:17].isdigit():
            if self.chance("passport_typo", R.PASSPORT_TYPO):
                for _ in range(1 if rng.random() < 0.7 else 2):
                    i = rng.randrange(len(v))
                    v = v[:i] + _CONFUSABLE.get(v[i], digit_typo(v[i], rng, 1)) + v[i + 1 :]
                ident["id_no"] = v
                self.log(key, col, "passport_typo", p)
            return
        long = len(v) == 18
        for kind in ID_CONTENT:
            if not self.hit(source, kind):
                continue
            new = None
            if kind == "id_digit_typo":
                new = digit_typo(v, rng)
            elif kind == "id_adjacent_swap":
                new = adjacent_swap(v, rng)
            elif kind == "id_wrong_check" and long:
                new = v[:17] + rng.choice([c for c in "0123456789X" if c != v[17]])
            elif kind == "id_mmdd_swap":
                at = 10 if long else 8
                part = v[at - 4 : at + 4] if long else "19" + v[6:12]
                swapped = swap_mmdd(part)
                if swapped:
                    new = (
                        v[:at] + swapped[4:] + v[at + 4 :] if long else v[:8] + swapped[4:] + v[12:]
                    )
            elif kind == "id_excel_zeroed" and long and v[17] != "X":
                new = v[:15] + "000"
            if new and new != v:
                v = new
                self.log(key, col, kind, p)
                break
        if v.endswith("X") and self.hit(source, "id_lowercase_x"):
            v = v[:-1] + "x"
            self.log(key, col, "id_lowercase_x", p)
        if self.hit(source, "id_fullwidth"):
            v = v.translate(FULLWIDTH)
            self.log(key, col, "id_fullwidth", p)
        if self.hit(source, "id_spaces"):
            v = rng.choice([f"{v[:6]} {v[6:14]} {v[14:]}", f" {v}", f"{v} ", f"{v[:6]} {v[6:]}"])
            self.log(key, col, "id_spaces", p)
        ident["id_no"] = v

    def _birth(
        self, key: tuple, p: Person, ident: dict, col: str, source: str, today: date, own: bool
    ) -> None:
        rng, v = self.rng, ident["birth_date"]
        if self.hit(source, "birth_missing"):
            ident["birth_date"] = ""
            self.log(key, col, "birth_missing", p)
            return
        if (
            own
            and p.lunar
            and source in ("checkup", "hospital", "vaccination")
            and rng.random() < 0.5
        ):
            ident["birth_date"] = shift_date(v, rng.randint(20, 50))
            self.log(key, col, "birth_lunar", p)
            return
        for kind in BIRTH:
            if not self.hit(source, kind):
                continue
            new = None
            if kind == "birth_mmdd_swap":
                s = swap_mmdd(v.replace("-", ""))
                new = f"{s[:4]}-{s[4:6]}-{s[6:]}" if s else None
            elif kind == "birth_one_day_off":
                new = shift_date(v, rng.choice([-1, 1]))
            elif kind == "birth_year_typo":
                y = v[:4]
                alt = rng.choice([y[:2] + y[3] + y[2], str(int(y) + rng.choice([-10, -1, 1, 10]))])
                new = alt + v[4:] if alt != y and v[5:] != "02-29" else None
            elif kind == "birth_default_today":
                new = today.isoformat()
            elif kind == "birth_placeholder_1900":
                new = "1900-01-01"
            if new and new != v:
                ident["birth_date"] = new
                self.log(key, col, kind, p)
                return

    def _name(self, key: tuple, p: Person, ident: dict, col: str, source: str, own: bool) -> None:
        rng, v = self.rng, ident["name"]
        if own and p.foreign:
            _nat, fam, given_, middle, _sex, kanji = p.foreign
            if kanji and self.chance("name_kanji_for_latin", R.KANJI_FOR_LATIN):
                ident["name"] = kanji
                self.log(key, col, "name_kanji_for_latin", p)
                return
            text, kinds = names.latin_variant(
                fam,
                given_,
                middle,
                rng,
                self.rate("latin_order_swapped", R.LATIN_ORDER_SWAPPED),
                self.rate("latin_middle_dropped", R.LATIN_MIDDLE_DROPPED),
                self.rate("latin_case_spacing", R.LATIN_CASE_SPACING),
            )
            ident["name"] = text
            for k in kinds:
                self.log(key, col, k, p)
            return
        if own and p.minority and rng.random() < R.MINORITY_DOT_VARIANT:
            new = names.minority_variant(v, rng)
            if source == "checkup":
                new = new.replace("・", "")
            if new != v:
                ident["name"] = new
                self.log(key, col, "name_minority_dot", p)
            return
        if own and p.rare and rng.random() < R.RARE_CHAR_SUBSTITUTED:
            ident["name"] = names.rare_substitute(v) or v
            self.log(key, col, "name_rare_char_substitute", p)
            return
        if own and p.trad and rng.random() < 0.5:
            ident["name"] = names.simplified(v)
            self.log(key, col, "name_simplified", p)
            return
        for kind in NAME:
            if not self.hit(source, kind):
                continue
            new = None
            if kind == "name_homophone":
                new = names.homophone(v, rng, keep_surname=rng.random() < 0.8)
            elif kind == "name_wu_dialect":
                new = names.wu_dialect(v)
            elif kind == "name_traditional":
                new = names.traditional(v)
            elif kind == "name_space_inserted" and "·" not in v and len(v) >= 2:
                at = len(p.fam) if own and p.fam and v.startswith(p.fam) else 1
                new = v[:at] + rng.choice([" ", "  ", "\u3000"]) + v[at:]
                if source == "checkup":
                    new = new.replace("\u3000", " ")
            if new and new != v:
                ident["name"] = new
                self.log(key, col, kind, p)
                return

    def _phone(self, key: tuple, p: Person, ident: dict, col: str, source: str) -> None:
        rng, v = self.rng, ident["phone"]
        if self.hit(source, "phone_missing"):
            ident["phone"] = ""
            self.log(key, col, "phone_missing", p)
            return
        for kind in PHONE:
            if not self.hit(source, kind):
                continue
            if kind == "phone_typo":
                new = v[:3] + digit_typo(v[3:], rng, 8)
            elif kind == "phone_changed":
                new = p.phone2 if p.phone2 and p.phone2 != v else ids.mobile(rng, set())
            elif kind == "phone_landline":
                new = p.phone2 if p.phone2 and not p.phone2.startswith("1") else ids.landline(rng)
            else:
                new = rng.choice(["+86 ", "86", "+86"]) + v
            if new != v:
                ident["phone"] = new
                self.log(key, col, kind, p)
                return
