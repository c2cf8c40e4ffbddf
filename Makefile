# mcpaudit — see README.md. The two commands that matter:
#   make demo   installs what is missing, builds, runs the pipeline on real MCP traffic
#   make test   installs what is missing, checks generated code and lint, runs every test

SHELL := /bin/bash
GO ?= go
BIN := bin
NPM_PREFIX ?= $(CURDIR)/.tmp/npm
export MCPAUDIT_NPM_PREFIX := $(NPM_PREFIX)
NPM_PACKAGES := @modelcontextprotocol/server-filesystem @modelcontextprotocol/server-memory @modelcontextprotocol/server-everything
GO_TEST_FLAGS ?= -count=1 -timeout 30m
BUF := $(GO) tool -modfile=tools.mod buf

CHDB_PREFIX ?= $(CURDIR)/.tmp/chdb
export CHDB_PREFIX

FUZZTIME ?= 8s
export FUZZTIME

.PHONY: all build demo test eval deps deps-clickhouse deps-npm deps-chdb chdb-check proto proto-check lint vet fuzz clean

all: build

# VERSION is what `mcpaudit --version` reports (GOFLAGS may hold
# -buildvcs=false, so the toolchain cannot record it by itself).
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -X main.version=$(VERSION)

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/mcpaudit ./services/mcpaudit
	$(GO) build -o $(BIN)/mcpdemo ./services/mcpdemo

## deps: install the ClickHouse server (Debian package) and the MCP servers from npm, when missing.
deps: deps-clickhouse deps-npm

deps-clickhouse:
	@if command -v clickhouse-server >/dev/null 2>&1 || [ -x /usr/sbin/clickhouse-server ] || command -v clickhouse >/dev/null 2>&1; then \
		echo "clickhouse-server: present"; \
	else \
		echo "clickhouse-server: installing with apt-get"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq clickhouse-server >/dev/null; \
		[ -x /usr/sbin/clickhouse-server ] || { echo "clickhouse-server did not install" >&2; exit 1; }; \
	fi

deps-npm:
	@if [ -f $(NPM_PREFIX)/node_modules/@modelcontextprotocol/server-filesystem/package.json ] && \
	    [ -f $(NPM_PREFIX)/node_modules/@modelcontextprotocol/server-memory/package.json ] && \
	    [ -f $(NPM_PREFIX)/node_modules/@modelcontextprotocol/server-everything/package.json ]; then \
		echo "MCP servers from npm: present in $(NPM_PREFIX)"; \
	else \
		command -v npm >/dev/null || { echo "npm is required (Node.js 20+)" >&2; exit 1; }; \
		echo "MCP servers from npm: installing into $(NPM_PREFIX)"; \
		mkdir -p $(NPM_PREFIX) && npm install --no-audit --no-fund --silent --prefix $(NPM_PREFIX) $(NPM_PACKAGES); \
	fi

## deps-chdb: the current ClickHouse engine in-process (chDB, from npm), for checking current-release SQL.
deps-chdb:
	@if [ -f $(CHDB_PREFIX)/node_modules/chdb/package.json ]; then \
		echo "chdb: present in $(CHDB_PREFIX)"; \
	else \
		command -v npm >/dev/null || { echo "npm is required (Node.js 20+)" >&2; exit 1; }; \
		echo "chdb: installing into $(CHDB_PREFIX)"; \
		mkdir -p $(CHDB_PREFIX) && npm install --no-audit --no-fund --silent --prefix $(CHDB_PREFIX) chdb; \
	fi

## chdb-check: run the current-release schema and the de-duplicating reads on the current ClickHouse engine.
chdb-check: deps-chdb
	node scripts/chdb-check.mjs

## proto: regenerate Go, gRPC, grpc-gateway and OpenAPI code from proto/.
proto:
	$(BUF) lint
	$(BUF) generate

## proto-check: fail when buf lint fails or the checked-in generated code is stale.
proto-check:
	$(BUF) lint
	@rm -rf .tmp/protogen && mkdir -p .tmp/protogen
	@$(BUF) generate --output .tmp/protogen
	@stale=0; for f in $$(cd .tmp/protogen && find . -type f); do \
		if ! cmp -s ".tmp/protogen/$$f" "$$f"; then echo "stale generated file: $$f (run make proto)" >&2; stale=1; fi; \
	done; \
	for f in $$(git ls-files 'proto/*.pb.go' 'proto/*.pb.gw.go' 'proto/openapi/*'); do \
		[ -f ".tmp/protogen/$$f" ] || { echo "generated file without a proto: $$f" >&2; stale=1; }; \
	done; exit $$stale
	@echo "generated code is current"

lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '\.pb\(\.gw\)\?\.go$$')); \
	if [ -n "$$out" ]; then echo "gofmt needed:" $$out >&2; exit 1; fi

vet:
	$(GO) vet ./...

## fuzz: run every Go fuzz target for FUZZTIME each (crashers land in testdata/fuzz/).
fuzz:
	./scripts/fuzz.sh

## test: everything CI runs.
test: deps proto-check lint chdb-check
	$(GO) build ./...
	$(GO) test $(GO_TEST_FLAGS) ./...
	./scripts/fuzz.sh

## eval: measure the detection pack on the whole corpus: the committed sessions
## (detect/testdata/corpus) and benign sessions recorded from 50+ real MCP
## servers installed from npm into .tmp (scripts/mcp-servers/record.sh).
eval: build
	./scripts/mcp-servers/record.sh
	$(BIN)/mcpaudit rules eval -v --floors detect/testdata/corpus/floors.json detect/testdata/corpus .tmp/corpus-real

## demo: run the whole pipeline on real MCP traffic and print the alerts.
demo: deps build
	./scripts/demo.sh

clean:
	rm -rf $(BIN) .tmp/protogen .data
