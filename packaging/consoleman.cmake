# Writes nbaops-console.1 from the console's own --help (run at build time, so the page cannot
# drift from the program): cmake -DCONSOLE=path -DVERSION=x.y.z -DOUT=file -P consoleman.cmake
execute_process(COMMAND ${CONSOLE} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${CONSOLE} --help failed (${rc})")
endif()
string(REGEX REPLACE "^[^\n]*\n[^\n]*\n\nOptions:\n" "" options "${help}") # drop "Usage:" and the summary
string(REPLACE "\\" "\\e" options "${options}")
string(REPLACE "-" "\\-" options "${options}")
file(WRITE ${OUT} ".\\\" Written at build time from 'nbaops-console --help'; do not edit.
.TH NBAOPS\\-CONSOLE 1 \"\" \"nbaops ${VERSION}\" \"nbaops manual\"
.SH NAME
nbaops\\-console \\- operator console for the NBA player-props data and ML pipeline
.SH SYNOPSIS
.B nbaops\\-console
[\\fIOPTIONS\\fR]
.SH DESCRIPTION
The desktop console over the same engine as \\fBnbaops\\fR(1): phase health, trends, alerts,
the pipeline, backfills, disaster recovery, the models, the registry and the settings.
Started without a database, it offers to build the demo, to open a database or to connect
to the cloud project.
.SH OPTIONS
.nf
${options}.fi
.SH \"SEE ALSO\"
\\fBnbaops\\fR(1)
")
