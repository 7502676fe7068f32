// MultimodalRunner: upstream's Swift multimodal runner over the C API's
// et_llm_multimodal_runner.
import CETLLM

/// Loads a vision or audio language model and generates from ordered text,
/// image and audio inputs. Created unloaded, like `TextLLMRunner`; calls are
/// serialized and `stop()` may come from any thread, hence `@unchecked Sendable`.
public final class MultimodalRunner: @unchecked Sendable {
  private let core: RunnerCore

  public init(modelPath: String, tokenizerPath: String) {
    core = RunnerCore(.multimodal) { et_llm_multimodal_runner_create(modelPath, tokenizerPath, $0) }
  }

  public var isLoaded: Bool { core.isLoaded }

  /// Loads the model and tokenizer; a no-op once loaded.
  public func load() throws { try core.load() }

  /// Feeds `inputs` in order and generates per `config`, passing each piece of
  /// text to `tokenCallback` on this thread.
  public func generate(
    _ inputs: [MultimodalInput], _ config: Config = Config(),
    tokenCallback: ((String) -> Void)? = nil
  ) throws {
    try generate(inputs, config, tokenCallback.map(alwaysContinue))
  }

  /// The pieces of `generate` as they come. Cancelling the consuming task, or
  /// leaving the loop, stops the generation.
  public func stream(_ inputs: [MultimodalInput], _ config: Config = Config())
    -> AsyncThrowingStream<String, Error>
  {
    pieceStream(
      stop: { [self] in stop() }, generate: { [self] in try generate(inputs, config, $0) })
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

  private func generate(_ inputs: [MultimodalInput], _ config: Config, _ handler: PieceHandler?)
    throws
  {
    let list = try InputList(inputs)
    try core.generate { handle in
      try config.withCConfig { cConfig in
        try withPieceCallback(handler) {
          try check(et_llm_multimodal_runner_generate(handle, list.handle, cConfig, $0, $1))
        }
      }
    }
  }
}
