#!/usr/bin/env bash
# The guided scenarios in lab/ run as tests: each must finish with every
# one of its checks passing.
. "$(dirname "$0")/lib.sh"
require_root
for s in "$ROOT"/lab/[0-9]*.sh; do
	name=$(basename "$s" .sh)
	out=$(ANYCASTLAB_LAB= PATH="$(dirname "$AL"):$PATH" bash "$s" 2>&1)
	rc=$?
	T_N=$((T_N + 1))
	if [ "$rc" -eq 0 ]; then
		echo "ok $T_N - scenario $name ($(tail -1 <<<"$out"))"
	else
		echo "not ok $T_N - scenario $name"
		grep -E 'FAILED|^\$ ' <<<"$out" | sed 's/^/#   /' | head -30
		T_FAILED=$((T_FAILED + 1))
	fi
done
done_testing
