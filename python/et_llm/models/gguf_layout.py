"""A bounds check of a GGUF file's header and metadata before gguf's reader sees it.

gguf's GGUFReader trusts the counts in the file: an array that claims 2^60 elements past the
end of a 6 KB file makes it append empty views until memory runs out, and a tensor count of
2^63 does the same. Here every count is checked against the bytes that remain (each element
takes at least one byte), so a corrupt file is a GGUFError and reading stays proportional to
the file.
"""

from __future__ import annotations

import mmap
import struct
from pathlib import Path

MAGIC = b"GGUF"
# Bytes of each scalar value type (GGUFValueType); 8 is a string, 9 an array.
SCALAR_BYTES = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
STRING, ARRAY = 8, 9
# The smallest tensor info: name length, dimension count, type, data offset.
MIN_TENSOR_INFO_BYTES = 8 + 4 + 4 + 8
MAX_ARRAY_DEPTH = 4


class GGUFError(ValueError):
    """A GGUF that cannot be read, or whose tokenizer metadata is missing or inconsistent."""


class _Cursor:
    def __init__(self, data: mmap.mmap | bytes, order: str) -> None:
        self.data = data
        self.at = 0
        self.order = order

    def take(self, size: int) -> int:
        if size > len(self.data) - self.at:
            raise GGUFError(f"the GGUF ends inside its metadata (offset {self.at})")
        start = self.at
        self.at += size
        return start

    def unsigned(self, size: int) -> int:
        start = self.take(size)
        return int.from_bytes(
            self.data[start : start + size], "little" if self.order == "<" else "big"
        )

    def remaining(self) -> int:
        return len(self.data) - self.at


def _skip_value(cursor: _Cursor, value_type: int, depth: int = 0) -> None:
    if value_type in SCALAR_BYTES:
        cursor.take(SCALAR_BYTES[value_type])
    elif value_type == STRING:
        cursor.take(cursor.unsigned(8))
    elif value_type == ARRAY and depth < MAX_ARRAY_DEPTH:
        item_type = cursor.unsigned(4)
        count = cursor.unsigned(8)
        if count > cursor.remaining():
            raise GGUFError(f"a GGUF array claims {count} elements in {cursor.remaining()} bytes")
        for _ in range(count):
            _skip_value(cursor, item_type, depth + 1)
    else:
        raise GGUFError(f"unknown GGUF value type {value_type} (offset {cursor.at})")


def check_gguf_layout(path: Path) -> None:
    """Raises GGUFError unless the header's counts and every metadata value fit the file."""
    with path.open("rb") as file:
        if file.seek(0, 2) < 24:
            raise GGUFError(f"{path}: too short for a GGUF header")
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data[:4] != MAGIC:
                raise GGUFError(f"{path}: not a GGUF file (no GGUF magic)")
            # gguf's rule: a version whose low half is zero was written big-endian.
            version = struct.unpack_from("<I", data, 4)[0]
            cursor = _Cursor(data, ">" if version & 0xFFFF == 0 else "<")
            cursor.take(8)
            tensor_count = cursor.unsigned(8)
            kv_count = cursor.unsigned(8)
            try:
                if kv_count > cursor.remaining():
                    raise GGUFError(f"the GGUF claims {kv_count} metadata entries")
                for _ in range(kv_count):
                    cursor.take(cursor.unsigned(8))  # the key
                    _skip_value(cursor, cursor.unsigned(4))
                if tensor_count > cursor.remaining() // MIN_TENSOR_INFO_BYTES:
                    raise GGUFError(f"the GGUF claims {tensor_count} tensors")
            except GGUFError as error:
                raise GGUFError(f"{path}: {error}") from None
