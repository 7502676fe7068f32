"""ctypes over libet_llm_c.so, with every signature read from ``et_llm/c_api.h`` (so the
test binds what the header declares, not a second copy of it), recording which functions
were called."""

from __future__ import annotations

import ctypes
import re
from pathlib import Path
from typing import Any

import et_llm

HEADER = Path(__file__).resolve().parents[2] / "cpp" / "include" / "et_llm" / "c_api.h"


class Step(ctypes.Structure):
    _fields_ = [
        ("token_id", ctypes.c_uint64),
        ("piece", ctypes.c_char_p),
        ("piece_size", ctypes.c_size_t),
        ("is_eos", ctypes.c_bool),
        ("is_terminal", ctypes.c_bool),
    ]


TokenCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p)
NO_CALLBACK = TokenCallback()  # NULL

_SCALARS: dict[str, Any] = {
    "void": None,
    "bool": ctypes.c_bool,
    "int": ctypes.c_int,
    "int32_t": ctypes.c_int32,
    "int64_t": ctypes.c_int64,
    "uint8_t": ctypes.c_uint8,
    "uint64_t": ctypes.c_uint64,
    "size_t": ctypes.c_size_t,
    "float": ctypes.c_float,
    "double": ctypes.c_double,
    "et_llm_step": Step,
    "et_llm_token_callback": TokenCallback,
}
_ENUMS = {"et_llm_status", "et_llm_image_layout", "et_llm_finish_reason"}


def _ctype(declaration: str) -> Any:
    """The ctypes type of a C type such as ``const uint64_t**`` or ``et_llm_config*``."""
    text = re.sub(r"\bconst\b", "", declaration)
    stars = text.count("*")
    base = text.replace("*", "").split()[-1] if text.replace("*", "").split() else ""
    if base == "char":
        kind = None
    elif base in _ENUMS:
        kind: Any = ctypes.c_int
    elif base in _SCALARS:
        kind = _SCALARS[base]
    elif base.startswith("et_llm_"):  # an opaque handle: only ever behind a pointer
        kind, stars = ctypes.c_void_p, stars - 1
    else:
        raise ValueError(f"unknown C type {declaration!r}")
    if base == "char":  # strings are char* (bytes in, bytes out)
        kind, stars = ctypes.c_char_p, stars - 1
    for _ in range(stars):
        kind = ctypes.c_void_p if kind is None else ctypes.POINTER(kind)
    return kind


def _parameter_type(parameter: str) -> Any:
    parameter = parameter.strip()
    name_at = re.search(r"[A-Za-z_][A-Za-z_0-9]*$", parameter)
    assert name_at is not None, parameter
    return _ctype(parameter[: name_at.start()])


def declared_functions() -> dict[str, tuple[Any, list[Any]]]:
    """Every function the header exports: name -> (restype, argtypes)."""
    text = re.sub(r"/\*.*?\*/", "", HEADER.read_text(), flags=re.S)
    functions: dict[str, tuple[Any, list[Any]]] = {}
    for match in re.finditer(r"ET_LLM_C_EXPORT\s+([^;]*?)\b(et_llm_\w+)\s*\(([^)]*)\)\s*;", text):
        restype = _ctype(match.group(1))
        params = match.group(3).strip()
        argtypes = [] if params in ("", "void") else [_parameter_type(p) for p in params.split(",")]
        functions[match.group(2)] = (restype, argtypes)
    return functions


class CApi:
    """The library's functions as attributes (``api.et_llm_version()``); ``called`` names
    each one used."""

    def __init__(self) -> None:
        self.library = ctypes.CDLL(et_llm.c_library_path)
        self.functions = declared_functions()
        self.called: set[str] = set()
        for name, (restype, argtypes) in self.functions.items():
            function = getattr(self.library, name)
            function.restype = restype
            function.argtypes = argtypes

    def __getattr__(self, name: str) -> Any:
        if name not in self.functions:
            raise AttributeError(name)
        self.called.add(name)
        return getattr(self.library, name)

    def message(self) -> str:
        return self.et_llm_last_error_message().decode()

    def ok(self, status: int) -> None:
        """Asserts success, showing the message otherwise."""
        assert status == 0, f"{self.et_llm_status_name(status).decode()}: {self.message()}"

    def handle(self, create: str, *args: Any) -> ctypes.c_void_p:
        """A new handle from ``create(*args, &out)``."""
        out = ctypes.c_void_p()
        self.ok(getattr(self, create)(*args, ctypes.byref(out)))
        assert out.value
        return out
