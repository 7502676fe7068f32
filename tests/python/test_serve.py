"""`et-llm serve` through the official `openai` client on 127.0.0.1, on the tiny fixture: the
answers equal TextLLMRunner's on the same tokens, and bad requests get OpenAI's error JSON with
the right status while the server keeps serving."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx2 as httpx
import pytest

import et_llm
from et_llm.serve import ModelSpec, ServerConfig
from tests.python.cli_helpers import run_cli
from tests.python.server_helpers import cli_server, metric, running_server

openai = pytest.importorskip("openai")

MODEL = "tiny"
MESSAGES = [{"role": "user", "content": "Hello there, how are you?"}]


@pytest.fixture(scope="module")
def spec(fixture_dir: Path) -> ModelSpec:
    return ModelSpec(
        MODEL,
        fixture_dir / "export_llm_dynamic.pte",
        fixture_dir / "tokenizer.json",
        fixture_dir / "tokenizer_config.json",
    )


@pytest.fixture(scope="module")
def base_url(spec: ModelSpec):
    with running_server(ServerConfig([spec], sessions=2, max_waiting=8)) as url:
        yield url


@pytest.fixture(scope="module")
def client(base_url: str):
    return openai.OpenAI(base_url=base_url, api_key="unused", max_retries=0, timeout=60)


@pytest.fixture(scope="module")
def runner(spec: ModelSpec):
    return et_llm.TextLLMRunner(str(spec.pte), str(spec.tokenizer))


def chat_tokens(spec: ModelSpec, runner, messages: list[dict]) -> list[int]:
    template = et_llm.ChatTemplate.from_tokenizer_config(spec.tokenizer_config)
    return runner.tokenizer.encode(template.render(messages, add_generation_prompt=True))


def runner_text(runner, tokens: list[int], **config) -> str:
    runner.reset()
    return runner.session.generate(tokens, et_llm.GenerationConfig(echo=False, **config))


def test_models_health_and_metrics(base_url: str, client):
    models = client.models.list()
    assert [m.id for m in models.data] == [MODEL]
    assert client.models.retrieve(MODEL).id == MODEL
    root = base_url.removesuffix("/v1")
    assert httpx.get(f"{root}/health").json()["status"] == "ok"
    page = httpx.get(f"{root}/metrics")
    assert page.status_code == 200 and "text/plain" in page.headers["content-type"]
    assert metric(page.text, "et_llm_max_sessions", MODEL) == 2
    assert metric(page.text, "et_llm_sessions", MODEL) == 2  # all made at start


def test_greedy_chat_equals_the_runner(client, spec: ModelSpec, runner):
    reply = client.chat.completions.create(
        model=MODEL, messages=MESSAGES, max_tokens=12, temperature=0
    )
    tokens = chat_tokens(spec, runner, MESSAGES)
    assert reply.choices[0].message.content == runner_text(
        runner, tokens, max_new_tokens=12, temperature=0.0
    )
    assert reply.object == "chat.completion" and reply.choices[0].message.role == "assistant"
    assert reply.usage.prompt_tokens == len(tokens)
    assert reply.usage.completion_tokens == len(runner.session.generated_tokens)
    assert reply.choices[0].finish_reason in ("stop", "length")


def test_stream_equals_the_whole_answer_and_reports_usage(client):
    whole = client.chat.completions.create(
        model=MODEL, messages=MESSAGES, max_tokens=20, temperature=0
    )
    chunks = list(
        client.chat.completions.create(
            model=MODEL,
            messages=MESSAGES,
            max_tokens=20,
            temperature=0,
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finishes[-1] == whole.choices[0].finish_reason and set(finishes[:-1]) == {None}
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == (
        whole.usage.completion_tokens
    )


def test_text_completion_frames_the_prompt_as_the_tokenizer_says(client, runner):
    prompt = "Once upon a time"
    reply = client.completions.create(model=MODEL, prompt=prompt, max_tokens=10, temperature=0)
    # The fixture's tokenizer config sets add_bos_token.
    tokens = runner.tokenizer.encode(prompt, bos=1)
    assert reply.choices[0].text == runner_text(runner, tokens, max_new_tokens=10, temperature=0.0)
    assert reply.usage.prompt_tokens == len(tokens)
    echoed = client.completions.create(
        model=MODEL, prompt=prompt, max_tokens=10, temperature=0, echo=True
    )
    assert echoed.choices[0].text == prompt + reply.choices[0].text
    by_ids = client.completions.create(model=MODEL, prompt=tokens, max_tokens=10, temperature=0)
    assert by_ids.choices[0].text == reply.choices[0].text
    streamed = client.completions.create(
        model=MODEL, prompt=prompt, max_tokens=10, temperature=0, stream=True
    )
    assert "".join(c.choices[0].text for c in streamed if c.choices) == reply.choices[0].text


def test_a_stop_string_ends_the_answer_before_it(client):
    free = client.completions.create(
        model=MODEL, prompt="Hello world", max_tokens=30, temperature=0
    ).choices[0]
    text = free.text
    # A stop string from the middle of the free answer, ASCII so it is whole characters.
    match = re.search(r"[A-Za-z]{2,}", text[3:])
    assert match, f"no ASCII word in {text!r}"
    stop = match.group(0)
    cut = client.completions.create(
        model=MODEL, prompt="Hello world", max_tokens=30, temperature=0, stop=[stop, "\x00zz"]
    ).choices[0]
    assert cut.text == text[: text.index(stop)]
    assert cut.finish_reason == "stop"


def test_seeded_sampling_is_reproducible(client):
    def sample(seed: int) -> str:
        return (
            client.chat.completions.create(
                model=MODEL, messages=MESSAGES, max_tokens=24, temperature=1.0, seed=seed
            )
            .choices[0]
            .message.content
        )

    assert sample(7) == sample(7)
    assert len({sample(seed) for seed in range(4)}) > 1
    two = client.chat.completions.create(
        model=MODEL, messages=MESSAGES, max_tokens=24, temperature=1.0, seed=7, n=2
    )
    assert [c.index for c in two.choices] == [0, 1]
    assert two.choices[0].message.content == sample(7)


def test_logprobs_equal_the_runners(client, spec: ModelSpec, runner):
    reply = client.chat.completions.create(
        model=MODEL, messages=MESSAGES, max_tokens=8, temperature=0, logprobs=True, top_logprobs=3
    )
    runner.reset()
    expected = runner.session.generate_tokens(
        chat_tokens(spec, runner, MESSAGES),
        et_llm.GenerationConfig(echo=False, max_new_tokens=8, temperature=0.0, top_logprobs=3),
        return_logprobs=True,
    )
    content = reply.choices[0].logprobs.content
    assert [e.logprob for e in content] == pytest.approx(expected.logprobs, abs=1e-5)
    for entry, top in zip(content, expected.top_logprobs, strict=True):
        assert [t.logprob for t in entry.top_logprobs] == pytest.approx(
            [lp for _, lp in top], abs=1e-5
        )
        # Greedy: the chosen token is the most likely one.
        assert entry.bytes == entry.top_logprobs[0].bytes
    assert (
        b"".join(bytes(e.bytes) for e in content).decode(errors="replace")
        == (reply.choices[0].message.content)
        or reply.choices[0].finish_reason == "stop"
    )
    legacy = client.completions.create(
        model=MODEL, prompt="Hello", max_tokens=4, temperature=0, logprobs=2
    ).choices[0]
    assert len(legacy.logprobs.tokens) == 4 and all(
        len(t) == 2 for t in legacy.logprobs.top_logprobs
    )


def test_the_prompt_cache_reuses_a_conversation(base_url: str, client, spec: ModelSpec, runner):
    root = base_url.removesuffix("/v1")
    before = metric(httpx.get(f"{root}/metrics").text, "et_llm_cached_prompt_tokens_total", MODEL)
    messages = [{"role": "user", "content": "Tell me a story about a cat."}]
    first = client.chat.completions.create(
        model=MODEL, messages=messages, max_tokens=10, temperature=0
    )
    messages += [
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": "And then?"},
    ]
    second = client.chat.completions.create(
        model=MODEL, messages=messages, max_tokens=10, temperature=0
    )
    tokens = chat_tokens(spec, runner, messages)
    # The second turn re-used at least the first turn's prompt, and answers as from scratch.
    assert second.usage.prompt_tokens_details.cached_tokens >= first.usage.prompt_tokens - 1
    assert second.choices[0].message.content == runner_text(
        runner, tokens, max_new_tokens=10, temperature=0.0
    )
    after = metric(httpx.get(f"{root}/metrics").text, "et_llm_cached_prompt_tokens_total", MODEL)
    assert after - before >= second.usage.prompt_tokens_details.cached_tokens


BAD_BODIES = [
    ({"model": MODEL}, 400, "messages"),  # missing field
    ({"model": MODEL, "messages": "hi"}, 400, "messages"),  # wrong type
    ({"model": MODEL, "messages": MESSAGES, "temperature": "hot"}, 400, "temperature"),
    ({"model": MODEL, "messages": MESSAGES, "max_tokens": -5}, 400, "max_tokens"),
    ({"model": MODEL, "messages": MESSAGES, "n": 0}, 400, "n"),
    ({"model": MODEL, "messages": MESSAGES, "top_logprobs": 3}, 400, None),  # needs logprobs
    ({"model": MODEL, "messages": MESSAGES, "frobnicate": True}, 400, "frobnicate"),
    ({"model": MODEL, "messages": [{"role": "wizard", "content": "x"}]}, 400, "messages"),
    ({"model": "no-such-model", "messages": MESSAGES}, 404, "model"),
    ({"model": MODEL, "messages": MESSAGES, "max_tokens": 1000}, 400, "max_tokens"),
    ({"model": MODEL, "messages": [{"role": "user", "content": "word " * 300}]}, 400, "messages"),
    ({"model": MODEL, "messages": MESSAGES, "response_format": {"type": "xml"}}, 400, None),
]


@pytest.mark.parametrize(("body", "status", "param"), BAD_BODIES)
def test_bad_requests_get_openai_errors_and_the_server_goes_on(
    base_url: str, client, body, status, param
):
    answer = httpx.post(f"{base_url}/chat/completions", json=body, timeout=30)
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["message"] and error["type"]
    if param is not None:
        assert param in (error["param"] or "")
    if "word " in json.dumps(body) or body.get("max_tokens") == 1000:
        assert error["code"] == "context_length_exceeded"
    ok = client.chat.completions.create(model=MODEL, messages=MESSAGES, max_tokens=2)
    assert ok.choices[0].message.content is not None


@pytest.mark.parametrize(
    "raw", [b"{not json", b"", b"[1, 2]", json.dumps({"model": MODEL, "prompt": []}).encode()]
)
def test_malformed_bodies_get_400(base_url: str, raw: bytes):
    for path in ("chat/completions", "completions"):
        answer = httpx.post(
            f"{base_url}/{path}",
            content=raw,
            headers={"content-type": "application/json"},
            timeout=30,
        )
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"]["type"] == "invalid_request_error"


def test_a_lone_surrogate_gets_400(base_url: str, client):
    # JSON can escape half of a UTF-16 pair; the tokenizer's TypeError once answered 500.
    bodies = {
        "chat/completions": {"model": MODEL, "messages": [{"role": "user", "content": "\udc4b"}]},
        "completions": {"model": MODEL, "prompt": "a\ud800b"},
    }
    for path, body in bodies.items():
        answer = httpx.post(
            f"{base_url}/{path}",
            content=json.dumps(body),
            timeout=30,
            headers={"content-type": "application/json"},
        )
        assert answer.status_code == 400, answer.text
        assert "not valid Unicode" in answer.json()["error"]["message"]
    ok = client.chat.completions.create(model=MODEL, messages=MESSAGES, max_tokens=2)
    assert ok.choices[0].message.content is not None


def test_the_openai_client_raises_typed_errors(client):
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="nope", messages=MESSAGES)
    with pytest.raises(openai.BadRequestError, match="context"):
        client.completions.create(model=MODEL, prompt="word " * 300)
    with pytest.raises(openai.BadRequestError):
        client.completions.create(model=MODEL, prompt=[10**9])


def test_unknown_routes_answer_in_the_same_shape(base_url: str):
    answer = httpx.get(f"{base_url}/nothing-here")
    assert answer.status_code == 404 and "error" in answer.json()


def test_the_cli_says_when_it_is_ready_and_keeps_stdout_clean(spec: ModelSpec):
    args = ["serve", "--model", f"{MODEL}={spec.pte}", "--tokenizer", spec.tokenizer]
    with cli_server([*map(str, args), "--port", "0"]) as (process, url):
        client = openai.OpenAI(base_url=url, api_key="unused", max_retries=0, timeout=60)
        assert client.completions.create(model=MODEL, prompt="Hi", max_tokens=3).choices
    assert process.stdout_text == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sessions", "0"], "--sessions"),
        (["--port", "70000"], "--port"),
        (["--model", "/nonexistent/model.pte"], "not found"),
        (["--model", "a=x.pte", "--model", "b=y.pte", "--tokenizer", "t.json"], "single"),
    ],
)
def test_bad_serve_flags_fail_loudly(args: list[str], message: str):
    done = run_cli("serve", *args, timeout=120)
    assert done.returncode != 0 and message in done.stderr, done.stderr


def test_without_the_prompt_cache_every_prompt_is_prefilled_whole(spec: ModelSpec):
    config = ServerConfig([spec], sessions=1, max_waiting=2, prompt_cache=False)
    with running_server(config) as url:
        client = openai.OpenAI(base_url=url, api_key="unused", max_retries=0, timeout=60)
        answers = [
            client.chat.completions.create(
                model=MODEL, messages=MESSAGES, max_tokens=6, temperature=0
            )
            for _ in range(2)
        ]
    assert [a.usage.prompt_tokens_details.cached_tokens for a in answers] == [0, 0]
    assert answers[0].choices[0].message.content == answers[1].choices[0].message.content


def test_several_models_are_picked_by_the_request(spec: ModelSpec, fixture_dir: Path):
    other = ModelSpec("tiny-static", fixture_dir / "export_llm_static.pte", spec.tokenizer)
    with running_server(ServerConfig([spec, other], sessions=1)) as url:
        client = openai.OpenAI(base_url=url, api_key="unused", max_retries=0, timeout=60)
        assert sorted(m.id for m in client.models.list().data) == [MODEL, "tiny-static"]
        for name in (MODEL, "tiny-static"):
            reply = client.completions.create(model=name, prompt="Hi", max_tokens=3)
            assert reply.model == name and reply.usage.completion_tokens >= 1


def test_response_format_constrains_the_answer(client):
    import jsonschema

    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string", "maxLength": 8},
            "rank": {"type": "integer", "minimum": 1, "maximum": 9},
        },
        "required": ["city", "rank"],
        "additionalProperties": False,
    }
    for seed in range(5):
        reply = client.chat.completions.create(
            model=MODEL,
            messages=MESSAGES,
            max_tokens=60,
            temperature=1.0,
            seed=seed,
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "place", "schema": schema, "strict": True},
            },
        )
        jsonschema.validate(json.loads(reply.choices[0].message.content), schema)
        assert reply.choices[0].finish_reason == "stop"
    # Any object: greedy, since sampled keys of a random model run past the context.
    anything = client.chat.completions.create(
        model=MODEL,
        messages=MESSAGES,
        max_tokens=60,
        temperature=0,
        response_format={"type": "json_object"},
    )
    assert isinstance(json.loads(anything.choices[0].message.content), dict)
    assert anything.choices[0].finish_reason == "stop"
    with pytest.raises(openai.BadRequestError, match="json_schema"):
        client.chat.completions.create(
            model=MODEL,
            messages=MESSAGES,
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "bad", "schema": {"type": "frobnicate"}},
            },
        )


def test_lazy_sessions_are_made_when_first_needed(spec: ModelSpec):
    config = ServerConfig([spec], sessions=3, preload_sessions=False)
    with running_server(config) as url:
        root = url.removesuffix("/v1")
        assert metric(httpx.get(f"{root}/metrics").text, "et_llm_sessions", MODEL) == 1
        client = openai.OpenAI(base_url=url, api_key="unused", max_retries=0, timeout=60)
        assert client.completions.create(model=MODEL, prompt="Hi", max_tokens=2).choices
        assert metric(httpx.get(f"{root}/metrics").text, "et_llm_sessions", MODEL) == 1
