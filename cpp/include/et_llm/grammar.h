// Constrained decoding: GenerationConfig::grammar (upstream's field) holds a
// JSON schema, a regex, a Lark or a GBNF grammar, named by grammar_type. A
// GrammarBackend compiles it for the model's tokenizer into a GrammarMatcher,
// which masks each step's logits in place, takes the sampled token, names the
// tokens the grammar forces (fed without sampling, several per forward) and
// says when the output is complete (the generation then ends).
//
// The backend is process-wide. The Python package installs one built on
// llguidance when it is importable; C++ programs install their own.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

// The grammar_type values: "json_schema", "regex", "lark", "gbnf".
bool is_grammar_type(const std::string& grammar_type);
std::string grammar_type_names();  // for messages: the values above, comma-separated

// One generation's position in a compiled grammar.
class GrammarMatcher {
 public:
  virtual ~GrammarMatcher() = default;
  // The tokens allowed next, as a bitmask: token t when bit t % 32 of
  // words[t / 32] is set. `words` arrives zeroed: ids the backend does not
  // know (a model vocabulary wider than the tokenizer's) stay disallowed.
  virtual Error fill_mask(uint32_t* words, size_t num_words) = 0;
  // Commits `token`, one the last mask allowed.
  virtual Error accept(TokenId token) = 0;
  // The tokens that must come next whatever is sampled (empty if there is a choice).
  virtual Result<std::vector<TokenId>> forced_tokens() = 0;
  // True once the output is complete: nothing but an end may follow.
  virtual bool is_stopped() = 0;
};

struct GrammarRequest {
  std::string grammar_type;
  std::string grammar;
  std::shared_ptr<Tokenizer> tokenizer;
  std::vector<TokenId> eos_ids;  // the model's and the tokenizer's
  size_t vocab_size = 0;         // the model's logits width
};

class GrammarBackend {
 public:
  virtual ~GrammarBackend() = default;
  // InvalidArgument for a grammar that does not compile, before any forward.
  virtual Result<std::unique_ptr<GrammarMatcher>> compile(const GrammarRequest& request) = 0;
};

// Installs the process-wide backend (nullptr removes it); thread-safe.
void set_grammar_backend(std::shared_ptr<GrammarBackend> backend);
std::shared_ptr<GrammarBackend> grammar_backend();

}  // namespace et_llm
