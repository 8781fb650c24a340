/* reports: see reports.h. */
#include "app/reports.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/survey.h"
#include "core/workflow.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* The nature of a complaint not yet judged, as a cell and a parameter name it (stored as ""). */
#define UNDECIDED "undecided"

/* The longest range a report covers: ten years of days. */
enum { RANGE_DAYS_MAX = 3660 };

const char *const *app_report_params(bool drill)
{
    static const char *const report[] = {"from",    "to",    "group_by", "period", "unit",   "unit_only", "category",
                                         "channel", "level", "nature",   "kind",   "format", NULL};
    static const char *const list[] = {"from",  "to",     "group_by", "period", "unit",  "unit_only", "category", "channel",
                                       "level", "nature", "kind",     "part",   "limit", "cursor",    NULL};
    return drill ? list : report;
}

static const report_def *def_of(int ind)
{
    size_t n;
    const report_def *d = report_defs(&n);
    assert(ind >= 0 && (size_t)ind < n);
    return &d[ind];
}

static int bad(cerr *e, const char *name, const char *why)
{
    return cerr_set(e, "bad_request", name, "%s: %s", name, why);
}

/* A non-empty parameter, or NULL. */
static const char *param(app_param_fn get, void *ctx, const char *key)
{
    const char *v = get(ctx, key);
    return v && *v ? v : NULL;
}

/* A local date YYYY-MM-DD as a local day number; -1 if it is not one. */
static int parse_day(const char *s, int64_t *day)
{
    int64_t end;
    return report_period_days(RP_DAY, s, day, &end);
}

static int parse_dims(app_report_req *r, const char *v, cerr *e)
{
    char *copy = xstrdup(v), *save = NULL;
    int rc = 0;
    for (char *t = strtok_r(copy, ",", &save); t && rc == 0; t = strtok_r(NULL, ",", &save)) {
        int d = report_dim_parse(t);
        if (d < 0)
            rc = bad(e, "group_by", "expected unit, category, channel, level, nature or kind");
        for (int k = 0; rc == 0 && k < r->ndims; k++)
            if (r->dims[k] == d)
                rc = bad(e, "group_by", "a dimension named twice");
        if (rc == 0 && r->ndims == APP_REPORT_DIMS)
            rc = bad(e, "group_by", "at most two dimensions");
        if (rc == 0)
            r->dims[r->ndims++] = d;
    }
    free(copy);
    return rc;
}

/* The unit parameter within the scope: r->root (and unit_only). */
static int parse_unit(app *a, app_report_req *r, app_param_fn get, void *ctx, int64_t scope, cerr *e)
{
    const org *o = app_org(a);
    const char *v = param(get, ctx, "unit");
    if (scope == 0)
        return cerr_set(e, "forbidden", "unit", "您没有所属单位，看不到任何报表 (you have no unit: no report is yours)");
    r->root = scope > 0 ? scope : 0;
    if (scope < 0) {
        /* The whole organisation: its root, or none when it has several (each a cell of its own then). */
        size_t roots = 0;
        for (size_t i = 0; i < o->n; i++)
            if (!o->units[i].parent && roots++ == 0)
                r->root = o->units[i].id;
        if (roots > 1)
            r->root = 0;
    }
    if (v) {
        json_t *js = json_string(v);
        const unit *u = js ? org_resolve(o, js) : NULL;
        json_decref(js);
        if (!u)
            return bad(e, "unit", "unknown unit");
        if (scope > 0 && !org_within(o, u->id, scope))
            return cerr_set(e, "forbidden", "unit", "unit: 不在您的管辖范围内 (outside your scope)");
        r->root = u->id;
    }
    if ((v = param(get, ctx, "unit_only"))) {
        if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
            return bad(e, "unit_only", "expected true or false");
        r->unit_only = strcmp(v, "true") == 0;
        if (r->unit_only && !r->root)
            return bad(e, "unit_only", "needs a unit");
    }
    return 0;
}

/* The cell values that narrow a report (and name a drill-down's cell). */
static int parse_values(app *a, app_report_req *r, app_param_fn get, void *ctx, cerr *e)
{
    const policy *pol = app_pol(a);
    const char *v;
    long long n;
    if ((v = param(get, ctx, "category"))) {
        if (!policy_category(pol, v))
            return bad(e, "category", "unknown category");
        r->category = v;
    }
    if ((v = param(get, ctx, "channel"))) {
        if (!policy_channel(pol, v))
            return bad(e, "channel", "unknown channel");
        r->channel = v;
    }
    if ((v = param(get, ctx, "level"))) {
        char *end;
        n = strtoll(v, &end, 10);
        if (*end || n < 1 || n > LEVEL_MAX)
            return bad(e, "level", "expected 1, 2 or 3");
        r->level = (int)n;
    }
    if ((v = param(get, ctx, "nature"))) {
        if (strcmp(v, "valid") != 0 && strcmp(v, "invalid") != 0 && strcmp(v, "suggestion") != 0 &&
            strcmp(v, UNDECIDED) != 0)
            return bad(e, "nature", "expected valid, invalid, suggestion or undecided");
        r->nature = strcmp(v, UNDECIDED) == 0 ? "" : v;
    }
    if ((v = param(get, ctx, "kind"))) {
        if (!taxonomy_has_kind(&pol->tax, v))
            return bad(e, "kind", "unknown kind (complaint, appeal or one of the pack's kinds)");
        r->kind = v;
    }
    return 0;
}

/* A drill-down's period: a period's name (the whole range) or the key of one, which narrows the range. */
static int parse_drill_period(app *a, app_report_req *r, const char *v, cerr *e)
{
    if (report_period_parse(v) >= 0)
        return 0;
    int64_t first, end, tz = (int64_t)app_pol(a)->tz_offset * 60;
    for (int p = RP_DAY; p <= RP_YEAR; p++)
        if (report_period_days(p, v, &first, &end) == 0) {
            if (first * 86400 - tz > r->from)
                r->from = first * 86400 - tz;
            if (end * 86400 - tz < r->to)
                r->to = end * 86400 - tz;
            return 0;
        }
    return bad(e, "period", "expected day, week, month, quarter, year or a period's key (2026-11, 2026-W45, …)");
}

int app_report_parse(app *a, app_report_req *r, const char *id, app_param_fn get, void *ctx, int64_t scope,
                     bool drill, cerr *e)
{
    memset(r, 0, sizeof *r);
    r->numerator = true;
    if ((r->ind = report_find(id)) < 0)
        return cerr_set(e, "not_found", "", "没有这个指标 (no indicator %s)", id);
    const char *v;
    int64_t from, to, tz = (int64_t)app_pol(a)->tz_offset * 60;
    if (!(v = param(get, ctx, "from")) || parse_day(v, &from))
        return bad(e, "from", "expected a date YYYY-MM-DD");
    if (!(v = param(get, ctx, "to")) || parse_day(v, &to))
        return bad(e, "to", "expected a date YYYY-MM-DD");
    if (to < from)
        return bad(e, "to", "before from");
    if (to - from >= RANGE_DAYS_MAX)
        return bad(e, "to", "a range of at most ten years");
    r->from = from * 86400 - tz;
    r->to = (to + 1) * 86400 - tz;
    if ((v = param(get, ctx, "group_by")) && parse_dims(r, v, e))
        return CERR_USER;
    if ((v = param(get, ctx, "period"))) {
        if (drill && parse_drill_period(a, r, v, e))
            return CERR_USER;
        if (!drill && (r->period = report_period_parse(v)) < 0)
            return bad(e, "period", "expected day, week, month, quarter or year");
    }
    if (parse_unit(a, r, get, ctx, scope, e) || parse_values(a, r, get, ctx, e))
        return CERR_USER;
    if (drill && (v = param(get, ctx, "part"))) {
        if (strcmp(v, "numerator") != 0 && strcmp(v, "denominator") != 0)
            return bad(e, "part", "expected numerator or denominator");
        r->numerator = strcmp(v, "numerator") == 0;
        if (!r->numerator && !def_of(r->ind)->rate)
            return bad(e, "part", "a count has no denominator");
    }
    return 0;
}

void app_report_release(app_report *rep)
{
    free(rep->cells);
    rep->cells = NULL;
    rep->n = 0;
    rep->num = rep->den = 0;
}

/* The unit of the roll-up holding u: root itself, or its child on the way up from u (root 0: u's root). */
static int64_t rollup(const org *o, int64_t root, int64_t u, bool *self)
{
    *self = u == root;
    if (*self)
        return u;
    const unit *x = org_find(o, u);
    while (x && x->parent && x->parent != root)
        x = org_find(o, x->parent);
    return x ? x->id : u;
}

static bool asked(const app_report_req *r, int dim)
{
    for (int k = 0; k < r->ndims; k++)
        if (r->dims[k] == dim)
            return true;
    return false;
}

/* Cells in order of period, unit (its own complaints first), category, channel, level and nature. */
static int cmp_cells(const void *pa, const void *pb)
{
    const app_report_cell *x = pa, *y = pb;
    int c = strcmp(x->period, y->period);
    if (c == 0 && x->unit != y->unit)
        c = x->unit < y->unit ? -1 : 1;
    if (c == 0)
        c = (int)y->unit_only - (int)x->unit_only;
    if (c == 0)
        c = strcmp(x->category, y->category);
    if (c == 0)
        c = strcmp(x->channel, y->channel);
    if (c == 0)
        c = x->level - y->level;
    if (c == 0)
        c = strcmp(x->nature, y->nature);
    return c ? c : strcmp(x->kind, y->kind);
}

/*
 * The kinds a report leaves out (a heap array of borrowed codes, *n of them;
 * NULL when none): those the pack does not count as complaints, unless the
 * report asks for kinds — one of them, or grouped by kind.
 */
static const char **left_out(app *a, const app_report_req *r, size_t *n)
{
    const taxonomy *t = &app_pol(a)->tax;
    *n = 0;
    if (r->kind || asked(r, RD_KIND) || !t->nkinds)
        return NULL;
    const char **out = xcalloc(t->nkinds, sizeof *out);
    for (size_t i = 0; i < t->nkinds; i++)
        if (!t->kinds[i].counts)
            out[(*n)++] = t->kinds[i].code;
    return out;
}

/* What a report query borrows for its scope and the kinds it leaves out: freed by query_release. */
typedef struct query_scope {
    int64_t *units, self;
    const char **leave_out;
} query_scope;

/* The range, the values and the scope of r into q (its facts and dimensions left to the caller). */
static void query_init(app *a, const app_report_req *r, int64_t now, report_query *q, query_scope *qs)
{
    const org *o = app_org(a);
    *q = (report_query){.from = r->from, .to = r->to, .now = now, .tz_offset = app_pol(a)->tz_offset,
                        .category = r->category, .channel = r->channel, .nature = r->nature, .kind = r->kind,
                        .level = r->level};
    qs->leave_out = left_out(a, r, &q->n_leave_out);
    q->leave_out = qs->leave_out;
    qs->units = NULL;
    qs->self = r->root;
    if (r->unit_only) {
        q->units = &qs->self;
        q->n_units = 1;
    } else if (r->root) {
        q->units = qs->units = org_subtree(o, r->root, &q->n_units);
        if (q->n_units == o->n)
            q->n_units = 0; /* every unit: no condition */
    }
}

static void query_release(query_scope *qs)
{
    free(qs->units);
    free(qs->leave_out);
}

int app_report_run(app *a, const app_report_req *r, int64_t now, app_report *rep)
{
    const report_def *d = def_of(r->ind);
    const org *o = app_org(a);
    memset(rep, 0, sizeof *rep);
    report_query q;
    query_scope qs;
    query_init(a, r, now, &q, &qs);
    q.num = d->num;
    q.den = d->rate ? d->den : d->num;
    q.by_day = r->period != RP_NONE;
    q.by_unit = asked(r, RD_UNIT);
    q.by_category = asked(r, RD_CATEGORY);
    q.by_channel = asked(r, RD_CHANNEL);
    q.by_level = asked(r, RD_LEVEL);
    q.by_nature = asked(r, RD_NATURE);
    q.by_kind = asked(r, RD_KIND);
    report_row *rows = NULL;
    size_t n = 0;
    int rc = store_report_rows(a->db, &q, &rows, &n);
    query_release(&qs);
    if (rc)
        return rc;
    rep->cells = xcalloc(n ? n : 1, sizeof *rep->cells);
    for (size_t i = 0; i < n; i++) {
        app_report_cell *c = &rep->cells[i];
        if (q.by_day)
            report_period_key(r->period, rows[i].day, c->period, sizeof c->period);
        if (q.by_unit)
            c->unit = r->unit_only ? r->root : rollup(o, r->root, rows[i].unit, &c->unit_only);
        c->unit_only = c->unit_only || (q.by_unit && r->unit_only);
        memcpy(c->category, rows[i].category, sizeof c->category);
        memcpy(c->channel, rows[i].channel, sizeof c->channel);
        memcpy(c->nature, rows[i].nature, sizeof c->nature);
        memcpy(c->kind, rows[i].kind, sizeof c->kind);
        c->level = rows[i].level;
        c->num = rows[i].num;
        c->den = rows[i].den;
        rep->num += c->num;
        rep->den += c->den;
    }
    free(rows);
    /* Rows of one cell (the days of a month, the units of a branch) merged. */
    qsort(rep->cells, n, sizeof *rep->cells, cmp_cells);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && cmp_cells(&rep->cells[m - 1], &rep->cells[i]) == 0) {
            rep->cells[m - 1].num += rep->cells[i].num;
            rep->cells[m - 1].den += rep->cells[i].den;
        } else {
            rep->cells[m++] = rep->cells[i];
        }
    }
    rep->n = m;
    return 0;
}

void app_report_list_init(app *a, const app_report_req *r, int64_t now, app_report_list *l)
{
    const report_def *d = def_of(r->ind);
    memset(l, 0, sizeof *l);
    complaint_filter *f = &l->f;
    f->limit = 50;
    f->now = now;
    f->from = r->from;
    f->to = r->to;
    f->fact = r->numerator ? d->num : d->den;
    f->report = true;
    f->channel = r->channel;
    f->nature = r->nature;
    f->kind = r->kind;
    f->level = r->level;
    l->leave_out = left_out(a, r, &f->n_leave_out);
    f->leave_out = l->leave_out;
    if (r->category) {
        l->cat[0] = r->category;
        f->categories = l->cat;
        f->n_categories = 1;
    }
    if (r->unit_only) {
        l->units = xcalloc(1, sizeof *l->units);
        l->units[0] = r->root;
        f->n_subject_units = 1;
    } else if (r->root) {
        l->units = org_subtree(app_org(a), r->root, &f->n_subject_units);
        if (f->n_subject_units == app_org(a)->n)
            f->n_subject_units = 0; /* every unit: no condition */
    }
    f->subject_units = l->units;
}

void app_report_list_release(app_report_list *l)
{
    free(l->units);
    free(l->leave_out);
    memset(l, 0, sizeof *l);
}

/* ---- rendering ---------------------------------------------------------------------------------- */

static const char *pick(const char *zh, const char *en_, bool en)
{
    return en && en_ ? en_ : zh;
}

/* The cell's value of dimension dim as its code (*code) and its name in the pack (*name); level in *level. */
static void dim_value(app *a, const app_report_cell *c, int dim, bool en, const char **code, const char **name)
{
    const policy *pol = app_pol(a);
    const named *nm = NULL;
    *code = *name = "";
    switch (dim) {
    case RD_UNIT: {
        const unit *u = org_find(app_org(a), c->unit);
        *code = u ? u->code : "";
        *name = u ? pick(u->name, u->name_en, en) : "";
        return;
    }
    case RD_CATEGORY: {
        const category *cat = policy_category(pol, c->category);
        *code = c->category;
        *name = cat ? pick(cat->name, cat->name_en, en) : c->category;
        return;
    }
    case RD_CHANNEL:
        nm = policy_channel(pol, c->channel);
        *code = c->channel;
        break;
    case RD_LEVEL:
        nm = c->level > 0 && c->level <= LEVEL_MAX ? &pol->levels[c->level] : NULL;
        break;
    case RD_NATURE: {
        *code = *c->nature ? c->nature : UNDECIDED;
        int k = *c->nature ? report_find(c->nature) : -1;
        *name = k >= 0 ? pick(pol->reports.ind[k].name, pol->reports.ind[k].name_en, en)
                       : (en ? "undecided" : "未认定");
        return;
    }
    case RD_KIND:
        *code = c->kind;
        *name = taxonomy_kind_name(&pol->tax, c->kind, en);
        return;
    }
    *name = nm && nm->name ? pick(nm->name, nm->name_en, en) : *code;
}

/* {"value","numerator","denominator"} of num and den for d (a count's denominator is null). */
static json_t *counts_json(const report_def *d, int64_t num, int64_t den)
{
    double v = report_value(d, num, den);
    return json_pack("{s:o,s:I,s:o}", "value", d->rate ? (v == v ? json_real(v) : json_null()) : json_integer(num),
                     "numerator", (json_int_t)num, "denominator", d->rate ? json_integer(den) : json_null());
}

json_t *app_report_indicator_json(app *a, int ind, bool en)
{
    (void)en;
    const report_def *d = def_of(ind);
    const report_ind *pi = &app_pol(a)->reports.ind[ind];
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:b}", "id", d->id, "kind", d->rate ? "rate" : "count", "name",
                     pi->name, "name_en", pi->name_en, "definition", pi->definition, "definition_en",
                     pi->definition_en, "target", pi->target == pi->target ? json_real(pi->target) : json_null(),
                     "lower_is_better", d->lower_better);
}

json_t *app_report_json(app *a, const app_report_req *r, const app_report *rep, bool en)
{
    const report_def *d = def_of(r->ind);
    json_t *items = json_array();
    for (size_t i = 0; i < rep->n; i++) {
        const app_report_cell *c = &rep->cells[i];
        json_t *group = json_object(), *labels = json_object();
        if (r->period != RP_NONE)
            json_object_set_new(group, "period", json_string(c->period));
        for (int k = 0; k < r->ndims; k++) {
            const char *code, *name;
            dim_value(a, c, r->dims[k], en, &code, &name);
            const char *key = report_dim_name(r->dims[k]);
            json_object_set_new(group, key, r->dims[k] == RD_LEVEL ? json_integer(c->level) : json_string(code));
            json_object_set_new(labels, key, json_string(name));
            if (r->dims[k] == RD_UNIT && c->unit_only)
                json_object_set_new(group, "unit_only", json_true());
        }
        json_t *item = counts_json(d, c->num, c->den);
        json_object_set_new(item, "group", group);
        json_object_set_new(item, "labels", labels);
        json_array_append_new(items, item);
    }
    char from[16], to[16];
    time_local_date(r->from, app_pol(a)->tz_offset, true, from, sizeof from);
    time_local_date(r->to - 1, app_pol(a)->tz_offset, true, to, sizeof to);
    json_t *by = json_array();
    for (int k = 0; k < r->ndims; k++)
        json_array_append_new(by, json_string(report_dim_name(r->dims[k])));
    return json_pack("{s:o,s:s,s:s,s:o,s:s?,s:o,s:o}", "indicator", app_report_indicator_json(a, r->ind, en), "from",
                     from, "to", to, "group_by", by, "period", r->period ? report_period_name(r->period) : NULL,
                     "items", items, "total", counts_json(d, rep->num, rep->den));
}

int app_report_export(app *a, const app_report_req *r, const app_report *rep, bool en, sheet_format fmt, buf *out)
{
    const report_def *d = def_of(r->ind);
    const report_ind *pi = &app_pol(a)->reports.ind[r->ind];
    static const char *const dim_zh[RD__COUNT] = {"单位", "投诉类别", "渠道", "级别", "投诉性质", "工单类型"};
    static const char *const dim_en[RD__COUNT] = {"unit", "category", "channel", "level", "nature", "kind"};
    sheet_col cols[2 + 2 * APP_REPORT_DIMS + 3];
    size_t nc = 0;
    if (r->period != RP_NONE)
        cols[nc++] = (sheet_col){en ? "period" : "期间", SHEET_TEXT};
    for (int k = 0; k < r->ndims; k++) {
        if (r->dims[k] == RD_UNIT || r->dims[k] == RD_CATEGORY)
            cols[nc++] = (sheet_col){r->dims[k] == RD_UNIT ? (en ? "unit code" : "单位编码")
                                                           : (en ? "category code" : "类别编码"),
                                     SHEET_TEXT};
        cols[nc++] = (sheet_col){en ? dim_en[r->dims[k]] : dim_zh[r->dims[k]], SHEET_TEXT};
    }
    const char *name = pick(pi->name, pi->name_en, en);
    cols[nc++] = (sheet_col){name, d->rate ? SHEET_PERCENT : SHEET_INT};
    if (d->rate) {
        cols[nc++] = (sheet_col){en ? "numerator" : "分子", SHEET_INT};
        cols[nc++] = (sheet_col){en ? "denominator" : "分母", SHEET_INT};
    }
    sheet *sh = sheet_open(fmt, name, cols, nc);
    for (size_t i = 0; i <= rep->n; i++) {
        bool total = i == rep->n;
        const app_report_cell *c = total ? NULL : &rep->cells[i];
        if (r->period != RP_NONE)
            sheet_text(sh, total ? (en ? "total" : "合计") : c->period);
        for (int k = 0; k < r->ndims; k++) {
            const char *code = "", *label = "";
            if (!total)
                dim_value(a, c, r->dims[k], en, &code, &label);
            else if (k == 0 && r->period == RP_NONE)
                label = en ? "total" : "合计";
            if (r->dims[k] == RD_UNIT || r->dims[k] == RD_CATEGORY)
                sheet_text(sh, code);
            sheet_text(sh, label);
        }
        int64_t num = total ? rep->num : c->num, den = total ? rep->den : c->den;
        if (d->rate) {
            sheet_number(sh, report_value(d, num, den));
            sheet_int(sh, num);
            sheet_int(sh, den);
        } else {
            sheet_int(sh, num);
        }
    }
    char span[64], from[16], to[16];
    time_local_date(r->from, app_pol(a)->tz_offset, true, from, sizeof from);
    time_local_date(r->to - 1, app_pol(a)->tz_offset, true, to, sizeof to);
    snprintf(span, sizeof span, "%s – %s", from, to);
    sheet_note(sh, en ? "period" : "统计期间", span);
    sheet_note(sh, name, pick(pi->definition, pi->definition_en, en));
    if (pi->target == pi->target) {
        char t[32];
        snprintf(t, sizeof t, "%s %.1f %%", d->lower_better ? "≤" : "≥", pi->target * 100);
        sheet_note(sh, en ? "target" : "目标值", t);
    }
    return sheet_close(sh, out);
}

/* ---- satisfaction (core/satisfaction.h) ---------------------------------------------------------- */

const char *const *app_sat_params(void)
{
    static const char *const params[] = {"from",  "to",    "by",     "unit", "unit_only", "category",
                                         "channel", "level", "nature", "kind", "format",    NULL};
    return params;
}

int app_sat_parse(app *a, app_sat_req *s, app_param_fn get, void *ctx, int64_t scope, cerr *e)
{
    memset(s, 0, sizeof *s);
    if (app_report_parse(a, &s->r, "satisfaction_rate", get, ctx, scope, false, e))
        return CERR_USER;
    const char *v = param(get, ctx, "by");
    s->by = v ? sat_by_parse(v) : SAT_UNIT;
    if (s->by < 0)
        return bad(e, "by", "expected unit, staff or question");
    return 0;
}

/* The unit cell of subject unit u, as a report grouped by unit rolls it up. */
static int64_t sat_unit(app *a, const app_report_req *r, int64_t u)
{
    bool self;
    return r->unit_only ? r->root : rollup(app_org(a), r->root, u, &self);
}

int app_sat_run(app *a, const app_sat_req *s, int64_t now, sat_table *t)
{
    sat_init(t, s->by);
    if (s->by == SAT_QUESTION) {
        /* The questions a complaint of the category asked (any: the general ones) come first, in the pack's order. */
        survey_q qs[SURVEY_MAX];
        size_t nq = survey_questions(app_pol(a)->raw, s->r.category, qs, SURVEY_MAX);
        for (size_t i = 0; i < nq; i++)
            sat_group_of(t, 0, qs[i].code);
    }
    report_query q;
    query_scope scope;
    query_init(a, &s->r, now, &q, &scope);
    survey_row *rows;
    size_t n;
    int rc = store_survey_rows(a->db, &q, &rows, &n);
    query_release(&scope);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        json_t *answers = rows[i].answers ? json_loads(rows[i].answers, 0, NULL) : NULL;
        int64_t id = s->by == SAT_UNIT ? sat_unit(a, &s->r, rows[i].unit) : rows[i].staff;
        sat_add(t, id, rows[i].result, answers);
        json_decref(answers);
    }
    store_survey_rows_free(rows, n);
    return 0;
}

/* Order of the groups: by unit and staff by id (nobody last); by question as met. */
static int cmp_groups(const void *pa, const void *pb)
{
    const sat_group *x = *(const sat_group *const *)pa, *y = *(const sat_group *const *)pb;
    if (!x->id != !y->id)
        return !x->id ? 1 : -1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* A person read from the store when no ref function is given (the command line). */
static json_t *user_ref(app *a, int64_t id)
{
    user u = {0};
    if (!id || store_user_get(a->db, NULL, id, &u, NULL) != 0)
        return json_null();
    json_t *j = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)u.id, "username", u.username, "name", u.name);
    user_release(&u);
    return j;
}

/* A question's text in the language asked: a string, or {"zh-CN", "en"}. */
static const char *question_text(const json_t *qt, bool en)
{
    if (json_is_string(qt))
        return json_string_value(qt);
    const char *zh = json_string_value(json_object_get(qt, "zh-CN"));
    const char *e = json_string_value(json_object_get(qt, "en"));
    return pick(zh ? zh : e ? e : "", e, en);
}

/* The group's code (*code) and name (*name, borrowed from the policy or from *person, which the caller drops). */
static void sat_label(app *a, const app_sat_req *s, const sat_group *g, bool en, app_user_ref_fn ref, json_t **person,
                      const char **code, const char **name)
{
    *person = NULL;
    *code = *name = "";
    if (s->by == SAT_UNIT) {
        const unit *u = org_find(app_org(a), g->id);
        *code = u ? u->code : "";
        *name = u ? pick(u->name, u->name_en, en) : "";
    } else if (s->by == SAT_STAFF) {
        *person = (ref ? ref : user_ref)(a, g->id);
        *code = json_string_value(json_object_get(*person, "username"));
        *name = json_string_value(json_object_get(*person, "name"));
        if (!*code)
            *code = "";
        if (!*name)
            *name = en ? "nobody assigned" : "未指定处理人";
    } else {
        survey_q q;
        *code = g->question;
        *name = survey_find(app_pol(a)->raw, g->question, &q) ? question_text(q.question, en) : g->question;
    }
}

/* The counts of g as JSON members of o. */
static json_t *sat_counts(const sat_group *g, json_t *o)
{
    double rate = sat_rate(g), avg = sat_average(g);
    json_object_set_new(o, "reached", json_integer(g->reached));
    json_object_set_new(o, "satisfied", json_integer(g->satisfied));
    json_object_set_new(o, "dissatisfied", json_integer(g->dissatisfied));
    json_object_set_new(o, "rate", rate == rate ? json_real(rate) : json_null());
    json_object_set_new(o, "scores", json_integer(g->scores));
    json_object_set_new(o, "average", avg == avg ? json_real(avg) : json_null());
    json_object_set_new(o, "low", json_integer(g->low));
    return o;
}

/* An option question's options in the pack's order with their counts, then any other answered. */
static json_t *sat_options(app *a, const sat_group *g, bool en)
{
    survey_q q;
    if (!survey_find(app_pol(a)->raw, g->question, &q) || !q.options)
        return NULL;
    json_t *out = json_array(), *seen = json_object();
    size_t i;
    const json_t *o;
    json_array_foreach(q.options, i, o)
    {
        const char *code = json_string_value(json_object_get(o, "code"));
        if (!code)
            continue;
        json_t *name = json_object_get(o, "name");
        const char *label = json_is_string(name) ? json_string_value(name) : question_text(name, en);
        json_array_append_new(out, json_pack("{s:s,s:s,s:I}", "code", code, "name", label ? label : code, "count",
                                             json_integer_value(json_object_get(g->options, code))));
        json_object_set_new(seen, code, json_true());
    }
    const char *code;
    json_t *v;
    json_object_foreach(g->options, code, v)
    {
        if (!json_object_get(seen, code))
            json_array_append_new(out, json_pack("{s:s,s:s,s:I}", "code", code, "name", code, "count",
                                                 json_integer_value(v)));
    }
    json_decref(seen);
    return out;
}

/* The groups in the order they are shown (a new array of pointers into t). */
static const sat_group **sat_order(const app_sat_req *s, const sat_table *t)
{
    const sat_group **out = xcalloc(t->n ? t->n : 1, sizeof *out);
    for (size_t i = 0; i < t->n; i++)
        out[i] = &t->g[i];
    if (s->by != SAT_QUESTION)
        qsort(out, t->n, sizeof *out, cmp_groups);
    return out;
}

json_t *app_sat_json(app *a, const app_sat_req *s, const sat_table *t, bool en, app_user_ref_fn ref)
{
    const char *key = sat_by_name(s->by);
    const sat_group **order = sat_order(s, t);
    json_t *items = json_array();
    for (size_t i = 0; i < t->n; i++) {
        const sat_group *g = order[i];
        json_t *person, *group = json_object(), *labels = json_object();
        const char *code, *name;
        sat_label(a, s, g, en, ref, &person, &code, &name);
        json_object_set_new(group, key, s->by == SAT_STAFF ? json_integer(g->id) : json_string(code));
        if (s->by == SAT_UNIT && g->id == s->r.root && g->id)
            json_object_set_new(group, "unit_only", json_true());
        json_object_set_new(labels, key, json_string(name));
        json_t *item = sat_counts(g, json_pack("{s:o,s:o}", "group", group, "labels", labels));
        if (s->by == SAT_STAFF)
            json_object_set(item, "staff", person);
        json_t *opts = s->by == SAT_QUESTION ? sat_options(a, g, en) : NULL;
        if (opts)
            json_object_set_new(item, "options", opts);
        json_decref(person);
        json_array_append_new(items, item);
    }
    free(order);
    char from[16], to[16];
    time_local_date(s->r.from, app_pol(a)->tz_offset, true, from, sizeof from);
    time_local_date(s->r.to - 1, app_pol(a)->tz_offset, true, to, sizeof to);
    return json_pack("{s:s,s:s,s:s,s:o,s:o}", "by", key, "from", from, "to", to, "items", items, "total",
                     sat_counts(&t->total, json_object()));
}

sheet *app_sat_sheet(app *a, const app_sat_req *s, const sat_table *t, bool en, app_user_ref_fn ref, sheet_format fmt)
{
    static const char *const code_zh[] = {"单位编码", "用户名", "问题编码"}, *const code_en[] = {"unit code", "username", "question code"};
    static const char *const name_zh[] = {"单位", "处理人", "问题"}, *const name_en[] = {"unit", "staff", "question"};
    const sheet_col cols[] = {
        {en ? code_en[s->by] : code_zh[s->by], SHEET_TEXT},
        {en ? name_en[s->by] : name_zh[s->by], SHEET_TEXT},
        {en ? "revisits reached" : "回访成功数", SHEET_INT},
        {en ? "satisfied" : "满意及基本满意", SHEET_INT},
        {en ? "dissatisfied" : "不满意", SHEET_INT},
        {en ? "satisfaction rate" : "满意率", SHEET_PERCENT},
        {en ? "average score" : "平均分", SHEET_NUMBER},
        {en ? "low scores (≤ 2)" : "低分数（≤2分）", SHEET_INT},
    };
    sheet *sh = sheet_open(fmt, en ? "satisfaction" : "满意度分析", cols, sizeof cols / sizeof cols[0]);
    const sat_group **order = sat_order(s, t);
    for (size_t i = 0; i <= t->n; i++) {
        const sat_group *g = i < t->n ? order[i] : &t->total;
        json_t *person = NULL;
        const char *code = "", *name = en ? "total" : "合计";
        if (i < t->n)
            sat_label(a, s, g, en, ref, &person, &code, &name);
        sheet_text(sh, code);
        sheet_text(sh, name);
        json_decref(person);
        sheet_int(sh, g->reached);
        sheet_int(sh, g->satisfied);
        sheet_int(sh, g->dissatisfied);
        sheet_number(sh, sat_rate(g));
        sheet_number(sh, sat_average(g));
        sheet_int(sh, g->low);
    }
    free(order);
    char span[64], from[16], to[16];
    time_local_date(s->r.from, app_pol(a)->tz_offset, true, from, sizeof from);
    time_local_date(s->r.to - 1, app_pol(a)->tz_offset, true, to, sizeof to);
    snprintf(span, sizeof span, "%s – %s", from, to);
    sheet_note(sh, en ? "period" : "统计期间", span);
    sheet_note(sh, en ? "satisfaction rate" : "满意率",
               en ? "Satisfied or basically satisfied ÷ revisits that reached the customer (the last revisit of each "
                    "complaint received in the period)."
                  : "满意及基本满意 ÷ 回访联系上的工单（期间内受理的工单的最后一次回访）。");
    return sh;
}
