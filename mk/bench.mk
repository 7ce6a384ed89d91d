# bench.mk: `make bench` runs the speed, memory and idle benchmarks against skemu with generated
# data and prints figure, bound and ratio for each (built by `make check`, never run by it).
# Bench programs link the core library and the skemu launcher only (the other test support
# code needs cmocka), so a half-written CLI or TUI file cannot stop them.

BENCH_SRC   = $(wildcard tests/bench/bench_*.c)   # each a program; vtpty.c and common.c are shared
BENCH_PROGS = $(patsubst %.c,$(BUILD)/%,$(BENCH_SRC))
BENCH_LINK  = $(BUILD)/tests/bench/common.o $(call obj,tests/support/skemu_proc.c) $(LIB)

$(BENCH_PROGS): $(BUILD)/tests/bench/%: $(BUILD)/tests/bench/%.o $(BENCH_LINK)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS_CORE)

# `make check` builds them (and never runs them), so that CI, which builds with warnings as
# errors, stops a change that breaks a benchmark's build.
CHECK_DEPS += $(BENCH_PROGS)

bench: $(BENCH_PROGS) $(SKEMU) $(SKDASH)
	@BUILD_DIR=$(CURDIR)/$(BUILD) SKEMU_BIN=$(CURDIR)/$(SKEMU) SKDASH_BIN=$(CURDIR)/$(SKDASH) \
	 sh scripts/bench.sh

# 1,000,000 accounts (several minutes, about 1 GB of memory for skemu): see scripts/bench-1m.sh.
bench-1m: $(BENCH_PROGS) $(SKEMU) $(SKDASH)
	@BUILD_DIR=$(CURDIR)/$(BUILD) SKEMU_BIN=$(CURDIR)/$(SKEMU) SKDASH_BIN=$(CURDIR)/$(SKDASH) \
	 sh scripts/bench-1m.sh

# The key-latency and first-screen benches drive the real dashboard on a pty through a terminal
# emulator (vtpty.c).
BENCH_PTY = $(BUILD)/tests/bench/bench_keys $(BUILD)/tests/bench/bench_screen
$(BENCH_PTY): $(BUILD)/tests/bench/vtpty.o
$(BENCH_PTY): LIBS_CORE += -lvterm -lutil
