"""Candidate pairs counted before predicting, index candidates, nightly stop lists."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from kernel import idno
from matching.blocking import PREDICTION_KEYS, count_candidate_pairs, index_candidates
from matching.features import keyed_view, population_features, record_features
from matching.index import KEY_COLUMNS
from tests.matching.matching_pairs import frame, mention

BORN = date(1990, 4, 2)


def _record_features(index: list[dict], new: list[dict]) -> duckdb.DuckDBPyConnection:
    """A connection holding the record features of ``index`` (index_rec) and ``new`` (new_rec)."""
    con = duckdb.connect()
    con.register("index_in", frame(*index))
    con.register("new_in", frame(*new))
    record_features(con, "index_in", "index_rec")
    record_features(con, "new_in", "new_rec")
    return con


@pytest.fixture()
def con() -> duckdb.DuckDBPyConnection:
    # index: three mentions born BORN (two named 王伟), one other; tonight: two 王伟 born BORN
    index = [
        mention(f"i{n}", name=name, birth_date=b)
        for n, (name, b) in enumerate(
            [("王伟", BORN), ("王伟", BORN), ("李娜", BORN), ("李娜", date(1970, 1, 1))]
        )
    ]
    new = [mention(f"n{n}", name="王伟", birth_date=BORN) for n in range(2)]
    con = _record_features(index, new)
    return con  # fmt: skip


def test_pairs_are_counted_within_tonight_and_against_the_index(con) -> None:
    counts = count_candidate_pairs(con, "new_rec", "index_rec")
    # pinyin+birth: "wang wei"/BORN has 2 new mentions (1 pair within) and 2 in the index
    # (2 × 2 = 4 pairs between): 5; no ID, phone or mother: those rules count nothing
    assert counts["pinyin+birth"] == 5
    assert counts["id_no"] == counts["birth+phone"] == counts["mother+birth"] == 0
    assert count_candidate_pairs(con, "new_rec")["pinyin+birth"] == 1


def test_only_index_mentions_sharing_a_key_are_candidates(con) -> None:
    index_candidates(con, "new_rec", "index_rec", out="ids")
    ids = sorted(r[0].split(":")[3] for r in con.execute("SELECT unique_id FROM ids").fetchall())
    assert ids == ["i0", "i1"]  # 李娜 born BORN shares no key with 王伟 born BORN


def test_every_blocking_key_is_kept_in_the_index_keys(con) -> None:
    # the index keeps only KEY_COLUMNS: every blocking key must be computable from them
    con.execute(f"CREATE TABLE index_keys AS SELECT {', '.join(KEY_COLUMNS)} FROM index_rec")
    index_candidates(con, "new_rec", "index_keys", out="ids")
    counted = count_candidate_pairs(con, "new_rec", "index_keys")
    assert counted.keys() == dict(PREDICTION_KEYS).keys()


def test_latin_names_block_whatever_the_birth_date_and_word_order() -> None:
    # a foreigner's name in two word orders, birth dates a day apart; and two Chinese namesakes
    # born on different days, which must not form a block on the name alone
    index = [
        mention("i0", name="SMITH JOHN", birth_date=date(1980, 1, 2)),
        mention("i1", name="王伟", birth_date=date(1980, 1, 2)),
    ]
    new = [mention("n0", name="JOHN SMITH", birth_date=date(1980, 1, 3)),
           mention("n1", name="王伟", birth_date=date(1975, 5, 5))]  # fmt: skip
    con = _record_features(index, new)
    counts = count_candidate_pairs(con, "new_rec", "index_rec")
    assert counts["Latin name"] == 1 and counts["Latin name birth"] == 0
    index_candidates(con, "new_rec", "index_rec", out="ids")
    ids = [r[0].split(":")[3] for r in con.execute("SELECT unique_id FROM ids").fetchall()]
    assert ids == ["i0"]


def test_a_number_shared_by_many_names_is_a_placeholder() -> None:
    # one ID number on five different names (a clinic's dummy), and a real one
    dummy, real = idno.make("320505", date(1980, 1, 1), 1), idno.make("320505", BORN, 2)
    names = ["甲一", "乙二", "丙三", "丁四", "戊五"]
    index = [mention(f"i{n}", name=name, id_no=dummy) for n, name in enumerate(names[:4])]
    new = [mention("n0", name=names[4], id_no=dummy), mention("n1", name="王伟", id_no=real)]
    con = _record_features(index, new)
    # the fifth name arrives tonight: counted over index ∪ new, the dummy is stopped
    keyed_view(con, "new_rec", population_features(con, "new_rec", "index_rec"), "new_keyed")
    keyed = dict(con.execute("SELECT record_id, id_key FROM new_keyed").fetchall())
    assert keyed == {"n0": None, "n1": real}


@pytest.mark.parametrize(
    ("births", "stopped"),
    [
        # one passport holder whose name was mistyped five ways (FEBRL's soc_sec_id): the
        # same birth date on every record, so the number is hers and still compared
        ([BORN] * 5, False),
        # a dummy passport number on five people born on other days stays a placeholder
        ([BORN, BORN, date(1975, 5, 5), date(1961, 8, 9), BORN], True),
    ],
)
def test_a_passport_on_mistyped_names_of_one_birth_date_is_one_document(
    births: list[date], stopped: bool
) -> None:
    names = ["SMITH JOHN", "SMITH JON", "SMYTH JOHN", "SMITH JOHNN", "SMIHT JOHN"]
    passport = {"id_no": "E12345678", "id_type": "03"}
    rows = [mention(f"i{n}", name=name, birth_date=birth, **passport)
            for n, (name, birth) in enumerate(zip(names, births, strict=True))]  # fmt: skip
    con = duckdb.connect()
    con.register("index_in", frame(*rows[:4]))
    con.register("new_in", frame(rows[4]))
    record_features(con, "index_in", "index_rec")
    record_features(con, "new_in", "new_rec")
    keyed_view(con, "new_rec", population_features(con, "new_rec", "index_rec"), "new_keyed")
    kept = con.execute("SELECT id_key FROM new_keyed").fetchall()[0][0]
    assert kept == (None if stopped else "E12345678")


def test_a_transposed_passport_and_a_foreigners_address_form_blocks() -> None:
    # two digits of a passport swapped, the name mistyped, no birth date on one record: only
    # the number's characters tie them. A foreigner whose number was replaced and whose name
    # was mistyped, without birth dates, still lives at one address. Resident numbers and
    # Chinese names at one address form no such block (a household, a dormitory).
    index = [
        mention("i0", name="CASEY FLATMAN", id_no="9564208", id_type="03", birth_date=None),
        mention("i1", name="BROOKE BURFORD", id_no="8804970", id_type="03", birth_date=None,
                address="12 WATTLE STREET KINGSTON"),
        mention("i2", name="王伟", id_no=idno.make("320505", BORN, 3), birth_date=None,
                address="人民路12号"),
    ]  # fmt: skip
    new = [
        mention("n0", name="CASEY FLATAN", id_no="9564028", id_type="03", birth_date=None),
        mention("n1", name="BROOE BURFORD", id_no="7438993", id_type="03", birth_date=None,
                address="12 WATTLE STREET KINGSTON"),
        mention("n2", name="李娜", id_no=idno.make("320583", date(1975, 5, 5), 4), birth_date=None,
                address="人民路12号"),
    ]  # fmt: skip
    con = _record_features(index, new)
    counts = count_candidate_pairs(con, "new_rec", "index_rec")
    assert counts["document characters"] == 1 and counts["Latin name address"] == 1
    index_candidates(con, "new_rec", "index_rec", out="ids")
    ids = sorted(r[0].split(":")[3] for r in con.execute("SELECT unique_id FROM ids").fetchall())
    assert ids == ["i0", "i1"]


def test_a_latin_name_with_one_word_mistyped_blocks_on_the_other_and_initials() -> None:
    # no birth date, address or shared document: the given name whole and the surname's first
    # letters, or the surname whole and the given name's
    index = [mention("i0", name="EMIILY HINGSTON", birth_date=None),
             mention("i1", name="BROOKE BURFORD", birth_date=None)]  # fmt: skip
    new = [mention("n0", name="EMIILY HINGSTXON", birth_date=None),
           mention("n1", name="BROOE BURFORD", birth_date=None)]  # fmt: skip
    con = _record_features(index, new)
    counts = count_candidate_pairs(con, "new_rec", "index_rec")
    assert counts["Latin given name+surname initials"] == 1
    assert counts["Latin surname+given initials"] == 1
