/* The error codes of every et_llm API, written once: C++'s et_llm::ErrorCode,
 * C's et_llm_status and Python's et_llm.ErrorCode are all generated from this
 * list. Values are stable (they cross the C ABI and are saved by users).
 * C-compatible, so c_api.h can include it.
 *
 * X(CamelName, UPPER_NAME, value, when) */
#ifndef ET_LLM_ERROR_CODES_H
#define ET_LLM_ERROR_CODES_H

#define ET_LLM_ERROR_CODES(X)                                                            \
  X(Ok, OK, 0, "success")                                                                \
  X(InvalidArgument, INVALID_ARGUMENT, 1, "bad config value, wrong shape, empty prompt") \
  X(InvalidState, INVALID_STATE, 2, "e.g. generate() before load() succeeded")           \
  X(NotFound, NOT_FOUND, 3, "missing file or method")                                    \
  X(InvalidProgram, INVALID_PROGRAM, 4, "corrupt or unsupported .pte")                   \
  X(InvalidTokenizer, INVALID_TOKENIZER, 5, "corrupt or unsupported tokenizer file")     \
  X(NotSupported, NOT_SUPPORTED, 6, "a feature this build or model does not have")       \
  X(ContextOverflow, CONTEXT_OVERFLOW, 7, "prompt does not fit in the room left")        \
  X(ExecutionFailed, EXECUTION_FAILED, 8, "the model's forward failed")                  \
  X(Internal, INTERNAL, 9, "a bug in et_llm")                                            \
  X(CallbackFailed, CALLBACK_FAILED, 10, "a user callback reported failure")

#endif /* ET_LLM_ERROR_CODES_H */
