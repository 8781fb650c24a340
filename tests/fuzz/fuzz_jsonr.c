/*
 * fuzz_jsonr: util/jsonr, the fast JSON reader, against jansson on any
 * bytes, handed over in a buffer of exactly their length (reading past the
 * end is caught). jsonr must give exactly jansson's value or leave the text
 * to jansson: whenever its fast path reads a text, jansson reads it too,
 * and both values have the same types, the same key order and the same
 * bytes (jsonw's text of each, unsorted). jsonr_loadb refuses what jansson
 * refuses.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonr.h"
#include "util/jsonw.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xmalloc(size ? size : 1);
    memcpy(text, data, size);
    json_error_t err;
    json_t *theirs = json_loadb(text, size, 0, &err);
    json_t *fast = jsonr_fast(text, size);
    json_t *mine = jsonr_loadb(text, size, NULL);
    if ((fast && !theirs) || !mine != !theirs) {
        fprintf(stderr, "fuzz_jsonr: jsonr %s what jansson %s\n", fast ? "read" : "refused",
                theirs ? "reads" : "refuses");
        abort();
    }
    if (fast) {
        char *a = jsonw_dumps(fast, false), *b = jsonw_dumps(theirs, false);
        if (!json_equal(fast, theirs) || strcmp(a, b) != 0) {
            fprintf(stderr, "fuzz_jsonr: different values:\n jsonr:   %s\n jansson: %s\n", a, b);
            abort();
        }
        free(a);
        free(b);
    }
    json_decref(fast);
    json_decref(mine);
    json_decref(theirs);
    free(text);
    return 0;
}
