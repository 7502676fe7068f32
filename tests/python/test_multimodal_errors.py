"""Wrong multimodal inputs give typed errors and leave the runner usable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import et_llm
from tests.fixtures.multimodal import random_features, random_image_u8, random_waveform

N = 12


def greedy() -> et_llm.GenerationConfig:
    return et_llm.GenerationConfig(temperature=0.0, max_new_tokens=N, echo=False, num_bos=0)


def make(multimodal_dir: Path, variant: str) -> et_llm.MultimodalRunner:
    return et_llm.MultimodalRunner(
        str(multimodal_dir / f"{variant}.pte"), str(multimodal_dir / "tokenizer.json")
    )


@pytest.fixture(scope="module")
def vlm(multimodal_dir: Path) -> et_llm.MultimodalRunner:
    return make(multimodal_dir, "vlm_input_pos")


@pytest.fixture(scope="module")
def alm(multimodal_dir: Path) -> et_llm.MultimodalRunner:
    return make(multimodal_dir, "alm")


@pytest.fixture(scope="module")
def reference(vlm: et_llm.MultimodalRunner) -> list[int]:
    vlm.reset()
    return list(vlm.generate_tokens(["Describe", random_image_u8(1)], greedy()))


def assert_usable(vlm: et_llm.MultimodalRunner, reference: list[int]) -> None:
    vlm.reset()
    assert list(vlm.generate_tokens(["Describe", random_image_u8(1)], greedy())) == reference


@pytest.mark.parametrize(
    ("image", "fragment"),
    [
        (np.zeros((16, 16, 3), np.uint8), "3x32x32"),
        (np.zeros((32, 48, 3), np.uint8), "3x32x32"),
        (np.zeros((32, 32, 4), np.uint8), "3x32x32"),
        (np.zeros((32, 32), np.uint8), "3x32x32"),
        (np.zeros((32, 32, 3), np.float32), "uint8"),
    ],
    ids=["small", "wide", "rgba", "gray", "float_into_uint8_encoder"],
)
def test_image_that_does_not_fit(vlm, reference, image, fragment) -> None:
    with pytest.raises(et_llm.InvalidArgumentError) as info:
        vlm.generate(["Describe", image], greedy())
    assert info.value.code == et_llm.ErrorCode.INVALID_ARGUMENT
    assert fragment in str(info.value)
    assert "input 1 (image)" in str(info.value)
    assert_usable(vlm, reference)


def test_failed_turn_leaves_conversation_as_before(vlm) -> None:
    vlm.reset()
    vlm.generate_tokens(["Hello"], greedy())
    position = vlm.position
    with pytest.raises(et_llm.InvalidArgumentError):
        vlm.generate(["More", np.zeros((8, 8, 3), np.uint8)], greedy())
    assert vlm.position == position
    after_failure = list(vlm.generate_tokens(["Next", random_image_u8(2)], greedy()))
    vlm.reset()
    vlm.generate_tokens(["Hello"], greedy())
    assert list(vlm.generate_tokens(["Next", random_image_u8(2)], greedy())) == after_failure


def test_missing_encoder_methods(vlm, alm, reference) -> None:
    with pytest.raises(et_llm.NotFoundError, match="audio_encoder"):
        vlm.generate(["Listen", et_llm.make_audio_input(random_features(1))], greedy())
    with pytest.raises(et_llm.NotFoundError, match="vision_encoder"):
        alm.generate(["Look", random_image_u8(1)], greedy())
    assert not vlm.has_audio and vlm.has_vision
    assert alm.has_audio and not alm.has_vision and alm.accepts_raw_audio
    assert_usable(vlm, reference)


def test_raw_audio_without_preprocessor(vlm, reference) -> None:
    with pytest.raises(et_llm.NotSupportedError, match="audio_preprocessor"):
        vlm.generate([et_llm.make_raw_audio_input(random_waveform(1, 512))], greedy())
    assert_usable(vlm, reference)


def test_audio_shape_mismatch(alm) -> None:
    with pytest.raises(et_llm.InvalidArgumentError, match="1x16x32"):
        alm.generate([et_llm.make_audio_input(np.zeros((1, 8, 32), np.float32))], greedy())
    with pytest.raises(et_llm.InvalidArgumentError, match="2048"):
        alm.generate([et_llm.make_raw_audio_input(np.zeros(4096, np.float32))], greedy())
    alm.reset()
    assert alm.generate_tokens(["ok", et_llm.make_audio_input(random_features(2))], greedy())


def test_empty_inputs(vlm, reference) -> None:
    vlm.reset()
    with pytest.raises(et_llm.InvalidArgumentError, match="empty"):
        vlm.generate([], greedy())
    with pytest.raises(et_llm.InvalidArgumentError):
        vlm.prefill([])
    with pytest.raises(et_llm.InvalidArgumentError, match="no positions"):
        vlm.generate([""], greedy())
    assert_usable(vlm, reference)


def test_bad_pieces_are_rejected_in_python(vlm) -> None:
    with pytest.raises(et_llm.InvalidArgumentError):
        vlm.generate([3.5], greedy())
    with pytest.raises(et_llm.InvalidArgumentError, match="batch of 2"):
        vlm.generate([np.zeros((2, 3, 32, 32), np.uint8)], greedy())
    with pytest.raises(et_llm.InvalidArgumentError, match="outside the vocabulary"):
        vlm.generate([et_llm.make_token_input([10**6])], greedy())
    with pytest.raises(et_llm.InvalidArgumentError, match="channel axis"):
        et_llm.make_image_input(np.zeros((32, 32, 7), np.uint8))


def test_context_overflow(vlm, reference) -> None:
    images = [random_image_u8(i) for i in range(9)]  # 9 x 16 positions > 128
    vlm.reset()
    with pytest.raises(et_llm.ContextLengthExceededError):
        vlm.generate(images, greedy())
    assert vlm.position == 0
    assert_usable(vlm, reference)


def test_text_program_is_not_multimodal(fixture_dir: Path, tokenizer_path: str) -> None:
    with pytest.raises(et_llm.InvalidProgramError, match="token_embedding"):
        et_llm.MultimodalRunner(str(fixture_dir / "export_llm_dynamic.pte"), tokenizer_path)


def test_input_accessors() -> None:
    text = et_llm.make_text_input("hi")
    assert text.is_text() and text.get_text() == "hi" and text.get_image() is None
    image = et_llm.make_image_input(np.zeros((4, 5, 3), np.uint8))
    assert image.is_image() and image.type == "image"
    img = image.get_image()
    assert (img.width, img.height, img.channels, img.is_uint8()) == (5, 4, 3, True)
    tokens = et_llm.make_token_input([1, 2, 3])
    assert tokens.is_tokens() and tokens.get_tokens() == [1, 2, 3]
    audio = et_llm.make_audio_input(np.zeros((16, 32), np.float32))
    assert audio.is_audio() and audio.get_audio().n_frames == 32
    raw = et_llm.make_raw_audio_input(np.zeros(100, np.float32))
    assert raw.is_raw_audio() and raw.get_raw_audio().n_samples == 100


def test_image_object_with_wrong_data_size(vlm) -> None:
    bad = et_llm.Image(np.zeros(10, np.uint8), 4, 4, 3)
    with pytest.raises(et_llm.InvalidArgumentError, match="needs 48 values"):
        vlm.generate(["x", bad], greedy())


class EmbeddingIOManager(et_llm.IIOManager):
    """A Python manager for a text_decoder with its cache inside: it receives the
    embeddings [T, D] in place of token ids and adds the start position."""

    def __init__(self) -> None:
        super().__init__()
        self.widths: set[int] = set()

    def load(self, program) -> None:
        self.context = program.metadata["get_max_context_len"]

    def reset(self) -> None:
        pass

    def rewind(self, position: int) -> None:
        pass

    def prepare_prefill(self, tokens, start_pos, method):
        self.widths.add(tokens.shape[1])
        return [tokens[None], np.array([start_pos], np.int64)]

    prepare_decode = prepare_prefill

    def update_prefill(self, outputs, tokens, start_pos) -> None:
        pass

    update_decode = update_prefill

    def max_tokens_per_call(self) -> int:
        return 127

    def max_context_len(self) -> int:
        return self.context


def test_python_io_manager_gets_embeddings(multimodal_dir: Path, reference) -> None:
    manager = EmbeddingIOManager()
    runner = et_llm.MultimodalRunner(
        str(multimodal_dir / "vlm_input_pos.pte"),
        str(multimodal_dir / "tokenizer.json"),
        io_manager=manager,
    )
    assert list(runner.generate_tokens(["Describe", random_image_u8(1)], greedy())) == reference
    assert manager.widths == {64}


def test_stop_from_callback_then_usable(vlm, reference) -> None:
    pieces: list[str] = []

    def on_piece(piece: str) -> None:
        pieces.append(piece)
        if len(pieces) == 3:
            vlm.stop()

    vlm.reset()
    vlm.generate(["Describe", random_image_u8(1)], greedy(), token_callback=on_piece)
    assert 3 <= len(vlm.generated_tokens) <= 4
    assert_usable(vlm, reference)


def test_echo_passes_the_text_pieces_first(vlm) -> None:
    pieces: list[str] = []
    config = et_llm.GenerationConfig(temperature=0.0, max_new_tokens=4, echo=True)
    vlm.reset()
    text = vlm.generate(["Describe ", random_image_u8(1), "briefly"], config, pieces.append)
    assert "".join(pieces) == "Describe briefly" + text


def test_missing_preprocessor_file(multimodal_dir: Path) -> None:
    with pytest.raises(et_llm.NotFoundError):
        et_llm.MultimodalRunner(
            str(multimodal_dir / "alm.pte"),
            str(multimodal_dir / "tokenizer.json"),
            audio_preprocessor_path=str(multimodal_dir / "no_such_preprocessor.pte"),
        )
