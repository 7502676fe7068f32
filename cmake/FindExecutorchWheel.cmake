# Points find_package(executorch) at the CMake package inside the installed
# `executorch` wheel, located without importing it (importing pulls in torch).
if(NOT executorch_DIR AND NOT DEFINED ENV{executorch_DIR})
  if(NOT Python_EXECUTABLE)
    find_package(Python COMPONENTS Interpreter REQUIRED)
  endif()
  execute_process(
    COMMAND "${Python_EXECUTABLE}" -c
      "import importlib.util as u; s = u.find_spec('executorch'); print(s.submodule_search_locations[0])"
    OUTPUT_VARIABLE _et_llm_executorch_root
    OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE _et_llm_find_result)
  if(NOT _et_llm_find_result EQUAL 0 OR NOT EXISTS "${_et_llm_executorch_root}/share/cmake")
    message(FATAL_ERROR
      "et_llm needs the executorch wheel (pip install executorch==1.5.1) in the "
      "Python used for the build (${Python_EXECUTABLE}), or -Dexecutorch_DIR=<wheel>/share/cmake.")
  endif()
  set(executorch_DIR "${_et_llm_executorch_root}/share/cmake" CACHE PATH "executorch CMake package")
endif()
