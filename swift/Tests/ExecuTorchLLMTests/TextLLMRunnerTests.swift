// TextLLMRunner against the eager-PyTorch references, for every program style,
// and its stop, reset, typed errors and streams.
import Dispatch
import ExecuTorchLLM
import Foundation
import Testing

extension Models {
  @Suite(
    .enabled(if: Fixtures.text != nil, "set ET_LLM_FIXTURES_DIR (python -m tests.fixtures.build)"))
  struct TextLLMRunnerTests {
    let fixtures = Fixtures.text!

    func makeRunner(_ variant: String = "export_llm_dynamic") -> TextLLMRunner {
      TextLLMRunner(modelPath: fixtures.modelPath(variant), tokenizerPath: fixtures.tokenizerPath)
    }

    @Test(arguments: Fixtures.textVariants)
    func textPromptsEqualEagerPyTorch(variant: String) throws {
      let runner = makeRunner(variant)
      try runner.load()
      for reference in fixtures.textReferences {
        runner.reset()
        var streamed = ""
        try runner.generate(reference.text!, greedy(reference.n, bosCount: 1)) { streamed += $0 }
        #expect(runner.generatedTokens == reference.outputIDs, "\(variant) / \(reference.name)")
        #expect(streamed == runner.generatedText, "\(variant) / \(reference.name)")
        #expect(!streamed.isEmpty)
      }
    }

    @Test func speculativeDecodingGivesTheSameTokens() throws {
      // cache_position's program returns every position's logits, so drafts are verified.
      let runner = makeRunner("cache_position")
      let prompt = String(repeating: "one two three four five six ", count: 3)
      var plain = greedy(40)
      plain.ignoreEOS = true
      try runner.generate(prompt, plain)
      let expected = runner.generatedTokens
      runner.reset()
      var fast = plain
      fast.speculative = .promptLookup
      fast.numDraftTokens = 4
      #expect(fast.description.contains("speculative='prompt_lookup', num_draft_tokens=4"))
      try runner.generate(prompt, fast)
      #expect(runner.generatedTokens == expected)
      fast.temperature = 0.5
      try fast.validate()  // sampling speculates too, with the same distribution
      runner.reset()
      try runner.generate(prompt, fast)
      #expect(runner.generatedTokens.count == 40)
      fast.grammar = "{\"type\": \"string\"}"  // a grammar follows accepted tokens only
      #expect(throws: ExecuTorchLLMError.self) { try fast.validate() }
    }

    @Test func loadIsExplicitAndOnce() throws {
      let runner = makeRunner()
      #expect(!runner.isLoaded)
      #expect(runner.generatedTokens.isEmpty)
      #expect(runner.stats == nil)
      try runner.load()
      #expect(runner.isLoaded)
      try runner.load()
      #expect(runner.isLoaded)
    }

    @Test func generateLoadsOnFirstUseAndReportsStats() throws {
      let reference = fixtures.longReference
      let runner = makeRunner()
      try runner.generate(reference.text!, greedy(reference.n, bosCount: 1))
      #expect(runner.isLoaded)
      #expect(runner.generatedTokens == reference.outputIDs)
      #expect(runner.finishReason == .length)
      let stats = try #require(runner.stats)
      #expect(stats.promptTokenCount == reference.promptIDs.count)
      #expect(stats.generatedTokenCount == reference.n)
      #expect(stats.decodeTokensPerSecond > 0)
      #expect(stats.json.contains("generated_tokens"))
    }

    @Test func upstreamsNamesWork() throws {
      let reference = fixtures.longReference
      let runner: TextRunner = TextRunner(
        modelPath: fixtures.modelPath(), tokenizerPath: fixtures.tokenizerPath,
        specialTokens: ["<|begin_of_text|>", "<|end_of_text|>"])
      var text = ""
      try runner.generate(
        reference.text!,
        Config {
          $0.temperature = 0
          $0.isEchoEnabled = false
          $0.maximumNewTokens = reference.n
          $0.bosCount = 1
        }
      ) { token in
        text += token
      }
      #expect(runner.generatedTokens == reference.outputIDs)
      #expect(text == runner.generatedText)
    }

    @Test func echoPassesThePromptFirst() throws {
      let reference = fixtures.longReference
      let runner = makeRunner()
      var pieces: [String] = []
      var config = greedy(4, bosCount: 1)
      config.echoEnabled = true
      try runner.generate(reference.text!, config) { pieces.append($0) }
      #expect(pieces.joined().hasPrefix(reference.text!))
      #expect(pieces.joined() == reference.text! + runner.generatedText)
    }

    @Test func resetStartsOverAndWithoutItTheConversationGoesOn() throws {
      let reference = fixtures.longReference
      let runner = makeRunner()
      try runner.generate(reference.text!, greedy(10, bosCount: 1))
      let first = runner.generatedTokens
      #expect(first == Array(reference.outputIDs.prefix(10)))
      // A second turn continues the cache (its prompt follows the first turn), so
      // the same prompt gives other tokens (the fixture is deterministic).
      try runner.generate(reference.text!, greedy(10, bosCount: 1))
      #expect(runner.generatedTokens != first)
      runner.reset()
      try runner.generate(reference.text!, greedy(10, bosCount: 1))
      #expect(runner.generatedTokens == first)
    }

    @Test func missingFilesThrowNotFoundAtLoad() throws {
      let runner = TextLLMRunner(
        modelPath: fixtures.directory.appendingPathComponent("missing.pte").path,
        tokenizerPath: fixtures.tokenizerPath)
      let error = #expect(throws: ExecuTorchLLMError.self) { try runner.load() }
      #expect(error?.code == .notFound)
      #expect(error?.message.contains("missing.pte") == true)
      #expect(!runner.isLoaded)
      let again = #expect(throws: ExecuTorchLLMError.self) { try runner.generate("hi") }
      #expect(again?.code == .notFound)

      let noTokenizer = TextLLMRunner(
        modelPath: fixtures.modelPath(), tokenizerPath: "/nonexistent/tokenizer.json")
      let tokenizerError = #expect(throws: ExecuTorchLLMError.self) { try noTokenizer.load() }
      #expect(tokenizerError?.code == .notFound)
    }

    @Test func errorsCarryTheirCodeAndLeaveTheRunnerUsable() throws {
      let reference = fixtures.longReference
      let runner = makeRunner()
      try runner.load()

      let badConfig = #expect(throws: ExecuTorchLLMError.self) {
        try runner.generate("hi", Config { $0.temperature = -1 })
      }
      #expect(badConfig?.code == .invalidArgument)
      #expect(badConfig?.message.contains("temperature") == true)

      let longPrompt = String(repeating: reference.text! + " ", count: 40)
      let overflow = #expect(throws: ExecuTorchLLMError.self) {
        try runner.generate(longPrompt, greedy(4, bosCount: 1))
      }
      #expect(overflow?.code == .contextOverflow)

      // Nothing of the failed calls stayed: the reference comes out as from a new runner.
      try runner.generate(reference.text!, greedy(reference.n, bosCount: 1))
      #expect(runner.generatedTokens == reference.outputIDs)
    }

    /// Runs a long generation on a Dispatch thread (off Swift's cooperative pool,
    /// which the stopper may need) whose callback, at the first piece, has
    /// `stopper` call stop() elsewhere and waits until it has: the stop lands
    /// mid-generation. Returns the pieces seen and the tokens allowed.
    private func generateStoppedAtFirstPiece(
      _ runner: TextLLMRunner, stopper: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void
    ) async throws -> (pieces: Int, maximum: Int) {
      let prompt = fixtures.longReference.text!
      let maximum = 100
      let (pieces, stopped) = try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
          var config = greedy(maximum, bosCount: 1)
          config.ignoreEOS = true
          let stopCalled = DispatchSemaphore(value: 0)
          var pieces = 0
          var stopped = false
          do {
            try runner.generate(prompt, config) { _ in
              pieces += 1
              if pieces == 1 {
                stopper { stopCalled.signal() }
                stopped = stopCalled.wait(timeout: .now() + 30) == .success
              }
            }
            continuation.resume(returning: (pieces, stopped))
          } catch {
            continuation.resume(throwing: error)
          }
        }
      }
      #expect(stopped, "stop() was not called within 30 s")
      return (pieces, maximum)
    }

    @Test func stopFromAnotherThreadEndsTheGeneration() async throws {
      let runner = makeRunner()
      let (pieces, maximum) = try await generateStoppedAtFirstPiece(runner) { done in
        DispatchQueue.global().async {
          runner.stop()
          done()
        }
      }
      #expect(runner.finishReason == .stopped)
      #expect(runner.generatedTokens.count < maximum)
      #expect(pieces < maximum)
    }

    @Test func stopFromAnotherTaskEndsTheGeneration() async throws {
      let runner = makeRunner()
      let (_, maximum) = try await generateStoppedAtFirstPiece(runner) { done in
        Task.detached {
          runner.stop()
          done()
        }
      }
      #expect(runner.finishReason == .stopped)
      #expect(runner.generatedTokens.count < maximum)
    }

    @Test func aStopBeforeGenerateIsNotCarriedOver() throws {
      let reference = fixtures.longReference
      let runner = makeRunner()
      try runner.load()
      runner.stop()
      try runner.generate(reference.text!, greedy(reference.n, bosCount: 1))
      #expect(runner.generatedTokens == reference.outputIDs)
    }

    @Test func aSecondGenerateWhileOneRunsIsRefused() throws {
      let reference = fixtures.longReference
      let runner = makeRunner()
      var refusal: ExecuTorchLLMError?
      var readInside: [UInt64]?
      try runner.generate(reference.text!, greedy(5, bosCount: 1)) { _ in
        guard refusal == nil else { return }
        // State reads from the callback do not wait for the generation (same thread).
        readInside = runner.generatedTokens
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var error: ExecuTorchLLMError?
        DispatchQueue.global().async {
          do { try runner.generate("again", greedy(2)) } catch let e as ExecuTorchLLMError {
            error = e
          } catch {}
          done.signal()
        }
        done.wait()
        refusal = error
      }
      #expect(refusal?.code == .invalidState)
      #expect(readInside != nil)
      #expect(runner.generatedTokens == Array(reference.outputIDs.prefix(5)))
    }

    @Test func streamYieldsWhatGenerateWouldPass() async throws {
      let reference = fixtures.longReference
      let runner = makeRunner()
      var text = ""
      for try await piece in runner.stream(reference.text!, greedy(reference.n, bosCount: 1)) {
        #expect(!piece.isEmpty)
        text += piece
      }
      #expect(runner.generatedTokens == reference.outputIDs)
      #expect(text == runner.generatedText)
      #expect(runner.finishReason == .length)
    }

    @Test func streamThrowsTheErrorWithItsCode() async throws {
      let runner = makeRunner()
      let error = await #expect(throws: ExecuTorchLLMError.self) {
        for try await _ in runner.stream("hi", Config { $0.temperature = -1 }) {}
      }
      #expect(error?.code == .invalidArgument)
    }

    /// A long generation (EOS ignored, most of the context) the stream tests cut
    /// short. They race the consumer's cancel against the generation, so they run
    /// on no_kv, which recomputes the whole sequence at each step: ~150 ms for the
    /// 100 tokens, where a cancel lands within a token or two.
    private func longStreamConfig() -> (Config, Int) {
      var config = greedy(100, bosCount: 1)
      config.ignoreEOS = true
      return (config, 100)
    }

    @Test func cancellingTheConsumingTaskStopsTheGeneration() async throws {
      let runner = makeRunner("no_kv")
      try runner.load()
      let (config, maximum) = longStreamConfig()
      let prompt = fixtures.longReference.text!
      let (firstPiece, gotFirstPiece) = AsyncStream<Void>.makeStream()
      let consumer = Task {
        var pieces = 0
        for try await _ in runner.stream(prompt, config) {
          pieces += 1
          if pieces == 1 {
            gotFirstPiece.yield()
          }
        }
        return pieces
      }
      for await _ in firstPiece { break }
      consumer.cancel()
      let pieces = try await consumer.value
      #expect(pieces < maximum)
      // These wait for the generation thread to finish.
      #expect(runner.finishReason == .stopped)
      #expect(runner.generatedTokens.count < maximum)
    }

    @Test func leavingTheLoopStopsTheGeneration() async throws {
      let runner = makeRunner("no_kv")
      try runner.load()
      let (config, maximum) = longStreamConfig()
      for try await _ in runner.stream(fixtures.longReference.text!, config) {
        break
      }
      #expect(runner.finishReason == .stopped)
      #expect(runner.generatedTokens.count < maximum)
      // The runner is free again and unharmed.
      runner.reset()
      let reference = fixtures.longReference
      try runner.generate(reference.text!, greedy(reference.n, bosCount: 1))
      #expect(runner.generatedTokens == reference.outputIDs)
    }
  }
}
