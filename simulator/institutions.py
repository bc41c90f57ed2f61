"""Institutions: the reference list, each one's data-quality profile, and who goes where.

A profile draws every rate of ``data/profiles.yaml`` per institution from its tier (clean,
typical, poor, terrible) times a personal jitter, so institutions really differ and the worst
ones are knowable from ``truth/institution_profiles.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.config import load
from simulator.population import People

TYPES = (
    "tertiary_hospital",
    "secondary_hospital",
    "community_health_center",
    "mch_hospital",
    "checkup_center",
)
# care-network slots of a person: where they go for each kind of service
CHC, SECONDARY, TERTIARY, DELIVERY, MCH_CARE, CHECKUP = range(6)
HOSPITAL_SLOTS = (CHC, SECONDARY, TERTIARY, DELIVERY)


@dataclass
class Institutions:
    reference: pd.DataFrame  # org_code, org_name, district_code, org_type, systems
    district: np.ndarray  # int8 district index
    org_type: np.ndarray  # int8 index into TYPES
    systems: dict[str, np.ndarray]  # source → bool per institution
    tier: np.ndarray  # object: clean | typical | poor | terrible
    sloppiness: np.ndarray  # float: tier multiplier × jitter
    rates: pd.DataFrame  # one column per profile rate, one row per institution
    style: np.ndarray  # int8 vendor style

    def __len__(self) -> int:
        return len(self.reference)

    @property
    def codes(self) -> np.ndarray:
        return self.reference["org_code"].to_numpy(dtype=object)

    def rate(self, name: str, org: np.ndarray) -> np.ndarray:
        return self.rates[name].to_numpy()[org]

    def profiles(self) -> pd.DataFrame:
        """``truth/institution_profiles.csv``: org_code, tier, sloppiness, then every rate."""
        head = pd.DataFrame(
            {"org_code": self.codes, "tier": self.tier, "sloppiness": np.round(self.sloppiness, 4)}
        )
        return pd.concat([head, self.rates.round(5)], axis=1)


def build(rng: np.random.Generator) -> Institutions:
    places, spec = load("places"), load("institutions")
    codes = [d["code"] for d in places["districts"]]
    rows: list[dict] = []
    for key, letter, kind in (("tertiary", "T", 0), ("secondary", "S", 1)):
        rows += [_row(o, letter, kind, ["hospital", *_extra(o)]) for o in spec[key]]
    for d in places["districts"]:
        for i, street in enumerate(d["chc"]):
            systems = ["hospital", "vaccination"] + (
                ["mch"] if i == 0 and spec["chc_mch_first"] else []
            )
            org = {"district": d["code"], "name": f"{d['name']}{street}社区卫生服务中心"}
            rows.append(_row(org, "C", 2, systems))
    rows += [_row(o, "M", 3, ["hospital", "vaccination", "mch"]) for o in spec["mch"]]
    rows += [_row(o, "K", 4, ["checkup"]) for o in spec["checkup"]]
    frame = pd.DataFrame(rows)
    frame["org_code"] = _org_codes(frame)
    reference = frame[["org_code", "org_name", "district_code", "org_type", "systems"]]
    reference = reference.sort_values("org_code", kind="stable", ignore_index=True)
    order = frame.set_index("org_code").loc[reference["org_code"]]
    tier, sloppiness, rates = _profiles(len(reference), rng)
    return Institutions(
        reference=reference,
        district=np.array([codes.index(c) for c in reference["district_code"]], np.int8),
        org_type=order["kind"].to_numpy(np.int8),
        systems={
            s: reference["systems"].str.split(";").map(lambda v, s=s: s in v).to_numpy(bool)
            for s in ("hospital", "vaccination", "mch", "checkup")
        },
        tier=tier,
        sloppiness=sloppiness,
        rates=rates,
        style=rng.integers(0, 4, len(reference)).astype(np.int8),
    )


def _extra(org: dict) -> list[str]:
    extra = ["vaccination", "mch"] if org.get("mch") else []
    return extra + (["checkup"] if org.get("checkup") else [])


def _row(org: dict, letter: str, kind: int, systems: list[str]) -> dict:
    order = ("hospital", "vaccination", "mch", "checkup")
    return {
        "district_code": org["district"],
        "org_name": org["name"],
        "letter": letter,
        "kind": kind,
        "org_type": TYPES[kind],
        "systems": ";".join(s for s in order if s in systems),
    }


def _org_codes(frame: pd.DataFrame) -> pd.Series:
    number = frame.groupby(["district_code", "letter"], sort=False).cumcount() + 1
    return frame["district_code"] + "-" + frame["letter"] + number.map("{:03d}".format)


def _profiles(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    spec = load("profiles")
    names = list(spec["tiers"])
    counts = [max(1, round(spec["tiers"][t][0] * n)) for t in names if t != "typical"]
    tiers = np.array(["typical"] * n, dtype=object)
    chosen = rng.permutation(n)
    at = 0
    for name, count in zip([t for t in names if t != "typical"], counts, strict=True):
        tiers[chosen[at : at + count]] = name
        at += count
    scale = np.array([spec["tiers"][t][1] for t in tiers])
    sloppiness = scale * rng.lognormal(0.0, spec["jitter_sigma"], n)
    rates = {}
    for rate, rule in spec["rates"].items():
        own = rng.lognormal(0.0, spec["jitter_sigma"], n)
        rates[rate] = np.minimum(rule["base"] * sloppiness * own, rule["cap"])
    return tiers, sloppiness, pd.DataFrame(rates)


def networks(people: People, inst: Institutions, rng: np.random.Generator) -> np.ndarray:
    """Per person, the institution used for each slot (CHC … CHECKUP): mostly near home."""
    n, n_districts = len(people), int(inst.district.max()) + 1
    net = np.zeros((n, 6), np.int16)
    kind, sys = inst.org_type, inst.systems
    delivers = (kind == 3) | ((kind == 1) & sys["mch"])
    city_mch = np.flatnonzero(kind == 3)[0]
    pools = {
        CHC: (kind == 2, None, 1.0),
        SECONDARY: (kind == 1, None, 1.0),
        TERTIARY: (kind == 0, np.flatnonzero(kind == 0), 0.6),
        DELIVERY: (delivers, np.array([city_mch]), 1.0),
        MCH_CARE: ((kind == 2) & sys["mch"], None, 0.75),
        CHECKUP: (sys["checkup"], np.flatnonzero(sys["checkup"]), 0.6),
    }
    for slot, (mask, fallback, local_share) in pools.items():
        net[:, slot] = _pick(
            people.district, mask, inst.district, n_districts, fallback, local_share, rng
        )
    # those whose district has no mch-running CHC, or who prefer it, use the delivery hospital
    far = rng.random(n) > 0.75
    net[far, MCH_CARE] = net[far, DELIVERY]
    return net


def _pick(
    home: np.ndarray,
    mask: np.ndarray,
    org_district: np.ndarray,
    n_districts: int,
    fallback: np.ndarray | None,
    local_share: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """A random eligible institution in the person's district (else city-wide/fallback)."""
    citywide = np.flatnonzero(mask) if fallback is None else fallback
    out = citywide[rng.integers(0, len(citywide), len(home))]
    u, local = rng.random(len(home)), rng.random(len(home)) < local_share
    for d in range(n_districts):
        options = np.flatnonzero(mask & (org_district == d))
        who = (home == d) & (local | (fallback is None))
        if len(options):
            out[who] = options[(u[who] * len(options)).astype(int)]
    return out


def next_open(inst: Institutions, days: int, rng: np.random.Generator) -> np.ndarray:
    """``[org, day]`` → the first day ≥ day on which the institution delivers (``days`` if none).

    A missed day is caught up on the next open day: its records arrive late, not never.
    """
    closed = rng.random((len(inst), days)) < inst.rates["missing_day"].to_numpy()[:, None]
    out = np.full((len(inst), days + 1), days, np.int32)
    for t in range(days - 1, -1, -1):
        out[:, t] = np.where(closed[:, t], out[:, t + 1], t)
    return out
