// MultimodalRunner: upstream's Swift multimodal runner over the C API's
// et_llm_multimodal_runner.
import CETLLM

/// Loads a vision or audio language model and generates from ordered text,
/// image and audio inputs. Created unloaded, like `TextLLMRunner`; calls are
/// serialized and `stop()` may come from any thread, hence `@unchecked Sendable`.
public final class MultimodalRunner: Runner, @unchecked Sendable {
  public init(modelPath: String, tokenizerPath: String) {
    super.init(
      RunnerCore(.multimodal) { et_llm_multimodal_runner_create(modelPath, tokenizerPath, $0) })
  }

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
