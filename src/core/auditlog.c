/* auditlog: see auditlog.h. */
#include "core/auditlog.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/chain.h"
#include "util/jsonw.h"
#include "util/xalloc.h"

/* Unchecked: the hash must be computable whatever bytes a column holds. */
static json_t *text_or_null(const char *s)
{
    return s ? json_string_nocheck(s) : json_null();
}

/* "prefix:N" with N a positive decimal number: N, else 0. */
static int64_t numbered(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(s, prefix, n) != 0 || s[n] != ':' || !s[n + 1] || strlen(s + n + 1) > 18)
        return 0;
    int64_t v = 0;
    for (const char *p = s + n + 1; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        v = v * 10 + (*p - '0');
    }
    return v;
}

audit_about auditlog_about(const char *subject, int64_t *id)
{
    static const struct {
        const char *prefix;
        audit_about about;
    } kinds[] = {{"complaint", AUDIT_ABOUT_COMPLAINT},
                 {"user", AUDIT_ABOUT_USER},
                 {"token", AUDIT_ABOUT_TOKEN},
                 {"unit", AUDIT_ABOUT_UNIT}};
    *id = 0;
    if (!subject)
        return AUDIT_ABOUT_ACTOR;
    if (strncmp(subject, "config:", 7) == 0)
        return AUDIT_ABOUT_CONFIG;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if ((*id = numbered(subject, kinds[i].prefix)) > 0)
            return kinds[i].about;
    return AUDIT_ABOUT_ACTOR;
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

static void compute(const audit_row *r, const uint8_t *key, uint8_t out[32])
{
    char *body = auditlog_canonical(r);
    chain_hash(key, r->prev, body, out);
    free(body);
}


void auditlog_seal(audit_row *r)
{
    compute(r, r->key, r->hash);
}

bool auditlog_hash_ok(const audit_row *r, const uint8_t *key)
{
    uint8_t h[32];
    compute(r, key, h);
    return memcmp(h, r->hash, 32) == 0;
}
