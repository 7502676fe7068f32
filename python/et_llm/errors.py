"""Typed exceptions raised by et_llm. Each carries the C++ error code as ``.code``.

Every class derives from :class:`Error`, which derives from ``RuntimeError`` so
code written for upstream ExecuTorch (which raises ``RuntimeError``) still
catches them; the more specific ones also derive from the matching built-in.
"""

from __future__ import annotations

from enum import IntEnum


class ErrorCode(IntEnum):
    """Mirror of ``et_llm::ErrorCode`` (cpp/include/et_llm/error.h)."""

    OK = 0
    INVALID_ARGUMENT = 1
    INVALID_STATE = 2
    NOT_FOUND = 3
    INVALID_PROGRAM = 4
    INVALID_TOKENIZER = 5
    NOT_SUPPORTED = 6
    CONTEXT_OVERFLOW = 7
    EXECUTION_FAILED = 8
    INTERNAL = 9
    CALLBACK_FAILED = 10


class Error(RuntimeError):
    """Base of every et_llm error."""

    default_code = ErrorCode.INTERNAL

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = ErrorCode(code if code is not None else self.default_code)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code.name}] {self.message}"


class InvalidArgumentError(Error, ValueError):
    default_code = ErrorCode.INVALID_ARGUMENT


class InvalidStateError(Error):
    default_code = ErrorCode.INVALID_STATE


class NotFoundError(Error, FileNotFoundError):
    default_code = ErrorCode.NOT_FOUND

    def __init__(self, message: str, code: int | None = None) -> None:
        Error.__init__(self, message, code)

    def __str__(self) -> str:
        return Error.__str__(self)


class InvalidProgramError(Error):
    default_code = ErrorCode.INVALID_PROGRAM


class TokenizerError(Error):
    default_code = ErrorCode.INVALID_TOKENIZER


class NotSupportedError(Error, NotImplementedError):
    default_code = ErrorCode.NOT_SUPPORTED


class ContextLengthExceededError(Error, ValueError):
    default_code = ErrorCode.CONTEXT_OVERFLOW


class ExecutionError(Error):
    default_code = ErrorCode.EXECUTION_FAILED


class InternalError(Error):
    default_code = ErrorCode.INTERNAL


class CallbackError(Error):
    default_code = ErrorCode.CALLBACK_FAILED


_BY_CODE: dict[ErrorCode, type[Error]] = {
    cls.default_code: cls
    for cls in (
        InvalidArgumentError,
        InvalidStateError,
        NotFoundError,
        InvalidProgramError,
        TokenizerError,
        NotSupportedError,
        ContextLengthExceededError,
        ExecutionError,
        InternalError,
        CallbackError,
    )
}


def error_from_code(code: int, message: str) -> Error:
    """The exception for a C++ error code (used by the extension module)."""
    try:
        cls = _BY_CODE[ErrorCode(code)]
    except ValueError:
        return InternalError(f"unknown error code {code}: {message}", ErrorCode.INTERNAL)
    return cls(message, code)
