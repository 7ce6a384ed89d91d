/* cli_help.c: the --help text of skdash and of each command (the man page says the same at
 * length). */
#include "cli_cmd.h"

#include <string.h>

static const char overview[] =
    "usage: skdash [GLOBAL FLAGS] [COMMAND [ARGS]]\n"
    "\n"
    "A terminal dashboard and command line for the connected accounts of a Scalekit\n"
    "AgentKit environment. With no command, the dashboard opens.\n"
    "\n"
    "Commands:\n"
    "  connections             connections and their accounts per state\n"
    "  list                    list accounts (filter by connection, state, text)\n"
    "  show                    every field of one account and what its state means\n"
    "  link                    a fresh authorization link (optionally as a QR code)\n"
    "  delete                  delete one account (asks first)\n"
    "  journal                 the deletes and links issued from here (newest last)\n"
    "  help [COMMAND]          this text, or a command's\n"
    "\n"
    "Global flags (before or after the command):\n"
    "  --profile NAME          profile of the config file (default: $SKDASH_PROFILE or 'default')\n"
    "  --config FILE           config file (default: $XDG_CONFIG_HOME/skdash/config)\n"
    "  --environment-url URL   overrides SCALEKIT_ENVIRONMENT_URL\n"
    "  --client-id ID          overrides SCALEKIT_CLIENT_ID\n"
    "  --read-only             refuse anything that changes data (delete)\n"
    "  --no-color              no colour (NO_COLOR in the environment too)\n"
    "  --mouse                 mouse support in the dashboard\n"
    "  --refresh SECS          dashboard auto-refresh (0: off)\n"
    "  --concurrency N         connections listed side by side (default 4)\n"
    "  --debug                 HTTP trace with secrets redacted: on stderr for commands; the\n"
    "                          dashboard writes it to $XDG_STATE_HOME/skdash/debug.log (0600)\n"
    "  --no-cache              the dashboard neither shows nor writes the cache of the last\n"
    "                          listing ($XDG_CACHE_HOME/skdash; SKDASH_NO_CACHE=1 does the same)\n"
    "  --help, --version\n"
    "\n"
    "The client secret is never taken on the command line: set SCALEKIT_CLIENT_SECRET, or\n"
    "client_secret / client_secret_command in the config file.\n"
    "\n"
    "Each request times out after SKDASH_TIMEOUT seconds (default 15) and is tried at most\n"
    "5 times; deletes and links are written to the journal\n"
    "($XDG_STATE_HOME/skdash/journal.jsonl).\n"
    "\n"
    "Exit codes: 0 ok, 1 API/network/parse error (or an outcome that could not be\n"
    "checked), 2 usage, 3 configuration or authentication, 4 not found. See skdash(1).\n";

static const char help_connections[] =
    "usage: skdash connections [--format table|json|csv]\n"
    "\n"
    "Every connection (name, provider, type) with its accounts counted per state:\n"
    "PENDING ACTIVE EXPIRED REVOKED ERROR and TOTAL. Lists every account to count them.\n";

static const char help_list[] =
    "usage: skdash list [-c CONNECTION]... [-s STATE]... [-q TEXT] [--format table|json|csv]\n"
    "\n"
    "  -c, --connection NAME   only this connection (repeatable)\n"
    "  -s, --state STATE       only this state: pending, active, expired, revoked, error\n"
    "                          (repeatable, any case)\n"
    "  -q, --query TEXT        case-insensitive substring of identifier, id or connection\n"
    "  --format FORMAT         table (default; fits the terminal), json (one array) or csv\n"
    "\n"
    "Accounts are sorted by connection, then identifier.\n";

static const char help_show[] =
    "usage: skdash show (--id ID | CONNECTION IDENTIFIER) [--format text|json]\n"
    "\n"
    "Every field of one account, one per line, and what its state means for you.\n"
    "Exits 4 when the account does not exist.\n";

static const char help_link[] =
    "usage: skdash link (--id ID | CONNECTION IDENTIFIER) [--qr] [--format text|json]\n"
    "\n"
    "A fresh authorization link for the account, to send to its user, and when it expires.\n"
    "  --qr                    also draw the link as a QR code\n"
    "  --format FORMAT         text (default) or json {link, expiry, connector, identifier}\n";

static const char help_journal[] =
    "usage: skdash journal [--format table|json]\n"
    "\n"
    "Every delete and link issued by skdash as this user, oldest first: time, user, SSH\n"
    "client address, environment, connection, identifier, account id, action, result\n"
    "(ok, failed: REASON, unknown: REASON, dry-run). Kept in\n"
    "$XDG_STATE_HOME/skdash/journal.jsonl (default ~/.local/state/skdash/), mode 0600.\n"
    "  --format FORMAT         table (default; fits the terminal) or json (one array)\n";

static const char help_delete[] =
    "usage: skdash delete (--id ID | CONNECTION IDENTIFIER) [--yes] [--dry-run]\n"
    "\n"
    "Shows the account, asks \"Delete this account? [y/N]\" on a terminal, then deletes it\n"
    "by id. Without a terminal, --yes is required.\n"
    "  --yes                   do not ask\n"
    "  --dry-run               show what would be deleted and stop\n"
    "Refused in read-only mode (--read-only or the profile's read_only).\n"
    "When the answer is lost (timeout, 5xx, dropped connection) the account is read back\n"
    "before anything is reported: gone is \"deleted\", still there is \"not deleted\";\n"
    "if that check fails too the outcome is UNKNOWN (exit 1).\n";

bool cli_print_help(FILE *f, const char *name)
{
    static const struct { const char *name, *text; } topics[] = {
        { "connections", help_connections }, { "list", help_list }, { "show", help_show },
        { "link", help_link }, { "delete", help_delete }, { "journal", help_journal },
        { "help", overview },
    };
    if (!name) {
        fputs(overview, f);
        return true;
    }
    for (size_t k = 0; k < sizeof topics / sizeof topics[0]; k++) {
        if (strcmp(name, topics[k].name) == 0) {
            fputs(topics[k].text, f);
            return true;
        }
    }
    return false;
}
