// Engine: what a loaded model shares across conversations — the program
// (memory-mapped, rewritten once), tokenizer, metadata, registered kernels and
// the thread pool. Immutable once created and safe to use from any thread;
// each Session it creates owns one conversation's state. Upstream's
// LLMEngine names (create_session, serving_capacity, metadata) as a superset.
#pragma once

#include <executorch/extension/module/module.h>
#include <executorch/runtime/backend/backend_options_map.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/io_manager.h"
#include "et_llm/llm_metadata.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

class Session;

struct EngineOptions {
  std::optional<std::string> data_path;  // .ptd weights next to the .pte
  // A .pte whose `forward` turns waveforms into audio_encoder features, for
  // multimodal programs without an audio_preprocessor method.
  std::optional<std::string> audio_preprocessor_path;
  size_t num_threads = 0;  // process-wide pool size; 0: one per physical core
};

// How many sessions fit without duplicating model weights (upstream's
// LLMServingCapacity, field names kept).
struct ServingCapacity {
  int32_t max_physical_sessions_without_weight_duplication = 1;
  // Planned memory (activations + in-program KV cache) each session adds.
  int64_t estimated_bytes_per_session = 0;
};

enum class ProgramKind {
  Text,        // `forward`, or a `prefill` + `decode` pair
  Multimodal,  // token_embedding + text_decoder (+ encoders)
};

class Engine : public std::enable_shared_from_this<Engine> {
 public:
  static Result<std::shared_ptr<Engine>> create(const std::string& model_path,
                                                std::shared_ptr<Tokenizer> tokenizer,
                                                const EngineOptions& options = {});
  static Result<std::shared_ptr<Engine>> create(const std::string& model_path,
                                                const std::string& tokenizer_path,
                                                const EngineOptions& options = {});
  ~Engine();

  // A new, empty conversation on this engine's weights. `io_manager` is the
  // session's own KV-cache manager (never shared between sessions); null picks
  // one from the program's signature. Safe to call from any thread.
  Result<std::unique_ptr<Session>> create_session(std::shared_ptr<IIOManager> io_manager = nullptr);

  ServingCapacity serving_capacity() const;
  // Upstream's flat metadata: one int64 per constant method.
  const std::unordered_map<std::string, int64_t>& metadata() const { return flat_metadata_; }
  const LlmMetadata& llm_metadata() const { return metadata_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  std::shared_ptr<Tokenizer> tokenizer_ptr() const { return tokenizer_; }
  ProgramKind kind() const { return kind_; }
  // The model's EOS ids and the tokenizer's together.
  const std::unordered_set<TokenId>& eos_ids() const { return eos_ids_; }
  // The model's vocabulary size when it says, else the tokenizer's.
  int64_t vocab_size() const;
  // BOS id: the model's when it says, else the tokenizer's.
  std::optional<TokenId> bos_id() const;
  const std::string& prefill_method() const { return prefill_method_; }
  const std::string& decode_method() const { return decode_method_; }
  // Method signatures and constant methods (not for running the compute
  // methods: each session has its own instances).
  executorch::extension::Module& module() const { return *module_; }

  // For Session: the shared program and what loading a method needs.
  struct Program;
  const Program& program() const { return *program_; }
  const Program* audio_preprocessor() const { return preprocessor_.get(); }

 private:
  Engine() = default;
  Error load(const std::string& model_path, const EngineOptions& options);

  std::shared_ptr<Tokenizer> tokenizer_;
  std::unique_ptr<executorch::extension::Module> module_;
  std::unique_ptr<Program> program_;
  std::unique_ptr<Program> preprocessor_;
  std::unique_ptr<executorch::extension::Module> preprocessor_module_;
  LlmMetadata metadata_;
  std::unordered_map<std::string, int64_t> flat_metadata_;
  std::unordered_set<TokenId> eos_ids_;
  ProgramKind kind_ = ProgramKind::Text;
  std::string prefill_method_ = "forward";
  std::string decode_method_ = "forward";
  bool kv_cache_as_io_ = false;
  int64_t bytes_per_session_ = 0;
  mutable std::mutex sessions_mutex_;  // method loading registers delegates
};

}  // namespace et_llm
