// Generations as AsyncThrowingStreams: the blocking C call runs on its own
// thread, its pieces are yielded, and a consumer that goes away stops it.
import Foundation

/// One stream's generation, so that cancelling the stream stops that
/// generation and never a later one on the same session.
private final class StreamControl: @unchecked Sendable {  // state guarded by `lock`
  private let lock = NSLock()
  private var cancelled = false
  private var running = false

  /// False when the consumer left before the generation began.
  func begin() -> Bool {
    lock.lock()
    defer { lock.unlock() }
    running = !cancelled
    return running
  }

  func end() {
    lock.lock()
    running = false
    lock.unlock()
  }

  func cancel(_ stop: () -> Void) {
    lock.lock()
    defer { lock.unlock() }
    cancelled = true
    if running {
      stop()
    }
  }
}

/// What a stream's thread runs. Foundation releases a thread's block during the
/// thread's teardown, after C++ thread-locals are gone; an et_llm call made then
/// (freeing the last Config, Session or runner the block held) writes into the
/// C API's destroyed error-message buffer. So the block holds only this job,
/// which gives up the generation and the continuation before the block returns.
private final class StreamJob: @unchecked Sendable {  // touched by its one thread only
  private var generate: (@Sendable (@escaping PieceHandler) throws -> Void)?
  private var continuation: AsyncThrowingStream<String, Error>.Continuation?
  private let control: StreamControl

  init(
    _ generate: @escaping @Sendable (@escaping PieceHandler) throws -> Void,
    _ continuation: AsyncThrowingStream<String, Error>.Continuation, _ control: StreamControl
  ) {
    self.generate = generate
    self.continuation = continuation
    self.control = control
  }

  func run() {
    guard let generate, let continuation else { return }
    self.generate = nil
    self.continuation = nil
    guard control.begin() else {
      continuation.finish()
      return
    }
    do {
      try generate { piece in
        if piece.isEmpty {
          return true
        }
        if case .terminated = continuation.yield(piece) {
          return false
        }
        return true
      }
      control.end()
      continuation.finish()
    } catch {
      control.end()
      continuation.finish(throwing: error)
    }
  }
}

/// The pieces `generate` passes to its handler, as a stream. Runs `generate` on a
/// new thread (it blocks for the whole generation, which must not hold a thread
/// of Swift's cooperative pool). When the consuming task is cancelled or stops
/// iterating, `stop` is called; a stop that lands before the C call has begun is
/// caught by the handler, which ends the generation at its first piece.
func pieceStream(
  stop: @escaping @Sendable () -> Void,
  generate: @escaping @Sendable (@escaping PieceHandler) throws -> Void
) -> AsyncThrowingStream<String, Error> {
  let (stream, continuation) = AsyncThrowingStream<String, Error>.makeStream()
  let control = StreamControl()
  continuation.onTermination = { termination in
    if case .cancelled = termination {
      control.cancel(stop)
    }
  }
  let job = StreamJob(generate, continuation, control)
  let thread = Thread { job.run() }
  thread.name = "et_llm.stream"  // Linux keeps 15 bytes of a thread's name
  thread.stackSize = 8 << 20  // as a main thread's: Darwin's secondary threads get 512 KiB
  thread.start()
  return stream
}
