// Reads of an et_llm_session's last generation, shared by Session and the
// runners (whose session the C runner owns).
import CETLLM

/// A live `et_llm_session`, read under its owner's `CallGate`: the pointers the
/// C API returns stay valid only until the next call on the session.
struct SessionState {
  let handle: OpaquePointer

  /// The ids of the last generation, the EOS that ended it included.
  var generatedTokens: [UInt64] {
    var tokens: UnsafePointer<UInt64>?
    var count = 0
    mustSucceed(
      et_llm_session_generated_tokens(handle, &tokens, &count), "et_llm_session_generated_tokens")
    guard let tokens, count > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: tokens, count: count))
  }

  /// The text of the last generation (without the prompt, stop strings or EOS).
  var generatedText: String {
    var text: UnsafePointer<CChar>?
    var size = 0
    mustSucceed(
      et_llm_session_generated_text(handle, &text, &size), "et_llm_session_generated_text")
    return string(text, count: size)
  }

  var finishReason: FinishReason {
    var reason = ET_LLM_FINISH_NONE
    mustSucceed(et_llm_session_finish_reason(handle, &reason), "et_llm_session_finish_reason")
    return FinishReason(reason)
  }

  /// Positions of the context in use.
  var position: Int {
    var position: Int64 = 0
    mustSucceed(et_llm_session_position(handle, &position), "et_llm_session_position")
    return Int(position)
  }

  var stats: Stats {
    do {
      return try Stats(session: handle)
    } catch {
      preconditionFailure("reading a live session's stats failed: \(error)")
    }
  }
}
