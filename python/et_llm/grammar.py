"""Structured output on llguidance: the grammar backend et_llm installs when llguidance is
importable (``GenerationConfig(grammar=..., grammar_type="json_schema" | "regex" | "lark" |
"gbnf")``).

The C++ core asks for each step's allowed-token bitmask (written straight into its buffer),
masks the logits in place, commits the sampled token, feeds the tokens the grammar forces
without sampling and ends the generation once the grammar is complete. Here: the bridge from
et_llm's tokenizers (every format) to llguidance's vocabulary, built once per tokenizer.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from et_llm.errors import InvalidArgumentError, InvalidStateError

if TYPE_CHECKING:
    from et_llm._et_llm import Tokenizer

GRAMMAR_TYPES = ("json_schema", "regex", "lark", "gbnf")

# Vocabularies kept: building one costs ~2 s at a 262k vocabulary.
_CACHE_SIZE = 4
# A token the HF config calls special is a control token only if it reads like one:
# Gemma flags "\n" and runs of spaces as special, and banning them would ban newlines.
_CONTROL_SHAPE = re.compile(rb"^(<[^<>]+>|\[[^\[\]]+\])$")


def token_bytes(tokenizer: Tokenizer) -> tuple[list[bytes], list[int]]:
    """Each id's bytes in the middle of a text, and the control ids."""
    size = tokenizer.vocab_size
    # decode_token drops a SentencePiece leading space only after a control token or at
    # the start; after an ordinary token each id reads as it does mid-text.
    ordinary = next((i for i in range(size) if not tokenizer.is_special(i)), 0)
    pieces = [tokenizer.decode_token(ordinary, i) for i in range(size)]
    control = [
        i
        for i in range(size)
        if tokenizer.is_special(i) and (not pieces[i] or _CONTROL_SHAPE.match(pieces[i]))
    ]
    return pieces, control


class _Vocabulary:
    """What llguidance.TokenizerWrapper reads from a tokenizer."""

    def __init__(self, tokenizer: Tokenizer, eos_ids: list[int]) -> None:
        self.tokens, self.special_token_ids = token_bytes(tokenizer)
        self.eos_token_id = eos_ids[0] if eos_ids else None
        self.bos_token_id = tokenizer.bos_id
        self.greedy: Any = None  # the built LLTokenizer's greedy_tokenize, set once built
        self._tokenizer = tokenizer

    def __call__(self, text: str) -> list[int]:
        # Only forced tokens are tokenized: llguidance makes them canonical this way.
        if isinstance(text, bytes):
            raise TypeError("text only")  # TokenizerWrapper probes for bytes support
        ids = self._tokenizer.encode(text)
        if self.greedy is not None and b"".join(self.tokens[i] for i in ids) != text.encode():
            # A text-start rule (SentencePiece's dummy prefix: "{" -> "▁{") changed the
            # bytes; a piece of a text must tokenize to exactly its bytes.
            return self.greedy(text)
        return ids


class _Vocabularies:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[int, tuple[int, ...]], tuple[Any, Any]] = OrderedDict()

    def get(self, tokenizer: Tokenizer, eos_ids: list[int]) -> Any:
        import llguidance

        # The tokenizer is kept with its entry, so its id() stays its own.
        key = (id(tokenizer), tuple(eos_ids))
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key][1]
        vocabulary = _Vocabulary(tokenizer, eos_ids)
        wrapper = llguidance.TokenizerWrapper(vocabulary)
        built = llguidance.LLTokenizer(wrapper, eos_token=list(eos_ids) or None)
        vocabulary.greedy = built.greedy_tokenize
        with self._lock:
            self._entries[key] = (tokenizer, built)
            while len(self._entries) > _CACHE_SIZE:
                self._entries.popitem(last=False)
        return built


_vocabularies = _Vocabularies()


def to_llguidance(grammar_type: str, grammar: str) -> str:
    """The grammar in llguidance's own form; InvalidArgumentError when it does not parse."""
    import llguidance

    try:
        if grammar_type == "json_schema":
            # Compact JSON unless the schema's "x-guidance" says otherwise: with free
            # whitespace a small model can pad forever.
            return llguidance.LLMatcher.grammar_from_json_schema(
                grammar, defaults={"whitespace_flexible": False}
            )
        if grammar_type == "regex":
            return llguidance.LLMatcher.grammar_from_regex(grammar)
        if grammar_type == "lark":
            return llguidance.LLMatcher.grammar_from_lark(grammar)
        if grammar_type == "gbnf":
            return llguidance.grammar_from("gbnf", grammar)
    except (ValueError, TypeError) as error:
        raise InvalidArgumentError(f"grammar ({grammar_type}): {error}") from error
    raise InvalidArgumentError(
        f"grammar_type must be one of {', '.join(GRAMMAR_TYPES)}, got {grammar_type!r}"
    )


class GrammarMatcher:
    """One generation's state in a compiled grammar, as the C++ core drives it."""

    def __init__(self, vocabulary: Any, grammar_type: str, grammar: str) -> None:
        import llguidance

        self._matcher = llguidance.LLMatcher(
            vocabulary, to_llguidance(grammar_type, grammar), log_level=0
        )
        if self._matcher.is_error():
            raise InvalidArgumentError(f"grammar ({grammar_type}): {self._matcher.get_error()}")
        self._mask_bytes = (vocabulary.vocab_size + 31) // 32 * 4

    def fill_mask(self, address: int, num_words: int) -> None:
        self._matcher.unsafe_compute_mask_ptr(address, min(self._mask_bytes, num_words * 4))
        self._check()

    def accept(self, token: int) -> None:
        if not self._matcher.consume_token(token):
            self._check()
            raise InvalidStateError(f"the grammar does not allow token {token}")

    def forced_tokens(self) -> list[int]:
        forced = self._matcher.compute_ff_tokens()
        self._check()
        return forced

    def is_stopped(self) -> bool:
        return self._matcher.is_stopped()

    def _check(self) -> None:
        if self._matcher.is_error():
            raise InvalidStateError(f"grammar: {self._matcher.get_error()}")


def compile_grammar(
    grammar_type: str, grammar: str, tokenizer: Tokenizer, eos_ids: list[int], vocab_size: int
) -> GrammarMatcher:
    """The backend's entry point (et_llm._et_llm.set_grammar_backend)."""
    return GrammarMatcher(_vocabularies.get(tokenizer, eos_ids), grammar_type, grammar)


def install() -> bool:
    """Installs this backend when llguidance is importable; True if it did."""
    from et_llm import _et_llm

    try:
        import llguidance  # noqa: F401
    except ImportError:
        return False
    _et_llm.set_grammar_backend(compile_grammar)
    return True
