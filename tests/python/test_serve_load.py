"""The server under load, on loopback, bounded in count and time: many concurrent clients get
what they would get alone, a burst beyond the queue gets 429s, and a client that leaves
mid-stream frees its session."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import httpx2 as httpx
import pytest

from et_llm.serve import ModelSpec, ServerConfig
from tests.python.server_helpers import metric, running_server

openai = pytest.importorskip("openai")

SMOLLM2_DIR = os.environ.get("ET_LLM_DEFAULT_MODEL_DIR")
needs_smollm2 = pytest.mark.skipif(
    not SMOLLM2_DIR, reason="ET_LLM_DEFAULT_MODEL_DIR not set (scripts/test.sh sets it)"
)


def tiny_spec(fixture_dir: Path) -> ModelSpec:
    return ModelSpec(
        "tiny",
        fixture_dir / "export_llm_dynamic.pte",
        fixture_dir / "tokenizer.json",
        fixture_dir / "tokenizer_config.json",
    )


def smollm2_spec() -> ModelSpec:
    folder = Path(SMOLLM2_DIR)
    return ModelSpec(
        "smollm2",
        folder / "model.pte",
        folder / "tokenizer.json",
        folder / "tokenizer_config.json",
    )


def test_fifty_concurrent_clients_get_their_sequential_answers(fixture_dir: Path):
    prompts = [f"Client {i} says: {'abc' * (i % 7)} hello" for i in range(50)]

    async def ask(client, prompt: str, stream: bool) -> str:
        if not stream:
            reply = await client.completions.create(
                model="tiny", prompt=prompt, max_tokens=24, temperature=0
            )
            return reply.choices[0].text
        chunks = await client.completions.create(
            model="tiny", prompt=prompt, max_tokens=24, temperature=0, stream=True
        )
        return "".join([c.choices[0].text async for c in chunks if c.choices])

    async def run(url: str) -> tuple[list[str], list[str]]:
        async with openai.AsyncOpenAI(
            base_url=url, api_key="unused", max_retries=0, timeout=120
        ) as client:
            alone = [await ask(client, p, False) for p in prompts]
            together = await asyncio.wait_for(
                asyncio.gather(*(ask(client, p, i % 2 == 1) for i, p in enumerate(prompts))),
                timeout=120,
            )
            return alone, list(together)

    config = ServerConfig([tiny_spec(fixture_dir)], sessions=4, max_waiting=64)
    with running_server(config) as url:
        alone, together = asyncio.run(run(url))
        page = httpx.get(url.removesuffix("/v1") + "/metrics").text
    assert together == alone
    assert 'status="5' not in page
    assert metric(page, "et_llm_busy_sessions", "tiny") == 0
    assert metric(page, "et_llm_queue_depth", "tiny") == 0
    assert metric(page, "et_llm_sessions", "tiny") == 4


@needs_smollm2
def test_a_burst_beyond_the_queue_gets_429_and_nothing_hangs():
    async def ask(client, i: int) -> int | str:
        try:
            reply = await client.chat.completions.create(
                model="smollm2",
                messages=[{"role": "user", "content": f"Say a word, {i}."}],
                max_tokens=6,
                temperature=0,
            )
            return reply.choices[0].message.content
        except openai.RateLimitError as error:
            assert error.response.headers["retry-after"] == "1"
            assert error.body["code"] == "queue_full"
            return 429

    async def burst(url: str) -> list[int | str]:
        async with openai.AsyncOpenAI(
            base_url=url, api_key="unused", max_retries=0, timeout=120
        ) as client:
            return await asyncio.wait_for(
                asyncio.gather(*(ask(client, i) for i in range(8))), timeout=180
            )

    config = ServerConfig([smollm2_spec()], sessions=1, max_waiting=2)
    with running_server(config) as url:
        answers = asyncio.run(burst(url))
        page = httpx.get(url.removesuffix("/v1") + "/metrics").text
    refused = answers.count(429)
    # One runs, two wait; the rest are refused at once.
    assert refused == 5, answers
    assert all(isinstance(a, str) for a in answers if a != 429)
    assert metric(page, "et_llm_queue_depth", "smollm2") == 0


@needs_smollm2
def test_a_client_that_leaves_mid_stream_frees_its_session():
    config = ServerConfig([smollm2_spec()], sessions=1, max_waiting=4)
    with running_server(config) as url:
        root = url.removesuffix("/v1")
        client = openai.OpenAI(base_url=url, api_key="unused", max_retries=0, timeout=120)
        stream = client.completions.create(
            model="smollm2",
            prompt="Count from 1 to 1000: 1, 2, 3, 4,",
            max_tokens=400,
            temperature=0,
            stream=True,
        )
        pieces = 0
        for chunk in stream:
            pieces += bool(chunk.choices and chunk.choices[0].text)
            if pieces == 3:
                break
        left = time.monotonic()
        stream.close()
        # The session is free again within about one token (a decode step is ~0.1 s here).
        while metric(httpx.get(f"{root}/metrics").text, "et_llm_busy_sessions", "smollm2"):
            assert time.monotonic() - left < 5, "the session stayed busy"
            time.sleep(0.02)
        page = httpx.get(f"{root}/metrics").text
        assert metric(page, "et_llm_client_disconnects_total", "smollm2") == 1
        assert metric(page, "et_llm_generation_tokens_total", "smollm2") < 50
        # The next request is served at once, by the freed session.
        reply = client.completions.create(model="smollm2", prompt="1, 2,", max_tokens=3)
        assert reply.choices[0].text


@needs_smollm2
def test_a_real_chat_through_the_prompt_cache_equals_chat_session():
    import et_llm

    spec = smollm2_spec()
    runner = et_llm.TextLLMRunner(str(spec.pte), str(spec.tokenizer))
    chat = et_llm.ChatSession(runner, tokenizer_config=spec.tokenizer_config)
    turns = ["What is the capital of France?", "And of Italy?", "Which one is bigger?"]
    expected = [
        chat.send(turn, et_llm.GenerationConfig(temperature=0.0, max_new_tokens=24))
        for turn in turns
    ]
    with running_server(ServerConfig([spec], sessions=1)) as url:
        client = openai.OpenAI(base_url=url, api_key="unused", max_retries=0, timeout=300)
        messages: list[dict] = []
        replies, cached = [], []
        for turn in turns:
            messages.append({"role": "user", "content": turn})
            answer = client.chat.completions.create(
                model="smollm2", messages=messages, max_tokens=24, temperature=0
            )
            replies.append(answer.choices[0].message.content)
            cached.append(answer.usage.prompt_tokens_details.cached_tokens)
            messages.append({"role": "assistant", "content": replies[-1]})
    assert replies == expected
    # Every turn after the first prefilled only what was new.
    assert cached[0] == 0 and all(c > 20 for c in cached[1:])
