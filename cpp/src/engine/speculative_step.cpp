// Session::advance_speculative: decoding that feeds the pending token with a
// prompt-lookup draft in one forward and keeps as much of the draft as the
// model allows, so several tokens can cost one read of the weights. Greedy
// keeps the prefix equal to the model's own picks; sampling keeps each drafted
// token with the model's probability of it (speculative/acceptance.h), so the
// output is distributed as plain sampling's.
#include <algorithm>
#include <cmath>

#include "et_llm/session.h"
#include "et_llm/text_decoder_runner.h"
#include "speculative/acceptance.h"
#include "speculative/prompt_lookup.h"

namespace et_llm {

namespace {

Error nan_logits(int64_t position) {
  return Error(ErrorCode::ExecutionFailed, "the model's logits are NaN at position " +
                                               std::to_string(position) + ": no token to sample");
}

// The tokens one verification yields, `rows(i)` being the logits after the
// pending token and draft[0, i): the drafts kept, then the model's token after
// them (a replacement for the first draft it refused, or, when it kept them
// all, one more). Greedy keeps a draft the sampler would pick itself, so the
// tokens are advance()'s; sampling keeps it with the sampler's probability of
// it. `context` is the penalties' history before the draft (empty without
// penalties): a row's penalties see the drafts kept before it, as plain
// decoding's would see them generated. `first_position` names a NaN row.
template <typename Rows>
Result<std::vector<TokenId>> verify(Sampler& sampler, std::vector<TokenId> context,
                                    const std::vector<TokenId>& draft, const Rows& rows,
                                    int64_t first_position) {
  const SamplingParams& params = sampler.params();
  const bool greedy = params.temperature <= 0.0f || params.top_k == 1;
  const bool penalize = params.has_penalties();
  std::vector<TokenId> chosen;
  std::vector<float> probabilities;
  for (size_t i = 0;; ++i) {
    const Logits row = rows(i);
    const int64_t position = first_position + static_cast<int64_t>(i);
    std::optional<TokenId> replacement;
    if (greedy || i == draft.size()) {
      const TokenId pick = sampler.sample(row, context);
      if (std::isnan(row.at(pick))) return nan_logits(position);  // see greedy_token
      if (i == draft.size() || pick != draft[i]) replacement = pick;
    } else {
      if (!sampler.distribution(row, context, probabilities)) return nan_logits(position);
      replacement = speculative::reject_or_keep(probabilities, draft[i], sampler.uniform());
    }
    if (replacement) {
      chosen.push_back(*replacement);
      return std::move(chosen);
    }
    chosen.push_back(draft[i]);
    if (penalize) context.push_back(draft[i]);
  }
}

}  // namespace

void Session::drop_confirmed() {
  if (next_confirmed_ < confirmed_.size()) {
    (void)decoder_->rewind(position_);  // the drafts fed past it are dead
  }
  confirmed_.clear();
  confirmed_logprobs_.clear();
  next_confirmed_ = 0;
}

Result<TokenId> Session::advance_speculative(size_t max_draft, Sampler& sampler,
                                             const std::vector<TokenId>& recent, bool want_logprobs,
                                             size_t top_logprobs, TokenLogprobs* logprobs) {
  last_step_forward_us_ = 0;
  if (next_confirmed_ < confirmed_.size()) {
    // The pending token is the draft token this one was verified after: fed.
    history_.push_back(*pending_token_);
    ++position_;
    if (want_logprobs) {
      *logprobs = std::move(confirmed_logprobs_[next_confirmed_]);
    }
    pending_token_ = confirmed_[next_confirmed_++];
    return *pending_token_;
  }
  confirmed_.clear();
  confirmed_logprobs_.clear();
  next_confirmed_ = 0;
  auto plain_step = [&] {
    return advance(sampler, recent, {}, want_logprobs, top_logprobs, logprobs);
  };
  if (!pending_token_) {
    return plain_step();  // the first token, from the prompt's logits
  }
  const int64_t room = decoder_->max_context_len() - position_ - 1;
  const size_t limit = std::min<size_t>({max_draft, decoder_->max_tokens_per_step() - 1,
                                         static_cast<size_t>(std::max<int64_t>(room, 0))});
  std::vector<TokenId> context = history_;
  context.push_back(*pending_token_);
  speculative::PromptLookupOptions options;
  options.max_draft = limit;
  const std::vector<TokenId> draft =
      limit > 0 ? speculative::prompt_lookup_draft(context, options) : std::vector<TokenId>();
  // A program that returns the last position's logits only cannot verify a
  // draft: it decodes as without speculation (Stats.num_draft_tokens stays 0).
  if (draft.empty() || decoder_->returns_every_position() == false) {
    return plain_step();
  }
  std::vector<TokenId> tokens{*pending_token_};
  tokens.insert(tokens.end(), draft.begin(), draft.end());
  auto logits = decoder_->step(tokens.data(), tokens.size(), position_);
  if (!logits.ok()) {
    (void)decoder_->rewind(position_);
    return logits.error();
  }
  if (decoder_->returns_every_position() == false) {  // found out now: once per session
    (void)decoder_->rewind(position_);
    return plain_step();
  }
  last_step_forward_us_ = decoder_->last_forward_us();
  const auto rows = [this](size_t i) { return decoder_->logits_at(i); };
  stats_.on_sampling_begin();
  Result<std::vector<TokenId>> verified =
      verify(sampler, sampler.params().has_penalties() ? recent : std::vector<TokenId>(), draft,
             rows, position_);
  stats_.on_sampling_end();
  if (!verified.ok()) {
    (void)decoder_->rewind(position_);
    return verified.error();
  }
  const std::vector<TokenId>& chosen = *verified;
  const size_t accepted = chosen.size() - 1;
  stats_.num_draft_tokens += static_cast<int64_t>(draft.size());
  stats_.num_accepted_draft_tokens += static_cast<int64_t>(accepted);
  if (want_logprobs) {
    // Of the model's distribution at each token, as advance() reports them.
    *logprobs = compute_logprobs(rows(0), chosen[0], top_logprobs);
    for (size_t i = 1; i < chosen.size(); ++i) {
      confirmed_logprobs_.push_back(compute_logprobs(rows(i), chosen[i], top_logprobs));
    }
  }
  // Kept: the pending token and the accepted drafts; the rest is dead.
  (void)decoder_->rewind(position_ + 1 + static_cast<int64_t>(accepted));
  history_.push_back(*pending_token_);
  ++position_;
  pending_token_ = chosen[0];
  confirmed_.assign(chosen.begin() + 1, chosen.end());
  last_logits_.clear();
  return chosen[0];
}

}  // namespace et_llm
