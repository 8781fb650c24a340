/* pack: `redress pack validate FILE…` checks policy packs without a database. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/pack.h"

int cmd_pack(int argc, char **argv)
{
    /* argv[0] is the subcommand ("validate"), then the files. */
    if (argc < 2 || strcmp(argv[0], "validate") != 0) {
        fprintf(stderr, "usage: redress pack validate FILE.json…\n");
        return 2;
    }
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        json_error_t jerr;
        json_t *pack = json_load_file(argv[i], JSON_REJECT_DUPLICATES, &jerr);
        if (!pack) {
            fprintf(stderr, "%s:%d: %s\n", argv[i], jerr.line, jerr.text);
            bad++;
            continue;
        }
        cerr e = CERR_INIT;
        if (pack_validate(pack, &e)) {
            fprintf(stderr, "%s: %s: %s\n", argv[i], e.field[0] ? e.field : "(document)", e.message);
            bad++;
        } else {
            printf("%s: ok\n", argv[i]);
        }
        json_decref(pack);
    }
    return bad ? 1 : 0;
}
