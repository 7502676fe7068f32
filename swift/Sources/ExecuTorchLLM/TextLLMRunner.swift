// TextLLMRunner: upstream's Swift text runner (names, defaults, behaviour),
// over the C API's et_llm_text_runner.
import CETLLM

/// Upstream's Swift name for the text runner.
public typealias TextRunner = TextLLMRunner

/// Loads a text model and generates from prompts, one conversation at a time.
/// Created unloaded; `load()` (or the first `generate`) loads it. Calls are
/// serialized, and `stop()` may come from any thread or task while `generate`
/// runs (the C runner's stop is any-thread), hence `@unchecked Sendable`.
public final class TextLLMRunner: @unchecked Sendable {
  private let core: RunnerCore

  public convenience init(modelPath: String, tokenizerPath: String) {
    self.init(modelPath: modelPath, tokenizerPath: tokenizerPath, specialTokens: [])
  }

  /// `specialTokens` name a tiktoken file's special tokens; other tokenizer
  /// formats carry their own.
  public init(modelPath: String, tokenizerPath: String, specialTokens: [String]) {
    core = RunnerCore(.text) { out in
      withCStrings(specialTokens) {
        et_llm_text_runner_create(modelPath, tokenizerPath, $0, specialTokens.count, out)
      }
    }
  }

  public var isLoaded: Bool { core.isLoaded }

  /// Loads the model and tokenizer; a no-op once loaded.
  public func load() throws { try core.load() }

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

  /// Ends the running generation at its next token. Any thread, any time.
  public func stop() { core.stop() }

  /// Forgets the conversation and the stats. Waits for a generation running on
  /// another thread (call `stop()` first to make that quick).
  public func reset() { core.reset() }

  /// The ids of the last generation, the EOS that ended it included; empty before load.
  public var generatedTokens: [UInt64] { core.session { $0.generatedTokens } ?? [] }

  /// The text of the last generation; empty before load.
  public var generatedText: String { core.session { $0.generatedText } ?? "" }

  public var finishReason: FinishReason { core.session { $0.finishReason } ?? .none }

  /// The last generation's stats; nil before load.
  public var stats: Stats? { core.session { $0.stats } }

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
