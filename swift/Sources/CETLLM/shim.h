// The C API as one Clang module for Swift; include paths come from et_llm_c.pc.
#include <et_llm/c_api.h>
