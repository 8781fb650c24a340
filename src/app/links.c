/* links: see links.h. */
#include "app/links.h"

#include "app/act.h"
#include "core/links.h"

struct link_arg {
    const actor *who;
    int64_t now, to;
    const char *kind;
    const char *number; /* the other complaint's */
};

/* app_event_fn: the link event, or 1 ("nothing to do") when it exists. */
static int link_build(app *a, const complaint *cur, event *ev, void *arg, cerr *e)
{
    (void)a, (void)e;
    const struct link_arg *l = arg;
    if (link_has(cur, l->kind, l->to))
        return 1;
    link_event(cur, l->who->id, l->now, l->kind, l->to, l->number, ev);
    return 0;
}

static int change(app *a, struct link_arg *l, int64_t id, cerr *e)
{
    int rc = app_change(a, id, link_build, l, false, e);
    if (rc == 1)
        return 0;
    if (rc == STORE_NOTFOUND)
        return cerr_set(e, "not_found", "", "工单不存在 (no such complaint)");
    if (rc == STORE_CONFLICT)
        return cerr_set(e, "version_conflict", "", "工单已被他人更新，请重试 (someone acted first)");
    return rc;
}

int app_link(app *a, const actor *who, int64_t id, int64_t to, const char *kind, int64_t now, cerr *e)
{
    if (!link_kind_ok(kind))
        return cerr_set(e, "validation_failed", "kind", "kind: 应为 related、duplicate、follow_on 或 repeat");
    if (to == id)
        return cerr_set(e, "validation_failed", "to", "to: 不能关联到本工单 (a complaint cannot link to itself)");
    complaint src, dst;
    complaint_init(&src);
    complaint_init(&dst);
    int rc = store_complaint_get(a->db, id, NULL, &src);
    if (rc == 0)
        rc = store_complaint_get(a->db, to, NULL, &dst);
    if (rc == STORE_NOTFOUND)
        rc = cerr_set(e, "not_found", "to", "工单不存在 (no such complaint)");
    if (rc == 0) {
        struct link_arg there = {who, now, to, kind, dst.number}, back = {who, now, id, link_kind_reverse(kind), src.number};
        rc = change(a, &there, id, e);
        if (rc == 0)
            rc = change(a, &back, to, e);
    }
    complaint_release(&src);
    complaint_release(&dst);
    return rc;
}

/* The top-level category of code (its index in the taxonomy), -1 if unknown. */
static int top_of(const policy *p, const char *code)
{
    int i = policy_category_index(p, code);
    while (i >= 0 && p->tax.cats[i].parent >= 0)
        i = p->tax.cats[i].parent;
    return i;
}

int64_t app_repeat_days(app *a)
{
    app_enter(a);
    const json_t *d = json_object_get(json_object_get(app_pol(a)->raw, "repeats"), "days");
    int64_t days = json_is_integer(d) ? json_integer_value(d) : REPEATS_DAYS;
    app_leave(a);
    return days;
}

int app_link_repeats(app *a, const complaint *c, int64_t now, size_t *found)
{
    *found = 0;
    int64_t days = app_repeat_days(a);
    app_enter(a);
    const policy *p = app_pol(a);
    int top = top_of(p, c->category);
    if (days <= 0 || !*c->phone || top < 0) {
        app_leave(a);
        return 0;
    }
    complaint_filter f = {.status = 0, .phone = c->phone, .from = c->received_at - days * 86400, .to = c->received_at + 1,
                          .now = now, .limit = 20};
    complaint_page page = {0};
    int rc = store_complaint_list(a->db, &f, &page);
    actor system = {0, R_SYSTEM, 0};
    for (size_t i = 0; rc == 0 && i < page.n && *found < REPEATS_MAX; i++) {
        const complaint *o = &page.items[i];
        if (o->id == c->id || top_of(p, o->category) != top)
            continue;
        cerr e = CERR_INIT;
        rc = app_link(a, &system, c->id, o->id, "repeat", now, &e);
        if (rc == 0)
            (*found)++;
    }
    complaint_page_release(&page);
    app_leave(a);
    return rc == CERR_USER ? 0 : rc;
}
