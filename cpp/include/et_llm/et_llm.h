// et_llm: the whole public C++ API in one include.
//   Engine / Session      one loaded model, many conversations (engine.h, session.h)
//   TextLLMRunner, MultimodalRunner, DecoderLLMRunner   upstream-style runners on them
//   Tokenizer             every format et_llm reads (tokenizer_loader.h)
//   IIOManager            where a program's KV cache lives (io_manager.h)
//   Sampler, LogitsProcessor, logprobs   the sampling chain and its hooks
#pragma once

#include "et_llm/callbacks.h"
#include "et_llm/custom_kernels.h"
#include "et_llm/decoder_llm_runner.h"
#include "et_llm/default_io_manager.h"
#include "et_llm/engine.h"
#include "et_llm/error.h"
#include "et_llm/generation_config.h"
#include "et_llm/grammar.h"
#include "et_llm/io_manager.h"
#include "et_llm/llm_metadata.h"
#include "et_llm/llm_runner_helpers.h"
#include "et_llm/log_level.h"
#include "et_llm/logits_processor.h"
#include "et_llm/logprobs.h"
#include "et_llm/multimodal_input.h"
#include "et_llm/multimodal_runner.h"
#include "et_llm/program_inspection.h"
#include "et_llm/sampler.h"
#include "et_llm/session.h"
#include "et_llm/static_kv_cache_io_manager.h"
#include "et_llm/stats.h"
#include "et_llm/text_llm_runner.h"
#include "et_llm/threads.h"
#include "et_llm/tokenizer.h"
#include "et_llm/tokenizer_loader.h"
