"""MultimodalRunner greedy tokens equal eager PyTorch for every kind and order of input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import et_llm
from tests.fixtures.multimodal import random_features, random_image_u8, random_waveform

N = 24
EOS = {2, 4}


def greedy(max_new_tokens: int = N) -> et_llm.GenerationConfig:
    return et_llm.GenerationConfig(
        temperature=0.0, max_new_tokens=max_new_tokens, echo=False, num_bos=0
    )


@pytest.fixture(scope="module")
def ids(multimodal_dir: Path):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(multimodal_dir / "tokenizer.json"))
    return lambda text: tok.encode(text, add_special_tokens=False).ids


def runner_for(multimodal_dir: Path, variant: str, **kwargs: object) -> et_llm.MultimodalRunner:
    return et_llm.MultimodalRunner(
        str(multimodal_dir / f"{variant}.pte"), str(multimodal_dir / "tokenizer.json"), **kwargs
    )


@pytest.fixture(scope="module")
def vlm(multimodal_dir: Path) -> et_llm.MultimodalRunner:
    return runner_for(multimodal_dir, "vlm_input_pos")


@pytest.fixture(scope="module")
def vlm_cache_position(multimodal_dir: Path) -> et_llm.MultimodalRunner:
    return runner_for(multimodal_dir, "vlm_cache_position")


@pytest.fixture(scope="module")
def alm(multimodal_dir: Path) -> et_llm.MultimodalRunner:
    return runner_for(multimodal_dir, "alm")


def u8_chw_batched(hwc: np.ndarray) -> np.ndarray:
    """What the uint8 variant's vision_encoder takes, for the oracle."""
    return np.ascontiguousarray(hwc.transpose(2, 0, 1)[None])


def run(runner: et_llm.MultimodalRunner, inputs: list, n: int = N) -> list[int]:
    runner.reset()
    return list(runner.generate_tokens(inputs, greedy(n)))


def test_text_image_text(vlm, multimodal_oracle, ids) -> None:
    img = random_image_u8(1)
    got = run(vlm, ["Describe the picture", img, "in a few words"])
    want = multimodal_oracle.greedy(
        [
            ("text", ids("Describe the picture")),
            ("image", u8_chw_batched(img)),
            ("text", ids("in a few words")),
        ],
        N,
        eos_ids=EOS,
    )
    assert got == want
    assert vlm.stats.num_prompt_tokens == len(ids("Describe the picture")) + 16 + len(
        ids("in a few words")
    )


def test_image_then_text(vlm, multimodal_oracle, ids) -> None:
    img = random_image_u8(2)
    got = run(vlm, [img, "What is this?"])
    want = multimodal_oracle.greedy(
        [("image", u8_chw_batched(img)), ("text", ids("What is this?"))], N, eos_ids=EOS
    )
    assert got == want


def test_two_images(vlm, multimodal_oracle, ids) -> None:
    a, b = random_image_u8(3), random_image_u8(4)
    got = run(vlm, ["First", a, "then", b, "compare them"])
    want = multimodal_oracle.greedy(
        [
            ("text", ids("First")),
            ("image", u8_chw_batched(a)),
            ("text", ids("then")),
            ("image", u8_chw_batched(b)),
            ("text", ids("compare them")),
        ],
        N,
        eos_ids=EOS,
    )
    assert got == want


def test_token_inputs(vlm, multimodal_oracle, ids) -> None:
    img = random_image_u8(5)
    before, after = ids("<|im_start|>user\n"), ids("Say something")
    got = run(vlm, [et_llm.make_token_input(before), img, et_llm.make_token_input(np.array(after))])
    want = multimodal_oracle.greedy(
        [("text", before), ("image", u8_chw_batched(img)), ("text", after)], N, eos_ids=EOS
    )
    assert got == want


def test_cache_position_float_hwc_encoder(vlm_cache_position, multimodal_oracle, ids) -> None:
    """[T] cache positions and a float32 HWC encoder without batch dim."""
    img = random_image_u8(6).astype(np.float32) / 255.0
    got = run(vlm_cache_position, ["Look:", img, "and tell"])
    want = multimodal_oracle.greedy(
        [("text", ids("Look:")), ("image", img), ("text", ids("and tell"))],
        N,
        layout="f32_hwc",
        eos_ids=EOS,
    )
    assert got == want


def test_uint8_image_into_float_encoder_is_cast(vlm_cache_position, multimodal_oracle, ids) -> None:
    img = random_image_u8(7) // 128  # values 0/1 stay in the encoder's range once cast
    got = run(vlm_cache_position, ["Look:", img])
    want = multimodal_oracle.greedy(
        [("text", ids("Look:")), ("image", img.astype(np.float32))],
        N,
        layout="f32_hwc",
        eos_ids=EOS,
    )
    assert got == want


def test_image_layouts_and_pil_agree(vlm, multimodal_oracle, ids) -> None:
    img = random_image_u8(8)
    want = multimodal_oracle.greedy(
        [("text", ids("Picture")), ("image", u8_chw_batched(img))], N, eos_ids=EOS
    )
    forms = {
        "hwc": img,
        "chw": np.ascontiguousarray(img.transpose(2, 0, 1)),
        "batched_hwc": img[None],
        "batched_chw": u8_chw_batched(img),
        "non_contiguous_chw": img.transpose(2, 0, 1),
        "image_object": et_llm.Image(
            np.ascontiguousarray(img.transpose(2, 0, 1)).reshape(-1), 32, 32, 3
        ),
    }
    from PIL import Image as PILImage

    forms["pil"] = PILImage.fromarray(img)
    for name, form in forms.items():
        assert run(vlm, ["Picture", form]) == want, name


def test_multi_turn_image_in_second_turn(vlm, multimodal_oracle, ids) -> None:
    img = random_image_u8(9)
    vlm.reset()
    first = list(vlm.generate_tokens(["Hello there"], greedy(8)))
    second = list(vlm.generate_tokens(["Now see", img, "and answer"], greedy(N)))
    want_first = multimodal_oracle.greedy([("text", ids("Hello there"))], 8, eos_ids=EOS)
    assert first == want_first
    want_second = multimodal_oracle.greedy(
        [
            ("text", ids("Hello there") + first),
            ("text", ids("Now see")),
            ("image", u8_chw_batched(img)),
            ("text", ids("and answer")),
        ],
        N,
        eos_ids=EOS,
    )
    assert second == want_second
    assert (
        vlm.position
        == len(ids("Hello there"))
        + len(first)
        + len(ids("Now see"))
        + 16
        + len(ids("and answer"))
        + len(second)
        - 1
    )


def test_prefill_then_generate(vlm, multimodal_oracle, ids) -> None:
    img = random_image_u8(10)
    vlm.reset()
    vlm.prefill(["Context", img])  # the default config: the tokenizer config's BOS leads
    got = list(vlm.generate_tokens(["question"], greedy()))
    bos = ids("<|begin_of_text|>")
    want = multimodal_oracle.greedy(
        [("text", bos + ids("Context")), ("image", u8_chw_batched(img)), ("text", ids("question"))],
        N,
        eos_ids=EOS,
    )
    assert got == want


def test_text_audio_text(alm, multimodal_oracle, ids) -> None:
    features = random_features(1)
    got = run(alm, ["Listen", et_llm.make_audio_input(features), "and transcribe"])
    want = multimodal_oracle.greedy(
        [("text", ids("Listen")), ("audio", features), ("text", ids("and transcribe"))],
        N,
        eos_ids=EOS,
    )
    assert got == want


def test_raw_audio_through_program_preprocessor(alm, multimodal_oracle, ids) -> None:
    wave = random_waveform(2, 1500)  # shorter than the 2048 the preprocessor takes: padded
    got = run(alm, ["Listen", et_llm.make_raw_audio_input(wave)])
    want = multimodal_oracle.greedy([("text", ids("Listen")), ("raw_audio", wave)], N, eos_ids=EOS)
    assert got == want


def test_raw_audio_through_preprocessor_file(multimodal_dir, multimodal_oracle, ids) -> None:
    runner = runner_for(
        multimodal_dir,
        "alm",
        audio_preprocessor_path=str(multimodal_dir / "audio_preprocessor.pte"),
    )
    wave = random_waveform(3, 2048)
    got = run(runner, [et_llm.make_raw_audio_input(wave), "what was said?"])
    want = multimodal_oracle.greedy(
        [("raw_audio", wave), ("text", ids("what was said?"))], N, eos_ids=EOS
    )
    assert got == want


def test_generate_hf_numpy_processor_output(vlm, multimodal_oracle, ids) -> None:
    img = random_image_u8(11)
    image_token = 5
    before, after = ids("User:"), ids("describe")
    input_ids = np.array([before + [image_token] * 16 + after])
    vlm.reset()
    text = vlm.generate_hf(
        {"input_ids": input_ids, "pixel_values": u8_chw_batched(img)},
        greedy(),
        image_token_id=image_token,
    )
    want = multimodal_oracle.greedy(
        [("text", before), ("image", u8_chw_batched(img)), ("text", after)], N, eos_ids=EOS
    )
    assert list(vlm.generated_tokens) == want
    assert isinstance(text, str)


def test_streaming_callback_matches_text(vlm) -> None:
    pieces: list[str] = []
    vlm.reset()
    text = vlm.generate(["Stream", random_image_u8(12)], greedy(), token_callback=pieces.append)
    assert "".join(pieces) == text
    assert vlm.stats.num_generated_tokens == len(vlm.generated_tokens)


def test_stream_yields_the_generated_text(vlm) -> None:
    inputs = ["Stream", random_image_u8(13)]
    vlm.reset()
    full = vlm.generate(inputs, greedy())
    vlm.reset()
    assert "".join(vlm.stream(inputs, greedy())) == full
