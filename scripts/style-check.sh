#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch --strict and kernel-doc -Wall over every C file and header,
# with the test kernel's own copies of the tools.
# Prints "ok NAME" or "not ok NAME" per tool.
# usage: style-check.sh KDIR
set -uo pipefail
. "$(dirname "$0")/common.sh"

kdir=${1:?usage: $0 KDIR}
cd "$TOP_DIR" || exit 1
mapfile -t files < <(find src include kunit tests -name '*.[ch]' | sort)

if out=$("$kdir/src/scripts/checkpatch.pl" --no-tree --strict --terse \
	--show-types -f "${files[@]}" 2>&1); then
	echo "ok checkpatch_strict"
else
	echo "$out" | grep -v '^total: 0 errors, 0 warnings, 0 checks' >&2
	echo "not ok checkpatch_strict"
fi

kfiles=($(printf '%s\n' "${files[@]}" | grep -v '^tests/'))
out=$("$kdir/src/scripts/kernel-doc" -none -Wall "${kfiles[@]}" 2>&1)
if [ -z "$out" ]; then
	echo "ok kernel_doc"
else
	echo "$out" >&2
	echo "not ok kernel_doc"
fi
