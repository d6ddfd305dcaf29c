# templive's build and test entry points. `make test` is what CI runs: it
# installs what is missing (Chromium, npm packages), checks that generated
# and built files are fresh, vets and lints every module, and runs every
# test.
#
# The repository holds several modules: the root one is what apps import
# (live, livetest), and the nested ones keep NATS, Chromium and the demo
# out of apps' module graphs (go.work joins them for work in the checkout).
# tools/ pins the templ CLI, staticcheck and govulncheck; it is left out of
# go.work and used with -modfile or from its own directory.

GO        ?= go
FUZZTIME  ?= 50000x
FUZZMS    ?= 10000
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

MODULES   := . live/natspubsub internal/demo cmd e2e
# tool prints the path of a pinned tool's binary, building it if needed.
tool = $$(cd tools && GOWORK=off $(GO) tool -n $(1))

.PHONY: all test deps chromium node_modules generate js fresh vet lint gotest fuzz jstest first-app new-app user-graph bench scale demo clean

all: generate js

test: deps fresh vet lint gotest fuzz jstest first-app new-app user-graph

deps: chromium node_modules

# Debian's Chromium drives the browser tests (chromedp finds it on PATH).
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
		echo "installing chromium (apt-get)"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

node_modules: package-lock.json
	npm ci --no-audit --no-fund
	@touch node_modules

generate:
	GOWORK=off $(GO) tool -modfile=tools/go.mod templ generate

js: node_modules
	npm run --silent build

# Generated Go and the built client are committed; CI proves they match
# their sources.
fresh: generate js
	@if [ -n "$$(git status --porcelain -- '*_templ.go' js/dist internal/jsbundle)" ]; then \
		git status --short -- '*_templ.go' js/dist internal/jsbundle; \
		echo "generated files are stale: run 'make generate js' and commit them"; exit 1; fi

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then \
		echo "gofmt needed: $$unformatted"; exit 1; fi
	@for m in $(MODULES); do echo "go vet ($$m)"; (cd $$m && $(GO) vet ./...) || exit 1; done
	cd tools && GOWORK=off $(GO) vet ./...
	cd live/otelive && GOWORK=off $(GO) vet ./...

# staticcheck on every module; govulncheck too when VULNDB names its
# vulnerability database (make lint VULNDB=https://vuln.go.dev, or a
# file:// copy); without it, govulncheck skips and reaches for no network.
lint:
	@sc=$(call tool,staticcheck); for m in $(MODULES); do echo "staticcheck ($$m)"; (cd $$m && $$sc ./...) || exit 1; done
	@GO=$(GO) .ci/vulncheck $(MODULES)

gotest:
	@for m in $(MODULES); do (cd $$m && $(GO) test -race -count=1 ./...) || exit 1; done
	cd live/otelive && GOWORK=off $(GO) test -race -count=1 ./...

# Every fuzz target, briefly (FUZZTIME each; FUZZMS for the client's
# command-runner fuzzer, which is a node test). FUZZTIME counts executions
# by default: a duration can end in a spurious "context deadline exceeded"
# on a loaded machine (go.dev/issue/75804, fixed in Go 1.27). For a long
# run: make fuzz FUZZTIME=10m FUZZMS=600000
fuzz: node_modules
	$(GO) test ./internal/protocol -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/protocol -run '^$$' -fuzz '^FuzzValues$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/protocol -run '^$$' -fuzz '^FuzzDecodeChunk$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/protocol -run '^$$' -fuzz '^FuzzDecodeUpload$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/htmldiff -run '^$$' -fuzz '^FuzzDiff$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/protocol -run '^$$' -fuzz '^FuzzDecodeOps$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/htmldiff -run '^$$' -fuzz '^FuzzApply$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/htmldiff -run '^$$' -fuzz '^FuzzDocUpdate$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/htmldiff -run '^$$' -fuzz '^FuzzDocUpdateContent$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/htmldiff -run '^$$' -fuzz '^FuzzFastParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./live -run '^$$' -fuzz '^FuzzEventValues$$' -fuzztime $(FUZZTIME)
	TEMPLIVE_FUZZ_MS=$(FUZZMS) node --test js/test/commands.fuzz.test.js

jstest: node_modules
	npm test --silent

# The README's first app, built and run from its code blocks.
first-app:
	GO=$(GO) .ci/first-app

# The app templive new writes passes its own make test (vet, tests) with
# its templ output fresh.
new-app:
	GO=$(GO) .ci/new-app

# What importing live costs an app in modules.
user-graph:
	GO=$(GO) .ci/user-graph

# Benchmarks, then the bench tool against the demo: latency and bytes per
# event, and idle connections. BENCH_CLIENTS/BENCH_RATE scale the load run,
# IDLE_CLIENTS the idle one.
BENCH_CLIENTS ?= 1000
BENCH_RATE    ?= 1000
IDLE_CLIENTS  ?= 10000
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/htmldiff ./live
	cd e2e && $(GO) test -run '^$$' -bench PatchApplyInBrowser -benchtime 200x .
	cd cmd && $(GO) build -o $${TMPDIR:-/tmp}/templive-bench ./templive
	@bin=$${TMPDIR:-/tmp}/templive-bench; \
	$$bin demo -addr 127.0.0.1:18099 -dev=false 2>/dev/null & pid=$$!; sleep 1; \
	$$bin bench -url http://127.0.0.1:18099/counter -clients $(BENCH_CLIENTS) -rate $(BENCH_RATE) -duration 10s -event inc; \
	kill $$pid; \
	$$bin demo -addr 127.0.0.1:18098 -dev=false 2>/dev/null & pid=$$!; sleep 1; \
	base=$$(awk '/VmRSS/{print $$2}' /proc/$$pid/status); \
	$$bin bench -url http://127.0.0.1:18098/counter -clients $(IDLE_CLIENTS) -idle -hold 40s & bpid=$$!; sleep 30; \
	held=$$(awk '/VmRSS/{print $$2}' /proc/$$pid/status); wait $$bpid; \
	echo "server RSS per idle connection: $$(( (held - base) * 1024 / $(IDLE_CLIENTS) )) bytes"; kill $$pid

# Many pages over several demo nodes joined by NATS, clients in several
# processes: RSS per connection per node, the fan-out of one message to
# every page, CPU per 1,000 idle pages, the reconnect curve after a node is
# killed. Not part of test: it takes minutes and most of the machine.
# NODES, CLIENTS, PROCS, IDLE_S scale it (scripts/scale.sh).
scale:
	./scripts/scale.sh

demo:
	$(GO) run ./cmd/templive-demo
