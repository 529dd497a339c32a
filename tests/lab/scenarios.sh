#!/usr/bin/env bash
# The guided scenarios in lab/ run as tests: each must finish with every
# one of its checks passing.
. "$(dirname "$0")/lib.sh"
require_root
for s in "$ROOT"/lab/[0-9]*.sh; do
	name=$(basename "$s" .sh)
	out=$(ANYCASTLAB_LAB= PATH="$(dirname "$AL"):$PATH" bash "$s" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		pass "scenario $name ($(tail -1 <<<"$out"))"
	else
		fail "scenario $name" "$(grep -E 'FAILED|^\$ ' <<<"$out")"
	fi
done
done_testing
