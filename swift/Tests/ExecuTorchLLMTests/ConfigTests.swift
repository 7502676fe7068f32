// Config: upstream's names over the C config, its defaults taken from C++,
// value semantics, validation.
import ExecuTorchLLM
import Testing

@Suite struct ConfigTests {
  @Test func defaultsAreTheCPlusPlusOnes() {
    let config = Config()
    #expect(config.echoEnabled)
    #expect(config.isEchoEnabled)
    #expect(config.maximumNewTokens == -1)
    #expect(!config.warming)
    #expect(config.sequenceLength == -1)
    #expect(Float(config.temperature) == Float(0.8))
    #expect(config.bosCount == 0)
    #expect(config.eosCount == 0)
    #expect(config.addSpecialTokens)
    #expect(!config.ignoreEOS)
    #expect(config.seed == -1)
    #expect(config.topK == 0)
    #expect(config.topP == 1)
    #expect(config.minP == 0)
    #expect(config.repetitionPenalty == 1)
    #expect(config.penaltyLastN == 64)
    #expect(config.stopStrings.isEmpty)
    #expect(config.grammar.isEmpty)
    #expect(throws: Never.self) { try config.validate() }
  }

  @Test func closureInitializerSetsUpstreamsFields() {
    let config = Config {
      $0.temperature = 0.25
      $0.sequenceLength = 2048
      $0.maximumNewTokens = 7
      $0.isEchoEnabled = false
      $0.isWarming = true
      $0.bosCount = 1
      $0.eosCount = 2
    }
    #expect(config.temperature == 0.25)
    #expect(config.sequenceLength == 2048)
    #expect(config.maximumNewTokens == 7)
    #expect(!config.echoEnabled)
    #expect(config.warming)
    #expect(config.bosCount == 1)
    #expect(config.eosCount == 2)
    // The C++ config sees the same values.
    #expect(config.description.contains("temperature=0.25"))
    #expect(config.description.contains("seq_len=2048"))
  }

  @Test func samplingFieldsRoundTrip() {
    var config = Config()
    config.topK = 40
    config.topP = 0.5
    config.minP = 0.125
    config.seed = 1234
    config.repetitionPenalty = 1.5
    config.frequencyPenalty = 0.25
    config.presencePenalty = 0.75
    config.penaltyLastN = -1
    config.ignoreEOS = true
    config.stopStrings = ["\n\n", "END"]
    config.stopTokens = [4]
    config.grammar = #"{"type": "object"}"#
    config.grammarType = .jsonSchema
    #expect(config.topK == 40)
    #expect(config.topP == 0.5)
    #expect(config.minP == 0.125)
    #expect(config.seed == 1234)
    #expect(config.repetitionPenalty == 1.5)
    #expect(config.frequencyPenalty == 0.25)
    #expect(config.presencePenalty == 0.75)
    #expect(config.penaltyLastN == -1)
    #expect(config.ignoreEOS)
    #expect(config.stopStrings == ["\n\n", "END"])
    #expect(config.stopTokens == [4])
    // The C++ config holds what the Swift mirrors say.
    let description = config.description
    #expect(description.contains(#"stop=['\n\n', 'END']"#))
    #expect(description.contains("stop_token_ids=[4]"))
    #expect(description.contains("grammar_type='json_schema', grammar=<18 chars>"))
    #expect(description.contains("top_k=40"))
    #expect(throws: Never.self) { try config.validate() }
    config.grammar = ""
    config.stopStrings = []
    #expect(!config.description.contains("grammar"))
    #expect(!config.description.contains("stop="))
    #expect(config.description.contains("stop_token_ids=[4]"))
  }

  @Test func copiesAreIndependent() {
    var first = Config { $0.temperature = 0 }
    var second = first
    second.temperature = 1.5
    second.stopStrings = ["x"]
    #expect(first.temperature == 0)
    #expect(first.stopStrings.isEmpty)
    #expect(second.temperature == 1.5)
    first.maximumNewTokens = 3
    #expect(second.maximumNewTokens == -1)
  }

  @Test func validateNamesTheBadField() {
    let error = #expect(throws: ExecuTorchLLMError.self) {
      try Config { $0.temperature = -1 }.validate()
    }
    #expect(error?.code == .invalidArgument)
    #expect(error?.message.contains("temperature") == true)
    #expect(throws: ExecuTorchLLMError.self) { try Config { $0.sequenceLength = 0 }.validate() }
    #expect(throws: ExecuTorchLLMError.self) { try Config { $0.stopStrings = [""] }.validate() }
  }

  @Test func aBOSCountOfItsOwnIsTheFraming() {
    var config = Config()
    config.bosCount = 0
    #expect(!config.addSpecialTokens)
    config.addSpecialTokens = true
    #expect(config.addSpecialTokens)
    #expect(config.bosCount == 0)
  }

  @Test func outOfRangeIntegersClampInsteadOfWrapping() {
    let config = Config { $0.maximumNewTokens = Int.max }
    #expect(config.maximumNewTokens == Int(Int32.max))
  }
}
