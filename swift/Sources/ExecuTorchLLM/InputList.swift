// [MultimodalInput] as the C API's et_llm_inputs, for the length of one call.
import CETLLM
import Foundation

/// An `et_llm_inputs` handle filled from Swift values. The C API reads
/// `width * height * channels` values from a bare pointer, so the byte counts
/// are checked here before any pointer is passed.
final class InputList {
  let handle: OpaquePointer

  init(_ inputs: [MultimodalInput]) throws {
    handle = try makeHandle { et_llm_inputs_create($0) }
    for input in inputs {
      try add(input)
    }
  }

  deinit { et_llm_inputs_free(handle) }

  private func add(_ input: MultimodalInput) throws {
    switch input {
    case .text(let text):
      try check(et_llm_inputs_add_text(handle, text))
    case .tokens(let tokens):
      try tokens.withUnsafeBufferPointer {
        try check(et_llm_inputs_add_tokens(handle, $0.baseAddress, $0.count))
      }
    case .image(let image):
      let (width, height, channels, count) = try shape(
        "Image", image.width, image.height, image.channels)
      let layout = image.layout == .hwc ? ET_LLM_IMAGE_LAYOUT_HWC : ET_LLM_IMAGE_LAYOUT_CHW
      if image.isFloat {
        try withFloats(image.data, count: count, what: "Image(float:)") {
          try check(et_llm_inputs_add_image_float(
              handle, $0, count, width, height, channels, layout))
        }
      } else {
        try checkSize(image.data, count: count, elementSize: 1, what: "Image(data:)")
        try image.data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
          let pixels = bytes.bindMemory(to: UInt8.self)
          try check(
            et_llm_inputs_add_image_uint8(
              handle, pixels.baseAddress, count, width, height, channels, layout))
        }
      }
    case .audio(let audio):
      let (batch, bins, frames, count) = try shape(
        "Audio", audio.batchSize, audio.bins, audio.frames)
      try withFloats(audio.data, count: count, what: "Audio(float:)") {
        try check(et_llm_inputs_add_audio(handle, $0, count, batch, bins, frames))
      }
    case .rawAudio(let audio):
      let (batch, channels, samples, count) = try shape(
        "RawAudio", audio.batchSize, audio.channels, audio.samples)
      try withFloats(audio.data, count: count, what: "RawAudio(float:)") {
        try check(et_llm_inputs_add_raw_audio(handle, $0, count, batch, channels, samples))
      }
    }
  }
}

/// Three sizes as C ints and the number of values they make; 0 when one is not
/// positive (the C API then refuses the input without reading any data).
private func shape(_ what: String, _ a: Int, _ b: Int, _ c: Int) throws
  -> (Int32, Int32, Int32, Int)
{
  guard let a32 = Int32(exactly: a), let b32 = Int32(exactly: b), let c32 = Int32(exactly: c)
  else {
    throw ExecuTorchLLMError(
      code: .invalidArgument, message: "\(what) sizes \(a)x\(b)x\(c) do not fit in 32 bits")
  }
  guard a > 0, b > 0, c > 0 else { return (a32, b32, c32, 0) }
  let (ab, overflowAB) = a.multipliedReportingOverflow(by: b)
  let (abc, overflowABC) = ab.multipliedReportingOverflow(by: c)
  guard !overflowAB, !overflowABC else {
    throw ExecuTorchLLMError(
      code: .invalidArgument, message: "\(what) sizes \(a)x\(b)x\(c) are too large")
  }
  return (a32, b32, c32, abc)
}

private func checkSize(_ data: Data, count: Int, elementSize: Int, what: String) throws {
  guard count > 0, data.count != count * elementSize else { return }
  throw ExecuTorchLLMError(
    code: .invalidArgument,
    message: "\(what) has \(data.count) bytes; its sizes need \(count) values"
      + " (\(count * elementSize) bytes)")
}

/// `data` as aligned floats: Data gives no alignment guarantee, so it is copied
/// (the C API copies the values anyway).
private func withFloats<R>(
  _ data: Data, count: Int, what: String, _ body: (UnsafePointer<Float>?) throws -> R
) throws -> R {
  try checkSize(data, count: count, elementSize: MemoryLayout<Float>.size, what: what)
  var floats = [Float](repeating: 0, count: data.count / MemoryLayout<Float>.size)
  floats.withUnsafeMutableBytes { _ = data.copyBytes(to: $0) }
  return try floats.withUnsafeBufferPointer { try body($0.baseAddress) }
}
