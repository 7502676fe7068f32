"""runner.stream / runner.astream iterators and ChatSession's incremental prefill."""

from __future__ import annotations

import asyncio

import pytest

import et_llm
from tests.python.conftest import greedy_config

PROMPT = "Hello, world! How are you doing"


def test_stream_method_and_early_exit(runner):
    config = greedy_config(30, ignore_eos=True)
    full = runner.generate(PROMPT, config)
    runner.reset()
    assert "".join(runner.stream(PROMPT, config)) == full
    runner.reset()
    for count, _ in enumerate(runner.stream(PROMPT, config), start=1):
        if count == 3:
            break  # stops generation
    # Generation runs at most LOOKAHEAD pieces ahead (+1 waiting to be put, +1 in flight).
    assert len(runner.generated_tokens) <= 3 + et_llm.streaming.LOOKAHEAD + 2
    runner.reset()
    assert runner.generate(PROMPT, config) == full


def test_astream(runner):
    config = greedy_config(30, ignore_eos=True)
    full = runner.generate(PROMPT, config)
    runner.reset()

    async def collect() -> str:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        task = asyncio.create_task(ticker())
        pieces = [piece async for piece in runner.astream(PROMPT, config)]
        task.cancel()
        assert ticks > 0  # the loop kept running
        return "".join(pieces)

    assert asyncio.run(collect()) == full


def test_stream_raises_errors(runner):
    with pytest.raises(et_llm.ContextLengthExceededError):
        list(runner.stream("x " * 400, greedy_config(5)))


def test_chat_prefills_only_the_new_turn(runner, oracle, tokenizer_path):
    chat = et_llm.ChatSession(runner, tokenizer_config=tokenizer_path.replace("tokenizer.json", ""))
    config = greedy_config(8, ignore_eos=True)
    tokenizer = runner.tokenizer
    prompt1 = chat.render([{"role": "user", "content": "hi"}], add_generation_prompt=True)
    first = chat.send("hi", config)
    generated1 = list(runner.generated_tokens)
    in_cache = prompt1 + tokenizer.decode(generated1)
    second = chat.send("and again", config)
    assert [m["role"] for m in chat.messages] == ["user", "assistant", "user", "assistant"]
    assert [first, second] == [chat.messages[1]["content"], chat.messages[3]["content"]]
    # Turn 2 fed only the text after what the cache held; the result is eager greedy
    # decoding of exactly the ids in the cache.
    prompt2 = chat.render(chat.messages[:3], add_generation_prompt=True)
    assert prompt2.startswith(in_cache)
    cache_ids = tokenizer.encode(prompt1) + generated1 + tokenizer.encode(prompt2[len(in_cache) :])
    assert runner.generated_tokens == oracle.greedy(cache_ids, 8)
    assert runner.position == len(cache_ids) + 8 - 1


def test_chat_template_errors_are_typed(runner):
    template = "{{ raise_exception('only user messages') }}"
    chat = et_llm.ChatSession(runner, template)
    with pytest.raises(et_llm.InvalidArgumentError, match="only user messages"):
        chat.send("hi")
