// The parts of a multimodal prompt, with upstream's Swift names: Image, Audio,
// MultimodalInput. Values only; InputList turns them into the C API's inputs.
import Foundation

/// How an image's values are ordered (et_llm's extra; upstream takes planes only).
public enum ImageLayout: Sendable {
  /// Planes: all of channel 0, then all of channel 1, ... (upstream's order).
  case chw
  /// Pixels: RGB RGB ... (what image files and most decoders give).
  case hwc
}

/// An image as the model's encoder takes it, already at the encoder's size.
public struct Image: Sendable {
  /// `width * height * channels` values: bytes, or native-endian float32 when `isFloat`.
  public let data: Data
  public let width: Int
  public let height: Int
  public let channels: Int
  public let isFloat: Bool
  public let layout: ImageLayout

  /// uint8 values (upstream's `Image(data:width:height:channels:)`).
  public init(data: Data, width: Int, height: Int, channels: Int, layout: ImageLayout = .chw) {
    self.init(data, width, height, channels, isFloat: false, layout)
  }

  /// float32 values, for models whose encoder takes normalized floats.
  public init(float data: Data, width: Int, height: Int, channels: Int, layout: ImageLayout = .chw)
  {
    self.init(data, width, height, channels, isFloat: true, layout)
  }

  private init(
    _ data: Data, _ width: Int, _ height: Int, _ channels: Int, isFloat: Bool,
    _ layout: ImageLayout
  ) {
    self.data = data
    self.width = width
    self.height = height
    self.channels = channels
    self.isFloat = isFloat
    self.layout = layout
  }
}

/// Preprocessed audio features [batchSize, bins, frames], float32 (e.g. a mel spectrogram).
public struct Audio: Sendable {
  public let data: Data
  public let batchSize: Int
  public let bins: Int
  public let frames: Int

  public init(float data: Data, batchSize: Int, bins: Int, frames: Int) {
    self.data = data
    self.batchSize = batchSize
    self.bins = bins
    self.frames = frames
  }
}

/// A waveform [batchSize, channels, samples], float32, for models that take raw audio
/// (et_llm's extra).
public struct RawAudio: Sendable {
  public let data: Data
  public let batchSize: Int
  public let channels: Int
  public let samples: Int

  public init(float data: Data, batchSize: Int, channels: Int, samples: Int) {
    self.data = data
    self.batchSize = batchSize
    self.channels = channels
    self.samples = samples
  }
}

/// One part of a multimodal prompt, fed in order.
public enum MultimodalInput: Sendable {
  case text(String)
  /// Token ids as they are (no BOS or EOS added).
  case tokens([UInt64])
  case image(Image)
  case audio(Audio)
  case rawAudio(RawAudio)

  public init(_ text: String) { self = .text(text) }
  public init(_ image: Image) { self = .image(image) }
  public init(_ audio: Audio) { self = .audio(audio) }
  /// Upstream's earlier spelling of `MultimodalInput(audio)`.
  public init(audio: Audio) { self = .audio(audio) }
  public init(_ rawAudio: RawAudio) { self = .rawAudio(rawAudio) }
  public init(tokens: [UInt64]) { self = .tokens(tokens) }
}
