"""Errors in OpenAI's JSON shape (``{"error": {"message", "type", "param", "code"}}``) with
the status each deserves; et_llm's typed errors map onto them."""

from __future__ import annotations

from typing import Any

from et_llm.errors import Error, ErrorCode


class APIError(Exception):
    """An error answered to the client; ``status`` 500 only for real faults."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


def bad_request(message: str, param: str | None = None, code: str | None = None) -> APIError:
    return APIError(400, message, param=param, code=code)


def context_exceeded(message: str, param: str | None = "messages") -> APIError:
    return APIError(400, message, param=param, code="context_length_exceeded")


def from_et_llm(error: Error) -> APIError:
    """The answer to an et_llm error raised while serving a request."""
    if error.code == ErrorCode.CONTEXT_OVERFLOW:
        return context_exceeded(error.message)
    if error.code in (ErrorCode.INVALID_ARGUMENT, ErrorCode.NOT_SUPPORTED):
        return bad_request(error.message)
    return APIError(500, str(error), type="server_error", code=error.code.name.lower())
