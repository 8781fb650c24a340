/*
 * audit: the audit log over HTTP — GET /api/v1/audit for auditors and
 * administrators (filters: user, customer, action, subject, from, to;
 * newest first with a cursor), and api_audit, through which handlers record
 * what the caller did.
 *
 * A caller reads the entries that concern a unit of their scope
 * (org_scope_root's subtree), filtered in the store; a caller whose scope is
 * a root unit reads them all, with those about no unit. Free text sealed in
 * an entry (app_pii_seal_audit) is shown masked; in clear only to a caller
 * with the pii permission who asks (clear=true), which is itself a pii_view
 * entry written before the answer.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/pii.h"
#include "sec/audit.h"
#include "app/verify.h"
#include "util/sheet.h"
#include "util/timeutil.h"

int api_audit(app *a, const api_req *rq, const char *action, const char *subject, const json_t *detail)
{
    return api_audit_as(a, rq, rq->authed ? rq->who.id : 0, action, subject, detail);
}

/* units[0..n) (may be empty: derived from subject, sec/audit.h) are the units the entry concerns. */
static int record(app *a, const api_req *rq, int64_t actor_id, const char *action, const char *subject,
                  const json_t *detail, const int64_t *units, size_t n)
{
    char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    audit_entry e = {
        .at = time_now(),
        .actor = actor_id,
        .action = action,
        .subject = subject,
        .ip = rq->client,
        .detail = text,
        .units = units,
        .n_units = n,
        .key = app_audit_key(a),
    };
    int rc = audit_record(a->db, &e);
    free(text);
    return rc;
}

int api_audit_as(app *a, const api_req *rq, int64_t actor_id, const char *action, const char *subject,
                 const json_t *detail)
{
    return record(a, rq, actor_id, action, subject, detail, NULL, 0);
}

int api_audit_unit(app *a, const api_req *rq, const char *action, const char *subject, const json_t *detail,
                   int64_t unit_id)
{
    return record(a, rq, rq->authed ? rq->who.id : 0, action, subject, detail, &unit_id, unit_id > 0);
}

int api_audit_unit_change(app *a, const api_req *rq, int64_t unit_id, json_t *detail)
{
    char subject[32];
    snprintf(subject, sizeof subject, "unit:%lld", (long long)unit_id);
    int rc = api_audit(a, rq, "config_change", subject, detail);
    json_decref(detail);
    return rc;
}

int api_audit_denied(app *a, api_req *rq, const char *subject, const json_t *why, const int64_t *units, size_t n)
{
    char endpoint[160];
    if (!subject) {
        snprintf(endpoint, sizeof endpoint, "endpoint:%s %s", rq->route ? rq->route->method : rq->method,
                 rq->route ? rq->route->pattern : rq->path);
        subject = endpoint;
    }
    json_t *detail = json_pack("{s:s,s:s}", "method", rq->method, "path", rq->path);
    if (why)
        json_object_update(detail, (json_t *)why);
    int rc = record(a, rq, rq->authed ? rq->who.id : 0, "denied", subject, detail, units, n);
    json_decref(detail);
    rq->denied = true;
    return rc;
}

static int bad(http_resp *rs, const char *field, const char *why)
{
    api_error(rs, 400, "bad_request", field, "%s: %s", field, why);
    return -1;
}

/* At most 100 bytes, each in [lo, hi] or one of extra; not empty. */
static bool chars_ok(const char *s, char lo, char hi, const char *extra)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= lo && s[n] <= hi) || strchr(extra, s[n])))
            return false;
    return n > 0 && n <= 100;
}

static int parse_filter(app *a, api_req *rq, http_resp *rs, audit_filter *f, bool *clear)
{
    const char *v;
    *f = (audit_filter){.limit = 50};
    if ((v = http_query(rq->http, "user")) && *v) {
        user u = {0};
        char *end;
        long long id = strtoll(v, &end, 10);
        int rc = *end ? store_user_get(a->db, v, 0, &u, NULL) : store_user_get(a->db, NULL, id, &u, NULL);
        if (rc == STORE_NOTFOUND)
            return bad(rs, "user", "用户不存在 (unknown user)");
        if (rc) {
            api_store_error(rs, rc);
            return -1;
        }
        f->actor = u.id;
        user_release(&u);
    }
    /* Action codes are lower-case words, customers hex blind indexes,
     * subjects printable ASCII ("endpoint:GET /api/v1/tokens"). */
    if ((v = http_query(rq->http, "action")) && *v && !chars_ok(f->action = v, 'a', 'z', "_"))
        return bad(rs, "action", "an action code such as login or denied");
    if ((v = http_query(rq->http, "customer")) && *v && !chars_ok(f->customer = v, '0', '9', "abcdef"))
        return bad(rs, "customer", "a customer's blind index (lower-case hex)");
    if ((v = http_query(rq->http, "subject")) && *v && !chars_ok(f->subject = v, ' ', '~', ""))
        return bad(rs, "subject", "1–100 printable ASCII characters, such as user:7 or complaint:42");
    if ((v = http_query(rq->http, "from")) && *v && time_parse_date_or_instant(v, app_pol(a)->tz_offset, &f->from))
        return bad(rs, "from", "expected YYYY-MM-DD or RFC 3339");
    if ((v = http_query(rq->http, "to")) && *v) {
        if (time_parse_date_or_instant(v, app_pol(a)->tz_offset, &f->to))
            return bad(rs, "to", "expected YYYY-MM-DD or RFC 3339");
        if (strlen(v) == 10)
            f->to += 86400; /* a date includes the whole day */
    }
    if ((v = http_query(rq->http, "limit")) && *v) {
        char *end;
        long n = strtol(v, &end, 10);
        if (*end || n < 1 || n > 500)
            return bad(rs, "limit", "expected 1–500");
        f->limit = (int)n;
    }
    if ((v = http_query(rq->http, "cursor")) && *v) {
        char *end;
        long long n = strtoll(v, &end, 10);
        if (*end || n < 1)
            return bad(rs, "cursor", "not a cursor of this listing");
        f->cursor = n;
    }
    if ((v = http_query(rq->http, "clear")) && *v) {
        if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
            return bad(rs, "clear", "expected true or false");
        *clear = strcmp(v, "true") == 0;
    }
    return 0;
}

/*
 * The caller's scope as a filter: the units of their scope's subtree (heap,
 * in *units; the caller frees), or nothing when the scope is a root unit,
 * which sees every entry.
 */
static void scope(app *a, const api_req *rq, audit_filter *f, int64_t **units)
{
    const org *o = app_org(a);
    int64_t root = org_scope_root(o, rq->who.unit);
    const unit *u = org_find(o, root);
    *units = NULL;
    if (u && u->parent == 0)
        return;
    f->scoped = true;
    if (u) {
        *units = org_subtree(o, root, &f->n_units);
        f->units = *units;
    }
}

/* The user an entry's subject names ("user:19"), rendered as a reference; null for any other subject. */
static json_t *subject_user(app *a, const char *subject)
{
    long long id;
    int used = 0;
    if (subject && sscanf(subject, "user:%lld%n", &id, &used) == 1 && subject[used] == '\0' && id > 0)
        return api_user_ref(a, id);
    return json_null();
}

static json_t *entry_json(app *a, const audit_row *r)
{
    char hex[65];
    hash_hex(r->hash, hex);
    json_t *detail = r->detail ? json_loads(r->detail, 0, NULL) : NULL;
    json_t *j = json_pack("{s:I,s:o,s:o,s:s,s:s?,s:s?,s:s?,s:o,s:s}", "seq", (json_int_t)r->seq, "at",
                          api_time(a, r->at), "actor", api_user_ref(a, r->actor), "action", r->action, "subject",
                          r->subject, "customer", r->customer, "ip", r->ip, "detail", detail ? detail : json_null(),
                          "hash", hex);
    json_object_set_new(j, "subject_user", subject_user(a, r->subject));
    return j;
}

/* At most this many entries in one export: narrow the filters for more. */
enum { AUDIT_EXPORT_MAX = 50000 };

/*
 * The entries of f (newest first, every page) as a CSV or XLSX file through
 * util/sheet, masked as listed; the export is itself an audit_export entry,
 * written before the file leaves.
 */
static void export_audit(app *a, api_req *rq, http_resp *rs, audit_filter *f, sheet_format fmt)
{
    bool en = rq->en;
    static const sheet_col zh[] = {{"序号", SHEET_INT},  {"时间", SHEET_DATETIME}, {"用户", SHEET_TEXT},
                                   {"操作", SHEET_TEXT}, {"对象", SHEET_TEXT},     {"客户索引", SHEET_TEXT},
                                   {"IP", SHEET_TEXT},   {"详情", SHEET_TEXT}};
    static const sheet_col enh[] = {{"seq", SHEET_INT},     {"at", SHEET_DATETIME},  {"user", SHEET_TEXT},
                                    {"action", SHEET_TEXT}, {"subject", SHEET_TEXT}, {"customer", SHEET_TEXT},
                                    {"ip", SHEET_TEXT},     {"detail", SHEET_TEXT}};
    enum { NCOLS = sizeof zh / sizeof zh[0] };
    _Static_assert(sizeof enh / sizeof enh[0] == NCOLS, "one heading per column in each language");
    sheet *sh = sheet_open(fmt, en ? "audit" : "审计日志", en ? enh : zh, NCOLS);
    int tz = app_pol(a)->tz_offset;
    audit_page p = {0};
    int64_t rows = 0;
    int rc = 0;
    f->limit = 500;
    for (;;) {
        rc = store_audit_list(a->db, f, &p);
        if (rc == 0)
            rc = app_pii_view_audit(a, p.items, p.n, false);
        if (rc)
            break;
        for (size_t i = 0; i < p.n && rows < AUDIT_EXPORT_MAX; i++, rows++) {
            const audit_row *r = &p.items[i];
            json_t *who = api_user_ref(a, r->actor);
            const char *name = json_string_value(json_object_get(who, "name"));
            const char *username = json_string_value(json_object_get(who, "username"));
            char by[160];
            snprintf(by, sizeof by, "%s (%s)", name ? name : "", username ? username : "");
            sheet_int(sh, r->seq);
            sheet_time(sh, r->at, tz);
            sheet_text(sh, r->actor ? by : NULL);
            sheet_text(sh, r->action);
            sheet_text(sh, r->subject);
            sheet_text(sh, r->customer);
            sheet_text(sh, r->ip);
            sheet_text(sh, r->detail);
            json_decref(who);
        }
        bool more = p.more && p.n && rows < AUDIT_EXPORT_MAX;
        if (more)
            f->cursor = p.items[p.n - 1].seq;
        audit_page_release(&p);
        p = (audit_page){0};
        if (!more)
            break;
    }
    json_t *detail = json_pack("{s:s,s:I}", "format", sheet_ext(fmt), "rows", (json_int_t)rows);
    api_send_sheet(a, rq, rs, sh, fmt, rc, "audit_export", "audit", detail, "audit");
}

/* Records that the texts of the n entries of p with sealed text were shown in clear; 0 or -1 (rendered). */
static int audit_clear_view(app *a, const api_req *rq, http_resp *rs, const audit_page *p)
{
    json_t *seqs = json_array();
    for (size_t i = 0; i < p->n; i++)
        if (p->items[i].detail && strstr(p->items[i].detail, "\"pii1:"))
            json_array_append_new(seqs, json_integer(p->items[i].seq));
    json_t *detail = json_pack("{s:o}", "entries", seqs);
    int rc = json_array_size(seqs) ? api_audit(a, rq, "pii_view", "audit", detail) : 0;
    json_decref(detail);
    if (rc)
        api_store_error(rs, STORE_UNAVAILABLE);
    return rc ? -1 : 0;
}

void h_audit_list(app *a, api_req *rq, http_resp *rs)
{
    audit_filter f;
    bool clear = false;
    if (parse_filter(a, rq, rs, &f, &clear))
        return;
    /* format: the entries as a file, masked (never with clear). */
    const char *v = http_query(rq->http, "format");
    sheet_format fmt = SHEET_CSV;
    bool file = v && *v;
    if (file && sheet_format_parse(v, &fmt)) {
        bad(rs, "format", "expected csv or xlsx");
        return;
    }
    if (file && clear) {
        bad(rs, "clear", "an export is masked: not with format");
        return;
    }
    actor who = api_actor(rq);
    if (clear && !app_pii_may_unmask(a, &who)) {
        api_audit_denied(a, rq, "permission:pii", NULL, NULL, 0);
        api_error(rs, 403, "forbidden", "clear", "无权查看客户信息 (you may not see customer data in clear)");
        return;
    }
    int64_t *units;
    if (file) {
        scope(a, rq, &f, &units);
        export_audit(a, rq, rs, &f, fmt);
        free(units);
        return;
    }
    scope(a, rq, &f, &units);
    audit_page p;
    int rc = store_audit_list(a->db, &f, &p);
    free(units);
    if (rc == 0 && clear && audit_clear_view(a, rq, rs, &p)) {
        audit_page_release(&p);
        return;
    }
    if (rc == 0)
        rc = app_pii_view_audit(a, p.items, p.n, clear);
    if (rc) {
        audit_page_release(&p);
        api_store_error(rs, rc);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < p.n; i++)
        json_array_append_new(items, entry_json(a, &p.items[i]));
    json_t *next = json_null();
    if (p.more && p.n) {
        char cur[24];
        snprintf(cur, sizeof cur, "%" PRId64, p.items[p.n - 1].seq);
        next = json_string(cur);
    }
    audit_page_release(&p);
    api_json(rs, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor", next));
}

/*
 * GET /audit/verify: walks the audit log's chain as `redress verify` does
 * (app_verify_audit) and says whether it is intact. The chain is one for
 * the installation, so the answer is about every entry; it names only the
 * first broken entry's seq and the counts. Recorded as audit_verify.
 */
void h_audit_verify(app *a, api_req *rq, http_resp *rs)
{
    long checked = 0;
    char msg[512];
    int rc = app_verify_audit(a, &checked, msg, sizeof msg);
    if (rc < 0) {
        api_error(rs, 503, "unavailable", NULL, "%s", msg);
        return;
    }
    json_t *detail = json_pack("{s:b,s:I}", "intact", rc == 0, "entries", (json_int_t)checked);
    int arc = api_audit(a, rq, "audit_verify", "audit", detail);
    json_decref(detail);
    if (arc) {
        api_store_error(rs, STORE_UNAVAILABLE);
        return;
    }
    api_json(rs, 200, json_pack("{s:b,s:I,s:s?,s:o}", "intact", rc == 0, "entries", (json_int_t)checked, "problem",
                                rc ? msg : NULL, "checked_at", api_time(a, time_now())));
}
