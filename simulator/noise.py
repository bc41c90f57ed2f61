"""Damage functions: how institutions mistype identities, per their data-quality profiles.

Every function draws its random numbers for all rows at once and decides by comparing them with
each row's institution rate; only the (few) damaged values are rewritten, in Python.
``damage`` returns the damaged copy and a mask of rows that were touched, so callers can send a
corrected version later.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import opencc
import pandas as pd

from kernel import idno
from simulator.config import load
from simulator.institutions import Institutions

FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
LATIN = re.compile(r"[A-Za-z]")


@cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


class Noise:
    """Identity damage at the rates of each row's institution, times ``scale``."""

    def __init__(self, inst: Institutions, scale: float = 1.0) -> None:
        self.inst, self.scale = inst, scale
        self.homophones: dict[str, list[str]] = load("names")["homophones"]

    def rate(self, name: str, org: np.ndarray) -> np.ndarray:
        return np.minimum(self.inst.rate(name, org) * self.scale, 1.0)

    def damage(
        self, frame: pd.DataFrame, org: np.ndarray, rng: np.random.Generator
    ) -> tuple[pd.DataFrame, np.ndarray]:
        """Damage id_no, name, phone, birth_date and sex of an :func:`identity.as_of` frame."""
        out = frame.copy()
        ids, hit_id = self.ids(
            frame["id_no"].to_numpy(object),
            org,
            rng,
            elderly=frame["elderly"].to_numpy(bool),
            child=frame["child"].to_numpy(bool),
            mother_ids=frame["mother_id_no"].to_numpy(object),
        )
        out["id_no"] = ids
        out.loc[hit_id & (ids == ""), "id_type"] = ""
        out["name"], hit_name = self.names(frame["name"].to_numpy(object), org, rng)
        out["phone"], hit_phone = self.phones(frame["phone"].to_numpy(object), org, rng)
        out["birth_date"], hit_birth = self.birth_dates(
            frame["birth_date"].to_numpy(object), org, rng
        )
        unknown = rng.random(len(frame)) < self.rate("sex_unknown", org)
        out.loc[unknown, "sex"] = np.where(rng.random(int(unknown.sum())) < 0.7, "0", "9")
        return out, hit_id | hit_name | hit_phone | hit_birth | unknown

    def ids(
        self,
        ids: np.ndarray,
        org: np.ndarray,
        rng: np.random.Generator,
        *,
        elderly: np.ndarray,
        child: np.ndarray,
        mother_ids: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        n = len(ids)
        out = ids.astype(object).copy()
        u, pos = rng.random((n, 8)), rng.integers(0, 1 << 30, (n, 2))
        lengths = pd.Series(out, dtype=object).str.len().fillna(0).to_numpy()
        present = lengths > 0
        mother = child & (mother_ids != "") & (u[:, 7] < self.rate("mother_id_for_child", org))
        out[mother] = mother_ids[mother]
        resident = (lengths == 18) | mother
        missing = present & ~mother & (u[:, 0] < self.rate("id_missing", org))
        keep = ~missing & ~mother
        legacy = resident & elderly & keep & (u[:, 1] < self.rate("id_legacy15", org))
        typo = resident & keep & ~legacy & (u[:, 2] < self.rate("id_typo", org))
        swap = resident & keep & ~legacy & ~typo & (u[:, 3] < self.rate("id_swap", org))
        kept = (present | mother) & ~missing
        lower = (
            kept
            & ~legacy
            & (pd.Series(out).str.endswith("X").to_numpy(bool))
            & (u[:, 5] < self.rate("id_lower_x", org))
        )
        full = kept & (u[:, 4] < self.rate("id_fullwidth", org))
        space = kept & (u[:, 6] < self.rate("id_space", org))
        out[missing] = ""
        _apply(out, legacy, lambda s, p: idno.to_legacy15(s), pos[:, 0])
        _apply(out, typo, _typo, pos[:, 0])
        _apply(out, swap, _swap, pos[:, 0])
        _apply(out, lower, lambda s, p: s[:-1] + "x", pos[:, 0])
        _apply(out, full, lambda s, p: s.translate(FULLWIDTH), pos[:, 0])
        _apply(out, space, _space, pos[:, 1])
        return out, mother | missing | legacy | typo | swap | lower | full | space

    def other_ids(
        self, ids: np.ndarray, org: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """A parent's (guardian's) number written on a child's record: damaged like any
        number, never replaced by somebody else's."""
        n = len(ids)
        no = np.zeros(n, bool)
        return self.ids(ids, org, rng, elderly=no, child=no, mother_ids=ids)

    def names(
        self, names: np.ndarray, org: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        out = names.astype(object).copy()
        u, pos = rng.random((len(out), 3)), rng.integers(0, 1 << 30, len(out))
        text = pd.Series(out, dtype=object)
        present = text.str.len().fillna(0).to_numpy() > 0
        han = present & ~text.str.contains(LATIN).fillna(False).to_numpy(bool)
        trad = han & (u[:, 0] < self.rate("name_traditional", org))
        homo = han & ~trad & (u[:, 1] < self.rate("name_homophone", org))
        space = present & (u[:, 2] < self.rate("name_space", org))
        if trad.any():
            distinct = {v: _s2t().convert(v) for v in sorted(set(out[trad]))}
            out[trad] = [distinct[v] for v in out[trad]]
        _apply(out, homo, self._homophone, pos)
        _apply(out, space, _name_space, pos)
        return out, trad | homo | space

    def _homophone(self, name: str, pick: int) -> str:
        for i, char in enumerate(name[1:], start=1):
            if char in self.homophones:
                options = self.homophones[char]
                return name[:i] + options[pick % len(options)] + name[i + 1 :]
        return name

    def phones(
        self, phones: np.ndarray, org: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        out = phones.astype(object).copy()
        u, pos = rng.random((len(out), 2)), rng.integers(0, 1 << 30, len(out))
        present = pd.Series(out, dtype=object).str.len().fillna(0).to_numpy() > 0
        missing = present & (u[:, 0] < self.rate("phone_missing", org))
        styled = present & ~missing & (u[:, 1] < self.rate("phone_format", org))
        out[missing] = ""
        _apply(out, styled, _phone_style, pos)
        return out, missing | styled

    def birth_dates(
        self, dates: np.ndarray, org: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        out = dates.astype(object).copy()
        u, pos = rng.random(len(out)), rng.integers(0, 2, len(out))
        hit = (pd.Series(out, dtype=object).str.len().fillna(0).to_numpy() == 10) & (
            u < self.rate("birth_date_format", org)
        )
        _apply(out, hit, lambda s, p: s.replace("-", "/") if p else s.replace("-", ""), pos)
        return out, hit


def _apply(values: np.ndarray, mask: np.ndarray, fn, pos: np.ndarray) -> None:
    """Rewrite the masked values in place with ``fn(value, random_int)``."""
    where = np.flatnonzero(mask)
    if len(where):
        values[where] = [fn(values[i], int(pos[i])) for i in where]


def _typo(s: str, p: int) -> str:
    i = p % min(len(s), 17)
    if not s[i].isdigit():
        return s
    digit = (int(s[i]) + 1 + (p >> 5) % 9) % 10
    return s[:i] + str(digit) + s[i + 1 :]


def _swap(s: str, p: int) -> str:
    for k in range(16):
        i = (p + k) % 16
        if s[i] != s[i + 1]:
            return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    return s


def _space(s: str, p: int) -> str:
    kind = p % 3
    if kind == 0:
        return s + " "
    if kind == 1:
        return " " + s
    i = 6 if len(s) > 6 else 1
    return s[:i] + " " + s[i:]


def _name_space(s: str, p: int) -> str:
    if "·" in s:
        return s.replace("·", (".", "．", "", " ")[p % 4])
    if p % 2 and len(s) > 1:
        return s[0] + " " + s[1:]
    return s + " "


def _phone_style(s: str, p: int) -> str:
    kind = p % 5
    if kind == 0:
        return "+86 " + s
    if kind == 1:
        return "+86" + s
    if kind == 2:
        return f"{s[:3]}-{s[3:7]}-{s[7:]}"
    if kind == 3:
        return f"{s[:3]} {s[3:7]} {s[7:]}"
    return f"0512-6{(p >> 3) % 10_000_000:07d}"  # a landline instead of the mobile
