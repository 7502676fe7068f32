"""The OpenAI-compatible HTTP API as a FastAPI app: ``/v1/chat/completions``,
``/v1/completions``, ``/v1/models``, ``/health`` and ``/metrics``.

Every error leaves as OpenAI's error JSON with its status; a request never takes the server
down. Streams are server-sent events ending in ``data: [DONE]``.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sse_starlette.sse import EventSourceResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from et_llm.errors import Error, InvalidArgumentError
from et_llm.serve.completion import ChoiceEnd, Event, Piece, Plan, Usage, generate
from et_llm.serve.config import ServerConfig
from et_llm.serve.errors import APIError, bad_request, from_et_llm
from et_llm.serve.metrics import CONTENT_TYPE, Metrics
from et_llm.serve.model_host import ServedModel
from et_llm.serve.openapi import (
    NOT_FOUND,
    ChatCompletion,
    ChatCompletionChunk,
    Health,
    ModelCard,
    ModelList,
    TextCompletion,
    TextCompletionChunk,
    completion_answer,
    install,
)
from et_llm.serve.protocol import ChatCompletionRequest, CompletionRequest
from et_llm.serve.responses import Shaper

log = logging.getLogger("et_llm.serve")


def load_models(config: ServerConfig, metrics: Metrics) -> dict[str, ServedModel]:
    if not config.models:
        raise InvalidArgumentError("the server needs at least one model")
    if config.sessions < 1 or config.max_waiting < 0:
        raise InvalidArgumentError("sessions must be >= 1 and max_waiting >= 0")
    names = [spec.name for spec in config.models]
    if len(set(names)) != len(names):
        raise InvalidArgumentError(f"two models share a name: {names}")
    models = {}
    for spec in config.models:
        model = ServedModel(
            spec,
            metrics,
            config.sessions,
            config.max_waiting,
            config.threads,
            config.prompt_cache,
            config.preload_sessions,
        )
        models[spec.name] = model
        metrics.pools[spec.name] = model.pool
    return models


def create_app(config: ServerConfig) -> FastAPI:
    """Loads every model of `config` (errors here are et_llm's typed ones) and returns the app."""
    metrics = Metrics()
    models = load_models(config, metrics)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        for model in models.values():
            model.close()

    app = FastAPI(title="et_llm", summary="OpenAI-compatible API on et_llm", lifespan=lifespan)
    app.state.models = models
    app.state.metrics = metrics
    _add_error_handlers(app, metrics)
    install(app)

    def pick(name: str, request: Request) -> ServedModel:
        request.state.model = name
        if name not in models:
            raise APIError(
                404,
                f"the model {name!r} does not exist; this server has {sorted(models)}",
                param="model",
                code="model_not_found",
            )
        return models[name]

    @app.get("/health", response_model=None, responses={200: {"model": Health}})
    async def health() -> dict[str, Any]:
        # The process id tells replicas apart behind a proxy.
        return {"status": "ok", "models": sorted(models), "pid": os.getpid()}

    @app.get(
        "/metrics",
        response_class=PlainTextResponse,
        responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
    )
    async def metrics_text() -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    @app.get("/v1/models", response_model=None, responses={200: {"model": ModelList}})
    async def list_models() -> dict[str, Any]:
        return {"object": "list", "data": [_model_card(m) for m in models.values()]}

    @app.get(
        "/v1/models/{name:path}",
        response_model=None,
        responses={200: {"model": ModelCard}, **NOT_FOUND},
    )
    async def get_model(name: str, request: Request) -> dict[str, Any]:
        return _model_card(pick(name, request))

    @app.post(
        "/v1/chat/completions", responses=completion_answer(ChatCompletion, ChatCompletionChunk)
    )
    async def chat_completions(body: ChatCompletionRequest, request: Request) -> Response:
        model = pick(body.model, request)
        prompt = model.chat_prompt(body)
        top = body.top_logprobs or 0
        configs = model.generation_configs(
            body, prompt, body.token_limit(), body.logprobs, top, _grammar(body)
        )
        return await _respond(model, Plan(prompt, configs), body, request, "chat", top, "")

    @app.post("/v1/completions", responses=completion_answer(TextCompletion, TextCompletionChunk))
    async def completions(body: CompletionRequest, request: Request) -> Response:
        model = pick(body.model, request)
        prompt = model.completion_prompt(body)
        want = body.logprobs is not None
        configs = model.generation_configs(
            body, prompt, body.token_limit(), want, body.logprobs or 0
        )
        echo = ""
        if body.echo:
            echo = body.prompt if isinstance(body.prompt, str) else model.tokenizer.decode(prompt)
        return await _respond(
            model, Plan(prompt, configs), body, request, "text", body.logprobs or 0, echo
        )

    return app


def _grammar(body: ChatCompletionRequest) -> tuple[str, str]:
    """response_format as GenerationConfig's (grammar, grammar_type)."""
    form = body.response_format
    if form is None or form.type == "text":
        return "", ""
    if form.type == "json_object":
        return json.dumps({"type": "object"}), "json_schema"
    schema = form.json_schema.schema_ if form.json_schema else None
    return json.dumps(schema if schema is not None else {}), "json_schema"


def _model_card(model: ServedModel) -> dict[str, Any]:
    return {
        "id": model.name,
        "object": "model",
        "created": model.created,
        "owned_by": "et_llm",
        "max_context_len": model.max_context_len,
    }


class _Timing:
    """TTFT and decode speed of one request, into the metrics."""

    def __init__(self, model: ServedModel, request: Request) -> None:
        self.model = model
        self.arrival = getattr(request.state, "arrival", time.perf_counter())
        self.first: float | None = None

    def piece(self, piece: Piece) -> None:
        if self.first is None and piece.text:
            self.first = time.perf_counter()
            self.model.metrics.ttft.labels(self.model.name).observe(self.first - self.arrival)

    def done(self, usage: Usage) -> None:
        metrics, name = self.model.metrics, self.model.name
        metrics.prompt_tokens.labels(name).inc(usage.prompt_tokens)
        metrics.cached_tokens.labels(name).inc(usage.cached_tokens)
        elapsed = time.perf_counter() - (self.first or time.perf_counter())
        if self.first is not None and usage.completion_tokens > 1 and elapsed > 0:
            metrics.decode_rate.labels(name).observe((usage.completion_tokens - 1) / elapsed)


@dataclass
class _Turn:
    """One request's response in the making."""

    shaper: Shaper
    timing: _Timing
    usage: Usage
    want_logprobs: bool
    echo: str
    include_usage: bool

    def record(self, event: Event) -> Any:
        if isinstance(event, Piece):
            self.timing.piece(event)
            return self.shaper.add(event, self.want_logprobs)
        self.shaper.choices[event.index].finish_reason = event.finish_reason
        return None


async def _respond(
    model: ServedModel,
    plan: Plan,
    body: ChatCompletionRequest | CompletionRequest,
    request: Request,
    kind: str,
    top: int,
    echo: str,
) -> Response:
    turn = _Turn(
        shaper=Shaper(model, kind, plan.prompt, len(plan.configs), top),
        timing=_Timing(model, request),
        usage=Usage(),
        want_logprobs=bool(body.logprobs) if kind == "chat" else body.logprobs is not None,
        echo=echo,
        include_usage=body.include_usage(),
    )
    usage = turn.usage.as_json
    if not body.stream:
        async with aclosing(generate(model, plan, turn.usage, request.is_disconnected)) as events:
            async for event in events:
                turn.record(event)
        turn.timing.done(turn.usage)
        if kind == "chat":
            return JSONResponse(turn.shaper.chat_completion(usage(), turn.want_logprobs))
        return JSONResponse(turn.shaper.text_completion(usage(), turn.want_logprobs, echo))

    events = generate(model, plan, turn.usage)
    # The first event (after acquiring a session and the prefill) comes before the headers,
    # so a full queue or an over-long prompt still gets its own status.
    try:
        first = await anext(events)
    except BaseException:
        await events.aclose()
        raise
    chunks = _chat_chunks if kind == "chat" else _text_chunks
    return EventSourceResponse(_sse(turn, chunks(turn, _chain(first, events))), ping=15)


async def _chain(first: Event, events: AsyncIterator[Event]) -> AsyncIterator[Event]:
    async with aclosing(events):
        yield first
        async for event in events:
            yield event


async def _chat_chunks(turn: _Turn, events: AsyncIterator[Event]) -> AsyncIterator[dict[str, Any]]:
    shaper = turn.shaper
    opened: set[int] = set()
    async for event in events:
        if event.index not in opened:
            opened.add(event.index)
            yield shaper.chat_chunk(event.index, {"role": "assistant", "content": ""})
        entries = turn.record(event)
        if isinstance(event, ChoiceEnd):
            yield shaper.chat_chunk(event.index, {}, finish_reason=event.finish_reason)
        elif event.text or entries:
            yield shaper.chat_chunk(event.index, {"content": event.text}, entries)


async def _text_chunks(turn: _Turn, events: AsyncIterator[Event]) -> AsyncIterator[dict[str, Any]]:
    shaper, echo = turn.shaper, turn.echo
    echoed: set[int] = set()
    async for event in events:
        offset = len(echo) + sum(len(t) for t in shaper.choices[event.index].text)
        text = ""
        if echo and event.index not in echoed:
            echoed.add(event.index)
            text = echo
            offset = len(echo)
        entries = turn.record(event)
        if isinstance(event, ChoiceEnd):
            yield shaper.text_chunk(event.index, text, finish_reason=event.finish_reason)
        elif event.text or entries or text:
            legacy = shaper.legacy_logprobs(entries, offset) if entries else None
            yield shaper.text_chunk(event.index, text + event.text, legacy)


async def _sse(turn: _Turn, chunks: AsyncIterator[dict[str, Any]]) -> AsyncIterator[dict[str, str]]:
    model = turn.shaper.model
    try:
        async with aclosing(chunks):
            async for chunk in chunks:
                if turn.include_usage:
                    chunk["usage"] = None
                yield {"data": json.dumps(chunk)}
    except APIError as error:  # after the headers: the error travels in the stream
        yield {"data": json.dumps(error.body())}
        return
    except BaseException:
        model.metrics.disconnects.labels(model.name).inc()
        raise
    turn.timing.done(turn.usage)
    if turn.include_usage:
        yield {"data": json.dumps(turn.shaper.usage_chunk(turn.usage.as_json()))}
    yield {"data": "[DONE]"}


def _add_error_handlers(app: FastAPI, metrics: Metrics) -> None:
    def answer(request: Request, error: APIError) -> JSONResponse:
        return JSONResponse(error.body(), status_code=error.status, headers=error.headers)

    @app.middleware("http")
    async def count(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Any:
        request.state.arrival = time.perf_counter()
        response = await call_next(request)
        if request.url.path.startswith("/v1/"):
            model = getattr(request.state, "model", "")
            metrics.requests.labels(model, request.url.path, str(response.status_code)).inc()
        return response

    @app.exception_handler(APIError)
    async def api_error(request: Request, error: APIError) -> JSONResponse:
        return answer(request, error)

    @app.exception_handler(Error)
    async def et_llm_error(request: Request, error: Error) -> JSONResponse:
        return answer(request, from_et_llm(error))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = error.errors()
        first = problems[0] if problems else {}
        location = [str(part) for part in first.get("loc", ()) if part != "body"]
        message = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body') or 'body'}: {e.get('msg')}"
            for e in problems
        )
        return answer(request, bad_request(message or "malformed request", ".".join(location)))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        # The headers stay: a 405's Allow names the methods the path takes (RFC 9110).
        headers = dict(error.headers or {})
        return answer(request, APIError(error.status_code, str(error.detail), headers=headers))

    @app.exception_handler(Exception)
    async def fault(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error serving %s", request.url.path)
        return answer(request, APIError(500, f"internal error: {error}", type="server_error"))
