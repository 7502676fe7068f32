"""Sessions of one Engine hold the weights once: on Gemma 3 270M fp32, each extra session
adds no more than the planned memory it allocates (activations and the KV cache) + 10%, while
without XNNPACK's weight cache a second session adds the packed weights again (the check that
this test can fail).

scripts/test.sh pulls the model and sets ET_LLM_GEMMA_DIR.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

GEMMA_DIR = os.environ.get("ET_LLM_GEMMA_DIR")
pytestmark = pytest.mark.skipif(
    not GEMMA_DIR, reason="ET_LLM_GEMMA_DIR not set (scripts/test.sh pulls gemma3-270m)"
)

# In a subprocess, so the RSS is this model's alone.
MEASURE = """
import json, sys
import et_llm

def rss():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) * 1024 for l in status if l.startswith("VmRSS:"))

pte, tokenizer, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
engine = et_llm.Engine(pte, tokenizer)
config = et_llm.GenerationConfig(temperature=0, max_new_tokens=4, echo=False, ignore_eos=True)
sessions, sizes = [], []
for _ in range(count):
    session = engine.create_session()
    session.generate_tokens("The three primary colors are", config)
    sessions.append(session)
    sizes.append(rss())
print(json.dumps({"rss": sizes,
                  "planned": engine.serving_capacity().estimated_bytes_per_session}))
"""


def measure(count: int, **env: str) -> dict:
    model = Path(GEMMA_DIR or "")
    import et_llm

    root = str(Path(et_llm.__file__).resolve().parents[1])
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            MEASURE,
            str(model / "fp32" / "model.pte"),
            str(model / "tokenizer.json"),
            str(count),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": root, **env},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_extra_sessions_add_only_their_planned_memory():
    shared = measure(3)
    first, second, third = shared["rss"]
    planned = shared["planned"]
    assert planned > 0
    slack = 8 << 20  # allocator rounding, the session's own small objects
    assert second - first <= 1.1 * planned + slack, (first, second, planned)
    assert third - second <= 1.1 * planned + slack, (second, third, planned)

    duplicated = measure(2, ET_LLM_NO_WEIGHT_SHARING="1")["rss"]
    # Without the weight cache the second session packs its own copy of the weights: it adds
    # its planned memory and most of what the first session's weights took.
    weights = first - planned
    assert weights > 256 << 20
    assert duplicated[1] - duplicated[0] > planned + weights / 2, (duplicated, planned)
