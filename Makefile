# Redress — one Makefile. `make run` and `make test` are the two commands;
# the rest are their parts.
#
#   make build   incremental release build → build/redress
#   make run     install what is missing, build, create the demo database, serve on :8080
#   make test    install, build with ASan/UBSan, check the layers, run unit, fuzz-corpus, API (SQLite, then PostgreSQL) and browser tests
#   make test-tsan  build with ThreadSanitizer, run the threaded unit tests and concurrent API tests (part of make test)
#   make bench   benchmarks (results go to bench/RESULTS.md by hand)
#   make fuzz    the libFuzzer harnesses of tests/fuzz, FUZZ_SECONDS (60) each
#   make web     build the web UI into web/dist

CC      ?= cc
VERSION := 0.1.0
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
           -Wno-format-nonliteral -Wno-format-truncation -Wvla -Wpointer-arith -Wundef
CSTD    := -std=c17 -D_GNU_SOURCE -DREDRESS_VERSION='"$(VERSION)"'
# GMime 3 (and its GLib), the reading of e-mail the intake fetches (util/mailmsg.c): as
# system headers, so that GLib's own warnings are not ours.
GMIME_INC := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags-only-I gmime-3.0 2>/dev/null))
INC     := -Isrc -Ibuild/gen -I/usr/include/postgresql $(GMIME_INC)
# libopencc: Traditional to Simplified folding of the search index (app/search.c);
# libcurl: the e-mail and webhooks of notifications (jobs/deliver.c);
# libmagic: the type of an attachment, read from its content (app/attachments.c).
# libzip, libexpat: the XLSX ledgers an import reads, streamed (util/sheetin.c).
# libgmime-3.0: the e-mail the intake fetches over IMAP, read (util/mailmsg.c).
LIBS    := -lmicrohttpd -lzip -lexpat -ljansson -lsodium -lsqlite3 -lpq -lxlsxwriter -lmagic -lz -lopencc -lcurl \
           -lgmime-3.0 -lgio-2.0 -lgobject-2.0 -lglib-2.0 -lpthread -lm
# The release binary allocates through mimalloc: the first shared library on
# the link line (after Redress's own archives), its malloc and free serve
# every library (an intake makes ~500 allocations, most of them jansson's;
# glibc's malloc was 18 % of an intake's instructions, mimalloc's is 4 %).
# The sanitizer builds keep their own allocators.
LIBS_REL := -lmimalloc $(LIBS)
CFLAGS_REL := $(CSTD) $(WARN) -O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2
CFLAGS_san := $(CSTD) $(WARN) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

SRC      := $(shell find src -name '*.c' | sort)
LIB_SRC  := $(filter-out src/main.c,$(SRC))
# Migrations: written once in src/store/migrations/common/ where the dialects
# agree, else once per dialect; scripts/migrations.sh orders them by number.
MIGR     := $(shell sh scripts/migrations.sh sqlite)
MIGR_PG  := $(shell sh scripts/migrations.sh pg)
# Generated sources, by the layer whose library holds them.
GEN_store := build/gen/migrations_sqlite.c build/gen/migrations_pg.c
GEN_sec   := build/gen/common_passwords.c
GEN_cli   := build/gen/packs.c build/gen/web.c
# The shipped policy packs and the demo's data, built into the binary.
PACK_FILES := $(sort $(wildcard packs/*.json packs/*/*.json))
# The built web UI (`make web`), built into the binary as web/dist holds it
# when the binary is built: none if it is absent (the server says so at /).
# build/gen/web.list, rewritten only when the list of files changes, makes a
# removed file rebuild the table too.
WEB_FILES := $(shell find web/dist -type f 2>/dev/null | LC_ALL=C sort)
$(shell mkdir -p build/gen && echo '$(WEB_FILES)' | cmp -s - build/gen/web.list || echo '$(WEB_FILES)' > build/gen/web.list)
UNIT_SRC := $(sort $(wildcard tests/unit/*/test_*.c))

# The layers, top first. A layer may include and call the layers to its
# right, except where NOT_x takes some away or ONLY_x names all it may use.
# Each folder of src/ is a static library and binaries link them in this
# order, so an upward call is an undefined symbol at link time; `make
# test-layers` holds the includes to the same table. A new folder of src/ is
# one more word in LAYERS; src/main.c, the command dispatch, is above them all.
LAYERS    := cli api http jobs app sec store core util
# api and jobs are peers: cli uses both, neither uses the other.
NOT_api   := jobs
# The transport: libmicrohttpd and util/, nothing of users or the store.
ONLY_http := util
# A layer that must still call one above it names it as a debt, e.g.
# DEBT_http := api (its library is then also linked against that layer's);
# there are none.

# $(call below,L,LIST): the words of LIST after L
below = $(if $2,$(if $(filter $1,$(firstword $2)),$(wordlist 2,$(words $2),$2),$(call below,$1,$(wordlist 2,$(words $2),$2))))
# $(call uses,L): the layers L may use besides itself, in link order
uses  = $(or $(ONLY_$1),$(filter-out $(NOT_$1),$(call below,$1,$(LAYERS))))
# $(call linked,L): what L's library is linked against, L and its debts included
linked = $(filter $1 $(call uses,$1) $(foreach d,$(DEBT_$1),$d $(call uses,$d)),$(LAYERS))

$(foreach f,$(LIB_SRC),$(if $(filter $(LAYERS),$(word 2,$(subst /, ,$f))),,$(error $f: src/$(word 2,$(subst /, ,$f))/ is not in LAYERS)))
$(foreach d,$(sort $(patsubst tests/unit/%/,%,$(dir $(UNIT_SRC)))),$(if $(filter $(LAYERS),$d),,$(error tests/unit/$d/ is not a layer of LAYERS)))

# The builds: where each puts its objects and its libraries.
OBJ_rel  := build/obj
LIBD_rel := build/obj/lib
OBJ_san  := build/san/obj
LIBD_san := build/san/lib
OBJ_tsan := build/tsan/obj
LIBD_tsan:= build/tsan/lib
OBJ_fuzz := build/fuzz/obj
LIBD_fuzz:= build/fuzz/lib
# The fuzz build leaves the server out: tests/fuzz/fixture.c, linked with each
# harness, stands in for src/http/server.c as the handlers' transport.
OMIT_fuzz := src/http/server.c

# $(call objs,BUILD,L): the objects of layer L's library, its generated sources' included
objs = $(patsubst %.c,$(OBJ_$1)/%.o,$(filter-out $(OMIT_$1),$(filter src/$2/%,$(LIB_SRC)))) \
       $(GEN_$2:build/gen/%.c=$(OBJ_$1)/gen/%.o)
# $(call libs,BUILD,LAYERS): the library files; $(call link,BUILD,LAYERS): the same for a link line
libs = $(foreach l,$2,$(LIBD_$1)/libredress_$l.a)
comma := ,
empty :=
space := $(empty) $(empty)
link = $(call libs,$1,$2)

define layer_lib
$(LIBD_$1)/libredress_$2.a: $(call objs,$1,$2)
	@mkdir -p $$(@D)
	@echo AR $$@
	@rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach b,rel san tsan fuzz,$(foreach l,$(LAYERS),$(eval $(call layer_lib,$b,$l))))

# A binary pulls only the archive members it needs, so an upward call in a
# member it does not need, or to a function it links anyway, goes unseen
# there. Here each library is linked whole against only the libraries its
# layer may use: any upward call is an undefined symbol (make test-layers).
define layer_link
build/san/layers/$1: $(call libs,san,$(call linked,$1))
	@mkdir -p $$(@D)
	@echo 'int main(void) { return 0; }' > $$@.c
	@$$(CC) $$(CFLAGS_san) -o $$@ $$@.c -Wl,--whole-archive $(LIBD_san)/libredress_$1.a -Wl,--no-whole-archive \
		$(call link,san,$(call linked,$1)) $$(LIBS)
endef
$(foreach l,$(LAYERS),$(eval $(call layer_link,$l)))

# A unit test in tests/unit/L/ links L's library and those L may use, no more.
define unit_test
build/$1/tests/$2/%: tests/unit/$2/%.c $(call libs,$1,$2 $(call uses,$2))
	@mkdir -p $$(@D)
	@echo LD $$@
	@$$(CC) $$(CFLAGS_$1) $$(INC) -Itests/unit -o $$@ $$< $(call link,$1,$2 $(call uses,$2)) $$(LIBS) -lcmocka
endef
$(foreach b,san tsan,$(foreach l,$(LAYERS),$(eval $(call unit_test,$b,$l))))

UNIT_BIN := $(patsubst tests/unit/%.c,build/san/tests/%,$(UNIT_SRC))

# ThreadSanitizer (scripts/test-tsan.sh): the unit tests that run threads, and
# the API files with the most concurrent requests (about 2.5 minutes; the whole
# suite takes 6, and its session timeouts do not survive the slowdown).
CFLAGS_tsan := $(CSTD) $(WARN) -O1 -g -fno-omit-frame-pointer -fsanitize=thread
TSAN_UNIT   := $(patsubst tests/unit/%.c,build/tsan/tests/%,tests/unit/util/test_groupq.c \
               $(wildcard tests/unit/store/test_*.c) tests/unit/app/test_store.c)
TSAN_API    ?= $(addprefix tests/api/,concurrency.test.mjs crash.test.mjs intake.test.mjs list.test.mjs \
               sweepscale.test.mjs notify.test.mjs webhook.test.mjs attachments.test.mjs import.test.mjs \
               mailin.test.mjs inapp.test.mjs)

# The libFuzzer harnesses: clang, coverage-instrumented copies of the library
# objects under build/fuzz/ (the gcc builds are untouched).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
CFLAGS_FUZZ  := $(CSTD) $(WARN) -Wno-unknown-warning-option -O1 -g -fno-omit-frame-pointer \
                -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/bin/%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))

.PHONY: screenshots all build san tsan run test test-docs test-packs test-layers test-unit test-tsan test-fuzz fuzz test-api test-pg test-deploy test-deb test-e2e deps web deb bench bench-pg bench-sweep clean fmt
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

build/gen/packs.c: scripts/embed-files.sh $(PACK_FILES)
	@mkdir -p $(@D)
	sh scripts/embed-files.sh shipped_packs packs $(PACK_FILES) > $@
build/gen/web.c: scripts/embed-files.sh build/gen/web.list $(WEB_FILES)
	@mkdir -p $(@D)
	sh scripts/embed-files.sh -b web_files web/dist $(WEB_FILES) > $@
build/gen/common_passwords.c: scripts/embed-list.sh src/sec/common-passwords.txt
	@mkdir -p $(@D)
	sh scripts/embed-list.sh common_passwords src/sec/common-passwords.txt > $@

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
	@$(CC) $(CFLAGS_san) $(INC) -MMD -MP -c $< -o $@
build/san/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_san) $(INC) -c $< -o $@
build/tsan/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo CC-TSAN $<
	@$(CC) $(CFLAGS_tsan) $(INC) -MMD -MP -c $< -o $@
build/tsan/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	@$(CC) $(CFLAGS_tsan) $(INC) -c $< -o $@

build/redress: build/obj/src/main.o $(call libs,rel,$(LAYERS))
	@echo LD $@
	@$(CC) $(CFLAGS_REL) -o $@ $< $(call link,rel,$(LAYERS)) $(LIBS_REL)

san: build/san/redress
build/san/redress: build/san/obj/src/main.o $(call libs,san,$(LAYERS))
	@echo LD $@
	@$(CC) $(CFLAGS_san) -o $@ $< $(call link,san,$(LAYERS)) $(LIBS)

tsan: build/tsan/redress
build/tsan/redress: build/tsan/obj/src/main.o $(call libs,tsan,$(LAYERS))
	@echo LD $@
	@$(CC) $(CFLAGS_tsan) -o $@ $< $(call link,tsan,$(LAYERS)) $(LIBS)

build/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo CC-FUZZ $<
	@$(FUZZ_CC) $(CFLAGS_FUZZ) -fsanitize=fuzzer-no-link $(INC) -Itests/fuzz -MMD -MP -c $< -o $@
build/fuzz/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	@$(FUZZ_CC) $(CFLAGS_FUZZ) $(INC) -c $< -o $@

# Only the harnesses' pattern rule names it: keep it between builds.
.SECONDARY: build/fuzz/obj/tests/fuzz/fixture.o

# fuzz_login swaps the production password cost for a cheap one (see the file).
FUZZ_LDFLAGS_fuzz_login := -Wl,--wrap=crypto_pwhash_str_verify
build/fuzz/bin/%: tests/fuzz/%.c build/fuzz/obj/tests/fuzz/fixture.o $(call libs,fuzz,$(LAYERS))
	@mkdir -p $(@D)
	@echo LD-FUZZ $@
	@$(FUZZ_CC) $(CFLAGS_FUZZ) -fsanitize=fuzzer $(INC) -Itests/fuzz -o $@ $< build/fuzz/obj/tests/fuzz/fixture.o \
		$(call link,fuzz,$(LAYERS)) $(FUZZ_LDFLAGS_$*) $(LIBS)

-include $(shell find build -name '*.d' 2>/dev/null)

deps:
	@sh scripts/deps.sh

web/dist/index.html: $(shell find web -path web/node_modules -prune -o -path web/dist -prune -o -type f -print 2>/dev/null)
	@sh scripts/web.sh

web: web/dist/index.html

# The UI first: the binary carries what web/dist holds when it is linked.
run: deps web
	@$(MAKE) --no-print-directory build
	build/redress demo --db sqlite:data/redress.db --listen 127.0.0.1:8080

test: deps web
	@$(MAKE) --no-print-directory san $(UNIT_BIN)
	@$(MAKE) --no-print-directory test-docs test-packs test-layers test-unit test-tsan test-fuzz test-api test-pg test-deploy test-deb test-e2e

# docs/workflow.md is generated from the transition table; they must agree.
test-docs: build/san/redress
	@build/san/redress workflow | diff -u docs/workflow.md - && echo "docs/workflow.md matches the transition table"

# Every shipped policy pack must pass `redress pack validate`.
test-packs: build/san/redress
	@build/san/redress pack validate packs/*.json

# Every #include of src/ and tests/unit/ at or below its own layer (scripts/check-layers.sh),
# and every library linked whole against only the layers it may use.
test-layers: $(LAYERS:%=build/san/layers/%)
	@echo "layers: every library links against its own layer and those below"
	@sh scripts/check-layers.sh $(foreach l,$(LAYERS),$l:$(subst $(space),$(comma),$(strip $(call uses,$l))))

test-unit: $(UNIT_BIN)
	@sh scripts/run-unit.sh $(UNIT_BIN)

# The ThreadSanitizer build: the unit tests of the threaded code and the API files of TSAN_API (docs/operations.md, "Tests").
test-tsan: build/tsan/redress $(TSAN_UNIT)
	@sh scripts/test-tsan.sh $(TSAN_UNIT) -- $(TSAN_API)

# Each harness once over its committed corpus: a regression run of seconds.
test-fuzz: $(FUZZ_BIN)
	@sh scripts/fuzz.sh check $(FUZZ_BIN)

# Each harness for FUZZ_SECONDS, one at a time; fails on any crash (kept in build/fuzz/crashes/).
fuzz: $(FUZZ_BIN)
	@sh scripts/fuzz.sh run $(FUZZ_SECONDS) $(FUZZ_BIN)

test-api: build/san/redress build/redress
	REDRESS_BIN=build/san/redress node --test --test-concurrency=2 tests/api/

# The same API suite on a private PostgreSQL (started and stopped by the script).
test-pg: build/san/redress build/redress build/san/tests/store/test_driver build/san/tests/app/test_store
	@sh scripts/test-pg.sh

# A Debian package of the release build, the web UI built into it (scripts/deb.sh).
deb: web
	@$(MAKE) --no-print-directory build
	@sh scripts/deb.sh

# The package installed with dpkg -i and run from / (root only; purged after).
test-deb: web
	@$(MAKE) --no-print-directory build
	@sh scripts/test-deb.sh

# The example configurations of docs/deploy/, checked by nginx, haproxy and patroni.
test-deploy:
	@sh scripts/check-deploy.sh

# Refreshes the README's screenshots from a browser run: those the README
# shows are kept, reduced to a palette (pngquant) to stay small; the rest go.
screenshots: web
	@$(MAKE) --no-print-directory build
	@REDRESS_SCREENSHOTS=$(CURDIR)/docs/screenshots sh scripts/run-e2e.sh
	@for f in docs/screenshots/*.png; do grep -q "$$f" README.md || rm -f "$$f"; done
	@pngquant --quality=70-95 --speed 1 --strip --force --ext .png docs/screenshots/*.png

test-e2e: web
	@$(MAKE) --no-print-directory build
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
