"""et_llm.models without the heavy tools: cache layout, manifests, resumable steps, errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import et_llm
from et_llm.models import cache, find_model, known_models, pipeline
from et_llm.models.registry import RECIPES, Step


def test_importing_models_does_not_import_torch():
    code = "import sys, et_llm.models, et_llm.cli; print('torch' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_cache_root_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ET_LLM_CACHE", str(tmp_path / "c"))
    assert cache.models_root() == tmp_path / "c" / "models"
    monkeypatch.delenv("ET_LLM_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert cache.cache_root() == tmp_path / "x" / "et_llm"


def test_find_model_says_which_pull_to_run(monkeypatch, tmp_path):
    monkeypatch.setenv("ET_LLM_CACHE", str(tmp_path))
    with pytest.raises(et_llm.NotFoundError, match="et-llm pull gemma3-270m --variant 8da4w"):
        find_model("gemma3-270m", "8da4w")
    with pytest.raises(et_llm.InvalidArgumentError, match="known models"):
        find_model("gpt-5")
    with pytest.raises(et_llm.InvalidArgumentError, match="no variant"):
        find_model("smollm2-135m-instruct", "8da4w")
    assert set(known_models()) == {"gemma3-270m", "smollm2-135m-instruct"}


def test_cache_layout_of_known_models():
    gemma = RECIPES["gemma3-270m"]
    assert [s.name for s in gemma.base_steps] == ["gguf", "tokenizer", "hf", "reference"]
    assert {v: gemma.pte_path(v) for v in gemma.variants} == {
        "fp32": "fp32/model.pte",
        "8da4w": "8da4w/model.pte",
        "8da8w": "8da8w/model.pte",
        "fp32-plain": "fp32-plain/model.pte",
    }
    assert RECIPES["smollm2-135m-instruct"].pte_path("fp32") == "model.pte"


def test_manifest_detects_missing_and_changed_outputs(tmp_path):
    (tmp_path / "a.txt").write_text("one")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "b.bin").write_bytes(b"\x00" * 10)
    params = {"x": 1}
    assert cache.step_problem(tmp_path, "s", params) == "not done"
    cache.write_manifest(tmp_path, "s", params, ["a.txt", "d"], {})
    assert cache.step_problem(tmp_path, "s", params) is None
    assert "other settings" in cache.step_problem(tmp_path, "s", {"x": 2})
    (tmp_path / "d" / "b.bin").write_bytes(b"\x01" * 10)  # same size, new content
    assert cache.step_problem(tmp_path, "s", params) == "d/b.bin changed"
    (tmp_path / "a.txt").unlink()
    assert cache.step_problem(tmp_path, "s", params) == "a.txt is missing"
    with pytest.raises(RuntimeError, match="did not produce"):
        cache.write_manifest(tmp_path, "t", params, ["a.txt"], {})


def test_an_interrupted_preparation_redoes_only_unfinished_steps(monkeypatch, tmp_path):
    ran: list[str] = []

    def fake_task(task: str, model_dir: Path, params: dict) -> None:
        ran.append(task)
        if task == "fail":
            raise RuntimeError("interrupted")
        (model_dir / f"{task}.out").write_text(task)

    monkeypatch.setattr(pipeline, "run_task", fake_task)
    steps = [Step(name, name, (f"{name}.out",)) for name in ("one", "two", "three")]
    assert pipeline.run_steps(tmp_path, steps) == ["one", "two", "three"]
    assert pipeline.run_steps(tmp_path, steps) == []  # all cached
    # Step two's output is damaged: two and everything after it run again.
    (tmp_path / "two.out").unlink()
    ran.clear()
    assert pipeline.run_steps(tmp_path, steps) == ["two", "three"]
    # A failure leaves its step (and the later ones) undone and the earlier ones cached.
    (tmp_path / "three.out").write_text("changed size!")
    failing = [*steps[:2], Step("three", "fail", ("three.out",))]
    with pytest.raises(RuntimeError, match="interrupted"):
        pipeline.run_steps(tmp_path, failing)
    assert cache.step_problem(tmp_path, "three", {}) == "not done"
    ran.clear()
    assert pipeline.run_steps(tmp_path, steps) == ["three"]
    # Redoing a step forgets the manifests that build on it.
    cache.write_manifest(tmp_path, "variant", {}, ["one.out"], {})
    (tmp_path / "one.out").write_text("other")
    pipeline.run_steps(tmp_path, steps, later_steps=["variant"])
    assert cache.step_problem(tmp_path, "variant", {}) == "not done"


def test_an_exported_file_without_the_metadata_methods_is_rejected(
    monkeypatch, tmp_path, fixture_dir
):
    source = {"good": fixture_dir / "export_llm_dynamic.pte", "junk": None}

    def fake_export(task: str, model_dir: Path, params: dict) -> None:
        target = model_dir / "model.pte"
        if source[task] is None:
            target.write_bytes(b"not a program")
        else:
            target.write_bytes(source[task].read_bytes())

    monkeypatch.setattr(pipeline, "run_task", fake_export)
    assert pipeline.run_steps(tmp_path, [Step("export", "good", ("model.pte",))]) == ["export"]
    with pytest.raises(et_llm.InvalidProgramError):
        pipeline.run_steps(tmp_path, [Step("export", "junk", ("model.pte",), {"v": 2})])
    assert cache.step_problem(tmp_path, "export", {"v": 2}) == "not done"


def test_a_preparation_waiting_for_another_says_so(tmp_path: Path, capsys):
    import threading
    import time

    entered = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with pipeline.exclusive(tmp_path):
            entered.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    assert entered.wait(10)
    threading.Timer(0.3, release.set).start()
    begin = time.monotonic()
    with pipeline.exclusive(tmp_path):
        waited = time.monotonic() - begin
    thread.join()
    err = capsys.readouterr().err
    assert "waiting for another preparation" in err and "finished" in err
    assert waited >= 0.2


def test_gemma_defaults_to_the_measured_quantization():
    """generate/chat/pull default to 8da8w, whose quality bench_variant_quality.py measured
    against fp32 (the slow test below re-measures it); fp32 remains for exactness."""
    gemma = RECIPES["gemma3-270m"]
    assert gemma.default_variant == "8da8w" and "fp32" in gemma.variants


@pytest.mark.slow
def test_8da8w_keeps_fp32_perplexity():
    import importlib.util
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_variant_quality.py"
    spec = importlib.util.spec_from_file_location("bench_variant_quality", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    nll = {}
    for variant in ("fp32", "8da8w"):
        files = find_model("gemma3-270m", variant)
        reference = json.loads((Path(files.pte).parents[1] / "reference.json").read_text())
        result = bench.measure(str(files.pte), str(files.tokenizer), reference, 256)
        nll[variant] = -sum(result["log_probs"]) / len(result["log_probs"])
    assert nll["8da8w"] < nll["fp32"] * 1.02, nll
