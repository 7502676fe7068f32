"""The sampling chain: each step's distribution on fixed logits, penalties against hand
computation and against eager logits, seeds, and stop strings."""

from __future__ import annotations

import numpy as np
import pytest

import et_llm
from tests.python.conftest import greedy_config

PROBS = np.array([0.4, 0.3, 0.15, 0.1, 0.05])
LOGITS = np.log(PROBS).astype(np.float32)
DRAWS = 20000


def frequencies(config: et_llm.GenerationConfig, logits: np.ndarray = LOGITS) -> np.ndarray:
    sampler = et_llm.Sampler(config)
    counts = np.bincount([sampler.sample(logits) for _ in range(DRAWS)], minlength=len(logits))
    return counts / DRAWS


def assert_distribution(got: np.ndarray, want: np.ndarray) -> None:
    want = want / want.sum()
    sigma = np.sqrt(want * (1 - want) / DRAWS)
    assert np.all(np.abs(got - want) <= 5 * sigma + 1e-12), (got, want)


@pytest.mark.parametrize(
    ("settings", "want"),
    [
        ({}, PROBS),
        ({"temperature": 0.5}, PROBS**2),
        ({"temperature": 2.0}, PROBS**0.5),
        ({"top_k": 2}, np.array([0.4, 0.3, 0, 0, 0])),
        ({"top_p": 0.75}, np.array([0.4, 0.3, 0.15, 0, 0])),
        ({"top_p": 0.7}, np.array([0.4, 0.3, 0, 0, 0])),
        ({"min_p": 0.3}, np.array([0.4, 0.3, 0.15, 0, 0])),
        ({"top_k": 3, "min_p": 0.5}, np.array([0.4, 0.3, 0, 0, 0])),
        # top_p and min_p look at the distribution before temperature.
        ({"top_p": 0.75, "temperature": 0.5}, np.array([0.4, 0.3, 0.15, 0, 0]) ** 2),
    ],
)
def test_each_step_distribution(settings, want):
    config = et_llm.GenerationConfig(seed=11, **{"temperature": 1.0, **settings})
    assert_distribution(frequencies(config), want)


def test_penalties_hand_computed():
    logits = np.array([2.0, -1.0, 0.5, 0.9], np.float32)
    recent = [0, 1, 1]

    def pick(**settings) -> int:
        config = et_llm.GenerationConfig(temperature=0.0, **settings)
        return et_llm.Sampler(config).sample(logits, recent)

    assert pick() == 0
    # 2.0 / 2.5 = 0.8 < 0.9
    assert pick(repetition_penalty=2.5) == 3
    # 2.0 - 1 * 1.2 = 0.8 < 0.9
    assert pick(frequency_penalty=1.2) == 3
    # 2.0 - 1.15 = 0.85 < 0.9
    assert pick(presence_penalty=1.15) == 3
    # token 1: -1 * 3 - 2 * 1 - 0.5: stays last; token 0: 2 / 3 - 1 - 0.5 < 0.5
    assert pick(repetition_penalty=3.0, frequency_penalty=1.0, presence_penalty=0.5) == 3
    # Outside the window the history does not count.
    config = et_llm.GenerationConfig(temperature=0.0, presence_penalty=5.0, penalty_last_n=2)
    assert et_llm.Sampler(config).sample(logits, [0, 1, 1]) == 0


def test_penalized_greedy_equals_eager(runner, oracle, bos_id):
    prompt = runner.tokenizer.encode("Hello, world! How are you doing", bos=1)
    # Strong enough that no token of the window can win again.
    rep, freq, presence = np.float32(3.0), np.float32(1.0), np.float32(50.0)
    settings = {
        "repetition_penalty": float(rep),
        "frequency_penalty": float(freq),
        "presence_penalty": float(presence),
    }
    config = greedy_config(30, ignore_eos=True, penalty_last_n=16, **settings)
    got = runner.generate_tokens(prompt, config)

    ids = list(prompt)
    want: list[int] = []
    for _ in range(30):
        logits = oracle.logits(ids).numpy().astype(np.float32)
        window = ids[-16:]
        for token in set(window):
            value = logits[token]
            value = value / rep if value > 0 else value * rep
            logits[token] = value - (np.float32(window.count(token)) * freq + presence)
        want.append(int(np.argmax(logits)))
        ids.append(want[-1])
    assert got == want
    assert all(token not in (prompt + got)[-16 - 30 + i : -30 + i] for i, token in enumerate(got))
    runner.reset()
    # Plain greedy repeats a token within 16 (at step 24): the penalties changed that.
    assert runner.generate_tokens(prompt, greedy_config(30, ignore_eos=True)) != got


def test_same_seed_same_text(runner):
    config = et_llm.GenerationConfig(
        temperature=0.9, top_k=40, top_p=0.95, min_p=0.02, seed=5, max_new_tokens=30, echo=False
    )
    first = runner.generate("Hello", config)
    runner.reset()
    assert runner.generate("Hello", config) == first


def test_stop_strings_are_never_emitted(runner):
    full = runner.generate("Hello, world!", greedy_config(40, ignore_eos=True))
    assert len(full) > 12
    stop = full[6:10]
    if full.index(stop) < 6:
        pytest.skip("the stop string occurs earlier than chosen")
    runner.reset()
    pieces: list[str] = []
    config = greedy_config(40, ignore_eos=True, stop=[stop, "never appears"])
    text = runner.generate("Hello, world!", config, pieces.append)
    assert text == full[: full.index(stop)]
    assert "".join(pieces) == text
    assert all(stop not in piece for piece in pieces)
    assert len(runner.generate_tokens([5], greedy_config(3, ignore_eos=True))) == 3


def test_bad_sampling_values():
    for settings in (
        {"top_k": -1},
        {"top_p": 0.0},
        {"top_p": 1.5},
        {"min_p": -0.1},
        {"repetition_penalty": 0.0},
        {"penalty_last_n": -2},
        {"stop": [""]},
    ):
        with pytest.raises(et_llm.InvalidArgumentError):
            et_llm.GenerationConfig(**settings)


def test_tiny_temperature_is_greedy_not_nan() -> None:
    """1e-40 passes validation (it is > 0); its inverse overflows, which used to turn the best
    logit into NaN and sample garbage. It now behaves as greedy's limit."""
    import numpy as np

    import et_llm

    logits = np.array([0.5, 3.0, 2.9, -1.0], dtype=np.float32)
    for top_k in (0, 2):
        sampler = et_llm.Sampler(et_llm.GenerationConfig(temperature=1e-40, top_k=top_k, seed=3))
        assert {sampler.sample(logits) for _ in range(20)} == {1}


def test_nan_logits_are_an_error_not_token_zero() -> None:
    import numpy as np
    import pytest

    import et_llm

    nan = np.full(8, np.nan, dtype=np.float32)
    for temperature in (0.0, 0.8):
        sampler = et_llm.Sampler(et_llm.GenerationConfig(temperature=temperature))
        with pytest.raises(et_llm.InvalidArgumentError, match="NaN"):
            sampler.sample(nan)


def test_a_model_emitting_nan_is_an_execution_error(runner) -> None:
    """A logits processor stands in for a model whose logits turned NaN: the step fails with a
    typed error and the conversation is as it was."""
    import numpy as np
    import pytest

    import et_llm

    def poison(input_ids, scores) -> None:
        scores[:] = np.nan

    config = et_llm.GenerationConfig(temperature=0.0, max_new_tokens=4, num_bos=0)
    config.logits_processors = [poison]
    with pytest.raises(et_llm.ExecutionError, match="NaN"):
        runner.generate_tokens([1, 5, 6], config)
    assert runner.position == 0
    config.logits_processors = []
    assert len(runner.generate_tokens([1, 5, 6], config)) == 4
