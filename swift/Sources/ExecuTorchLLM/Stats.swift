// Timings and counts of one generation, read from the C API's et_llm_stats.
import CETLLM

/// What the last generation of a session or runner did and how fast.
public struct Stats: Sendable {
  public let promptTokenCount: Int
  public let generatedTokenCount: Int
  /// From the start of inference to the first generated token.
  public let timeToFirstToken: Duration
  public let prefillTokensPerSecond: Double
  public let decodeTokensPerSecond: Double
  /// Every field, as upstream's stats JSON.
  public let json: String

  /// The stats of `session` (a live `et_llm_session`).
  init(session: OpaquePointer) throws {
    let stats = try makeHandle { et_llm_stats_create($0) }
    defer { et_llm_stats_free(stats) }
    try check(et_llm_session_get_stats(session, stats))
    var prompt: Int64 = 0
    var generated: Int64 = 0
    var firstTokenMs: Int64 = 0
    var prefill = 0.0
    var decode = 0.0
    try check(et_llm_stats_num_prompt_tokens(stats, &prompt))
    try check(et_llm_stats_num_generated_tokens(stats, &generated))
    try check(et_llm_stats_time_to_first_token_ms(stats, &firstTokenMs))
    try check(et_llm_stats_prefill_tokens_per_second(stats, &prefill))
    try check(et_llm_stats_decode_tokens_per_second(stats, &decode))
    let json = try bufferString { et_llm_stats_to_json(stats, $0, $1, $2) }
    promptTokenCount = Int(prompt)
    generatedTokenCount = Int(generated)
    timeToFirstToken = .milliseconds(firstTokenMs)
    prefillTokensPerSecond = prefill
    decodeTokensPerSecond = decode
    self.json = json
  }
}
