"""Chat templates come with downloaded models: they render sandboxed and fail with typed errors."""

from __future__ import annotations

import pytest

import et_llm

MESSAGES = [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize(
    "template",
    [
        "{{ cycler.__init__.__globals__.os.popen('echo escaped').read() }}",
        "{{ lipsum.__globals__['os'].listdir('.') }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    ],
)
def test_a_template_cannot_reach_python_or_the_os(template: str):
    with pytest.raises(et_llm.InvalidArgumentError, match="SecurityError"):
        et_llm.ChatTemplate(template).render(MESSAGES)


@pytest.mark.parametrize(
    "template",
    [
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",  # recursion
        "{{ messages[0].content + 1 }}",  # str + int
        "{{ 1 / 0 }}",
        "{% for m in messages %}{{ m['nope']['deeper'] }}{% endfor %}",
        "{% if %}",  # does not parse
        "{{ messages[1:1E999] }}",  # a float literal jinja2 compiles to an undefined `inf`
    ],
)
def test_template_failures_are_typed(template: str):
    with pytest.raises(et_llm.InvalidArgumentError, match="chat template"):
        et_llm.ChatTemplate(template).render(MESSAGES)


def test_raise_exception_keeps_its_message_and_a_good_template_renders():
    with pytest.raises(et_llm.Error, match="only user"):
        et_llm.ChatTemplate("{{ raise_exception('only user turns') }}").render(MESSAGES)
    text = et_llm.ChatTemplate().render(MESSAGES)
    assert "hi" in text and text.endswith("assistant\n")
