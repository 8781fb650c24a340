/* trend: see trend.h. */
#include "app/trend.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/trend.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

void trend_alerts_release(trend_alerts *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].name);
        free(l->items[i].name_en);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

/* A key's count in one period: the top-level category or the subject unit. */
typedef struct tally {
    char category[64];
    int64_t unit, count, baseline;
} tally;

static tally *tally_of(tally **t, size_t *n, const char *cat, int64_t unit_id)
{
    for (size_t i = 0; i < *n; i++)
        if ((*t)[i].unit == unit_id && strcmp((*t)[i].category, cat) == 0)
            return &(*t)[i];
    *t = xrealloc(*t, (*n + 1) * sizeof **t);
    tally *k = &(*t)[(*n)++];
    memset(k, 0, sizeof *k);
    snprintf(k->category, sizeof k->category, "%s", cat);
    k->unit = unit_id;
    return k;
}

/* The top-level ancestor of category code (itself when top-level or unknown). */
static const char *top_category(const taxonomy *tx, const char *code)
{
    int i = taxonomy_category_index(tx, code);
    while (i >= 0 && tx->cats[i].parent >= 0)
        i = tx->cats[i].parent;
    return i >= 0 ? tx->cats[i].code : code;
}

/* Adds the cells of [from, to) to t: into count (recent) or baseline. */
static int count_period(app *a, const trend_rule *r, int64_t from, int64_t to, int64_t now, bool recent, tally **t,
                        size_t *n)
{
    report_query q = {.num = RF_ALL, .den = RF_ALL, .from = from, .to = to, .now = now};
    q.by_category = r->by == TREND_BY_CATEGORY;
    q.by_unit = r->by == TREND_BY_UNIT;
    report_row *rows = NULL;
    size_t nr = 0;
    int rc = store_report_rows(a->db, &q, &rows, &nr);
    for (size_t i = 0; rc == 0 && i < nr; i++) {
        tally *k = tally_of(t, n, q.by_category ? top_category(&app_pol(a)->tax, rows[i].category) : "",
                            q.by_unit ? rows[i].unit : 0);
        *(recent ? &k->count : &k->baseline) += rows[i].den;
    }
    free(rows);
    return rc;
}

int app_trends(app *a, int64_t now, trend_alerts *out)
{
    *out = (trend_alerts){0};
    int rc = 0;
    app_enter(a);
    const trend_policy *tp = &app_pol(a)->trends;
    const unit *root = NULL;
    for (size_t u = 0; u < app_org(a)->n && !root; u++)
        if (!app_org(a)->units[u].parent)
            root = &app_org(a)->units[u];
    for (size_t i = 0; rc == 0 && i < tp->n; i++) {
        const trend_rule *r = &tp->rules[i];
        int64_t from, base_from;
        trend_windows(r, now, &from, &base_from);
        tally *t = NULL;
        size_t nt = 0;
        rc = count_period(a, r, from, now, now, true, &t, &nt);
        if (rc == 0)
            rc = count_period(a, r, base_from, from, now, false, &t, &nt);
        const unit *to = r->notify ? org_find_code(app_org(a), r->notify) : NULL;
        for (size_t k = 0; rc == 0 && k < nt; k++) {
            int64_t usual;
            if (!trend_rising(r, t[k].count, t[k].baseline, &usual))
                continue;
            out->items = xrealloc(out->items, (out->n + 1) * sizeof *out->items);
            trend_alert *al = &out->items[out->n++];
            memset(al, 0, sizeof *al);
            snprintf(al->rule, sizeof al->rule, "%s", r->code);
            al->name = xstrdup(r->name);
            al->name_en = r->name_en ? xstrdup(r->name_en) : NULL;
            al->by = r->by;
            snprintf(al->category, sizeof al->category, "%s", t[k].category);
            al->unit = t[k].unit;
            al->count = t[k].count;
            al->baseline = t[k].baseline;
            al->usual_x100 = usual;
            al->window_days = r->window_days;
            al->baseline_days = r->baseline_days;
            al->rise_percent = r->rise_percent;
            al->notify_unit = to ? to->id : root ? root->id : 0;
        }
        free(t);
    }
    app_leave(a);
    if (rc)
        trend_alerts_release(out);
    return rc;
}

/* Queues m once for each supervisor and manager of its unit (or the unit itself when it has none). */
static int queue(app *a, outbox_msg *m, const char *key, int *queued)
{
    user_list l = {0};
    int rc = store_user_list_unit(a->db, m->recipient_unit, &l);
    int64_t unit_id = m->recipient_unit;
    size_t sent = 0;
    for (size_t i = 0; rc == 0 && i <= l.n; i++) {
        bool last = i == l.n;
        if (!last && !(l.items[i].active && (l.items[i].roles & (R_SUPERVISOR | R_MANAGER))))
            continue;
        if (last && sent)
            break;
        m->recipient_user = last ? 0 : l.items[i].id;
        m->recipient_unit = last ? unit_id : 0;
        snprintf(m->key, sizeof m->key, "%s/u%" PRId64, key, last ? -unit_id : l.items[i].id);
        rc = store_outbox_add(a->db, m, 1);
        sent++;
        if (rc == STORE_CONFLICT)
            rc = 0;
        else if (rc == 0 && queued)
            (*queued)++;
    }
    user_list_release(&l);
    return rc;
}

int app_trend_warn(app *a, int64_t now, int *queued)
{
    if (queued)
        *queued = 0;
    trend_alerts l;
    int rc = app_trends(a, now, &l);
    char day[16];
    app_enter(a);
    time_local_date(now, app_pol(a)->tz_offset, true, day, sizeof day);
    app_leave(a);
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        const trend_alert *al = &l.items[i];
        json_t *pl =
            json_pack("{s:s,s:s,s:s?,s:s,s:I,s:I,s:I,s:i}", "rule", al->rule, "name", al->name, "name_en", al->name_en,
                      "category", al->category, "unit", (json_int_t)al->unit, "count", (json_int_t)al->count,
                      "usual_x100", (json_int_t)al->usual_x100, "window_days", al->window_days);
        char *text = json_dumps(pl, JSON_COMPACT);
        json_decref(pl);
        outbox_msg m = {0};
        m.created_at = now;
        snprintf(m.channel, sizeof m.channel, "internal");
        m.recipient_unit = al->notify_unit;
        snprintf(m.template_name, sizeof m.template_name, "trend_warning");
        m.payload = text;
        /* once a local day per rule, key and person: a second sweep that day finds the key taken */
        char key[80];
        snprintf(key, sizeof key, "trend/%s/%s/%" PRId64 "/%s", al->rule, al->category, al->unit, day);
        rc = queue(a, &m, key, queued);
        free(text);
    }
    trend_alerts_release(&l);
    return rc;
}
