"""The program record's bytes (spec §20, Appendix B): type byte, sizes, field offsets, and the
byte order of the same record in a PC Access .pca file. ``programs.Program`` is the typed view.
"""

from __future__ import annotations

from enum import IntEnum

from .errors import ProgramError


class ProgramType(IntEnum):
    FREE = 0
    TIMED = 1
    EVENT = 2
    YEARLY = 3
    REMARK = 4
    WHEN = 5  # WHEN .. THEN need firmware >= 3.0
    AT = 6
    EVERY = 7
    AND = 8
    OR = 9
    THEN = 10


RECORD_SIZE = 14
# Models without the "double conditional" feature have no cond2.
SHORT_RECORD_SIZE = 12


# (field, width) in wire order; the 12-byte form has the same order without cond2.
RECORD_FIELDS: tuple[tuple[str, int], ...] = (
    ("type_code", 1),
    ("cond", 2),
    ("cond2", 2),
    ("cmd", 1),
    ("par", 1),
    ("pr2", 2),
    ("month", 1),
    ("day", 1),
    ("days", 1),
    ("hour", 1),
    ("minute", 1),
)


def _layout(size: int) -> dict[str, tuple[int, int]]:
    offsets: dict[str, tuple[int, int]] = {}
    offset = 0
    for name, width in RECORD_FIELDS:
        if name == "cond2" and size == SHORT_RECORD_SIZE:
            continue
        offsets[name] = (offset, width)
        offset += width
    return offsets


RECORD_LAYOUTS = {size: _layout(size) for size in (RECORD_SIZE, SHORT_RECORD_SIZE)}


def record_layout(raw: bytes) -> dict[str, tuple[int, int]]:
    """Field offsets and widths of ``raw``, by its size; ProgramError for any other size."""
    try:
        return RECORD_LAYOUTS[len(raw)]
    except KeyError:
        raise ProgramError(f"a program record is 14 or 12 bytes, got {len(raw)}") from None


# --- .pca file form (Appendix B) -------------------------------------------------------------


def _swap_pca(raw: bytes, swap_when: bool) -> bytes:
    layout = record_layout(bytes(raw))
    out = bytearray(raw)
    for offset, width in layout.values():
        if width == 2:
            out[offset], out[offset + 1] = raw[offset + 1], raw[offset]
    if raw[0] == ProgramType.EVENT or (swap_when and raw[0] == ProgramType.WHEN):
        month = layout["month"][0]
        out[month], out[month + 1] = raw[month + 1], raw[month]
    return bytes(out)


def record_from_pca(raw: bytes, *, swap_when: bool = False) -> bytes:
    """The wire record for a .pca file record (Appendix B).

    The file stores cond, cond2 and pr2 little-endian and an EVENT record's event word
    little-endian ([day, month]). The swap is applied per field for every type, REMARK
    included (whose u32 could also be stored differently: unverified). WHEN records are
    reported not to be swapped (unverified): pass ``swap_when=True`` for the other reading.
    """
    return _swap_pca(raw, swap_when)


def record_to_pca(raw: bytes, *, swap_when: bool = False) -> bytes:
    """The .pca file record for a wire record; the inverse of :func:`record_from_pca`."""
    return _swap_pca(raw, swap_when)
