// Session::advance_speculative: greedy decoding that feeds the pending token
// with a prompt-lookup draft in one forward and keeps the draft's prefix the
// model agrees with, so several tokens can cost one read of the weights.
#include <algorithm>
#include <cmath>

#include "et_llm/session.h"
#include "et_llm/text_decoder_runner.h"
#include "speculative/acceptance.h"
#include "speculative/prompt_lookup.h"

namespace et_llm {

void Session::drop_confirmed() {
  if (next_confirmed_ < confirmed_.size()) {
    (void)decoder_->rewind(position_);  // the drafts fed past it are dead
  }
  confirmed_.clear();
  next_confirmed_ = 0;
}

Result<TokenId> Session::advance_speculative(size_t max_draft) {
  last_step_forward_us_ = 0;
  if (next_confirmed_ < confirmed_.size()) {
    // The pending token is the draft token this one was verified after: fed.
    history_.push_back(*pending_token_);
    ++position_;
    pending_token_ = confirmed_[next_confirmed_++];
    return *pending_token_;
  }
  confirmed_.clear();
  next_confirmed_ = 0;
  Sampler greedy(SamplingParams{});
  if (!pending_token_) {
    return advance(greedy, {}, {}, false, 0, nullptr);  // the first token, from the prompt's logits
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
    return advance(greedy, {}, {}, false, 0, nullptr);
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
    return advance(greedy, {}, {}, false, 0, nullptr);
  }
  last_step_forward_us_ = decoder_->last_forward_us();
  std::vector<TokenId> verified(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Logits row = decoder_->logits_at(i);
    verified[i] = TextDecoderRunner::logits_to_token(row);
    if (std::isnan(row.at(verified[i]))) {  // see greedy_token
      (void)decoder_->rewind(position_);
      return Error(ErrorCode::ExecutionFailed, "the model's logits are NaN at position " +
                                                   std::to_string(position_ + i) +
                                                   ": no token to sample");
    }
  }
  const size_t accepted = speculative::accepted_prefix(draft, verified);
  stats_.num_draft_tokens += static_cast<int64_t>(draft.size());
  stats_.num_accepted_draft_tokens += static_cast<int64_t>(accepted);
  // Kept: the pending token and the accepted drafts; the rest is dead.
  (void)decoder_->rewind(position_ + 1 + static_cast<int64_t>(accepted));
  history_.push_back(*pending_token_);
  ++position_;
  pending_token_ = verified[0];
  confirmed_.assign(verified.begin() + 1,
                    verified.begin() + 1 + static_cast<std::ptrdiff_t>(accepted));
  last_logits_.clear();
  return verified[0];
}

}  // namespace et_llm
