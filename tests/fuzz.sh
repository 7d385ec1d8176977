#!/bin/sh
# fuzz.sh FUZZTIME MINIMIZETIME JOBS PACKAGE:FuzzName...: runs each fuzz
# target for FUZZTIME, JOBS targets at once with the cores shared among
# them, and fails when any target finds a failing input. A target's
# progress lines are kept back and shown whole only when it fails. $GO
# is the go command (go when unset).
#
# MINIMIZETIME bounds the shrinking of each new input: Go's default of a
# minute let a target with inputs of kilobytes (FuzzRRD) spend its whole
# run shrinking its first finds, 16 inputs tried in a minute.
#
# Go 1.26's fuzzing coordinator can report "context deadline exceeded"
# as the fuzz time runs out, when a worker is still busy: a race in the
# coordinator, not an input that fails (go.dev/issue/75804, mended in
# Go 1.27). A run that ends so, having written no failing input, is said
# to have raced and counts as passed; anything else that fails fails.
set -eu

if [ "${1-}" = --one ]; then
	time=$2 minimize=$3 workers=$4 t=$5
	pkg=${t%%:*} name=${t#*:}
	log=$(mktemp)
	trap 'rm -f "$log"' EXIT
	status=0
	${GO:-go} test -run '^$' -fuzz "^$name\$" -fuzztime "$time" -fuzzminimizetime "$minimize" -parallel "$workers" "./$pkg" >"$log" 2>&1 || status=$?
	passed="fuzz $t for $time: $(grep -o 'execs: [0-9]*' "$log" | tail -n 1), no failure"
	if [ "$status" = 0 ]; then
		echo "$passed"
	elif grep -q '^    context deadline exceeded$' "$log" && ! grep -q 'Failing input written to' "$log"; then
		echo "$passed (the coordinator raced its deadline: go.dev/issue/75804)"
	else
		echo "fuzz $t for $time: FAILED"
		cat "$log"
		exit 1
	fi
	exit 0
fi

time=$1 minimize=$2 jobs=$3
shift 3
workers=$(($(nproc) / jobs))
[ "$workers" -ge 1 ] || workers=1
printf '%s\n' "$@" | xargs -n 1 -P "$jobs" sh "$0" --one "$time" "$minimize" "$workers"
