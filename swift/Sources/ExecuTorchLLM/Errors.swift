// The errors every throwing call raises: the C API's status as a Swift enum,
// with the message the C side wrote for it.
import CETLLM
import Foundation

/// Why an et_llm call failed. The raw values are the C API's `et_llm_status`
/// values, which are stable across releases (they are saved by users); every
/// status but OK has a case. `name` is the C++ and Python name; the tests check
/// both against the C library's list.
public enum ErrorCode: Int32, CaseIterable, Sendable, CustomStringConvertible {
  /// A bad config value, a wrong shape, an empty prompt.
  case invalidArgument = 1
  /// A call at the wrong time, e.g. while another generation runs on the same session.
  case invalidState = 2
  /// A missing file, method or metadata value.
  case notFound = 3
  /// A corrupt or unsupported .pte.
  case invalidProgram = 4
  /// A corrupt or unsupported tokenizer file.
  case invalidTokenizer = 5
  /// A feature this build or model does not have.
  case notSupported = 6
  /// The prompt does not fit in the room left in the context.
  case contextOverflow = 7
  /// The model's forward failed.
  case executionFailed = 8
  /// A bug in et_llm.
  case `internal` = 9
  /// A user callback reported failure.
  case callbackFailed = 10

  /// The code for a failed C status; `.internal` for one this package does not know.
  init(status: et_llm_status) {
    self = ErrorCode(rawValue: Int32(status.rawValue)) ?? .internal
  }

  var status: et_llm_status { et_llm_status(rawValue: numericCast(rawValue)) }

  /// The name C++ and Python use, e.g. "NotFound".
  public var name: String {
    switch self {
    case .invalidArgument: "InvalidArgument"
    case .invalidState: "InvalidState"
    case .notFound: "NotFound"
    case .invalidProgram: "InvalidProgram"
    case .invalidTokenizer: "InvalidTokenizer"
    case .notSupported: "NotSupported"
    case .contextOverflow: "ContextOverflow"
    case .executionFailed: "ExecutionFailed"
    case .internal: "Internal"
    case .callbackFailed: "CallbackFailed"
    }
  }

  public var description: String { name }
}

/// An et_llm failure: a code to branch on and the library's explanation.
public struct ExecuTorchLLMError: Error, Sendable, Equatable, CustomStringConvertible,
  LocalizedError
{
  public let code: ErrorCode
  public let message: String

  public init(code: ErrorCode, message: String) {
    self.code = code
    self.message = message
  }

  /// The error of the C call that just returned `status` on this thread.
  init(status: et_llm_status) {
    let code = ErrorCode(status: status)
    var message = String(cString: et_llm_last_error_message())
    if code.status != status {
      message = "unknown et_llm status \(status.rawValue)" + (message.isEmpty ? "" : ": " + message)
    }
    self.init(code: code, message: message)
  }

  public var description: String { message.isEmpty ? code.name : "\(code.name): \(message)" }

  public var errorDescription: String? { description }
}
