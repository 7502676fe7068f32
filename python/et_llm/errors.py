"""Typed exceptions raised by et_llm. Each carries its error code as ``.code``.

``ErrorCode`` and the exception classes (one per code, named after it) are made by the
compiled module from the C++ list of codes, so the two cannot differ. Every class derives
from :class:`Error`, which derives from ``RuntimeError`` so code written for upstream
ExecuTorch (which raises ``RuntimeError``) still catches them; some also derive from the
matching built-in (``InvalidArgumentError`` is a ``ValueError``, ``NotFoundError`` a
``FileNotFoundError``, ``NotSupportedError`` a ``NotImplementedError``).
"""

from __future__ import annotations

from et_llm._et_llm import (
    CallbackFailedError,
    ContextOverflowError,
    Error,
    ErrorCode,
    ExecutionFailedError,
    InternalError,
    InvalidArgumentError,
    InvalidProgramError,
    InvalidStateError,
    InvalidTokenizerError,
    NotFoundError,
    NotSupportedError,
)

# The names of earlier releases.
CallbackError = CallbackFailedError
ContextLengthExceededError = ContextOverflowError
ExecutionError = ExecutionFailedError
TokenizerError = InvalidTokenizerError

__all__ = [
    "CallbackError",
    "CallbackFailedError",
    "ContextLengthExceededError",
    "ContextOverflowError",
    "Error",
    "ErrorCode",
    "ExecutionError",
    "ExecutionFailedError",
    "InternalError",
    "InvalidArgumentError",
    "InvalidProgramError",
    "InvalidStateError",
    "InvalidTokenizerError",
    "NotFoundError",
    "NotSupportedError",
    "TokenizerError",
]
