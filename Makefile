# migrate: schema migrations for SQLite and PostgreSQL.
#
#   make            build ./migrate
#   make check      install missing packages, build, run every test
#   make demo       install missing packages, build, run the example project
#   make bench      the benchmarks in bench/
#   make asan       build with ASan+UBSan into build-asan/ and run the suite
#   make check-valgrind  the suite under valgrind memcheck
#   make fuzz       FUZZ_SECONDS=60: each libFuzzer harness of fuzz/ that long
#   make fuzz-regress  each harness over its seeds and fuzz/regress/ once
#   make fuzz-ci    all harnesses at once, FUZZ_SECONDS each (make check
#                   runs it when CI=true, CI_FUZZ_SECONDS=30 each: the
#                   whole CI job stays under 10 minutes on 2 cores)
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX	?= /usr/local
BINDIR	 = $(PREFIX)/bin
MANDIR	 = $(PREFIX)/share/man
DATADIR	 = $(PREFIX)/share/migrate

O	?= build
CC	?= cc
PKGS	 = sqlite3 libpq libgit2 inih
# libpq and libgit2 are not linked but loaded when first used (src/dynlib.c):
# linked, their thirty-odd libraries cost every command some 5 ms of start-up.
# Their headers only. dlopen is in libc since glibc 2.34 (older: add -ldl).
LINK_PKGS = sqlite3 inih
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(LINK_PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN	 = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wdeclaration-after-statement -Wvla \
	   -Wwrite-strings -Wformat=2 -Werror
CFLAGS	?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
	   $(CFLAGS) $(PKG_CFLAGS) -Isrc \
	   -DMIGRATE_DATADIR='"$(DATADIR)"'
ifdef SANITIZE
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=$(SANITIZE) \
	   -fno-omit-frame-pointer -g
LDFLAGS	+= -fsanitize=$(SANITIZE)
endif

# The library: everything but main.c, linked into the binary and the tests.
LIB_OBJS += src/util/error.o
LIB_OBJS += src/util/json.o
LIB_OBJS += src/util/sha256.o
LIB_OBJS += src/util/strbuf.o
LIB_OBJS += src/util/xmalloc.o
LIB_OBJS += src/util/xxh64.o
LIB_OBJS += src/config.o
LIB_OBJS += src/url.o
LIB_OBJS += src/sqlsplit.o
LIB_OBJS += src/script.o
LIB_OBJS += src/graph.o
LIB_OBJS += src/cache.o
LIB_OBJS += src/hdrcache.o
LIB_OBJS += src/version.o
LIB_OBJS += src/schema.o
LIB_OBJS += src/model.o
LIB_OBJS += src/diff.o
LIB_OBJS += src/rename.o
LIB_OBJS += src/lint.o
LIB_OBJS += src/gitref.o
LIB_OBJS += src/dynlib.o
LIB_OBJS += src/dialect.o
LIB_OBJS += src/dialect-sqlite.o
LIB_OBJS += src/dialect-sqlite-reflect.o
LIB_OBJS += src/dialect-sqlite-render.o
LIB_OBJS += src/dialect-postgres.o
LIB_OBJS += src/dialect-postgres-reflect.o
LIB_OBJS += src/dialect-postgres-render.o
LIB_OBJS += src/dialect-postgres-objects.o
LIB_OBJS += src/tape.o
LIB_OBJS += src/cmd.o
LIB_OBJS += src/cmd-config.o
LIB_OBJS += src/cmd-exec.o
LIB_OBJS += src/cmd-help.o
LIB_OBJS += src/cmd-init.o
LIB_OBJS += src/cmd-downgrade.o
LIB_OBJS += src/cmd-upgrade.o
LIB_OBJS += src/cmd-edit.o
LIB_OBJS += src/cmd-merge.o
LIB_OBJS += src/cmd-revision.o
LIB_OBJS += src/cmd-stamp.o
LIB_OBJS += src/cmd-history.o
LIB_OBJS += src/cmd-show.o
LIB_OBJS += src/cmd-branches.o
LIB_OBJS += src/cmd-heads.o
LIB_OBJS += src/cmd-current.o
LIB_OBJS += src/cmd-diff.o
LIB_OBJS += src/cmd-create-all.o
LIB_OBJS += src/cmd-check.o

UNIT_TESTS += test-cmd
UNIT_TESTS += test-config
UNIT_TESTS += test-diff
UNIT_TESTS += test-dialect
UNIT_TESTS += test-dialect-cache
UNIT_TESTS += test-error
UNIT_TESTS += test-fuzz-regress
UNIT_TESTS += test-graph
UNIT_TESTS += test-hdrcache
UNIT_TESTS += test-model
UNIT_TESTS += test-reflect-postgres
UNIT_TESTS += test-render-postgres
UNIT_TESTS += test-reflect-sqlite
UNIT_TESTS += test-render-sqlite
UNIT_TESTS += test-rename
UNIT_TESTS += test-script
UNIT_TESTS += test-sha256
UNIT_TESTS += test-sqlsplit
UNIT_TESTS += test-strbuf
UNIT_TESTS += test-tape
UNIT_TESTS += test-url
UNIT_TESTS += test-xxh64


# Every file under templates/ is compiled in (scripts/embed-templates.sh), so
# that the binary finds its templates wherever it is copied.
GEN_OBJS = gen/templates.o

OBJS	 = $(addprefix $(O)/,$(LIB_OBJS) $(GEN_OBJS))
TOBJS	 = $(addprefix $(O)/unit/,$(LIB_OBJS) $(GEN_OBJS))
TBINS	 = $(addprefix $(O)/unit/,$(UNIT_TESTS))
HEADERS	 = $(wildcard src/*.h src/util/*.h)

.PHONY: all check check-unit check-e2e check-valgrind demo asan install \
	uninstall clean deps lint unit-tests bench
.PHONY: fuzz fuzz-ci fuzz-regress fuzz-build fuzz-deps fuzz-clean

all: migrate

migrate: $(O)/migrate
	@if [ "$(O)" = build ]; then cp $(O)/migrate migrate; fi

$(O)/migrate: $(O)/src/main.o $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(O)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Unit tests link a copy of the library built with -DUNIT_TESTING, so that
# cmocka sees every allocation.
$(O)/unit/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DUNIT_TESTING -c -o $@ $<

$(O)/gen/templates.c: scripts/embed-templates.sh $(shell find templates -type f)
	@mkdir -p $(dir $@)
	sh scripts/embed-templates.sh templates >$@.tmp
	mv $@.tmp $@

$(O)/gen/templates.o: $(O)/gen/templates.c $(HEADERS)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/unit/gen/templates.o: $(O)/gen/templates.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DUNIT_TESTING -c -o $@ $<

$(O)/unit/libmigrate.a: $(TOBJS)
	rm -f $@
	ar rcs $@ $^

$(O)/unit/test-%: tests/unit/test-%.c tests/unit/unit.h tests/unit/unit-db.h tests/unit/unit-ini.h $(O)/unit/libmigrate.a
	$(CC) $(ALL_CFLAGS) -DUNIT_TESTING -Wno-missing-prototypes $(LDFLAGS) \
		-o $@ $< $(O)/unit/libmigrate.a $(PKG_LIBS) $(CMOCKA_LIBS)

deps:
	@sh scripts/install-deps.sh

# check: the suite on the build, then again on an ASan+UBSan build (see
# tests/run.sh).
check: deps
	@$(MAKE) --no-print-directory all unit-tests
	@$(MAKE) --no-print-directory O=build-asan \
		SANITIZE=address,undefined CFLAGS='-O1 -g' \
		build-asan/migrate unit-tests
	@sh tests/run.sh $(O) build-asan
	@if [ "$${CI:-}" = true ]; then $(MAKE) --no-print-directory fuzz-ci \
		FUZZ_SECONDS=$(CI_FUZZ_SECONDS); fi

check-unit: all unit-tests
	@sh tests/run.sh --unit-only $(O)

check-e2e: all
	@sh tests/run.sh --e2e-only $(O)

unit-tests: $(TBINS)

check-valgrind: deps
	@sh scripts/install-deps.sh valgrind
	@$(MAKE) --no-print-directory all unit-tests
	@VALGRIND="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --suppressions=$(CURDIR)/tests/valgrind.supp" \
		sh tests/run.sh $(O)

asan: deps
	@$(MAKE) --no-print-directory O=build-asan \
		SANITIZE=address,undefined CFLAGS='-O1 -g' \
		build-asan/migrate unit-tests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		sh tests/run.sh build-asan

# Fuzzing: libFuzzer harnesses (fuzz/fuzz-*.c) over the parsers, built with
# clang, ASan and UBSan into build-fuzz/ (sh fuzz/run.sh runs them; see
# fuzz/README.md). Only the modules they reach are linked.
FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
CI_FUZZ_SECONDS	?= 30
FUZZ_O		 = build-fuzz
FUZZ_HARNESSES	 = config graph script spec sqlsplit url
FUZZ_SRCS	 = src/util/error.c src/util/strbuf.c src/util/xmalloc.c \
		   src/util/sha256.c src/util/xxh64.c src/config.c src/url.c \
		   src/sqlsplit.c \
		   src/script.c src/graph.c src/cache.c src/hdrcache.c
FUZZ_CFLAGS	 = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
		   $(WARN) -O1 -g -fno-omit-frame-pointer \
		   -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		   $(shell pkg-config --cflags sqlite3 inih 2>/dev/null) -Isrc
FUZZ_LIBS	 = $(shell pkg-config --libs sqlite3 inih 2>/dev/null)
FUZZ_OBJS	 = $(patsubst %.c,$(FUZZ_O)/%.o,$(FUZZ_SRCS))
FUZZ_BINS	 = $(addprefix $(FUZZ_O)/fuzz-,$(FUZZ_HARNESSES))

fuzz: fuzz-deps
	@$(MAKE) --no-print-directory fuzz-build
	@sh fuzz/run.sh fuzz $(FUZZ_SECONDS) $(FUZZ_O) $(FUZZ_HARNESSES)

# CI: every harness for FUZZ_SECONDS of wall-clock time, all at once (on 2
# cores each gets a third of one: the time of one harness, not six).
fuzz-ci: fuzz-deps
	@$(MAKE) --no-print-directory fuzz-build
	@printf '%s\n' $(FUZZ_HARNESSES) | xargs -P 0 -I{} \
		sh fuzz/run.sh fuzz $(FUZZ_SECONDS) $(FUZZ_O) {}

fuzz-regress: fuzz-deps
	@$(MAKE) --no-print-directory fuzz-build
	@sh fuzz/run.sh regress $(FUZZ_O) $(FUZZ_HARNESSES)

fuzz-deps:
	@FUZZ=1 sh scripts/install-deps.sh

fuzz-build: $(FUZZ_BINS)

$(FUZZ_O)/.gitignore:
	@mkdir -p $(FUZZ_O)
	@echo '*' >$@

$(FUZZ_OBJS): $(FUZZ_O)/%.o: %.c $(HEADERS) | $(FUZZ_O)/.gitignore
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_O)/fuzz/graph-check.o: fuzz/graph-check.c fuzz/fuzz.h $(HEADERS) \
    | $(FUZZ_O)/.gitignore
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_O)/fuzz-%: fuzz/fuzz-%.c fuzz/fuzz.h $(FUZZ_OBJS) \
    $(FUZZ_O)/fuzz/graph-check.o
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) \
		$(FUZZ_O)/fuzz/graph-check.o $(FUZZ_LIBS)

fuzz-clean:
	rm -rf $(FUZZ_O)

bench: deps
	@$(MAKE) --no-print-directory all
	@sh bench/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh

lint:
	@sh scripts/lint.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)
	install -m 0755 migrate $(DESTDIR)$(BINDIR)/migrate
	install -m 0644 man/migrate.1 $(DESTDIR)$(MANDIR)/man1/migrate.1
	install -m 0644 man/migrate.ini.5 $(DESTDIR)$(MANDIR)/man5/migrate.ini.5
	install -m 0644 man/migrate-script.5 \
		$(DESTDIR)$(MANDIR)/man5/migrate-script.5
	cp -R templates/. $(DESTDIR)$(DATADIR)/
	find $(DESTDIR)$(DATADIR) -type f -exec chmod 0644 {} +

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/migrate
	rm -f $(DESTDIR)$(MANDIR)/man1/migrate.1
	rm -f $(DESTDIR)$(MANDIR)/man5/migrate.ini.5
	rm -f $(DESTDIR)$(MANDIR)/man5/migrate-script.5
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-asan build-faults $(FUZZ_O) migrate demo.db
