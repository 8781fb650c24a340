/* listq: see listq.h. The checks and messages are those of the documented
 * list parameters (docs/api.md, "GET /api/v1/complaints"). */
#include "api/listq.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cases.h"
#include "core/rules.h"
#include "core/workflow.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "util/xalloc.h"

void listq_init(listq *q)
{
    memset(q, 0, sizeof *q);
}

void listq_release(listq *q)
{
    free(q->owners);
    free(q->subjects);
    free(q->scope);
    free(q->responsible);
    free(q->cats);
    listq_init(q);
}

static int bad(cerr *e, const char *name, const char *why)
{
    return cerr_set(e, "bad_request", name, "%s: %s", name, why);
}

int listq_int(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* A non-empty parameter, or NULL. */
static const char *param(listq_get_fn get, void *ctx, const char *key)
{
    const char *v = get(ctx, key);
    return v && *v ? v : NULL;
}

/* The unit named by text (code or id) and its subtree into *ids; -1 if unknown. */
static int unit_subtree(const org *o, const char *text, int64_t **ids, size_t *n)
{
    json_t *js = json_string(text);
    const unit *u = js ? org_resolve(o, js) : NULL;
    json_decref(js);
    if (!u)
        return -1;
    *ids = org_subtree(o, u->id, n);
    return 0;
}

/*
 * Visibility: unless the caller's scope is the whole organisation, or an
 * owner filter already lies inside it, only complaints with a unit in the
 * scope are listed: as owner, subject, last handler or assisting unit, as
 * api_may_see decides for one complaint.
 */
static void apply_scope(listq *q, const org *o, int64_t caller_unit)
{
    complaint_filter *f = &q->f;
    const unit *root = org_find(o, org_scope_root(o, caller_unit));
    if (!root) {
        q->scope = xcalloc(1, sizeof *q->scope); /* no unit: sees nothing */
        f->n_scope_units = 1;
    } else if (root->parent) {
        bool inside = q->owners != NULL;
        for (size_t i = 0; inside && i < f->n_owner_units; i++)
            inside = org_within(o, q->owners[i], root->id);
        if (!inside)
            q->scope = org_subtree(o, root->id, &f->n_scope_units);
    }
    f->scope_units = q->scope;
}

static int parse_bool(const char *v, bool *out)
{
    if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
        return -1;
    *out = strcmp(v, "true") == 0;
    return 0;
}

bool listq_known(const char *name)
{
    static const char *const names[] = {
        "status", "stage", "owner_unit", "subject_unit", "channel", "kind", "category", "level", "from", "to",
        "phone", "overdue", "warning", "sort", "limit", "cursor", "q", "format", "clear", "nature", "responsibility",
        "responsible_unit", "customer_class", "priority", "reopened", "supervised", "appealed", "closed_from", "closed_to",
        "due_from", "due_to", "assignee", "extension", "total", "subject_staff", "responsible_person", "waiting",
        "incident", "satisfaction", "unresolvable", "pending",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

/* A date range [from, to) of parameters lo and hi; a date (YYYY-MM-DD) as hi includes its whole day. */
static int date_range(listq_get_fn get, void *ctx, const char *lo, const char *hi, int tz, int64_t *from,
                      int64_t *to, cerr *e)
{
    const char *v;
    if ((v = param(get, ctx, lo)) && time_parse_date_or_instant(v, tz, from))
        return bad(e, lo, "expected YYYY-MM-DD or RFC 3339");
    if ((v = param(get, ctx, hi))) {
        if (time_parse_date_or_instant(v, tz, to))
            return bad(e, hi, "expected YYYY-MM-DD or RFC 3339");
        if (strlen(v) == 10)
            *to += 86400;
    }
    return 0;
}

/* "true" → 1, "false" → -1 into *out. */
static int tri(listq_get_fn get, void *ctx, const char *name, int *out, cerr *e)
{
    const char *v = param(get, ctx, name);
    bool b;
    if (v && parse_bool(v, &b))
        return bad(e, name, "expected true or false");
    if (v)
        *out = b ? 1 : -1;
    return 0;
}

/* A name as recorded (the staff complained about, a responsible person): up to 64 characters, matched exactly. */
static int text(listq_get_fn get, void *ctx, const char *name, const char **out, cerr *e)
{
    const char *v = param(get, ctx, name);
    long chars = v ? utf8_count(v) : 0;
    if (chars < 0 || chars > 64)
        return bad(e, name, "expected a name of at most 64 characters");
    *out = v;
    return 0;
}

/* incident: true (in one), false (in none) or an incident's id. */
static int parse_incident(listq_get_fn get, void *ctx, complaint_filter *f, cerr *e)
{
    const char *v = param(get, ctx, "incident");
    long long id;
    bool b;
    if (!v)
        return 0;
    if (parse_bool(v, &b) == 0)
        f->incident = b ? 1 : -1;
    else if (listq_int(v, 1, INT64_MAX, &id) == 0)
        f->incident_id = id;
    else
        return bad(e, "incident", "expected true, false or an incident id");
    return 0;
}

/* satisfaction: the revisit's result (core/workflow.c's revisit results), or none (no revisit yet). */
static int parse_satisfaction(listq_get_fn get, void *ctx, complaint_filter *f, cerr *e)
{
    static const char *const results[] = {"satisfied", "basically_satisfied", "dissatisfied", "unreachable"};
    const char *v = param(get, ctx, "satisfaction");
    if (!v)
        return 0;
    if (strcmp(v, "none") == 0) {
        f->satisfaction = "";
        return 0;
    }
    for (size_t i = 0; i < sizeof results / sizeof results[0]; i++)
        if (strcmp(v, results[i]) == 0) {
            f->satisfaction = results[i];
            return 0;
        }
    return bad(e, "satisfaction", "expected satisfied, basically_satisfied, dissatisfied, unreachable or none");
}

/* The filters of the closing's findings and the record's state. */
static int parse_state(listq *q, listq_get_fn get, void *ctx, const policy *pol, const org *o, cerr *e)
{
    complaint_filter *f = &q->f;
    const char *v;
    if ((v = param(get, ctx, "nature"))) {
        if (cases_nature_parse(v) < 0)
            return bad(e, "nature", "expected valid, invalid or suggestion");
        f->nature = v;
    }
    if ((v = param(get, ctx, "responsibility"))) {
        bool known = false;
        for (size_t i = 0; i < pol->cases.nresps && !known; i++)
            known = strcmp(pol->cases.resps[i].code, v) == 0;
        if (!known)
            return bad(e, "responsibility", "unknown responsibility");
        f->responsibility = v;
    }
    if ((v = param(get, ctx, "responsible_unit")) &&
        unit_subtree(o, v, &q->responsible, &f->n_responsible_units))
        return bad(e, "responsible_unit", "unknown unit");
    f->responsible_units = q->responsible;
    if ((v = param(get, ctx, "customer_class"))) {
        if (!policy_class(pol, v))
            return bad(e, "customer_class", "unknown customer class");
        f->customer_class = v;
    }
    if ((v = param(get, ctx, "priority"))) {
        if (!rules_priority_rank(v))
            return bad(e, "priority", "expected urgent, high or normal");
        f->priority = v;
    }
    int appealed = 0, rc;
    if ((rc = tri(get, ctx, "reopened", &f->reopened, e)) || (rc = tri(get, ctx, "supervised", &f->supervised, e)) ||
        (rc = tri(get, ctx, "appealed", &appealed, e)) || (rc = tri(get, ctx, "waiting", &f->waiting, e)) ||
        (rc = tri(get, ctx, "unresolvable", &f->unresolvable, e)) || (rc = tri(get, ctx, "pending", &f->pending, e)) ||
        (rc = text(get, ctx, "subject_staff", &f->subject_staff, e)) ||
        (rc = text(get, ctx, "responsible_person", &f->responsible_person, e)) ||
        (rc = parse_incident(get, ctx, f, e)) || (rc = parse_satisfaction(get, ctx, f, e)))
        return rc;
    if (appealed && f->kind && strcmp(f->kind, appealed > 0 ? "appeal" : "complaint") != 0)
        return bad(e, "appealed", "contradicts kind");
    if (appealed)
        f->kind = appealed > 0 ? "appeal" : "complaint";
    long long who;
    if ((v = param(get, ctx, "assignee"))) {
        if (strcmp(v, "me") == 0 && q->caller_id > 0)
            f->assignee = q->caller_id;
        else if (strcmp(v, "none") == 0)
            f->assignee = -1;
        else if (listq_int(v, 1, INT64_MAX, &who) == 0)
            f->assignee = who;
        else
            return bad(e, "assignee", "expected me, none or a user id");
    }
    if ((rc = date_range(get, ctx, "closed_from", "closed_to", pol->tz_offset, &f->closed_from, &f->closed_to, e)))
        return rc;
    return date_range(get, ctx, "due_from", "due_to", pol->tz_offset, &f->due_from, &f->due_to, e);
}

int listq_parse(listq *q, listq_get_fn get, void *ctx, const policy *pol, const org *o, int64_t caller_unit,
                int64_t now, cerr *e)
{
    complaint_filter *f = &q->f;
    const char *v;
    long long n;
    f->limit = 50;
    f->now = now;
    if ((v = param(get, ctx, "status"))) {
        if (strcmp(v, "open") == 0)
            f->status = -1;
        else if (!(f->status = status_parse(v)))
            return bad(e, "status", "unknown status");
    }
    if ((v = param(get, ctx, "stage")) && !(f->stage = stage_parse(v)))
        return bad(e, "stage", "unknown stage");
    if ((v = param(get, ctx, "owner_unit")) && unit_subtree(o, v, &q->owners, &f->n_owner_units))
        return bad(e, "owner_unit", "unknown unit");
    if ((v = param(get, ctx, "subject_unit")) && unit_subtree(o, v, &q->subjects, &f->n_subject_units))
        return bad(e, "subject_unit", "unknown unit");
    f->owner_units = q->owners;
    f->subject_units = q->subjects;
    apply_scope(q, o, caller_unit);
    if ((v = param(get, ctx, "channel"))) {
        if (!policy_channel(pol, v))
            return bad(e, "channel", "unknown channel");
        f->channel = v;
    }
    if ((v = param(get, ctx, "kind"))) {
        if (!taxonomy_has_kind(&pol->tax, v))
            return bad(e, "kind", "unknown kind (complaint, appeal or one of the pack's kinds)");
        f->kind = v;
    }
    if ((v = param(get, ctx, "category"))) {
        if (!policy_category(pol, v))
            return bad(e, "category", "unknown category");
        q->cats = xcalloc(pol->tax.ncats, sizeof *q->cats);
        for (size_t i = 0; i < pol->tax.ncats; i++)
            if (policy_category_within(pol, pol->tax.cats[i].code, v))
                q->cats[f->n_categories++] = pol->tax.cats[i].code;
        f->categories = q->cats;
    }
    if ((v = param(get, ctx, "level"))) {
        if (listq_int(v, 1, LEVEL_MAX, &n))
            return bad(e, "level", "expected 1, 2 or 3");
        f->level = (int)n;
    }
    int rc;
    if ((rc = date_range(get, ctx, "from", "to", pol->tz_offset, &f->from, &f->to, e)) ||
        (rc = parse_state(q, get, ctx, pol, o, e)))
        return rc;
    if ((v = param(get, ctx, "phone"))) {
        if (phone_normalise(v, q->phone, sizeof q->phone))
            return bad(e, "phone", "expected 7–20 digits");
        f->phone = q->phone;
    }
    if ((v = param(get, ctx, "overdue")) && parse_bool(v, &f->overdue))
        return bad(e, "overdue", "expected true or false");
    if ((v = param(get, ctx, "warning")) && parse_bool(v, &f->warning))
        return bad(e, "warning", "expected true or false");
    if ((v = param(get, ctx, "extension"))) {
        if (strcmp(v, "requested") != 0)
            return bad(e, "extension", "expected requested");
        f->extension = true;
    }
    if ((v = param(get, ctx, "q"))) {
        long chars = utf8_count(v);
        if (chars < 0 || chars > 200)
            return bad(e, "q", "expected at most 200 characters of text");
        q->q = v;
    }
    /* A search is ranked by relevance unless another order is asked for. */
    f->sort_relevance = q->q != NULL;
    if ((v = param(get, ctx, "sort"))) {
        f->sort_relevance = strcmp(v, "relevance") == 0;
        if (strcmp(v, "deadline") == 0)
            f->sort_deadline = true;
        else if (strcmp(v, "priority") == 0)
            f->sort_priority = true;
        else if (f->sort_relevance && !q->q)
            return bad(e, "sort", "relevance needs a search (q)");
        else if (!f->sort_relevance && strcmp(v, "created") != 0)
            return bad(e, "sort", "expected relevance, priority, deadline or created");
    }
    if ((v = param(get, ctx, "limit"))) {
        if (listq_int(v, 1, 200, &n))
            return bad(e, "limit", "expected 1–200");
        f->limit = (int)n;
    }
    if ((v = param(get, ctx, "cursor")) && f->sort_relevance) {
        if (*v != 'r' || listq_int(v + 1, 0, 100000, &n))
            return bad(e, "cursor", "not a cursor of this listing");
        f->offset = n;
    } else if (v && f->sort_priority) {
        /* "p<order>" and the deadline's cursor (listq_cursor_next) */
        if (v[0] != 'p' || v[1] < '0' || v[1] > '2' || listq_cursor(v + 2, true, &f->cursor_key, &f->cursor_id))
            return bad(e, "cursor", "not a cursor of this listing");
        f->cursor_rank = v[1] - '0';
        f->has_cursor = true;
    } else if (v) {
        if (listq_cursor(v, f->sort_deadline, &f->cursor_key, &f->cursor_id))
            return bad(e, "cursor", "not a cursor of this listing");
        f->has_cursor = true;
    }
    return 0;
}

/* A run of decimal digits at *s that fits an int64_t; advances *s. */
static int digits(const char **s, int64_t *out)
{
    const char *p = *s;
    int64_t v = 0;
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (INT64_MAX - (*p - '0')) / 10)
            return -1;
        v = v * 10 + (*p - '0');
    }
    *s = p;
    *out = v;
    return 0;
}

/* Strict, unlike sscanf's %lld (which skips blanks, takes signs and is
 * undefined on overflow): a cursor is only ever what this server wrote. */
int listq_cursor(const char *s, bool by_deadline, int64_t *key, int64_t *id)
{
    int64_t k = 0, i = 0;
    if (*s++ != (by_deadline ? 'd' : 'c'))
        return -1;
    if (by_deadline && (digits(&s, &k) || *s++ != '.'))
        return -1;
    if (digits(&s, &i) || *s)
        return -1;
    *key = k;
    *id = i;
    return 0;
}

void listq_cursor_next(const complaint_filter *f, const complaint *last, char *out, size_t n)
{
    if (f->sort_priority)
        snprintf(out, n, "p%dd%" PRId64 ".%" PRId64,
                 rules_priority_order(json_string_value(json_object_get(last->data, "priority"))), last->stage_due,
                 last->id);
    else if (f->sort_deadline)
        snprintf(out, n, "d%" PRId64 ".%" PRId64, last->stage_due, last->id);
    else
        snprintf(out, n, "c%" PRId64, last->id);
}

void listq_page_after(complaint_filter *f, const complaint *last)
{
    f->has_cursor = true;
    f->cursor_rank = rules_priority_order(json_string_value(json_object_get(last->data, "priority")));
    f->cursor_key = f->sort_deadline || f->sort_priority ? last->stage_due : 0;
    f->cursor_id = last->id;
}
