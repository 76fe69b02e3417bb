#!/bin/sh
# Run the libFuzzer harnesses that make built into a build directory.
#
#   sh fuzz/run.sh fuzz SECONDS DIR HARNESS...    fuzz each for SECONDS
#   sh fuzz/run.sh regress DIR HARNESS...         each input of
#                                                 fuzz/corpus/<h> and
#                                                 fuzz/regress/<h> once
#
# Fuzzing starts from the checked-in seeds and DIR/corpus/<h> (what earlier
# runs found; new inputs go there, never into fuzz/), and leaves a crash,
# leak or timeout in DIR/artifacts/. Every harness runs, then the script
# prints one line per harness and exits 1 if any failed.
set -u

mode=$1
shift
if [ "$mode" = fuzz ]; then
	seconds=$1
	shift
fi
O=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2

# a crash must be a report: no recovering, symbols in the stack
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

mkdir -p "$O/artifacts" "$O/logs"
failed=
summary=
for h in "$@"; do
	bin=$O/fuzz-$h
	log=$O/logs/$h.log
	if [ "$mode" = regress ]; then
		files=$(find "fuzz/corpus/$h" "fuzz/regress/$h" -type f \
		    ! -name '.*' 2>/dev/null | sort)
		if [ -z "$files" ]; then
			# with no file, libFuzzer would start fuzzing
			summary="$summary$h: no inputs
"
			continue
		fi
		# shellcheck disable=SC2086
		"$bin" -timeout=10 $files >"$log" 2>&1
		rc=$?
		n=$(grep -c '^Running: ' "$log")
		line="$h: $n inputs"
	else
		mkdir -p "$O/corpus/$h"
		dict=
		[ -f "fuzz/$h.dict" ] && dict=-dict=fuzz/$h.dict
		# shellcheck disable=SC2086
		"$bin" -max_total_time="$seconds" -timeout=10 \
		    -rss_limit_mb=2048 -print_final_stats=1 \
		    -artifact_prefix="$O/artifacts/$h-" $dict \
		    "$O/corpus/$h" "fuzz/corpus/$h" "fuzz/regress/$h" \
		    >"$log" 2>&1
		rc=$?
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
		cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 |
		    sed -n 's/.*cov: \([0-9]*\).*/\1/p')
		if [ $rc -eq 0 ]; then
			line="$h: ${runs:-?} runs in ${seconds}s, ${rate:-?}/s,"
		else
			line="$h: ${runs:-?} runs, then a failure,"
		fi
		line="$line cov ${cov:-?}"
	fi
	if [ $rc -ne 0 ]; then
		failed="$failed $h"
		line="$line FAILED (exit $rc; see $log)"
		grep -E '^==[0-9]+==ERROR|^SUMMARY|check failed' "$log" |
		    head -n 8 >&2
		grep -E '^artifact_prefix|Test unit written' "$log" >&2
	fi
	summary="$summary$line
"
done
printf '%s' "$summary"
if [ -n "$failed" ]; then
	echo "fuzz: failed:$failed" >&2
	exit 1
fi
exit 0
