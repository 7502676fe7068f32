"""Fuzzes et_llm.chat.ChatTemplate (jinja2 chat templates) with atheris.

    python tests/fuzz/fuzz_chat_template.py [CORPUS_DIR ...] [libFuzzer flags]

An input is ``MESSAGES \\0 TEMPLATE``: the bytes before the first NUL say which messages to
render (roles, contents of odd types and odd unicode, missing keys) and whether to add the
generation prompt; the rest is the template's source (an empty one means ChatML). jinja2's
lexer, parser and compiler are instrumented, so coverage guides the template mutations.

A rendered string or an et_llm error is an expected outcome. Any other exception (a raw
jinja2, TypeError or RecursionError leaking), a hang, or a template that reaches the
operating system (files, processes, sockets, imports: the renderer is a sandbox) is a finding.
"""

from __future__ import annotations

import sys
from typing import Any

import atheris
from atheris_run import fuzz

with atheris.instrument_imports(include=["et_llm.chat", "jinja2"]):
    # Imported here to be instrumented; jinja2.debug because an error imports it lazily,
    # which the guard below would take for a template's import.
    import jinja2.debug  # noqa: F401
    import jinja2.sandbox  # noqa: F401

    import et_llm.chat

import et_llm  # noqa: E402

ROLES = ["system", "user", "assistant", "tool", "", "ROLE", "<|im_end|>", "{{ x }}"]
TEXTS = ["", "Hello, world!", "Привет 你好 😀", "a\u0000b", "\ud800", "\u202e\ufeff", "\n" * 3]

# Audit events a template must never raise while rendering.
FORBIDDEN = ("open", "os.", "subprocess.", "socket.", "import", "exec", "compile", "ctypes.")


class Escape(AssertionError):
    pass


class Guard:
    """An audit hook armed only while a template renders."""

    def __init__(self) -> None:
        self.armed = False
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.armed or not event.startswith(FORBIDDEN):
            return
        # jinja2 compiles and runs a one-line `raise` to put the template's line into a
        # traceback.
        if event == "compile" and args[1] == "<template>":
            return
        if event == "exec" and getattr(args[0], "co_filename", None) == "<template>":
            return
        self.armed = False
        raise Escape(f"a template reached {event}{args!r:.200}")


def value(fdp: atheris.FuzzedDataProvider) -> Any:
    kind = fdp.ConsumeIntInRange(0, 9)
    if kind <= 3:
        return fdp.PickValueInList(TEXTS) if kind == 0 else fdp.ConsumeUnicode(40)
    if kind == 4:
        return fdp.ConsumeInt(4)
    if kind == 5:
        return None
    if kind == 6:
        return [{"type": "text", "text": fdp.ConsumeUnicode(10)}]
    if kind == 7:
        return {"nested": fdp.ConsumeUnicode(10)}
    if kind == 8:
        return fdp.ConsumeFloat()
    return fdp.ConsumeBytes(8)


def messages_from(fdp: atheris.FuzzedDataProvider) -> list[Any]:
    messages: list[Any] = []
    for _ in range(fdp.ConsumeIntInRange(0, 5)):
        shape = fdp.ConsumeIntInRange(0, 15)
        if shape == 15:
            messages.append(value(fdp))  # not a dict at all
            continue
        message: dict[Any, Any] = {}
        if shape != 14:
            message["role"] = fdp.PickValueInList(ROLES) if shape < 10 else value(fdp)
        if shape != 13:
            message["content"] = fdp.PickValueInList(TEXTS) if shape < 6 else value(fdp)
        if shape == 12:
            message[fdp.ConsumeUnicode(6)] = value(fdp)
        messages.append(message)
    return messages


class ChatTemplateTarget:
    def __init__(self) -> None:
        self.guard = Guard()

    def __call__(self, data: bytes) -> None:
        head, _, source = data.partition(b"\0")
        fdp = atheris.FuzzedDataProvider(head)
        add_generation_prompt = fdp.ConsumeBool()
        variables = {"bos_token": "<s>", "eos_token": "</s>"} if fdp.ConsumeBool() else None
        messages = messages_from(fdp)
        template_text = source.decode("utf-8", "replace") or None
        try:
            template = et_llm.chat.ChatTemplate(template_text, variables)
        except et_llm.Error:
            return
        self.guard.armed = True
        try:
            text = template.render(messages, add_generation_prompt=add_generation_prompt)
        except et_llm.Error:
            return
        finally:
            self.guard.armed = False
        if not isinstance(text, str):
            raise AssertionError(f"render returned {type(text).__name__}, not str")


def main() -> None:
    fuzz(sys.argv, ChatTemplateTarget(), max_len="4096", timeout="10")


if __name__ == "__main__":
    main()
