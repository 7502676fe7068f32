"""Multi-turn chat: messages rendered with the model's HF chat template (jinja2), and
only the new part of the conversation prefilled each turn (the KV cache keeps the rest)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from et_llm.errors import ContextLengthExceededError, Error, InvalidArgumentError
from et_llm.tokenizer_config import chat_template_of, read_tokenizer_config, special_tokens_of

if TYPE_CHECKING:
    from et_llm._et_llm import GenerationConfig, TextLLMRunner

Message = dict[str, str]

# ChatML, for tokenizers that carry no template.
CHATML = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + "
    "message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def load_chat_template(tokenizer_config: str | Path) -> str | None:
    """The ``chat_template`` of a ``tokenizer_config.json`` (or of the one in a folder)."""
    config = read_tokenizer_config(tokenizer_config)
    return chat_template_of(config) if config is not None else None


class ChatTemplate:
    """A HF chat template (jinja2) with the special-token variables it may use; ChatML when
    the tokenizer has none (``is_fallback``)."""

    def __init__(
        self, template: str | None = None, variables: dict[str, Any] | None = None
    ) -> None:
        import jinja2.sandbox  # only chat needs it

        # Sandboxed, as HF's apply_chat_template is: a template comes with a downloaded model
        # and must not reach Python's internals (`''.__class__...`) or the OS.
        environment = jinja2.sandbox.ImmutableSandboxedEnvironment(
            trim_blocks=True, lstrip_blocks=True
        )
        environment.globals["raise_exception"] = _raise
        try:
            self._template = environment.from_string(template or CHATML)
        except (jinja2.TemplateError, RecursionError, SyntaxError) as error:
            # RecursionError: nesting too deep for jinja2's parser; SyntaxError: for the
            # Python compiler jinja2 hands the template to.
            raise InvalidArgumentError(
                f"chat template does not parse: {type(error).__name__}: {error}"
            ) from error
        self.is_fallback = template is None
        self.variables = variables or {}

    @classmethod
    def from_tokenizer_config(cls, tokenizer_config: str | Path | None) -> ChatTemplate:
        config = read_tokenizer_config(tokenizer_config) if tokenizer_config is not None else None
        if config is None:
            return cls()
        return cls(chat_template_of(config), special_tokens_of(config))

    def render(self, messages: list[Message], add_generation_prompt: bool = True) -> str:
        import jinja2

        try:
            return self._template.render(
                messages=messages, add_generation_prompt=add_generation_prompt, **self.variables
            )
        except Error:
            raise  # the template's raise_exception()
        # A template is a program: on messages it does not expect (a number where it adds
        # strings, a missing key it indexes) it fails as Python code does. NameError: jinja2
        # writes a literal too large for a float (1E999) into its Python code as `inf`, which
        # that code then cannot find.
        except (
            jinja2.TemplateError,
            ArithmeticError,
            AttributeError,
            LookupError,
            NameError,
            RecursionError,
            TypeError,
            ValueError,
        ) as error:
            raise InvalidArgumentError(f"chat template: {type(error).__name__}: {error}") from error


class ChatSession:
    """A conversation with a runner. ``send()`` renders the messages with the chat template
    and feeds only the text the cache has not seen yet."""

    def __init__(
        self,
        runner: TextLLMRunner,
        chat_template: str | None = None,
        *,
        tokenizer_config: str | Path | None = None,
        system: str | None = None,
        template_variables: dict[str, Any] | None = None,
    ) -> None:
        if chat_template is None and tokenizer_config is not None:
            self.template = ChatTemplate.from_tokenizer_config(tokenizer_config)
        else:
            self.template = ChatTemplate(chat_template)
        self.template.variables.update(template_variables or {})
        self.runner = runner
        self.messages: list[Message] = []
        if system:
            self.messages.append({"role": "system", "content": system})
        self._in_cache = ""  # rendered text the KV cache holds
        self.dropped_turns = 0  # messages dropped to fit the context
        runner.reset()

    def render(self, messages: list[Message], add_generation_prompt: bool) -> str:
        return self.template.render(messages, add_generation_prompt)

    def send(
        self,
        content: str,
        config: GenerationConfig | None = None,
        on_piece: Callable[[str], object] | None = None,
    ) -> str:
        """Adds a user message, generates the assistant's reply, and returns it.

        When the conversation and the reply's room (``max_new_tokens``, at least a quarter
        of the context when unbounded) no longer fit the context, the oldest turns are
        dropped first (``dropped_turns`` counts them; the system message stays);
        ContextLengthExceededError when even the new message alone does not fit."""
        from et_llm._et_llm import GenerationConfig

        messages = self._fitting([*self.messages, {"role": "user", "content": content}], config)
        prompt = self.render(messages, add_generation_prompt=True)
        if not prompt.startswith(self._in_cache):
            # The template rewrote earlier turns: start the cache over.
            self.runner.reset()
            self._in_cache = ""
        new_text = prompt[len(self._in_cache) :]
        # A copy: the caller's config stays as it was.
        config = copy.copy(config) if config is not None else GenerationConfig(temperature=0.0)
        config.echo = False
        config.add_special_tokens = False  # the template writes the BOS, as HF's does
        reply = self.runner.generate(new_text, config, on_piece)
        self.messages = [*messages, {"role": "assistant", "content": reply}]
        # The cache now holds the prompt and every generated token (the EOS that
        # ended the reply is fed at the start of the next turn).
        self._in_cache = prompt + self.runner.tokenizer.decode(self.runner.generated_tokens)
        return reply

    def _fitting(self, messages: list[Message], config: GenerationConfig | None) -> list[Message]:
        context = self.runner.session.max_context_len
        wanted = config.max_new_tokens if config is not None else -1
        room = wanted if wanted > 0 else max(1, context // 4)
        encode = self.runner.tokenizer.encode

        def fits(candidate: list[Message]) -> bool:
            text = self.render(candidate, add_generation_prompt=True)
            return len(encode(text)) + room <= context

        system = [m for m in messages[:1] if m["role"] == "system"]
        turns = messages[len(system) :]
        while not fits(system + turns):
            if len(turns) <= 1:
                raise ContextLengthExceededError(
                    f"the message needs more than the {context}-token context holds with "
                    f"{room} tokens left for the reply"
                )
            # A user turn and the assistant's reply go together.
            drop = 2 if len(turns) > 2 and turns[1]["role"] == "assistant" else 1
            turns = turns[drop:]
            self.dropped_turns += drop
        return system + turns

    def reset(self) -> None:
        """Forgets the conversation (keeps the system message)."""
        self.messages = [m for m in self.messages if m["role"] == "system"]
        self._in_cache = ""
        self.runner.reset()


def _raise(message: str) -> None:
    raise InvalidArgumentError(f"chat template: {message}")
