#!/usr/bin/env bash
# record.sh: install the MCP servers pinned in scripts/mcp-servers/packages.txt
# and record benign corpus cases from their real answers, offline.
#
# Usage: scripts/mcp-servers/record.sh [record flags...]
#   e.g. scripts/mcp-servers/record.sh -only @modelcontextprotocol/server-memory
#
# Steps:
#   1. npm install --no-audit --no-fund --ignore-scripts --legacy-peer-deps
#      every name@version of packages.txt into .tmp/mcp-servers/node_modules;
#      skipped when every package is already installed at its pinned version;
#      when the whole set fails to install, one by one. Install scripts are
#      not run: they would run with network, as root, from 80-odd packages; no
#      listed server needs one to list its tools (browser downloads and the
#      like are exactly what must not happen).
#   2. go build scripts/mcp-servers/record (before the sandbox: building may
#      need the Go module proxy).
#   3. run it in a new network namespace (unshare --net, as root; else
#      unshare -r -n as an unprivileged user; else fail) with only loopback up.
#      Each server gets a throwaway HOME and working directory under
#      .tmp/mcp-servers/run/<name>/, an environment with nothing but PATH,
#      HOME, TMPDIR, XDG dirs and the dummy values packages.txt gives, and
#      time limits (see record -h).
#   Cases go to .tmp/corpus-real/benign/real_server_definitions/<name>.json
#   and .tmp/corpus-real/benign/real_server_sessions/<name>.json (the
#   directories are emptied first unless -only is given). The recorded text
#   is other people's: it stays under .tmp and is never committed.
#
# Exits non-zero when the install, the build or the sandbox fails, or when
# fewer than 50 servers (record -min) had their tools/list recorded.
#
# Environment: MCP_SERVERS_DIR (default <repo>/.tmp/mcp-servers),
#   CORPUS_REAL_DIR (default <repo>/.tmp/corpus-real).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
servers_dir=${MCP_SERVERS_DIR:-$repo/.tmp/mcp-servers}
corpus_dir=${CORPUS_REAL_DIR:-$repo/.tmp/corpus-real}
packages=$here/packages.txt

command -v node >/dev/null || { echo "record.sh: node is not on PATH" >&2; exit 1; }
command -v npm >/dev/null || { echo "record.sh: npm is not on PATH" >&2; exit 1; }
command -v unshare >/dev/null || { echo "record.sh: unshare (util-linux) is not on PATH" >&2; exit 1; }

# The pinned specs, first field of every non-comment line.
mapfile -t specs < <(awk -F'\t' '!/^[[:space:]]*(#|$)/ {print $1}' "$packages")
[ "${#specs[@]}" -gt 0 ] || { echo "record.sh: no packages in $packages" >&2; exit 1; }

# The specs not installed at their pinned version (one node process for all).
mapfile -t missing < <(node -e '
	const fs = require("fs"), path = require("path");
	const [dir, ...specs] = process.argv.slice(1);
	for (const spec of specs) {
		const at = spec.lastIndexOf("@"), name = spec.slice(0, at), version = spec.slice(at + 1);
		let have = "";
		try { have = JSON.parse(fs.readFileSync(path.join(dir, name, "package.json"), "utf8")).version; } catch (e) {}
		if (have !== version) console.log(spec);
	}' "$servers_dir/node_modules" "${specs[@]}")
if [ "${#missing[@]}" -eq 0 ]; then
	echo "record.sh: all ${#specs[@]} packages installed at their pinned versions"
else
	echo "record.sh: installing ${#missing[@]} of ${#specs[@]} packages into $servers_dir"
	mkdir -p "$servers_dir"
	[ -f "$servers_dir/package.json" ] || echo '{"name":"mcpaudit-mcp-servers","private":true}' >"$servers_dir/package.json"
	npm_install() {
		(cd "$servers_dir" && PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
			npm install --no-audit --no-fund --ignore-scripts --legacy-peer-deps --loglevel=error --prefix . "$@")
	}
	# All specs at once, not only the missing ones: npm resolves one tree.
	# --legacy-peer-deps: resolving 80 servers' peer ranges into one tree
	# otherwise takes npm tens of minutes of backtracking.
	if ! npm_install "${specs[@]}"; then
		# One package that cannot install (a dependency fetched from outside
		# the registry, say) fails the whole tree: install one by one instead
		# and let the recorder report what is missing.
		echo "record.sh: installing the whole set failed; installing the packages one by one" >&2
		for spec in "${specs[@]}"; do
			npm_install "$spec" >/dev/null 2>&1 || echo "record.sh: cannot install $spec (the recorder will report it missing)" >&2
		done
	fi
fi

bin=$servers_dir/record
go build -o "$bin" ./scripts/mcp-servers/record

# Pick the sandbox: a network namespace with loopback only.
if unshare --net true 2>/dev/null; then
	sandbox=(unshare --net)
elif unshare -r -n true 2>/dev/null; then
	sandbox=(unshare -r -n)
else
	echo "record.sh: cannot create a network namespace (tried 'unshare --net' and 'unshare -r -n'); run as root or enable unprivileged user namespaces" >&2
	exit 1
fi

exec "${sandbox[@]}" bash -c '
	ip link set lo up 2>/dev/null || true
	exec "$@"' record "$bin" -require-netns \
	-packages "$packages" \
	-node-modules "$servers_dir/node_modules" \
	-work "$servers_dir/run" \
	-out "$corpus_dir/benign" "$@"
