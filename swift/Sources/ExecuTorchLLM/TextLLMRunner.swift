// TextLLMRunner: upstream's Swift text runner (names, defaults, behaviour),
// over the C API's et_llm_text_runner.
import CETLLM

/// Upstream's Swift name for the text runner.
public typealias TextRunner = TextLLMRunner

/// Loads a text model and generates from prompts, one conversation at a time.
/// Created unloaded; `load()` (or the first `generate`) loads it. Calls are
/// serialized, and `stop()` may come from any thread or task while `generate`
/// runs (the C runner's stop is any-thread), hence `@unchecked Sendable`.
public final class TextLLMRunner: Runner, @unchecked Sendable {
  public convenience init(modelPath: String, tokenizerPath: String) {
    self.init(modelPath: modelPath, tokenizerPath: tokenizerPath, specialTokens: [])
  }

  /// `specialTokens` name a tiktoken file's special tokens; other tokenizer
  /// formats carry their own.
  public init(modelPath: String, tokenizerPath: String, specialTokens: [String]) {
    super.init(
      RunnerCore(.text) { out in
        withCStrings(specialTokens) {
          et_llm_text_runner_create(modelPath, tokenizerPath, $0, specialTokens.count, out)
        }
      })
  }

  /// Generates from `prompt` per `config`, passing each piece of text to
  /// `tokenCallback` on this thread (with `echoEnabled`, the prompt first). Later
  /// calls continue the conversation until `reset()`.
  public func generate(
    _ prompt: String, _ config: Config = Config(), tokenCallback: ((String) -> Void)? = nil
  ) throws {
    try generate(prompt, config, tokenCallback.map(alwaysContinue))
  }

  /// The pieces of `generate` as they come. Cancelling the consuming task, or
  /// leaving the loop, stops the generation.
  public func stream(_ prompt: String, _ config: Config = Config())
    -> AsyncThrowingStream<String, Error>
  {
    pieceStream(
      stop: { [self] in stop() }, generate: { [self] in try generate(prompt, config, $0) })
  }

  private func generate(_ prompt: String, _ config: Config, _ handler: PieceHandler?) throws {
    try core.generate { handle in
      try config.withCConfig { cConfig in
        try withPieceCallback(handler) {
          try check(et_llm_text_runner_generate(handle, prompt, cConfig, $0, $1))
        }
      }
    }
  }
}
