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

#include "store/pg.h"
#include "store/sqlite.h"
#include "util/timeutil.h"

/* Releases each item of the list l with release, then the array. */
#define LIST_RELEASE(l, release)                                                                                       \
    do {                                                                                                               \
        for (size_t i_ = 0; i_ < (l)->n; i_++)                                                                         \
            release(&(l)->items[i_]);                                                                                  \
        free((l)->items);                                                                                              \
        (l)->items = NULL;                                                                                             \
        (l)->n = 0;                                                                                                    \
    } while (0)

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
    free(u->email);
    free(u->phone);
    memset(u, 0, sizeof *u);
}

void user_list_release(user_list *l)
{
    LIST_RELEASE(l, user_release);
}

void webhook_release(webhook *w)
{
    free(w->url);
    free(w->secret);
    memset(w, 0, sizeof *w);
}

void webhook_list_release(webhook_list *l)
{
    LIST_RELEASE(l, webhook_release);
}

void import_mapping_release(import_mapping *m)
{
    free(m->mapping);
    memset(m, 0, sizeof *m);
}

void import_mapping_list_release(import_mapping_list *l)
{
    LIST_RELEASE(l, import_mapping_release);
}

void token_release(token *t)
{
    free(t->name);
    t->name = NULL;
}

void token_list_release(token_list *l)
{
    LIST_RELEASE(l, token_release);
}

void complaint_page_release(complaint_page *p)
{
    LIST_RELEASE(p, complaint_release);
}

void event_list_release(event_list *l)
{
    LIST_RELEASE(l, event_release);
}

void attachment_release(attachment *a)
{
    free(a->name);
    free(a->removed_reason);
    a->name = a->removed_reason = NULL;
}

void attachment_list_release(attachment_list *l)
{
    LIST_RELEASE(l, attachment_release);
}

void pack_version_release(pack_version *v)
{
    free(v->reason);
    free(v->pack);
    memset(v, 0, sizeof *v);
}

void pack_version_list_release(pack_version_list *l)
{
    LIST_RELEASE(l, pack_version_release);
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

int store_rows_dump(store *s, const store_table *t, int (*fn)(const store_value *row, void *arg), void *arg)
{
    return s->ops->rows_dump(s, t, fn, arg);
}

void store_write_burst(store *s, bool begin)
{
    if (s->ops->write_burst)
        s->ops->write_burst(s, begin);
}

int store_backup(store *s, const char *path)
{
    return s->ops->backup(s, path);
}
