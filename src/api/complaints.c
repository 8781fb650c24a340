/* complaints: intake, the list, one complaint, its timeline, its actions. */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/pii.h"
#include "app/intake.h"
#include "app/search.h"
#include "app/act.h"
#include "api/listq.h"
#include "app/custmsg.h"
#include "app/notify.h"
#include "core/workflow.h"
#include "util/jsonw.h"
#include "util/sheet.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/*
 * customer_from: the caller's earlier complaint (id or number) whose
 * customer this call is. The intake form shows that customer masked, as
 * the caller's history lists it, so the agent cannot type the name in; the
 * server copies what the body leaves out (name, email, class, and the
 * months on the network and monthly spending the authority reads) from the
 * earlier complaint's sealed record into the new intake, in memory, and
 * never answers with it in clear. The earlier complaint must be one the
 * caller may see (else 404, as for any complaint) and the body's phone the
 * same number (else 422 naming customer_from), so an agent can only carry
 * the identity of the caller on the line. Removes customer_from from in.
 * 0, or -1 with the answer rendered.
 */
static int customer_from(app *a, api_req *rq, json_t *in, http_resp *rs)
{
    const json_t *ref = json_object_get(in, "customer_from");
    if (!ref)
        return 0;
    char key[32];
    if (json_is_integer(ref))
        snprintf(key, sizeof key, "%" PRId64, (int64_t)json_integer_value(ref));
    else if (json_is_string(ref) && strlen(json_string_value(ref)) < sizeof key)
        snprintf(key, sizeof key, "%s", json_string_value(ref));
    else {
        api_error(rs, 400, "validation_failed", "customer_from", "customer_from: 应为工单编号或 id (expected a complaint's number or id)");
        return -1;
    }
    complaint src;
    complaint_init(&src);
    int rc = -1;
    json_t *cust = json_object_get(in, "customer");
    char given[32], had[32];
    if (api_load_complaint(a, rq, key, &src, rs))
        goto out;
    if (app_pii_view(a, &src, 1, true)) {
        api_store_error(rs, STORE_UNAVAILABLE);
        goto out;
    }
    const json_t *was = json_object_get(src.data, "customer");
    const char *now_phone = json_string_value(json_object_get(cust, "phone"));
    const char *then_phone = json_string_value(json_object_get(was, "phone"));
    if (!now_phone || !then_phone || phone_normalise(now_phone, given, sizeof given) ||
        phone_normalise(then_phone, had, sizeof had) || strcmp(given, had) != 0) {
        api_error(rs, 422, "validation_failed", "customer_from",
                  "customer_from: 该工单的投诉人不是此来电号码 (that complaint's customer has another phone number)");
        goto out;
    }
    static const char *const copied[] = {"name", "email", "class"};
    for (size_t i = 0; i < sizeof copied / sizeof copied[0]; i++) {
        const json_t *v = json_object_get(was, copied[i]);
        const char *t = json_string_value(json_object_get(cust, copied[i]));
        if (json_is_string(v) && (!t || !*t))
            json_object_set_new(cust, copied[i], json_string(json_string_value(v)));
    }
    /* the figures the authority reads (core/cases.h), unless the agent gave newer ones */
    static const char *const figures[] = {"tenure_months", "monthly_spend"};
    for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++) {
        const json_t *v = json_object_get(was, figures[i]), *given_v = json_object_get(cust, figures[i]);
        if (json_is_integer(v) && (!given_v || json_is_null(given_v)))
            json_object_set_new(cust, figures[i], json_integer(json_integer_value(v)));
    }
    json_object_del(in, "customer_from");
    rc = 0;
out:
    complaint_release(&src);
    return rc;
}

/*
 * A partner system's intake comes on its channel: the body's channel, when
 * given, must be that one. 0, or -1 with the answer rendered.
 */
static int partner_channel(api_req *rq, json_t *in, http_resp *rs)
{
    if (!rq->partner_channel[0])
        return 0;
    const json_t *ch = json_object_get(in, "channel");
    if (ch && !json_is_null(ch) && !(json_is_string(ch) && strcmp(json_string_value(ch), rq->partner_channel) == 0)) {
        api_error(rs, 422, "validation_failed", "channel",
                  "channel: 此合作系统只能提交渠道 %s 的投诉 (this partner sends complaints of channel %s only)",
                  rq->partner_channel, rq->partner_channel);
        return -1;
    }
    json_object_set_new(in, "channel", json_string(rq->partner_channel));
    return 0;
}

/*
 * What a partner system reads of c (sealed; opened here): what its
 * customer would see on the portal (api_public_complaint), with the id, the
 * channel and the partner's reference — nothing internal. NULL when the
 * store failed.
 */
static json_t *partner_view(app *a, const api_req *rq, complaint *c)
{
    event_list evs = {0};
    json_t *j = NULL;
    if (store_event_list(a->db, c->id, &evs) == 0 && app_pii_view(a, c, 1, true) == 0) {
        j = api_public_complaint(a, c, &evs, rq->en);
        json_object_set_new(j, "id", json_integer(c->id));
        json_object_set_new(j, "channel", json_string(c->channel));
        static const char *const origin[] = {"external_ref", "partner"};
        for (size_t k = 0; k < 2; k++)
            json_object_set(j, origin[k], json_object_get(c->data, origin[k]));
    }
    event_list_release(&evs);
    return j;
}

/* What the customer is sent about the intake of c (app/custmsg.h): each way and when it goes. */
static json_t *customer_messages_json(app *a, const complaint *c)
{
    event ev;
    event_init(&ev);
    snprintf(ev.action, sizeof ev.action, "intake");
    ev.at = c->created_at;
    outbox_msg *rows = NULL;
    size_t n = 0;
    app_custmsg_rows(a, app_pol(a), c, &ev, &rows, &n);
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(out, json_pack("{s:s,s:o}", "channel", rows[i].channel, "at", api_time(a, rows[i].next_at)));
    app_notify_release(rows, n);
    free(rows);
    event_release(&ev);
    return out;
}

/*
 * The intake's answer: c (its customer data masked, or a partner's view of
 * it) with its Location; 201, or 200 for a duplicate. A new one says what
 * its customer is sent (customer_messages).
 */
static void intake_reply(app *a, api_req *rq, complaint *c, int64_t now, bool duplicate, http_resp *rs)
{
    json_t *j = rq->partner_channel[0] ? partner_view(a, rq, c) : api_complaint_json(a, c, true, rq->en, now);
    if (!j) {
        api_store_error(rs, STORE_ERROR);
        return;
    }
    char loc[96];
    snprintf(loc, sizeof loc, "/api/v1/complaints/%" PRId64, c->id);
    http_set_header(rs, "Location", loc);
    json_object_set_new(j, "duplicate", json_boolean(duplicate));
    if (!duplicate && !rq->partner_channel[0])
        json_object_set_new(j, "customer_messages", customer_messages_json(a, c));
    api_json(rs, duplicate ? 200 : 201, j);
}

/*
 * The complaint c already given the intake's external_ref: 200 with it and
 * "duplicate": true when the caller may see it, else 409 (the reference is
 * taken, by a complaint the caller is not shown).
 */
static void duplicate_reply(app *a, api_req *rq, complaint *c, int64_t now, http_resp *rs)
{
    int rc = 0;
    if (!api_may_see(a, rq, c))
        api_error(rs, 409, "duplicate_reference", "external_ref",
                  "external_ref: 该渠道的此编号已登记 (this channel's reference was taken in already)");
    else if (!rq->partner_channel[0] && (rc = app_pii_view(a, c, 1, false)) != 0)
        api_store_error(rs, rc);
    else
        intake_reply(a, rq, c, now, true, rs);
}

void api_intake_answer(app *a, api_req *rq, int rc, complaint *c, const pii_memo *memo, const cerr *e, int64_t now,
                       http_resp *rs)
{
    if (rc == CERR_USER)
        api_cerr(rs, e);
    else if (rc == 1)
        duplicate_reply(a, rq, c, now, rs);
    else if (rc)
        api_store_error(rs, rc);
    else {
        atomic_fetch_add_explicit((_Atomic unsigned long long *)&http_stats.intake, 1, memory_order_relaxed);
        if (!rq->partner_channel[0] && (rc = app_pii_view_memo(a, c, memo)) != 0)
            api_store_error(rs, rc);
        else
            intake_reply(a, rq, c, now, false, rs);
    }
}

void h_complaints_create(app *a, api_req *rq, http_resp *rs)
{
    json_t *in = api_body(rq, rs, NULL); /* workflow_intake checks its members */
    if (!in)
        return;
    if (partner_channel(rq, in, rs) || customer_from(a, rq, in, rs)) {
        json_decref(in);
        return;
    }
    actor who = api_actor(rq);
    complaint c;
    complaint_init(&c);
    cerr e = CERR_INIT;
    int64_t now = time_now();
    pii_memo memo = {0};
    int rc = app_intake(a, &who, in, now, rq->partner_channel[0] ? rq->tok.partner : NULL, &c, &memo, &e);
    api_intake_answer(a, rq, rc, &c, &memo, &e, now, rs);
    app_pii_memo_release(&memo);
    complaint_release(&c);
    json_decref(in);
}

static int bad_param(http_resp *rs, const char *name, const char *why)
{
    api_error(rs, 400, "bad_request", name, "%s: %s", name, why);
    return -1;
}

/* listq_get_fn over the request's query string. */
static const char *query_of(void *rq, const char *key)
{
    return http_query(rq, key);
}

/* p moved back (n < 0) or forward by |n| characters of UTF-8, within [lo, end of string]. */
static const char *utf8_step(const char *lo, const char *p, int n)
{
    for (; n < 0 && p > lo; n++)
        do
            p--;
        while (p > lo && (*p & 0xC0) == 0x80);
    for (; n > 0 && *p; n--)
        do
            p++;
        while ((*p & 0xC0) == 0x80);
    return p;
}

/*
 * Where a search's words show in a listed complaint's own text (as the
 * caller sees it: masked), for highlighting: {"field", "text" (a stretch
 * around the first word found, folded like the index), "words" (the
 * query's words, folded)}; NULL when the match was elsewhere (the number,
 * the phone, a later step's text).
 */
static json_t *match_json(const complaint *c, const json_t *words)
{
    static const char *const fields[] = {"description", "demand", "place", "evidence"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *v = json_string_value(json_object_get(c->data, fields[i]));
        if (!v || !*v)
            continue;
        char *text = app_search_fold(v);
        const char *hit = NULL;
        size_t k;
        const json_t *w;
        json_array_foreach(words, k, w)
        {
            const char *h = strstr(text, json_string_value(w));
            if (h && (!hit || h < hit))
                hit = h;
        }
        json_t *m = NULL;
        if (hit) {
            const char *from = utf8_step(text, hit, -20), *to = utf8_step(text, hit, 60);
            char *part = xasprintf("%s%.*s%s", from > text ? "…" : "", (int)(to - from), from, *to ? "…" : "");
            m = json_pack("{s:s,s:s,s:O}", "field", fields[i], "text", part, "words", words);
            free(part);
        }
        free(text);
        if (m)
            return m;
    }
    return NULL;
}

/* The words of a query as the index folds them, for match_json. */
static json_t *query_words(const char *q)
{
    json_t *words = json_array();
    char *f = app_search_fold(q);
    for (char *save = NULL, *w = strtok_r(f, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
        json_array_append_new(words, json_string(w));
    free(f);
    return words;
}

/* Moves f past the page that ended with last, as the list's next cursor would. */
static void next_page(complaint_filter *f, const complaint *last, size_t n)
{
    if (f->sort_relevance) {
        f->offset += (int64_t)n;
        return;
    }
    listq_page_after(f, last);
}

/* A unit's name (in English when asked and known), or "". */
static const char *unit_name(const json_t *ref, bool en)
{
    const char *n = json_string_value(json_object_get(ref, en ? "name_en" : "name"));
    if (!n && en)
        n = json_string_value(json_object_get(ref, "name"));
    return n ? n : "";
}

enum { EXPORT_MAX = 50000 };

/*
 * format=csv|xlsx: every complaint the list would show, page after page,
 * as the list shows it (masked; in clear with clear=true for a caller with
 * the pii permission), one row each; an audit entry records the export
 * (list_export, or pii_export when in clear) before the file is sent. The
 * pending-matters ledger (pending=true, 未了事宜台帐) adds each matter's
 * reason and the date it was recorded; a search, what matched.
 */
static void export_list(app *a, api_req *rq, http_resp *rs, listq *l, const json_t *words, sheet_format fmt,
                        int64_t total, bool clear)
{
    bool en = rq->en;
    if (total > EXPORT_MAX) {
        api_error(rs, 400, "bad_request", "format",
                  "format: %lld complaints are more than an export holds (%d): narrow the filters", (long long)total,
                  EXPORT_MAX);
        return;
    }
    static const sheet_col zh[] = {
        {"工单编号", SHEET_TEXT},     {"状态", SHEET_TEXT},         {"等级", SHEET_INT},
        {"类别", SHEET_TEXT},         {"被投诉单位", SHEET_TEXT},   {"承办单位", SHEET_TEXT},
        {"渠道", SHEET_TEXT},         {"工单类型", SHEET_TEXT},     {"客户", SHEET_TEXT},
        {"电话", SHEET_TEXT},         {"受理时间", SHEET_DATETIME}, {"环节时限", SHEET_DATETIME},
        {"结案时间", SHEET_DATETIME}, {"未了原因", SHEET_TEXT},     {"未了事宜记录时间", SHEET_DATETIME},
        {"匹配内容", SHEET_TEXT}};
    static const sheet_col enh[] = {
        {"number", SHEET_TEXT},     {"status", SHEET_TEXT},       {"level", SHEET_INT},
        {"category", SHEET_TEXT},   {"subject unit", SHEET_TEXT}, {"owner unit", SHEET_TEXT},
        {"channel", SHEET_TEXT},    {"kind", SHEET_TEXT},         {"customer", SHEET_TEXT},
        {"phone", SHEET_TEXT},      {"received", SHEET_DATETIME}, {"stage deadline", SHEET_DATETIME},
        {"closed", SHEET_DATETIME}, {"pending reason", SHEET_TEXT}, {"pending since", SHEET_DATETIME},
        {"match", SHEET_TEXT}};
    enum { NCOLS = sizeof zh / sizeof zh[0] };
    _Static_assert(sizeof enh / sizeof enh[0] == NCOLS, "one heading per column in each language");
    enum { LEDGER = NCOLS - 3, MATCH = NCOLS - 1 }; /* the optional columns' first */
    bool ledger = l->f.pending == 1;
    sheet_col cols[NCOLS];
    size_t ncols = 0;
    for (size_t k = 0; k < NCOLS; k++)
        if (k < LEDGER || (k < MATCH && ledger) || (k == MATCH && words))
            cols[ncols++] = (en ? enh : zh)[k];
    sheet *sh = sheet_open(fmt, en ? "complaints" : "工单", cols, ncols);
    int tz = app_pol(a)->tz_offset;
    complaint_page page = {0};
    int64_t rows = 0;
    int rc = 0;
    l->f.limit = 200;
    for (;;) {
        complaint_page_release(&page); /* the previous page's */
        rc = store_complaint_list(a->db, &l->f, &page);
        if (rc == 0)
            rc = app_pii_view(a, page.items, page.n, clear);
        if (rc)
            break;
        for (size_t i = 0; i < page.n; i++) {
            const complaint *c = &page.items[i];
            json_t *j = api_complaint_json(a, c, false, en, l->f.now);
            const json_t *cust = json_object_get(j, "customer");
            sheet_text(sh, c->number);
            sheet_text(sh, json_string_value(json_object_get(j, "status_label")));
            sheet_int(sh, c->level);
            sheet_text(sh, json_string_value(json_object_get(json_object_get(j, "category"), "name")));
            sheet_text(sh, unit_name(json_object_get(j, "subject_unit"), en));
            sheet_text(sh, unit_name(json_object_get(j, "owner_unit"), en));
            sheet_text(sh, c->channel);
            sheet_text(sh, json_string_value(json_object_get(j, "kind_name")));
            sheet_text(sh, json_string_value(json_object_get(cust, "name")));
            sheet_text(sh, json_string_value(json_object_get(cust, "phone")));
            sheet_time(sh, c->received_at, tz);
            sheet_time(sh, c->stage_due, tz);
            sheet_time(sh, c->closed_at, tz);
            if (ledger) {
                const json_t *shown = json_object_get(j, "pending_matter");
                const json_t *stored = json_object_get(c->data, "pending_matter");
                sheet_text(sh, json_string_value(json_object_get(shown, "reason_name")));
                sheet_time(sh, json_integer_value(json_object_get(stored, "since")), tz);
            }
            if (words) {
                json_t *m = match_json(c, words);
                sheet_text(sh, m ? json_string_value(json_object_get(m, "text")) : NULL);
                json_decref(m);
            }
            json_decref(j);
            rows++;
        }
        if (!page.more || !page.n || rows >= EXPORT_MAX)
            break;
        next_page(&l->f, &page.items[page.n - 1], page.n);
    }
    complaint_page_release(&page);
    json_t *detail = json_pack("{s:s,s:I,s:b,s:b}", "format", sheet_ext(fmt), "rows", (json_int_t)rows, "search",
                               words != NULL, "clear", clear);
    api_send_sheet(a, rq, rs, sh, fmt, rc, clear ? "pii_export" : "list_export", "complaints", detail, "complaints");
}

int api_listq_prepare(app *a, listq *l, const char **field, const char **why)
{
    *field = NULL;
    /* Phones are stored as blind indexes: the filter's digits become one. */
    if (l->f.phone) {
        char index[PII_INDEX_HEX];
        if (app_pii_phone_index(a, l->f.phone, index)) {
            *field = "phone", *why = "expected 7–20 digits";
            return -1;
        }
        snprintf(l->phone, sizeof l->phone, "%s", index);
    }
    /* A search: its words become keyed terms, weighed by how rare they are. */
    if (l->q) {
        l->f.n_terms = app_search_query(a, l->q, l->terms);
        l->f.terms = l->terms;
        if (!l->f.n_terms) {
            *field = "q", *why = a->pii_ready ? "no word to search for" : "the search index key is not loaded";
            return -1;
        }
    }
    return l->f.n_terms ? store_search_weigh(a->db, &l->f) : 0;
}

int api_listq_ready(app *a, listq *l, const char *prefix, http_resp *rs)
{
    const char *field, *why;
    int rc = api_listq_prepare(a, l, &field, &why);
    if (rc && field) {
        char name[48];
        snprintf(name, sizeof name, "%s%s", prefix, field);
        return bad_param(rs, name, why);
    }
    if (rc) {
        api_store_error(rs, rc);
        return -1;
    }
    return 0;
}

void h_complaints_list(app *a, api_req *rq, http_resp *rs)
{
    const char *unknown = http_query_unknown(rq->http, listq_known);
    if (unknown) {
        char name[48];
        snprintf(name, sizeof name, "%s", unknown);
        utf8_scrub(name);
        bad_param(rs, name, "unknown parameter");
        return;
    }
    listq l;
    listq_init(&l);
    l.caller_id = rq->who.id;
    cerr e = CERR_INIT;
    int rc = listq_parse(&l, query_of, rq->http, app_pol(a), app_org(a), rq->who.unit, time_now(), &e);
    if (rc) {
        api_cerr(rs, &e);
        listq_release(&l);
        return;
    }
    /* An export: format, and clear (customer data in clear, for those who may). */
    const char *v = http_query(rq->http, "format");
    sheet_format fmt = SHEET_CSV;
    bool file = v && *v, clear = false;
    if (file && sheet_format_parse(v, &fmt)) {
        bad_param(rs, "format", "expected csv or xlsx");
        listq_release(&l);
        return;
    }
    if ((v = http_query(rq->http, "clear")) && *v) {
        if (!file || (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)) {
            bad_param(rs, "clear", "expected true or false, with format");
            listq_release(&l);
            return;
        }
        clear = strcmp(v, "true") == 0;
        actor who = api_actor(rq);
        if (clear && !app_pii_may_unmask(a, &who)) {
            api_error(rs, 403, "forbidden", "clear", "clear: 无权查看客户信息明文 (no permission to see customer data)");
            listq_release(&l);
            return;
        }
    }
    /* total=true: the number of matches with the page (a search always has it). */
    bool want_total = false;
    if ((v = http_query(rq->http, "total")) && *v) {
        if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
            bad_param(rs, "total", "expected true or false");
            listq_release(&l);
            return;
        }
        want_total = strcmp(v, "true") == 0;
    }
    complaint_page page = {0};
    /* A search (its total always counted) shows the texts of its matches. */
    int64_t total = -1;
    l.f.full = l.q != NULL;
    if (api_listq_ready(a, &l, "", rs)) {
        listq_release(&l);
        return;
    }
    if (rc == 0 && (l.q || file || want_total))
        rc = store_complaint_total(a->db, &l.f, &total);
    if (rc == 0 && file) {
        json_t *words = l.q ? query_words(l.q) : NULL;
        export_list(a, rq, rs, &l, words, fmt, total, clear);
        json_decref(words);
        goto out;
    }
    if (rc == 0)
        rc = store_complaint_list(a->db, &l.f, &page);
    if (rc == 0)
        rc = app_pii_view(a, page.items, page.n, false);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    json_t *items = json_array();
    json_t *words = l.q ? query_words(l.q) : NULL;
    for (size_t i = 0; i < page.n; i++) {
        json_t *j = api_complaint_json(a, &page.items[i], false, rq->en, l.f.now);
        json_t *m = words ? match_json(&page.items[i], words) : NULL;
        if (m)
            json_object_set_new(j, "match", m);
        json_array_append_new(items, j);
    }
    json_decref(words);
    json_t *next = json_null();
    if (page.more && page.n) {
        const complaint *last = &page.items[page.n - 1];
        char cur[64];
        if (l.f.sort_relevance)
            snprintf(cur, sizeof cur, "r%" PRId64, l.f.offset + (int64_t)page.n);
        else
            listq_cursor_next(&l.f, last, cur, sizeof cur);
        next = json_string(cur);
    }
    json_t *body = json_pack("{s:o,s:o}", "items", items, "next_cursor", next);
    if (total >= 0)
        json_object_set_new(body, "total", json_integer(total));
    api_json(rs, 200, body);
out:
    complaint_page_release(&page);
    listq_release(&l);
}

void h_complaint_get(app *a, api_req *rq, http_resp *rs)
{
    complaint c;
    complaint_init(&c);
    if (api_load_complaint(a, rq, rq->params[0], &c, rs) == 0) {
        /* A partner system reads what its customer would; staff read it all, masked. */
        json_t *j = NULL;
        int rc = STORE_ERROR;
        if (rq->partner_channel[0])
            j = partner_view(a, rq, &c);
        else if ((rc = app_pii_view(a, &c, 1, false)) == 0)
            j = api_complaint_json(a, &c, true, rq->en, time_now());
        if (j)
            api_json(rs, 200, j);
        else
            api_store_error(rs, rc);
    }
    complaint_release(&c);
}

/* Renders unit ids inside an event payload as unit references. */
static json_t *render_payload(app *a, const json_t *p)
{
    json_t *o = jsonw_copy(p);
    static const char *units[] = {"unit",      "owner_unit", "subject_unit", "responsible_unit", "assist_unit",
                                  "from_unit", "approver_unit"};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        json_t *v = json_object_get(o, units[i]);
        if (json_is_integer(v))
            json_object_set_new(o, units[i], api_unit_ref(a, json_integer_value(v)));
    }
    static const char *times[] = {"stage_due", "overall_due", "received_at", "occurred_at", "deadline",
                                  "old_deadline", "warning_at"};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        json_t *v = json_object_get(o, times[i]);
        if (json_is_integer(v))
            json_object_set_new(o, times[i], api_time(a, json_integer_value(v)));
    }
    json_t *su = json_object_get(o, "supervise_unit");
    if (json_is_integer(su))
        json_object_set_new(o, "supervise_unit", api_unit_ref(a, json_integer_value(su)));
    /* Clocks as in the complaint (the instants as text), without "remaining". */
    json_t *ck = json_object_get(o, "clocks");
    if (json_is_object(ck)) {
        json_t *arr = api_clocks_json(a, ck, 0);
        size_t k;
        json_t *x;
        json_array_foreach(arr, k, x) json_object_del(x, "remaining_minutes");
        json_object_set_new(o, "clocks", arr);
    }
    json_object_del(o, "phone_key");
    return o;
}

void h_complaint_events(app *a, api_req *rq, http_resp *rs)
{
    complaint c;
    complaint_init(&c);
    event_list evs = {0};
    if (api_load_complaint(a, rq, rq->params[0], &c, rs))
        goto out;
    int rc = store_event_list(a->db, c.id, &evs);
    if (rc == 0)
        rc = app_pii_view_events(a, &c, evs.items, evs.n, false);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    json_t *items = api_events_json(a, evs.items, evs.n, rq->en);
    api_json(rs, 200, json_pack("{s:o}", "items", items));
out:
    event_list_release(&evs);
    complaint_release(&c);
}

json_t *api_events_json(app *a, const event *evs, size_t n, bool en)
{
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        const event *e = &evs[i];
        char hex[65];
        hash_hex(e->hash, hex);
        json_t *j = json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:s,s:o,s:s}", "seq", (json_int_t)e->seq, "action", e->action,
                              "label", workflow_label(e->action, en), "at", api_time(a, e->at), "actor",
                              api_user_ref(a, e->actor), "from_status",
                              e->from_status ? json_string(status_name(e->from_status)) : json_null(), "to_status",
                              status_name(e->to_status), "payload",
                              render_payload(a, e->payload ? e->payload : json_null()), "hash", hex);
        json_array_append_new(items, j);
    }
    return items;
}

static json_t *fields_json(const wf_ctx *ctx, const complaint *c, const wf_action *act, bool en)
{
    json_t *fields = json_array(), *defaults = workflow_defaults(c, act);
    wf_form form;
    for (const wf_field *f = workflow_fields(ctx, c, act, &form); f->name; f++) {
        json_t *j = json_pack("{s:s,s:s,s:s,s:b}", "name", f->name, "label", en ? f->en : f->zh, "type",
                              field_type_name(f->type), "required", f->required);
        json_t *v = json_object_get(defaults, f->name);
        if (v) /* pre-filled, editable */
            json_object_set(j, "default", v);
        if (f->options) {
            json_t *opts = json_array();
            for (const wf_option *o = f->options; o->value; o++)
                json_array_append_new(opts, json_pack("{s:s,s:s}", "value", o->value, "label", en ? o->en : o->zh));
            /* a required choice with one option is made already (what awaits the customer's confirmation) */
            if (!v && f->required && f->type == F_SELECT && json_array_size(opts) == 1)
                json_object_set(j, "default", json_object_get(json_array_get(opts, 0), "value"));
            json_object_set_new(j, "options", opts);
        }
        if (f->type == F_SURVEY) {
            /* The questions of the complaint's category, in the order they are asked. */
            json_t *g = json_object();
            api_category_guidance(ctx->pol, c->category, en, g);
            json_object_set(j, "questions", json_object_get(g, "survey"));
            json_decref(g);
        }
        json_array_append_new(fields, j);
    }
    json_decref(defaults);
    return fields;
}

static json_t *allowed_json(app *a, const actor *who, const complaint *c, bool en, bool with_fields)
{
    const wf_action *acts[WF__COUNT];
    wf_ctx ctx = {app_pol(a), app_org(a), who, time_now(), NULL, 0, NULL};
    app_staff staff;
    if (with_fields && app_staff_load(a, c, &ctx, &staff))
        memset(&staff, 0, sizeof staff); /* the form offers nobody; assign refuses then */
    size_t n = workflow_allowed(&ctx, c, acts, WF__COUNT);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        if (with_fields)
            json_array_append_new(items, json_pack("{s:s,s:s,s:o}", "action", acts[i]->name, "label",
                                                   en ? acts[i]->en : acts[i]->zh, "fields",
                                                   fields_json(&ctx, c, acts[i], en)));
        else
            json_array_append_new(items, json_string(acts[i]->name));
    }
    if (with_fields)
        app_staff_release(&staff);
    return items;
}

void h_complaint_actions(app *a, api_req *rq, http_resp *rs)
{
    complaint c;
    complaint_init(&c);
    if (api_load_complaint(a, rq, rq->params[0], &c, rs) == 0) {
        actor who = api_actor(rq);
        api_json(rs, 200, json_pack("{s:I,s:o}", "version", (json_int_t)c.version, "items",
                                    allowed_json(a, &who, &c, rq->en, true)));
    }
    complaint_release(&c);
}

/*
 * The version an action is conditional on, into *expected (-1: none): the
 * If-Match header, else "version" in the body. Either, when present, must be
 * a version number — a malformed one is 400, never a step without the
 * lost-update check. Returns -1 when it rendered the error.
 */
static int expected_version(api_req *rq, const json_t *in, int64_t *expected, http_resp *rs)
{
    const char *im = http_header(rq->http, "If-Match");
    const json_t *bv = json_object_get(in, "version");
    long long n;
    *expected = -1;
    if (bv && !json_is_null(bv) && (!json_is_integer(bv) || json_integer_value(bv) < 0))
        return bad_param(rs, "version", "expected the complaint's version number");
    if (im) {
        char tmp[32];
        size_t len = strlen(im);
        /* Accept a bare number, or an ETag-style quoted one. */
        if (len >= 2 && im[0] == '"' && im[len - 1] == '"' && len < sizeof tmp) {
            memcpy(tmp, im + 1, len - 2);
            tmp[len - 2] = '\0';
            im = tmp;
        }
        if (listq_int(im, 0, INT64_MAX, &n))
            return bad_param(rs, "If-Match", "expected the complaint's version number");
        *expected = n;
    } else if (bv && !json_is_null(bv)) {
        *expected = json_integer_value(bv);
    }
    return 0;
}

void h_complaint_act(app *a, api_req *rq, http_resp *rs)
{
    json_t *in = NULL;
    complaint c, next;
    complaint_init(&c);
    complaint_init(&next);
    if (api_load_complaint(a, rq, rq->params[0], &c, rs))
        goto out;
    in = rq->body.len ? api_body(rq, rs, NULL) : json_object(); /* the action's fields: workflow_check_input */
    if (!in)
        goto out;
    int64_t expected;
    if (expected_version(rq, in, &expected, rs))
        goto out;
    actor who = api_actor(rq);
    cerr e = CERR_INIT;
    int64_t now = time_now();
    int rc = app_act(a, &who, c.id, rq->params[1], in, expected, now, &next, &e);
    if (rc == CERR_USER) {
        api_cerr(rs, &e);
        if (strcmp(e.code, "action_not_allowed") == 0 || strcmp(e.code, "version_conflict") == 0) {
            complaint fresh;
            complaint_init(&fresh);
            if (store_complaint_get(a->db, c.id, NULL, &fresh) == 0) {
                /* Say what is possible now, so the client need not ask again. */
                json_t *body = json_loadb(rs->body.data, rs->body.len, 0, NULL);
                json_t *err = json_object_get(body, "error");
                json_object_set_new(err, "current_version", json_integer(fresh.version));
                json_object_set_new(err, "allowed", allowed_json(a, &who, &fresh, rq->en, false));
                api_json(rs, 409, body);
                atomic_fetch_add_explicit((_Atomic unsigned long long *)&http_stats.conflicts, 1,
                                          memory_order_relaxed);
            }
            complaint_release(&fresh);
        }
    } else if (rc) {
        api_store_error(rs, rc);
    } else {
        atomic_fetch_add_explicit((_Atomic unsigned long long *)&http_stats.actions, 1, memory_order_relaxed);
        app_pii_view(a, &next, 1, false);
        api_json(rs, 200, api_complaint_json(a, &next, true, rq->en, now));
    }
out:
    json_decref(in);
    complaint_release(&c);
    complaint_release(&next);
}
