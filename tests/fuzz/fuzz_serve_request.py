"""Fuzzes the server's request parsing with atheris: JSON bodies posted to the FastAPI app of
et_llm.serve, called in-process (ASGI, no socket, no server).

    python tests/fuzz/fuzz_serve_request.py [CORPUS_DIR ...] [libFuzzer flags]

An input's first byte picks the endpoint (chat or text completions) and the content type;
the rest is the body. It goes through everything between the bytes and generation: FastAPI's
JSON decoding, the pydantic models of et_llm/serve/protocol.py, the app's error handlers, and
for a valid request the route up to its Plan (model lookup, the chat template, tokenizing,
one GenerationConfig per choice, response_format as a grammar). The model is the fixture's
tokenizer and chat template without a program: generation itself is not fuzzed here.

A 200 or a 4xx answer in OpenAI's error JSON is an expected outcome; a 500, another status,
another error body or an exception is a finding.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import atheris
from atheris_run import fuzz

with atheris.instrument_imports(include=["et_llm.serve", "et_llm.chat", "fastapi"]):
    import fastapi.routing  # noqa: F401

    from et_llm.serve import app as app_module
    from et_llm.serve.config import ServerConfig
    from et_llm.serve.metrics import Metrics
    from et_llm.serve.model_host import ServedModel

from fastapi.responses import JSONResponse  # noqa: E402

import et_llm  # noqa: E402
from et_llm.chat import ChatTemplate  # noqa: E402

PATHS = [b"/v1/chat/completions", b"/v1/completions"]
CONTENT_TYPES = [b"application/json", b"application/vnd.api+json", b"text/plain", None]
MODEL = "tiny"


class _Engine:
    def __init__(self, vocab_size: int) -> None:
        self.vocab_size = vocab_size

    def get_vocab_size(self) -> int:
        return self.vocab_size


class _Executor:
    def shutdown(self, wait: bool) -> None:
        pass


def served_model(fixtures: Path) -> ServedModel:
    """A ServedModel with the fixture's tokenizer and chat template, without its program."""
    model = ServedModel.__new__(ServedModel)
    model.name = MODEL
    model.metrics = Metrics()
    model.created = 0
    model.tokenizer = et_llm.load_tokenizer(fixtures / "tokenizer.json")
    model.engine = _Engine(model.tokenizer.vocab_size)
    model.template = ChatTemplate.from_tokenizer_config(fixtures / "tokenizer_config.json")
    model.adds_bos = True
    model.max_context_len = 128
    model.executor = _Executor()
    return model


async def planned(model: Any, plan: Any, *_: Any) -> JSONResponse:
    """Stands in for app._respond: the request got as far as generation."""
    return JSONResponse({"prompt_tokens": len(plan.prompt), "choices": len(plan.configs)})


class ServeRequestTarget:
    def __init__(self) -> None:
        fixtures = Path(os.environ["ET_LLM_FIXTURES_DIR"])
        model = served_model(fixtures)
        app_module.load_models = lambda config, metrics: {MODEL: model}
        app_module._respond = planned
        self.app = app_module.create_app(ServerConfig())
        self.loop = asyncio.new_event_loop()

    async def post(self, path: bytes, content_type: bytes | None, body: bytes) -> tuple[int, bytes]:
        headers = [(b"content-length", str(len(body)).encode())]
        if content_type is not None:
            headers.append((b"content-type", content_type))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path.decode(),
            "raw_path": path,
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
        }
        messages = [{"type": "http.request", "body": body, "more_body": False}]
        status = 0
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            if messages:
                return messages.pop()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, b"".join(chunks)

    def __call__(self, data: bytes) -> None:
        choice = data[0] if data else 0
        path = PATHS[choice & 1]
        content_type = CONTENT_TYPES[(choice >> 1) & 3]
        status, body = self.loop.run_until_complete(self.post(path, content_type, data[1:]))
        if status == 200:
            json.loads(body)
            return
        if not 400 <= status < 500:
            raise AssertionError(f"status {status}: {body[:2000]!r}")
        error = json.loads(body).get("error")
        if not isinstance(error, dict) or not isinstance(error.get("message"), str):
            raise AssertionError(f"status {status} without OpenAI's error JSON: {body[:2000]!r}")


def main() -> None:
    fuzz(sys.argv, ServeRequestTarget(), max_len="4096")


if __name__ == "__main__":
    main()
