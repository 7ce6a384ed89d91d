/* emu_server.h: skemu's HTTP(S) side: a libmicrohttpd daemon on 127.0.0.1 that feeds requests to
 * emu_handle, sleeps injected latency, holds hung requests and logs one line per request. */
#ifndef EMU_SERVER_H
#define EMU_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "emu.h"

typedef struct emu_server emu_server;

/* Listens on 127.0.0.1:port (0 = any free port); with cert_pem and key_pem (PEM text, both
 * or neither) it speaks HTTPS only. NULL with a message in err on failure. */
emu_server *emu_server_start(emu *e, int port, bool quiet, const char *cert_pem,
                             const char *key_pem, char *err, size_t errlen);
int emu_server_port(const emu_server *s);
/* Releases hung and delayed requests, stops the daemon and frees s (not the emu). */
void emu_server_stop(emu_server *s);

#endif
