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
