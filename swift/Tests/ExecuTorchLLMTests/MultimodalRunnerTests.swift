// MultimodalRunner against the eager-PyTorch references of the multimodal
// fixtures (the same inputs tests/cpp/test_multimodal_runner.cpp feeds), and
// its typed errors.
import ExecuTorchLLM
import Foundation
import Testing

extension Models {
  @Suite(
    .enabled(
      if: Fixtures.multimodal != nil,
      "set ET_LLM_MULTIMODAL_FIXTURES_DIR (python -m tests.fixtures.build_multimodal)"))
  struct MultimodalRunnerTests {
    let fixtures = Fixtures.multimodal!

    func makeRunner(_ variant: String) -> MultimodalRunner {
      MultimodalRunner(
        modelPath: fixtures.modelPath(variant), tokenizerPath: fixtures.tokenizerPath)
    }

    func hwcImage() throws -> Image {
      let (data, width, height) = try fixtures.pixels()
      return Image(data: data, width: width, height: height, channels: 3, layout: .hwc)
    }

    @Test func textImageTextEqualsEagerPyTorch() throws {
      let reference = try fixtures.reference("vlm_text_image_text")
      let runner = makeRunner(reference.variant)
      var streamed = ""
      try runner.generate(
        [
          MultimodalInput("Describe the picture"), MultimodalInput(try hwcImage()),
          MultimodalInput("in a few words"),
        ],
        greedy(reference.outputIDs.count)
      ) { streamed += $0 }
      #expect(runner.generatedTokens == reference.outputIDs)
      #expect(streamed == runner.generatedText)
      #expect(runner.isLoaded)
    }

    @Test func planesGiveWhatPixelsGive() throws {
      // Upstream's layout: the same image as CHW planes.
      let reference = try fixtures.reference("vlm_text_image_text")
      let (pixels, width, height) = try fixtures.pixels()
      var planes = Data(count: pixels.count)
      let area = width * height
      for pixel in 0..<area {
        for channel in 0..<3 {
          planes[channel * area + pixel] = pixels[pixels.startIndex + pixel * 3 + channel]
        }
      }
      let runner = makeRunner(reference.variant)
      try runner.generate(
        [
          MultimodalInput("Describe the picture"),
          MultimodalInput(Image(data: planes, width: width, height: height, channels: 3)),
          MultimodalInput("in a few words"),
        ],
        greedy(reference.outputIDs.count))
      #expect(runner.generatedTokens == reference.outputIDs)
    }

    @Test func floatImageEqualsEagerPyTorch() throws {
      let reference = try fixtures.reference("vlm_cache_position_float_image")
      let (pixels, width, height) = try fixtures.pixels()
      let values = pixels.map { Float($0) / 255 }
      let data = values.withUnsafeBytes { Data($0) }
      let runner = makeRunner(reference.variant)
      try runner.generate(
        [
          MultimodalInput("Look:"),
          MultimodalInput(
            Image(float: data, width: width, height: height, channels: 3, layout: .hwc)),
          MultimodalInput("and tell"),
        ],
        greedy(reference.outputIDs.count))
      #expect(runner.generatedTokens == reference.outputIDs)
    }

    @Test func audioFeaturesEqualEagerPyTorch() throws {
      let reference = try fixtures.reference("alm_text_audio_text")
      let runner = makeRunner(reference.variant)
      let audio = Audio(float: try fixtures.features(), batchSize: 1, bins: 16, frames: 32)
      try runner.generate(
        [MultimodalInput("Listen"), MultimodalInput(audio), MultimodalInput("and transcribe")],
        greedy(reference.outputIDs.count))
      #expect(runner.generatedTokens == reference.outputIDs)
    }

    @Test func streamYieldsWhatGenerateWouldPass() async throws {
      let reference = try fixtures.reference("vlm_text_image_text")
      let runner = makeRunner(reference.variant)
      var text = ""
      let inputs = [
        MultimodalInput("Describe the picture"), MultimodalInput(try hwcImage()),
        MultimodalInput("in a few words"),
      ]
      for try await piece in runner.stream(inputs, greedy(reference.outputIDs.count)) {
        text += piece
      }
      #expect(runner.generatedTokens == reference.outputIDs)
      #expect(text == runner.generatedText)
    }

    @Test func errorsCarryTheirCodeAndLeaveTheRunnerUsable() throws {
      let reference = try fixtures.reference("vlm_text_image_text")
      let runner = makeRunner(reference.variant)
      try runner.load()
      let config = greedy(8)

      func code(_ inputs: [MultimodalInput]) -> ErrorCode? {
        do {
          try runner.generate(inputs, config)
          return nil
        } catch {
          return (error as? ExecuTorchLLMError)?.code
        }
      }

      // Fewer bytes than the sizes say: refused before the C side reads them.
      let short = Image(data: Data(count: 10), width: 32, height: 32, channels: 3)
      let shortError = #expect(throws: ExecuTorchLLMError.self) {
        try runner.generate([MultimodalInput("x"), MultimodalInput(short)], config)
      }
      #expect(shortError?.code == .invalidArgument)
      #expect(shortError?.message.contains("10 bytes") == true)

      // The wrong size for the encoder.
      let small = Image(
        data: Data(count: 16 * 16 * 3), width: 16, height: 16, channels: 3,
        layout: .hwc)
      let sizeError = #expect(throws: ExecuTorchLLMError.self) {
        try runner.generate([MultimodalInput("x"), MultimodalInput(small)], config)
      }
      #expect(sizeError?.code == .invalidArgument)
      #expect(sizeError?.message.contains("3x32x32") == true)

      let features = try fixtures.features()
      #expect(
        code([MultimodalInput(Audio(float: features, batchSize: 1, bins: 16, frames: 32))])
          == .notFound)
      let wave = [Float](repeating: 0.5, count: 2).withUnsafeBytes { Data($0) }
      #expect(
        code([MultimodalInput(RawAudio(float: wave, batchSize: 1, channels: 1, samples: 2))])
          == .notSupported)
      #expect(code([]) == .invalidArgument)
      #expect(
        code([MultimodalInput(Image(data: Data(), width: 0, height: 32, channels: 3))])
          == .invalidArgument)

      try runner.generate(
        [
          MultimodalInput("Describe the picture"), MultimodalInput(try hwcImage()),
          MultimodalInput("in a few words"),
        ],
        greedy(reference.outputIDs.count))
      #expect(runner.generatedTokens == reference.outputIDs)
    }

    @Test func missingModelThrowsNotFoundAtLoad() {
      let runner = MultimodalRunner(
        modelPath: fixtures.directory.appendingPathComponent("missing.pte").path,
        tokenizerPath: fixtures.tokenizerPath)
      let error = #expect(throws: ExecuTorchLLMError.self) { try runner.load() }
      #expect(error?.code == .notFound)
      #expect(!runner.isLoaded)
      #expect(runner.generatedTokens.isEmpty)
    }

    @Test func aSessionOnAMultimodalEngineStepsToTheReference() throws {
      let engine = try Engine(
        modelPath: fixtures.modelPath("vlm_input_pos"), tokenizerPath: fixtures.tokenizerPath)
      #expect(engine.isMultimodal)
      let reference = try fixtures.reference("vlm_text_image_text")
      let (pixels, width, height) = try fixtures.pixels()
      let session = try engine.makeSession()
      // As the references were made: no BOS.
      try session.prefill(
        [
          MultimodalInput("Describe the picture"),
          MultimodalInput(
            Image(data: pixels, width: width, height: height, channels: 3, layout: .hwc)),
          MultimodalInput("in a few words"),
        ], Config { $0.bosCount = 0 })
      let greedyStep = Config { $0.temperature = 0 }
      var tokens: [UInt64] = []
      for _ in reference.outputIDs {
        tokens.append(try session.decodeOne(greedyStep).tokenID)
      }
      #expect(tokens == reference.outputIDs)
    }
  }
}
