#!/bin/sh
# Bash completion (dist/allocprof.bash-completion): sourcing it registers
# _allocprof; called as bash calls it (COMP_WORDS, COMP_CWORD) it offers
# commands, options of the command typed, the sample types of the profile
# typed and .pb.gz files.
. "$(dirname "$0")/lib.sh"
COMPLETION="$SRC/dist/allocprof.bash-completion"
mkdir "$WORK/dir" "$WORK/dir/sub"
cp "$DATA/known_sites.pb.gz" "$DATA/go_cpu.pb.gz" "$WORK/dir/"
touch "$WORK/dir/notes.txt"
PATH="$BUILD/viewer:$PATH"
export PATH
# comp CWORD WORDS...: what the completion offers, sorted, on one line
comp() {
	bash -c '. "$1"; shift; cw=$1; shift; COMP_WORDS=("$@"); COMP_CWORD=$cw; _allocprof
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' - "$COMPLETION" "$@"
}
check "complete -p" "$(bash -c '. "$1"; complete -p allocprof' - "$COMPLETION")" "complete -F _allocprof allocprof"
check "commands" "$(comp 1 allocprof s)" "stat summary symbolize "
check "every command" "$(comp 1 allocprof '' | wc -w)" \
	"$(allocprof help | sed -n '/^commands:/,/^$/p' | grep -c '^  [a-z]')"
check "options of top" "$(comp 2 allocprof top --node)" "--nodecount --nodefraction "
check "options of run" "$(comp 2 allocprof run --)" "--help --output --quiet --rate --seed "
check "help COMMAND" "$(comp 2 allocprof help ti)" "timeline "
cd "$WORK/dir"
check "sample types of the profile typed" \
	"$(comp 3 allocprof top --sample-index '' known_sites.pb.gz)" \
	"alloc_objects alloc_space inuse_objects inuse_space short_lived_objects short_lived_space "
check "sample types of a CPU profile" "$(comp 4 allocprof top go_cpu.pb.gz --sample-index '')" "cpu samples "
check "profiles and directories" "$(comp 2 allocprof top '')" "go_cpu.pb.gz known_sites.pb.gz sub/ "
check "--by" "$(comp 3 allocprof top --by f)" "file filefunctions function "
finish
