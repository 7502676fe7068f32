// One thread at a time on a C session or runner, as the C API requires of
// every call but *_stop.
import Foundation

/// Serializes the Swift calls on one C handle. The C side refuses a second
/// generate or prefill while one runs, but its getters (generated tokens,
/// position, stats) read state a running generation writes; this gate makes
/// those reads wait instead of racing. Recursive, so a token callback may read
/// its own runner's state (it runs on the generating thread).
final class CallGate: @unchecked Sendable {  // NSRecursiveLock is thread-safe
  private let lock = NSRecursiveLock()
  private let owner: String

  /// `owner` names the handle in the busy error: "runner" or "session".
  init(_ owner: String) { self.owner = owner }

  /// For calls that change the conversation: refused with `.invalidState` while
  /// another thread is inside, as the C API refuses a concurrent generate.
  func exclusive<R>(_ body: () throws -> R) throws -> R {
    guard lock.try() else {
      throw ExecuTorchLLMError(
        code: .invalidState,
        message: "another generate() or prefill() is running on this \(owner); call stop() or wait")
    }
    defer { lock.unlock() }
    return try body()
  }

  /// For reads, and for resets that must not be lost: waits for a running call to end.
  func waiting<R>(_ body: () throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }
}
