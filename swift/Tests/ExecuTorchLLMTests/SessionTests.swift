// Engine and Session: one model, independent conversations, stepped a token
// at a time or a turn at a time, each equal to the eager-PyTorch references.
import Dispatch
import ExecuTorchLLM
import Foundation
import Testing

extension Models {
  @Suite(
    .enabled(if: Fixtures.text != nil, "set ET_LLM_FIXTURES_DIR (python -m tests.fixtures.build)"))
  struct SessionTests {
    let fixtures = Fixtures.text!

    func makeEngine(_ variant: String = "export_llm_dynamic") throws -> Engine {
      try Engine(modelPath: fixtures.modelPath(variant), tokenizerPath: fixtures.tokenizerPath)
    }

    /// Greedy steps from `prompt` until a terminal step or `count` tokens.
    func step(_ session: Session, count: Int) throws -> [UInt64] {
      var tokens: [UInt64] = []
      let config = Config { $0.temperature = 0 }
      while tokens.count < count {
        let step = try session.decodeOne(config)
        tokens.append(step.tokenID)
        if step.isTerminal { break }
      }
      return tokens
    }

    @Test func engineDescribesItsModel() throws {
      let engine = try makeEngine()
      #expect(engine.vocabularySize == 768)
      #expect(engine.maximumContextLength == 128)
      #expect(!engine.isMultimodal)
      #expect(try engine.metadata("get_max_seq_len") == 128)
      let missing = #expect(throws: ExecuTorchLLMError.self) { try engine.metadata("no_such") }
      #expect(missing?.code == .notFound)
      let ids = try engine.encode("Hello, world!")
      #expect(!ids.isEmpty)
      #expect(try engine.decode(ids) == "Hello, world!")
    }

    @Test func missingModelThrowsNotFound() {
      let error = #expect(throws: ExecuTorchLLMError.self) {
        try Engine(modelPath: "/nonexistent/model.pte", tokenizerPath: fixtures.tokenizerPath)
      }
      #expect(error?.code == .notFound)
    }

    @Test func referencePromptsAreOneBOSAndTheText() throws {
      // What the text tests rely on when they pass bosCount = 1.
      let engine = try makeEngine()
      for reference in fixtures.textReferences {
        #expect([fixtures.bosID] + (try engine.encode(reference.text!)) == reference.promptIDs)
      }
    }

    @Test(arguments: ["export_llm_dynamic", "cache_position", "kv_io"])
    func decodeOneSteppingEqualsEagerPyTorch(variant: String) throws {
      let engine = try makeEngine(variant)
      let session = try engine.makeSession()
      for reference in fixtures.references {
        try session.reset()
        try session.prefill(tokens: reference.promptIDs)
        #expect(session.position == reference.promptIDs.count)
        let tokens = try step(session, count: reference.outputIDs.count)
        #expect(tokens == reference.outputIDs, "\(variant) / \(reference.name)")
      }
    }

    @Test func twoSessionsInterleavedStayIndependent() throws {
      let engine = try makeEngine()
      let references = Array(fixtures.references.prefix(2))
      let sessions = try references.map { _ in try engine.makeSession() }
      for (session, reference) in zip(sessions, references) {
        try session.prefill(tokens: reference.promptIDs)
      }
      var got: [[UInt64]] = Array(repeating: [], count: sessions.count)
      var ended = Array(repeating: false, count: sessions.count)
      let config = Config { $0.temperature = 0 }
      while ended.contains(false) {
        for index in sessions.indices where !ended[index] {
          let step = try sessions[index].decodeOne(config)
          got[index].append(step.tokenID)
          ended[index] = step.isTerminal || got[index].count == references[index].outputIDs.count
        }
      }
      for index in sessions.indices {
        #expect(got[index] == references[index].outputIDs, "session \(index)")
      }
    }

    @Test func sessionsOnThreadsEqualEagerPyTorch() throws {
      let engine = try makeEngine()
      let references = fixtures.references
      let results = Results(count: references.count)
      DispatchQueue.concurrentPerform(iterations: references.count) { index in
        let reference = references[index]
        do {
          let session = try engine.makeSession()
          // Id-only references too: token ids as an input.
          try session.generate(
            [MultimodalInput(tokens: reference.promptIDs)],
            greedy(reference.outputIDs.count))
          results.set(index, .success(session.generatedTokens))
        } catch {
          results.set(index, .failure(error))
        }
      }
      for (index, reference) in references.enumerated() {
        #expect(try results.get(index).get() == reference.outputIDs, "\(reference.name)")
      }
    }

    @Test func textTurnsAndStreamsEqualEagerPyTorch() async throws {
      let engine = try makeEngine()
      let session = try engine.makeSession()
      for reference in fixtures.textReferences {
        try session.reset()
        var text = ""
        for try await piece in session.stream(reference.text!, greedy(reference.n, bosCount: 1)) {
          text += piece
        }
        #expect(session.generatedTokens == reference.outputIDs, "\(reference.name)")
        #expect(text == session.generatedText)
        try session.reset()
        try session.generate(reference.text!, greedy(reference.n, bosCount: 1))
        #expect(session.generatedTokens == reference.outputIDs, "\(reference.name)")
        #expect(session.stats.promptTokenCount == reference.promptIDs.count)
      }
    }

    @Test func prefillTextThenStepEqualsEagerPyTorch() throws {
      let reference = fixtures.longReference
      let session = try makeEngine().makeSession()
      try session.prefill(reference.text!, Config { $0.bosCount = 1 })
      #expect(session.position == reference.promptIDs.count)
      #expect(try step(session, count: 12) == Array(reference.outputIDs.prefix(12)))
    }

    @Test func aFailedCallLeavesTheSessionAsBefore() throws {
      let reference = fixtures.references[0]
      let session = try makeEngine().makeSession()
      try session.prefill(tokens: reference.promptIDs)
      let position = session.position
      let tooLong = [UInt64](repeating: reference.promptIDs.last!, count: 4096)
      let error = #expect(throws: ExecuTorchLLMError.self) { try session.prefill(tokens: tooLong) }
      #expect(error?.code == .contextOverflow)
      #expect(session.position == position)
      #expect(try step(session, count: 1) == [reference.outputIDs[0]])
    }

    @Test func rewindForgetsTheLaterPositions() throws {
      let reference = fixtures.longReference
      let session = try makeEngine().makeSession()
      try session.prefill(tokens: reference.promptIDs)
      _ = try step(session, count: 5)
      // Back to just before the prompt's last token, which is fed again.
      try session.rewind(to: reference.promptIDs.count - 1)
      #expect(session.position == reference.promptIDs.count - 1)
      try session.prefill(tokens: [reference.promptIDs.last!])
      #expect(try step(session, count: 5) == Array(reference.outputIDs.prefix(5)))
      let bad = #expect(throws: ExecuTorchLLMError.self) { try session.rewind(to: 1000) }
      #expect(bad?.code == .invalidArgument)
    }

    @Test func stopWithNothingRunningEndsTheNextStep() throws {
      let reference = fixtures.longReference
      let session = try makeEngine().makeSession()
      try session.prefill(tokens: reference.promptIDs)
      session.stop()
      let stopped = try session.decodeOne(Config { $0.temperature = 0 })
      #expect(stopped.isTerminal)
      #expect(stopped.tokenID == 0)
      #expect(stopped.piece.isEmpty)
      try session.reset()
      try session.prefill(tokens: reference.promptIDs)
      #expect(try step(session, count: 3) == Array(reference.outputIDs.prefix(3)))
    }

    @Test func stopFromAnotherThreadEndsTheTurnAndABusySessionRefuses() throws {
      let reference = fixtures.longReference
      let session = try makeEngine().makeSession()
      var config = greedy(100, bosCount: 1)
      config.ignoreEOS = true
      var refusal: ExecuTorchLLMError?
      var pieces = 0
      try session.generate(reference.text!, config) { _ in
        pieces += 1
        guard pieces == 1 else { return }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var error: ExecuTorchLLMError?
        DispatchQueue.global().async {
          do { try session.prefill(tokens: [5]) } catch let e as ExecuTorchLLMError {
            error = e
          } catch {}
          session.stop()
          done.signal()
        }
        done.wait()
        refusal = error
      }
      #expect(refusal?.code == .invalidState)
      #expect(session.finishReason == .stopped)
      #expect(session.generatedTokens.count < 100)
      #expect(session.position < reference.promptIDs.count + 100)
    }
  }
}

/// Per-thread results of `concurrentPerform`, behind a lock.
private final class Results: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [Result<[UInt64], Error>]

  init(count: Int) {
    values = Array(repeating: .failure(CancellationError()), count: count)
  }

  func set(_ index: Int, _ value: Result<[UInt64], Error>) {
    lock.lock()
    values[index] = value
    lock.unlock()
  }

  func get(_ index: Int) -> Result<[UInt64], Error> {
    lock.lock()
    defer { lock.unlock() }
    return values[index]
  }
}
