#include "et_llm/engine.h"

#include <executorch/extension/data_loader/mmap_data_loader.h>

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "engine/shared_program.h"
#include "et_llm/default_io_manager.h"
#include "et_llm/llm_runner_helpers.h"
#include "et_llm/multimodal_decoder_runner.h"
#include "et_llm/session.h"
#include "et_llm/static_kv_cache_io_manager.h"
#include "et_llm/threads.h"
#include "platform/executorch_error.h"

namespace et_llm {

namespace {

// The ids that end generation: the model's (metadata) and the tokenizer's
// together; upstream lets the model's replace the tokenizer's.
std::unordered_set<TokenId> merged_eos_ids(const std::vector<int64_t>& model_eos_ids,
                                           const Tokenizer& tokenizer) {
  const std::vector<TokenId> tokenizer_eos = tokenizer.eos_ids();
  std::unordered_set<TokenId> eos_ids(tokenizer_eos.begin(), tokenizer_eos.end());
  for (int64_t id : model_eos_ids) {
    eos_ids.insert(static_cast<TokenId>(id));
  }
  return eos_ids;
}

// XNNPACK packs the weights per delegate instance unless its weight cache is
// on; with it every session's instance points at one packed copy.
bool weight_sharing_enabled() {
  const char* off = std::getenv("ET_LLM_NO_WEIGHT_SHARING");
  return off == nullptr || off[0] == '\0' || off[0] == '0';
}

Result<std::unique_ptr<Engine::Program>> share_program(executorch::extension::Module& module,
                                                       const std::optional<std::string>& data_path,
                                                       bool pair) {
  auto program = std::make_unique<Engine::Program>();
  program->program = module.program();
  ET_LLM_CHECK(program->program != nullptr, InvalidProgram, "the program did not load");
  if (data_path) {
    auto loader = executorch::extension::MmapDataLoader::from(
        data_path->c_str(), executorch::extension::MmapDataLoader::MlockConfig::NoMlock);
    if (!loader.ok()) {
      return detail::from_executorch(loader.error(), ErrorCode::NotFound,
                                     "cannot map " + *data_path);
    }
    program->data_loader =
        std::make_unique<executorch::extension::MmapDataLoader>(std::move(*loader));
    auto map = executorch::extension::FlatTensorDataMap::load(program->data_loader.get());
    if (!map.ok()) {
      return detail::from_executorch(map.error(), ErrorCode::InvalidProgram,
                                     "cannot read the weights file " + *data_path);
    }
    program->data_map = std::make_unique<executorch::extension::FlatTensorDataMap>(std::move(*map));
  }
  if (pair) {
    program->shared_arena_methods = {"prefill", "decode"};
  }
  if (weight_sharing_enabled()) {
    (void)program->xnnpack_options.set_option("weight_cache_enabled", true);
    (void)program->backend_options.set_options("XnnpackBackend", program->xnnpack_options.view());
  }
  return program;
}

}  // namespace

Engine::~Engine() = default;

Result<std::shared_ptr<Engine>> Engine::create(const std::string& model_path,
                                               std::shared_ptr<Tokenizer> tokenizer,
                                               const EngineOptions& options) {
  ET_LLM_CHECK(tokenizer != nullptr, InvalidArgument, "tokenizer is null");
  std::shared_ptr<Engine> engine(new Engine());
  engine->tokenizer_ = std::move(tokenizer);
  ET_LLM_CHECK_OK(engine->load(model_path, options));
  return engine;
}

Result<std::shared_ptr<Engine>> Engine::create(const std::string& model_path,
                                               const std::string& tokenizer_path,
                                               const EngineOptions& options) {
  ET_LLM_ASSIGN_OR_RETURN(std::shared_ptr<Tokenizer> tokenizer, load_tokenizer(tokenizer_path));
  return create(model_path, std::move(tokenizer), options);
}

Error Engine::load(const std::string& model_path, const EngineOptions& options) {
  ET_LLM_CHECK_OK(apply_thread_count(options.num_threads));
  ET_LLM_ASSIGN_OR_RETURN(module_, load_module(model_path, options.data_path));
  ET_LLM_ASSIGN_OR_RETURN(metadata_, read_llm_metadata(*module_));
  for (const auto& [name, value] : metadata_.to_map()) {
    flat_metadata_[name] = value;
  }
  eos_ids_ = merged_eos_ids(metadata_.eos_ids, *tokenizer_);

  auto names = module_->method_names();
  if (!names.ok()) {
    return detail::from_executorch(names.error(), ErrorCode::InvalidProgram,
                                   "cannot read the program's methods");
  }
  bool pair = false;
  if (names->count(kTokenEmbeddingMethod) && names->count(kTextDecoderMethod)) {
    kind_ = ProgramKind::Multimodal;
    prefill_method_ = decode_method_ = kTextDecoderMethod;
  } else if (!names->count("forward") && names->count("prefill") && names->count("decode")) {
    pair = true;
    prefill_method_ = "prefill";
    decode_method_ = "decode";
  }
  ET_LLM_CHECK(names->count(prefill_method_), InvalidProgram,
               "the program has no 'forward' method (nor a 'prefill'/'decode' pair, nor "
               "token_embedding + text_decoder)");
  kv_cache_as_io_ =
      kind_ == ProgramKind::Text && StaticKVCacheIOManager::matches(*module_, prefill_method_);
  ET_LLM_ASSIGN_OR_RETURN(program_, share_program(*module_, options.data_path, pair));

  if (options.audio_preprocessor_path) {
    ET_LLM_CHECK(kind_ == ProgramKind::Multimodal, InvalidArgument,
                 "an audio preprocessor only applies to multimodal programs");
    ET_LLM_ASSIGN_OR_RETURN(preprocessor_module_, load_module(*options.audio_preprocessor_path));
    auto pre_names = preprocessor_module_->method_names();
    ET_LLM_CHECK(pre_names.ok() && pre_names->count("forward"), NotFound,
                 "the audio preprocessor program has no 'forward' method");
    ET_LLM_ASSIGN_OR_RETURN(preprocessor_,
                            share_program(*preprocessor_module_, std::nullopt, false));
  }

  // Planned memory is what each session allocates for itself (a pair's shared
  // arenas once).
  std::vector<int64_t> shared_arenas;
  for (const std::string& method : *names) {
    auto meta = module_->method_meta(method);
    if (!meta.ok() || meta->num_inputs() == 0) {
      continue;  // constant methods run once, here
    }
    const bool shares = program_->shared_arena_methods.count(method) > 0;
    for (size_t i = 0; i < meta->num_memory_planned_buffers(); ++i) {
      auto size = meta->memory_planned_buffer_size(i);
      const int64_t bytes = size.ok() ? static_cast<int64_t>(*size) : 0;
      if (shares && i < 2) {
        shared_arenas.resize(std::max<size_t>(shared_arenas.size(), i + 1), 0);
        shared_arenas[i] = std::max(shared_arenas[i], bytes);
      } else {
        bytes_per_session_ += bytes;
      }
    }
  }
  for (int64_t bytes : shared_arenas) {
    bytes_per_session_ += bytes;
  }
  return Error();
}

int64_t Engine::vocab_size() const {
  if (metadata_.vocab_size) {
    return *metadata_.vocab_size;
  }
  return static_cast<int64_t>(tokenizer_->vocab_size());
}

std::optional<TokenId> Engine::bos_id() const {
  if (metadata_.bos_id) {
    return static_cast<TokenId>(*metadata_.bos_id);
  }
  return tokenizer_->bos_id();
}

ServingCapacity Engine::serving_capacity() const {
  ServingCapacity capacity;
  // Weights are shared (memory-mapped constants, XNNPACK's weight cache), so
  // any number of sessions fits; each adds its planned memory.
  capacity.max_physical_sessions_without_weight_duplication =
      weight_sharing_enabled() ? std::numeric_limits<int32_t>::max() : 1;
  capacity.estimated_bytes_per_session = bytes_per_session_;
  return capacity;
}

Result<std::unique_ptr<Session>> Engine::create_session(std::shared_ptr<IIOManager> io_manager) {
  if (!io_manager) {
    io_manager = kv_cache_as_io_
                     ? std::shared_ptr<IIOManager>(std::make_shared<StaticKVCacheIOManager>())
                     : std::make_shared<DefaultIOManager>();
  }
  std::unique_ptr<Session> session(new Session(shared_from_this(), std::move(io_manager)));
  {
    // Delegate init (weight packing, the cache's bookkeeping) is done one
    // session at a time.
    std::lock_guard<std::mutex> lock(sessions_mutex_);
    ET_LLM_CHECK_OK(session->load());
  }
  return session;
}

}  // namespace et_llm
