#!/usr/bin/env bash
# Runs every Go fuzz target of the module (func FuzzXxx in a _test.go file)
# for FUZZTIME each (default 8s), one after the other, and prints the
# executions each one ran. A crash or hang fails the run; Go keeps the input
# under the package's testdata/fuzz/FuzzXxx/, where it becomes a regression
# seed once committed (plain `go test` replays it).
#
#   scripts/fuzz.sh                 every target, FUZZTIME each
#   FUZZTIME=2m scripts/fuzz.sh     longer
#   scripts/fuzz.sh ./ingest/...    only the targets under a path
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-8s}
roots=("${@:-.}")

targets=$(grep -rlE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(' "${roots[@]/%\/.../}" \
	| grep -v '/node_modules/\|/\.tmp/' \
	| while read -r f; do
		d=$(dirname "$f")
		grep -oE '^func Fuzz[A-Za-z0-9_]*' "$f" | sed "s|^func |./${d#./} |"
	done | sort -u)
if [ -z "$targets" ]; then
	echo "fuzz: no fuzz targets found" >&2
	exit 1
fi

n=0
total=0
while read -r pkg name; do
	n=$((n + 1))
	log=$(mktemp)
	attempt=1
	while :; do
		corpus="$pkg/testdata/fuzz/$name"
		before=$(ls "$corpus" 2>/dev/null | sort || true)
		if $GO test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg" >"$log" 2>&1; then
			break
		fi
		after=$(ls "$corpus" 2>/dev/null | sort || true)
		# Go's fuzzing coordinator can fail a target at the -fuzztime
		# boundary with a bare "context deadline exceeded" and no failing
		# input (golang/go#75804, fixed in Go 1.27). That is the harness,
		# not a finding: run the target again, at most twice. A failure
		# that wrote an input, or any other failure, fails the run.
		if [ "$before" = "$after" ] && [ "$attempt" -lt 3 ] &&
			grep -qx '    context deadline exceeded' "$log" &&
			! grep -q 'Failing input written' "$log"; then
			echo "fuzz: $pkg $name: Go fuzz coordinator deadline race (golang/go#75804), no input written; running it again" >&2
			attempt=$((attempt + 1))
			continue
		fi
		cat "$log" >&2
		rm -f "$log"
		echo "fuzz: $pkg $name FAILED (the failing input is under $corpus/)" >&2
		exit 1
	done
	execs=$(grep -oE 'execs: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
	rm -f "$log"
	total=$((total + execs))
	printf 'fuzz: %-32s %-28s %10s execs in %s\n' "$pkg" "$name" "$execs" "$FUZZTIME"
done <<<"$targets"
echo "fuzz: $n targets, $total executions, no failures"
