# Redress — one Makefile. `make run` and `make test` are the two commands;
# the rest are their parts.
#
#   make build   incremental release build → build/redress
#   make run     install what is missing, build, create the demo database, serve on :8080
#   make test    install, build with ASan/UBSan, run unit, fuzz-corpus, API (SQLite, then PostgreSQL) and browser tests
#   make bench   benchmarks (results go to bench/RESULTS.md by hand)
#   make fuzz    the libFuzzer harnesses of tests/fuzz, FUZZ_SECONDS (60) each
#   make web     build the web UI into web/dist

CC      ?= cc
VERSION := 0.1.0
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
           -Wno-format-nonliteral -Wno-format-truncation -Wvla -Wpointer-arith -Wundef
CSTD    := -std=c17 -D_GNU_SOURCE -DREDRESS_VERSION='"$(VERSION)"'
INC     := -Isrc -Ibuild/gen -I/usr/include/postgresql
LIBS    := -lmicrohttpd -ljansson -lsodium -lsqlite3 -lpq -lpthread -lm
# The release binary allocates through mimalloc: first on the link line, its
# malloc and free serve every library (an intake makes ~500 allocations, most
# of them jansson's; glibc's malloc was 18 % of an intake's instructions,
# mimalloc's is 4 %). The sanitizer builds keep ASan's allocator.
LIBS_REL := -lmimalloc $(LIBS)
CFLAGS_REL := $(CSTD) $(WARN) -O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2
CFLAGS_SAN := $(CSTD) $(WARN) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

SRC      := $(shell find src -name '*.c' | sort)
LIB_SRC  := $(filter-out src/main.c,$(SRC))
# Migrations: written once in src/store/migrations/common/ where the dialects
# agree, else once per dialect; scripts/migrations.sh orders them by number.
MIGR     := $(shell sh scripts/migrations.sh sqlite)
MIGR_PG  := $(shell sh scripts/migrations.sh pg)
GEN      := build/gen/migrations_sqlite.c build/gen/migrations_pg.c
UNIT_SRC := $(sort $(wildcard tests/unit/*/test_*.c))

REL_OBJ  := $(patsubst %.c,build/obj/%.o,$(LIB_SRC)) build/obj/gen/migrations_sqlite.o build/obj/gen/migrations_pg.o
SAN_OBJ  := $(patsubst %.c,build/san/obj/%.o,$(LIB_SRC)) build/san/obj/gen/migrations_sqlite.o \
            build/san/obj/gen/migrations_pg.o
UNIT_BIN := $(patsubst tests/unit/%.c,build/san/tests/%,$(UNIT_SRC))

# The libFuzzer harnesses: clang, coverage-instrumented copies of the library
# objects under build/fuzz/ (the gcc builds are untouched); tests/fuzz/fixture.c
# stands in for the server (src/http/server.c) as the handlers' transport.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
CFLAGS_FUZZ  := $(CSTD) $(WARN) -Wno-unknown-warning-option -O1 -g -fno-omit-frame-pointer \
                -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJ := $(patsubst %.c,build/fuzz/obj/%.o,$(filter-out src/http/server.c,$(LIB_SRC)) tests/fuzz/fixture.c) \
            build/fuzz/obj/gen/migrations_sqlite.o build/fuzz/obj/gen/migrations_pg.o
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/bin/%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))

.PHONY: screenshots all build san run test test-docs test-packs test-unit test-fuzz fuzz test-api test-pg test-deploy test-e2e deps web bench bench-pg bench-sweep clean fmt
.DEFAULT_GOAL := build

all build: build/redress

build/gen/migrations_sqlite.c: scripts/embed-sql.sh scripts/migrations.sh $(MIGR)
	@mkdir -p $(@D)
	@sh scripts/migrations.sh sqlite >/dev/null
	sh scripts/embed-sql.sh sqlite_migrations $(MIGR) > $@
build/gen/migrations_pg.c: scripts/embed-sql.sh scripts/migrations.sh $(MIGR_PG)
	@mkdir -p $(@D)
	@sh scripts/migrations.sh pg >/dev/null
	sh scripts/embed-sql.sh pg_migrations $(MIGR_PG) > $@

build/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo CC $<
	@$(CC) $(CFLAGS_REL) $(INC) -MMD -MP -c $< -o $@
build/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_REL) $(INC) -c $< -o $@
build/san/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo CC-SAN $<
	@$(CC) $(CFLAGS_SAN) $(INC) -MMD -MP -c $< -o $@
build/san/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) $(INC) -c $< -o $@

build/redress: build/obj/src/main.o $(REL_OBJ)
	@echo LD $@
	@$(CC) $(CFLAGS_REL) -o $@ $^ $(LIBS_REL)

san: build/san/redress
build/san/redress: build/san/obj/src/main.o $(SAN_OBJ)
	@echo LD $@
	@$(CC) $(CFLAGS_SAN) -o $@ $^ $(LIBS)

build/san/tests/%: tests/unit/%.c $(SAN_OBJ)
	@mkdir -p $(@D)
	@echo LD $@
	@$(CC) $(CFLAGS_SAN) $(INC) -Itests/unit -o $@ $^ $(LIBS) -lcmocka

build/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo CC-FUZZ $<
	@$(FUZZ_CC) $(CFLAGS_FUZZ) -fsanitize=fuzzer-no-link $(INC) -Itests/fuzz -MMD -MP -c $< -o $@
build/fuzz/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	@$(FUZZ_CC) $(CFLAGS_FUZZ) $(INC) -c $< -o $@

# Only the harnesses' pattern rule names these: keep them between builds.
.SECONDARY: $(FUZZ_OBJ)

# fuzz_login swaps the production password cost for a cheap one (see the file).
FUZZ_LDFLAGS_fuzz_login := -Wl,--wrap=crypto_pwhash_str_verify
build/fuzz/bin/%: tests/fuzz/%.c $(FUZZ_OBJ)
	@mkdir -p $(@D)
	@echo LD-FUZZ $@
	@$(FUZZ_CC) $(CFLAGS_FUZZ) -fsanitize=fuzzer $(INC) -Itests/fuzz -o $@ $^ $(FUZZ_LDFLAGS_$*) $(LIBS)

-include $(shell find build -name '*.d' 2>/dev/null)

deps:
	@sh scripts/deps.sh

web/dist/index.html: $(shell find web -path web/node_modules -prune -o -path web/dist -prune -o -type f -print 2>/dev/null)
	@sh scripts/web.sh

web: web/dist/index.html

run: deps build web
	build/redress demo --db sqlite:data/redress.db --listen 127.0.0.1:8080

test: deps san $(UNIT_BIN) web
	@$(MAKE) --no-print-directory test-docs test-packs test-unit test-fuzz test-api test-pg test-deploy test-e2e

# docs/workflow.md is generated from the transition table; they must agree.
test-docs: build/san/redress
	@build/san/redress workflow | diff -u docs/workflow.md - && echo "docs/workflow.md matches the transition table"

# Every shipped policy pack must pass `redress pack validate`.
test-packs: build/san/redress
	@build/san/redress pack validate packs/*.json

test-unit: $(UNIT_BIN)
	@sh scripts/run-unit.sh $(UNIT_BIN)

# Each harness once over its committed corpus: a regression run of seconds.
test-fuzz: $(FUZZ_BIN)
	@sh scripts/fuzz.sh check $(FUZZ_BIN)

# Each harness for FUZZ_SECONDS, one at a time; fails on any crash (kept in build/fuzz/crashes/).
fuzz: $(FUZZ_BIN)
	@sh scripts/fuzz.sh run $(FUZZ_SECONDS) $(FUZZ_BIN)

test-api: build/san/redress build/redress
	REDRESS_BIN=build/san/redress node --test --test-concurrency=2 tests/api/

# The same API suite on a private PostgreSQL (started and stopped by the script).
test-pg: build/san/redress build/redress build/san/tests/store/test_driver
	@sh scripts/test-pg.sh

# The example configurations of docs/deploy/, checked by nginx, haproxy and patroni.
test-deploy:
	@sh scripts/check-deploy.sh

# Refreshes the README's screenshots from a browser run.
screenshots: build/redress web
	@REDRESS_SCREENSHOTS=$(CURDIR)/docs/screenshots sh scripts/run-e2e.sh

test-e2e: build/redress web
	@sh scripts/run-e2e.sh

bench: build/redress
	@sh bench/run.sh

# PostgreSQL next to SQLite, one and two nodes (bench/pg.sh).
bench-pg: build/redress
	@sh bench/pg.sh

# The deadline sweeper over 1,000,000 open complaints (bench/sweep/run.sh).
bench-sweep: build/redress
	@sh bench/sweep/run.sh

fmt:
	clang-format -i $(SRC) $(UNIT_SRC)

clean:
	rm -rf build web/dist
