"""BOS framing: without a num_bos of its own, a prompt that starts a conversation gets the BOS
its tokenizer config adds (the fixtures say add_bos_token: true), so default results equal
Hugging Face's greedy; an explicit num_bos (0 included) is upstream's exact framing."""

from __future__ import annotations

import et_llm
from tests.python.conftest import greedy_config


def test_default_config_equals_the_hugging_face_reference(
    runner: et_llm.TextLLMRunner, manifest: dict
) -> None:
    reference = next(r for r in manifest["references"] if r["text"])
    config = et_llm.GenerationConfig(temperature=0.0, max_new_tokens=reference["n"])
    assert config.num_bos == 0 and config.add_special_tokens
    runner.generate(reference["text"], config)
    assert runner.generated_tokens == reference["output_ids"]
    assert runner.stats.num_prompt_tokens == len(reference["prompt_ids"])


def test_explicit_num_bos_is_exact(
    runner: et_llm.TextLLMRunner, manifest: dict, bos_id: int
) -> None:
    reference = next(r for r in manifest["references"] if r["text"])
    for num_bos in (0, 2):
        config = greedy_config(8, num_bos=num_bos)
        assert not config.add_special_tokens
        runner.reset()
        runner.generate(reference["text"], config)
        assert runner.stats.num_prompt_tokens == len(reference["prompt_ids"]) - 1 + num_bos
    config = et_llm.GenerationConfig()
    config.num_bos = 0  # setting it is explicit too
    assert not config.add_special_tokens
    config = et_llm.GenerationConfig(temperature=0.0, max_new_tokens=8, add_special_tokens=False)
    runner.reset()
    runner.generate(reference["text"], config)
    assert runner.session.tokens[0] != bos_id


def test_a_continued_conversation_gets_no_second_bos(
    runner: et_llm.TextLLMRunner, bos_id: int
) -> None:
    config = et_llm.GenerationConfig(temperature=0.0, max_new_tokens=4)
    runner.generate("Hello", config)
    runner.generate(" and more", config)
    tokens = list(runner.session.tokens)
    assert tokens[0] == bos_id and tokens.count(bos_id) == 1


def test_chat_template_bos_is_not_doubled(fixture_dir, model_path: str, bos_id: int) -> None:
    chat = et_llm.ChatSession(
        et_llm.TextLLMRunner(model_path, str(fixture_dir / "tokenizer.json")),
        chat_template="{{ bos_token }}{% for m in messages %}{{ m['content'] }}{% endfor %}",
        template_variables={"bos_token": "<|begin_of_text|>"},
    )
    chat.send("Hi", et_llm.GenerationConfig(temperature=0.0, max_new_tokens=4))
    assert list(chat.runner.session.tokens).count(bos_id) == 1
