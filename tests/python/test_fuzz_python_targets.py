"""A short run of each Python atheris target (tests/fuzz/fuzz_<target>.py): its seeds and every
saved regression replayed, then a few hundred mutations with a fixed seed. A finding exits
non-zero and fails the test; the long runs are in tests/fuzz/README.md. (The tokenizer
harness, fuzz_tokenizers.py, has its own short runs in test_tokenizer_formats.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.python.atheris_harness import FUZZ, run_harness

# Mutations per target after its corpus: each runs a few ms to a few tens of ms.
RUNS = {"chat_template": 2000, "serve_request": 1000, "grammar": 300, "gguf_tokenizer": 2000}


@pytest.mark.parametrize("target", sorted(RUNS))
def test_python_fuzz_target_short_run(tmp_path: Path, fixture_dir: Path, target: str) -> None:
    pytest.importorskip("atheris")
    pytest.importorskip({"grammar": "llguidance", "gguf_tokenizer": "gguf"}.get(target, "atheris"))
    script = f"fuzz_{target}.py"
    env = {"ET_LLM_FIXTURES_DIR": str(fixture_dir), "ET_LLM_FUZZ_TMPDIR": str(tmp_path)}
    corpus = [str(tmp_path / "corpus"), str(FUZZ / "corpus" / target)]
    result = run_harness(script, [*corpus, f"-runs={RUNS[target]}"], tmp_path, env)
    assert result.returncode == 0, result.stderr[-4000:]
    regressions = sorted((FUZZ / "regressions" / target).glob("*"))
    if regressions:
        # Files as arguments: libFuzzer runs each once and exits.
        replay = run_harness(script, [str(path) for path in regressions], tmp_path, env)
        assert replay.returncode == 0, replay.stderr[-4000:]
