#!/bin/sh
# Golden-file tests: allocprof's reports on the committed profiles of
# tests/data, compared with diff -u to tests/viewer/golden/NAME.txt.
# UPDATE_GOLDEN=1 rewrites the golden files (tests/README.md).
. "$(dirname "$0")/lib.sh"

"$MKPROF" tricky "$WORK/tricky.pb.gz"
# the encoding, not the compressor's bytes: a build with ISA-L and one with
# zlib alone write the same profile as different gzip streams
gzip -dc "$WORK/tricky.pb.gz" > "$WORK/tricky.pb"
gzip -dc "$DATA/tricky.pb.gz" > "$WORK/tricky.want.pb"
cmp -s "$WORK/tricky.pb" "$WORK/tricky.want.pb" && ok "mkprof tricky is reproducible" ||
	not_ok "mkprof tricky differs from tests/data/tricky.pb.gz (run gen_data.sh)"

# NAME|allocprof arguments, run in the data folder: see golden_cases in tap.sh
golden_cases "$DATA" <<'CASES'
top_known_sites|top known_sites.pb.gz
top_known_sites_objects_lines|top --sample-index=alloc_objects --by line known_sites.pb.gz
top_known_sites_inuse|top -inuse_space -nodefraction=0 known_sites.pb.gz
top_cxx|top known_sites_cxx.pb.gz
top_cxx_lines_noinlines|top --by line --noinlines -n 8 known_sites_cxx.pb.gz
top_sampled|top sampled.pb.gz
top_sampled_objects|top -sample_index=alloc_objects sampled.pb.gz
top_go_heap|top go_heap.pb.gz
top_go_heap_alloc_cum|top -sample_index=alloc_space --cum -n 10 go_heap.pb.gz
top_go_cpu|top go_cpu.pb.gz
top_go_cpu_lines|top --by line go_cpu.pb.gz
top_nosyms|top nosyms.pb.gz
top_cxx_sites|top --by site -alloc_objects known_sites_cxx.pb.gz
top_cxx_sites_noinlines|top --by site --noinlines known_sites_cxx.pb.gz
top_nosyms_sites|top --by site nosyms.pb.gz
top_tricky_sites|top --by site --nodefraction 0 tricky.pb.gz
top_tricky|top tricky.pb.gz
top_tricky_files|top --by file --nodefraction 0 tricky.pb.gz
top_tricky_addresses|top -addresses tricky.pb.gz
top_tricky_focus|top --focus parse --ignore helper tricky.pb.gz
list_known_sites|list 'site_(small|leak)$' --source-path "$SRC/tests/programs" known_sites.pb.gz
list_known_sites_main|list '^main$' --sample-index alloc_objects --source-path "$SRC/tests/programs" known_sites.pb.gz
list_cxx|list grow_vector --context 1 --source-path "$SRC/tests/programs" known_sites_cxx.pb.gz
list_go|list 'main\.(build|main)$' --source-path "$SRC/tests/viewer/goprof" go_heap.pb.gz
list_biggest|list -n 2 site_ --context 0 --source-path "$SRC/tests/programs" known_sites.pb.gz
list_missing|list parse tricky.pb.gz
list_nomatch|list nothing_like_this tricky.pb.gz
peek_known_sites|peek 'site_small|^main$' known_sites.pb.gz
peek_cxx|peek 'allocate' known_sites_cxx.pb.gz
peek_go_cpu|peek 'main\.' go_cpu.pb.gz
peek_tricky_lines|peek worker --by line tricky.pb.gz
traces_known_sites|traces known_sites.pb.gz
traces_go_cpu|traces go_cpu.pb.gz
traces_tricky|traces tricky.pb.gz
diff_request|diff request_before.pb.gz request_after.pb.gz
diff_request_objects_lines|diff -sample_index=alloc_objects --by line request_before.pb.gz request_after.pb.gz
diff_request_reverse|diff --diff-base request_after.pb.gz -sample_index=alloc_objects request_before.pb.gz
diff_request_sites|diff --by site -sample_index=alloc_objects request_before.pb.gz request_after.pb.gz
summary_known_sites|summary known_sites.pb.gz
summary_cxx|summary -n 3 known_sites_cxx.pb.gz
summary_go_cpu|summary go_cpu.pb.gz
summary_sampled|summary sampled.pb.gz
CASES

finish
