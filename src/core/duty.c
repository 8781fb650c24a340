/* duty: see duty.h. */
#include "core/duty.h"

#include <stdio.h>
#include <stdlib.h>

#include "util/xalloc.h"

void duty_list_release(duty_list *l)
{
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

/* Sorting by from keeps each entry's index for the error (idx), so it sorts pointers. */
static int by_from(const void *a, const void *b)
{
    const duty_entry *x = *(const duty_entry *const *)a, *y = *(const duty_entry *const *)b;
    return x->from < y->from ? -1 : x->from > y->from;
}

int duty_check(duty_entry *entries, size_t n, cerr *err)
{
    char f[48];
    if (n > DUTY_MAX_ENTRIES)
        return cerr_set(err, "validation_failed", "entries", "entries: 最多 %d 条 (at most %d)", DUTY_MAX_ENTRIES,
                        DUTY_MAX_ENTRIES);
    for (size_t i = 0; i < n; i++) {
        const duty_entry *d = &entries[i];
        const char *what = d->user <= 0 ? "user" : d->to <= d->from ? "to" : NULL;
        if (!what && d->to - d->from > DUTY_MAX_SECONDS)
            what = "to";
        if (what) {
            snprintf(f, sizeof f, "entries[%zu].%s", i, what);
            return cerr_set(err, "validation_failed", f, "%s: %s", f,
                            what[0] == 'u' ? "应为用户 (expected a user)"
                                           : "应晚于开始时间且不超过31天 (expected after from, within 31 days of it)");
        }
    }
    const duty_entry **p = xcalloc(n + 1, sizeof *p);
    for (size_t i = 0; i < n; i++)
        p[i] = &entries[i];
    qsort(p, n, sizeof *p, by_from);
    int rc = 0;
    for (size_t i = 1; i < n && !rc; i++)
        if (p[i]->from < p[i - 1]->to) {
            snprintf(f, sizeof f, "entries[%zu].from", (size_t)(p[i] - entries));
            rc = cerr_set(err, "validation_failed", f, "%s: 与 entries[%zu] 时间重叠 (overlaps it)", f,
                          (size_t)(p[i - 1] - entries));
        }
    duty_entry *sorted = xcalloc(n + 1, sizeof *sorted);
    for (size_t i = 0; i < n; i++)
        sorted[i] = *p[i];
    for (size_t i = 0; i < n && !rc; i++)
        entries[i] = sorted[i];
    free(sorted);
    free(p);
    return rc;
}

int64_t duty_on_call(const org *o, const duty_entry *e, size_t n, int64_t unit_id, int64_t t)
{
    for (int depth = 0; unit_id && depth < 64; depth++) {
        for (size_t i = 0; i < n; i++)
            if (e[i].unit == unit_id && e[i].from <= t && t < e[i].to)
                return e[i].user;
        const unit *u = org_find(o, unit_id);
        unit_id = u ? u->parent : 0;
    }
    return 0;
}

int64_t duty_escalation(const calendar *cal, const org *o, const duty_entry *e, size_t n, int64_t unit_id, int64_t t)
{
    if (!cal || calendar_is_working(cal, t))
        return 0;
    return duty_on_call(o, e, n, unit_id, t);
}
