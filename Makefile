# skdash: one boring Makefile. pkg-config for every library; `make check` runs every test.
# WERROR=1 (set by .ci/run) turns warnings into errors.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BUILD  ?= build
CC     ?= cc
CFLAGS ?= -O2 -g

WARN := -Wall -Wextra -Wshadow
ifeq ($(WERROR),1)
WARN += -Werror
endif

# Deferred (=) on purpose: pkg-config must run after `deps` has installed what was missing.
pc_cflags = $(shell pkg-config --cflags-only-I $(1) 2>/dev/null)
pc_libs   = $(shell pkg-config --libs $(1) 2>/dev/null)

PKG_CORE = libcurl json-c libqrencode
PKG_TUI  = ncursesw
PKG_EMU  = libmicrohttpd json-c
PKG_TEST = cmocka

ALL_CFLAGS = -std=c11 $(WARN) -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -Iinclude \
             $(call pc_cflags,$(PKG_CORE) $(PKG_TUI) $(PKG_EMU) $(PKG_TEST)) $(CFLAGS) $(EXTRA_CFLAGS)
LIBS_APP  = $(call pc_libs,$(PKG_CORE) $(PKG_TUI)) -lm
LIBS_EMU  = $(call pc_libs,$(PKG_EMU)) -lpthread -lm
LIBS_TEST = $(call pc_libs,$(PKG_TEST))

CORE_SRC = $(wildcard src/core/*.c)
CLI_SRC  = $(wildcard src/cli/*.c)
TUI_SRC  = $(wildcard src/tui/*.c)
EMU_SRC  = $(wildcard src/emu/*.c)
SUP_SRC  = $(wildcard tests/support/*.c)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
INT_SRC  = $(wildcard tests/integration/test_*.c)
TOOL_SRC = $(wildcard tests/tools/*.c)

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))

LIB     = $(BUILD)/libskdash.a
SKDASH  = $(BUILD)/skdash
SKEMU   = $(BUILD)/skemu
UNIT    = $(patsubst %.c,$(BUILD)/%,$(UNIT_SRC))
INT     = $(patsubst %.c,$(BUILD)/%,$(INT_SRC))
TOOLS   = $(patsubst %.c,$(BUILD)/%,$(TOOL_SRC))
E2E     = $(sort $(wildcard tests/e2e/*.sh))
EMU_LIB = $(BUILD)/libskemu.a

.PHONY: all deps check test-programs demo install uninstall clean screenshots bench fuzz
all: $(SKDASH) $(SKEMU)

deps:
	@sh scripts/deps.sh

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(call obj,$(CORE_SRC) $(CLI_SRC) $(TUI_SRC))
	@rm -f $@
	$(AR) rcs $@ $^

$(SKDASH): $(call obj,src/main.c) $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS_APP)

# skemu's objects, bar main, also go into a library so tests can drive its request handling.
$(EMU_LIB): $(call obj,$(filter-out src/emu/main.c,$(EMU_SRC)))
	@rm -f $@
	$(AR) rcs $@ $^

$(SKEMU): $(call obj,src/emu/main.c) $(EMU_LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS_EMU)

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(call obj,$(SUP_SRC)) $(LIB) $(EMU_LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS_APP) $(LIBS_EMU) $(LIBS_TEST)

$(BUILD)/tests/integration/%: $(BUILD)/tests/integration/%.o $(call obj,$(SUP_SRC)) $(LIB) $(EMU_LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS_APP) $(LIBS_EMU) $(LIBS_TEST)

$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS_APP)

# Fragments in mk/*.mk add their own targets; they may append programs to CHECK_EXTRA
# (run by `make check` after the integration tests) and their prerequisites to CHECK_DEPS.
CHECK_EXTRA =
CHECK_DEPS =
include $(sort $(wildcard mk/*.mk))

test-programs: $(SKDASH) $(SKEMU) $(UNIT) $(INT) $(TOOLS) $(CHECK_DEPS)

# Every test: unit, integration (against skemu over loopback), contract, end to end (tmux).
check: test-programs
	@SKDASH_BIN=$(CURDIR)/$(SKDASH) SKEMU_BIN=$(CURDIR)/$(SKEMU) BUILD_DIR=$(CURDIR)/$(BUILD) \
	 SKDASH_OPENAPI=$(abspath $(CURDIR)/../shared/api/agentkit.openapi.json) \
	 sh tests/run.sh $(UNIT) $(INT) $(CHECK_EXTRA) $(E2E)

# The dashboard against skemu with sample data; quitting stops skemu.
demo: $(SKDASH) $(SKEMU)
	@sh scripts/demo.sh $(SKDASH) $(SKEMU)

screenshots: $(SKDASH) $(SKEMU)
	@sh scripts/screenshots.sh $(SKDASH) $(SKEMU)

install: $(SKDASH) $(SKEMU)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(SKDASH) $(SKEMU) $(DESTDIR)$(BINDIR)/
	install -m 644 man/skdash.1 man/skemu.1 $(DESTDIR)$(MANDIR)/man1/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/skdash $(DESTDIR)$(BINDIR)/skemu \
	      $(DESTDIR)$(MANDIR)/man1/skdash.1 $(DESTDIR)$(MANDIR)/man1/skemu.1

clean:
	rm -rf $(BUILD)

.SECONDARY:
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
