"""Small zip archives written in one pass, with no time inside: the same members, the same
bytes.

A portal has a workbook (itself a zip of nine parts, seven of them the same in every
workbook) per table and per project, and a zip of each department-year's downloads.
zipfile.ZipFile compresses every member afresh and costs about 80 µs of bookkeeping each;
here a member is compressed once (`deflated`, which a caller may keep for a part that never
changes) and an archive is its members laid end to end with their directory. A member that
is already compressed (a workbook inside a bundle) is stored as it is.

Classic zip only (no Zip64): an archive over 4 GiB or 65,535 members is refused, which no
department-year comes near; the site-wide bundle uses zipfile, which writes Zip64.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: files carry no build time
_DOS_TIME = 0
_DOS_DATE = (ZIP_TIME[0] - 1980) << 9 | ZIP_TIME[1] << 5 | ZIP_TIME[2]
_STORED, _DEFLATED = 0, 8
_LEVEL = 6  # zlib's default, as zipfile uses
_ATTRIBUTES = 0o100644 << 16  # a regular file, rw-r--r--
_MADE_BY = 3 << 8 | 20  # Unix, zip 2.0
_LIMIT = 0xFFFFFFFF
_UTF8 = 0x800  # the general-purpose flag for a name in UTF-8


@dataclass(frozen=True, slots=True)
class Member:
    crc: int
    size: int
    packed: bytes
    method: int


def deflated(data: bytes) -> Member:
    packer = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)  # raw deflate, as a zip holds it
    return Member(zlib.crc32(data), len(data), packer.compress(data) + packer.flush(), _DEFLATED)


def deflated_in_chunks(chunks: list[bytes], packed: dict[bytes, bytes] | None = None) -> Member:
    """One member from its chunks, each deflated on its own and ended on a byte boundary
    (a sync flush), then a final empty block: a valid deflate stream, in which a chunk
    that did not change is not compressed again when `packed` (chunk → its deflate, the
    dev server's) has it. Each chunk starts with an empty window, which costs a little
    size for large chunks and nothing for correctness."""
    crc, size, parts = 0, 0, []
    for chunk in chunks:
        known = packed.get(chunk) if packed is not None else None
        if known is None:
            packer = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
            known = packer.compress(chunk) + packer.flush(zlib.Z_SYNC_FLUSH)
        parts.append(known)
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
    if packed is not None:
        packed.clear()
        packed.update(zip(chunks, parts))
    parts.append(_FINAL_EMPTY_BLOCK)
    return Member(crc, size, b"".join(parts), _DEFLATED)


_FINAL_EMPTY_BLOCK = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15).flush()  # b"\x03\x00"


def stored(data: bytes) -> Member:
    return Member(zlib.crc32(data), len(data), data, _STORED)


def archive(members: Iterable[tuple[str, Member]]) -> bytes:
    """The zip of these members, in this order."""
    chunks: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for name, member in members:
        encoded, flags = _name(name)
        head = struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, flags, member.method, _DOS_TIME, _DOS_DATE,
            member.crc, len(member.packed), member.size, len(encoded), 0,
        )
        directory.append(struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, _MADE_BY, 20, flags, member.method, _DOS_TIME, _DOS_DATE,
            member.crc, len(member.packed), member.size, len(encoded), 0, 0, 0, 0, _ATTRIBUTES, offset,
        ) + encoded)
        chunks += (head, encoded, member.packed)
        offset += len(head) + len(encoded) + len(member.packed)
        if offset >= _LIMIT or member.size >= _LIMIT:
            raise OverflowError(f"{name}: a zip over 4 GiB needs Zip64")
    if len(directory) > 0xFFFF:
        raise OverflowError("a zip of more than 65,535 members needs Zip64")
    listing = b"".join(directory)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory), len(listing), offset, 0)
    return b"".join(chunks) + listing + end


def _name(name: str) -> tuple[bytes, int]:
    try:
        return name.encode("ascii"), 0
    except UnicodeEncodeError:
        return name.encode("utf-8"), _UTF8
