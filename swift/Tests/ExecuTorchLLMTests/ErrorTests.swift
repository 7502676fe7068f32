// ErrorCode against the C API's status list, and what an error says.
import CETLLM
import ExecuTorchLLM
import Testing

@Suite struct ErrorTests {
  /// The C statuses by value, until et_llm_status_name says "Unknown".
  private func cStatusNames() -> [String] {
    var names: [String] = []
    for value in UInt32(1)...1000 {
      let name = String(cString: et_llm_status_name(et_llm_status(rawValue: value)))
      if name == "Unknown" { break }
      names.append(name)
    }
    return names
  }

  @Test func everyCStatusHasACaseOfTheSameNameAndValue() {
    let names = cStatusNames()
    #expect(names.count == ErrorCode.allCases.count)
    for (index, name) in names.enumerated() {
      // Value index + 1 has the Swift case of that name.
      #expect(ErrorCode(rawValue: Int32(index + 1))?.name == name)
    }
  }

  @Test func descriptionNamesTheCodeAndTheMessage() {
    let error = ExecuTorchLLMError(code: .contextOverflow, message: "prompt of 200 tokens")
    #expect(error.description == "ContextOverflow: prompt of 200 tokens")
    #expect(error.localizedDescription == error.description)
    #expect(ExecuTorchLLMError(code: .notFound, message: "").description == "NotFound")
    #expect("\(ErrorCode.invalidArgument)" == "InvalidArgument")
  }

  @Test func versionIsTheLibrarys() {
    var major: Int32 = -1
    var minor: Int32 = -1
    var patch: Int32 = -1
    et_llm_version_numbers(&major, &minor, &patch)
    #expect(Engine.version == "\(major).\(minor).\(patch)")
  }
}
