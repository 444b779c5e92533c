# Brief Studio. `make run` opens the app; `make test` runs every test.
# Each target installs what it needs first (scripts/deps.sh, idempotent).

GO        ?= go
BIN       := build/bin
DESKTOP   := $(BIN)/briefstudio
SERVER    := $(BIN)/briefstudio-server
VERSION   := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X main.version=$(VERSION)
TAGS      := desktop,production,webkit2_41
UI_SRC    := $(shell find frontend/src frontend/public -type f 2>/dev/null) frontend/index.html \
             frontend/vite.config.ts frontend/svelte.config.js frontend/tsconfig.json \
             frontend/package.json frontend/package-lock.json
GO_SRC    := $(shell find . -name '*.go' -not -path './frontend/node_modules/*') go.mod go.sum \
             $(shell find internal -name '*.sql')
DATA      ?=
DATA_FLAG := $(if $(DATA),--data $(DATA),)

.PHONY: all run serve test test-go test-ui e2e smoke bench fuzz load lint desktop server ui deps clean install

all: desktop server

## deps: install missing Debian and npm packages (idempotent)
deps:
	@bash scripts/deps.sh

## ui: build the frontend into frontend/dist (embedded by the Go build)
ui: deps frontend/dist/index.html
frontend/dist/index.html: $(UI_SRC)
	cd frontend && npm run build

## desktop: the Wails desktop binary
desktop: ui $(DESKTOP)
$(DESKTOP): frontend/dist/index.html $(GO_SRC)
	CGO_ENABLED=1 $(GO) build -tags $(TAGS) -ldflags "$(LDFLAGS)" -o $@ .

## server: the same program without the desktop (no GTK needed to run it)
server: ui $(SERVER)
$(SERVER): frontend/dist/index.html $(GO_SRC)
	$(GO) build -ldflags "$(LDFLAGS)" -o $@ .

## run: open Brief Studio (with no display it runs the server and prints a login link)
run: deps desktop
	./$(DESKTOP) $(DATA_FLAG)

## serve: the headless sync server on 127.0.0.1:8737, printing a login link
serve: deps server
	./$(SERVER) serve --login-link $(DATA_FLAG)

## test: every test: Go (with -race), the UI's checks and unit tests, the
## browser end-to-end tests and the desktop smoke test under Xvfb
test: deps lint test-go test-ui e2e smoke
	@echo "make test: all passed"

test-go: deps
	$(GO) test -race -count=1 ./...
	@# The randomized convergence suite, 200 seeds, without -race (a few run above).
	$(GO) test -count=1 -run '^TestConvergence$$' ./internal/sync/

test-ui: deps
	cd frontend && npm test

e2e: server
	cd frontend && BRIEFSTUDIO_BIN=../$(SERVER) npm run e2e

smoke: desktop
	bash scripts/desktop-smoke.sh $(DESKTOP)

## bench: Go benchmarks, and the convergence suite with SYNC_SEEDS (default 2000) seeds
SYNC_SEEDS ?= 2000
bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./...
	SYNC_SEEDS=$(SYNC_SEEDS) $(GO) test -count=1 -timeout 60m -run '^TestConvergence$$' ./internal/sync/

## fuzz: run every Go fuzz target for FUZZTIME each (the seed corpora run in make test)
FUZZTIME ?= 30s
fuzz: deps
	@grep -rl --include='*_test.go' '^func Fuzz' internal | while read f; do \
		pkg=./$$(dirname $$f); \
		for fn in $$(grep -o '^func Fuzz[A-Za-z0-9_]*' $$f | cut -c6-); do \
			echo "fuzz $$pkg $$fn"; $(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

## load: the load scenarios (internal/loadtest), each against a fresh server
## started from $(SERVER); prints a table with the targets met or missed.
## LOADFLAGS adds flags, e.g. LOADFLAGS="--scenario team --duration 5s".
LOADFLAGS ?=
load: server
	./$(SERVER) loadtest --scenario all $(LOADFLAGS)

## lint: gofmt, go vet, svelte-check
lint: deps
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: the files above need formatting"; exit 1; }
	$(GO) vet ./...
	cd frontend && npm run check

## install: the desktop app for this user (PREFIX=~/.local): binary, menu entry, icons
PREFIX ?= $(HOME)/.local
install: desktop
	install -Dm755 $(DESKTOP) $(PREFIX)/bin/briefstudio
	install -Dm644 build/linux/briefstudio.desktop $(PREFIX)/share/applications/briefstudio.desktop
	for s in 48 128 256 512; do \
		install -Dm644 build/linux/icons/briefstudio-$$s.png $(PREFIX)/share/icons/hicolor/$${s}x$${s}/apps/briefstudio.png; \
	done
	@echo "installed: $(PREFIX)/bin/briefstudio (menu entry: Brief Studio; opens .md files)"

clean:
	rm -rf build/bin build/smoke build/e2e frontend/dist/assets frontend/dist/index.html
	find frontend/dist -mindepth 1 -not -name .gitkeep -delete 2>/dev/null || true
