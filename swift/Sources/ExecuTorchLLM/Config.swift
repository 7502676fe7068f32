// Config: what one generation does, as upstream's Swift `Config`, over the C
// API's et_llm_config so the defaults and the checks stay defined once, in C++.
import CETLLM
import Foundation

/// Owns one `et_llm_config`. Shared between `Config` copies until one of them
/// changes (copy-on-write); the lock keeps shared reads on several threads to
/// the C API's one-thread-at-a-time rule.
final class ConfigHandle: @unchecked Sendable {  // every use of `handle` holds `lock`
  private let lock = NSLock()
  private let handle: OpaquePointer

  init() {
    do {
      handle = try makeHandle { et_llm_config_create($0) }
    } catch {
      preconditionFailure("et_llm_config_create failed: \(error)")  // only out of memory
    }
  }

  private init(adopting handle: OpaquePointer) { self.handle = handle }

  deinit { et_llm_config_free(handle) }

  func copy() -> ConfigHandle {
    withHandle { handle in
      do {
        return ConfigHandle(adopting: try makeHandle { et_llm_config_copy(handle, $0) })
      } catch {
        preconditionFailure("et_llm_config_copy failed: \(error)")
      }
    }
  }

  func withHandle<R>(_ body: (OpaquePointer) throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.unlock() }
    return try body(handle)
  }
}

/// The kinds of speculative decoding (et_llm's extra).
public enum Speculative: String, Sendable {
  case off = ""
  case promptLookup = "prompt_lookup"
}

/// The kinds of grammar constrained decoding takes (et_llm's extra).
public enum GrammarType: String, Sendable, CaseIterable {
  case jsonSchema = "json_schema"
  case regex
  case lark
  case gbnf
}

/// What one generation does: upstream's `Config` (`Config { $0.temperature = 0 }`)
/// with et_llm's sampling fields. A value type: copies change independently.
/// Every field's default is the C++ `GenerationConfig`'s (echo on, temperature
/// 0.8, as many new tokens as the context allows, no BOS). Setters take any
/// value; `validate()` or the generation itself rejects those out of range.
public struct Config: Sendable, CustomStringConvertible {
  private var storage = ConfigHandle()
  // The C API sets these but cannot read them back, so they are kept here too.
  private var stopStringList: [String] = []
  private var stopTokenList: [UInt64] = []
  private var grammarText = ""
  private var grammarKind = GrammarType.jsonSchema
  private var speculativeKind = Speculative.off
  private var draftTokenCount: Int32 = 8

  /// The defaults.
  public init() {}

  /// The defaults, then `configure` (upstream's `Config { $0.sequenceLength = 2048 }`).
  public init(_ configure: (inout Config) throws -> Void) rethrows {
    try configure(&self)
  }

  // MARK: upstream's fields

  /// Whether the prompt is passed to the token callback before the generated text.
  public var echoEnabled: Bool {
    get { get(et_llm_config_get_echo, false, "et_llm_config_get_echo") }
    set { set(et_llm_config_set_echo, newValue, "et_llm_config_set_echo") }
  }

  /// `echoEnabled` under the name upstream's Objective-C getter gives Swift.
  public var isEchoEnabled: Bool {
    get { echoEnabled }
    set { echoEnabled = newValue }
  }

  /// New tokens at most; -1: as many as the context (or `sequenceLength`) allows.
  public var maximumNewTokens: Int {
    get { Int(get(et_llm_config_get_max_new_tokens, 0, "et_llm_config_get_max_new_tokens")) }
    set {
      set(
        et_llm_config_set_max_new_tokens, Int32(clamping: newValue),
        "et_llm_config_set_max_new_tokens")
    }
  }

  /// A warm-up run: no callbacks, stats not reported.
  public var warming: Bool {
    get { get(et_llm_config_get_warming, false, "et_llm_config_get_warming") }
    set { set(et_llm_config_set_warming, newValue, "et_llm_config_set_warming") }
  }

  /// `warming` under the name upstream's Objective-C getter gives Swift.
  public var isWarming: Bool {
    get { warming }
    set { warming = newValue }
  }

  /// Cap on prompt plus generated tokens; -1: the model's context length.
  public var sequenceLength: Int {
    get { Int(get(et_llm_config_get_seq_len, 0, "et_llm_config_get_seq_len")) }
    set { set(et_llm_config_set_seq_len, Int32(clamping: newValue), "et_llm_config_set_seq_len") }
  }

  /// Sampling temperature; 0 is greedy (argmax). Stored as a C float.
  public var temperature: Double {
    get { Double(get(et_llm_config_get_temperature, 0, "et_llm_config_get_temperature")) }
    set { set(et_llm_config_set_temperature, Float(newValue), "et_llm_config_set_temperature") }
  }

  /// BOS ids put before a text prompt. Setting it (even to 0) turns
  /// `addSpecialTokens` off: the prompt is framed exactly as asked, as upstream does.
  public var bosCount: Int {
    get { Int(get(et_llm_config_get_num_bos, 0, "et_llm_config_get_num_bos")) }
    set { set(et_llm_config_set_num_bos, Int32(clamping: newValue), "et_llm_config_set_num_bos") }
  }

  /// EOS ids put after a text prompt.
  public var eosCount: Int {
    get { Int(get(et_llm_config_get_num_eos, 0, "et_llm_config_get_num_eos")) }
    set { set(et_llm_config_set_num_eos, Int32(clamping: newValue), "et_llm_config_set_num_eos") }
  }

  // MARK: et_llm's framing, sampling and stopping fields

  /// Without a `bosCount` of its own, a text prompt that starts a conversation
  /// gets the BOS its tokenizer's config adds, as Hugging Face's
  /// `add_special_tokens=True` does; false frames it with exactly `bosCount`.
  public var addSpecialTokens: Bool {
    get { get(et_llm_config_get_add_special_tokens, false, "et_llm_config_get_add_special_tokens") }
    set {
      set(et_llm_config_set_add_special_tokens, newValue, "et_llm_config_set_add_special_tokens")
    }
  }

  /// Keep generating after an EOS id (stop tokens still end the generation).
  public var ignoreEOS: Bool {
    get { get(et_llm_config_get_ignore_eos, false, "et_llm_config_get_ignore_eos") }
    set { set(et_llm_config_set_ignore_eos, newValue, "et_llm_config_set_ignore_eos") }
  }

  /// Sampling seed; -1: nondeterministic.
  public var seed: Int64 {
    get { get(et_llm_config_get_seed, 0, "et_llm_config_get_seed") }
    set { set(et_llm_config_set_seed, newValue, "et_llm_config_set_seed") }
  }

  /// Keep the k most likely tokens; 0: off.
  public var topK: Int {
    get { Int(get(et_llm_config_get_top_k, 0, "et_llm_config_get_top_k")) }
    set { set(et_llm_config_set_top_k, Int32(clamping: newValue), "et_llm_config_set_top_k") }
  }

  /// Keep the smallest set of tokens with this probability mass; 1: off.
  public var topP: Double {
    get { Double(get(et_llm_config_get_top_p, 0, "et_llm_config_get_top_p")) }
    set { set(et_llm_config_set_top_p, Float(newValue), "et_llm_config_set_top_p") }
  }

  /// Drop tokens less likely than `minP` times the best one; 0: off.
  public var minP: Double {
    get { Double(get(et_llm_config_get_min_p, 0, "et_llm_config_get_min_p")) }
    set { set(et_llm_config_set_min_p, Float(newValue), "et_llm_config_set_min_p") }
  }

  /// Divides the positive (multiplies the negative) logits of seen tokens; 1: off.
  public var repetitionPenalty: Double {
    get {
      Double(get(et_llm_config_get_repetition_penalty, 0, "et_llm_config_get_repetition_penalty"))
    }
    set {
      set(
        et_llm_config_set_repetition_penalty, Float(newValue),
        "et_llm_config_set_repetition_penalty")
    }
  }

  /// Subtracts count times this from a seen token's logit; 0: off.
  public var frequencyPenalty: Double {
    get {
      Double(get(et_llm_config_get_frequency_penalty, 0, "et_llm_config_get_frequency_penalty"))
    }
    set {
      set(
        et_llm_config_set_frequency_penalty, Float(newValue),
        "et_llm_config_set_frequency_penalty")
    }
  }

  /// Subtracts this once from each seen token's logit; 0: off.
  public var presencePenalty: Double {
    get {
      Double(get(et_llm_config_get_presence_penalty, 0, "et_llm_config_get_presence_penalty"))
    }
    set {
      set(
        et_llm_config_set_presence_penalty, Float(newValue),
        "et_llm_config_set_presence_penalty")
    }
  }

  /// How many recent tokens the penalties look at; -1: all.
  public var penaltyLastN: Int {
    get { Int(get(et_llm_config_get_penalty_last_n, 0, "et_llm_config_get_penalty_last_n")) }
    set {
      set(
        et_llm_config_set_penalty_last_n, Int32(clamping: newValue),
        "et_llm_config_set_penalty_last_n")
    }
  }

  /// Text that ends the generation; it and what follows are never passed on.
  public var stopStrings: [String] {
    get { stopStringList }
    set {
      stopStringList = newValue
      applyStops()
    }
  }

  /// Ids that end the generation besides the model's EOS ids, even with `ignoreEOS`.
  public var stopTokens: [UInt64] {
    get { stopTokenList }
    set {
      stopTokenList = newValue
      applyStops()
    }
  }

  /// A constraint on the output, read as `grammarType`; empty: none. Needs a
  /// grammar backend in the C library (the Python package installs one).
  public var grammar: String {
    get { grammarText }
    set {
      grammarText = newValue
      applyGrammar()
    }
  }

  public var grammarType: GrammarType {
    get { grammarKind }
    set {
      grammarKind = newValue
      applyGrammar()
    }
  }

  /// Speculative decoding (et_llm's extra): `.promptLookup` verifies drafts of
  /// up to `numDraftTokens` tokens from the conversation in one forward:
  /// greedy decoding gives the same tokens and sampling the same
  /// distribution, faster where the output repeats the input.
  public var speculative: Speculative {
    get { speculativeKind }
    set {
      speculativeKind = newValue
      applySpeculative()
    }
  }

  public var numDraftTokens: Int32 {
    get { draftTokenCount }
    set {
      draftTokenCount = newValue
      applySpeculative()
    }
  }

  // MARK: checks

  /// Throws `.invalidArgument` naming the first field out of range.
  public func validate() throws {
    try storage.withHandle { try check(et_llm_config_validate($0)) }
  }

  /// The C++ config, e.g. "GenerationConfig(echo=true, max_new_tokens=-1, ...)".
  public var description: String {
    storage.withHandle { handle in
      do {
        return try bufferString { et_llm_config_describe(handle, $0, $1, $2) }
      } catch {
        preconditionFailure("et_llm_config_describe failed: \(error)")
      }
    }
  }

  // MARK: the C handle

  /// Runs `body` with a private copy of the C config, so a generation reads
  /// values no other thread can reach while it runs.
  func withCConfig<R>(_ body: (OpaquePointer) throws -> R) rethrows -> R {
    try storage.copy().withHandle(body)
  }

  private func get<T>(
    _ getter: (OpaquePointer?, UnsafeMutablePointer<T>?) -> et_llm_status, _ initial: T,
    _ call: StaticString
  ) -> T {
    storage.withHandle { handle in
      var value = initial
      mustSucceed(getter(handle, &value), call)
      return value
    }
  }

  private mutating func set<T>(
    _ setter: (OpaquePointer?, T) -> et_llm_status, _ value: T, _ call: StaticString
  ) {
    mutate { mustSucceed(setter($0, value), call) }
  }

  private mutating func mutate(_ body: (OpaquePointer) -> Void) {
    if !isKnownUniquelyReferenced(&storage) {
      storage = storage.copy()
    }
    storage.withHandle(body)
  }

  private mutating func applyStops() {
    let strings = stopStringList
    let tokens = stopTokenList
    mutate { handle in
      mustSucceed(et_llm_config_clear_stops(handle), "et_llm_config_clear_stops")
      for text in strings {
        mustSucceed(et_llm_config_add_stop_string(handle, text), "et_llm_config_add_stop_string")
      }
      for token in tokens {
        mustSucceed(et_llm_config_add_stop_token(handle, token), "et_llm_config_add_stop_token")
      }
    }
  }

  private mutating func applySpeculative() {
    let kind = speculativeKind.rawValue
    let count = draftTokenCount
    // Never fails: the values are checked by validate() and generation.
    mutate {
      mustSucceed(et_llm_config_set_speculative($0, kind, count), "et_llm_config_set_speculative")
    }
  }

  private mutating func applyGrammar() {
    let text = grammarText
    let kind = grammarKind.rawValue
    // Fails only for an unknown type, which GrammarType cannot name.
    mutate { mustSucceed(et_llm_config_set_grammar($0, text, kind), "et_llm_config_set_grammar") }
  }
}
