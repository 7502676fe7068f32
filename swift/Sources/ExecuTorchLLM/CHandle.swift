// Calling the C API: status checks, C strings, and the token callback
// trampoline that carries a Swift closure through `user_data`.
import CETLLM
import Foundation

/// Throws the error of a failed C call. Call it right after the C call, on the
/// same thread: the message is thread-local and the next et_llm call replaces it.
@inline(__always)
func check(_ status: et_llm_status) throws {
  if status != ET_LLM_STATUS_OK {
    throw ExecuTorchLLMError(status: status)
  }
}

/// For calls that fail only on a dead or mistyped handle, which this package
/// never passes: a failure is a bug here, not a condition to report.
@inline(__always)
func mustSucceed(_ status: et_llm_status, _ call: StaticString) {
  if status != ET_LLM_STATUS_OK {
    preconditionFailure("\(call) failed: \(ExecuTorchLLMError(status: status))")
  }
}

/// Creates a handle with an `et_llm_*_create`-style call.
func makeHandle(_ create: (UnsafeMutablePointer<OpaquePointer?>) -> et_llm_status) throws
  -> OpaquePointer
{
  var out: OpaquePointer?
  try check(create(&out))
  guard let out else {
    throw ExecuTorchLLMError(code: .internal, message: "the C API returned no handle")
  }
  return out
}

/// `strings` as a C `const char* const*` for the duration of `body`.
func withCStrings<R>(
  _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) throws -> R
) rethrows -> R {
  let owned = strings.map { strdup($0) }
  defer {
    for string in owned { free(string) }
  }
  let pointers = owned.map { UnsafePointer<CChar>($0) }
  return try pointers.withUnsafeBufferPointer { try body($0.baseAddress) }
}

/// A C string of `size` bytes (the C API passes sizes, so embedded NULs survive).
func string(_ bytes: UnsafePointer<CChar>?, count: Int) -> String {
  guard let bytes, count > 0 else { return "" }
  return bytes.withMemoryRebound(to: UInt8.self, capacity: count) {
    String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
  }
}

/// A string the C API writes into the caller's buffer, as snprintf does: the
/// first call asks its size, the second reads it.
func bufferString(
  _ write: (UnsafeMutablePointer<CChar>?, Int, UnsafeMutablePointer<Int>) -> et_llm_status
) throws -> String {
  var size = 0
  try check(write(nil, 0, &size))
  var buffer = [CChar](repeating: 0, count: size + 1)
  try buffer.withUnsafeMutableBufferPointer { try check(write($0.baseAddress, $0.count, &size)) }
  return buffer.withUnsafeBufferPointer { string($0.baseAddress, count: size) }
}

/// Receives the pieces of one generation; returns false to end it.
typealias PieceHandler = (String) -> Bool

/// Holds a `PieceHandler` while C calls back into Swift.
private final class PieceSink {
  let handler: PieceHandler
  init(_ handler: @escaping PieceHandler) { self.handler = handler }
}

private func pieceTrampoline(
  _ piece: UnsafePointer<CChar>?, _ size: Int, _ userData: UnsafeMutableRawPointer?
) -> et_llm_callback_action {
  guard let userData else { return ET_LLM_CONTINUE }
  let sink = Unmanaged<PieceSink>.fromOpaque(userData).takeUnretainedValue()
  return sink.handler(string(piece, count: size)) ? ET_LLM_CONTINUE : ET_LLM_STOP
}

/// Runs `body` with a C callback and user data that deliver pieces to `handler`;
/// NULL for both without a handler (the runners then skip the echo as well).
func withPieceCallback<R>(
  _ handler: PieceHandler?,
  _ body: (et_llm_token_callback?, UnsafeMutableRawPointer?) throws -> R
) rethrows -> R {
  guard let handler else { return try body(nil, nil) }
  let sink = PieceSink(handler)
  return try withExtendedLifetime(sink) {
    try body(pieceTrampoline, Unmanaged.passUnretained(sink).toOpaque())
  }
}
