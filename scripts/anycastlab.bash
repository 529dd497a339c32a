# bash completion for anycastlab: verbs, each verb's options, topology
# files, and the node and lab names of the running labs.
#
# Installed as share/bash-completion/completions/anycastlab; to try it from
# a checkout:  . scripts/anycastlab.bash
#
# Node names come from 'anycastlab status --json' (root only: lab state is
# root's), and otherwise from the nodes of the world topology, which is what
# a lab runs unless told otherwise.  Nothing here needs jq.

_anycastlab_verbs="up down status check graph exec routes ping curl dig watch
failover kill revive withdraw announce prepend cut heal freeze thaw"

# Options of each verb, as 'anycastlab VERB --help' lists them.
_anycastlab_opts() {
	case "$1" in
	up)       echo "--force --no-routers --daemon --timeout --keep-on-failure --help" ;;
	down)     echo "--all --lab --help" ;;
	status)   echo "--json --lab --help" ;;
	check)    echo "--down --prepend --withdraw --help" ;;
	graph)    echo "--down --prepend --withdraw --format --lab --help" ;;
	exec)     echo "--lab --help" ;;
	routes)   echo "--lab --adj-in --json --help" ;;
	ping)     echo "-c -i --all --lab --help" ;;
	curl)     echo "--all --name --lab --help" ;;
	dig)      echo "--all --tcp --json --lab --help" ;;
	watch)    echo "--interval --probe --all --json --lab --help" ;;
	failover) echo "--user --mode --probe --runs --interval --json --lab --help" ;;
	withdraw) echo "--from --lab --help" ;;
	announce) echo "--to --lab --help" ;;
	prepend)  echo "--to --lab --help" ;;
	kill|revive|cut|heal|freeze|thaw)
	          echo "--lab --help" ;;
	esac
}

# The program being completed: the word the user typed, else PATH's.
_anycastlab_prog() {
	local p=${COMP_WORDS[0]}
	[ "$p" = sudo ] && p=${COMP_WORDS[1]}
	command -v "$p" 2>/dev/null || command -v anycastlab 2>/dev/null
}

# Running labs (root can read /run/anycastlab).
_anycastlab_labs() {
	local d
	for d in /run/anycastlab/*/; do
		[ -d "$d" ] && basename "$d"
	done 2>/dev/null
}

# "name kind" per node: of lab $1 (or every running lab) when status
# answers, else of the default topology as 'check' prints its plan.
_anycastlab_nodes() {
	local prog lab=$1 json
	prog=$(_anycastlab_prog) || return
	json=$("$prog" status ${lab:+"$lab"} --json 2>/dev/null)
	if [ -n "$json" ]; then
		printf '%s\n' "$json" |
			grep -o '"name":"[a-z0-9-]*","kind":"[a-z]*"' |
			sed 's/"name":"\([^"]*\)","kind":"\([^"]*\)"/\1 \2/'
		return
	fi
	"$prog" check 2>/dev/null | awk '
		/^nodes \(/ { on = 1; next }
		on && /^$/ { exit }
		on && $1 != "NAME" { print $1, $2 }'
}

# Node names of the given kinds ("pop isp user", or a subset).
_anycastlab_node_names() {
	local lab=$1 kinds=" $2 "
	# Every running lab may have a node of that name: say it once.
	_anycastlab_nodes "$lab" | while read -r name kind; do
		case "$kinds" in *" $kind "*) echo "$name" ;; esac
	done | awk '!seen[$0]++'
}

_anycastlab() {
	local cur prev verb lab="" i nargs=0 kinds=""
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	COMPREPLY=()

	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$_anycastlab_verbs --help --version" -- "$cur"))
		return
	fi
	verb=${COMP_WORDS[1]}
	# The lab named so far, and how many plain arguments precede cur.
	for ((i = 2; i < COMP_CWORD; i++)); do
		case "${COMP_WORDS[i]}" in
		--lab) lab=${COMP_WORDS[i+1]}; ((i++)) ;;
		--lab=*) lab=${COMP_WORDS[i]#--lab=} ;;
		--daemon|--timeout|--down|--prepend|--withdraw|--format|--adj-in|-c|-i|\
		--interval|--user|--mode|--probe|--runs) ((i++)) ;;
		--) [ "$verb" = exec ] && return ;;	# the command's own words
		-*) ;;
		*) ((nargs++)) ;;
		esac
	done
	[ -z "$lab" ] && lab=${ANYCASTLAB_LAB:-}

	# Values of options.
	case "$prev" in
	--lab)
		COMPREPLY=($(compgen -W "$(_anycastlab_labs)" -- "$cur"))
		return ;;
	--daemon)
		COMPREPLY=($(compgen -W "builtin bird frr" -- "$cur"))
		return ;;
	--format)
		COMPREPLY=($(compgen -W "dot mermaid" -- "$cur"))
		return ;;
	--probe)
		COMPREPLY=($(compgen -W "http dns icmp" -- "$cur"))
		return ;;
	--mode)
		COMPREPLY=($(compgen -W "kill withdraw cut freeze" -- "$cur"))
		return ;;
	--down|--withdraw)
		COMPREPLY=($(compgen -W "$(_anycastlab_node_names "$lab" pop)" -- "$cur"))
		return ;;
	--prepend)
		# POP=N: the POP's name and the '='.
		COMPREPLY=($(compgen -W "$(_anycastlab_node_names "$lab" pop)" -S = -- "$cur"))
		compopt -o nospace 2>/dev/null
		return ;;
	--user)
		COMPREPLY=($(compgen -W "$(_anycastlab_node_names "$lab" user)" -- "$cur"))
		return ;;
	--adj-in|--to|--from)
		COMPREPLY=($(compgen -W "$(_anycastlab_node_names "$lab" "pop isp")" -- "$cur"))
		return ;;
	--timeout|-c|-i|--interval|--runs)
		return ;;
	esac

	if [[ "$cur" == -* ]]; then
		COMPREPLY=($(compgen -W "$(_anycastlab_opts "$verb")" -- "$cur"))
		return
	fi

	case "$verb" in
	up|check|graph)
		# A topology file (and directories on the way to one).
		[ "$nargs" -ge 1 ] && return
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -X '!*.yaml' -- "$cur")
			   $(compgen -f -X '!*.yml' -- "$cur")
			   $(compgen -d -- "$cur"))
		return ;;
	down|status)
		[ "$nargs" -ge 1 ] && return
		COMPREPLY=($(compgen -W "$(_anycastlab_labs)" -- "$cur"))
		return ;;
	ping|curl|dig|watch)             kinds="user" ;;
	failover|withdraw|announce|prepend) kinds="pop" ;;
	routes|kill|revive|freeze|thaw)  kinds="pop isp" ;;
	exec)                            kinds="pop isp user" ;;
	cut|heal)
		[ "$nargs" -ge 2 ] && return
		kinds="pop isp user" ;;
	*) return ;;
	esac
	[ "$verb" != cut ] && [ "$verb" != heal ] && [ "$nargs" -ge 1 ] && return
	COMPREPLY=($(compgen -W "$(_anycastlab_node_names "$lab" "$kinds")" -- "$cur"))
}

complete -F _anycastlab anycastlab
