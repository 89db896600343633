// csv.hpp: the one CSV writer (RFC 4180). Every CSV file the tool writes
// (sweep, compare, compare --wide, reproduce/sweep --uncertainty) is built
// from these lines, so that a field holding a comma, a double quote or a line
// break (a synthetic topology such as "pu:2(indexes=0,1)", a file path) is
// quoted and cannot split a row. Lines end in "\n" (RFC 4180 names CRLF;
// every CSV reader we target, Python's csv and pandas included, reads both,
// and the files stay diff-friendly).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ipistorm::io {

// One field: as is, or in double quotes with each '"' doubled when it holds
// a comma, a double quote, CR or LF (or starts or ends with a space, which
// some readers trim).
std::string csv_field(std::string_view text);
// A number as a field: the shortest text that reads back to the same double.
std::string csv_number(double v);

// Fields joined with commas, each through csv_field, and a line end.
std::string csv_line(const std::vector<std::string>& fields);

}  // namespace ipistorm::io
