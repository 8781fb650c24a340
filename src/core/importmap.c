/* importmap: see importmap.h. */
#include "core/importmap.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonw.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* The fields a mapping may fill: the intake body's, then a historical complaint's outcome. */
static const char *const known[] = {
    "channel",        "received_at",    "occurred_at",    "promised_at",   "subject_unit",     "subject_staff",
    "category",       "place",          "description",    "demand",        "level",            "kind",
    "customer.name",  "customer.phone", "customer.email", "customer.class", "customer.address", "customer.plate",
    "customer.card_no", "customer.account_no", "closed_at", "nature",      "on_time",          NULL};

static bool is_time_field(const char *f)
{
    return !strcmp(f, "received_at") || !strcmp(f, "occurred_at") || !strcmp(f, "promised_at") ||
           !strcmp(f, "closed_at");
}

typedef struct mfield {
    const char *name; /* one of known */
    const char *column; /* borrowed from the mapping; NULL: a default only */
    long col;           /* the header's index, -1 unbound */
    const json_t *values, *def;
    const char **formats;
    size_t nformats;
} mfield;

struct importmap {
    json_t *m; /* the mapping, kept: every string above points into it */
    const char *key;
    long key_col;
    mfield f[sizeof known / sizeof known[0]];
    size_t n;
};

static const char *known_name(const char *s)
{
    for (size_t i = 0; known[i]; i++)
        if (strcmp(known[i], s) == 0)
            return known[i];
    return NULL;
}

static mfield *field_of(importmap *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->f[i].name, name) == 0)
            return &m->f[i];
    assert(known_name(name) && m->n < sizeof m->f / sizeof m->f[0]);
    m->f[m->n] = (mfield){.name = known_name(name), .col = -1};
    return &m->f[m->n++];
}

/* The members of section (an object of FIELD: …) checked against known, each handed to fn. */
static int section(importmap *m, const char *sec, int (*fn)(mfield *f, const json_t *v, const char *path, cerr *e),
                   cerr *e)
{
    const json_t *o = json_object_get(m->m, sec);
    if (!o)
        return 0;
    if (!json_is_object(o))
        return cerr_set(e, "validation_failed", sec, "%s: 应为对象 (must be an object)", sec);
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        char path[96];
        snprintf(path, sizeof path, "%s.%s", sec, k);
        const char *name = known_name(k);
        if (!name)
            return cerr_set(e, CERR_UNKNOWN_FIELD, path, "%s: 未知字段 (unknown field)", path);
        if (fn(field_of(m, name), v, path, e))
            return CERR_USER;
    }
    return 0;
}

static int take_column(mfield *f, const json_t *v, const char *path, cerr *e)
{
    if (!json_is_string(v) || !*json_string_value(v))
        return cerr_set(e, "validation_failed", path, "%s: 应为列名 (must be a column's name)", path);
    f->column = json_string_value(v);
    return 0;
}

static int take_values(mfield *f, const json_t *v, const char *path, cerr *e)
{
    const char *k;
    const json_t *x;
    if (!json_is_object(v))
        return cerr_set(e, "validation_failed", path, "%s: 应为对象 (must be an object of file value: code)", path);
    json_object_foreach((json_t *)v, k, x) if (!json_is_string(x) && !json_is_integer(x) && !json_is_boolean(x))
        return cerr_set(e, "validation_failed", path, "%s.%s: 应为文本、整数或布尔值 (must be text, a whole number or a boolean)",
                        path, k);
    f->values = v;
    return 0;
}

static int take_default(mfield *f, const json_t *v, const char *path, cerr *e)
{
    if (!json_is_string(v) && !json_is_integer(v) && !json_is_boolean(v))
        return cerr_set(e, "validation_failed", path, "%s: 应为文本、整数或布尔值 (must be text, a whole number or a boolean)",
                        path);
    f->def = v;
    return 0;
}

/* Only %Y %m %d %H %M %S %% as directives, and a year. */
static bool format_ok(const char *fmt)
{
    for (const char *f = fmt; *f; f++)
        if (*f == '%' && (!*++f || !strchr("YmdHMS%", *f)))
            return false;
    return strstr(fmt, "%Y") != NULL;
}

static int take_formats(mfield *f, const json_t *v, const char *path, cerr *e)
{
    if (!is_time_field(f->name))
        return cerr_set(e, "validation_failed", path, "%s: 不是时间字段 (not a date or time field)", path);
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    if ((!json_is_array(v) && !json_is_string(v)) || n == 0 || n > 16)
        return cerr_set(e, "validation_failed", path, "%s: 应为格式或 1–16 个格式的列表 (a format or a list of 1–16)", path);
    free(f->formats);
    f->formats = xcalloc(n, sizeof *f->formats);
    f->nformats = n;
    for (size_t i = 0; i < n; i++) {
        const json_t *s = json_is_array(v) ? json_array_get(v, i) : v;
        if (!json_is_string(s) || !format_ok(json_string_value(s)))
            return cerr_set(e, "validation_failed", path, "%s: 格式只能含 %%Y %%m %%d %%H %%M %%S 和文字 (only %%Y %%m %%d %%H %%M %%S and text)",
                            path);
        f->formats[i] = json_string_value(s);
    }
    return 0;
}

importmap *importmap_parse(const json_t *mj, cerr *e)
{
    static const char *const members[] = {"key", "fields", "values", "defaults", "formats", NULL};
    if (!json_is_object(mj)) {
        cerr_set(e, "bad_json", "", "映射应为 JSON 对象 (the mapping must be a JSON object)");
        return NULL;
    }
    if (cerr_members(e, mj, NULL, members))
        return NULL;
    importmap *m = xcalloc(1, sizeof *m);
    m->m = json_incref((json_t *)mj);
    m->key_col = -1;
    const json_t *key = json_object_get(mj, "key");
    if (!json_is_string(key) || !*json_string_value(key)) {
        cerr_set(e, "validation_failed", "key", "key: 必填，行键所在的列名 (required: the column of the row key)");
        goto fail;
    }
    m->key = json_string_value(key);
    if (!json_is_object(json_object_get(mj, "fields"))) {
        cerr_set(e, "validation_failed", "fields", "fields: 必填，字段到列名的对象 (required: an object of field: column)");
        goto fail;
    }
    if (section(m, "fields", take_column, e) || section(m, "values", take_values, e) ||
        section(m, "defaults", take_default, e) || section(m, "formats", take_formats, e))
        goto fail;
    for (size_t i = 0; i < m->n; i++)
        if (!m->f[i].column && !m->f[i].def) {
            char path[96];
            snprintf(path, sizeof path, "fields.%s", m->f[i].name);
            cerr_set(e, "validation_failed", path, "%s: 有值映射或格式却没有列或默认值 (no column and no default)", path);
            goto fail;
        }
    if (!field_of(m, "closed_at")->column && !field_of(m, "closed_at")->def &&
        (field_of(m, "nature")->column || field_of(m, "nature")->def)) {
        cerr_set(e, "validation_failed", "fields.closed_at", "fields.closed_at: 有 nature 须有 closed_at (nature needs closed_at)");
        goto fail;
    }
    return m;
fail:
    importmap_free(m);
    return NULL;
}

void importmap_free(importmap *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        free(m->f[i].formats);
    json_decref(m->m);
    free(m);
}

static long find_col(const char *const *header, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        const char *h = header[i];
        while (isspace((unsigned char)*h))
            h++;
        size_t len = strlen(h);
        while (len && isspace((unsigned char)h[len - 1]))
            len--;
        if (len == strlen(name) && memcmp(h, name, len) == 0)
            return (long)i;
    }
    return -1;
}

int importmap_bind(importmap *m, const char *const *header, size_t n, cerr *e)
{
    if ((m->key_col = find_col(header, n, m->key)) < 0)
        return cerr_set(e, "validation_failed", m->key, "key: 表头没有列 \"%s\" (the header has no column \"%s\")", m->key,
                        m->key);
    for (size_t i = 0; i < m->n; i++) {
        mfield *f = &m->f[i];
        if (f->column && (f->col = find_col(header, n, f->column)) < 0)
            return cerr_set(e, "validation_failed", f->column, "fields.%s: 表头没有列 \"%s\" (the header has no column \"%s\")",
                            f->name, f->column, f->column);
    }
    return 0;
}

const char *importmap_column(const importmap *m, const char *field)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->f[i].name, field) == 0)
            return m->f[i].column;
    return NULL;
}

/* Up to max digits at *s (at least one) into *v. */
static int digits(const char **s, int max, int *v)
{
    int n = 0;
    *v = 0;
    while (n < max && isdigit((unsigned char)**s)) {
        *v = *v * 10 + (**s - '0');
        (*s)++;
        n++;
    }
    return n ? 0 : -1;
}

int importmap_time(const char *s, const char *fmt, int tz_min, int64_t *out)
{
    int y = -1, mo = 1, d = 1, h = 0, mi = 0, se = 0;
    const char *p = s;
    while (isspace((unsigned char)*p))
        p++;
    for (const char *f = fmt; *f; f++) {
        if (*f == '%') {
            f++;
            int rc;
            switch (*f) {
            case 'Y': rc = digits(&p, 4, &y); break;
            case 'm': rc = digits(&p, 2, &mo); break;
            case 'd': rc = digits(&p, 2, &d); break;
            case 'H': rc = digits(&p, 2, &h); break;
            case 'M': rc = digits(&p, 2, &mi); break;
            case 'S': rc = digits(&p, 2, &se); break;
            case '%': rc = *p == '%' ? (p++, 0) : -1; break;
            default: return -1;
            }
            if (rc)
                return -1;
        } else if (*f == ' ') { /* one space in the format: any run of white space, or none before the end */
            while (isspace((unsigned char)*p))
                p++;
        } else if (*p++ != *f) {
            return -1;
        }
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p || y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59)
        return -1;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
        return -1;
    *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se - (int64_t)tz_min * 60;
    return 0;
}

static int parse_when(const mfield *f, const char *s, int tz, int64_t *t)
{
    for (size_t i = 0; i < f->nformats; i++)
        if (importmap_time(s, f->formats[i], tz, t) == 0)
            return 0;
    static const char *const fallback[] = {"%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", NULL};
    for (size_t i = 0; fallback[i]; i++)
        if (importmap_time(s, fallback[i], tz, t) == 0)
            return 0;
    return time_parse_rfc3339(s, t);
}

/* Sets body's member at path ("customer.name") to v (stolen). */
static void put(json_t *body, const char *path, json_t *v)
{
    const char *dot = strchr(path, '.');
    if (!dot) {
        json_object_set_new(body, path, v);
        return;
    }
    char head[32];
    snprintf(head, sizeof head, "%.*s", (int)(dot - path), path);
    json_t *o = json_object_get(body, head);
    if (!o) {
        o = json_object();
        json_object_set_new(body, head, o);
    }
    json_object_set_new(o, dot + 1, v);
}

/* Where a field's problem is reported: its column, or the field itself for a default. */
static int bad(cerr *e, const mfield *f, const char *fmt, const char *v)
{
    return cerr_set(e, "validation_failed", f->column ? f->column : f->name, fmt, f->name, v);
}

static int take_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "TRUE", "1", "yes", "Y", "y", "是", "按时", "及时", NULL};
    static const char *const no[] = {"false", "FALSE", "0", "no", "N", "n", "否", "超时", "逾期", NULL};
    for (size_t i = 0; yes[i]; i++)
        if (strcmp(s, yes[i]) == 0)
            return *out = true, 0;
    for (size_t i = 0; no[i]; i++)
        if (strcmp(s, no[i]) == 0)
            return *out = false, 0;
    return -1;
}

/* One field's value into out: the body, or the closing. */
static int one_field(const mfield *f, const char *const *cells, size_t n, int tz, importmap_row *out, cerr *e)
{
    const char *cell = f->col >= 0 && (size_t)f->col < n ? cells[f->col] : "";
    while (isspace((unsigned char)*cell))
        cell++;
    const json_t *v = NULL; /* a value map's or default's */
    if (*cell && f->values)
        v = json_object_get(f->values, cell);
    if (!*cell && f->def)
        v = f->def;
    if (!*cell && !v)
        return 0;
    char num[32];
    const char *s = cell;
    if (json_is_string(v))
        s = json_string_value(v);
    else if (json_is_integer(v))
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v)), s = num;
    if (strcmp(f->name, "on_time") == 0) {
        bool b;
        if (json_is_boolean(v))
            b = json_is_true(v);
        else if (take_bool(s, &b))
            return bad(e, f, "%s: \"%s\" 不是是/否 (not a yes or no)", s);
        if (!out->closing)
            out->closing = json_object();
        json_object_set_new(out->closing, "on_time", json_boolean(b));
        return 0;
    }
    if (is_time_field(f->name)) {
        int64_t t;
        if (parse_when(f, s, tz, &t))
            return bad(e, f, "%s: \"%s\" 不是可识别的时间 (not a date or time in the mapping's formats)", s);
        if (strcmp(f->name, "closed_at") == 0) {
            out->closed_at = t;
            if (!out->closing)
                out->closing = json_object();
            return 0;
        }
        if (strcmp(f->name, "received_at") == 0)
            out->received_at = t;
        char iso[40];
        time_format(t, tz, iso, sizeof iso);
        put(out->body, f->name, json_string(iso));
        return 0;
    }
    if (strcmp(f->name, "nature") == 0) {
        if (!out->closing)
            out->closing = json_object();
        json_object_set_new(out->closing, "nature", json_string(s));
        return 0;
    }
    if (strcmp(f->name, "level") == 0) {
        char *end;
        long l = strtol(s, &end, 10);
        if (end == s || *end || l < 1 || l > 9)
            return bad(e, f, "%s: \"%s\" 不是等级 (not a level)", s);
        put(out->body, f->name, json_integer(l));
        return 0;
    }
    put(out->body, f->name, json_string(s));
    return 0;
}

int importmap_row_make(const importmap *m, const char *const *cells, size_t n, int tz_min, importmap_row *out,
                       cerr *e)
{
    memset(out, 0, sizeof *out);
    out->body = json_object();
    out->key = m->key_col >= 0 && (size_t)m->key_col < n ? cells[m->key_col] : "";
    if (!*out->key)
        return cerr_set(e, "validation_failed", m->key, "%s: 行键为空 (the row key is empty)", m->key);
    if (strlen(out->key) > 200)
        return cerr_set(e, "validation_failed", m->key, "%s: 行键超过 200 字节 (the row key is longer than 200 bytes)",
                        m->key);
    for (size_t i = 0; i < m->n; i++)
        if (one_field(&m->f[i], cells, n, tz_min, out, e))
            return CERR_USER;
    if (out->closing && !out->closed_at) {
        const char *col = importmap_column(m, "closed_at");
        return cerr_set(e, "validation_failed", col ? col : "closed_at",
                        "closed_at: 结果已填而结案时间为空 (an outcome without the closing time)");
    }
    if (out->closing && !json_object_get(out->closing, "nature")) {
        const char *col = importmap_column(m, "nature");
        return cerr_set(e, "validation_failed", col ? col : "nature", "nature: 已结案须填性质 (a closed complaint needs its nature)");
    }
    return 0;
}

void importmap_row_release(importmap_row *r)
{
    json_decref(r->body);
    json_decref(r->closing);
    memset(r, 0, sizeof *r);
}
