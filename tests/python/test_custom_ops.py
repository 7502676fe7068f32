"""`.pte` files exported with upstream's fast attention (`use_sdpa_with_kv_cache`: the
llama:: custom ops custom_sdpa and update_cache) run on et_llm's own kernels, without torch,
and decode greedily exactly like eager PyTorch (the manifest's references)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

VARIANT = "export_llm_custom_sdpa"


def test_manifest_marks_the_custom_op_variant(manifest):
    assert manifest["variants"][VARIANT]["metadata"]["use_sdpa_with_kv_cache"] is True


def test_greedy_equals_eager_in_a_process_without_torch(fixture_dir: Path, manifest):
    code = f"""
import json, sys
import et_llm
manifest = json.loads(open({str(fixture_dir / "manifest.json")!r}).read())
runner = et_llm.TextLLMRunner({str(fixture_dir / (VARIANT + ".pte"))!r},
                              {str(fixture_dir / "tokenizer.json")!r})
assert runner.metadata.get("use_sdpa_with_kv_cache") == 1, runner.metadata
got = {{}}
for ref in manifest["references"]:
    runner.reset()
    config = et_llm.GenerationConfig(temperature=0.0, echo=False, max_new_tokens=ref["n"])
    got[ref["name"]] = runner.generate_tokens(ref["prompt_ids"], config)
assert "torch" not in sys.modules, "et_llm imported torch"
print(json.dumps(got))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    for ref in manifest["references"]:
        assert got[ref["name"]] == ref["output_ids"], ref["name"]
