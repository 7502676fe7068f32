"""Ints that do not fit the core's int32 fields and parameters are InvalidArgumentError
naming the field and its range (not pybind11's overload TypeError); non-ints stay TypeError."""

from __future__ import annotations

import numpy as np
import pytest

import et_llm

INT32_MAX = 2**31 - 1
TOO_BIG = [2**31, 2**40, 2**64, -(2**31) - 1, np.int64(2**40)]

CONFIG_FIELDS = ["max_new_tokens", "seq_len", "num_bos", "num_eos", "top_k", "penalty_last_n"]
CONFIG_FIELDS += ["top_logprobs"]
SAMPLING_FIELDS = ["top_k", "penalty_last_n", "top_logprobs"]


def out_of_range(name: str) -> pytest.RaisesExc:
    return pytest.raises(et_llm.InvalidArgumentError, match=rf"{name}.*{INT32_MAX}")


@pytest.mark.parametrize("value", TOO_BIG, ids=str)
@pytest.mark.parametrize("field", CONFIG_FIELDS)
def test_generation_config_constructor(field: str, value: int) -> None:
    with out_of_range(field):
        et_llm.GenerationConfig(**{field: value})


@pytest.mark.parametrize("field", CONFIG_FIELDS)
def test_generation_config_setter_keeps_the_old_value(field: str) -> None:
    config = et_llm.GenerationConfig()
    before = getattr(config, field)
    with out_of_range(field):
        setattr(config, field, 2**40)
    assert getattr(config, field) == before
    setattr(config, field, np.int32(INT32_MAX))
    assert getattr(config, field) == INT32_MAX


@pytest.mark.parametrize("field", SAMPLING_FIELDS)
def test_sampling_config(field: str) -> None:
    with out_of_range(field):
        et_llm.SamplingConfig(**{field: 2**31})
    config = et_llm.SamplingConfig()
    with out_of_range(field):
        setattr(config, field, -(2**31) - 1)


def test_the_error_is_also_a_value_error() -> None:
    with pytest.raises(ValueError, match="top_k must be an int32, from -2147483648 to 2147483647"):
        et_llm.GenerationConfig(top_k=2**31)


@pytest.mark.parametrize("value", ["5", 1.5, None])
def test_non_integers_stay_type_errors(value: object) -> None:
    with pytest.raises(TypeError):
        et_llm.GenerationConfig(top_k=value)
    with pytest.raises(TypeError):
        et_llm.GenerationConfig().top_k = value


def test_multimodal_inputs() -> None:
    data = np.zeros(4, np.float32)
    with out_of_range("n_bins"):
        et_llm.Audio(data, 1, 2**31, 4)
    with out_of_range("n_samples"):
        et_llm.RawAudio(data, 1, 1, 2**31)
    audio = et_llm.Audio(data, 1, 1, 4)
    with out_of_range("batch_size"):
        audio.batch_size = 2**40
    assert repr(audio) == "Audio(1x1x4)"
    with out_of_range("width"):
        et_llm.Image(np.zeros(3, np.uint8), 2**31, 1, 3)


def test_runner_methods(model_path: str, tokenizer_path: str) -> None:
    runner = et_llm.TextLLMRunner(model_path, tokenizer_path)
    with out_of_range("max_new_tokens"):
        runner.warmup(max_new_tokens=2**31)
    decoder = et_llm.DecoderLLMRunner.load(model_path, tokenizer_path)
    with out_of_range("max_new_tokens"):
        decoder.generate([1, 2], max_new_tokens=2**40)
