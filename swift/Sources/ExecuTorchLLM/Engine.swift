// Engine: one loaded model shared by many sessions (et_llm's extra over
// upstream's runners).
import CETLLM

/// A loaded program, tokenizer and metadata. Sessions made from it share the
/// weights and keep their own KV cache. Sendable: every `et_llm_engine`
/// function is thread-safe, and sessions of one engine may generate on
/// different threads at the same time.
public final class Engine: @unchecked Sendable {
  let handle: OpaquePointer

  /// Loads `modelPath` (.pte) and `tokenizerPath` (any supported format, or a
  /// directory holding one); `dataPath` is a separate .ptd weights file.
  public init(modelPath: String, tokenizerPath: String, dataPath: String? = nil) throws {
    handle = try makeHandle { out in
      if let dataPath {
        return et_llm_engine_create(modelPath, tokenizerPath, dataPath, out)
      }
      return et_llm_engine_create(modelPath, tokenizerPath, nil, out)
    }
  }

  deinit { et_llm_engine_free(handle) }  // sessions keep the model alive on their own

  /// A new conversation with an empty KV cache.
  public func makeSession() throws -> Session {
    Session(engine: self, handle: try makeHandle { et_llm_engine_create_session(handle, $0) })
  }

  public var vocabularySize: Int {
    var size: Int64 = 0
    mustSucceed(et_llm_engine_vocab_size(handle, &size), "et_llm_engine_vocab_size")
    return Int(size)
  }

  /// Positions the KV cache holds.
  public var maximumContextLength: Int {
    var length: Int64 = 0
    mustSucceed(et_llm_engine_max_context_len(handle, &length), "et_llm_engine_max_context_len")
    return Int(length)
  }

  /// True for a vision or audio language program (token_embedding + text_decoder).
  public var isMultimodal: Bool {
    var multimodal = false
    mustSucceed(et_llm_engine_is_multimodal(handle, &multimodal), "et_llm_engine_is_multimodal")
    return multimodal
  }

  /// A constant method's value, e.g. "get_max_seq_len"; `.notFound` when absent.
  public func metadata(_ name: String) throws -> Int64 {
    var value: Int64 = 0
    try check(et_llm_engine_metadata(handle, name, &value))
    return value
  }

  /// Text to ids, without BOS or EOS.
  public func encode(_ text: String) throws -> [UInt64] {
    var count = 0
    try check(et_llm_engine_encode(handle, text, nil, 0, &count))
    var tokens = [UInt64](repeating: 0, count: count)
    try tokens.withUnsafeMutableBufferPointer {
      try check(et_llm_engine_encode(handle, text, $0.baseAddress, $0.count, &count))
    }
    return tokens
  }

  public func decode(_ tokens: [UInt64]) throws -> String {
    try tokens.withUnsafeBufferPointer { ids in
      try bufferString { et_llm_engine_decode(handle, ids.baseAddress, ids.count, $0, $1, $2) }
    }
  }

  /// The C library's version, e.g. "0.1.0".
  public static var version: String { String(cString: et_llm_version()) }

  /// Sizes the process-wide thread pool models run on (0: one thread per
  /// physical core). Call it before loading models.
  public static func setThreadCount(_ count: Int) throws {
    guard count >= 0 else {
      throw ExecuTorchLLMError(code: .invalidArgument, message: "thread count \(count) is negative")
    }
    try check(et_llm_set_num_threads(count))
  }
}
