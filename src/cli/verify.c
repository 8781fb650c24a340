/*
 * verify: checks the whole database (app/verify.h): every complaint's keyed
 * event chain, its row against the replay of its events, its penalties and
 * compensations, its data key, every stored checkpoint and the audit log.
 * --against FILE compares with a checkpoint exported earlier as well;
 * --checkpoint-out FILE, when all is intact, stores a new checkpoint of
 * everything written so far and exports it to FILE, to be kept apart from
 * the database. Exit 0 when intact; otherwise prints the first problem and
 * exits 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/verify.h"
#include "cli/cli.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* The checkpoint in the file at path into c; prints why not and returns -1. */
static int read_checkpoint(const char *path, checkpoint *c)
{
    FILE *fp = fopen(path, "r");
    char text[2048];
    size_t n = fp ? fread(text, 1, sizeof text - 1, fp) : 0;
    if (fp)
        fclose(fp);
    text[n] = '\0';
    if (!fp || checkpoint_parse(text, c)) {
        fprintf(stderr, "redress verify: --against %s: %s\n", path, fp ? "not a checkpoint" : strerror(errno));
        return -1;
    }
    return 0;
}

static int write_checkpoint(const char *path, const checkpoint *c)
{
    char *text = checkpoint_json(c);
    FILE *fp = fopen(path, "w");
    bool ok = fp && fprintf(fp, "%s\n", text) > 0;
    if (fp && fclose(fp))
        ok = false;
    free(text);
    if (!ok)
        fprintf(stderr, "redress verify: --checkpoint-out %s: %s\n", path, strerror(errno));
    return ok ? 0 : -1;
}

int cmd_verify(int argc, char **argv)
{
    static const char *const extra[] = {"against", "checkpoint-out", "help!", NULL};
    cli_opts o;
    if (cli_parse(argc, argv, extra, &o))
        return 2;
    if (cli_has(&o, "help")) {
        printf("usage: redress verify [--db URL] [--key-file FILE] [--against FILE] [--checkpoint-out FILE]\n"
               "Checks every complaint's keyed event chain, that its row equals the replay of its events,\n"
               "its penalties and compensations, its data key, every stored checkpoint and the audit log.\n"
               "Needs the master key. --against FILE: compares with a checkpoint exported earlier too.\n"
               "--checkpoint-out FILE: when intact, stores a new checkpoint and writes it to FILE.\n"
               "Exit 0 = intact; 1 = the first problem is printed.\n");
        cli_print_settings();
        return 0;
    }
    checkpoint against;
    const char *against_path = cli_opt(&o, "against"), *out_path = cli_opt(&o, "checkpoint-out");
    if (against_path && read_checkpoint(against_path, &against))
        return 2;
    app a;
    if (cli_open_writer(&a, true)) /* the chain's keys; a first checkpoint on upgrade */
        return 1;
    verify_report r;
    int rc = app_verify(&a, against_path ? &against : NULL, &r);
    checkpoint cp = {0};
    int wrc = rc == 0 && out_path ? app_checkpoint(&a, time_now(), &cp) : 0;
    app_close(&a);
    if (rc < 0 || wrc) {
        fprintf(stderr, "redress verify: %s\n", rc < 0 ? r.msg : "cannot store a checkpoint");
        return 1;
    }
    if (rc) {
        printf("BROKEN: %s\n", r.msg);
        return 1;
    }
    if (out_path && write_checkpoint(out_path, &cp))
        return 1;
    printf("ok: %ld complaints, %ld events: every event chain, projection, ledger and data key intact; "
           "%ld checkpoints match%s; %ld audit entries, chain intact; %ld attachments, every file's hash intact\n",
           r.complaints, r.events, r.checkpoints, against_path ? ", and the exported one" : "", r.audit_entries,
           r.attachments);
    if (out_path)
        printf("checkpoint %lld (events up to #%lld, %lld complaints) written to %s\n", (long long)cp.id,
               (long long)cp.last_event, (long long)cp.complaints, out_path);
    return 0;
}
