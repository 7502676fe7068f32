// What TextLLMRunner and MultimodalRunner share: a C runner handle created
// unloaded, its gate, and the reads of the session the C runner owns.
import CETLLM

/// The C runner calls the two runners have alike (their Swift signatures match).
struct RunnerFunctions: Sendable {
  let free: @Sendable (OpaquePointer?) -> et_llm_status
  let load: @Sendable (OpaquePointer?) -> et_llm_status
  let isLoaded: @Sendable (OpaquePointer?, UnsafeMutablePointer<Bool>?) -> et_llm_status
  let stop: @Sendable (OpaquePointer?) -> et_llm_status
  let reset: @Sendable (OpaquePointer?) -> et_llm_status
  let session: @Sendable (OpaquePointer?, UnsafeMutablePointer<OpaquePointer?>?) -> et_llm_status

  static let text = RunnerFunctions(
    free: et_llm_text_runner_free, load: et_llm_text_runner_load,
    isLoaded: et_llm_text_runner_is_loaded, stop: et_llm_text_runner_stop,
    reset: et_llm_text_runner_reset, session: et_llm_text_runner_session)

  static let multimodal = RunnerFunctions(
    free: et_llm_multimodal_runner_free, load: et_llm_multimodal_runner_load,
    isLoaded: et_llm_multimodal_runner_is_loaded, stop: et_llm_multimodal_runner_stop,
    reset: et_llm_multimodal_runner_reset, session: et_llm_multimodal_runner_session)
}

/// A C runner. Upstream's initializers do not throw, so a failed create (out
/// of memory, in practice) is kept and thrown by `load` and `generate`.
final class RunnerCore: @unchecked Sendable {  // handle calls go through `gate`, or are *_stop
  private let handle: OpaquePointer?
  private let creationError: ExecuTorchLLMError?
  private let functions: RunnerFunctions
  let gate = CallGate("runner")

  init(
    _ functions: RunnerFunctions, create: (UnsafeMutablePointer<OpaquePointer?>) -> et_llm_status
  ) {
    self.functions = functions
    do {
      handle = try makeHandle(create)
      creationError = nil
    } catch {
      handle = nil
      creationError =
        error as? ExecuTorchLLMError ?? ExecuTorchLLMError(code: .internal, message: "\(error)")
    }
  }

  deinit {
    if let handle {
      _ = functions.free(handle)
    }
  }

  var isLoaded: Bool {
    guard let handle else { return false }
    var loaded = false
    mustSucceed(functions.isLoaded(handle, &loaded), "et_llm_*_runner_is_loaded")
    return loaded
  }

  /// Waits for a call running on another thread (after a load, a second one is a no-op).
  func load() throws {
    let handle = try liveHandle()
    try gate.waiting { try check(functions.load(handle)) }
  }

  /// Runs a generate call on the handle, one thread at a time.
  func generate(_ body: (OpaquePointer) throws -> Void) throws {
    let handle = try liveHandle()
    try gate.exclusive { try body(handle) }
  }

  func stop() {
    guard let handle else { return }
    mustSucceed(functions.stop(handle), "et_llm_*_runner_stop")
  }

  /// Waits for a running generation on another thread, then resets. Before
  /// load there is nothing to reset; from inside a token callback the C runner
  /// refuses (it is busy), and upstream's `reset()` has no way to say so.
  func reset() {
    guard let handle else { return }
    gate.waiting { _ = functions.reset(handle) }
  }

  /// Reads the runner's session; nil before load.
  func session<R>(_ read: (SessionState) -> R) -> R? {
    guard let handle else { return nil }
    return gate.waiting {
      var session: OpaquePointer?
      guard functions.session(handle, &session) == ET_LLM_STATUS_OK, let session else {
        return nil
      }
      return read(SessionState(handle: session))
    }
  }

  private func liveHandle() throws -> OpaquePointer {
    guard let handle else {
      throw creationError ?? ExecuTorchLLMError(code: .internal, message: "no runner handle")
    }
    return handle
  }
}
