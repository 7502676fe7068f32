"""Run a model's preparation steps in order, skipping the ones whose manifests are intact."""

from __future__ import annotations

import contextlib
import fcntl
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from et_llm.models.cache import forget_step, step_problem, write_manifest
from et_llm.models.log import log
from et_llm.models.registry import Step
from et_llm.models.tool_env import run_task


@contextlib.contextmanager
def exclusive(model_dir: Path) -> Iterator[None]:
    """One preparation of a directory at a time (two processes would corrupt each other)."""
    model_dir.mkdir(parents=True, exist_ok=True)
    with (model_dir / ".lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # Silence here would look like a hang: say whom we wait for.
            log(f"waiting for another preparation of {model_dir} to finish")
            fcntl.flock(lock, fcntl.LOCK_EX)
            log("the other preparation finished; going on")
        yield


def pending_steps(model_dir: Path, steps: Sequence[Step]) -> list[tuple[Step, str]]:
    """The steps that must run, each with the reason; a step after a redone one is redone too."""
    pending: list[tuple[Step, str]] = []
    for step in steps:
        problem = step_problem(model_dir, step.name, step.params)
        if pending and problem is None:
            problem = f"'{pending[0][0].name}' is redone"
        if problem is not None:
            pending.append((step, problem))
    return pending


# The metadata methods every prepared .pte carries (docs/program_conventions.md), checked with
# et_llm's own reader after each export: a tool that stops writing one is caught at preparation.
REQUIRED_METADATA = (
    "get_max_seq_len",
    "get_max_context_len",
    "enable_dynamic_shape",
    "use_kv_cache",
    "use_sdpa_with_kv_cache",
    "get_bos_id",
    "get_eos_ids",
)


def check_pte_metadata(pte: Path) -> None:
    from et_llm._et_llm import inspect_program
    from et_llm.errors import InvalidProgramError

    methods = inspect_program(pte, load_methods=False)["methods"]
    missing = [name for name in REQUIRED_METADATA if name not in methods]
    if missing:
        raise InvalidProgramError(f"{pte} lacks the metadata methods {', '.join(missing)}")


def _progress(total: int) -> object | None:
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="step", desc="preparing", leave=False, dynamic_ncols=True)


def run_steps(
    model_dir: Path, steps: Sequence[Step], later_steps: Sequence[str] = (), force: bool = False
) -> list[str]:
    """Bring every step up to date; returns the names of the steps that ran.

    `later_steps` name manifests that build on these steps: they are forgotten when any of
    these steps runs.
    """
    if not force and not pending_steps(model_dir, steps):
        return []  # ready: no need to wait for a preparation of other steps elsewhere
    with exclusive(model_dir):
        if force:
            for step in steps:
                forget_step(model_dir, step.name)
        pending = pending_steps(model_dir, steps)
        if not pending:
            return []
        names = [step.name for step, _ in pending]
        log(f"{model_dir}: running {', '.join(names)}")
        for name in later_steps:
            forget_step(model_dir, name)
        bar = _progress(len(pending))
        for step, reason in pending:
            forget_step(model_dir, step.name)
            log(f"step {step.name} ({reason}) ...")
            start = time.monotonic()
            run_task(step.task, model_dir, step.params)
            for output in step.outputs:
                if output.endswith(".pte"):
                    check_pte_metadata(model_dir / output)
            seconds = round(time.monotonic() - start, 1)
            write_manifest(
                model_dir, step.name, step.params, list(step.outputs), {"seconds": seconds}
            )
            log(f"step {step.name} done in {seconds:.1f}s")
            if bar is not None:
                bar.update(1)  # type: ignore[attr-defined]
        if bar is not None:
            bar.close()  # type: ignore[attr-defined]
        return names
