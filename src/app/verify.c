/* verify: see verify.h. */
#include "app/verify.h"

#include "app/attachments.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/erasure.h"
#include "core/ledger.h"
#include "sec/audit.h"
#include "sec/pii.h"
#include "store/checkpoints.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* A checkpoint to compare with and what the pass counts up to it. */
typedef struct mark {
    checkpoint cp;
    bool exported; /* given on the command line, not stored */
    uint8_t digest[32];
    int64_t events, complaints;
} mark;

typedef struct vrun {
    app *a;
    int tz;        /* the policy's offset, as the store counts days */
    int64_t today; /* the local day the pass began: the days before it are settled */
    day_stat *days; /* one entry per count an event adds: merged at the end */
    size_t ndays, capdays;
    const chain_keys *k;
    mark *marks; /* by last_event; the events past the last one count in none */
    size_t n;
    int64_t first_event; /* the lowest event id seen (0 = none yet) */
    bool no_hashes;      /* a copy's check: the hashes are compared with the source's instead */
    int64_t sup_since;   /* closing_events_since's value, -1 until read */
    verify_report *r;
} vrun;

static int by_last_event(const void *x, const void *y)
{
    const mark *a = x, *b = y;
    return (a->cp.last_event > b->cp.last_event) - (a->cp.last_event < b->cp.last_event);
}

/* The first mark whose checkpoint covers event id, or NULL. */
static mark *mark_of(vrun *v, int64_t id)
{
    size_t lo = 0, hi = v->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v->marks[mid].cp.last_event < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < v->n ? &v->marks[lo] : NULL;
}

#define BROKEN(v, ...) (snprintf((v)->r->msg, sizeof (v)->r->msg, __VA_ARGS__), 1)

/* The event chain of one complaint (seq, prev, keyed hash), counted into the marks. */
static int check_chain(vrun *v, const complaint *c, int64_t id, const event_list *evs)
{
    uint8_t prev[32] = {0};
    for (size_t i = 0; i < evs->n; i++) {
        const event *e = &evs->items[i];
        if (e->seq != (int64_t)i + 1)
            return BROKEN(v, "complaint %s: event #%lld (seq %zu) does not match its stored columns or is out of order",
                          c->number, (long long)e->id, i + 1);
        if (memcmp(e->prev, prev, 32) != 0)
            return BROKEN(v, "complaint %s: event #%lld (seq %lld) does not follow the previous event's hash", c->number,
                          (long long)e->id, (long long)e->seq);
        /* Without the keys every hash is checked as an old, unkeyed one. */
        bool legacy = !v->k || e->id < v->k->events_from;
        bool ok = v->no_hashes || (v->k && event_hash_ok(e, v->k->events)) || (legacy && event_hash_ok(e, NULL));
        if (!ok || e->complaint_id != id)
            return BROKEN(v, "complaint %s: event #%lld (seq %lld, %s) was altered: its hash does not match", c->number,
                          (long long)e->id, (long long)e->seq, e->action);
        memcpy(prev, e->hash, 32);
        mark *m = mark_of(v, e->id);
        if (m) {
            chain_digest_add(v->k, m->digest, e->id, e->hash);
            m->events++;
            m->complaints += e->seq == 1;
        }
        if (!v->first_event || e->id < v->first_event)
            v->first_event = e->id;
    }
    return 0;
}

/* What ev adds to the daily statistics (as the store counts them), next being c after ev. */
static void expect_days(vrun *v, const complaint *next, const event *ev)
{
    day_stat d[2];
    size_t n = 0;
    if (ev->seq == 1)
        d[n++] = (day_stat){.day = time_local_day(next->received_at, v->tz), .received = 1};
    if (ev->to_status == ST_CLOSED && ev->from_status != ST_CLOSED)
        d[n++] = (day_stat){.day = time_local_day(ev->at, v->tz),
                            .closed = 1,
                            .closed_on_time = !next->overall_due || next->closed_at <= next->overall_due,
                            .first_contact = next->first_contact};
    for (size_t i = 0; i < n; i++) {
        if (v->ndays == v->capdays) {
            v->capdays = v->capdays ? 2 * v->capdays : 1024;
            v->days = xrealloc(v->days, v->capdays * sizeof *v->days);
        }
        v->days[v->ndays++] = d[i];
    }
}

static int by_day(const void *x, const void *y)
{
    const day_stat *a = x, *b = y;
    return (a->day > b->day) - (a->day < b->day);
}

enum { STATS_SPAN = 3000 }; /* days read at once (store_stats_days takes up to 3660) */

/* The stored daily statistics against the sum of what the events added. */
static int check_days(vrun *v)
{
    if (!v->ndays)
        return 0;
    qsort(v->days, v->ndays, sizeof *v->days, by_day);
    size_t n = 0; /* merged in place */
    for (size_t i = 0; i < v->ndays; i++) {
        day_stat *d = &v->days[i], *to = n ? &v->days[n - 1] : NULL;
        if (to && to->day == d->day) {
            to->received += d->received;
            to->closed += d->closed;
            to->closed_on_time += d->closed_on_time;
            to->first_contact += d->first_contact;
        } else {
            v->days[n++] = *d;
        }
    }
    size_t k = 0;
    int64_t last = v->days[n - 1].day < v->today ? v->days[n - 1].day : v->today - 1;
    for (int64_t from = v->days[0].day; from <= last; from += STATS_SPAN) {
        day_stat *got = NULL;
        size_t ngot = 0;
        if (store_stats_days(v->a->db, from, from + STATS_SPAN - 1, &got, &ngot)) {
            snprintf(v->r->msg, sizeof v->r->msg, "cannot read the daily statistics");
            return -1;
        }
        int rc = 0;
        size_t j = 0; /* got is in order of day */
        for (int64_t day = from; day < from + STATS_SPAN && day <= last && !rc; day++) {
            day_stat want = {.day = day}, have = {.day = day};
            if (k < n && v->days[k].day == day)
                want = v->days[k++];
            while (j < ngot && got[j].day < day)
                j++;
            if (j < ngot && got[j].day == day)
                have = got[j];
            if (want.received != have.received || want.closed != have.closed ||
                want.closed_on_time != have.closed_on_time || want.first_contact != have.first_contact)
                rc = BROKEN(v,
                            "the daily statistics of day %lld differ from the events: stored received %lld, closed "
                            "%lld (%lld on time, %lld at first contact); events %lld, %lld (%lld, %lld)",
                            (long long)day, (long long)have.received, (long long)have.closed,
                            (long long)have.closed_on_time, (long long)have.first_contact, (long long)want.received,
                            (long long)want.closed, (long long)want.closed_on_time, (long long)want.first_contact);
        }
        free(got);
        if (rc)
            return rc;
    }
    return 0;
}

/* Applies what ev decided to the expected penalties and compensations. */
static void expect_ledger(const complaint *next, const event *ev, penalty_list *pens, compensation_list *comps)
{
    ledger_rows rows;
    ledger_rows_init(&rows);
    ledger_rows_of(next, ev, &rows);
    for (size_t i = 0; i < rows.npens; i++) {
        const penalty *p = &rows.pens[i];
        if (strcmp(p->status, "waived") == 0) {
            for (size_t k = 0; k < pens->n; k++)
                if (pens->items[k].no == p->no)
                    snprintf(pens->items[k].status, sizeof pens->items[k].status, "waived");
            continue;
        }
        pens->items = xrealloc(pens->items, (pens->n + 1) * sizeof *pens->items);
        penalty *to = &pens->items[pens->n++];
        memset(to, 0, sizeof *to);
        to->no = p->no;
        to->amount_fen = p->amount_fen;
        snprintf(to->status, sizeof to->status, "%s", p->status);
    }
    for (size_t i = 0; i < rows.ncomps; i++) {
        const compensation *m = &rows.comps[i];
        bool decided = strcmp(ev->action, "compensate") != 0;
        compensation *to = NULL;
        for (size_t k = 0; decided && k < comps->n; k++)
            if (comps->items[k].no == m->no)
                to = &comps->items[k];
        if (!to) {
            comps->items = xrealloc(comps->items, (comps->n + 1) * sizeof *comps->items);
            to = &comps->items[comps->n++];
            memset(to, 0, sizeof *to);
            to->no = m->no;
            to->amount_fen = m->amount_fen;
        }
        snprintf(to->status, sizeof to->status, "%s", m->status);
    }
    ledger_rows_release(&rows);
}

/* The stored penalty and compensation rows of c against what its events decided. */
static int check_ledger(vrun *v, const complaint *c, const penalty_list *want_p, const compensation_list *want_c)
{
    penalty_filter pf = {.complaint_id = c->id};
    compensation_filter cf = {.complaint_id = c->id};
    penalty_list pens = {0};
    compensation_list comps = {0};
    int rc = store_penalty_list(v->a->db, &pf, &pens) || store_compensation_list(v->a->db, &cf, &comps) ? -1 : 0;
    if (rc) {
        snprintf(v->r->msg, sizeof v->r->msg, "complaint %s: its penalties or compensations cannot be read", c->number);
        goto out;
    }
    for (size_t i = 0; i < want_p->n && !rc; i++) {
        const penalty *w = &want_p->items[i], *got = NULL;
        for (size_t k = 0; k < pens.n; k++)
            if (pens.items[k].no == w->no)
                got = &pens.items[k];
        if (!got)
            rc = BROKEN(v, "complaint %s: penalty no. %d decided by its events is missing from the ledger", c->number,
                        w->no);
        else if (got->amount_fen != w->amount_fen || strcmp(got->status, w->status) != 0)
            rc = BROKEN(v,
                        "complaint %s: penalty no. %d (row %lld) differs from its events: stored %lld fen %s, events "
                        "%lld fen %s",
                        c->number, w->no, (long long)got->id, (long long)got->amount_fen, got->status,
                        (long long)w->amount_fen, w->status);
    }
    if (!rc && pens.n != want_p->n)
        rc = BROKEN(v, "complaint %s: the ledger holds %zu penalties, its events decided %zu", c->number, pens.n, want_p->n);
    for (size_t i = 0; i < want_c->n && !rc; i++) {
        const compensation *w = &want_c->items[i], *got = NULL;
        for (size_t k = 0; k < comps.n; k++)
            if (comps.items[k].no == w->no)
                got = &comps.items[k];
        if (!got)
            rc = BROKEN(v, "complaint %s: compensation no. %d granted by its events is missing", c->number, w->no);
        else if (got->amount_fen != w->amount_fen || strcmp(got->status, w->status) != 0)
            rc = BROKEN(v,
                        "complaint %s: compensation no. %d (row %lld) differs from its events: stored %lld fen %s, "
                        "events %lld fen %s",
                        c->number, w->no, (long long)got->id, (long long)got->amount_fen, got->status,
                        (long long)w->amount_fen, w->status);
    }
    if (!rc && comps.n != want_c->n)
        rc = BROKEN(v, "complaint %s: %zu compensations are stored, its events granted %zu", c->number, comps.n,
                    want_c->n);
out:
    penalty_list_release(&pens);
    compensation_list_release(&comps);
    return rc;
}

/*
 * When closing became an event: the time migration 023 was applied. Orders
 * created before it may have been closed without one. -1 while unread.
 */
static int64_t closing_events_since(vrun *v)
{
    if (v->sup_since < 0 && store_schema_applied_at(v->a->db, 23, &v->sup_since) != 0)
        v->sup_since = 0;
    return v->sup_since;
}

/* The supervision_close event of c closing order id, or NULL; *n (OUT): how many name it. */
static const event *closing_of(const event_list *evs, int64_t id, size_t *n)
{
    const event *found = NULL;
    *n = 0;
    for (size_t i = 0; i < evs->n; i++)
        if (strcmp(evs->items[i].action, "supervision_close") == 0 &&
            json_integer_value(json_object_get(evs->items[i].payload, "order")) == id) {
            found = &evs->items[i];
            ++*n;
        }
    return found;
}

/*
 * The supervision orders of c against the breach and supervise events that
 * ordered them (level, unit, deadline), and each one's status against the
 * supervision_close event that closed it: an open order has none, a closed
 * one exactly one, by its closer at its closing time; every closing names
 * an order of c. An order from before closing was an event (created before
 * closing_events_since) that no event closed is "open" with no closing
 * time or closer, or "closed" with both.
 */
static int check_supervisions(vrun *v, const complaint *c, const event_list *evs)
{
    enum { MAX_ORDERS = 10000 };
    supervision_filter f = {.complaint_id = c->id, .limit = MAX_ORDERS};
    supervision_list l = {0};
    if (store_supervision_list(v->a->db, &f, &l)) {
        snprintf(v->r->msg, sizeof v->r->msg, "complaint %s: its supervision orders cannot be read", c->number);
        return -1;
    }
    int rc = 0;
    size_t ordered = 0, closings = 0;
    for (size_t i = 0; i < evs->n && !rc; i++) {
        const event *e = &evs->items[i];
        if (strcmp(e->action, "supervision_close") == 0)
            closings++;
        if (strcmp(e->action, "breach") != 0 && strcmp(e->action, "supervise") != 0)
            continue;
        ordered++;
        const json_t *p = e->payload;
        const supervision *got = NULL;
        for (size_t k = 0; k < l.n; k++)
            if (l.items[k].event_seq == e->seq)
                got = &l.items[k];
        if (!got)
            rc = BROKEN(v, "complaint %s: the supervision order of event seq %lld (%s) is missing", c->number,
                        (long long)e->seq, e->action);
        else if (got->level != json_integer_value(json_object_get(p, "supervision_level")) ||
                 got->unit != json_integer_value(json_object_get(p, "supervise_unit")) ||
                 got->deadline != json_integer_value(json_object_get(p, "deadline")))
            rc = BROKEN(v, "complaint %s: supervision order %lld differs from event seq %lld in level, unit or deadline",
                        c->number, (long long)got->id, (long long)e->seq);
    }
    if (!rc && l.n != ordered)
        rc = BROKEN(v, "complaint %s: %zu supervision orders are stored, its events ordered %zu", c->number, l.n, ordered);
    size_t closed_by_events = 0;
    for (size_t k = 0; k < l.n && !rc; k++) {
        const supervision *o = &l.items[k];
        bool open = strcmp(o->status, "open") == 0, closed = strcmp(o->status, "closed") == 0;
        size_t n;
        const event *e = closing_of(evs, o->id, &n);
        closed_by_events += n;
        if (n > 1)
            rc = BROKEN(v, "complaint %s: supervision order %lld is closed by %zu events", c->number,
                        (long long)o->id, n);
        else if (n == 1 && !(closed && o->closed_at == e->at && o->closed_by == e->actor))
            rc = BROKEN(v,
                        "complaint %s: supervision order %lld was closed by event seq %lld but is stored \"%s\": "
                        "its status or closing was edited",
                        c->number, (long long)o->id, (long long)e->seq, o->status);
        else if (n == 0 && closed && o->created_at >= closing_events_since(v))
            rc = BROKEN(v, "complaint %s: supervision order %lld is stored closed but no event closed it",
                        c->number, (long long)o->id);
        else if (n == 0 && !(open && !o->closed_at && !o->closed_by) && !(closed && o->closed_at && o->closed_by))
            rc = BROKEN(v,
                        "complaint %s: supervision order %lld has status \"%s\" but was %s: its status was edited",
                        c->number, (long long)o->id, o->status, o->closed_at ? "closed" : "never closed");
    }
    if (!rc && closed_by_events != closings)
        rc = BROKEN(v, "complaint %s: %zu supervision_close events name no supervision order of it", c->number,
                    closings - closed_by_events);
    supervision_list_release(&l);
    return rc;
}

/* The first sealed string in j, or NULL. */
static const char *first_sealed(const json_t *j)
{
    if (json_is_string(j))
        return pii_is_sealed(json_string_value(j)) ? json_string_value(j) : NULL;
    const char *k, *s = NULL;
    const json_t *x;
    size_t i;
    if (json_is_object(j))
        json_object_foreach((json_t *)j, k, x) if ((s = first_sealed(x))) return s;
    if (json_is_array(j))
        json_array_foreach(j, i, x) if ((s = first_sealed(x))) return s;
    return NULL;
}

/* A complaint whose data is sealed (and not erased) has a data key that opens it. */
static int check_key(vrun *v, const complaint *c)
{
    const char *sealed = !v->a->pii_ready || erasure_done(c) ? NULL : first_sealed(c->data);
    if (!sealed)
        return 0;
    pii_keyrow row = {.complaint_id = c->id};
    if (store_pii_keys_get(v->a->db, &row, 1)) {
        snprintf(v->r->msg, sizeof v->r->msg, "complaint %s: its data key cannot be read", c->number);
        return -1;
    }
    if (!row.found)
        return BROKEN(v, "complaint %s (id %lld): its customer data is sealed but its data key (pii_keys) is missing",
                      c->number, (long long)c->id);
    uint8_t dk[PII_KEY_BYTES];
    int why = pii_unwrap(v->a->pii, row.key_id, row.wrapped, row.len, dk);
    char *open = why == 0 ? pii_open(dk, sealed) : NULL;
    sodium_memzero(dk, sizeof dk);
    sodium_memzero(row.wrapped, sizeof row.wrapped);
    if (why)
        return BROKEN(v, "complaint %s (id %lld): its data key (pii_keys) cannot be unwrapped: master key \"%s\" %s",
                      c->number, (long long)c->id, row.key_id, pii_unwrap_why(why));
    if (!open)
        return BROKEN(v, "complaint %s (id %lld): its data key (pii_keys) does not open its customer data", c->number,
                      (long long)c->id);
    sodium_memzero(open, strlen(open));
    free(open);
    return 0;
}

/* One complaint: chain, projection, ledger, data key. 0, 1 (broken) or -1. */
static int check_complaint(vrun *v, int64_t id)
{
    complaint stored, rebuilt;
    complaint_init(&stored);
    complaint_init(&rebuilt);
    event_list evs = {0};
    penalty_list pens = {0};
    compensation_list comps = {0};
    int rc = -1;
    if (store_complaint_get(v->a->db, id, NULL, &stored) || store_event_list(v->a->db, id, &evs)) {
        snprintf(v->r->msg, sizeof v->r->msg, "complaint %lld: cannot be read", (long long)id);
        goto out;
    }
    if ((rc = check_chain(v, &stored, id, &evs)))
        goto out;
    for (size_t i = 0; i < evs.n; i++) {
        workflow_apply(&rebuilt, &evs.items[i]);
        expect_ledger(&rebuilt, &evs.items[i], &pens, &comps);
        expect_days(v, &rebuilt, &evs.items[i]);
    }
    v->r->events += (long)evs.n;
    const char *diff = evs.n ? complaint_diff(&stored, &rebuilt) : "events";
    if (diff) {
        rc = BROKEN(v, "complaint %s (id %lld): the stored row differs from its events in \"%s\"", stored.number,
                    (long long)id, diff);
        goto out;
    }
    const char *column = NULL;
    rebuilt.id = id;
    if (store_complaint_facts_check(v->a->db, &rebuilt, &column)) {
        snprintf(v->r->msg, sizeof v->r->msg, "complaint %lld: cannot be read", (long long)id);
        goto out;
    }
    if (column) {
        rc = BROKEN(v, "complaint %s (id %lld): the reports' column \"%s\" differs from its events", stored.number,
                    (long long)id, column);
        goto out;
    }
    if ((rc = check_ledger(v, &stored, &pens, &comps)) || (rc = check_supervisions(v, &stored, &evs)) ||
        (rc = check_key(v, &stored)))
        goto out;
    rc = 0;
out:
    complaint_release(&stored);
    complaint_release(&rebuilt);
    event_list_release(&evs);
    free(pens.items);
    free(comps.items);
    return rc;
}

struct walk {
    vrun *v;
    int rc;
};

static int each_complaint(int64_t id, void *arg)
{
    struct walk *w = arg;
    w->v->r->complaints++;
    w->rc = check_complaint(w->v, id);
    return w->rc != 0;
}

/* Every checkpoint against what the pass counted (marks sorted by last_event). */
static int check_marks(vrun *v)
{
    uint8_t digest[32] = {0};
    int64_t events = 0, complaints = 0;
    for (size_t i = 0; i < v->n; i++) {
        mark *m = &v->marks[i];
        for (int b = 0; b < 32; b++)
            digest[b] ^= m->digest[b];
        events += m->events;
        complaints += m->complaints;
        const char *which = m->exported ? "the exported checkpoint" : "checkpoint";
        if (!checkpoint_mac_ok(v->k, &m->cp))
            return BROKEN(v, "%s %lld (events up to #%lld) was altered or not made with this installation's key: its "
                             "MAC does not match",
                          which, (long long)m->cp.id, (long long)m->cp.last_event);
        if (m->cp.events != events || m->cp.complaints != complaints)
            return BROKEN(v,
                          "%s %lld: up to event #%lld it recorded %lld events of %lld complaints, the database holds "
                          "%lld of %lld: complaints or events were deleted or added",
                          which, (long long)m->cp.id, (long long)m->cp.last_event, (long long)m->cp.events,
                          (long long)m->cp.complaints, (long long)events, (long long)complaints);
        if (sodium_memcmp(m->cp.digest, digest, 32) != 0)
            return BROKEN(v, "%s %lld: the events up to #%lld are not the ones it recorded (replaced or re-hashed)",
                          which, (long long)m->cp.id, (long long)m->cp.last_event);
    }
    return 0;
}

/* app_attach_verify's report of a file that differs: the first into r->msg. */
static void attachment_bad(void *arg, const attachment *att, const char *why)
{
    verify_report *r = arg;
    if (!r->msg[0])
        snprintf(r->msg, sizeof r->msg, "attachment %s of complaint %lld: %s", att->id, (long long)att->complaint_id,
                 why);
}

int app_verify_audit(app *a, long *checked, char *msg, size_t msglen)
{
    const chain_keys *k = app_chain(a);
    checkpoint *cps = NULL;
    size_t ncp = 0;
    *checked = 0;
    msg[0] = '\0';
    if (!k || !a->pii_ready) {
        snprintf(msg, msglen, "the master key is needed to check the keyed chains");
        return -1;
    }
    if (!a->chain_epoch_ok) {
        snprintf(msg, msglen, "the chain's epoch (config chain_epoch) is missing or was altered");
        return 1;
    }
    if (store_checkpoint_list(a->db, &cps, &ncp)) {
        snprintf(msg, msglen, "cannot read the checkpoints");
        return -1;
    }
    int rc = audit_verify(a->db, k->audit, k->audit_from, cps, ncp, checked, msg, msglen);
    if (rc < 0)
        snprintf(msg, msglen, "cannot read the audit log");
    free(cps);
    return rc < 0 ? -1 : rc;
}

int app_verify(app *a, const checkpoint *against, verify_report *r)
{
    memset(r, 0, sizeof *r);
    vrun v = {.a = a,
              .tz = app_pol(a)->tz_offset,
              .today = time_local_day(time_now(), app_pol(a)->tz_offset),
              .k = app_chain(a),
              .sup_since = -1,
              .r = r};
    if (!v.k || !a->pii_ready) {
        snprintf(r->msg, sizeof r->msg, "the master key is needed to check the keyed chains");
        return -1;
    }
    if (!a->chain_epoch_ok)
        return BROKEN(&v, "the chain's epoch (config chain_epoch) is missing or was altered");
    checkpoint *cps = NULL;
    size_t ncp = 0;
    if (store_checkpoint_list(a->db, &cps, &ncp)) {
        snprintf(r->msg, sizeof r->msg, "cannot read the checkpoints");
        return -1;
    }
    v.marks = xcalloc(ncp + 1, sizeof *v.marks);
    for (size_t i = 0; i < ncp; i++) {
        v.marks[v.n++].cp = cps[i];
        if (cps[i].id != (int64_t)i + 1) {
            free(cps);
            free(v.marks);
            return BROKEN(&v, "checkpoint %zu is missing (the next stored is %lld)", i + 1, (long long)cps[i].id);
        }
    }
    if (against) {
        v.marks[v.n].cp = *against;
        v.marks[v.n++].exported = true;
    }
    r->checkpoints = (long)ncp;
    qsort(v.marks, v.n, sizeof *v.marks, by_last_event);
    struct walk w = {&v, 0};
    int rc = store_complaint_ids(a->db, each_complaint, &w);
    if (rc && !w.rc) {
        snprintf(r->msg, sizeof r->msg, "cannot read the complaints");
        rc = -1;
    } else {
        rc = w.rc;
    }
    if (!rc)
        rc = check_marks(&v);
    if (!rc)
        rc = check_days(&v);
    /* The rows from before the epoch carry unkeyed hashes: a checkpoint must have sealed them. */
    if (!rc && v.first_event && v.first_event < v.k->events_from &&
        !(ncp && cps[ncp - 1].last_event >= v.k->events_from - 1))
        rc = BROKEN(&v, "no checkpoint covers the events written before the chain was keyed (up to #%lld)",
                    (long long)v.k->events_from - 1);
    if (!rc) {
        int arc = audit_verify(a->db, v.k->audit, v.k->audit_from, cps, ncp, &r->audit_entries, r->msg, sizeof r->msg);
        rc = arc < 0 ? -1 : arc;
        if (arc < 0)
            snprintf(r->msg, sizeof r->msg, "cannot read the audit log");
    }
    if (!rc) {
        int64_t n = 0;
        int arc = app_attach_verify(a, attachment_bad, r, &n);
        r->attachments = (long)n;
        if (arc) {
            snprintf(r->msg, sizeof r->msg, "cannot read the attachments");
            rc = -1;
        } else if (r->msg[0]) {
            rc = 1;
        }
    }
    free(cps);
    free(v.marks);
    free(v.days);
    return rc;
}

static int verify_one(app *a, int64_t id, bool hashes, char *msg, size_t msglen)
{
    verify_report r;
    memset(&r, 0, sizeof r);
    vrun v = {.a = a, .k = app_chain(a), .r = &r, .no_hashes = !hashes, .sup_since = -1};
    int rc = check_complaint(&v, id);
    free(v.days);
    snprintf(msg, msglen, "%s", r.msg);
    return rc ? -1 : 0;
}

int app_verify_complaint(app *a, int64_t id, char *msg, size_t msglen)
{
    return verify_one(a, id, true, msg, msglen);
}

int app_verify_copied(app *a, int64_t id, char *msg, size_t msglen)
{
    return verify_one(a, id, false, msg, msglen);
}

int app_checkpoint(app *a, int64_t now, checkpoint *out)
{
    const chain_keys *k = app_chain(a);
    if (!k)
        return STORE_ERROR;
    int rc = store_checkpoint_add(a->db, k, now, out);
    return rc == STORE_CONFLICT ? 0 : rc;
}
