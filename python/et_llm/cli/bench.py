"""`et-llm bench`: wired to et_llm.bench (add_arguments / run), imported only when used."""

from __future__ import annotations

import importlib
from types import ModuleType


def bench_module() -> ModuleType | None:
    try:
        return importlib.import_module("et_llm.bench")
    except ModuleNotFoundError as error:
        if error.name != "et_llm.bench":
            raise
        return None
