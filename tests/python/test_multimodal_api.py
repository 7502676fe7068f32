"""et_llm's multimodal API is a superset of upstream's (executorch.extension.llm.runner):
every class, method, attribute and function upstream's stub declares exists here."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

import et_llm

CLASSES = ("Image", "Audio", "RawAudio", "MultimodalInput", "MultimodalRunner")


def upstream_stub() -> ast.Module:
    spec = importlib.util.find_spec("executorch")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("the executorch wheel is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    stub = root / "extension" / "llm" / "runner" / "_llm_runner.pyi"
    if not stub.exists():
        pytest.skip("this executorch wheel has no llm runner stub")
    return ast.parse(stub.read_text())


def test_upstream_multimodal_names_exist() -> None:
    tree = upstream_stub()
    missing: list[str] = []
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    for name in sorted(f for f in functions if f.startswith("make_")):
        if not hasattr(et_llm, name):
            missing.append(name)
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef) and n.name in CLASSES):
        ours = getattr(et_llm, cls.name, None)
        if ours is None:
            missing.append(cls.name)
            continue
        for member in cls.body:
            if isinstance(member, ast.FunctionDef) and not member.name.startswith("__"):
                name = member.name
            elif isinstance(member, ast.AnnAssign) and isinstance(member.target, ast.Name):
                name = member.target.id
            else:
                continue
            if not hasattr(ours, name) and name not in dir(ours()):
                missing.append(f"{cls.name}.{name}")
    assert {c.name for c in tree.body if isinstance(c, ast.ClassDef)} >= set(CLASSES)
    assert not missing, f"upstream names et_llm lacks: {missing}"


def test_upstream_module_level_hf_helpers_exist() -> None:
    assert callable(et_llm.generate_hf) and callable(et_llm.generate_text_hf)
