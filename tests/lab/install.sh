#!/usr/bin/env bash
# What `meson install` (through scripts/install) puts on a machine, and
# what a newcomer meets there: the program in sbin that finds its world
# topology wherever the tree was installed, a manual page listing every
# verb, and bash completion of verbs, options, files and node names.
# Needs no root: the tree is staged with --destdir in a temporary
# directory, and the completion is driven with COMP_WORDS/COMP_CWORD.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${ANYCASTLAB_BUILD:-$ROOT/build}
. "$ROOT/tests/tap.sh"

[ -f "$BUILD/build.ninja" ] || skip_all "no build directory at $BUILD (build first)"
TMPD=$(mktemp -d /tmp/anycastlab-install.XXXXXX)
trap 'rm -rf "$TMPD"' EXIT
DEST=$TMPD/dest

ok "scripts/install stages the tree with --destdir" \
	"$ROOT/scripts/install" --builddir "$BUILD" --destdir "$DEST" --no-deps
prefix=$(meson introspect "$BUILD" --buildoptions | python3 -c '
import json, sys
print({x["name"]: x["value"] for x in json.load(sys.stdin)}["prefix"])')
P=$DEST$prefix
BIN=$P/sbin/anycastlab

ok "the program is in sbin and runs" test -x "$BIN"
ok "the world topology is in share/anycastlab/topologies" \
	cmp "$ROOT/topologies/world.yaml" "$P/share/anycastlab/topologies/world.yaml"
ok "the manual page is in share/man/man1" test -s "$P/share/man/man1/anycastlab.1"
ok "bash completion is in share/bash-completion/completions" \
	test -s "$P/share/bash-completion/completions/anycastlab"

# check with no FILE, run from elsewhere, reads the installed world file:
# renamed there, the plan shows the new name, so no other copy was read.
sed -i 's/^name: world$/name: staged/' "$P/share/anycastlab/topologies/world.yaml"
out=$(cd / && "$BIN" check 2>&1)
like "an installed binary run from / checks its own world topology" \
	"$out" "^lab staged: 6 pops, 8 isps, 7 users, 22 links"
out=$(cd / && env -u ANYCASTLAB_LAB "$BIN" graph 2>&1 | head -3)
like "graph with no FILE draws it too" "$out" "staged"

# The manual page: every verb of 'anycastlab --help', from the table.
verbs=$("$BIN" --help | awk '/^verbs:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
ge "--help lists the verbs" "$(echo "$verbs" | wc -w)" 19
page=$("$BIN" help --man)
missing=
for v in $verbs; do
	grep -q "^\.B anycastlab $v\b" <<<"$page" || missing+=" $v"
done
is "the manual page has an entry for every verb" "$missing" ""
like "the manual page names the installed world topology" "$page" \
	"share/anycastlab/topologies/world.yaml"
is "the installed manual page is what the binary writes" \
	"$(cat "$P/share/man/man1/anycastlab.1")" "$page"
if command -v man >/dev/null; then
	txt=$(MANWIDTH=80 man -l "$P/share/man/man1/anycastlab.1" 2>&1)
	like "man renders it" "$txt" "anycastlab failover POP"
	if warn=$(LC_ALL=C.UTF-8 man --warnings -l "$P/share/man/man1/anycastlab.1" 2>&1 >/dev/null) && [ -z "$warn" ]; then
		pass "groff has no warning about it"
	else
		fail "groff has no warning about it" "$warn"
	fi
else
	skip "man is not installed"
	skip "man is not installed"
fi

# Completion, in a clean bash, with the installed program first on PATH.
# complete WORDS...: what the completion offers for the last word.
complete_words() {
	PATH=$P/sbin:$PATH bash --norc --noprofile -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_anycastlab
		[ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"' \
		bash "$P/share/bash-completion/completions/anycastlab" "$@" | sort | tr '\n' ' '
}

is "verbs complete" "$(complete_words anycastlab "")" \
	"$(printf '%s\n' $verbs --help --version | sort | tr '\n' ' ')"
is "a prefix completes to the verbs it starts" "$(complete_words anycastlab f)" \
	"failover freeze "
# Every option a verb's --help shows is offered, and nothing else.
bad=
for v in $verbs; do
	want=$("$BIN" "$v" --help | grep -oE '(^|[ [])--?[a-z][a-z-]*' |
		sed 's/^[ [ ]*//' | sort -u | tr '\n' ' ')
	want=$(printf '%s\n' $want --help | sort -u | tr '\n' ' ')
	got=$(complete_words anycastlab "$v" -)
	[ "$got" = "$want" ] || bad+="$v: offered '$got', --help has '$want'; "
done
is "every verb's options complete, as its --help lists them" "$bad" ""
is "option values complete" "$(complete_words anycastlab failover syd --mode "")" \
	"cut freeze kill withdraw "
is "topology files complete" \
	"$(cd "$ROOT" && complete_words anycastlab check topologies/wo)" \
	"topologies/world.yaml "

# Node names: from 'status --json' when it answers (root, a running lab),
# else from the default topology.  A stand-in program gives both answers.
fake=$TMPD/bin/anycastlab
mkdir -p "$TMPD/bin"
cat > "$fake" <<FAKE
#!/bin/sh
if [ "\$1" = status ]; then
	[ -n "\${FAKE_STATUS:-}" ] || exit 1
	echo '{"labs":[{"name":"t1","complete":true,"nodes":[{"name":"p1","kind":"pop","netns":"t1-p1"},{"name":"i1","kind":"isp","netns":"t1-i1"},{"name":"u-one","kind":"user","netns":"t1-u-one"}],"links":[]}]}'
	exit 0
fi
exec "$BIN" "\$@"
FAKE
chmod +x "$fake"
is "without status, users come from the world topology" \
	"$(complete_words "$fake" ping u-s)" "u-sao u-sin u-syd "
is "without status, POPs for failover" "$(complete_words "$fake" failover "")" \
	"bom fra gru lax sin syd "
is "with status, the running lab's users" \
	"$(FAKE_STATUS=1 complete_words "$fake" ping "")" "u-one "
is "with status, routers for kill" \
	"$(FAKE_STATUS=1 complete_words "$fake" kill "")" "i1 p1 "
is "with status, both ends of a cut" \
	"$(FAKE_STATUS=1 complete_words "$fake" cut p1 "")" "i1 p1 u-one "
is "nothing after the node" "$(FAKE_STATUS=1 complete_words "$fake" kill p1 "")" ""
done_testing
