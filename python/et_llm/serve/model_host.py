"""One served model: its Engine, chat template, BOS rule, session pool and executor, and the
translation of a request into token ids and GenerationConfigs."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from et_llm.chat import ChatTemplate
from et_llm.errors import Error, InvalidArgumentError
from et_llm.serve.errors import bad_request, context_exceeded, from_et_llm
from et_llm.serve.metrics import Metrics
from et_llm.serve.pool import SessionPool
from et_llm.serve.protocol import ChatCompletionRequest, CompletionRequest, SamplingRequest
from et_llm.tokenizer_config import adds_bos

# OpenAI's default sampling temperature.
DEFAULT_TEMPERATURE = 1.0


@dataclass(frozen=True)
class ModelSpec:
    """Files of a model to serve under `name`. `sliding_window`: positions a sliding-window
    layer's ring cache keeps (limits the prompt cache's rewinds); read from a HF
    ``config.json`` next to the files when not given."""

    name: str
    pte: Path
    tokenizer: Path
    tokenizer_config: Path | None = None
    data_path: Path | None = None
    sliding_window: int | None = None


def find_sliding_window(spec: ModelSpec) -> int | None:
    if spec.sliding_window is not None:
        return spec.sliding_window
    for folder in (spec.pte.parent, spec.pte.parent.parent, spec.pte.parent.parent / "hf"):
        config = folder / "config.json"
        if config.is_file():
            text = json.loads(config.read_text(encoding="utf-8"))
            text = text.get("text_config", text)
            window = text.get("sliding_window")
            return int(window) if isinstance(window, int) and window > 0 else None
    return None


class ServedModel:
    def __init__(
        self,
        spec: ModelSpec,
        metrics: Metrics,
        sessions: int,
        max_waiting: int,
        threads: int | None,
        prompt_cache: bool = True,
        preload_sessions: bool = True,
    ) -> None:
        import et_llm

        self.name = spec.name
        self.metrics = metrics
        self.created = int(time.time())
        self.engine = et_llm.Engine(spec.pte, spec.tokenizer, spec.data_path, num_threads=threads)
        if self.engine.is_multimodal:
            raise InvalidArgumentError(f"{spec.pte}: the server serves text models only")
        self.tokenizer = self.engine.tokenizer
        self.template = ChatTemplate.from_tokenizer_config(spec.tokenizer_config)
        self.adds_bos = adds_bos(spec.tokenizer, spec.tokenizer_config)
        self.executor = ThreadPoolExecutor(sessions, thread_name_prefix=f"et_llm-{spec.name}")
        self.pool = SessionPool(
            spec.name,
            self.engine,
            self.executor,
            sessions,
            max_waiting,
            find_sliding_window(spec),
            prompt_cache,
        )
        # Sessions made now never delay a request, and a pool that does not fit in memory
        # fails here rather than under load. Lazily, only the first is made now.
        first = self.engine.create_session()
        self.max_context_len = first.max_context_len
        self.pool.adopt(first)
        for _ in range(sessions - 1 if preload_sessions else 0):
            self.pool.adopt(self.engine.create_session())

    def close(self) -> None:
        self.executor.shutdown(wait=True)

    # --- requests to token ids ---------------------------------------------------------

    def chat_prompt(self, request: ChatCompletionRequest) -> list[int]:
        messages = [{"role": m.role, "content": m.text()} for m in request.messages]
        if request.messages[-1].role == "assistant":
            # Continue the assistant's message instead of opening a new one.
            text = self.template.render(messages, add_generation_prompt=False)
        else:
            text = self.template.render(messages, add_generation_prompt=True)
        # The template writes its own BOS, as HF's apply_chat_template assumes.
        return self._encode(text, bos=0, param="messages")

    def completion_prompt(self, request: CompletionRequest) -> list[int]:
        if isinstance(request.prompt, list):
            vocab = self.engine.get_vocab_size()
            if any(t < 0 or t >= vocab for t in request.prompt):
                raise bad_request(f"prompt token ids must lie in 0..{vocab - 1}", "prompt")
            return list(request.prompt)
        return self._encode(request.prompt, bos=1 if self.adds_bos else 0, param="prompt")

    def _encode(self, text: str, bos: int, param: str) -> list[int]:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            # JSON may escape a lone surrogate, which no UTF-8 text holds.
            raise bad_request(f"the text is not valid Unicode ({error.reason})", param) from error
        try:
            tokens = self.tokenizer.encode(text, bos=bos)
        except Error as error:
            raise from_et_llm(error) from error
        if not tokens:
            raise bad_request("the prompt is empty", param)
        return tokens

    # --- sampling parameters ------------------------------------------------------------

    def generation_configs(
        self,
        request: SamplingRequest,
        prompt: list[int],
        limit: int | None,
        logprobs: bool,
        top_logprobs: int,
        grammar: tuple[str, str] = ("", ""),
    ) -> list:
        """One GenerationConfig per choice; a prompt that leaves no room is refused."""
        import et_llm

        room = self.max_context_len - len(prompt)
        param = "messages" if isinstance(request, ChatCompletionRequest) else "prompt"
        if room < 1:
            raise context_exceeded(
                f"the prompt is {len(prompt)} tokens, but the context of {request.model!r} is "
                f"{self.max_context_len} tokens with one needed for the answer",
                param,
            )
        if limit is not None and limit > room:
            raise context_exceeded(
                f"{len(prompt)} prompt tokens plus max_tokens {limit} exceed the context of "
                f"{self.max_context_len} tokens; ask for at most {room}",
                "max_tokens",
            )
        configs = []
        for index in range(request.n):
            # Each choice draws differently; a seeded request is reproducible as a whole.
            seed = -1 if request.seed is None else (request.seed + index) % (2**63)
            configs.append(
                et_llm.GenerationConfig(
                    echo=False,
                    max_new_tokens=limit or room,
                    temperature=(
                        DEFAULT_TEMPERATURE if request.temperature is None else request.temperature
                    ),
                    top_p=1.0 if request.top_p is None else request.top_p,
                    seed=seed,
                    presence_penalty=request.presence_penalty,
                    frequency_penalty=request.frequency_penalty,
                    penalty_last_n=-1,
                    stop=request.stop_strings(),
                    logprobs=logprobs,
                    top_logprobs=top_logprobs,
                    grammar=grammar[0],
                    grammar_type=grammar[1],
                )
            )
        return configs

    # --- token text for logprobs --------------------------------------------------------

    def token_bytes(self, previous: int, token: int) -> bytes:
        return self.tokenizer.decode_token(previous, token)
