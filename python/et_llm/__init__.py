"""et_llm: run ExecuTorch LLM ``.pte`` models from Python (and C++).

A superset of ``executorch.extension.llm.runner``: change the import and
upstream code runs. Importing et_llm does not import torch.
"""

from __future__ import annotations

from pathlib import Path

from et_llm import errors as _errors
from et_llm._et_llm import (
    Audio,
    DecodeResult,
    DecoderGenerateOutput,
    DecoderLLMRunner,
    DefaultIOManager,
    Engine,
    Generation,
    GenerationConfig,
    IIOManager,
    Image,
    ImageLayout,
    MultimodalInput,
    ProgramInfo,
    RawAudio,
    Sampler,
    SamplingConfig,
    ServingCapacity,
    Session,
    StaticKVCacheIOManager,
    Stats,
    Tokenizer,
    get_llm_metadata,
    get_num_threads,
    inspect_program,
    load_tokenizer,
    make_text_input,
    physical_core_count,
    set_log_level,
    set_num_threads,
    tokenizer_from_python,
)
from et_llm.chat import ChatSession, ChatTemplate
from et_llm.errors import *  # noqa: F403  (the typed exceptions and ErrorCode)
from et_llm.grammar import install as _install_grammar_backend
from et_llm.kv_cache import NumpyKVCache
from et_llm.logits_processor import LogitsProcessor
from et_llm.multimodal import (
    MultimodalRunner,
    generate_hf,
    generate_text_hf,
    make_audio_input,
    make_image_input,
    make_raw_audio_input,
    make_token_input,
)
from et_llm.results import GenerationResult
from et_llm.streaming import astream, stream
from et_llm.text_runner import TextLLMRunner

# GenerationConfig.grammar is honoured through llguidance when it is installed.
_install_grammar_backend()

# Iterators as methods of sessions too (the runners define theirs): Sessions are made by the
# compiled Engine, which would never hand out a Python subclass.
Session.stream = stream  # type: ignore[attr-defined]
Session.astream = astream  # type: ignore[attr-defined]

__version__ = "0.1.0"

#: Pass to CMake as CMAKE_PREFIX_PATH so ``find_package(et_llm)`` finds this install.
cmake_prefix_path: str = str(Path(__file__).parent)
#: The C API (``et_llm/c_api.h``): its shared library, and the directory of its
#: pkg-config file (``et_llm_c.pc``) for PKG_CONFIG_PATH, e.g. for SwiftPM.
c_library_path: str = str(Path(__file__).parent / "lib" / "libet_llm_c.so")
pkg_config_path: str = str(Path(__file__).parent / "lib" / "pkgconfig")

__all__ = [
    "Audio",
    "ChatSession",
    "ChatTemplate",
    "DecodeResult",
    "DecoderGenerateOutput",
    "DecoderLLMRunner",
    "DefaultIOManager",
    "Engine",
    "Generation",
    "GenerationConfig",
    "GenerationResult",
    "IIOManager",
    "Image",
    "ImageLayout",
    "LogitsProcessor",
    "MultimodalInput",
    "MultimodalRunner",
    "NumpyKVCache",
    "ProgramInfo",
    "RawAudio",
    "Sampler",
    "SamplingConfig",
    "ServingCapacity",
    "Session",
    "Stats",
    "StaticKVCacheIOManager",
    "TextLLMRunner",
    "Tokenizer",
    "c_library_path",
    "cmake_prefix_path",
    "pkg_config_path",
    "get_llm_metadata",
    "get_num_threads",
    "generate_hf",
    "generate_text_hf",
    "inspect_program",
    "load_tokenizer",
    "make_audio_input",
    "make_image_input",
    "make_raw_audio_input",
    "make_text_input",
    "make_token_input",
    "physical_core_count",
    "set_log_level",
    "set_num_threads",
    "astream",
    "stream",
    "tokenizer_from_python",
    *_errors.__all__,
]
