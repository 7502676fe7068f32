"""Property-based fuzzing of `et-llm serve`'s HTTP API with schemathesis, against the OpenAPI
schema the server itself serves at ``/openapi.json``: a real server on 127.0.0.1 with the tiny
fixture, every operation fed valid and invalid requests by schemathesis's engine (its examples,
coverage, fuzzing and stateful phases, as `schemathesis run` does; seeded, so CI replays the
same requests). No request may get a 5xx or hang, every answer must be what the schema documents
(status, content type, body, a stream's events), an invalid request gets OpenAI's error JSON
with a 4xx, and the server still answers the `openai` client afterwards.

schemathesis's pytest plugin (``schemathesis.pytest.from_fixture``) needs pytest internals that
pytest 9 no longer has, hence the engine. ET_LLM_FUZZ_EXAMPLES sets the examples per operation
of a longer run (``-s`` prints its figures)."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx
import pytest

from et_llm.serve import ModelSpec, ServerConfig
from tests.python.server_helpers import running_server
from tests.python.test_serve import MESSAGES, MODEL, spec  # noqa: F401 (the spec fixture)

schemathesis = pytest.importorskip("schemathesis")
openai = pytest.importorskip("openai")
from schemathesis.engine import Status, events, from_schema  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402

# Fuzzing examples per operation (the other phases add their own): about a minute in all on
# two busy cores.
EXAMPLES = int(os.environ.get("ET_LLM_FUZZ_EXAMPLES", "40"))
SEED = 20261202
# Longer than any answer of the tiny model; a request still open then is a hang.
REQUEST_TIMEOUT_S = 60
SLOW_S = 20

CONFIG = {
    "seed": SEED,
    "request-timeout": REQUEST_TIMEOUT_S,
    "continue-on-failure": True,
    "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none"},
    "checks": {
        # A server error is never the right answer to a bad request (the default allows 5xx).
        "negative_data_rejection": {"expected-statuses": ["400", "404", "405", "429"]},
        # A valid request may still be refused with a 400 for what its schema cannot say: the
        # prompt and max_tokens against the model's context, token ids against its vocabulary,
        # a json_schema response_format without its schema, top_logprobs without logprobs.
        "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404", "429"]},
        "max_response_time": SLOW_S,
    },
}


@schemathesis.check
def openai_error_json(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx and 5xx of the API carries OpenAI's error object."""
    if response.status_code < 400 or not case.operation.path.startswith("/v1/"):
        return None
    try:
        error = json.loads(response.content)["error"]
    except (ValueError, KeyError, TypeError) as failure:
        raise AssertionError(f"a {response.status_code} without OpenAI's error JSON") from failure
    if not (isinstance(error.get("message"), str) and isinstance(error.get("type"), str)):
        raise AssertionError(f"an error object without message and type: {error}")
    return True


@dataclass
class Run:
    """What a schemathesis run sent and found."""

    requests: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    streams: int = 0
    # Why valid requests were refused: (status, error code or param).
    refusals: Counter[tuple[int, str]] = field(default_factory=Counter)
    failures: dict[tuple[str, str, str], str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def report(self) -> str:
        lines = [f"{sum(self.requests.values())} requests: {dict(self.requests)}"]
        lines.append(f"statuses: {dict(sorted(self.statuses.items()))}, streams: {self.streams}")
        lines.append(f"valid requests refused: {dict(self.refusals.most_common())}")
        for (label, check, title), sample in self.failures.items():
            lines.append(f"FAILED {label} {check}: {title}\n{sample}")
        lines += [f"ERROR {error}" for error in self.errors]
        return "\n".join(lines)


def fuzz(base_url: str) -> Run:
    root = base_url.removesuffix("/v1")
    schema = schemathesis.openapi.from_url(
        f"{root}/openapi.json", config=schemathesis.Config.from_dict(CONFIG)
    )
    run = Run()

    @schema.hook
    def after_call(context: Any, case: Any, response: Any) -> None:
        run.requests[case.operation.label] += 1
        run.statuses[response.status_code] += 1
        run.streams += "text/event-stream" in response.headers.get("content-type", [""])[0]
        generation = getattr(case.meta, "generation", None)
        if (
            response.status_code >= 400
            and generation
            and generation.mode == GenerationMode.POSITIVE
        ):
            error = json.loads(response.content).get("error", {})
            run.refusals[
                response.status_code,
                str(error.get("code") or error.get("param") or error.get("message"))[:60],
            ] += 1

    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.status == Status.FAILURE:
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        failure = check.failure_info.failure
                        key = (event.recorder.label, check.name, failure.title)
                        run.failures.setdefault(
                            key, f"{failure.message}\n{check.failure_info.code_sample}"
                        )
        elif isinstance(event, events.ScenarioFinished) and event.status == Status.ERROR:
            run.errors.append(f"{event.label}: an error while testing it")
        elif isinstance(event, events.NonFatalError):
            run.errors.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            run.errors.append(f"fatal: {event.exception!r}")
    return run


@pytest.fixture(scope="module")
def base_url(spec: ModelSpec) -> Iterator[str]:  # noqa: F811
    with running_server(ServerConfig([spec], sessions=2, max_waiting=8)) as url:
        yield url


def test_every_operation_answers_as_its_schema_says(base_url: str) -> None:
    run = fuzz(base_url)
    print(run.report())
    schema = httpx.get(f"{base_url.removesuffix('/v1')}/openapi.json").json()
    operations = {f"{m.upper()} {p}" for p, ops in schema["paths"].items() for m in ops}
    assert operations <= set(run.requests), run.report()
    assert not run.failures and not run.errors, run.report()
    assert not any(status >= 500 for status in run.statuses), run.report()


def test_the_server_still_answers_after_the_fuzzing(base_url: str) -> None:
    client = openai.OpenAI(base_url=base_url, api_key="unused", max_retries=0, timeout=60)
    reply = client.chat.completions.create(model=MODEL, messages=MESSAGES, max_tokens=4)
    assert reply.choices[0].message.content is not None
    streamed = client.completions.create(model=MODEL, prompt="Hi", max_tokens=4, stream=True)
    assert [c.choices[0].finish_reason for c in streamed if c.choices][-1] in ("stop", "length")
