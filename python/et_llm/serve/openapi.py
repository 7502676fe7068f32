"""What the routes answer, as ``/openapi.json`` documents it: OpenAI's response bodies as
pydantic models (for the schema only: the routes build plain dicts, see responses.py), the
error statuses each route gives with OpenAI's error JSON, and the server-sent events of a
stream. The fuzzing test (tests/python/test_serve_schemathesis.py) holds the server to it."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

COMPONENTS = "#/components/schemas/"


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None
    code: str | None


class ErrorResponse(BaseModel):
    error: ErrorDetail


class CachedTokens(BaseModel):
    cached_tokens: int


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    prompt_tokens_details: CachedTokens


class TopLogprob(BaseModel):
    token: str
    logprob: float
    bytes: list[int]


class TokenLogprob(TopLogprob):
    top_logprobs: list[TopLogprob]


class ChatLogprobs(BaseModel):
    content: list[TokenLogprob]
    refusal: None = None


class AssistantMessage(BaseModel):
    role: Literal["assistant"]
    content: str


FinishReason = Literal["stop", "length"]


class ChatChoice(BaseModel):
    index: int
    message: AssistantMessage
    logprobs: ChatLogprobs | None
    finish_reason: FinishReason | None


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"]
    created: int
    model: str
    choices: list[ChatChoice]
    usage: Usage


class ChatDelta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChatChunkChoice(BaseModel):
    index: int
    delta: ChatDelta
    logprobs: ChatLogprobs | None
    finish_reason: FinishReason | None


class ChatCompletionChunk(BaseModel):
    id: str
    object: Literal["chat.completion.chunk"]
    created: int
    model: str
    choices: list[ChatChunkChoice]
    usage: Usage | None = None


class LegacyLogprobs(BaseModel):
    tokens: list[str]
    token_logprobs: list[float]
    top_logprobs: list[dict[str, float]]
    text_offset: list[int]


class TextChoice(BaseModel):
    index: int
    text: str
    logprobs: LegacyLogprobs | None
    finish_reason: FinishReason | None


class TextCompletion(BaseModel):
    id: str
    object: Literal["text_completion"]
    created: int
    model: str
    choices: list[TextChoice]
    usage: Usage


class TextCompletionChunk(BaseModel):
    id: str
    object: Literal["text_completion"]
    created: int
    model: str
    choices: list[TextChoice]
    usage: Usage | None = None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"]
    created: int
    owned_by: str
    max_context_len: int


class ModelList(BaseModel):
    object: Literal["list"]
    data: list[ModelCard]


class Health(BaseModel):
    status: Literal["ok"]
    models: list[str]
    pid: int


def error(description: str) -> dict[str, Any]:
    return {"model": ErrorResponse, "description": description}


NOT_FOUND = {404: error("No model of that name")}
# What a completion route answers besides its 200.
COMPLETION_ERRORS: dict[int | str, dict[str, Any]] = {
    400: error("A malformed or invalid request, or one that exceeds the model's context"),
    **NOT_FOUND,
    429: error("Every session is busy and the queue is full; retry after Retry-After seconds"),
    500: error("A fault of the server, never the request's"),
}


def completion_answer(body: type[BaseModel], chunk: type[BaseModel]) -> dict[int | str, Any]:
    """The responses of a completion route: `body` as JSON, or with ``stream`` server-sent
    events whose data is a `chunk` (or an error after the headers), the last ``[DONE]``."""
    data = {
        "anyOf": [
            {"type": "string", "const": "[DONE]"},
            {
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": {
                    "anyOf": [
                        {"$ref": COMPONENTS + chunk.__name__},
                        {"$ref": COMPONENTS + ErrorResponse.__name__},
                    ]
                },
            },
        ]
    }
    event = {"type": "object", "required": ["data"], "properties": {"data": data}}
    stream = {"text/event-stream": {"schema": event}}
    return {200: {"model": body, "content": stream}, **COMPLETION_ERRORS}


STREAM_CHUNKS = (ChatCompletionChunk, TextCompletionChunk)


def install(app: FastAPI) -> None:
    """Has `app` serve its schema with the stream chunks' models among the components (they
    are only named inside the event streams' schemas, which FastAPI does not follow), and
    without FastAPI's 422: a request that fails validation gets a 400 (see app.py)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, summary=app.summary, routes=app.routes
            )
            _, chunks = models_json_schema(
                [(model, "serialization") for model in STREAM_CHUNKS],
                ref_template=COMPONENTS + "{model}",
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(chunks["$defs"])
            for name in ("HTTPValidationError", "ValidationError"):
                components.pop(name, None)
            for path in schema["paths"].values():
                for operation in path.values():
                    operation["responses"].pop("422", None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
