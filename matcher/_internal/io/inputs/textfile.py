"""Delimited text the way spreadsheets save it: find the encoding and the cell delimiter.

Encodings, in this order: a byte-order mark decides (UTF-8, or UTF-16 as in Excel's "Unicode
text" export); otherwise strict UTF-8; otherwise strict GB18030, the superset of the GBK that
Chinese Excel and WPS write. GB18030 decodes most byte strings, but not NUL bytes (UTF-16
without a byte-order mark, binary files) and not every byte sequence, so anything else is an
error naming the line of the first byte that cannot be decoded. A file that is valid UTF-8 is
read as UTF-8; real GBK text almost never is.

Binary files are refused from their first bytes, before anything else is read: a known
signature (a zip or an Excel workbook, a PNG, JPEG, GIF or PDF, gzip, an old .xls) names
what the file is; any other NUL byte says "binary". So a 50 MB image renamed .csv costs one
small read, not a decode of the whole file.

Delimiters: `,`, `;`, tab or `|`, decided by the header line, which never holds a list cell
(list cells use `;` inside a comma-delimited file). When the header splits on several
candidates, the data rows decide; when nothing decides, the file is an error that says which
delimiter it looks like, not a list of "required column is missing".
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools

from matcher._internal.io.errors import InputError, Issue

DELIMITERS = (",", ";", "\t", "|")
"""Candidate cell delimiters; `,` is the contract's own and wins whenever it is the only one."""

_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_WITHOUT_MARK = (("utf-8", "UTF-8"), ("gb18030", "GB18030"))
_SAVE_AS = 'save it as "CSV UTF-8" (or as .xlsx)'
_SAMPLE_ROWS = 50
SAMPLE_CHARS = 200_000
"""How much of a text `find_delimiter` looks at."""
NEWLINE = b"\n"


HEAD_BYTES = 64 * 1024
"""How much of a file `head_codec` looks at: enough for any signature and for the
encoding of the header and the first rows."""

_SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook or another zip file, not text; name it .xlsx"),
    (bytes.fromhex("d0cf11e0a1b11ae1"), "an old-format Excel workbook (.xls) or another "
     "Office file, not text; save it as .xlsx or as CSV UTF-8"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image, not a table"),
    (b"\xff\xd8\xff", "a JPEG image, not a table"),
    (b"GIF8", "a GIF image, not a table"),
    (b"%PDF-", "a PDF document, not a table"),
    (b"\x1f\x8b", "gzip-compressed, not text; unpack it first"),
)  # fmt: skip
"""Starts of files that are certainly not text, and what to tell the user about each."""


def decode_text(data: bytes, source: str) -> tuple[str, str]:
    """The text of a file's bytes and the name of the encoding it was read with."""
    text, _, name = _decode(data, source, final=True)
    return text, name


def head_codec(head: bytes, source: str, *, whole: bool) -> str:
    """The Python codec to stream a file with, decided from its first bytes `head` (all of
    it when `whole`) the way `decode_text` decides for a whole file; a binary or undecodable
    start is the same error. Only a file whose start is UTF-8 but whose later bytes are not
    is decided differently (UTF-8 here, GB18030 whole): the stream then fails to decode,
    and the caller reads the file whole."""
    _, codec, _ = _decode(head, source, final=whole)
    return codec


def _decode(data: bytes, source: str, *, final: bool) -> tuple[str, str, str]:
    """Text, codec and encoding name of `data`; when not `final`, `data` is the start of a
    file, so a character cut off at its end is not an error."""
    for mark, codec, name in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return _decoded(data, codec, final), codec, name
            except UnicodeDecodeError as exc:
                raise _undecodable(source, data, exc.start, f"is not {name} text") from exc
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise InputError([Issue(source, "", "", f"is {what}")])
    nul = data.find(b"\x00")
    if nul >= 0:
        message = (
            "contains NUL bytes: a binary file, or UTF-16 text without a byte-order mark; "
            + _SAVE_AS
        )
        raise InputError([Issue(source, _line_of(data, nul), "", message)])
    furthest = 0
    for codec, name in _WITHOUT_MARK:
        try:
            return _decoded(data, codec, final), codec, name
        except UnicodeDecodeError as exc:
            furthest = max(furthest, exc.start)  # the likelier encoding reads further
    raise _undecodable(source, data, furthest, "is neither UTF-8 nor GB18030 (GBK) text")


def _decoded(data: bytes, codec: str, final: bool) -> str:
    if final:
        return data.decode(codec)
    return codecs.getincrementaldecoder(codec)().decode(data, final=False)


def _line_of(data: bytes, position: int) -> str:
    """The line of a byte, counting newline bytes before it (no encoding reads these
    candidates' multi-byte characters as a newline)."""
    return f"line {data.count(NEWLINE, 0, position) + 1}"


def _undecodable(source: str, data: bytes, position: int, what: str) -> InputError:
    line = _line_of(data, position)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        line = ""  # newline bytes of UTF-16 do not count lines the same way
    byte = data[position : position + 1].hex()
    message = f"{what}: byte 0x{byte} at offset {position} cannot be decoded; {_SAVE_AS}"
    return InputError([Issue(source, line, "", message)])


def find_delimiter(text: str, source: str) -> str:
    """The delimiter of a text table: the header's, checked against the data rows."""
    widths: dict[str, int] = {}
    fits: dict[str, int] = {}
    has_rows = False
    for delimiter in DELIMITERS:
        rows = _first_rows(text, delimiter)
        if not rows:
            continue  # cannot be split this way at all; the real read names the line
        widths[delimiter] = len(_trimmed(rows[0]))
        fits[delimiter] = sum(
            1 for row in rows[1:] if len(row) > 1 and len(_trimmed(row)) <= widths[delimiter]
        )
        has_rows = has_rows or len(rows) > 1
    candidates = [d for d in DELIMITERS if widths.get(d, 0) > 1]
    if not candidates or candidates == [","]:
        return ","
    best = max(fits[d] for d in candidates)
    winners = [d for d in candidates if fits[d] == best]
    if len(candidates) == 1 and (best > 0 or not has_rows):
        return candidates[0]
    if len(winners) == 1 and best > 0:
        return winners[0]
    raise InputError([Issue(source, "line 1", "", _ambiguous(candidates, widths, best))])


def _ambiguous(candidates: list[str], widths: dict[str, int], best: int) -> str:
    looks = " and ".join(
        f"{_delimiter_name(d)}-delimited ({widths[d]} columns)" for d in candidates
    )
    if best == 0:
        why = "but the rows below it do not split that way"
    else:
        why = "and the rows below it split either way"
    return (
        f"cannot tell how cells are separated: the header line looks {looks}, {why}; "
        "save it as CSV with ',' between cells"
    )


def _delimiter_name(delimiter: str) -> str:
    """How a message names a delimiter: `','`, `';'`, `tab`."""
    return "tab" if delimiter == "\t" else f"'{delimiter}'"


def _first_rows(text: str, delimiter: str) -> list[list[str]]:
    """The header and up to `_SAMPLE_ROWS` non-blank rows, split on `delimiter`."""
    head = io.StringIO(text[:SAMPLE_CHARS], newline="")
    reader = csv.reader(head, delimiter=delimiter, skipinitialspace=True)
    try:
        rows = list(itertools.islice(reader, _SAMPLE_ROWS * 2))
    except csv.Error:
        return []  # the real read names the line
    if not rows:
        return []
    return [rows[0], *[r for r in rows[1:] if _trimmed(r)][:_SAMPLE_ROWS]]


def _trimmed(row: list[str]) -> list[str]:
    cells = [cell.strip() for cell in row]
    while cells and not cells[-1]:
        cells.pop()
    return cells
