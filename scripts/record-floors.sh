#!/usr/bin/env bash
# Writes detect/testdata/corpus/floors.json from a run of the built-in pack
# over the committed corpus: each attack family's floor is its measured
# recall rounded down to a multiple of 5 %, and the benign ceiling is the
# measured benign alert rate rounded up to the next 1 %. Run it after an
# improvement to ratchet the floors up; `make test` fails when a family
# falls below its floor (detect/eval TestCorpusFloors).
set -euo pipefail
cd "$(dirname "$0")/.."
out=detect/testdata/corpus/floors.json
go run ./services/mcpaudit rules eval --floors none --format json detect/testdata/corpus 2>/dev/null |
python3 -c '
import json, math, sys
r = json.load(sys.stdin)
fam = {f["family"]: math.floor(f["recall"] * 20 + 1e-9) / 20 for f in r["families"] if f["label"] == "attack"}
rate = r["benign_alerted"] / max(r["benign_cases"], 1)
json.dump({"families": dict(sorted(fam.items())), "benign_max_rate": math.ceil(rate * 100 - 1e-9) / 100}, sys.stdout, indent=2)
print()
' >"$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
