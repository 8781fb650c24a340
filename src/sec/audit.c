/* audit: see audit.h. */
#include "sec/audit.h"

#include <stdio.h>
#include <string.h>

#include "util/log.h"

static const char *or_null(const char *s)
{
    return s && *s ? s : NULL;
}

int audit_record(store *db, const audit_entry *e)
{
    audit_row r = {
        .at = e->at,
        .actor = e->actor,
        .action = (char *)e->action,
        .subject = (char *)or_null(e->subject),
        .customer = (char *)or_null(e->customer),
        .ip = (char *)or_null(e->ip),
        .detail = (char *)or_null(e->detail),
    };
    int rc = store_audit_append(db, &r);
    if (rc)
        log_error("audit: cannot record \"%s\" (store error %d)", e->action, rc);
    return rc;
}

enum { VERIFY_PAGE = 1000 };

int audit_verify(store *db, long *checked, char *msg, size_t msglen)
{
    uint8_t prev[32] = {0};
    int64_t last = 0, head = 0;
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
            else if (!auditlog_hash_ok(r))
                what = "was altered: its hash does not match its contents";
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
    if (head != last) {
        snprintf(msg, msglen, "audit log: the head records entry %lld but the last entry is %lld (entries were removed)",
                 (long long)head, (long long)last);
        return 1;
    }
    return 0;
}
