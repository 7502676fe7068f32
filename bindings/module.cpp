// The et_llm._et_llm extension module.
#include "bindings.h"

PYBIND11_MODULE(_et_llm, m) {
  m.doc() = "et_llm: LLM runners for ExecuTorch .pte models";
  using namespace et_llm::python;
  bind_errors(m);
  bind_generation_config(m);
  bind_stats(m);
  bind_tokenizer(m);
  bind_sampler(m);
  bind_io_manager(m);
  // Classes before the signatures that name them (else they read as C++ names).
  bind_multimodal_input(m);
  bind_session(m);
  bind_engine(m);
  bind_text_llm_runner(m);
  bind_decoder_llm_runner(m);
  bind_multimodal_runner(m);
  bind_program_inspection(m);
  bind_grammar_backend(m);
}
