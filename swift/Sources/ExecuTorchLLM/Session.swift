// Session: one conversation on an Engine, driven a turn at a time, a token at
// a time (upstream's LLMSession names: prefill, decodeOne) or as a stream.
import CETLLM

/// One decoded step of `Session.decodeOne`.
public struct Step: Sendable, Equatable {
  public let tokenID: UInt64
  /// Whole UTF-8 characters; empty while a character's bytes are still coming.
  public let piece: String
  public let isEOS: Bool
  /// Stop here: an EOS, or a `stop()` took effect (then `tokenID` is 0 and `piece` empty).
  public let isTerminal: Bool
}

/// A conversation: its KV cache and position. Calls are serialized (the C API
/// takes one thread at a time per session); `stop()` may come from any thread
/// or task at any time, which is what makes sharing a session across
/// concurrency domains useful, hence `@unchecked Sendable`.
public final class Session: @unchecked Sendable {
  /// The engine this session runs on.
  public let engine: Engine
  private let handle: OpaquePointer
  private let gate = CallGate("session")

  init(engine: Engine, handle: OpaquePointer) {
    self.engine = engine
    self.handle = handle
  }

  deinit { et_llm_session_free(handle) }

  // MARK: turns

  /// Feeds `prompt` (framed with the config's `bosCount` / `eosCount`) and
  /// generates per `config`, passing each piece to `tokenCallback` on this thread.
  /// On failure nothing of this call stays in the conversation.
  public func generate(
    _ prompt: String, _ config: Config = Config(), tokenCallback: ((String) -> Void)? = nil
  ) throws {
    try generate(.text(prompt), config, tokenCallback.map(alwaysContinue))
  }

  /// As `generate(_:_:tokenCallback:)`, from text, token ids, images and audio.
  public func generate(
    _ inputs: [MultimodalInput], _ config: Config = Config(),
    tokenCallback: ((String) -> Void)? = nil
  ) throws {
    try generate(.inputs(inputs), config, tokenCallback.map(alwaysContinue))
  }

  /// The pieces of a turn as they come. Cancelling the consuming task, or leaving
  /// the loop, stops the generation.
  public func stream(_ prompt: String, _ config: Config = Config())
    -> AsyncThrowingStream<String, Error>
  {
    pieceStream(
      stop: { [self] in stop() }, generate: { [self] in try generate(.text(prompt), config, $0) })
  }

  public func stream(_ inputs: [MultimodalInput], _ config: Config = Config())
    -> AsyncThrowingStream<String, Error>
  {
    pieceStream(
      stop: { [self] in stop() }, generate: { [self] in try generate(.inputs(inputs), config, $0) })
  }

  // MARK: steps

  /// Feeds text at the current position, framed with the config's `bosCount` / `eosCount`.
  public func prefill(_ text: String, _ config: Config = Config()) throws {
    try gate.exclusive {
      try config.withCConfig { try check(et_llm_session_prefill_text(handle, text, $0)) }
    }
  }

  /// Feeds ids as they are at the current position.
  public func prefill(tokens: [UInt64]) throws {
    try gate.exclusive {
      try tokens.withUnsafeBufferPointer {
        try check(et_llm_session_prefill_tokens(handle, $0.baseAddress, $0.count))
      }
    }
  }

  /// Feeds text, ids, images and audio at the current position.
  public func prefill(_ inputs: [MultimodalInput], _ config: Config = Config()) throws {
    let list = try InputList(inputs)
    try gate.exclusive {
      try config.withCConfig { try check(et_llm_session_prefill_inputs(handle, list.handle, $0)) }
    }
  }

  /// Feeds the previous token and samples the next with the config's sampling
  /// fields. The default config samples at temperature 0.8: set `temperature = 0`
  /// for greedy steps.
  public func decodeOne(_ config: Config = Config()) throws -> Step {
    try gate.exclusive {
      var step = et_llm_step()
      try config.withCConfig { try check(et_llm_session_decode_one(handle, $0, &step)) }
      return Step(
        tokenID: step.token_id, piece: string(step.piece, count: step.piece_size),
        isEOS: step.is_eos, isTerminal: step.is_terminal)
    }
  }

  // MARK: control

  /// Ends the running generation (or prefill) at its next token, keeping what was
  /// made. Any thread, any time. With nothing running, the next `decodeOne`
  /// returns a terminal step until the next prefill or generate.
  public func stop() {
    mustSucceed(et_llm_session_stop(handle), "et_llm_session_stop")
  }

  /// Forgets the whole conversation; `.invalidState` while a generation runs.
  public func reset() throws {
    try gate.exclusive { try check(et_llm_session_reset(handle)) }
  }

  /// Forgets positions from `position` on; `.invalidState` while a generation runs.
  public func rewind(to position: Int) throws {
    try gate.exclusive { try check(et_llm_session_rewind(handle, Int64(position))) }
  }

  // MARK: state (each waits for a running generation on another thread)

  /// Positions of the context in use.
  public var position: Int { gate.waiting { state.position } }

  /// The ids of the last generation, the EOS that ended it included.
  public var generatedTokens: [UInt64] { gate.waiting { state.generatedTokens } }

  /// The text of the last generation.
  public var generatedText: String { gate.waiting { state.generatedText } }

  public var finishReason: FinishReason { gate.waiting { state.finishReason } }

  public var stats: Stats { gate.waiting { state.stats } }

  // MARK: internals

  private var state: SessionState { SessionState(handle: handle) }

  private enum Prompt {
    case text(String)
    case inputs([MultimodalInput])
  }

  private func generate(_ prompt: Prompt, _ config: Config, _ handler: PieceHandler?) throws {
    switch prompt {
    case .text(let text):
      try gate.exclusive {
        try config.withCConfig { cConfig in
          try withPieceCallback(handler) {
            try check(et_llm_session_generate(handle, text, cConfig, $0, $1))
          }
        }
      }
    case .inputs(let inputs):
      let list = try InputList(inputs)
      try gate.exclusive {
        try config.withCConfig { cConfig in
          try withPieceCallback(handler) {
            try check(et_llm_session_generate_inputs(handle, list.handle, cConfig, $0, $1))
          }
        }
      }
    }
  }
}

/// A user's piece callback as a handler that never ends the generation itself.
func alwaysContinue(_ callback: @escaping (String) -> Void) -> PieceHandler {
  { piece in
    callback(piece)
    return true
  }
}
