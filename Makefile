# templive's build and test entry points. `make test` is what CI runs: it
# installs what is missing (Chromium, npm packages), checks that generated
# and built files are fresh, vets, and runs every test.

GO        ?= go
FUZZTIME  ?= 10s
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all test deps chromium node_modules generate js fresh vet gotest fuzz jstest bench demo clean

all: generate js

test: deps fresh vet gotest fuzz jstest

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
	$(GO) tool templ generate

js: node_modules
	npm run --silent build

# Generated Go and the built client are committed; CI proves they match
# their sources.
fresh: generate js
	@if [ -n "$$(git status --porcelain -- '*_templ.go' js/dist)" ]; then \
		git status --short -- '*_templ.go' js/dist; \
		echo "generated files are stale: run 'make generate js' and commit them"; exit 1; fi

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then \
		echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...

gotest:
	$(GO) test -race -count=1 ./...

fuzz:
	$(GO) test ./internal/protocol -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/htmldiff -run '^$$' -fuzz '^FuzzDiff$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/htmldiff -run '^$$' -fuzz '^FuzzDecodeJSON$$' -fuzztime $(FUZZTIME)

jstest: node_modules
	npm test --silent

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/htmldiff ./live

demo:
	$(GO) run ./cmd/templive-demo
