"""Engine / Session: one loaded model, many conversations, one token at a time — each
conversation equal to eager PyTorch on the same weights."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

import et_llm
from et_llm.logits_processor import BanTokens
from tests.python.conftest import greedy_config, variant_names

PROMPTS = [
    "Hello, world! How are you doing",
    "Привет, мир! Как дела",
    "Family: 👨‍👩‍👧‍👦 and flags 🇺🇦 你好",
    "Once upon a time, in a land far away",
]
N = 24
GREEDY = et_llm.SamplingConfig(temperature=0.0)


def prompt_ids(hf_tokenizer, bos_id: int, text: str) -> list[int]:
    return [bos_id, *hf_tokenizer.encode(text, add_special_tokens=False).ids]


def engine_for(fixture_dir, tokenizer_path, style: str) -> et_llm.Engine:
    # kv_io takes its KV cache as inputs: each session gets its own manager (picked
    # from the signature).
    return et_llm.Engine(str(fixture_dir / f"{style}.pte"), tokenizer_path)


def decode_loop(session: et_llm.Session, n: int) -> tuple[list[int], str]:
    ids: list[int] = []
    text = ""
    for _ in range(n):
        step = session.decode_one(GREEDY)
        ids.append(step.token_id)
        text += step.text_piece
        if step.is_terminal:
            break
    return ids, text


@pytest.fixture(scope="module", params=[*variant_names(), "kv_io"])
def style(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def style_engine(style, fixture_dir, tokenizer_path) -> et_llm.Engine:
    return engine_for(fixture_dir, tokenizer_path, style)


def test_decode_one_equals_eager(style_engine, oracle, hf_tokenizer, bos_id, eos_ids):
    session = style_engine.create_session()
    ids = prompt_ids(hf_tokenizer, bos_id, PROMPTS[0])
    session.prefill_tokens(ids)
    got, text = decode_loop(session, N)
    want = oracle.greedy(ids, N, eos_ids)
    assert got == want
    body = got[:-1] if got[-1] in eos_ids else got
    assert text == style_engine.tokenizer.decode(body)
    assert session.position() == len(ids) + len(got) - 1


def test_interleaved_sessions_each_equal_eager(style_engine, oracle, hf_tokenizer, bos_id):
    prompts = [prompt_ids(hf_tokenizer, bos_id, text) for text in PROMPTS[:3]]
    for count in (2, 3):
        sessions = [style_engine.create_session() for _ in range(count)]
        for session, ids in zip(sessions, prompts, strict=False):
            session.prefill_tokens(ids)
        got: list[list[int]] = [[] for _ in sessions]
        for _ in range(N):  # A, B, C, A, B, C, ...
            for i, session in enumerate(sessions):
                got[i].append(session.decode_one(GREEDY).token_id)
        for ids, tokens in zip(prompts, got, strict=False):
            assert tokens == oracle.greedy(ids, N)


def conversations_on_threads(engine: et_llm.Engine, prompts: list[list[int]]) -> list[list[int]]:
    """One session per prompt, each on its own thread, all at once; three turns each."""
    sessions = [engine.create_session() for _ in prompts]
    results: list[list[int]] = [[] for _ in prompts]
    barrier = threading.Barrier(len(sessions))

    def work(i: int) -> None:
        barrier.wait()
        for _ in range(3):  # several turns, each continuing the conversation
            results[i] += sessions[i].generate_tokens(
                prompts[i] if not results[i] else [], greedy_config(10)
            )
            if results[i][-1] in (2, 4):
                break

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(prompts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_four_sessions_on_four_threads(fixture_dir, tokenizer_path, oracle, hf_tokenizer, bos_id):
    prompts = [prompt_ids(hf_tokenizer, bos_id, text) for text in PROMPTS]
    for style in ("export_llm_dynamic", "export_llm_custom_sdpa", "kv_io"):
        engine = engine_for(fixture_dir, tokenizer_path, style)
        results = conversations_on_threads(engine, prompts)
        for ids, got in zip(prompts, results, strict=True):
            assert got == oracle.greedy(ids, len(got)), style


def test_sessions_share_the_engine_lifetime(fixture_dir, tokenizer_path, oracle, hf_tokenizer):
    ids = prompt_ids(hf_tokenizer, 1, PROMPTS[0])
    session = engine_for(fixture_dir, tokenizer_path, "export_llm_dynamic").create_session()
    # The engine object is gone; the session keeps what it needs alive.
    assert session.generate_tokens(ids, greedy_config(8)) == oracle.greedy(ids, 8)


def test_a_session_is_used_by_one_caller_at_a_time(style_engine, hf_tokenizer, bos_id):
    session = style_engine.create_session()
    generation = session.start(prompt_ids(hf_tokenizer, bos_id, PROMPTS[0]), greedy_config(8))
    for call in (
        lambda: session.decode_one(GREEDY),
        lambda: session.prefill_tokens([5]),
        session.reset,
        lambda: session.rewind(0),
        lambda: session.generate_tokens([5], greedy_config(2)),
    ):
        with pytest.raises(et_llm.InvalidStateError, match="another"):
            call()
    assert len(list(generation)) > 0
    session.reset()  # free again


def test_rewind_then_continue_equals_fresh_run(style_engine, oracle, hf_tokenizer, bos_id):
    ids = prompt_ids(hf_tokenizer, bos_id, PROMPTS[3])
    more = hf_tokenizer.encode(" and then", add_special_tokens=False).ids
    session = style_engine.create_session()
    # Every token of the conversation in order: fed ones, then the pending last one.
    conversation = ids + session.generate_tokens(ids, greedy_config(10, ignore_eos=True))
    for cut in (len(ids) + 4, len(ids), 5):
        session.rewind(cut)
        assert session.position() == cut
        conversation = conversation[:cut]
        assert session.tokens == conversation
        got = session.generate_tokens(more, greedy_config(12, ignore_eos=True))
        assert got == oracle.greedy(conversation + more, 12)
        conversation += more + got
        conversation += session.generate_tokens([], greedy_config(3, ignore_eos=True))
        assert session.tokens == conversation[:-1]


class Explode(Exception):
    pass


def state_of(session: et_llm.Session) -> tuple[int, list[int]]:
    return session.position(), list(session.tokens)


@pytest.mark.parametrize("style", ["export_llm_dynamic", "export_llm_static", "kv_io", "no_kv"])
def test_failed_calls_leave_the_session_as_before(
    style, fixture_dir, tokenizer_path, oracle, hf_tokenizer, bos_id
):
    engine = engine_for(fixture_dir, tokenizer_path, style)
    ids = prompt_ids(hf_tokenizer, bos_id, PROMPTS[1])
    more = hf_tokenizer.encode(" да?", add_special_tokens=False).ids
    session = engine.create_session()
    first = session.generate_tokens(ids, greedy_config(6, ignore_eos=True))
    before = state_of(session)
    expected_next = oracle.greedy(ids + first + more, 8)

    calls = 0

    def explode_on_third(piece: str) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise Explode

    with pytest.raises(Explode):
        session.generate_tokens(more, greedy_config(20, ignore_eos=True), explode_on_third)
    assert state_of(session) == before

    with pytest.raises(et_llm.ContextLengthExceededError):
        session.generate_tokens(more * 200, greedy_config(4))
    assert state_of(session) == before

    def raising_processor(input_ids: np.ndarray, scores: np.ndarray) -> None:
        if input_ids.shape[1] > before[0] + len(more) + 2:
            raise Explode("third step")

    with pytest.raises(et_llm.CallbackError, match="Explode") as raised:
        session.generate_tokens(
            more, greedy_config(20, ignore_eos=True, logits_processors=[raising_processor])
        )
    # The processor's own exception is the cause, with its traceback.
    assert isinstance(raised.value.__cause__, Explode)
    assert raised.value.__cause__.__traceback__ is not None
    assert state_of(session) == before

    with pytest.raises(et_llm.InvalidArgumentError):
        session.generate_tokens([10**6], greedy_config(4))
    assert state_of(session) == before

    # And the next turn is exactly what it would have been.
    assert session.generate_tokens(more, greedy_config(8, ignore_eos=True)) == expected_next


def test_stop_during_prefill_keeps_nothing(fixture_dir, tokenizer_path, oracle, hf_tokenizer):
    # The static-shape program takes the prompt one token per call: stop() lands inside it.
    engine = engine_for(fixture_dir, tokenizer_path, "export_llm_static")
    session = engine.create_session()
    ids = prompt_ids(hf_tokenizer, 1, PROMPTS[0])
    first = session.generate_tokens(ids, greedy_config(4, ignore_eos=True))
    before = (session.position(), list(session.tokens))
    done = threading.Event()

    def keep_stopping() -> None:
        while not done.is_set():
            session.stop()

    long_prompt = hf_tokenizer.encode(PROMPTS[3] * 2, add_special_tokens=False).ids
    thread = threading.Thread(target=keep_stopping)
    thread.start()
    try:
        got = session.generate_tokens(long_prompt, greedy_config(10))
    finally:
        done.set()
        thread.join()
    assert got == []
    assert (session.position(), list(session.tokens)) == before
    assert session.finish_reason == "stopped"
    more = long_prompt[:5]
    assert session.generate_tokens(more, greedy_config(6, ignore_eos=True)) == oracle.greedy(
        ids + first + more, 6
    )


def test_logprobs_equal_log_softmax_of_eager_logits(
    style, style_engine, oracle, hf_tokenizer, bos_id
):
    ids = prompt_ids(hf_tokenizer, bos_id, PROMPTS[2])
    session = style_engine.create_session()
    result = session.generate_tokens(
        ids, greedy_config(8, ignore_eos=True, top_logprobs=5), return_logprobs=True
    )
    assert isinstance(result, et_llm.GenerationResult)
    assert result.tokens == oracle.greedy(ids, 8)
    seq = list(ids)
    # float32 model vs float32 eager: equal to 1e-4 (fp16 logits: their rounding, 2e-2).
    tolerance = 2e-2 if style == "fp16_logits" else 1e-4
    for token, logprob, top in zip(
        result.tokens, result.logprobs, result.top_logprobs, strict=True
    ):
        want = torch.log_softmax(oracle.logits(seq).double(), dim=-1)
        assert logprob == pytest.approx(float(want[token]), abs=tolerance)
        assert len(top) == 5
        assert top[0][0] == token  # greedy: the chosen token is the most likely
        for top_id, top_logprob in top:
            assert top_logprob == pytest.approx(float(want[top_id]), abs=tolerance)
        assert [lp for _, lp in top] == sorted((lp for _, lp in top), reverse=True)
        seq.append(token)

    # decode_one carries them too.
    session.reset()
    session.prefill_tokens(ids)
    step = session.decode_one(et_llm.SamplingConfig(temperature=0.0, logprobs=True, top_logprobs=2))
    want = torch.log_softmax(oracle.logits(ids).double(), dim=-1)
    assert step.logprob == pytest.approx(float(want[step.token_id]), abs=tolerance)
    assert [t for t, _ in step.top_logprobs] == torch.topk(want, 2).indices.tolist()


def test_logits_processor_bans_a_token(fixture_dir, tokenizer_path, oracle, hf_tokenizer):
    runner = et_llm.TextLLMRunner(str(fixture_dir / "export_llm_dynamic.pte"), tokenizer_path)
    ids = prompt_ids(hf_tokenizer, 1, PROMPTS[0])
    free = runner.generate_tokens(ids, greedy_config(N, ignore_eos=True))
    banned = free[0]
    seen: list[tuple[int, ...]] = []

    class Ban(et_llm.LogitsProcessor):
        def __call__(self, input_ids: np.ndarray, scores: np.ndarray) -> None:
            seen.append(input_ids.shape)
            assert scores.flags.writeable and not input_ids.flags.writeable
            scores[0, banned] = -np.inf

    for processor in (Ban(), BanTokens([banned])):
        runner.reset()
        got = runner.generate_tokens(
            ids, greedy_config(N, ignore_eos=True, logits_processors=[processor])
        )
        assert banned not in got
        assert len(got) == N
    # The processor sees the conversation so far, one more token each step.
    assert seen[0] == (1, len(ids)) and seen[1] == (1, len(ids) + 1)

    # A processor returning a new array (HF style) works too: here, nothing but one id.
    def only(token: int):
        def processor(input_ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
            out = np.full_like(scores, -np.inf)
            out[0, token] = 0.0
            return out

        return processor

    runner.reset()
    assert runner.generate_tokens(ids, greedy_config(5, logits_processors=[only(7)])) == [7] * 5


def test_processor_that_raises_leaves_runner_usable(runner, oracle, hf_tokenizer):
    ids = prompt_ids(hf_tokenizer, 1, PROMPTS[0])

    def boom(input_ids: np.ndarray, scores: np.ndarray) -> None:
        raise KeyError("from the processor")

    with pytest.raises(et_llm.CallbackError, match="KeyError"):
        runner.generate_tokens(ids, greedy_config(5, logits_processors=[boom]))
    assert runner.position == 0
    assert runner.generate_tokens(ids, greedy_config(5)) == oracle.greedy(ids, 5)
    with pytest.raises(et_llm.InvalidArgumentError):
        et_llm.GenerationConfig(logits_processors=[3])


def test_stream_is_a_step_iterator(runner, oracle, hf_tokenizer):
    ids = prompt_ids(hf_tokenizer, 1, PROMPTS[0])
    want = oracle.greedy(ids, 40)
    pieces = []
    for piece in runner.stream(ids, greedy_config(40, ignore_eos=True)):
        pieces.append(piece)
        if len(pieces) == 3:
            break
    # Leaving the loop ends the turn at once: no worker ran ahead.
    generated = runner.session.generated_tokens
    assert generated == want[: len(generated)] and len(generated) <= 6
    assert runner.session.finish_reason == "stopped"
    assert not runner.session.is_busy


def test_reset_from_another_thread_during_stream(runner, oracle, hf_tokenizer):
    """reset() racing a stream is refused while the turn runs: every turn is intact."""
    ids = prompt_ids(hf_tokenizer, 1, PROMPTS[0])
    want_text = None
    refused = 0
    for _ in range(200):
        runner.reset()
        go = threading.Event()

        def reset_soon(go: threading.Event = go) -> None:
            nonlocal refused
            go.wait()
            try:
                runner.reset()
            except et_llm.InvalidStateError:
                refused += 1

        thread = threading.Thread(target=reset_soon)
        thread.start()
        pieces = []
        for piece in runner.stream(ids, greedy_config(8, ignore_eos=True)):
            pieces.append(piece)
            go.set()
        go.set()
        thread.join()
        assert runner.session.generated_tokens in ([], oracle.greedy(ids, 8))
        text = "".join(pieces)
        if want_text is None:
            want_text = text
        assert text == want_text
    assert refused > 0


def test_conversation_kept_after_a_callback_exception(runner, oracle, hf_tokenizer):
    ids = prompt_ids(hf_tokenizer, 1, PROMPTS[0])
    more = hf_tokenizer.encode(" and", add_special_tokens=False).ids
    first = runner.generate_tokens(ids, greedy_config(6, ignore_eos=True))

    def explode(piece: str) -> None:
        raise Explode

    with pytest.raises(Explode):
        runner.generate_tokens(more, greedy_config(6, ignore_eos=True), explode)
    # The first turn is still there.
    assert runner.position == len(ids) + len(first) - 1
    got = runner.generate_tokens(more, greedy_config(6, ignore_eos=True))
    assert got == oracle.greedy(ids + first + more, 6)


def test_serving_capacity_and_metadata(fixture_dir, tokenizer_path):
    engine = engine_for(fixture_dir, tokenizer_path, "export_llm_dynamic")
    capacity = engine.serving_capacity()
    assert capacity.max_physical_sessions_without_weight_duplication > 1
    assert capacity.estimated_bytes_per_session > 0
    assert engine.metadata["get_max_context_len"] == 128
    assert not engine.is_multimodal


def test_engine_io_manager_factory_and_instance(fixture_dir, tokenizer_path, oracle, hf_tokenizer):
    from et_llm.kv_cache import NumpyKVCache

    ids = prompt_ids(hf_tokenizer, 1, PROMPTS[0])
    model = str(fixture_dir / "kv_io.pte")
    engine = et_llm.Engine(model, tokenizer_path, io_manager=NumpyKVCache)
    a, b = engine.create_session(), engine.create_session()
    a.prefill_tokens(ids)
    b.prefill_tokens(ids[:5])
    assert decode_loop(a, 6)[0] == oracle.greedy(ids, 6)
    assert decode_loop(b, 6)[0] == oracle.greedy(ids[:5], 6)

    single = et_llm.Engine(model, tokenizer_path, io_manager=NumpyKVCache())
    single.create_session()
    with pytest.raises(et_llm.InvalidStateError, match="io_manager"):
        single.create_session()
    assert single.create_session(io_manager=NumpyKVCache()) is not None


def test_decode_one_stop_is_terminal_until_prefill(runner, hf_tokenizer):
    session = runner.session
    session.prefill_tokens(prompt_ids(hf_tokenizer, 1, PROMPTS[0]))
    position = session.position()
    session.stop()
    for _ in range(2):
        step = session.decode_one(GREEDY)
        assert step.is_terminal and not step.is_eos and step.token_id == 0 and step.text_piece == ""
    assert session.position() == position
    session.prefill_tokens([5])
    assert not session.decode_one(GREEDY).is_terminal


def test_decode_one_without_a_prompt(runner):
    runner.reset()
    with pytest.raises(et_llm.InvalidStateError, match="prefill"):
        runner.session.decode_one(GREEDY)
    with pytest.raises(et_llm.InvalidArgumentError, match="SamplingConfig.top_p"):
        et_llm.SamplingConfig(top_p=0.0)


def test_multimodal_sessions_interleaved_equal_eager(multimodal_dir, multimodal_oracle):
    from tokenizers import Tokenizer

    from tests.fixtures.multimodal import random_image_u8

    tok = Tokenizer.from_file(str(multimodal_dir / "tokenizer.json"))

    def ids(text: str) -> list[int]:
        return tok.encode(text, add_special_tokens=False).ids

    engine = et_llm.Engine(
        str(multimodal_dir / "vlm_input_pos.pte"), str(multimodal_dir / "tokenizer.json")
    )
    assert engine.is_multimodal
    turns = [("Describe the picture", 1, "briefly"), ("What is this", 2, "?")]
    sessions = [engine.create_session() for _ in turns]
    for session, (before, seed, after) in zip(sessions, turns, strict=True):
        image = random_image_u8(seed)
        session.prefill(
            [
                et_llm.make_text_input(before),
                et_llm.make_image_input(image),
                et_llm.make_text_input(after),
            ]
        )
    got: list[list[int]] = [[], []]
    for _ in range(12):
        for i, session in enumerate(sessions):
            got[i].append(session.decode_one(GREEDY).token_id)
    for (before, seed, after), tokens in zip(turns, got, strict=True):
        image = np.ascontiguousarray(random_image_u8(seed).transpose(2, 0, 1)[None])
        # Text first: the tokenizer config's BOS leads, as transformers' would.
        bos = tok.token_to_id("<|begin_of_text|>")
        want = multimodal_oracle.greedy(
            [("text", [bos, *ids(before)]), ("image", image), ("text", ids(after))], 12
        )
        assert tokens == want


def test_conversations_example(fixture_dir, tokenizer_path, oracle, hf_tokenizer, bos_id):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "examples" / "python" / "conversations.py"
    spec = importlib.util.spec_from_file_location("conversations", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    engine = engine_for(fixture_dir, tokenizer_path, "export_llm_dynamic")
    replies = example.interleave(engine, PROMPTS[:2], 10)
    for prompt, reply in zip(PROMPTS[:2], replies, strict=True):
        ids = [bos_id, *hf_tokenizer.encode(prompt, add_special_tokens=False).ids]
        want = oracle.greedy(ids, 10, {2, 4})
        body = want[:-1] if want[-1] in (2, 4) else want
        assert reply == engine.tokenizer.decode(body)


def test_numpy_token_prompts(runner, oracle, hf_tokenizer):
    ids = prompt_ids(hf_tokenizer, 1, PROMPTS[0])
    session = runner.session
    assert session.generate_tokens(np.array(ids), greedy_config(5)) == oracle.greedy(ids, 5)
