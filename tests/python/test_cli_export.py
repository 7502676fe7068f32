"""`et-llm export` of a tiny random HF Llama directory (made in the model tools venv), then
`et-llm generate` on the result: greedy ids equal transformers eager on the same weights."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import et_llm
from tests.python.cli_helpers import run_cli

# Runs in the tools venv: a tiny Llama with the fixture tokenizer's vocabulary, and its
# greedy continuation computed by et_llm.models.reference (without et_llm's extension).
MAKE_MODEL = """
import json, sys, types
from pathlib import Path
package = types.ModuleType("et_llm")
package.__path__ = [sys.argv[1]]
sys.modules["et_llm"] = package
import torch
from transformers import LlamaConfig, LlamaForCausalLM
from et_llm.models.reference import greedy_ids, load_eager

out, prompt = Path(sys.argv[2]), json.loads(sys.argv[3])
torch.manual_seed(0)
config = LlamaConfig(vocab_size=768, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                     num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
                     bos_token_id=1, eos_token_id=2, tie_word_embeddings=False)
LlamaForCausalLM(config).save_pretrained(out)
print(json.dumps(greedy_ids(load_eager(out), prompt, 12)))
"""


@pytest.fixture(scope="module")
def tools_python() -> Path:
    from et_llm.models.tool_env import ensure_tools_python, tools_venv_dir

    if not (tools_venv_dir() / "bin" / "python").exists():
        pytest.skip("no model tools venv (scripts/test.sh makes it when it pulls the models)")
    return ensure_tools_python()


def test_export_hf_dir_then_generate(tools_python, fixture_dir, tmp_path):
    hf_dir = tmp_path / "tiny-llama"
    prompt_ids = [1, 300, 301, 302, 17, 42]
    made = subprocess.run(
        [
            str(tools_python),
            "-c",
            MAKE_MODEL,
            str(Path(et_llm.__file__).parent),
            str(hf_dir),
            json.dumps(prompt_ids),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    expected = json.loads(made.stdout.strip().splitlines()[-1])
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(fixture_dir / name, hf_dir / name)

    out = tmp_path / "exported"
    result = run_cli("export", hf_dir, "--max-seq-len", 64, "--output", out)
    assert result.returncode == 0, result.stderr[-3000:]
    pte = Path(result.stdout.strip())
    assert pte == out / "model.pte" and (out / "tokenizer.json").is_file()

    runner = et_llm.TextLLMRunner(pte, out / "tokenizer.json")
    config = et_llm.GenerationConfig(
        temperature=0.0, echo=False, max_new_tokens=12, ignore_eos=True
    )
    assert runner.generate_tokens(prompt_ids, config) == expected
    metadata = et_llm.inspect_program(pte, load_methods=False)["methods"]
    assert metadata["get_eos_ids"]["constant_values"] == [2]
    assert metadata["get_max_context_len"]["constant_values"] == [64]

    # Same settings again: every step is cached, nothing is exported.
    again = run_cli("export", hf_dir, "--max-seq-len", 64, "--output", out)
    assert again.returncode == 0 and "running" not in again.stderr
    generated = run_cli("generate", "-m", pte, "--greedy", "--max-new-tokens", 5, "Hello")
    assert generated.returncode == 0, generated.stderr


@pytest.mark.slow
def test_export_gguf_then_generate(tmp_path):
    """A GGUF through the whole pipeline (tokenizer rebuild, HF conversion, optimum export with
    custom ops): SmolLM2's GGUF must give the greedy ids transformers gave (~5 min)."""
    import os

    model_dir = os.environ.get("ET_LLM_DEFAULT_MODEL_DIR")
    if not model_dir:
        pytest.skip("ET_LLM_DEFAULT_MODEL_DIR not set (et-llm pull smollm2-135m-instruct)")
    reference = json.loads((Path(model_dir) / "reference.json").read_text())
    out = tmp_path / "smollm2"
    result = run_cli("export", Path(model_dir) / "model.gguf", "--output", out, timeout=1800)
    assert result.returncode == 0, result.stderr[-3000:]
    runner = et_llm.TextLLMRunner(out / "model.pte", out / "tokenizer.json")
    assert runner.tokenizer.encode(reference["prompt"]) == reference["prompt_ids"]
    config = et_llm.GenerationConfig(
        temperature=0.0, echo=False, max_new_tokens=32, ignore_eos=True
    )
    assert runner.generate_tokens(reference["prompt_ids"], config) == reference["generated_ids"]
