// Why a generation ended, as the C API's et_llm_finish_reason.
import CETLLM

public enum FinishReason: Sendable, CustomStringConvertible {
  /// Nothing generated yet.
  case none
  /// The model produced an EOS id.
  case eos
  /// A stop string or stop token.
  case stopString
  /// `maximumNewTokens`, `sequenceLength` or the context ran out.
  case length
  /// `stop()` was called, or a stream's consumer went away.
  case stopped
  /// The grammar allows nothing more.
  case grammar

  init(_ reason: et_llm_finish_reason) {
    switch reason {
    case ET_LLM_FINISH_EOS: self = .eos
    case ET_LLM_FINISH_STOP_STRING: self = .stopString
    case ET_LLM_FINISH_LENGTH: self = .length
    case ET_LLM_FINISH_STOPPED: self = .stopped
    case ET_LLM_FINISH_GRAMMAR: self = .grammar
    default: self = .none
    }
  }

  public var description: String {
    switch self {
    case .none: "none"
    case .eos: "eos"
    case .stopString: "stopString"
    case .length: "length"
    case .stopped: "stopped"
    case .grammar: "grammar"
    }
  }
}
