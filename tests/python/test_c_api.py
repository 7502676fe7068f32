"""The C API (libet_llm_c.so) through ctypes: oracle ids on the fixtures, every bad-input
path, handle checks (freed, NULL, mistyped), only et_llm_* exported, and every function the
header declares called at least once (the last test)."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import et_llm
from tests.python.c_api_binding import NO_CALLBACK, CApi, Step, TokenCallback
from tests.python.readme_snippets import code_blocks

INVALID_ARGUMENT = int(et_llm.ErrorCode.INVALID_ARGUMENT)
INVALID_STATE = int(et_llm.ErrorCode.INVALID_STATE)
NOT_SUPPORTED = int(et_llm.ErrorCode.NOT_SUPPORTED)
NOT_FOUND = int(et_llm.ErrorCode.NOT_FOUND)
CONTEXT_OVERFLOW = int(et_llm.ErrorCode.CONTEXT_OVERFLOW)
STOPPED = 4  # ET_LLM_FINISH_STOPPED
LENGTH = 3  # ET_LLM_FINISH_LENGTH

API = CApi()


def ids_array(ids: list[int]) -> Any:
    return (ctypes.c_uint64 * len(ids))(*ids)


def text_of(function: str, *args: Any) -> str:
    """A string result written into the caller's buffer: asks the size, then reads it."""
    size = ctypes.c_size_t()
    API.ok(getattr(API, function)(*args, None, 0, ctypes.byref(size)))
    buffer = ctypes.create_string_buffer(size.value + 1)
    API.ok(getattr(API, function)(*args, buffer, len(buffer), ctypes.byref(size)))
    assert size.value == len(buffer.value)
    return buffer.value.decode()


def expect_error(status: int, code: int, needle: str = "") -> str:
    message = API.message()
    assert status == code, f"got {status} ({message}), want {code}"
    assert message, "a failed call leaves a message"
    assert needle in message, message
    return message


@pytest.fixture()
def config() -> Iterator[ctypes.c_void_p]:
    handle = API.handle("et_llm_config_create")
    yield handle
    API.ok(API.et_llm_config_free(handle))


def greedy(config: ctypes.c_void_p, max_new_tokens: int, num_bos: int = 0) -> ctypes.c_void_p:
    API.ok(API.et_llm_config_set_temperature(config, 0.0))
    API.ok(API.et_llm_config_set_echo(config, False))
    API.ok(API.et_llm_config_set_max_new_tokens(config, max_new_tokens))
    API.ok(API.et_llm_config_set_num_bos(config, num_bos))
    return config


@pytest.fixture(scope="module")
def engine(model_path: str, tokenizer_path: str) -> Iterator[ctypes.c_void_p]:
    handle = API.handle("et_llm_engine_create", model_path.encode(), tokenizer_path.encode(), None)
    yield handle
    API.ok(API.et_llm_engine_free(handle))


@pytest.fixture()
def session(engine: ctypes.c_void_p) -> Iterator[ctypes.c_void_p]:
    handle = API.handle("et_llm_engine_create_session", engine)
    yield handle
    API.ok(API.et_llm_session_free(handle))


@pytest.fixture(scope="module")
def text_reference(manifest: dict) -> dict:
    return next(r for r in manifest["references"] if r["text"])


def generated(session: ctypes.c_void_p) -> list[int]:
    tokens = ctypes.POINTER(ctypes.c_uint64)()
    count = ctypes.c_size_t()
    API.ok(API.et_llm_session_generated_tokens(session, ctypes.byref(tokens), ctypes.byref(count)))
    return [tokens[i] for i in range(count.value)]


class Collector:
    """A token callback that keeps the pieces and can ask to stop after ``stop_after``."""

    def __init__(self, stop_after: int = 0) -> None:
        self.pieces: list[str] = []
        self.stop_after = stop_after
        self.callback = TokenCallback(self._on_piece)

    def _on_piece(self, piece: int, size: int, _user_data: int) -> int:
        self.pieces.append(ctypes.string_at(piece, size).decode())
        return 1 if self.stop_after and len(self.pieces) >= self.stop_after else 0


def test_only_the_c_api_is_exported() -> None:
    nm = shutil.which("nm")
    assert nm, "nm (binutils) is needed"
    out = subprocess.run(
        [nm, "-D", "--defined-only", et_llm.c_library_path], capture_output=True, text=True
    ).stdout
    names = {line.split()[-1] for line in out.splitlines() if line.strip()}
    assert names, out
    foreign = sorted(n for n in names if not n.startswith("et_llm_"))
    assert not foreign, f"exported beyond et_llm_*: {foreign[:20]}"
    assert names == set(API.functions), names ^ set(API.functions)


def test_version_status_names_and_messages() -> None:
    assert API.et_llm_version().decode() == et_llm.__version__
    parts = [ctypes.c_int(), ctypes.c_int(), ctypes.c_int()]
    API.et_llm_version_numbers(*(ctypes.byref(p) for p in parts))
    assert ".".join(str(p.value) for p in parts) == et_llm.__version__
    API.et_llm_version_numbers(None, None, None)  # each out-pointer is optional
    for code in et_llm.ErrorCode:
        name = API.et_llm_status_name(int(code)).decode()
        assert name.lower() == code.name.replace("_", "").lower()
    assert API.et_llm_status_name(999).decode() == "Unknown"
    expect_error(API.et_llm_config_create(None), INVALID_ARGUMENT, "out")
    handle = API.handle("et_llm_config_create")
    assert API.message() == "", "a successful call clears the message"
    API.ok(API.et_llm_config_free(handle))
    API.ok(API.et_llm_set_num_threads(0))
    API.ok(API.et_llm_set_num_threads(1))


def test_config_fields_round_trip(config: ctypes.c_void_p) -> None:
    values: dict[str, tuple[Any, Any]] = {
        "add_special_tokens": (ctypes.c_bool, False),  # before num_bos, which turns it off
        "echo": (ctypes.c_bool, False),
        "max_new_tokens": (ctypes.c_int32, 17),
        "warming": (ctypes.c_bool, True),
        "seq_len": (ctypes.c_int32, 99),
        "temperature": (ctypes.c_float, 0.5),
        "num_bos": (ctypes.c_int32, 1),
        "num_eos": (ctypes.c_int32, 2),
        "ignore_eos": (ctypes.c_bool, True),
        "seed": (ctypes.c_int64, 1234),
        "top_k": (ctypes.c_int32, 40),
        "top_p": (ctypes.c_float, 0.75),
        "min_p": (ctypes.c_float, 0.25),
        "repetition_penalty": (ctypes.c_float, 1.5),
        "frequency_penalty": (ctypes.c_float, 0.5),
        "presence_penalty": (ctypes.c_float, 0.25),
        "penalty_last_n": (ctypes.c_int32, 32),
    }
    defaults = et_llm.GenerationConfig()
    for field, (kind, value) in values.items():
        got = kind()
        API.ok(getattr(API, f"et_llm_config_get_{field}")(config, ctypes.byref(got)))
        assert got.value == pytest.approx(getattr(defaults, field)), field  # C++'s defaults
        API.ok(getattr(API, f"et_llm_config_set_{field}")(config, value))
        API.ok(getattr(API, f"et_llm_config_get_{field}")(config, ctypes.byref(got)))
        assert got.value == pytest.approx(value), field
    API.ok(API.et_llm_config_validate(config))
    API.ok(API.et_llm_config_add_stop_string(config, b"\n\n"))
    API.ok(API.et_llm_config_add_stop_token(config, 7))
    API.ok(API.et_llm_config_set_grammar(config, b"[a-z]+", b"regex"))
    API.ok(API.et_llm_config_set_speculative(config, b"prompt_lookup", 5))
    assert "speculative='prompt_lookup', num_draft_tokens=5" in text_of(
        "et_llm_config_describe", config
    )
    expect_error(API.et_llm_config_validate(config), NOT_SUPPORTED, "greedy")
    API.ok(API.et_llm_config_set_speculative(config, b"", 8))
    text = text_of("et_llm_config_describe", config)
    assert "max_new_tokens=17" in text and "stop_token_ids=[7]" in text, text
    assert "stop=['\\n\\n']" in text and "grammar_type='regex'" in text, text

    copy = API.handle("et_llm_config_copy", config)
    got_bos = ctypes.c_int32()
    API.ok(API.et_llm_config_get_num_bos(copy, ctypes.byref(got_bos)))
    assert got_bos.value == 1
    API.ok(API.et_llm_config_clear_stops(copy))
    assert "stop=[" not in text_of("et_llm_config_describe", copy)
    small = ctypes.create_string_buffer(8)
    size = ctypes.c_size_t()
    API.ok(API.et_llm_config_describe(copy, small, 8, ctypes.byref(size)))
    assert small.value == b"Generat" and size.value > 8, "cut to the buffer, as snprintf"
    API.ok(API.et_llm_config_free(copy))

    expect_error(API.et_llm_config_set_grammar(config, b"x", b"yaml"), INVALID_ARGUMENT, "yaml")
    expect_error(API.et_llm_config_add_stop_string(config, None), INVALID_ARGUMENT, "text")
    API.ok(API.et_llm_config_set_top_p(config, 1.5))
    expect_error(API.et_llm_config_validate(config), INVALID_ARGUMENT, "top_p")
    expect_error(API.et_llm_config_get_top_p(config, None), INVALID_ARGUMENT, "out")


def test_engine_queries(engine: ctypes.c_void_p, manifest: dict, hf_tokenizer: Any) -> None:
    vocab = ctypes.c_int64()
    API.ok(API.et_llm_engine_vocab_size(engine, ctypes.byref(vocab)))
    assert vocab.value == manifest["tokenizer"]["vocab_size"] or vocab.value > 0
    context = ctypes.c_int64()
    API.ok(API.et_llm_engine_max_context_len(engine, ctypes.byref(context)))
    value = ctypes.c_int64()
    API.ok(API.et_llm_engine_metadata(engine, b"get_max_context_len", ctypes.byref(value)))
    assert value.value == context.value > 0
    expect_error(
        API.et_llm_engine_metadata(engine, b"get_nothing", ctypes.byref(value)),
        NOT_FOUND,
        "get_nothing",
    )
    multimodal = ctypes.c_bool(True)
    API.ok(API.et_llm_engine_is_multimodal(engine, ctypes.byref(multimodal)))
    assert not multimodal.value

    text = "Hello, small world"
    count = ctypes.c_size_t()
    API.ok(API.et_llm_engine_encode(engine, text.encode(), None, 0, ctypes.byref(count)))
    tokens = (ctypes.c_uint64 * count.value)()
    API.ok(
        API.et_llm_engine_encode(engine, text.encode(), tokens, len(tokens), ctypes.byref(count))
    )
    ids = list(tokens)
    assert ids == hf_tokenizer.encode(text, add_special_tokens=False).ids
    assert text_of("et_llm_engine_decode", engine, ids_array(ids), len(ids)) == text
    expect_error(
        API.et_llm_engine_encode(engine, text.encode(), None, 4, ctypes.byref(count)),
        INVALID_ARGUMENT,
        "NULL",
    )


def test_missing_and_corrupt_files(tmp_path: Path, model_path: str, tokenizer_path: str) -> None:
    out = ctypes.c_void_p()
    expect_error(
        API.et_llm_engine_create(
            b"/nope/model.pte", tokenizer_path.encode(), None, ctypes.byref(out)
        ),
        NOT_FOUND,
        "/nope/model.pte",
    )
    assert out.value is None
    corrupt = tmp_path / "corrupt.pte"
    corrupt.write_bytes(b"not a program" * 100)
    status = API.et_llm_engine_create(
        str(corrupt).encode(), tokenizer_path.encode(), None, ctypes.byref(out)
    )
    assert status == int(et_llm.ErrorCode.INVALID_PROGRAM), API.message()
    bad_tokenizer = tmp_path / "tokenizer.json"
    bad_tokenizer.write_text("{")
    status = API.et_llm_engine_create(
        model_path.encode(), str(bad_tokenizer).encode(), None, ctypes.byref(out)
    )
    assert status == int(et_llm.ErrorCode.INVALID_TOKENIZER), API.message()
    expect_error(API.et_llm_engine_create(None, b"x", None, ctypes.byref(out)), INVALID_ARGUMENT)
    # A message longer than the thread's buffer is cut, and says so.
    long_path = "/nope/" + "x" * 5000
    message = expect_error(
        API.et_llm_engine_create(
            long_path.encode(), tokenizer_path.encode(), None, ctypes.byref(out)
        ),
        NOT_FOUND,
    )
    assert len(message) == 4095 and message.endswith("...")


def test_decode_one_equals_the_oracle(
    session: ctypes.c_void_p, config: ctypes.c_void_p, text_reference: dict
) -> None:
    greedy(config, text_reference["n"], num_bos=1)
    API.ok(API.et_llm_session_prefill_text(session, text_reference["text"].encode(), config))
    got: list[int] = []
    step = Step()
    while len(got) < len(text_reference["output_ids"]):
        API.ok(API.et_llm_session_decode_one(session, config, ctypes.byref(step)))
        got.append(step.token_id)
        assert step.piece_size == len(step.piece or b"")
        if step.is_eos:
            break
    assert got == text_reference["output_ids"]
    position = ctypes.c_int64()
    API.ok(API.et_llm_session_position(session, ctypes.byref(position)))
    assert position.value == len(text_reference["prompt_ids"]) + len(got) - 1
    API.ok(API.et_llm_session_rewind(session, 1))
    API.ok(API.et_llm_session_position(session, ctypes.byref(position)))
    assert position.value == 1
    expect_error(API.et_llm_session_rewind(session, 50), INVALID_ARGUMENT)
    API.ok(API.et_llm_session_prefill_tokens(session, ids_array([7, 8]), 2))
    API.ok(API.et_llm_session_decode_one(session, None, ctypes.byref(step)))  # NULL: defaults


def test_generate_streams_and_reports(
    session: ctypes.c_void_p, config: ctypes.c_void_p, text_reference: dict, hf_tokenizer: Any
) -> None:
    greedy(config, text_reference["n"], num_bos=1)
    collector = Collector()
    API.ok(
        API.et_llm_session_generate(
            session, text_reference["text"].encode(), config, collector.callback, None
        )
    )
    want = text_reference["output_ids"]
    assert generated(session) == want
    text = ctypes.c_char_p()
    size = ctypes.c_size_t()
    API.ok(API.et_llm_session_generated_text(session, ctypes.byref(text), ctypes.byref(size)))
    assert (
        "".join(collector.pieces)
        == text.value.decode()
        == hf_tokenizer.decode(
            want[:-1] if text_reference["stops_at_eos"] else want, skip_special_tokens=False
        )
    )
    assert size.value == len(text.value)
    reason = ctypes.c_int()
    API.ok(API.et_llm_session_finish_reason(session, ctypes.byref(reason)))
    assert reason.value in (1, LENGTH)

    stats = API.handle("et_llm_stats_create")
    API.ok(API.et_llm_session_get_stats(session, stats))
    counts = [ctypes.c_int64() for _ in range(3)]
    API.ok(API.et_llm_stats_num_prompt_tokens(stats, ctypes.byref(counts[0])))
    API.ok(API.et_llm_stats_num_generated_tokens(stats, ctypes.byref(counts[1])))
    API.ok(API.et_llm_stats_time_to_first_token_ms(stats, ctypes.byref(counts[2])))
    assert counts[0].value == len(text_reference["prompt_ids"])
    assert counts[1].value == len(want)
    assert counts[2].value >= 0
    rates = [ctypes.c_double(), ctypes.c_double()]
    API.ok(API.et_llm_stats_prefill_tokens_per_second(stats, ctypes.byref(rates[0])))
    API.ok(API.et_llm_stats_decode_tokens_per_second(stats, ctypes.byref(rates[1])))
    assert rates[0].value > 0 and rates[1].value > 0
    assert json.loads(text_of("et_llm_stats_to_json", stats))["generated_tokens"] == len(want)
    API.ok(API.et_llm_stats_free(stats))

    # A callback that fails the call: CALLBACK_FAILED, and nothing of the turn stays.
    API.ok(API.et_llm_session_reset(session))
    failing = TokenCallback(lambda piece, size, user_data: 2)  # ET_LLM_FAIL
    expect_error(
        API.et_llm_session_generate(
            session, text_reference["text"].encode(), config, failing, None
        ),
        int(et_llm.ErrorCode.CALLBACK_FAILED),
        "ET_LLM_FAIL",
    )
    position = ctypes.c_int64()
    API.ok(API.et_llm_session_position(session, ctypes.byref(position)))
    assert position.value == 0

    # The callback asks to stop after two pieces: the turn ends there, kept.
    API.ok(API.et_llm_session_reset(session))
    stopper = Collector(stop_after=2)
    API.ok(
        API.et_llm_session_generate(
            session, text_reference["text"].encode(), config, stopper.callback, None
        )
    )
    API.ok(API.et_llm_session_finish_reason(session, ctypes.byref(reason)))
    assert len(stopper.pieces) == 2 and reason.value == STOPPED
    assert generated(session) == want[: len(generated(session))]


def test_prompt_errors_leave_the_session_usable(
    session: ctypes.c_void_p, engine: ctypes.c_void_p, config: ctypes.c_void_p, text_reference: dict
) -> None:
    context = ctypes.c_int64()
    API.ok(API.et_llm_engine_max_context_len(engine, ctypes.byref(context)))
    too_long = [5] * (context.value + 1)
    expect_error(
        API.et_llm_session_prefill_tokens(session, ids_array(too_long), len(too_long)),
        CONTEXT_OVERFLOW,
    )
    expect_error(API.et_llm_session_prefill_tokens(session, None, 3), INVALID_ARGUMENT, "tokens")
    expect_error(
        API.et_llm_session_generate(session, b"", config, NO_CALLBACK, None), INVALID_ARGUMENT
    )
    API.ok(API.et_llm_config_set_temperature(config, -2.0))
    expect_error(
        API.et_llm_session_generate(session, b"hi", config, NO_CALLBACK, None),
        INVALID_ARGUMENT,
        "temperature",
    )
    greedy(config, text_reference["n"])
    prompt = text_reference["prompt_ids"]
    API.ok(API.et_llm_session_prefill_tokens(session, ids_array(prompt), len(prompt)))
    generation = API.handle("et_llm_session_start", session, b"", config)
    done = ctypes.c_bool(False)
    piece = ctypes.c_char_p()
    while not done.value:
        API.ok(
            API.et_llm_generation_next(generation, ctypes.byref(piece), None, ctypes.byref(done))
        )
    expect_error(
        API.et_llm_generation_next(generation, ctypes.byref(piece), None, ctypes.byref(done)),
        INVALID_STATE,
        "done",
    )
    reason = ctypes.c_int()
    API.ok(API.et_llm_generation_finish_reason(generation, ctypes.byref(reason)))
    API.ok(API.et_llm_generation_free(generation))
    assert generated(session) == text_reference["output_ids"]


def test_inputs_and_pulled_generation(
    session: ctypes.c_void_p, config: ctypes.c_void_p, text_reference: dict
) -> None:
    inputs = API.handle("et_llm_inputs_create")
    prompt = text_reference["prompt_ids"]
    API.ok(API.et_llm_inputs_add_tokens(inputs, ids_array(prompt[:3]), 3))
    API.ok(API.et_llm_inputs_add_tokens(inputs, ids_array(prompt[3:]), len(prompt) - 3))
    count = ctypes.c_size_t()
    API.ok(API.et_llm_inputs_count(inputs, ctypes.byref(count)))
    assert count.value == 2
    greedy(config, text_reference["n"])
    generation = API.handle("et_llm_session_start_inputs", session, inputs, config)
    expect_error(API.et_llm_session_free(session), INVALID_STATE, "generation")
    expect_error(
        API.et_llm_session_generate(session, b"x", config, NO_CALLBACK, None), INVALID_STATE
    )
    pieces = []
    done = ctypes.c_bool(False)
    piece = ctypes.c_char_p()
    size = ctypes.c_size_t()
    while not done.value:
        API.ok(
            API.et_llm_generation_next(
                generation, ctypes.byref(piece), ctypes.byref(size), ctypes.byref(done)
            )
        )
        pieces.append(piece.value)
    API.ok(API.et_llm_generation_free(generation))
    assert generated(session) == text_reference["output_ids"]

    API.ok(API.et_llm_session_reset(session))
    API.ok(API.et_llm_session_prefill_inputs(session, inputs, None))
    API.ok(API.et_llm_inputs_clear(inputs))
    API.ok(API.et_llm_session_generate_inputs(session, inputs, config, NO_CALLBACK, None))
    assert generated(session) == text_reference["output_ids"]
    expect_error(API.et_llm_inputs_add_text(inputs, None), INVALID_ARGUMENT, "text")
    API.ok(API.et_llm_inputs_add_text(inputs, b"hello"))
    pixels = (ctypes.c_uint8 * 12)()
    expect_error(
        API.et_llm_inputs_add_image_uint8(inputs, pixels, 12, 2, 2, 0, 0),
        INVALID_ARGUMENT,
        "positive",
    )
    expect_error(
        API.et_llm_inputs_add_image_uint8(inputs, pixels, 12, 2, 2, 3, 9),
        INVALID_ARGUMENT,
        "layout",
    )
    expect_error(
        API.et_llm_inputs_add_image_uint8(inputs, pixels, 12, 4, 4, 3, 0),
        INVALID_ARGUMENT,
        "need 48 values, got 12",
    )
    expect_error(API.et_llm_inputs_add_image_float(inputs, None, 12, 2, 2, 3, 0), INVALID_ARGUMENT)
    expect_error(API.et_llm_inputs_add_audio(inputs, None, 16, 1, -4, 4), INVALID_ARGUMENT)
    samples = (ctypes.c_float * 8)()
    API.ok(API.et_llm_inputs_add_raw_audio(inputs, samples, 8, 1, 1, 8))
    # A text-only program refuses the waveform with a message, and nothing is kept.
    position = ctypes.c_int64()
    API.ok(API.et_llm_session_position(session, ctypes.byref(position)))
    before = position.value
    status = API.et_llm_session_prefill_inputs(session, inputs, None)
    assert status != 0 and API.message()
    API.ok(API.et_llm_session_position(session, ctypes.byref(position)))
    assert position.value == before
    API.ok(API.et_llm_inputs_free(inputs))


def _ppm_pixels(path: Path) -> tuple[np.ndarray, int, int]:
    data = path.read_bytes()
    header, rest = data.split(b"\n", 1)
    size, rest = rest.split(b"\n", 1)
    _, pixels = rest.split(b"\n", 1)
    width, height = (int(v) for v in size.split())
    assert header == b"P6"
    return np.frombuffer(pixels, dtype=np.uint8), width, height


def test_multimodal_runner_equals_the_oracle(multimodal_dir: Path, config: ctypes.c_void_p) -> None:
    manifest = json.loads((multimodal_dir / "manifest.json").read_text())
    references = {r["name"]: r for r in manifest["references"]}
    tokenizer = str(multimodal_dir / "tokenizer.json").encode()
    pixels, width, height = _ppm_pixels(multimodal_dir / "image.ppm")
    features = np.fromfile(multimodal_dir / "features.f32", dtype="<f4")
    hwc = 1

    def run(name: str, add_media: Any) -> list[int]:
        reference = references[name]
        model = str(multimodal_dir / f"{reference['variant']}.pte").encode()
        runner = API.handle("et_llm_multimodal_runner_create", model, tokenizer)
        loaded = ctypes.c_bool(True)
        API.ok(API.et_llm_multimodal_runner_is_loaded(runner, ctypes.byref(loaded)))
        assert not loaded.value
        inputs = API.handle("et_llm_inputs_create")
        for item in reference["inputs"]:
            if "text" in item:
                API.ok(API.et_llm_inputs_add_text(inputs, item["text"].encode()))
            else:
                add_media(inputs)
        greedy(config, len(reference["output_ids"]))
        API.ok(API.et_llm_multimodal_runner_generate(runner, inputs, config, NO_CALLBACK, None))
        session = API.handle("et_llm_multimodal_runner_session", runner)
        got = generated(session)
        API.ok(API.et_llm_multimodal_runner_is_loaded(runner, ctypes.byref(loaded)))
        assert loaded.value
        API.ok(API.et_llm_multimodal_runner_reset(runner))
        API.ok(API.et_llm_multimodal_runner_stop(runner))
        API.ok(API.et_llm_inputs_free(inputs))
        API.ok(API.et_llm_multimodal_runner_free(runner))
        return got

    image_u8 = pixels.ctypes.data_as(ctypes.POINTER(ctypes.c_uint8))
    assert (
        run(
            "vlm_text_image_text",
            lambda inputs: API.ok(
                API.et_llm_inputs_add_image_uint8(
                    inputs, image_u8, pixels.size, width, height, 3, hwc
                )
            ),
        )
        == references["vlm_text_image_text"]["output_ids"]
    )
    scaled = (pixels.astype(np.float32) / 255.0).copy()
    image_f32 = scaled.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
    assert (
        run(
            "vlm_cache_position_float_image",
            lambda inputs: API.ok(
                API.et_llm_inputs_add_image_float(
                    inputs, image_f32, scaled.size, width, height, 3, hwc
                )
            ),
        )
        == references["vlm_cache_position_float_image"]["output_ids"]
    )
    audio = features.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
    assert (
        run(
            "alm_text_audio_text",
            lambda inputs: API.ok(
                API.et_llm_inputs_add_audio(inputs, audio, features.size, 1, 16, 32)
            ),
        )
        == references["alm_text_audio_text"]["output_ids"]
    )

    missing = API.handle("et_llm_multimodal_runner_create", b"/nope.pte", tokenizer)
    expect_error(API.et_llm_multimodal_runner_load(missing), NOT_FOUND, "/nope.pte")
    out = ctypes.c_void_p()
    expect_error(
        API.et_llm_multimodal_runner_session(missing, ctypes.byref(out)), INVALID_STATE, "load"
    )
    API.ok(API.et_llm_multimodal_runner_free(missing))


def test_text_runner_stop_from_another_thread(
    model_path: str, tokenizer_path: str, config: ctypes.c_void_p, text_reference: dict
) -> None:
    specials = (ctypes.c_char_p * 2)(b"<|begin_of_text|>", b"<|end_of_text|>")
    runner = API.handle(
        "et_llm_text_runner_create", model_path.encode(), tokenizer_path.encode(), specials, 2
    )
    API.ok(API.et_llm_text_runner_stop(runner))  # before load: nothing to stop, no error
    API.ok(API.et_llm_text_runner_reset(runner))
    API.ok(API.et_llm_text_runner_load(runner))
    loaded = ctypes.c_bool()
    API.ok(API.et_llm_text_runner_is_loaded(runner, ctypes.byref(loaded)))
    assert loaded.value
    greedy(config, text_reference["n"], num_bos=1)
    API.ok(
        API.et_llm_text_runner_generate(
            runner, text_reference["text"].encode(), config, NO_CALLBACK, None
        )
    )
    session = API.handle("et_llm_text_runner_session", runner)
    assert generated(session) == text_reference["output_ids"]
    expect_error(API.et_llm_session_free(session), INVALID_STATE, "runner")

    # A long generation (EOS ignored, the whole context) stopped from another thread.
    API.ok(API.et_llm_text_runner_reset(runner))
    API.ok(API.et_llm_config_set_ignore_eos(config, True))
    API.ok(API.et_llm_config_set_max_new_tokens(config, -1))
    first_piece = threading.Event()
    collector = Collector()

    def on_piece(piece: int, size: int, user_data: int) -> int:
        first_piece.set()
        time.sleep(0.005)  # the tiny model would fill its context before the stop arrives
        return collector._on_piece(piece, size, user_data)

    callback = TokenCallback(on_piece)
    stopper = threading.Thread(
        target=lambda: first_piece.wait(60) and API.et_llm_text_runner_stop(runner)
    )
    stopper.start()
    API.ok(API.et_llm_text_runner_generate(runner, b"Once", config, callback, None))
    stopper.join()
    reason = ctypes.c_int()
    API.ok(API.et_llm_session_finish_reason(session, ctypes.byref(reason)))
    assert reason.value == STOPPED
    assert 0 < len(collector.pieces) < 64, "stopped well before the context filled"
    API.ok(API.et_llm_text_runner_free(runner))


def test_handles_are_checked(config: ctypes.c_void_p, engine: ctypes.c_void_p) -> None:
    # Every free accepts NULL (as free() does) and refuses a freed handle and a
    # handle of another type; every other call refuses NULL.
    frees = [name for name in API.functions if name.endswith("_free")]
    assert len(frees) == 8, frees
    for name in frees:
        API.ok(getattr(API, name)(None))
        expect_error(
            getattr(API, name)(engine if "engine" not in name else config),
            INVALID_ARGUMENT,
            "not an",
        )
    expect_error(
        API.et_llm_engine_create_session(None, ctypes.byref(ctypes.c_void_p())),
        INVALID_ARGUMENT,
        "NULL",
    )
    freed = API.handle("et_llm_config_create")
    API.ok(API.et_llm_config_free(freed))
    expect_error(API.et_llm_config_free(freed), INVALID_ARGUMENT, "not a live")
    expect_error(API.et_llm_config_set_echo(freed, True), INVALID_ARGUMENT, "not a live")
    expect_error(API.et_llm_engine_free(config), INVALID_ARGUMENT, "not an et_llm_engine")
    expect_error(API.et_llm_session_stop(engine), INVALID_ARGUMENT, "not an et_llm_session")
    expect_error(API.et_llm_session_get_stats(engine, config), INVALID_ARGUMENT)
    never_made = ctypes.c_void_p(12345678)
    expect_error(API.et_llm_session_reset(never_made), INVALID_ARGUMENT, "never created")
    # The engine works after all that, and stop with nothing running is a no-op.
    session = API.handle("et_llm_engine_create_session", engine)
    API.ok(API.et_llm_session_stop(session))
    API.ok(API.et_llm_session_free(session))


def test_sessions_outlive_their_engine(
    model_path: str, tokenizer_path: str, config: ctypes.c_void_p, text_reference: dict
) -> None:
    engine = API.handle("et_llm_engine_create", model_path.encode(), tokenizer_path.encode(), None)
    session = API.handle("et_llm_engine_create_session", engine)
    API.ok(API.et_llm_engine_free(engine))
    greedy(config, text_reference["n"], num_bos=1)
    API.ok(
        API.et_llm_session_generate(
            session, text_reference["text"].encode(), config, NO_CALLBACK, None
        )
    )
    assert generated(session) == text_reference["output_ids"]
    API.ok(API.et_llm_session_free(session))


def test_readme_c_program_builds_and_runs(
    tmp_path: Path, model_path: str, tokenizer_path: str, text_reference: dict, hf_tokenizer: Any
) -> None:
    """The README's C program and build command, as written (the paths swapped for the
    fixture's)."""
    program, commands = code_blocks("C", "c")[0], code_blocks("C", "bash")[0]
    (tmp_path / "generate.c").write_text(program)
    build = next(line for line in commands.splitlines() if line.startswith("cc "))
    env = {**os.environ, "PKG_CONFIG_PATH": et_llm.pkg_config_path}
    done = subprocess.run(build, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    run = [str(tmp_path / "generate"), model_path, tokenizer_path, text_reference["text"]]
    done = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # Echo is on by default: the prompt, then the continuation.
    want = text_reference["text"] + hf_tokenizer.decode(text_reference["output_ids"][:32])
    assert done.stdout == want + "\n"
    done = subprocess.run([*run[:1], "/nope.pte", *run[2:]], capture_output=True, text=True)
    assert done.returncode == 1 and "NotFound" in done.stderr and "/nope.pte" in done.stderr


def test_every_declared_function_was_called() -> None:
    """Last in this file: the tests above together call every function of the header."""
    missing = sorted(set(API.functions) - API.called)
    assert not missing, f"not exercised by test_c_api.py: {missing}"
