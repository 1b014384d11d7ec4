# Runs a command and checks both its exit code and its output (PASS_REGULAR_EXPRESSION alone
# ignores the exit code). Usage:
#   cmake -DEXPECT_EXIT=N [-DEXPECT_OUTPUT=REGEX] [-DEXPECT_ABSENT=REGEX] -P expect_exit.cmake COMMAND ARGS...
# (EXPECT_EXIT may be alternatives: "0|1").
# Exit 77 from the command (a skipped Wine test) is passed through.
set(command "")
set(found_script FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE 0 ${last})
  if(found_script)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif(CMAKE_ARGV${i} MATCHES "expect_exit\\.cmake$")
    set(found_script TRUE)
  endif()
endforeach()
if(NOT command)
  message(FATAL_ERROR "expect_exit.cmake: no command given")
endif()
execute_process(COMMAND ${command} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(rc EQUAL 77)
  # ctest sees a normal exit from cmake; the skip travels through SKIP_REGULAR_EXPRESSION.
  message("ESH-SKIPPED")
  return()
endif()
if(NOT "${rc}" MATCHES "^(${EXPECT_EXIT})$")
  message(FATAL_ERROR "exit code ${rc}, expected ${EXPECT_EXIT}")
endif()
if(DEFINED EXPECT_OUTPUT AND NOT "${out}${err}" MATCHES "${EXPECT_OUTPUT}")
  message(FATAL_ERROR "output does not match '${EXPECT_OUTPUT}'")
endif()
if(DEFINED EXPECT_ABSENT AND "${out}${err}" MATCHES "${EXPECT_ABSENT}")
  message(FATAL_ERROR "output matches '${EXPECT_ABSENT}', which it must not")
endif()
