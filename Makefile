# skdash: one boring Makefile. pkg-config for every library; `make check` runs every test.
# WERROR=1 (set by .ci/run) turns warnings into errors.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
# Where bash-completion, zsh and fish look for completions (under the same share as the man pages).
DATADIR ?= $(PREFIX)/share
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/site-functions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
BUILD  ?= build
CC     ?= cc
CFLAGS ?= -O2 -g

WARN := -Wall -Wextra -Wshadow
ifeq ($(WERROR),1)
WARN += -Werror
endif

pc_cflags = $(shell pkg-config --cflags-only-I $(1) 2>/dev/null)
pc_libs   = $(shell pkg-config --libs $(1) 2>/dev/null)

PKG_CORE = libcurl json-c libqrencode zlib
PKG_TUI  = ncursesw
PKG_EMU  = libmicrohttpd json-c
PKG_TEST = cmocka

# `make deps` installs what is missing; every other target only checks, once, that pkg-config
# finds each library it needs and stops at once, naming them, when one is missing (rather than
# with a compiler error about a header). Building skdash and skemu alone needs no cmocka.
NO_BUILD_GOALS := deps deps-fuzz clean uninstall
APP_GOALS      := all install completions demo screenshots $(BUILD)/skdash $(BUILD)/skemu
BUILD_GOALS    := $(filter-out $(NO_BUILD_GOALS),$(or $(MAKECMDGOALS),all))
PKG_NEEDED     := $(sort $(PKG_CORE) $(PKG_TUI) $(PKG_EMU) \
                    $(if $(filter-out $(APP_GOALS),$(BUILD_GOALS)),$(PKG_TEST)))
ifneq ($(BUILD_GOALS),)
PKG_MISSING := $(shell for p in $(PKG_NEEDED); do pkg-config --exists $$p 2>/dev/null || echo $$p; done)
ifneq ($(strip $(PKG_MISSING)),)
$(error missing libraries (pkg-config cannot find them): $(strip $(PKG_MISSING)). Run `make deps` first)
endif
endif

# Asked of pkg-config once per run, not once per compile, and only for what the goals need (one
# missing package makes pkg-config answer nothing for all of them).
PC_CFLAGS := $(call pc_cflags,$(PKG_NEEDED))
# The core's libraries alone: libskdash.a links with these and nothing else (no curses).
LIBS_CORE := $(call pc_libs,$(PKG_CORE)) -lm
LIBS_APP  := $(call pc_libs,$(PKG_CORE) $(PKG_TUI)) -lm
LIBS_EMU  := $(call pc_libs,$(PKG_EMU)) -lpthread -lm
LIBS_TEST := $(call pc_libs,$(PKG_TEST))

ALL_CFLAGS = -std=c11 $(WARN) -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE $(PC_CFLAGS) $(CFLAGS) \
             $(EXTRA_CFLAGS)
# Headers a source may include by name, by where it lives: include/ (the core's public interface)
# for all but skemu; the front ends also their own directory; the tests also the core's private
# headers (src/core/*.h). A file always finds the headers of its own directory.
src_inc = $(if $(filter src/emu/%,$(1)),,-Iinclude) $(if $(filter src/cli/%,$(1)),-Isrc/cli) \
          $(if $(filter src/tui/%,$(1)),-Isrc/tui) $(if $(filter tests/%,$(1)),-Isrc/core)

CORE_SRC = $(wildcard src/core/*.c)
CLI_SRC  = $(wildcard src/cli/*.c)
TUI_SRC  = $(wildcard src/tui/*.c)
EMU_SRC  = $(wildcard src/emu/*.c)
SUP_SRC  = $(wildcard tests/support/*.c)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
INT_SRC  = $(wildcard tests/integration/test_*.c)
TOOL_SRC = $(wildcard tests/tools/*.c)
CORE_ALONE = $(BUILD)/tests/tools/core_alone

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))

# The core (src/core) alone, no curses and never printing; the two front ends (src/cli,
# src/tui) in an archive of their own, linked in front of it.
LIB     = $(BUILD)/libskdash.a
UI_LIB  = $(BUILD)/libskdash-ui.a
SKDASH  = $(BUILD)/skdash
SKEMU   = $(BUILD)/skemu
UNIT    = $(patsubst %.c,$(BUILD)/%,$(UNIT_SRC))
INT     = $(patsubst %.c,$(BUILD)/%,$(INT_SRC))
TOOLS   = $(patsubst %.c,$(BUILD)/%,$(TOOL_SRC))
E2E     = $(sort $(wildcard tests/e2e/*.sh))
EMU_LIB = $(BUILD)/libskemu.a

.PHONY: all deps check test-programs demo install uninstall clean screenshots bench bench-1m fuzz \
        completions
all: $(SKDASH) $(SKEMU)

# Installs the Debian packages that are missing; run it once, before the first build.
deps:
	@sh scripts/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(call src_inc,$<) -MMD -MP -c $< -o $@

$(LIB): $(call obj,$(CORE_SRC))
	@rm -f $@
	$(AR) rcs $@ $^

$(UI_LIB): $(call obj,$(CLI_SRC) $(TUI_SRC))
	@rm -f $@
	$(AR) rcs $@ $^

$(SKDASH): $(call obj,src/main.c) $(UI_LIB) $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS_APP)

# skemu's objects, bar main, also go into a library so tests can drive its request handling.
$(EMU_LIB): $(call obj,$(filter-out src/emu/main.c,$(EMU_SRC)))
	@rm -f $@
	$(AR) rcs $@ $^

$(SKEMU): $(call obj,src/emu/main.c) $(EMU_LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS_EMU)

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(call obj,$(SUP_SRC)) $(UI_LIB) $(LIB) $(EMU_LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS_APP) $(LIBS_EMU) $(LIBS_TEST)

$(BUILD)/tests/integration/%: $(BUILD)/tests/integration/%.o $(call obj,$(SUP_SRC)) $(UI_LIB) $(LIB) \
        $(EMU_LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS_APP) $(LIBS_EMU) $(LIBS_TEST)

$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS_CORE)

# The proof that the core stands alone (tests/e2e/core_alone.sh runs it): the core library, the
# skemu launcher and the core's own libraries only; no curses, no front end, no cmocka.
$(CORE_ALONE): $(BUILD)/tests/tools/core_alone.o $(call obj,tests/support/skemu_proc.c) $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS_CORE)

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

# The completion scripts, made by the built skdash from its command table (so they never
# disagree with it); each is renamed into place so a failed run leaves no half a script.
COMPLETIONS = $(BUILD)/completions/skdash.bash $(BUILD)/completions/_skdash \
              $(BUILD)/completions/skdash.fish
completions: $(COMPLETIONS)
$(BUILD)/completions/skdash.bash: $(SKDASH)
	@mkdir -p $(dir $@)
	$(SKDASH) completion bash >$@.tmp && mv $@.tmp $@
$(BUILD)/completions/_skdash: $(SKDASH)
	@mkdir -p $(dir $@)
	$(SKDASH) completion zsh >$@.tmp && mv $@.tmp $@
$(BUILD)/completions/skdash.fish: $(SKDASH)
	@mkdir -p $(dir $@)
	$(SKDASH) completion fish >$@.tmp && mv $@.tmp $@

install: $(SKDASH) $(SKEMU) $(COMPLETIONS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
	        $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(SKDASH) $(SKEMU) $(DESTDIR)$(BINDIR)/
	install -m 644 man/skdash.1 man/skemu.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(BUILD)/completions/skdash.bash $(DESTDIR)$(BASHCOMPDIR)/skdash
	install -m 644 $(BUILD)/completions/_skdash $(DESTDIR)$(ZSHCOMPDIR)/_skdash
	install -m 644 $(BUILD)/completions/skdash.fish $(DESTDIR)$(FISHCOMPDIR)/skdash.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/skdash $(DESTDIR)$(BINDIR)/skemu \
	      $(DESTDIR)$(MANDIR)/man1/skdash.1 $(DESTDIR)$(MANDIR)/man1/skemu.1 \
	      $(DESTDIR)$(BASHCOMPDIR)/skdash $(DESTDIR)$(ZSHCOMPDIR)/_skdash \
	      $(DESTDIR)$(FISHCOMPDIR)/skdash.fish

clean:
	rm -rf $(BUILD)

.SECONDARY:
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
