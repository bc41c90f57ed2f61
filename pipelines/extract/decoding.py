"""Delivered bytes → text, line by line, in the encoding the contract declares.

Institutions deliver UTF-8 (vaccination, MCH) or GBK (checkup). What arrives breaks that in
three ways, each treated on its own:

* **a few lines in another encoding or with stray bytes** (a record pasted from another system,
  a truncated multibyte character): those lines are set aside for quarantine, each shown in the
  encoding it is really in, so that a clerk reads 陈建国 and not 锟斤拷; the other lines load.
  GB18030 (read for GBK: a superset) decodes almost any bytes, so a UTF-8 line in a GBK file
  would pass as mojibake: a non-ASCII line that is valid UTF-8 is taken for UTF-8 (GBK Chinese
  text practically never is).
* **the whole file in another encoding** (its header, or every non-ASCII line): the delivery is
  stopped as drift, every line shown as it really reads.
* **a byte-order mark**: a UTF-8 BOM is dropped (before GBK text too, with a note); a UTF-16
  one means a UTF-16 file, which no contract allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
READ_AS = {"utf-8": "utf-8", "gbk": "gb18030"}  # GB18030 is a superset of GBK
OTHER = {"utf-8": "gb18030", "gb18030": "utf-8"}  # what a line in the wrong encoding may be
SAID = {"utf-8": "UTF-8", "gb18030": "GBK", "utf-16": "UTF-16"}


@dataclass(frozen=True)
class BadLine:
    line: int  # 1-based
    text: str  # the line in the encoding it is really in (undecodable bytes as �)
    reason: str  # no text of the line: it may be personal data


@dataclass(frozen=True)
class Decoded:
    text: str  # the file's text; a line set aside is left empty, so line numbers hold
    bad: list[BadLine] = field(default_factory=list)
    wrong: str = ""  # why the whole file is not in its declared encoding, else empty
    note: str = ""


def decode(raw: bytes, encoding: str, header: bool) -> Decoded:
    """Decode ``raw`` declared as ``encoding`` (``utf-8`` or ``gbk``); ``header``: line 1 names
    the columns, and a file whose header does not decode is wrong as a whole."""
    declared = READ_AS.get(encoding, encoding)
    note = ""
    if raw.startswith(UTF16_BOMS):
        lines = raw.decode("utf-16", "replace").split("\n")
        return _wrong(lines, f"is UTF-16 text, not {SAID.get(declared, encoding)}", header)
    if raw.startswith(UTF8_BOM):
        raw = raw[len(UTF8_BOM) :]
        if declared != "utf-8":
            note = f"a UTF-8 byte-order mark before {SAID.get(declared, declared)} text was ignored"
    if raw.isascii():
        return Decoded(raw.decode("ascii"), note=note)
    if declared == "utf-8":
        try:
            return Decoded(raw.decode("utf-8"), note=note)
        except UnicodeDecodeError:
            pass  # line by line below
    elif declared == "gb18030" and _is_utf8(raw):
        return _wrong(raw.decode("utf-8").split("\n"), "is UTF-8 text, not GBK", header)
    return _by_line(raw.split(b"\n"), declared, header, note)


def _by_line(lines: list[bytes], declared: str, header: bool, note: str) -> Decoded:
    texts, bad = [], []
    for number, line in enumerate(lines, start=1):
        text, reason = _line(line, declared)
        if reason:
            bad.append(BadLine(number, text.rstrip("\r"), reason))
            text = ""
        texts.append(text)
    said = SAID.get(declared, declared)
    if header and bad and bad[0].line == 1:
        return _wrong(_shown(lines, declared), f"has a header that is not {said} text", header)
    foreign = [line for line in lines if not line.isascii()]
    if bad and len(bad) == len(foreign) and all(_reads_as_other(f, declared) for f in foreign):
        other = SAID[OTHER[declared]]
        return _wrong(_shown(lines, declared), f"is {other} text, not {said}", header)
    return Decoded("\n".join(texts), bad, note=note)


def _line(line: bytes, declared: str) -> tuple[str, str]:
    """(text, why it is set aside or '')."""
    said = SAID.get(declared, declared)
    if line.isascii():
        return line.decode("ascii"), ""
    if declared == "gb18030" and _is_utf8(line):
        return line.decode("utf-8"), "a UTF-8 line in a GBK file"
    try:
        return line.decode(declared), ""
    except UnicodeDecodeError as exc:
        other = OTHER.get(declared)
        where = f"at byte {exc.start + 1} of the line"
        if other and _reads_as_other(line, declared):
            return line.decode(other), f"not {said} text {where}; the line reads as {SAID[other]}"
        return line.decode(declared, "replace"), f"not {said} text {where}"


def _shown(lines: list[bytes], declared: str) -> list[str]:
    """Every line as it really reads (declared, else the other encoding, else with �)."""
    return [_line(line, declared)[0] for line in lines]


def _wrong(lines: list[str], why: str, header: bool) -> Decoded:
    """The whole file stopped: every data line (not a CSV header) shown as it really reads."""
    first = 2 if header else 1
    numbered = enumerate(lines[first - 1 :], start=first)
    bad = [BadLine(n, t.rstrip("\r"), why) for n, t in numbered if t.strip()]
    return Decoded("", bad, wrong=why)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _reads_as_other(line: bytes, declared: str) -> bool:
    other = OTHER.get(declared)
    if other is None or line.isascii():
        return False
    try:
        line.decode(other)
    except UnicodeDecodeError:
        return False
    return True
