"""Damage functions and institutions' data-quality profiles."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from kernel import idno
from simulator import institutions
from simulator.config import load
from simulator.noise import Noise

MAN = idno.make("320505", date(1950, 3, 1), 17)  # born before 1960: may get a legacy number
WOMAN_X = "11010519491231002X"  # STANDARDS.md example, ends in X
MOTHER = idno.make("320583", date(1990, 6, 1), 22)


def _noise(**rates: float) -> tuple[Noise, np.ndarray]:
    """An institution list whose first institution has exactly ``rates`` (others zero)."""
    inst = institutions.build(np.random.default_rng(0))
    inst.rates.loc[:, :] = 0.0
    for name, value in rates.items():
        inst.rates.loc[0, name] = value
    return Noise(inst), np.zeros(200, np.int64)


def _ids(
    noise: Noise, org: np.ndarray, ids: list[str], child: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    n = len(org)
    return noise.ids(
        np.array((ids * n)[:n], dtype=object),
        org,
        np.random.default_rng(1),
        elderly=np.ones(n, bool),
        child=np.full(n, child),
        mother_ids=np.full(n, MOTHER, dtype=object),
    )


def test_zero_rates_leave_identities_untouched() -> None:
    noise, org = _noise()
    frame = pd.DataFrame(
        {
            "id_no": MAN,
            "id_type": "01",
            "name": "张伟",
            "phone": "13812345678",
            "birth_date": "1950-03-01",
            "sex": "1",
            "elderly": True,
            "child": False,
            "mother_id_no": "",
        },
        index=range(len(org)),
    )
    damaged, hit = noise.damage(frame, org, np.random.default_rng(2))
    pd.testing.assert_frame_equal(damaged, frame)
    assert not hit.any()


def test_a_typo_changes_exactly_one_digit_and_breaks_the_checksum() -> None:
    noise, org = _noise(id_typo=1.0)
    out, hit = _ids(noise, org, [MAN])
    assert hit.all()
    assert all(sum(a != b for a, b in zip(v, MAN, strict=True)) == 1 for v in out)
    assert not any(idno.is_valid(v) for v in out)  # MOD 11-2 catches every single-digit error


def test_a_swap_exchanges_two_adjacent_digits() -> None:
    noise, org = _noise(id_swap=1.0)
    out, _ = _ids(noise, org, [MAN])
    for value in out:
        diff = [i for i, (a, b) in enumerate(zip(value, MAN, strict=True)) if a != b]
        assert len(diff) == 2 and diff[1] == diff[0] + 1 and sorted(value) == sorted(MAN)


def test_legacy_numbers_convert_back_to_the_original() -> None:
    noise, org = _noise(id_legacy15=1.0)
    out, _ = _ids(noise, org, [MAN])
    assert {len(v) for v in out} == {15} and {idno.from_legacy15(v) for v in out} == {MAN}


@pytest.mark.parametrize(
    ("rate", "check"),
    [
        (
            "id_fullwidth",
            lambda v: (
                v == WOMAN_X.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
            ),
        ),
        ("id_lower_x", lambda v: v == WOMAN_X[:-1] + "x"),
        ("id_space", lambda v: v.replace(" ", "") == WOMAN_X and v != WOMAN_X),
        ("id_missing", lambda v: v == ""),
    ],
)
def test_format_damage(rate: str, check) -> None:
    noise, org = _noise(**{rate: 1.0})
    out, _ = _ids(noise, org, [WOMAN_X])
    assert all(check(v) for v in out)


def test_a_childs_record_may_carry_the_mothers_number() -> None:
    noise, org = _noise(mother_id_for_child=1.0)
    out, _ = _ids(noise, org, [""], child=True)
    assert set(out) == {MOTHER}


def test_name_damage_keeps_the_sound() -> None:
    homophones = load("names")["homophones"]
    noise, org = _noise(name_traditional=1.0)
    out, _ = noise.names(np.full(len(org), "张伟", dtype=object), org, np.random.default_rng(3))
    assert set(out) == {"張偉"}
    noise, org = _noise(name_homophone=1.0)
    out, _ = noise.names(np.full(len(org), "张伟", dtype=object), org, np.random.default_rng(3))
    assert set(out) <= {"张" + h for h in homophones["伟"]} and len(set(out)) > 1
    noise, org = _noise(name_space=1.0)
    out, _ = noise.names(
        np.full(len(org), "阿依古丽·买买提", dtype=object), org, np.random.default_rng(3)
    )
    assert all(v != "阿依古丽·买买提" and "阿依古丽" in v for v in out)


def test_phone_and_birth_date_formats() -> None:
    noise, org = _noise(phone_format=1.0, birth_date_format=1.0)
    phones, _ = noise.phones(
        np.full(len(org), "13812345678", dtype=object), org, np.random.default_rng(4)
    )
    digits = pd.Series(phones).str.replace(r"\D", "", regex=True)
    mobile = ~pd.Series(phones).str.startswith("0512")
    assert (digits[mobile].str[-11:] == "13812345678").all() and (phones != "13812345678").all()
    dates, _ = noise.birth_dates(
        np.full(len(org), "1990-06-01", dtype=object), org, np.random.default_rng(4)
    )
    assert set(dates) == {"1990/06/01", "19900601"}


def test_rates_apply_per_institution() -> None:
    noise, _ = _noise(id_missing=0.5)
    org = np.r_[np.zeros(2000, np.int64), np.ones(2000, np.int64)]
    out, _ = _ids(noise, org, [MAN])
    # 2,000 draws at 50%: within 0.45–0.55 with overwhelming probability; institution 1 is clean
    assert 0.45 < (out[:2000] == "").mean() < 0.55 and (out[2000:] == MAN).all()


def test_institution_profiles_really_differ() -> None:
    inst = institutions.build(np.random.default_rng(7))
    profiles = inst.profiles()
    tiers = profiles["tier"].value_counts()
    assert tiers["clean"] >= 2 and tiers["terrible"] >= 2 and tiers["typical"] > len(profiles) / 2
    means = profiles.groupby("tier")[list(inst.rates.columns)].mean()
    assert (means.loc["terrible"] > means.loc["clean"]).all()
    assert profiles["id_missing"].max() > 10 * profiles["id_missing"].min()
