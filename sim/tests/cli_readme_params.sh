#!/usr/bin/env bash
# cli_readme_params.sh IPISTORM DOC: the parameter table of DOC
# (docs/parameters.md) is
# exactly what `ipistorm params --markdown` prints (regenerate the block
# between the params markers when a parameter changes).
set -u
diff -u <(sed -n '/<!-- params:begin -->/,/<!-- params:end -->/p' "$2" | sed '1d;$d') \
        <("$1" params --markdown) && echo "$2: the parameter table matches"
