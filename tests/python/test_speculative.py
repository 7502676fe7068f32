"""Speculative decoding (GenerationConfig.speculative="prompt_lookup"): drafts taken from the
conversation, verified in one forward, the KV cache rolled back past rejected tokens. Its greedy
output equals plain greedy decoding token for token — over long generations, with drafts that
are mostly right and mostly wrong, at stop strings, EOS, the length limit and stop() — on the
fixture whose program returns every position's logits; programs that return the last position's
only decode as without it. Sampled, its output is distributed as plain sampling's: checked
against the exact distribution of the first tokens and against plain sampling over many seeds."""

from __future__ import annotations

import math
import os
import random
from collections import Counter
from pathlib import Path

import pytest

import et_llm

from .conftest import greedy_config

REPEATING = [1] + [5, 6, 7, 8, 9, 10, 11, 12] * 4  # drafts from the prompt are mostly right
REPEATING_TEXT = "one two three four five six seven eight " * 3
NOISE = [1] + random.Random(5).sample(range(3, 700), 40)  # few repeats: mostly rejected drafts


def _spec(max_new_tokens: int, draft: int = 8, **kwargs: object) -> et_llm.GenerationConfig:
    return greedy_config(
        max_new_tokens, speculative="prompt_lookup", num_draft_tokens=draft, **kwargs
    )


@pytest.fixture(scope="module")
def every_position(fixture_dir: Path, tokenizer_path: str) -> et_llm.TextLLMRunner:
    """The fixture program that returns logits for every position it is given."""
    return et_llm.TextLLMRunner(str(fixture_dir / "cache_position.pte"), tokenizer_path)


@pytest.mark.parametrize("draft", [1, 3, 8])
@pytest.mark.parametrize("prompt", [REPEATING, NOISE], ids=["repeating", "noise"])
def test_greedy_output_equals_plain_greedy(
    every_position: et_llm.TextLLMRunner, prompt: list[int], draft: int
) -> None:
    every_position.reset()
    plain = every_position.generate_tokens(prompt, greedy_config(80, ignore_eos=True))
    every_position.reset()
    fast = every_position.generate_tokens(prompt, _spec(80, draft, ignore_eos=True))
    stats = every_position.stats
    assert fast == plain
    assert stats.num_draft_tokens > 0
    # Rejections happened (the cache was rolled back) and so did acceptances.
    assert 0 < stats.num_accepted_draft_tokens < stats.num_draft_tokens


@pytest.mark.parametrize(
    "penalties",
    [
        {"repetition_penalty": 1.3},
        # Drafts come from the context, so their presence is already seen: what the rows'
        # penalties must add is the drafts' counts and the window's slide (the first two fail
        # when the rows do not see the drafts kept before them).
        {"frequency_penalty": 0.7, "penalty_last_n": 4},
        {"frequency_penalty": 2.0, "presence_penalty": -2.0, "penalty_last_n": -1},
        # top_k 1 is greedy at any temperature.
        {"temperature": 0.8, "top_k": 1, "repetition_penalty": 0.8, "penalty_last_n": 16},
    ],
)
@pytest.mark.parametrize("prompt", [REPEATING, NOISE], ids=["repeating", "noise"])
def test_greedy_with_penalties_equals_plain_greedy(
    every_position: et_llm.TextLLMRunner, prompt: list[int], penalties: dict[str, object]
) -> None:
    settings = {"temperature": 0.0, "ignore_eos": True, **penalties}
    every_position.reset()
    plain = every_position.generate_tokens(prompt, _sampled(60, 1, False, **settings))
    every_position.reset()
    fast = every_position.generate_tokens(prompt, _sampled(60, 1, True, **settings))
    assert fast == plain
    assert every_position.stats.num_draft_tokens > 0  # penalised repeats: often all refused


def test_eos_stop_strings_and_the_length_limit_land_on_the_same_token(
    every_position: et_llm.TextLLMRunner,
) -> None:
    for extra in ({}, {"stop_token_ids": [9]}, {"ignore_eos": True}):
        for limit in (1, 2, 7, 33):
            every_position.reset()
            plain = every_position.generate_tokens(REPEATING, greedy_config(limit, **extra))
            reason = every_position.session.finish_reason
            every_position.reset()
            assert every_position.generate_tokens(REPEATING, _spec(limit, **extra)) == plain
            assert every_position.session.finish_reason == reason
    every_position.reset()
    text = every_position.generate(REPEATING_TEXT, greedy_config(60))
    stop = text[len(text) // 2 : len(text) // 2 + 3]
    every_position.reset()
    plain = every_position.generate(REPEATING_TEXT, greedy_config(60, stop=[stop]))
    every_position.reset()
    assert every_position.generate(REPEATING_TEXT, _spec(60, stop=[stop])) == plain


def test_stop_mid_draft_keeps_the_conversation_consistent(
    every_position: et_llm.TextLLMRunner,
) -> None:
    results = []
    for config in (greedy_config(40, ignore_eos=True), _spec(40, ignore_eos=True)):
        every_position.reset()
        pieces: list[str] = []

        def stop_at_five(piece: str, pieces: list[str] = pieces) -> None:
            pieces.append(piece)
            if len(pieces) == 5:
                every_position.stop()

        first = every_position.generate_tokens(REPEATING, config, stop_at_five)
        # The turn after the stop continues from exactly where the stopped one ended.
        second = every_position.generate_tokens([5, 6, 7], config)
        results.append((first, second, every_position.session.position()))
    assert results[0] == results[1]
    assert len(results[0][0]) < 40  # stopped


def test_sessions_of_an_engine(fixture_dir: Path, tokenizer_path: str) -> None:
    engine = et_llm.Engine(str(fixture_dir / "cache_position.pte"), tokenizer_path)
    plain, fast = engine.create_session(), engine.create_session()
    for prompt in (REPEATING, [5, 6, 7, 8], NOISE[:10]):
        assert fast.generate_tokens(prompt, _spec(12)) == plain.generate_tokens(
            prompt, greedy_config(12)
        )


def test_a_last_position_program_decodes_as_without_it(
    fixture_dir: Path, tokenizer_path: str
) -> None:
    runner = et_llm.TextLLMRunner(str(fixture_dir / "export_llm_dynamic.pte"), tokenizer_path)
    plain = runner.generate_tokens(REPEATING, greedy_config(30, ignore_eos=True))
    runner.reset()
    assert runner.generate_tokens(REPEATING, _spec(30, ignore_eos=True)) == plain
    assert runner.stats.num_draft_tokens == 0


def test_configs_it_cannot_serve_are_typed_errors() -> None:
    with pytest.raises(et_llm.InvalidArgumentError, match="speculative"):
        et_llm.GenerationConfig(speculative="medusa")
    with pytest.raises(et_llm.InvalidArgumentError, match="num_draft_tokens"):
        et_llm.GenerationConfig(temperature=0.0, speculative="prompt_lookup", num_draft_tokens=0)
    with pytest.raises(et_llm.InvalidArgumentError, match="temperature"):
        et_llm.GenerationConfig(temperature=-1.0, speculative="prompt_lookup")
    # Processors and grammars only follow accepted tokens: they cannot judge a draft.
    for conflict in (
        {"logits_processors": [lambda tokens, logits: None]},
        {"grammar": "[a-z]+", "grammar_type": "regex"},
        {"temperature": 0.0, "grammar": "[a-z]+", "grammar_type": "regex"},
    ):
        with pytest.raises(et_llm.NotSupportedError, match="accepted tokens"):
            et_llm.GenerationConfig(speculative="prompt_lookup", **conflict)


def test_sampling_penalties_and_logprobs_are_served() -> None:
    for config in (
        {"temperature": 0.7},
        {"temperature": 0.9, "top_k": 40, "top_p": 0.9, "min_p": 0.05},
        {"temperature": 0.0, "repetition_penalty": 1.2},
        {"temperature": 0.8, "frequency_penalty": 0.5, "presence_penalty": 0.2},
        {"temperature": 0.0, "logprobs": True, "top_logprobs": 3},
        {"temperature": 0.7, "logprobs": True},
    ):
        et_llm.GenerationConfig(speculative="prompt_lookup", **config).validate()


# --- sampling ---------------------------------------------------------------------------------

TOP_K = 5  # the first tokens' exact distribution is a product of top-k softmaxes
LENGTH = 3  # tokens compared: the first comes from the prompt, the others from verifications
RUNS = 1500
ALPHA = 1e-4  # seeds are fixed, so the test is deterministic; a wrong rule lands far below


def _sampled(
    max_new_tokens: int, seed: int, spec: bool, **kwargs: object
) -> et_llm.GenerationConfig:
    if spec:
        kwargs.update(speculative="prompt_lookup", num_draft_tokens=4)
    return et_llm.GenerationConfig(
        max_new_tokens=max_new_tokens, seed=seed, echo=False, num_bos=0, **kwargs
    )


@pytest.fixture(scope="module")
def grounded(every_position: et_llm.TextLLMRunner) -> list[int]:
    """A prompt ending in the model's own greedy continuation: the model tends to say again
    what it said, so sampled drafts from the prompt are often kept and often not (73% kept at
    temperature 1, top_k 5; 35% with the penalties below)."""
    every_position.reset()
    return REPEATING + every_position.generate_tokens(REPEATING, greedy_config(12, ignore_eos=True))


def _sample_many(
    runner: et_llm.TextLLMRunner, prompt: list[int], spec: bool, **kwargs: object
) -> tuple[Counter[tuple[int, ...]], int, int]:
    """The first LENGTH tokens of RUNS seeded runs, and the drafts made / kept over them.
    Speculative runs take other seeds than plain ones: a seed's first token is the same draw in
    both, which would make the two samples alike beyond what their distributions are."""
    counts: Counter[tuple[int, ...]] = Counter()
    drafted = kept = 0
    for seed in range(RUNS, 2 * RUNS) if spec else range(RUNS):
        runner.reset()
        tokens = runner.generate_tokens(
            prompt, _sampled(LENGTH, seed, spec, ignore_eos=True, **kwargs)
        )
        counts[tuple(tokens)] += 1
        drafted += runner.stats.num_draft_tokens
        kept += runner.stats.num_accepted_draft_tokens
    return counts, drafted, kept


def _exact_distribution(
    runner: et_llm.TextLLMRunner, prompt: list[int], temperature: float
) -> dict[tuple[int, ...], float]:
    """P(first LENGTH tokens) under temperature + top_k TOP_K, from plain decoding's logprobs
    (log_softmax of the logits, so a top-k softmax at temperature t is exp(logprob / t)
    renormalised over the k most likely)."""
    probabilities: dict[tuple[int, ...], float] = {(): 1.0}
    for _ in range(LENGTH):
        longer: dict[tuple[int, ...], float] = {}
        for prefix, p in probabilities.items():
            runner.reset()
            step = runner.generate_tokens(
                prompt + list(prefix),
                greedy_config(1, logprobs=True, top_logprobs=TOP_K),
                return_logprobs=True,
            )
            weights = {token: math.exp(lp / temperature) for token, lp in step.top_logprobs[0]}
            total = sum(weights.values())
            for token, weight in weights.items():
                longer[prefix + (token,)] = p * weight / total
        probabilities = longer
    return probabilities


def _chi_square_p_value(statistic: float, dof: int) -> float:
    """Upper tail of chi-square (Wilson-Hilferty: close for dof >= 10; no scipy needed)."""
    scale = 2.0 / (9.0 * dof)
    z = ((statistic / dof) ** (1.0 / 3.0) - (1.0 - scale)) / math.sqrt(scale)
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def _goodness_of_fit(
    counts: Counter[tuple[int, ...]], probabilities: dict[tuple[int, ...], float]
) -> tuple[float, int, int]:
    """Pearson's statistic of `counts` against `probabilities` (cells expecting fewer than 5
    pooled), its degrees of freedom, and how many runs fell outside the support."""
    runs = sum(counts.values())
    statistic, cells = 0.0, 0
    pooled_expected = pooled_observed = 0.0
    for cell, p in probabilities.items():
        expected, observed = p * runs, counts.get(cell, 0)
        if expected < 5:
            pooled_expected += expected
            pooled_observed += observed
            continue
        statistic += (observed - expected) ** 2 / expected
        cells += 1
    if pooled_expected > 0:
        statistic += (pooled_observed - pooled_expected) ** 2 / pooled_expected
        cells += 1
    outside = runs - sum(counts.get(cell, 0) for cell in probabilities)
    return statistic, cells - 1, outside


def _homogeneity(a: Counter[tuple[int, ...]], b: Counter[tuple[int, ...]]) -> tuple[float, int]:
    """Pearson's two-sample statistic (equal sample sizes; cells seen fewer than 10 times in
    both together pooled) and its degrees of freedom."""
    statistic, cells = 0.0, 0
    pooled_a = pooled_b = 0
    for cell in set(a) | set(b):
        if a[cell] + b[cell] < 10:
            pooled_a += a[cell]
            pooled_b += b[cell]
            continue
        statistic += (a[cell] - b[cell]) ** 2 / (a[cell] + b[cell])
        cells += 1
    if pooled_a + pooled_b > 0:
        statistic += (pooled_a - pooled_b) ** 2 / (pooled_a + pooled_b)
        cells += 1
    return statistic, cells - 1


def _total_variation(a: Counter[tuple[int, ...]], b: Counter[tuple[int, ...]]) -> float:
    runs = sum(a.values())
    return 0.5 * sum(abs(a[cell] - b[cell]) for cell in set(a) | set(b)) / runs


def test_sampled_output_has_the_distribution_of_plain_sampling(
    every_position: et_llm.TextLLMRunner, grounded: list[int]
) -> None:
    sampling = {"temperature": 1.0, "top_k": TOP_K}
    exact = _exact_distribution(every_position, grounded, 1.0)
    plain, _, _ = _sample_many(every_position, grounded, False, **sampling)
    fast, drafted, kept = _sample_many(every_position, grounded, True, **sampling)
    # Drafts were made, and the rule both kept and refused them.
    assert drafted > RUNS // 2
    assert 0.2 * drafted < kept < 0.8 * drafted, (kept, drafted)
    for name, counts in (("plain", plain), ("speculative", fast)):
        statistic, dof, outside = _goodness_of_fit(counts, exact)
        assert outside == 0, f"{name}: {outside} runs drew a token outside the top {TOP_K}"
        p_value = _chi_square_p_value(statistic, dof)
        assert p_value > ALPHA, (name, statistic, dof, p_value)
    # Their distance is the noise of two samples of RUNS (0.08 here); keeping every draft makes
    # it 0.25, and a replacement drawn with the draft left in 0.19 (both also fail the fits, at
    # p < 1e-30).
    assert _total_variation(plain, fast) < 0.15


def test_sampled_output_with_penalties_and_cuts_matches_plain_sampling(
    every_position: et_llm.TextLLMRunner, grounded: list[int]
) -> None:
    # A short window: penalties over the whole prompt steer the model away from what it would
    # repeat, and so from the drafts. (That a row's penalties see the drafts kept before it is
    # checked exactly by test_greedy_with_penalties_equals_plain_greedy.) Observed: chi-square
    # 25 on 38 degrees of freedom; keeping every draft gives p ~ 1e-104, a replacement drawn
    # with the draft left in p ~ 1e-8.
    sampling = {
        "temperature": 0.9,
        "top_p": 0.95,
        "min_p": 0.02,
        "repetition_penalty": 1.05,
        "frequency_penalty": 0.25,
        "presence_penalty": 0.1,
        "penalty_last_n": 3,
    }
    plain, _, _ = _sample_many(every_position, grounded, False, **sampling)
    fast, drafted, kept = _sample_many(every_position, grounded, True, **sampling)
    assert drafted > RUNS // 2
    assert 0 < kept < drafted
    statistic, dof = _homogeneity(plain, fast)
    assert _chi_square_p_value(statistic, dof) > ALPHA, (statistic, dof)


def test_a_seed_replays_a_sampled_run(
    every_position: et_llm.TextLLMRunner, grounded: list[int]
) -> None:
    runs = []
    for seed in (7, 7, 8):
        every_position.reset()
        config = _sampled(40, seed, True, temperature=0.9, top_k=20, ignore_eos=True)
        runs.append((every_position.generate_tokens(grounded, config), every_position.stats))
    (first, stats), (again, stats_again), (other, _) = runs
    assert first == again
    assert stats.num_draft_tokens == stats_again.num_draft_tokens > 0
    assert stats.num_accepted_draft_tokens == stats_again.num_accepted_draft_tokens
    assert other != first


def test_sampled_runs_end_exactly_at_the_limit_eos_and_stop_strings(
    every_position: et_llm.TextLLMRunner, grounded: list[int]
) -> None:
    sampling = {"temperature": 0.9, "top_k": 20}
    every_position.reset()
    longest = every_position.generate_tokens(
        grounded, _sampled(40, 3, True, ignore_eos=True, **sampling)
    )
    # The steps do not depend on the limit: a shorter run is the longer one's start, and the
    # conversation holds exactly what was returned (the last token pending), as without drafts.
    for limit in (1, 2, 5, 17):
        every_position.reset()
        tokens = every_position.generate_tokens(
            grounded, _sampled(limit, 3, True, ignore_eos=True, **sampling)
        )
        assert tokens == longest[:limit]
        assert every_position.session.finish_reason == "length"
        assert every_position.session.position() == len(grounded) + limit - 1
    stop_id = longest[9]
    every_position.reset()
    tokens = every_position.generate_tokens(
        grounded, _sampled(40, 3, True, stop_token_ids=[stop_id], ignore_eos=True, **sampling)
    )
    assert tokens == longest[: longest.index(stop_id) + 1]
    assert every_position.session.finish_reason == "eos"

    every_position.reset()
    text = every_position.generate(REPEATING_TEXT, _sampled(40, 4, True, **sampling))
    stop = text[len(text) // 2 : len(text) // 2 + 3]
    every_position.reset()
    cut = every_position.generate(REPEATING_TEXT, _sampled(40, 4, True, stop=[stop], **sampling))
    assert cut == text[: text.index(stop)]
    assert every_position.session.finish_reason == "stop_string"


def test_logprobs_are_those_of_plain_decoding(
    every_position: et_llm.TextLLMRunner, grounded: list[int]
) -> None:
    every_position.reset()
    plain = every_position.generate_tokens(
        grounded,
        greedy_config(30, ignore_eos=True, logprobs=True, top_logprobs=3),
        return_logprobs=True,
    )
    every_position.reset()
    fast = every_position.generate_tokens(
        grounded,
        _spec(30, 4, ignore_eos=True, logprobs=True, top_logprobs=3),
        return_logprobs=True,
    )
    assert every_position.stats.num_accepted_draft_tokens > 0
    assert fast.tokens == plain.tokens
    assert fast.logprobs == pytest.approx(plain.logprobs, abs=1e-4)
    for fast_top, plain_top in zip(fast.top_logprobs, plain.top_logprobs, strict=True):
        assert [t for t, _ in fast_top] == [t for t, _ in plain_top]
        assert [lp for _, lp in fast_top] == pytest.approx([lp for _, lp in plain_top], abs=1e-4)
    # Sampled: each token's logprob is the model's at its position (not the sampling chain's),
    # as plain decoding reports it.
    every_position.reset()
    sampled = every_position.generate_tokens(
        grounded,
        _sampled(12, 5, True, temperature=0.9, top_k=20, ignore_eos=True, logprobs=True),
        return_logprobs=True,
    )
    assert every_position.stats.num_accepted_draft_tokens > 0
    vocab = every_position.get_vocab_size()
    for i, token in enumerate(sampled.tokens):
        every_position.reset()
        step = every_position.generate_tokens(
            grounded + sampled.tokens[:i],
            greedy_config(1, logprobs=True, top_logprobs=vocab),
            return_logprobs=True,
        )
        assert sampled.logprobs[i] == pytest.approx(dict(step.top_logprobs[0])[token], abs=1e-4)


def test_gemma_repeats_a_text_with_drafts_accepted() -> None:
    gemma = os.environ.get("ET_LLM_GEMMA_DIR")
    if not gemma:
        pytest.skip("ET_LLM_GEMMA_DIR not set (scripts/test.sh pulls gemma3-270m)")
    runner = et_llm.TextLLMRunner(
        str(Path(gemma) / "fp32" / "model.pte"), str(Path(gemma) / "tokenizer.json")
    )
    text = "The committee met on Tuesday to discuss the budget for the new library. " * 2
    prompt = f"Repeat the text exactly.\nText: {text}\nRepeated: "
    plain = runner.generate_tokens(prompt, greedy_config(48))
    runner.reset()
    assert runner.generate_tokens(prompt, _spec(48)) == plain
    assert runner.stats.num_accepted_draft_tokens >= 12
