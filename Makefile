# sm: cron-driven system monitoring. See README.md.

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
# systemd looks for an administrator's units in /usr/local/lib/systemd/system
# too; a package would use /lib/systemd/system.
UNITDIR  ?= $(PREFIX)/lib/systemd/system
DESTDIR  ?=
GO       ?= go
# How long each fuzz target runs: make fuzz FUZZTIME=60s. make test runs
# only their seed corpora, as ordinary tests; make test-faults fuzzes.
FUZZTIME ?= 30s
FUZZJOBS ?= 2
# How long a new input may be shrunk (go test -fuzzminimizetime).
FUZZMINIMIZETIME ?= 1s
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)

# go-sqlite3 needs cgo.
export CGO_ENABLED = 1

CMDS    := sm-sample sm-store sm-query sm-report
BINS    := $(CMDS:%=bin/%)
LDFLAGS := -s -w -X sm/internal/cli.version=$(VERSION)
# sm-sample uses no C: with the pure-Go resolvers it links statically and
# skips the dynamic loader, a third of its start-up time.
TAGS_sm-sample := netgo,osusergo
# The others link SQLite, which is C. Where the C library's static archive
# is at hand they link statically too, and skip the loader as well: some
# 1–3 ms of processor time a run, 5–7% of sm-store's cron run. Without
# load_extension, which a static binary cannot use and sm does not.
# Elsewhere (a system without libc.a) they link as before.
STATIC_C := $(shell printf 'int main(void) { return 0; }\n' | $${CC:-cc} -static -x c -o /dev/null - 2>/dev/null && echo yes)
ifeq ($(STATIC_C),yes)
$(foreach c,sm-store sm-query sm-report,$(eval TAGS_$(c) := netgo,osusergo,sqlite_omit_load_extension)$(eval LD_$(c) := -linkmode external -extldflags -static))
endif

# Every fuzz target, as package:FuzzName.
FUZZ_TARGETS = $(shell grep -rHo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' internal | sed 's|/[^/]*_test.go:func |:|')

.PHONY: all run test test-faults test-browser test-interop test-conformance microbench fuzz lint check bench bench-hub bench-site bench-peers install uninstall clean FORCE

all: $(BINS)

bin/%: FORCE
	$(GO) build -trimpath -tags '$(TAGS_$*)' -ldflags '$(LDFLAGS) $(LD_$*)' -o $@ ./cmd/$*

# The main job: sample this machine into the default database, and show
# what the last hour holds.
run: all
	bin/sm-sample | bin/sm-store -v
	bin/sm-query --since 1h --format table

# Every unit test, every script of tests/, the light fault suite and
# every fuzz target's seeds, in under a minute from a warm build cache.
# Timed fuzzing is in make fuzz and make test-faults.
test:
	$(GO) test ./...

# The fault suite at full size: every TestFault* built with -tags faults
# (a hundred writers at once, two hundred kills, ten million records,
# damaged files, full disks, the bad-input corpus of tests/testdata/bad),
# the hostile hub's scripts of tests/faults (names and tags that attack
# every output, planted links, a flood of series, a host writing
# another's, forwards that lie, every bad flag value), then every fuzz
# target for FAULTS_FUZZTIME. CI runs it.
FAULTS_FUZZTIME ?= 60s
test-faults:
	$(GO) test -tags faults -count=1 -timeout 30m -run '^TestFault' ./...
	$(MAKE) --no-print-directory fuzz FUZZTIME=$(FAULTS_FUZZTIME)

# The HTML report and the site's index, a host's page and a group's
# rendered in headless Chromium, their layout measured at two widths: it
# skips without one. go test ./internal/report -tags browser -run
# Browser -update keeps the screenshots as docs/report.png and
# docs/site-*.png.
test-browser:
	$(GO) test -tags browser -run Browser -count=1 ./internal/report

# The recipes of sm(7) against the real programs: graphite-carbon,
# influxdb, promtool, munin-node's plugins, sysstat, rrdtool. Each test
# skips, naming the Debian package, when its program is missing.
test-interop:
	$(GO) test -tags interop -count=1 ./tests/interop ./internal/plugin

# The formats' own test suites (OpenMetrics, expfmt, the line protocol
# corpus, carbon's cases) fed through sm-store --from's readers, and the
# collectors run on node_exporter's and procfs's fixture trees, each
# printed as a table against the reference. The data lies beside the
# clone, in ../shared/conformance (SM_CONFORMANCE overrides); the tests
# skip without it.
test-conformance:
	$(GO) test -count=1 -v -run 'TestConformance' ./tests/conformance ./internal/collect

# FUZZJOBS targets fuzz at once, the cores shared among them: each still
# runs FUZZTIME, and the whole takes 1/FUZZJOBS of the time.
fuzz:
	@GO='$(GO)' sh tests/fuzz.sh $(FUZZTIME) $(FUZZMINIMIZETIME) $(FUZZJOBS) $(FUZZ_TARGETS)

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi
	@if command -v mandoc >/dev/null; then \
		echo "mandoc -T lint man/*"; mandoc -T lint -W style man/*; \
	else \
		echo "groff -ww -z man/* (mandoc not installed)"; \
		for p in man/*; do out=$$(groff -ww -z -man $$p 2>&1); [ -z "$$out" ] || { echo "$$out"; exit 1; }; done; \
	fi

check: lint test

# sm beside its peers, every comparison in one run of some ten minutes,
# into bench/RESULTS.md. Some of them alone, the table on the terminal
# and RESULTS.md untouched:
#   make all && go run ./bench -only machine,sample -o ''
# (names in go run ./bench -h). The machine comparison starts 300 idle
# processes and, as root, 50 cgroups, and removes them after.
bench: all
	$(GO) run ./bench -bin bin -o bench/RESULTS.md

# A hub of 1,000,000 series and one of 10,000, side by side: the weekly
# report, the check and a query of one host, and a flood of new series
# refused. It takes some 20 minutes, too long for make bench.
bench-hub: all
	$(GO) run ./bench -bin bin -only hub -runs 21 -o bench/HUB.md

# sm-report --site on 20 hosts × a year, alone: the first run, the same
# data again, and peak RSS. make bench runs it too.
bench-site: all
	$(GO) run ./bench -bin bin -only site -o bench/SITE.md

# sm beside VictoriaMetrics, Prometheus, sysstat, atop, node_exporter
# and collectd, into bench/PEERS.md: the bench's simulated year in each
# store, the same queries through their HTTP APIs, and the CPU a day of
# monitoring costs, each daemon run for PEERS_WINDOW. It takes some 20
# minutes, and installs the peers from Debian when they are missing (as
# root; it skips a peer it cannot install). Each peer runs on 127.0.0.1
# from a scratch folder and is stopped by its pid; no service of the
# system is touched. To try it: make bench-peers PEERS_WINDOW=1m
# PEERS_DAYS=7 PEERS_OUT=''.
PEERS_WINDOW ?= 10m
PEERS_DAYS   ?= 365
PEERS_OUT    ?= bench/PEERS.md
bench-peers: all
	$(GO) run ./bench -bin bin -only peers -peers-window $(PEERS_WINDOW) -peers-days $(PEERS_DAYS) -o '$(PEERS_OUT)'

UNITS := $(notdir $(wildcard contrib/systemd/*))

# Installs the tools, their man pages, the cron.d file with every job
# commented out, and the systemd units and timers, none enabled: nothing
# runs until the administrator says so.
# The Go microbenchmarks of the parser, the codec and the storage batch,
# in benchstat's input format: make microbench > old.txt, change, make
# microbench > new.txt, benchstat old.txt new.txt.
BENCHCOUNT ?= 6
microbench:
	@$(GO) test -run '^$$' -bench . -benchmem -count $(BENCHCOUNT) ./internal/record ./internal/store

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m755 $(BINS) $(DESTDIR)$(BINDIR)/
	install -m644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1/
	install -m644 $(wildcard man/*.7) $(DESTDIR)$(MANDIR)/man7/
	install -d $(DESTDIR)$(SYSCONFDIR)/cron.d $(DESTDIR)$(UNITDIR)
	sed 's|@BINDIR@|$(BINDIR)|g' contrib/cron.d-sm > $(DESTDIR)$(SYSCONFDIR)/cron.d/sm
	chmod 644 $(DESTDIR)$(SYSCONFDIR)/cron.d/sm
	@for u in $(UNITS); do \
		echo "install contrib/systemd/$$u $(DESTDIR)$(UNITDIR)/$$u"; \
		sed 's|@BINDIR@|$(BINDIR)|g' contrib/systemd/$$u > $(DESTDIR)$(UNITDIR)/$$u && chmod 644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done

uninstall:
	rm -f $(CMDS:%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard man/*.1)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(wildcard man/*.7)))
	rm -f $(DESTDIR)$(SYSCONFDIR)/cron.d/sm $(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS))

clean:
	rm -rf bin
