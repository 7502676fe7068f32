// swift-tools-version: 6.0
// ExecuTorchLLM: upstream ExecuTorch's Swift LLM API (TextLLMRunner, MultimodalRunner,
// Config, MultimodalInput) over et_llm's C API, plus engines, sessions and async streams.
//
// The C library is found with pkg-config (et_llm_c.pc, installed with the Python
// package). SwiftPM drops the .pc's -Wl,-rpath, so pass it when building:
//   ET_LLM_LIB=$(python -c "import et_llm, pathlib; print(pathlib.Path(et_llm.__file__).parent / 'lib')")
//   export PKG_CONFIG_PATH=$ET_LLM_LIB/pkgconfig
//   swift build -Xlinker -rpath -Xlinker "$ET_LLM_LIB"
import PackageDescription

let package = Package(
  name: "ExecuTorchLLM",
  platforms: [.macOS(.v13), .iOS(.v16)],
  products: [
    .library(name: "ExecuTorchLLM", targets: ["ExecuTorchLLM"])
  ],
  targets: [
    .systemLibrary(
      name: "CETLLM",
      path: "Sources/CETLLM",
      pkgConfig: "et_llm_c"
    ),
    .target(
      name: "ExecuTorchLLM",
      dependencies: ["CETLLM"]
    ),
    .testTarget(
      name: "ExecuTorchLLMTests",
      dependencies: ["ExecuTorchLLM", "CETLLM"]
    ),
  ]
)
