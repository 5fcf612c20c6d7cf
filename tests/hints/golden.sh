#!/bin/sh
# Golden-file tests: `allocprof hints` on the profiles committed in
# tests/hints/data (and two of tests/data), compared with diff -u to
# tests/hints/golden/NAME.txt; usage errors and profiles hints cannot read
# included. UPDATE_GOLDEN=1 rewrites them (tests/README.md).
. "$(dirname "$0")/lib.sh"

# NAME|allocprof arguments, run in the data folder: see golden_cases in tap.sh
golden_cases "$DATA" <<'CASES'
exact|hints hintsites.pb.gz
exact_tsv|hints --tsv --min-share 0 hintsites.pb.gz
exact_objects|hints -alloc_objects -n 3 hintsites.pb.gz
exact_functions|hints --by function --min-share=0.05 hintsites.pb.gz
exact_noinlines|hints --noinlines -n 2 hintsites.pb.gz
exact_focus|hints --focus new_ --ignore token hintsites.pb.gz
exact_pprof_spellings|hints -sample_index=0 -nodecount=2 -lines -nodefraction=0.1 hintsites.pb.gz
sampled|hints hintsites_sampled.pb.gz
sampled_tsv|hints --tsv hintsites_sampled.pb.gz
nosyms|hints hintsites_nosyms.pb.gz
request|hints request_before.pb.gz
request_objects|hints --sample-index alloc_objects request_before.pb.gz
peak|hints hintsites.peak.pb.gz
go_heap|hints ../../data/go_heap.pb.gz
go_cpu|hints ../../data/go_cpu.pb.gz
missing|hints no_such_profile.pb.gz
focus_nomatch|hints --focus zzz_nothing hintsites.pb.gz
bad_regex|hints --focus '(' hintsites.pb.gz
no_profile|hints
two_profiles|hints hintsites.pb.gz hintsites.pb.gz
inuse|hints -inuse_space hintsites.pb.gz
index_inuse|hints --sample-index 2 hintsites.pb.gz
index_range|hints --sample-index 9 hintsites.pb.gz
by_file|hints --by file hintsites.pb.gz
files|hints -files hintsites.pb.gz
min_share|hints --min-share 2 hintsites.pb.gz
count|hints -n x hintsites.pb.gz
cum|hints --cum hintsites.pb.gz
needs_value|hints hintsites.pb.gz --focus
help|help hints
help_flag|hints -h
CASES

finish
