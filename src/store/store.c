/*
 * store: URL dispatch, the named operations (each calls its backend's
 * entry in the table of backend.h) and the shared release helpers. See
 * store.h.
 */
#include "store/store.h"
#include "store/backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/workflow.h"
#include "store/pg.h"
#include "store/sqlite.h"
#include "util/timeutil.h"

store *store_open(const char *url, char *err, size_t errlen)
{
    return store_open_with(url, NULL, err, errlen);
}

store *store_open_with(const char *url, const store_options *opt, char *err, size_t errlen)
{
    store_options def = {0};
    if (!opt)
        opt = &def;
    if (strncmp(url, "sqlite:", 7) == 0)
        return sqlite_store_open(url + 7, err, errlen);
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        return pg_store_open(url, opt, err, errlen);
    snprintf(err, errlen, "unknown database URL (expected sqlite:PATH or postgresql://…)");
    return NULL;
}

void store_roles_text(unsigned roles, char *out, size_t n)
{
    out[0] = '\0';
    for (unsigned bit = 1; bit <= R_ADMIN; bit <<= 1) {
        if (!(roles & bit))
            continue;
        if (out[0])
            strncat(out, ",", n - strlen(out) - 1);
        strncat(out, role_name(bit), n - strlen(out) - 1);
    }
}

unsigned store_roles_parse(const char *text)
{
    unsigned roles = 0;
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%s", text ? text : "");
    char *save = NULL;
    for (char *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save))
        roles |= role_parse(t);
    return roles;
}

void store_tables_release(store_table *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < t[i].ncols; k++)
            free(t[i].cols[k]);
        free(t[i].cols);
        free(t[i].name);
    }
    free(t);
}

void store_close(store *s)
{
    if (s)
        s->ops->close(s);
}

void user_release(user *u)
{
    free(u->username);
    free(u->name);
    memset(u, 0, sizeof *u);
}

void user_list_release(user_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        user_release(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void token_list_release(token_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].name);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void complaint_page_release(complaint_page *p)
{
    for (size_t i = 0; i < p->n; i++)
        complaint_release(&p->items[i]);
    free(p->items);
    p->items = NULL;
    p->n = 0;
}

void event_list_release(event_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        event_release(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void outbox_list_release(outbox_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].payload);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void pack_version_release(pack_version *v)
{
    free(v->reason);
    free(v->pack);
    memset(v, 0, sizeof *v);
}

void pack_version_list_release(pack_version_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        pack_version_release(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void supervision_list_release(supervision_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].note);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void penalty_list_release(penalty_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].role_name);
        free(l->items[i].person);
        free(l->items[i].waive_reason);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void compensation_list_release(compensation_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].reason);
        free(l->items[i].decision);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void audit_page_release(audit_page *p)
{
    for (size_t i = 0; i < p->n; i++) {
        audit_row *r = &p->items[i];
        free(r->action);
        free(r->subject);
        free(r->customer);
        free(r->ip);
        free(r->detail);
    }
    free(p->items);
    memset(p, 0, sizeof *p);
}

void store_login_next(bool ok, int64_t now, int max_failures, int64_t lockout_seconds, int *failures,
                      int64_t *locked_until)
{
    if (ok) {
        *failures = 0;
        *locked_until = 0;
    } else if (++*failures >= max_failures && max_failures > 0) {
        *failures = 0;
        *locked_until = now + lockout_seconds;
    }
}

void store_day_stats_add(day_stat *days, int64_t from_day, int64_t to_day, int tz, int64_t received_at,
                         int64_t closed_at, int64_t overall_due, bool first_contact)
{
    int64_t d = time_local_day(received_at, tz);
    if (d >= from_day && d <= to_day)
        days[d - from_day].received++;
    if (!closed_at)
        return;
    d = time_local_day(closed_at, tz);
    if (d < from_day || d > to_day)
        return;
    day_stat *ds = &days[d - from_day];
    ds->closed++;
    if (!overall_due || closed_at <= overall_due)
        ds->closed_on_time++;
    if (first_contact)
        ds->first_contact++;
}

/* ---- the named operations ------------------------------------------------- */

const char *store_name(store *s)
{
    return s->ops->name;
}

int store_migrate(store *s)
{
    return s->ops->migrate(s);
}

int store_complaint_create(store *s, const char *prefix, int tz_offset, event *ev, complaint *c)
{
    return s->ops->complaint_create(s, prefix, tz_offset, ev, c);
}

int store_complaint_update(store *s, const complaint *was, const complaint *c, const event *ev, int tz_offset)
{
    return s->ops->complaint_update(s, was, c, ev, tz_offset);
}

int store_complaint_get(store *s, int64_t id, const char *number, complaint *out)
{
    return s->ops->complaint_get(s, id, number, out);
}

int store_complaint_list(store *s, const complaint_filter *f, complaint_page *out)
{
    return s->ops->complaint_list(s, f, out);
}

int store_event_list(store *s, int64_t complaint_id, event_list *out)
{
    return s->ops->event_list(s, complaint_id, out);
}

int store_complaint_ids(store *s, int (*fn)(int64_t id, void *arg), void *arg)
{
    return s->ops->complaint_ids(s, fn, arg);
}

int store_complaint_count(store *s, int64_t *n)
{
    return s->ops->complaint_count(s, n);
}

int store_stats_days(store *s, int64_t from_day, int64_t to_day, day_stat **out, size_t *n)
{
    return s->ops->stats_days(s, from_day, to_day, out, n);
}

int store_stats_status(store *s, int64_t counts[ST__COUNT], int64_t now, int64_t *overdue)
{
    return s->ops->stats_status(s, counts, now, overdue);
}

int store_schema_version(store *s, int *version /* OUT */)
{
    return s->ops->schema_version(s, version);
}

int store_tables(store *s, store_table **out, size_t *n)
{
    return s->ops->tables(s, out, n);
}

int store_rows_dump(store *s, const store_table *t, int (*fn)(const store_value *row, void *arg), void *arg)
{
    return s->ops->rows_dump(s, t, fn, arg);
}

int store_rows_load(store *s, const store_table *t, const store_value *rows, size_t nrows)
{
    return s->ops->rows_load(s, t, rows, nrows);
}

int store_rows_count(store *s, const char *table, int64_t *n)
{
    return s->ops->rows_count(s, table, n);
}

int store_complaint_due(store *s, int64_t now, int64_t after_key, int64_t after_id, int max, int64_t *ids, int64_t *keys, size_t *n)
{
    return s->ops->complaint_due(s, now, after_key, after_id, max, ids, keys, n);
}

int store_complaint_write(store *s, store_write *w, size_t n, int tz_offset)
{
    return s->ops->complaint_write(s, w, n, tz_offset);
}

void store_write_burst(store *s, bool begin)
{
    if (s->ops->write_burst)
        s->ops->write_burst(s, begin);
}

int store_complaint_create_keyed(store *s, const char *prefix, int tz_offset, event *ev, complaint *c, pii_keyrow *k)
{
    return s->ops->complaint_create_keyed(s, prefix, tz_offset, ev, c, k);
}

int store_pii_keys_get(store *s, pii_keyrow *rows, size_t n)
{
    return s->ops->pii_keys_get(s, rows, n);
}

int store_complaint_erase(store *s, const complaint *was, const complaint *c, const event *ev, int tz_offset)
{
    return s->ops->complaint_erase(s, was, c, ev, tz_offset);
}

int store_pii_keys_page(store *s, const char *key_id, int64_t after_id, int max, pii_keyrow *out, size_t *n)
{
    return s->ops->pii_keys_page(s, key_id, after_id, max, out, n);
}

int store_pii_keys_rewrap(store *s, pii_keyrow *rows, size_t n)
{
    return s->ops->pii_keys_rewrap(s, rows, n);
}

int store_retention_due(store *s, int64_t closed_before, int64_t after_id, int max, int64_t *ids, size_t *n)
{
    return s->ops->retention_due(s, closed_before, after_id, max, ids, n);
}

int store_backup(store *s, const char *path)
{
    return s->ops->backup(s, path);
}

int store_audit_append(store *s, audit_row *r /* IN; OUT: seq, prev, hash */)
{
    return s->ops->audit_append(s, r);
}

int store_audit_list(store *s, const audit_filter *f, audit_page *out)
{
    return s->ops->audit_list(s, f, out);
}

int store_stats_scope(store *s, const int64_t *units, size_t n, int64_t now, int tz, int64_t from_day, int64_t to_day, int64_t counts[ST__COUNT], int64_t *overdue, day_stat **days)
{
    return s->ops->stats_scope(s, units, n, now, tz, from_day, to_day, counts, overdue, days);
}
