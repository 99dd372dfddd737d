# The task manager: two FastCGI services, their shared lib/, their tests.
#
#   make run     install what is missing, build, run the whole stack
#   make test    the same set-up, then every test on a stack of its own
#   make bench   the benchmark (docs/PERFORMANCE.md)
#   make install PREFIX=/usr DESTDIR=...   binaries, nginx site, environment
#                files, systemd units (docs/DEPLOYMENT.md)
#   make SANITIZE=address,undefined ...   the same with sanitizers

CC       ?= cc
PKGS     := hiredis json-c libcurl uuid libcrypto
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
            -Wall -Wextra -Werror -Wshadow -Wformat=2 \
            -Wmissing-prototypes -Wstrict-prototypes \
            -Ilib $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   := -lfcgi $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# The services allocate and free many small blocks a request (json-c's
# objects); jemalloc serves them with less work than glibc's malloc
# (docs/PERFORMANCE.md).  MALLOC= keeps glibc's.  A sanitizer brings its
# own allocator, so that build keeps glibc's too.
MALLOC   ?= jemalloc

ifneq ($(SANITIZE),)
CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -O1
LDFLAGS += -fsanitize=$(SANITIZE)
B       := build/san
else
B       := build/release
SERVICE_LIBS := $(if $(MALLOC),-l$(MALLOC))
endif

LIB_SRC   := $(wildcard lib/*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(B)/%.o)
USERS_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard fcgi-users/*.c))
TASKS_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard fcgi-tasks/*.c))
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_SECONDS ?= 60
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=undefined -Ilib -Ifcgi-users -Ifcgi-tasks \
                $(shell pkg-config --cflags $(PKGS) 2>/dev/null)

# Installation layout (GNU conventions).  With PREFIX=/usr the configuration
# goes to /etc and the units to /usr/lib/systemd/system, as a package would.
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
SYSCONFDIR  ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
LOCALSTATEDIR ?= $(if $(filter /usr,$(PREFIX)),/var,$(PREFIX)/var)
RUNSTATEDIR ?= /run
UNITDIR     ?= $(PREFIX)/lib/systemd/system
DOCDIR      ?= $(PREFIX)/share/doc/task-manager
LOGDIR      ?= $(LOCALSTATEDIR)/log/nginx
NGINX_GROUP ?= www-data

# make test builds its four builds with one job a core.
NPROC := $(shell nproc 2>/dev/null || echo 1)

.PHONY: all deps run unit test fuzz bench install clean

all: $(B)/bin/fcgi-users $(B)/bin/fcgi-tasks

$(B)/%.o: %.c $(wildcard lib/*.h fcgi-users/*.h fcgi-tasks/*.h) | $(B)/dirs
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/dirs:
	mkdir -p $(B)/bin $(B)/lib $(B)/fcgi-users $(B)/fcgi-tasks $(B)/tests
	touch $@

$(B)/libcommon.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(B)/bin/fcgi-users: $(USERS_OBJ) $(B)/libcommon.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(SERVICE_LIBS)

$(B)/bin/fcgi-tasks: $(TASKS_OBJ) $(B)/libcommon.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(SERVICE_LIBS)

# The benchmark's reference responder (its ceilings).
$(B)/bin/ceiling: tests/load/ceiling.c | $(B)/dirs
	$(CC) $(CFLAGS) -o $@ $< $(LDLIBS)

# Unit tests link lib/ and, where they test a service's code, that service's
# objects without its main: named here, test by test.
USERS_LIB := $(filter-out %/main.o,$(USERS_OBJ))
TASKS_LIB := $(filter-out %/main.o,$(TASKS_OBJ))
$(B)/tests/test_tasks_model: UNIT_LINK := $(TASKS_LIB)
$(B)/tests/test_store: UNIT_LINK := $(TASKS_LIB)
$(B)/tests/%: tests/unit/%.c tests/unit/unit.h $(B)/libcommon.a \
    $(USERS_LIB) $(TASKS_LIB) | $(B)/dirs
	$(CC) $(CFLAGS) -Itests/unit -Ifcgi-users -Ifcgi-tasks $(LDFLAGS) -o $@ $< \
	    $(UNIT_LINK) $(B)/libcommon.a $(LDLIBS)

# libFuzzer targets: every parser that sees client (or stored) bytes.
build/fuzz/%: tests/fuzz/%.c $(LIB_SRC) fcgi-users/user.c fcgi-tasks/task.c \
    $(wildcard lib/*.h)
	@mkdir -p build/fuzz
	clang $(FUZZ_FLAGS) -o $@ $< $(LIB_SRC) fcgi-users/user.c fcgi-tasks/task.c $(LDLIBS)

fuzz: deps $(FUZZ_BIN)
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

deps:
	@scripts/install-deps.sh

run: deps all
	BUILD=$(B) scripts/stack.sh run

unit: all $(UNIT_BIN)
	@for t in $(UNIT_BIN); do $$t || exit 1; done

# The release build's unit tests and suites, the same suites against an
# AddressSanitizer + UBSan build, a short pass of every fuzz target and a
# valgrind leak check of one worker, and one short round of the benchmark.
test: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all $(UNIT_BIN) $(B)/bin/ceiling
	@$(MAKE) --no-print-directory -j$(NPROC) SANITIZE=address,undefined all
	@$(MAKE) --no-print-directory -j$(NPROC) $(FUZZ_BIN)
	@BUILD=$(B) SAN_BUILD=build/san FUZZ_BIN="$(FUZZ_BIN)" FUZZ_SECONDS=10 \
	    LEAK_CHECK=1 BENCH_SMOKE=1 scripts/run-tests.sh $(UNIT_BIN)

bench: deps all $(B)/bin/ceiling
	@BUILD=$(B) scripts/bench.sh

install: all
	@BUILD=$(B) DESTDIR=$(DESTDIR) BINDIR=$(BINDIR) SYSCONFDIR=$(SYSCONFDIR) \
	    UNITDIR=$(UNITDIR) DOCDIR=$(DOCDIR) RUNSTATEDIR=$(RUNSTATEDIR) \
	    LOGDIR=$(LOGDIR) NGINX_GROUP=$(NGINX_GROUP) \
	    STATEDIR=$(LOCALSTATEDIR)/lib/task-manager scripts/install.sh

clean:
	rm -rf build
