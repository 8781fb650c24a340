/*
 * calendar: `redress calendar …` — the pack's working calendars from the
 * shell: list them, show one, set one from a JSON document, import public
 * holidays and make-up workdays from an .ics file. A change re-plans the
 * open complaints' clocks on that calendar (a `replan` event each). A
 * running server reads the change at its next start; use the API
 * (PUT /api/v1/calendars/{name}) to change a live server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/calendar.h"
#include "cli/cli.h"
#include "util/timeutil.h"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = cap < (64u << 20) ? realloc(buf, cap * 2 + 1) : NULL;
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

static void audit_calendar(app *a, const char *name)
{
    char subject[96];
    snprintf(subject, sizeof subject, "config:calendar:%.64s", name);
    cli_audit(a, "config_change", subject);
}

int cmd_calendar(int argc, char **argv)
{
    static const char *const extra[] = {"calendar", "file", "help!", NULL};
    cli_opts o;
    if (cli_parse(argc, argv, extra, &o))
        return 2;
    const char *sub = o.nargs ? o.args[0] : "";
    if (cli_has(&o, "help") || !*sub) {
        printf("usage: redress calendar list\n"
               "       redress calendar show NAME\n"
               "       redress calendar set NAME --file CALENDAR.json\n"
               "       redress calendar import FILE.ics --calendar NAME\n"
               "A change re-plans the running clocks of the open complaints on that calendar.\n");
        cli_print_settings();
        return *sub ? 0 : 2;
    }
    app a;
    if (cli_open_writer(&a, true))
        return 1;
    int rc = 0;
    const char *def;
    json_t *cals = app_calendars(&a, &def);
    long replanned = 0;
    cerr e = CERR_INIT;
    if (strcmp(sub, "list") == 0) {
        const char *name;
        json_t *doc;
        json_object_foreach(cals, name, doc)
        {
            const char *mode = json_string_value(json_object_get(doc, "mode"));
            printf("%-16s %-6s %s\n", name, mode && strcmp(mode, "24x7") == 0 ? "24x7" : "week",
                   strcmp(name, def) == 0 ? "(default)" : "");
        }
    } else if (strcmp(sub, "show") == 0 && o.nargs > 1) {
        json_t *doc = json_object_get(cals, o.args[1]);
        if (!doc) {
            fprintf(stderr, "redress calendar: no calendar called %s\n", o.args[1]);
            rc = 1;
        } else {
            char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            printf("%s\n", text);
            free(text);
        }
    } else if (strcmp(sub, "set") == 0 && o.nargs > 1 && cli_has(&o, "file")) {
        json_error_t jerr;
        json_t *doc = json_load_file(cli_opt(&o, "file"), JSON_REJECT_DUPLICATES, &jerr);
        if (!doc) {
            fprintf(stderr, "redress calendar: %s: %s (line %d)\n", cli_opt(&o, "file"), jerr.text, jerr.line);
            rc = 1;
        } else if ((rc = app_set_calendar(&a, o.args[1], doc, time_now(), &replanned, &e)) != 0) {
            fprintf(stderr, "redress calendar: %s\n", rc == CERR_USER ? e.message : "the store failed");
            rc = 1;
        } else {
            printf("calendar %s set; %ld open complaints re-planned\n", o.args[1], replanned);
            audit_calendar(&a, o.args[1]);
        }
        json_decref(doc);
    } else if (strcmp(sub, "import") == 0 && o.nargs > 1 && cli_has(&o, "calendar")) {
        size_t len, imported;
        char *text = read_file(o.args[1], &len);
        if (!text) {
            fprintf(stderr, "redress calendar: cannot read %s\n", o.args[1]);
            rc = 1;
        } else if ((rc = app_import_ics(&a, cli_opt(&o, "calendar"), text, len, time_now(), &imported, &replanned,
                                        &e)) != 0) {
            fprintf(stderr, "redress calendar: %s: %s\n", o.args[1], rc == CERR_USER ? e.message : "the store failed");
            rc = 1;
        } else {
            printf("imported %zu events into calendar %s; %ld open complaints re-planned\n", imported,
                   cli_opt(&o, "calendar"), replanned);
            audit_calendar(&a, cli_opt(&o, "calendar"));
        }
        free(text);
    } else {
        fprintf(stderr,
                "redress calendar: expected list, show NAME, set NAME --file F, import FILE.ics --calendar NAME\n");
        rc = 2;
    }
    json_decref(cals);
    app_close(&a);
    return rc;
}
