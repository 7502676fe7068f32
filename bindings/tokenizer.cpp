#include <pybind11/stl.h>

#include "bindings.h"
#include "et_llm/llm_runner_helpers.h"
#include "et_llm/tokenizer.h"

namespace et_llm::python {

void bind_tokenizer(py::module_& m) {
  py::class_<Tokenizer, std::shared_ptr<Tokenizer>>(m, "Tokenizer",
                                                    "A tokenizer loaded by load_tokenizer().")
      .def(
          "encode",
          [](const Tokenizer& self, const std::string& text, size_t bos, size_t eos) {
            Result<std::vector<TokenId>> ids = Error();
            {
              py::gil_scoped_release release;
              ids = self.encode(text, bos, eos);
            }
            return unwrap(std::move(ids));
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
      [](const std::string& path) {
        return std::shared_ptr<Tokenizer>(unwrap(load_tokenizer(path)));
      },
      py::arg("path"), "Loads a tokenizer file, or the tokenizer in a model directory.");
}

}  // namespace et_llm::python
