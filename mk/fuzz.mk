# fuzz.mk: libFuzzer targets for every parser and for skemu's request handling (`make fuzz`,
# clang), and their corpus replayed without libFuzzer in `make check` (gcc ASan+UBSan, linked
# from mk/sanitize.mk's objects). See tests/fuzz/README.md.
include mk/sanitize.mk

FUZZ_NAMES   := token connections page detail link error config emu emu_data h1
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# clang's warnings differ from gcc's: fuzzing must not stop on someone else's new warning.
FUZZ_CFLAGS   = $(filter-out -Werror,$(ALL_CFLAGS)) $(FUZZ_FLAGS) $(ASAN_DEFS)
# Everything a target may reach: the core and skemu's library, never a main().
FUZZ_LIB_SRC := $(CORE_SRC) $(filter-out src/emu/main.c,$(EMU_SRC)) \
                tests/fuzz/fuzz_common.c tests/fuzz/fuzz_emu_common.c tests/sanitize/asan_defaults.c
FUZZ_LIBS     = $(LIBS_CORE) $(LIBS_EMU)

fuzz_obj = $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(1))

FUZZ_BINS    := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_NAMES))
REPLAY_BINS  := $(addprefix $(ASAN_DIR)/fuzz/replay_fuzz_,$(FUZZ_NAMES))

# clang objects, apart from gcc's: instrumented for coverage, not linked with libFuzzer's main.
# `make deps-fuzz` installs clang and libFuzzer; without them the first object says so.
$(FUZZ_DIR)/obj/%.o: %.c
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || \
	 { echo "fuzz: $(FUZZ_CC) not found: run \`make deps-fuzz\` first" >&2; exit 1; }
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(call src_inc,$<) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(call fuzz_obj,$(FUZZ_LIB_SRC))
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(FUZZ_LIBS)

# Replay programs: the same target with tests/fuzz/replay_main.c as main, gcc ASan+UBSan.
$(ASAN_DIR)/fuzz/replay_fuzz_%: $(call asan_obj,tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c \
        tests/fuzz/fuzz_common.c tests/fuzz/fuzz_emu_common.c tests/sanitize/asan_defaults.c) \
        $(ASAN_LIB) $(ASAN_EMU_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -o $@ $^ $(FUZZ_LIBS)

# One run per target (`make -j2 fuzz` runs two at once): new inputs go to $(FUZZ_DIR)/corpus/NAME
# (the committed seeds in tests/fuzz/corpus/NAME are only read), crashes to
# tests/fuzz/crashes/NAME/. Every target runs even when one crashes; `fuzz` fails at the end.
FUZZ_RUNS := $(addprefix fuzz-run-,$(FUZZ_NAMES))
FUZZ_REPORT = '^==[0-9]+==|fuzz check failed|runtime error|ERROR: libFuzzer|Test unit written'
.PHONY: fuzz fuzz-build fuzz-merge replay deps-fuzz $(FUZZ_RUNS)
deps-fuzz:
	@sh scripts/deps.sh fuzz
fuzz-build: $(FUZZ_BINS)
fuzz: $(FUZZ_RUNS)
	@bad=$$(cd $(FUZZ_DIR) && grep -l crash $(addsuffix .status,$(FUZZ_NAMES)) | sed 's/\.status$$//'); \
	 if [ -n "$$bad" ]; then echo "fuzz: crashes in:" $$bad; exit 1; fi; \
	 echo "fuzz: no crash in $(FUZZ_SECONDS)s of each target"
$(FUZZ_RUNS): fuzz-run-%: $(FUZZ_DIR)/fuzz_%
	@mkdir -p $(FUZZ_DIR)/corpus/$* tests/fuzz/crashes/$*
	@echo "fuzz: $* for $(FUZZ_SECONDS)s"
	@if $(FUZZ_DIR)/fuzz_$* -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=tests/fuzz/crashes/$*/ \
	    $(FUZZ_DIR)/corpus/$* tests/fuzz/corpus/$* >$(FUZZ_DIR)/$*.log 2>&1; then \
	   echo ok >$(FUZZ_DIR)/$*.status; \
	   grep -E '^stat::(number_of_executed_units|new_units_added)' $(FUZZ_DIR)/$*.log | sed 's/^/fuzz: $* /'; \
	 else \
	   echo crash >$(FUZZ_DIR)/$*.status; \
	   grep -E -A25 $(FUZZ_REPORT) $(FUZZ_DIR)/$*.log | grep -v '^#[0-9]' | head -n 40; \
	   echo "fuzz: $* FOUND A CRASH: see tests/fuzz/crashes/$*/ and $(FUZZ_DIR)/$*.log"; \
	 fi

# Fold what fuzzing found into the committed corpus, minimised (review before committing).
fuzz-merge: $(FUZZ_BINS)
	@for n in $(FUZZ_NAMES); do mkdir -p $(FUZZ_DIR)/corpus/$$n; \
	  $(FUZZ_DIR)/fuzz_$$n -merge=1 tests/fuzz/corpus/$$n $(FUZZ_DIR)/corpus/$$n \
	    >$(FUZZ_DIR)/merge-$$n.log 2>&1 || exit 1; done

replay: $(REPLAY_BINS)
	@BUILD_DIR=$(CURDIR)/$(BUILD) sh tests/fuzz/replay.sh

CHECK_DEPS  += $(REPLAY_BINS)
CHECK_EXTRA += tests/fuzz/replay.sh
