#!/bin/sh
# At the default rate with a fixed seed, a 4 GiB workload: the unbiased
# estimates are close to the exact figures the program prints.
. "$(dirname "$0")/lib.sh"

d="$WORK/acc"
mkdir "$d"
(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_SEED=42 "$PROGS/big_workload" 4096 > truth.txt)
prof=$(profile_of "$d")
samples "$prof" > "$d/s.txt"
total_est=0
total_true=0
for site in site_a site_b site_c; do
	est=$(leaf $site < "$d/s.txt")
	true_objects=$(awk -v s=$site '$1 == s { print $2 }' "$d/truth.txt")
	true_bytes=$(awk -v s=$site '$1 == s { print $3 }' "$d/truth.txt")
	est_objects=$(echo "$est" | cut -d' ' -f1)
	est_bytes=$(echo "$est" | cut -d' ' -f2)
	if awk -v e="$est_bytes" -v t="$true_bytes" 'BEGIN { exit !(e > 0.94 * t && e < 1.06 * t) }'; then
		ok "$site bytes: estimate $est_bytes, exact $true_bytes (within 6%)"
	else
		not_ok "$site bytes: estimate $est_bytes, exact $true_bytes (beyond 6%)"
	fi
	total_est=$((total_est + est_bytes))
	total_true=$((total_true + true_bytes))
done
if awk -v e="$total_est" -v t="$total_true" 'BEGIN { exit !(e > 0.97 * t && e < 1.03 * t) }'; then
	ok "total bytes: estimate $total_est, exact $total_true (within 3%)"
else
	not_ok "total bytes: estimate $total_est, exact $total_true (beyond 3%)"
fi
# Object counts are unbiased but noisy for this size mix (a 16-byte sample
# stands for ~32768 objects), so check the mean over 16 seeds: about 4%
# standard error, bound at 12%.
sum_est=0
sum_true=0
for seed in $(seq 1 16); do
	d="$WORK/seed$seed"
	mkdir "$d"
	(cd "$d" && LD_PRELOAD="$SHIM" ALLOCPROF_SEED=$seed "$PROGS/big_workload" 256 > truth.txt)
	est=$(samples "$(profile_of "$d")" | cum main | cut -d' ' -f1)
	sum_est=$((sum_est + est))
	sum_true=$((sum_true + $(awk '{ s += $2 } END { print s }' "$d/truth.txt")))
done
if awk -v e="$sum_est" -v t="$sum_true" 'BEGIN { exit !(e > 0.88 * t && e < 1.12 * t) }'; then
	ok "objects over 16 seeds: estimate $sum_est, exact $sum_true (within 12%)"
else
	not_ok "objects over 16 seeds: estimate $sum_est, exact $sum_true (beyond 12%)"
fi
check "nothing in use" "$(cum main < "$WORK/acc/s.txt" | cut -d' ' -f3)" "0"
finish
