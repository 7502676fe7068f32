#include "speculative/acceptance.h"

namespace et_llm::speculative {

std::optional<TokenId> reject_or_keep(const std::vector<float>& probabilities, TokenId drafted,
                                      double uniform) {
  const double kept = drafted < probabilities.size() ? probabilities[drafted] : 0.0;
  if (uniform < kept) {
    return std::nullopt;
  }
  // Rejected (probability 1 - kept): the residual max(p - q, 0), q one-hot at the draft, is
  // p without `drafted`, of mass 1 - kept. Given the rejection, uniform - kept is uniform
  // over that mass, so it serves as the draw.
  double target = uniform - kept;
  std::optional<TokenId> last;
  for (TokenId token = 0; token < probabilities.size(); ++token) {
    if (token == drafted || probabilities[token] <= 0.0f) continue;
    last = token;
    target -= probabilities[token];
    if (target < 0.0) return token;
  }
  // Rounding left a sliver: the last token with weight, or, when the draft
  // holds all of it (a sum just under 1), the draft.
  return last;
}

}  // namespace et_llm::speculative
