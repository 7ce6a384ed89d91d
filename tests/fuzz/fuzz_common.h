/* fuzz_common.h: what every fuzz target shares: checks of the promises parse.h, util.h and
 * sk_status.h make about their output, run on whatever a parser let through. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "account.h"
#include "sk_status.h"

/* A parser's string: absent (NULL) or non-empty. */
#define FUZZ_PRESENT_OK(s) ((s) == NULL || (s)[0] != '\0')

/* The libFuzzer entry points (the replay driver calls them too): every target defines
 * LLVMFuzzerTestOneInput; LLVMFuzzerInitialize, the same for all, is in fuzz_common.c. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with a message when cond is false: an abort is what libFuzzer and the replay driver
 * count as a crash, so a broken promise is found like a memory error. */
#define FUZZ_CHECK(cond) ((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))
void fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

/* UTF-8 locale for text_width, as the programs set it. */
void fuzz_init_locale(void);
/* sk_error's message is one line with no control byte (sk_status.h). */
void fuzz_check_error(const sk_error *err);
/* s goes through text_sanitize, text_width and text_fit; the result must hold no control
 * byte (C0, DEL, or C1 as UTF-8) and fit the width asked. NULL is allowed (absent). */
void fuzz_check_string(const char *s);
/* Every formatting of a timestamp must terminate and fit its buffer. */
void fuzz_check_time(int64_t t);
void fuzz_check_account(const sk_account *a);

#endif
