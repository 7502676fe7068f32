#include "et_llm/tokenizer.h"

#include <pybind11/stl.h>

#include "bindings.h"
#include "et_llm/tokenizer_loader.h"

namespace et_llm::python {

std::shared_ptr<Tokenizer> tokenizer_from(const py::object& tokenizer) {
  const bool is_path = py::isinstance<py::str>(tokenizer) || py::isinstance<py::bytes>(tokenizer) ||
                       py::hasattr(tokenizer, "__fspath__");
  if (!is_path) {
    return tokenizer_from_python(tokenizer);  // et_llm.Tokenizer, or wrapped encode()/decode()
  }
  return std::shared_ptr<Tokenizer>(unwrap(load_tokenizer(path_from(tokenizer))));
}

void bind_tokenizer(py::module_& m) {
  py::class_<Tokenizer, std::shared_ptr<Tokenizer>>(m, "Tokenizer",
                                                    "A tokenizer loaded by load_tokenizer().")
      .def(
          "encode",
          [](const Tokenizer& self, const std::string& text, size_t bos, size_t eos) {
            return call_without_gil([&] { return self.encode(text, bos, eos); });
          },
          py::arg("text"), py::arg("bos") = 0, py::arg("eos") = 0,
          "Token ids of `text` with `bos` BOS ids before it and `eos` EOS ids after it.")
      .def(
          "decode",
          [](const Tokenizer& self, const std::vector<TokenId>& ids, bool skip_special_tokens) {
            return unwrap(self.decode(ids, skip_special_tokens));
          },
          py::arg("ids"), py::arg("skip_special_tokens") = false,
          "Text of `ids`; invalid UTF-8 becomes U+FFFD.")
      .def(
          "decode_token",
          [](const Tokenizer& self, TokenId prev, TokenId token) {
            return py::bytes(unwrap(self.decode_token(prev, token)));
          },
          py::arg("prev_token"), py::arg("token"),
          "Raw bytes `token` adds after `prev_token` (may be partial UTF-8).")
      .def(
          "id_to_piece",
          [](const Tokenizer& self, TokenId id) { return unwrap(self.id_to_piece(id)); },
          py::arg("id"))
      .def("piece_to_id", &Tokenizer::piece_to_id, py::arg("piece"))
      .def("is_special", &Tokenizer::is_special, py::arg("id"))
      .def_property_readonly("bos_id", &Tokenizer::bos_id)
      .def_property_readonly("eos_ids", &Tokenizer::eos_ids)
      .def_property_readonly("vocab_size", &Tokenizer::vocab_size)
      .def("__repr__", [](const Tokenizer& self) {
        return "Tokenizer(vocab_size=" + std::to_string(self.vocab_size()) + ")";
      });

  m.def(
      "load_tokenizer",
      [](const typed::Path& path, std::optional<std::vector<std::string>> special_tokens,
         std::optional<std::string> pattern, size_t bos_token_index, size_t eos_token_index) {
        const std::string file = path_from(path);
        TiktokenOptions tiktoken;
        tiktoken.special_tokens = std::move(special_tokens);
        tiktoken.pattern = std::move(pattern);
        tiktoken.bos_token_index = bos_token_index;
        tiktoken.eos_token_index = eos_token_index;
        return std::shared_ptr<Tokenizer>(
            call_without_gil([&] { return load_tokenizer(file, tiktoken); }));
      },
      py::arg("path"), py::arg("special_tokens") = py::none(), py::arg("pattern") = py::none(),
      py::arg("bos_token_index") = 0, py::arg("eos_token_index") = 1,
      "Loads a tokenizer file (HF tokenizer.json, SentencePiece .model, tiktoken, llama2.c "
      ".bin; detected from the content), or the tokenizer in a model directory. "
      "`special_tokens`, `pattern` and the BOS/EOS indices into `special_tokens` apply to "
      "tiktoken files, which lack them (Llama 3's are the default).");
  m.def(
      "tokenizer_from_python",
      [](const typed::AnyTokenizer& tokenizer) { return tokenizer_from_python(tokenizer); },
      py::arg("tokenizer"),
      "Wraps an object with encode() and decode() (a tokenizers.Tokenizer, a transformers "
      "tokenizer) as a Tokenizer; an et_llm.Tokenizer is returned as is.");
}

}  // namespace et_llm::python
