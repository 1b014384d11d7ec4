# Runs a Windows program through the emulator and checks its exit code and its output
# against several regular expressions at once (PASS_REGULAR_EXPRESSION would ignore the
# exit code and accept any one of them). Lists use "@@" between items.
#   cmake -DEMULATOR=a@@b -DPROGRAM=exe -DARGS=x@@y -DEXIT=1 -DEXPECT=re1@@re2 -P run_check.cmake
foreach(var EMULATOR ARGS EXPECT)
  string(REPLACE "@@" ";" ${var} "${${var}}")
endforeach()
execute_process(COMMAND ${EMULATOR} ${PROGRAM} ${ARGS}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err INPUT_FILE /dev/null)
message("${out}${err}")
set(failed "")
if(NOT rc STREQUAL "${EXIT}")
  string(APPEND failed "exit code ${rc}, expected ${EXIT}\n")
endif()
foreach(re IN LISTS EXPECT)
  if(NOT "${out}${err}" MATCHES "${re}")
    string(APPEND failed "output does not match: ${re}\n")
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "${failed}")
endif()
