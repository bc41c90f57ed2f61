"""Delivered text → typed Arrow arrays, vectorised; a value that cannot be read comes back null.

One reader per logical type of the contracts (``PARSERS``), shared by extract (typing what was
delivered) and standardise (reading dates again after repair).

Sources write dates and timestamps in several spellings (``2024-03-01``, ``2024/3/1``,
``20240301``, ``2024.03.01``, with or without a time and a UTC offset). Everything here is Arrow
compute over whole columns (RE2 regular expressions, no Python per value); the caller compares
input and output nulls to find unreadable values. Standardisation reuses :func:`parse_dates`.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from kernel.city import city

_DATE = r"(?P<year>\d{4})(?:[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})|(?P<m2>\d{2})(?P<d2>\d{2}))"
_SECONDS = r"(?::(?P<second>\d{2})(?:[.,](?P<frac>\d{1,6}))?)?"
_TIME = rf"(?:[T ]+(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}}){_SECONDS})?"
_OFFSET = r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?"
_STAMP = f"^{_DATE}{_TIME}{_OFFSET}$"
_DECIMAL = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_INTEGER = r"^[+-]?\d+(\.0*)?$"  # 2.0 from a database or JSON is the integer 2
_TRUE = ["true", "t", "1", "yes", "y", "是"]
_FALSE = ["false", "f", "0", "no", "n", "否"]


def text(values: object) -> pa.Array:
    """Any column of str/None (pandas, list, Arrow) → a trimmed Arrow string array."""
    array = values if isinstance(values, pa.Array | pa.ChunkedArray) else _from_pandas(values)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return pc.utf8_trim_whitespace(pc.cast(array, pa.string()))


def _from_pandas(values: object) -> pa.Array:
    to_numpy = getattr(values, "to_numpy", None)
    return pa.array(to_numpy(dtype=object) if to_numpy else values, pa.string(), from_pandas=True)


def _blank_null(array: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(array, ""), None, array)


def _field(parts: pa.StructArray, name: str) -> pa.Array:
    return _blank_null(pc.struct_field(parts, name))


def _pad(array: pa.Array, width: int, default: str) -> pa.Array:
    return pc.utf8_lpad(pc.fill_null(array, default), width, "0")


def checked_strptime(canonical: pa.Array, fmt: str) -> pa.Array:
    """strptime that rejects impossible dates (Arrow would roll 2月30日 over to 3月2日)."""
    parsed = pc.strptime(canonical, format=fmt, unit="s", error_is_null=True)
    same = pc.equal(pc.strftime(parsed, format=fmt), canonical)  # unit s: no fraction printed
    return pc.cast(pc.if_else(same, parsed, None), pa.timestamp("us"))


def _wall_clock(array: pa.Array) -> tuple[pa.Array, pa.StructArray]:
    """Naive timestamp[us] of the written date and time, and the matched parts."""
    parts = pc.extract_regex(text(array), _STAMP)
    ymd = [
        _field(parts, "year"),
        _pad(pc.coalesce(_field(parts, "m1"), _field(parts, "m2")), 2, ""),
        _pad(pc.coalesce(_field(parts, "d1"), _field(parts, "d2")), 2, ""),
    ]
    hms = [_pad(_field(parts, k), 2, "0") for k in ("hour", "minute", "second")]
    canonical = pc.binary_join_element_wise(
        pc.binary_join_element_wise(*ymd, "-"), pc.binary_join_element_wise(*hms, ":"), " "
    )
    return checked_strptime(canonical, "%Y-%m-%d %H:%M:%S"), parts


def _offset_minutes(parts: pa.StructArray) -> pa.Array:
    """The written UTC offset in minutes; null where none was written."""
    tz = pc.replace_substring(pc.fill_null(_field(parts, "tz"), ""), ":", "")
    sign = pc.if_else(pc.equal(pc.utf8_slice_codeunits(tz, 0, 1), "-"), -1, 1)
    hours = pc.cast(_blank_null(pc.utf8_slice_codeunits(tz, 1, 3)), pa.int64())
    minutes = pc.cast(_blank_null(pc.utf8_slice_codeunits(tz, 3, 5)), pa.int64())
    offset = pc.multiply(sign, pc.add(pc.multiply(hours, 60), minutes))
    return pc.if_else(pc.equal(tz, "Z"), 0, offset)


def timestamp_type() -> pa.DataType:
    """Timestamps are kept with the city's time zone, so their dates are city dates."""
    return pa.timestamp("us", tz=city().timezone)


def parse_timestamps(values: object) -> pa.Array:
    """Text → timestamp[us, city zone]; a time written without an offset is the city's local
    time (sources write +08:00 or nothing)."""
    wall, parts = _wall_clock(values)
    frac = pc.cast(pc.utf8_rpad(pc.fill_null(_field(parts, "frac"), "0"), 6, "0"), pa.int64())
    micros = pc.add(pc.cast(wall, pa.int64()), frac)
    offset = _offset_minutes(parts)
    written = pc.subtract(micros, pc.multiply(pc.fill_null(offset, 0), 60_000_000))
    written = pc.cast(pc.cast(written, pa.timestamp("us")), pa.timestamp("us", tz="UTC"))
    local = pc.assume_timezone(
        pc.cast(micros, pa.timestamp("us")), city().timezone,
        ambiguous="earliest", nonexistent="earliest",
    )  # fmt: skip
    utc = pc.if_else(offset.is_null(), pc.cast(local, written.type), written)
    return pc.cast(utc, timestamp_type())


def parse_dates(values: object) -> pa.Array:
    """Text → date32 of the written calendar date (any time part ignored)."""
    wall, _ = _wall_clock(values)
    return pc.cast(wall, pa.date32())


def parse_integers(values: object) -> pa.Array:
    array = text(values)
    whole = pc.if_else(pc.match_substring_regex(array, _INTEGER), array, None)
    return pc.cast(pc.replace_substring_regex(whole, r"\.0*$", ""), pa.int64())


def parse_decimals(values: object) -> pa.Array:
    array = text(values)
    return pc.cast(pc.if_else(pc.match_substring_regex(array, _DECIMAL), array, None), pa.float64())


def parse_booleans(values: object) -> pa.Array:
    array = pc.utf8_lower(text(values))
    return pc.if_else(
        pc.is_in(array, pa.array(_TRUE)),
        True,
        pc.if_else(pc.is_in(array, pa.array(_FALSE)), False, None),
    )


def parse_strings(values: object) -> pa.Array:
    """Text kept as delivered (identity damage is for standardisation to see); '' → null."""
    array = values if isinstance(values, pa.Array | pa.ChunkedArray) else _from_pandas(values)
    return _blank_null(pc.cast(array, pa.string()))


PARSERS = {
    "string": parse_strings,
    "integer": parse_integers,
    "decimal": parse_decimals,
    "date": parse_dates,
    "timestamp": parse_timestamps,
    "boolean": parse_booleans,
}
