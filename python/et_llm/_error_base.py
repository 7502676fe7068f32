"""The base class of et_llm's exceptions. The compiled module derives one class per error
code from it (see :mod:`et_llm.errors`); it lives in Python so it has real signatures."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from et_llm._et_llm import ErrorCode


class Error(RuntimeError):
    """Base of every et_llm error. Derives from RuntimeError, which upstream raises."""

    #: The error's code; each subclass has its own.
    code: ClassVar[ErrorCode]

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code.name}] {self.message}"
