"""The memory a model load allocates ends up on 2 MiB pages (see cpp/src/platform/huge_pages.h)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

MODEL_DIR = os.environ.get("ET_LLM_DEFAULT_MODEL_DIR")
THP_MODE = Path("/sys/kernel/mm/transparent_hugepage/enabled")

pytestmark = [
    pytest.mark.skipif(not MODEL_DIR, reason="ET_LLM_DEFAULT_MODEL_DIR not set"),
    pytest.mark.skipif(
        not THP_MODE.exists() or "[never]" in THP_MODE.read_text(),
        reason="transparent huge pages are off on this machine",
    ),
]

MEASURE = """
import sys, et_llm
runner = et_llm.TextLLMRunner(sys.argv[1], sys.argv[2], num_threads=1)
fields = dict(line.split(":") for line in open("/proc/self/smaps_rollup") if ":" in line)
print(int(fields["AnonHugePages"].split()[0]) // 1024, int(fields["Rss"].split()[0]) // 1024)
"""


def huge_and_rss_mib(disable: bool) -> tuple[int, int]:
    env = dict(os.environ)
    env.pop("ET_LLM_NO_HUGE_PAGES", None)
    if disable:
        env["ET_LLM_NO_HUGE_PAGES"] = "1"
    directory = Path(MODEL_DIR or "")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            MEASURE,
            str(directory / "model.pte"),
            str(directory / "tokenizer.json"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    huge, rss = done.stdout.split()
    return int(huge), int(rss)


def test_model_memory_is_on_huge_pages():
    huge, rss = huge_and_rss_mib(disable=False)
    # XNNPACK's packed fp32 weights alone are ~500 MiB of the ~900 MiB resident.
    assert huge > rss // 2, (huge, rss)


@pytest.mark.skipif(
    "[madvise]" not in THP_MODE.read_text() if THP_MODE.exists() else True,
    reason="with THP 'always' every large allocation gets huge pages anyway",
)
def test_the_switch_turns_it_off():
    huge, _ = huge_and_rss_mib(disable=True)
    promoted, _ = huge_and_rss_mib(disable=False)
    assert promoted - huge > 200, (huge, promoted)
