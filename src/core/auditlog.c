/* auditlog: see auditlog.h. */
#include "core/auditlog.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonw.h"
#include "util/xalloc.h"

/* Unchecked: the hash must be computable whatever bytes a column holds. */
static json_t *text_or_null(const char *s)
{
    return s ? json_string_nocheck(s) : json_null();
}

char *auditlog_canonical(const audit_row *r)
{
    json_t *o = json_pack("{s:o,s:I,s:I,s:o,s:o,s:o,s:I,s:o}", "action", text_or_null(r->action), "actor", (json_int_t)r->actor,
                          "at", (json_int_t)r->at, "customer", text_or_null(r->customer), "detail",
                          text_or_null(r->detail), "ip", text_or_null(r->ip), "seq", (json_int_t)r->seq, "subject",
                          text_or_null(r->subject));
    if (!o)
        die("auditlog: cannot build an entry");
    char *s = jsonw_dumps(o, true);
    json_decref(o);
    if (!s)
        die("auditlog: cannot serialise an entry");
    return s;
}

static void compute(const audit_row *r, uint8_t out[32])
{
    char *body = auditlog_canonical(r);
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, r->prev, 32);
    crypto_generichash_update(&st, (const unsigned char *)body, strlen(body));
    crypto_generichash_final(&st, out, 32);
    free(body);
}

void auditlog_seal(audit_row *r)
{
    compute(r, r->hash);
}

bool auditlog_hash_ok(const audit_row *r)
{
    uint8_t h[32];
    compute(r, h);
    return memcmp(h, r->hash, 32) == 0;
}
