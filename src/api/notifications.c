/*
 * notifications: a person's in-app notices (app/inapp.h) — the list, newest
 * first, with the unread count; marking one or all read — and the live
 * stream of their open pages (app/live.h, Server-Sent Events): the
 * notices as they are delivered and the changes of the complaints they
 * see, so that a page refreshes what it shows. Only the caller's own
 * notices are ever read or changed: the person is the router's caller.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/live.h"
#include "util/timeutil.h"

static json_t *notice_json(app *a, const inapp_notice *n, bool en)
{
    return json_pack("{s:I,s:I,s:s?,s:s,s:s,s:{s:s,s:s},s:o,s:b,s:o}", "id", (json_int_t)n->id, "complaint_id",
                     (json_int_t)n->complaint_id, "number", *n->number ? n->number : NULL, "template",
                     n->template_name, "text", en ? n->text_en : n->text_zh, "texts", "zh-CN", n->text_zh, "en",
                     n->text_en, "created_at", api_time(a, n->created_at), "read", n->read_at != 0, "read_at",
                     api_time(a, n->read_at));
}

static bool list_known(const char *name)
{
    return strcmp(name, "unread") == 0 || strcmp(name, "limit") == 0 || strcmp(name, "cursor") == 0;
}

/* A whole number in [lo, hi] from s, or -1. */
static int64_t whole(const char *s, int64_t lo, int64_t hi)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    return *s && !*end && v >= lo && v <= hi ? v : -1;
}

void h_notifications_list(app *a, api_req *rq, http_resp *rs)
{
    if (api_query_known(rq, rs, list_known))
        return;
    inapp_filter f = {.user_id = rq->who.id, .limit = 20};
    const char *un = http_query(rq->http, "unread"), *lim = http_query(rq->http, "limit"),
               *cur = http_query(rq->http, "cursor");
    if (un && strcmp(un, "true") != 0 && strcmp(un, "false") != 0) {
        api_error(rs, 400, "bad_request", "unread", "unread: 应为 true 或 false (expected true or false)");
        return;
    }
    f.unread = un && strcmp(un, "true") == 0;
    if (lim && (f.limit = whole(lim, 1, 100)) < 0) {
        api_error(rs, 400, "bad_request", "limit", "limit: 应为 1–100 (expected 1–100)");
        return;
    }
    if (cur && *cur && (f.before = whole(cur, 1, INT64_MAX)) < 0) {
        api_error(rs, 400, "bad_request", "cursor", "cursor: 应为上一页给出的 next_cursor (expected a next_cursor)");
        return;
    }
    /* One more than the page: whether there is a next one. */
    f.limit++;
    inapp_list l = {0};
    int64_t unread = 0;
    int rc = store_inapp_list(a->db, &f, &l);
    if (!rc)
        rc = store_inapp_unread(a->db, rq->who.id, &unread);
    if (rc) {
        inapp_list_release(&l);
        api_store_error(rs, rc);
        return;
    }
    bool more = l.n == (size_t)f.limit;
    size_t n = more ? l.n - 1 : l.n;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, notice_json(a, &l.items[i], rq->en));
    char next[32];
    if (more)
        snprintf(next, sizeof next, "%lld", (long long)l.items[n - 1].id);
    api_json(rs, 200,
             json_pack("{s:o,s:I,s:s?}", "items", items, "unread_count", (json_int_t)unread, "next_cursor",
                       more ? next : NULL));
    inapp_list_release(&l);
}

/* The caller's unread count as the reply {"unread_count"} (and "id" when id > 0). */
static void answer_count(app *a, api_req *rq, http_resp *rs, int64_t id)
{
    int64_t unread = 0;
    int rc = store_inapp_unread(a->db, rq->who.id, &unread);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    json_t *j = json_pack("{s:I}", "unread_count", (json_int_t)unread);
    if (id > 0)
        json_object_set_new(j, "id", json_integer(id));
    api_json(rs, 200, j);
}

void h_notification_read(app *a, api_req *rq, http_resp *rs)
{
    int64_t id = whole(rq->params[0], 1, INT64_MAX);
    int rc = id > 0 ? store_inapp_read(a->db, rq->who.id, id, time_now()) : STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND) {
        /* Another person's notice is not found either. */
        api_error(rs, 404, "not_found", NULL, "通知不存在 (no such notification)");
        return;
    }
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    answer_count(a, rq, rs, id);
}

void h_notifications_read_all(app *a, api_req *rq, http_resp *rs)
{
    int rc = store_inapp_read_all(a->db, rq->who.id, time_now());
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    answer_count(a, rq, rs, 0);
}

/* ---- the live stream ------------------------------------------------------- */

static long stream_read(void *arg, uint64_t pos, char *out, size_t max)
{
    (void)pos;
    long n = live_read(arg, out, max);
    return n > 0 ? n : n == 0 ? HTTP_READ_WAIT : HTTP_READ_END;
}

static void stream_release(void *arg)
{
    live_close(arg);
}

static void wake(void *arg)
{
    http_wake(arg);
}

void h_events_stream(app *a, api_req *rq, http_resp *rs)
{
    if (!a->live) {
        api_error(rs, 503, "unavailable", NULL, "此进程不提供实时推送 (this process serves no live streams)");
        return;
    }
    int64_t unread = 0;
    int rc = store_inapp_unread(a->db, rq->who.id, &unread);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    /* retry: how long EventSource waits before it reconnects; "ready" tells the page the stream is open. */
    char first[160];
    snprintf(first, sizeof first, "retry: 3000\nevent: ready\ndata: {\"user\":%lld,\"unread_count\":%lld}\n\n",
             (long long)rq->who.id, (long long)unread);
    http_waker *w = http_waker_new();
    int why = 0;
    live_stream *s = live_open(a->live, rq->who.id, rq->who.unit, rq->tok.id, rq->tok.hash, first, wake, w, &why);
    if (!s) {
        http_waker_free(w);
        api_error(rs, 503, "too_many_streams", NULL, "%s",
                  why == LIVE_FULL_USER ? "您打开的实时页面过多，请关闭一些后重试 (too many live pages open for this user)"
                                        : "实时推送连接已满，请稍后重试 (the server holds as many live streams as it may)");
        http_set_header(rs, "Retry-After", "30");
        return;
    }
    buf_clear(&rs->body);
    rs->status = 200;
    rs->content_type = "text/event-stream; charset=utf-8";
    rs->read = stream_read;
    rs->release = stream_release;
    rs->arg = s;
    rs->waker = w;
    http_set_header(rs, "Cache-Control", "no-store");
    /* A reverse proxy (nginx) must pass each event on as it comes. */
    http_set_header(rs, "X-Accel-Buffering", "no");
}
