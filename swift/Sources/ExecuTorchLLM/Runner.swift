// Runner: what TextLLMRunner and MultimodalRunner share — loading, stop,
// reset and the report on the last generation — over their RunnerCore.

/// The common part of the two runners; use `TextLLMRunner` or `MultimodalRunner`.
/// `stop()` may come from any thread or task (the C runners' stop is any-thread),
/// the rest is serialized by the core, hence `@unchecked Sendable`.
public class Runner: @unchecked Sendable {
  let core: RunnerCore

  init(_ core: RunnerCore) { self.core = core }

  public var isLoaded: Bool { core.isLoaded }

  /// Loads the model and tokenizer; a no-op once loaded.
  public func load() throws { try core.load() }

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
}
