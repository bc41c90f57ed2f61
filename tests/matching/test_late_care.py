"""A newborn's hospital record whose care arrives nights after it, worked out by hand.

A hospital opens the baby's record at birth under the mother's whole identity — her ID number,
her birth date, the placeholder 陈静之婴 for a name, sex unknown — so standardisation already
reads it as a child's (the placeholder) and linkage keeps it apart from her. Nothing on it says
which of her children it is: no name, no birth date. The inpatient stay in 新生儿科 is written at
discharge, two nights later; it says the baby was new on its birth day, and the mother's
delivery register shows one baby that day: the record is that baby's, and joins it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from kernel import idno
from matching import index, link_date
from simulator.bulk import small_city
from tests.matching.landing import care, land
from tests.matching.matching_pairs import mention

D1 = date(2024, 3, 1)
NIGHT = [D1 + timedelta(days=n) for n in range(3)]
BIRTH = D1
MOTHER = {"id_no": idno.make("320505", date(1995, 4, 9), 42), "name": "陈静",
          "birth_date": date(1995, 4, 9), "phone": "13912340007", "sex_code": "2"}  # fmt: skip
REGISTRATION = {**mention("e-reg", source="mch", org_code="M01",
                          dataset="mch.maternal_registration", role="mother", **MOTHER),
                "name": MOTHER["name"]}  # fmt: skip
# the baby's record under the mother's whole identity, a placeholder for its name
BABY_HOSPITAL = {**mention("e-baby", **{**MOTHER, "sex_code": "0"}), "name": "陈静之婴"}
NEWBORN = {**mention("e-dl", source="mch", org_code="M01", dataset="mch.delivery",
                     role="newborn", mother_id_no=MOTHER["id_no"], birth_date=BIRTH,
                     sex_code="1"), "name": None}  # fmt: skip


def _links(data: Path, day: date) -> pd.Series:
    table = pd.read_parquet(index.night_path(data, day, index.CROSSWALK))
    return table.set_index("mention_id")["resident_id"]


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("late_care")
    background = small_city(300, seed=6, start=D1, nights=1).mentions
    land(data, NIGHT[0], REGISTRATION, BABY_HOSPITAL, NEWBORN, background=background)
    link_date(data, NIGHT[0])
    land(data, NIGHT[1], {**REGISTRATION, "phone": MOTHER["phone"]})
    link_date(data, NIGHT[1])
    land(data, NIGHT[2], {**REGISTRATION, "phone": MOTHER["phone"]})
    care(data, NIGHT[2], BABY_HOSPITAL["mention_id"], "新生儿科", seen_on=BIRTH)
    link_date(data, NIGHT[2])
    return data


def test_before_its_care_the_babys_record_is_nobody_elses(lake: Path) -> None:
    first = _links(lake, NIGHT[0])
    baby = first[BABY_HOSPITAL["mention_id"]]
    assert baby != first[REGISTRATION["mention_id"]]
    assert baby != first[NEWBORN["mention_id"]]


def test_the_care_arriving_later_joins_it_to_the_one_baby_born_that_day(lake: Path) -> None:
    after = _links(lake, NIGHT[2])
    assert after[BABY_HOSPITAL["mention_id"]] == after[NEWBORN["mention_id"]]
    assert after[BABY_HOSPITAL["mention_id"]] != after[REGISTRATION["mention_id"]]
    audit = pd.read_parquet(index.night_path(lake, NIGHT[2], index.AUDIT))
    assert "care shows a child's record" in set(
        audit.loc[audit["mention_id"] == BABY_HOSPITAL["mention_id"], "reason"]
    )
