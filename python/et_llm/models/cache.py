"""Where prepared models live, and per-step manifests that make preparation resumable.

Layout (others code against it): ``${ET_LLM_CACHE:-~/.cache/et_llm}/models/<name>/`` holds the
step outputs (``model.gguf``, ``hf/``, ``tokenizer.json``, ``tokenizer_config.json``,
``reference.json``, ``<variant>/model.pte``) and ``manifests/<step>.json``, written after a
step's outputs are complete. A step whose manifest matches its files is never redone, so an
interrupted preparation resumes at the first unfinished step.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

MANIFEST_FORMAT = 1


def cache_root() -> Path:
    """``$ET_LLM_CACHE``, else ``$XDG_CACHE_HOME/et_llm``, else ``~/.cache/et_llm``."""
    explicit = os.environ.get("ET_LLM_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "et_llm"


def models_root() -> Path:
    return cache_root() / "models"


def tools_venv_dir() -> Path:
    explicit = os.environ.get("ET_LLM_MODEL_TOOLS_VENV")
    return Path(explicit).expanduser() if explicit else cache_root() / "model-tools-venv"


def space_note(path: Path) -> str:
    """ ", and only 12 MB are free in <folder>" when a failure there may be a full disk."""
    folder = path
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return ""
    return f", and only {free >> 20} MB are free in {folder}" if free < 1 << 30 else ""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_entry(path: Path) -> dict[str, Any]:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": sha256_of(path)}


def _output_files(model_dir: Path, outputs: list[str]) -> list[Path]:
    """The files a step produced: named files, and every file under named directories."""
    files: list[Path] = []
    for name in outputs:
        path = model_dir / name
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        else:
            files.append(path)
    return files


def manifest_path(model_dir: Path, step: str) -> Path:
    return model_dir / "manifests" / f"{step}.json"


def read_manifest(model_dir: Path, step: str) -> dict[str, Any] | None:
    try:
        return json.loads(manifest_path(model_dir, step).read_text())
    except (OSError, json.JSONDecodeError):
        return None


def step_problem(model_dir: Path, step: str, params: dict[str, Any]) -> str | None:
    """Why `step` must be (re)done, or None when its recorded outputs are intact.

    Size and mtime identify an unchanged file; the sha256 is recomputed only when the mtime
    moved (a copy, a touch), so checking a 1.6 GB `.pte` costs nothing.
    """
    manifest = read_manifest(model_dir, step)
    if manifest is None:
        return "not done"
    if manifest.get("format") != MANIFEST_FORMAT:
        return "old manifest format"
    if manifest.get("params") != params:
        return f"made with other settings ({manifest.get('params')})"
    for name, entry in manifest.get("files", {}).items():
        path = model_dir / name
        if not path.is_file():
            return f"{name} is missing"
        stat = path.stat()
        if stat.st_size != entry.get("size"):
            return f"{name} changed size"
        if stat.st_mtime_ns != entry.get("mtime_ns") and sha256_of(path) != entry.get("sha256"):
            return f"{name} changed"
    return None


def write_manifest(
    model_dir: Path, step: str, params: dict[str, Any], outputs: list[str], info: dict[str, Any]
) -> None:
    """Record a finished step; written last, so a crash before it leaves the step undone."""
    missing = [name for name in outputs if not (model_dir / name).exists()]
    if missing:
        raise RuntimeError(f"step {step} did not produce {', '.join(missing)}")
    files = {
        str(path.relative_to(model_dir)): _file_entry(path)
        for path in _output_files(model_dir, outputs)
    }
    path = manifest_path(model_dir, step)
    path.parent.mkdir(parents=True, exist_ok=True)
    manifest = {"format": MANIFEST_FORMAT, "step": step, "params": params, "files": files, **info}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(manifest, indent=2) + "\n")
    os.replace(temporary, path)


def forget_step(model_dir: Path, step: str) -> None:
    manifest_path(model_dir, step).unlink(missing_ok=True)
