/* audit: see audit.h. */
#include "sec/audit.h"

#include <stdio.h>
#include <string.h>

#include "core/complaint.h"
#include "util/log.h"

static const char *or_null(const char *s)
{
    return s && *s ? s : NULL;
}

enum { MAX_UNITS = 16 };

/* The home unit of user id, or 0. */
static int64_t home_unit(store *db, int64_t id)
{
    user u = {0};
    int64_t home = id > 0 && store_user_get(db, NULL, id, &u, NULL) == 0 ? u.unit : 0;
    user_release(&u);
    return home;
}

/* The units e concerns into out (at most MAX_UNITS); their number. */
static size_t units_of(store *db, const audit_entry *e, int64_t out[MAX_UNITS])
{
    int64_t id;
    size_t n = 0;
    audit_about about = auditlog_about(or_null(e->subject), &id);
    switch (about) {
    case AUDIT_ABOUT_COMPLAINT: {
        complaint c;
        complaint_init(&c);
        if (store_complaint_get(db, id, NULL, &c) == 0) {
            out[n++] = c.owner_unit;
            out[n++] = c.subject_unit;
            out[n++] = c.handler_unit;
            size_t i;
            json_t *as;
            json_array_foreach(json_object_get(c.data, "assists"), i, as)
            {
                if (n < MAX_UNITS)
                    out[n++] = json_integer_value(json_object_get(as, "unit"));
            }
        }
        complaint_release(&c);
        break;
    }
    case AUDIT_ABOUT_USER:
        out[n++] = home_unit(db, id);
        break;
    case AUDIT_ABOUT_TOKEN: {
        token t = {0};
        if (store_token_get(db, id, &t) == 0)
            out[n++] = home_unit(db, t.user_id);
        token_release(&t);
        break;
    }
    case AUDIT_ABOUT_UNIT:
        out[n++] = id;
        break;
    case AUDIT_ABOUT_CONFIG:
        break;
    case AUDIT_ABOUT_ACTOR:
        break;
    }
    /* Nothing with a unit, or a subject since removed (a revoked token): whoever acted. */
    if (about != AUDIT_ABOUT_CONFIG && (n == 0 || (n == 1 && out[0] == 0))) {
        out[0] = home_unit(db, e->actor);
        n = 1;
    }
    return n;
}

int audit_record(store *db, const audit_entry *e)
{
    int64_t units[MAX_UNITS];
    size_t n = e->n_units ? e->n_units : units_of(db, e, units);
    audit_row r = {
        .at = e->at,
        .actor = e->actor,
        .action = (char *)e->action,
        .subject = (char *)or_null(e->subject),
        .customer = (char *)or_null(e->customer),
        .ip = (char *)or_null(e->ip),
        .detail = (char *)or_null(e->detail),
        .key = e->key,
    };
    int rc = store_audit_append(db, &r, e->n_units ? e->units : units, n);
    if (rc)
        log_error("audit: cannot record \"%s\" (store error %d)", e->action, rc);
    return rc;
}

enum { VERIFY_PAGE = 1000 };

int audit_verify(store *db, const uint8_t *key, int64_t keyed_from, const checkpoint *cps, size_t ncps, long *checked, char *msg,
                 size_t msglen)
{
    uint8_t prev[32] = {0};
    int64_t last = 0, head = 0;
    size_t next_cp = 0;
    *checked = 0;
    for (;;) {
        audit_page p;
        audit_filter f = {.cursor = last, .ascending = true, .limit = VERIFY_PAGE};
        int rc = store_audit_list(db, &f, &p);
        if (rc)
            return rc > 0 ? STORE_ERROR : rc;
        head = p.head_seq;
        for (size_t i = 0; i < p.n; i++) {
            const audit_row *r = &p.items[i];
            const char *what = NULL;
            if (r->seq != last + 1)
                what = "does not follow the previous entry: an entry before it is missing";
            else if (memcmp(r->prev, prev, 32) != 0)
                what = "does not carry the previous entry's hash";
            else if (!(auditlog_hash_ok(r, key) || (r->seq < keyed_from && auditlog_hash_ok(r, NULL))))
                what = "was altered: its hash does not match its contents";
            /* The checkpoints are in order of their audit seq: one index walks with the entries. */
            while (!what && next_cp < ncps && cps[next_cp].audit_seq <= r->seq) {
                if (cps[next_cp].audit_seq == r->seq && memcmp(cps[next_cp].audit_hash, r->hash, 32) != 0)
                    what = "is not the entry a checkpoint recorded (the log was rewritten)";
                next_cp++;
            }
            if (what) {
                snprintf(msg, msglen, "audit entry %lld (%s at %lld) %s", (long long)r->seq,
                         r->action ? r->action : "?", (long long)r->at, what);
                audit_page_release(&p);
                return 1;
            }
            memcpy(prev, r->hash, 32);
            last = r->seq;
            (*checked)++;
        }
        bool more = p.more;
        audit_page_release(&p);
        if (!more)
            break;
    }
    for (size_t k = 0; k < ncps; k++)
        if (cps[k].audit_seq > last) {
            snprintf(msg, msglen, "audit log: checkpoint %lld recorded entry %lld but the last entry is %lld (entries were removed)",
                     (long long)cps[k].id, (long long)cps[k].audit_seq, (long long)last);
            return 1;
        }
    if (head != last) {
        snprintf(msg, msglen, "audit log: the head records entry %lld but the last entry is %lld (entries were removed)",
                 (long long)head, (long long)last);
        return 1;
    }
    return 0;
}
