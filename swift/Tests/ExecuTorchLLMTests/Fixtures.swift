// The fixture models and their eager-PyTorch references (tests/fixtures/build.py
// and build_multimodal.py), found through the environment as scripts/test.sh
// exports it.
import ExecuTorchLLM
import Foundation
import Testing

/// One continuation of the text manifest. `promptIDs` start with one BOS, so a
/// text prompt needs `bosCount = 1`; `text` is nil for id-only references.
struct TextReference: Decodable, Sendable, CustomTestStringConvertible {
  let name: String
  let text: String?
  let promptIDs: [UInt64]
  let n: Int
  let outputIDs: [UInt64]
  let stopsAtEOS: Bool

  enum CodingKeys: String, CodingKey {
    case name, text, n
    case promptIDs = "prompt_ids"
    case outputIDs = "output_ids"
    case stopsAtEOS = "stops_at_eos"
  }

  var testDescription: String { name }
}

struct MultimodalReference: Decodable, Sendable {
  let name: String
  let variant: String
  let outputIDs: [UInt64]

  enum CodingKeys: String, CodingKey {
    case name, variant
    case outputIDs = "output_ids"
  }
}

/// Decodes any JSON value and keeps nothing (the manifests' variant specs).
private struct Ignored: Decodable {}

struct TextFixtures: Sendable {
  let directory: URL
  let variants: [String]
  let references: [TextReference]
  let bosID: UInt64

  private struct Manifest: Decodable {
    struct Tokenizer: Decodable {
      let bosID: UInt64
      enum CodingKeys: String, CodingKey { case bosID = "bos_id" }
    }
    let variants: [String: Ignored]
    let references: [TextReference]
    let tokenizer: Tokenizer
  }

  init(directory: URL) throws {
    let manifest = try JSONDecoder().decode(
      Manifest.self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
    self.directory = directory
    variants = manifest.variants.keys.sorted()
    references = manifest.references
    bosID = manifest.tokenizer.bosID
  }

  var tokenizerPath: String { directory.appendingPathComponent("tokenizer.json").path }

  /// The export_llm dynamic-shape file unless told otherwise: the one most users have.
  func modelPath(_ variant: String = "export_llm_dynamic") -> String {
    directory.appendingPathComponent("\(variant).pte").path
  }

  var textReferences: [TextReference] { references.filter { $0.text != nil } }

  /// A text reference that runs its full length (no EOS), for stop tests.
  var longReference: TextReference { textReferences.first { !$0.stopsAtEOS }! }
}

struct MultimodalFixtures: Sendable {
  let directory: URL
  let references: [MultimodalReference]

  private struct Manifest: Decodable {
    let references: [MultimodalReference]
  }

  init(directory: URL) throws {
    let manifest = try JSONDecoder().decode(
      Manifest.self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
    self.directory = directory
    references = manifest.references
  }

  var tokenizerPath: String { directory.appendingPathComponent("tokenizer.json").path }

  func modelPath(_ variant: String) -> String {
    directory.appendingPathComponent("\(variant).pte").path
  }

  func reference(_ name: String) throws -> MultimodalReference {
    try #require(references.first { $0.name == name }, "no reference \(name)")
  }

  /// image.ppm's pixels: "P6\n32 32\n255\n" then HWC RGB bytes.
  func pixels() throws -> (data: Data, width: Int, height: Int) {
    let ppm = try Data(contentsOf: directory.appendingPathComponent("image.ppm"))
    var fields: [String] = []
    var index = ppm.startIndex
    while fields.count < 4 {
      var field = ""
      while index < ppm.endIndex, !(ppm[index] == 0x20 || ppm[index] == 0x0A) {
        field.append(Character(UnicodeScalar(ppm[index])))
        index += 1
      }
      index += 1  // the one whitespace byte after each header field
      fields.append(field)
    }
    try #require(fields[0] == "P6" && fields[3] == "255", "unexpected PPM header \(fields)")
    let width = try #require(Int(fields[1]))
    let height = try #require(Int(fields[2]))
    let data = Data(ppm[index...])
    try #require(data.count == width * height * 3)
    return (data, width, height)
  }

  /// features.f32: raw float32 [1, 16, 32].
  func features() throws -> Data {
    try Data(contentsOf: directory.appendingPathComponent("features.f32"))
  }
}

enum Fixtures {
  static let text: TextFixtures? = load("ET_LLM_FIXTURES_DIR", TextFixtures.init)
  static let multimodal: MultimodalFixtures? = load(
    "ET_LLM_MULTIMODAL_FIXTURES_DIR", MultimodalFixtures.init)

  /// The text variants, for parameterized tests (none without fixtures).
  static var textVariants: [String] { text?.variants ?? [] }

  private static func load<T>(_ variable: String, _ make: (URL) throws -> T) -> T? {
    guard let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty else {
      return nil
    }
    do {
      return try make(URL(fileURLWithPath: path))
    } catch {
      // A set but unreadable directory is a broken setup, not a reason to skip.
      fatalError("\(variable)=\(path): cannot read the manifest: \(error)")
    }
  }
}

/// Greedy, no echo, `n` new tokens at most, exactly `bosCount` BOS (no
/// tokenizer default): how the references were made.
func greedy(_ n: Int, bosCount: Int = 0) -> Config {
  Config {
    $0.temperature = 0
    $0.echoEnabled = false
    $0.maximumNewTokens = n
    $0.bosCount = bosCount
  }
}

/// Every test that loads a model: one at a time, since they share two cores and
/// the stream tests race a generation against its consumer.
@Suite(.serialized) struct Models {}
