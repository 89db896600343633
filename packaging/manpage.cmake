# manpage.cmake: one man page from a program's --help with help2man, gzipped.
#   cmake -DHELP2MAN=... -DPROG=... -DNAME=... -DVERSION=... -DDESCRIPTION=... -DOUT=x.1
#         [-DSUBCOMMANDS=ON] -P manpage.cmake
# With SUBCOMMANDS=ON every subcommand listed under "Subcommands:" in PROG --help
# gets its own subsection holding `PROG SUB --help` verbatim, so the man page
# shows the same names, defaults and examples as the command line.
get_filename_component(dir ${OUT} DIRECTORY)
file(MAKE_DIRECTORY ${dir})
set(include_file ${OUT}.include)
file(WRITE ${include_file} "")

# roff-quote a block of plain text: backslashes doubled, lines starting with
# '.' or "'" protected.
function(roff_verbatim text out)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} ".nf\n${text}\n.fi\n" PARENT_SCOPE)
endfunction()

if(SUBCOMMANDS)
  execute_process(COMMAND ${PROG} --help OUTPUT_VARIABLE top RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${PROG} --help failed (${rc})")
  endif()
  # The block "Subcommands:" (CLI11 2.1; later versions print it in capitals)
  # up to the next empty line, one "  name   description" a line.
  string(FIND "${top}" "\nSubcommands:\n" at)
  if(at EQUAL -1)
    string(FIND "${top}" "\nSUBCOMMANDS:\n" at)
  endif()
  if(at EQUAL -1)
    message(FATAL_ERROR "${PROG} --help lists no subcommands")
  endif()
  math(EXPR at "${at} + 14")
  string(SUBSTRING "${top}" ${at} -1 subs)
  string(FIND "${subs}" "\n\n" end)
  string(SUBSTRING "${subs}" 0 ${end} subs)
  string(REGEX MATCHALL "(^|\n)  [a-z][a-z0-9-]*" names "${subs}")
  file(APPEND ${include_file} "[SUBCOMMANDS]\n")
  foreach(n ${names})
    string(STRIP "${n}" n)
    execute_process(COMMAND ${PROG} ${n} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${PROG} ${n} --help failed (${rc})")
    endif()
    string(REPLACE "${PROG}" "${NAME}" help "${help}")  # "Usage: ipistorm simulate ..."
    roff_verbatim("${help}" block)
    file(APPEND ${include_file} ".SS ${n}\n${block}")
  endforeach()
endif()
file(APPEND ${include_file} "[SEE ALSO]\nipistorm(1), ipistorm-bench(1), lab-run(1); /usr/share/doc/ipistorm/\n")

execute_process(
  COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section=1 --name=${DESCRIPTION}
          --version-string=${VERSION} --include=${include_file} --output=${OUT} ${PROG}
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man ${PROG} failed: ${err}")
endif()
execute_process(COMMAND gzip -9nf ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip ${OUT} failed")
endif()
file(REMOVE ${include_file})
