/* duty: see duty.h. */
#include "app/duty.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/notify.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

int app_people_load(app *a, int64_t at, app_people *p)
{
    memset(p, 0, sizeof *p);
    p->at = at;
    int rc = store_user_list(a->db, &p->users);
    if (rc == 0)
        rc = store_duty_at(a->db, at, &p->duty);
    if (rc)
        app_people_release(p);
    return rc;
}

void app_people_release(app_people *p)
{
    user_list_release(&p->users);
    duty_list_release(&p->duty);
}

const user *app_people_user(const app_people *p, int64_t id)
{
    for (size_t i = 0; id && i < p->users.n; i++)
        if (p->users.items[i].id == id)
            return p->users.items[i].active ? &p->users.items[i] : NULL;
    return NULL;
}

size_t app_people_with_role(const app *a, const app_people *p, int64_t unit_id, unsigned role, const user **out,
                            size_t max)
{
    for (int depth = 0; unit_id && depth < 64; depth++) {
        size_t n = 0;
        for (size_t i = 0; i < p->users.n && n < max; i++) {
            const user *u = &p->users.items[i];
            if (u->active && (u->roles & role) && u->unit == unit_id)
                out[n++] = u;
        }
        if (n)
            return n;
        const unit *up = org_find(app_org(a), unit_id);
        unit_id = up ? up->parent : 0;
    }
    return 0;
}

int64_t app_people_on_duty(const app *a, const app_people *p, int64_t unit_id)
{
    if (!p->duty.n)
        return 0;
    const policy *pol = app_pol(a);
    const calendar *cal = sla_calendar(&pol->sla, rules_unit_calendar(&pol->rules, app_org(a), unit_id));
    int64_t id = duty_escalation(cal, app_org(a), p->duty.items, p->duty.n, unit_id, p->at);
    return app_people_user(p, id) ? id : 0;
}

/* Appends the row telling u on channel (key: "<prefix>user<id>/<channel>"), unless u cannot be told so. */
static void person_row(const user *u, const char *channel, int64_t at, const char *prefix, outbox_msg **rows, size_t *n)
{
    if ((strcmp(channel, "sms") == 0 && !u->phone) ||
        (strcmp(channel, "email") == 0 && (!u->email || !(u->notify & NOTIFY_EMAIL))))
        return;
    for (size_t i = 0; i < *n; i++) /* two roles held by one person: one message */
        if ((*rows)[i].recipient_user == u->id && strcmp((*rows)[i].channel, channel) == 0)
            return;
    *rows = xrealloc(*rows, (*n + 1) * sizeof **rows);
    outbox_msg *m = &(*rows)[(*n)++];
    memset(m, 0, sizeof *m);
    m->created_at = at;
    snprintf(m->channel, sizeof m->channel, "%s", channel);
    m->recipient_user = u->id;
    snprintf(m->key, sizeof m->key, "%suser%lld/%s", prefix, (long long)u->id, channel);
}

void app_people_notify(const app *a, const app_people *p, const rule_reach *reach, const int64_t *role_units,
                       bool email, int64_t unit_id, outbox_msg **rows, size_t *n)
{
    for (size_t r = 0; r < reach->nroles; r++) {
        const user *who[16];
        size_t k = app_people_with_role(a, p, role_units[r], reach->roles[r].role, who, sizeof who / sizeof who[0]);
        for (size_t i = 0; i < k; i++) {
            if (reach->channels & RN_SMS)
                person_row(who[i], "sms", p->at, "", rows, n);
            if (email && (reach->channels & RN_EMAIL))
                person_row(who[i], "email", p->at, "", rows, n);
        }
    }
    const user *duty = reach->nroles ? app_people_user(p, app_people_on_duty(a, p, unit_id)) : NULL;
    if (duty) {
        person_row(duty, "sms", p->at, "duty/", rows, n);
        person_row(duty, "internal", p->at, "duty/", rows, n);
    }
}

void app_people_fill(outbox_msg *rows, size_t n, int64_t complaint_id, const char *template_name, const char *payload,
                     const char *key_base)
{
    size_t base_len = strlen(key_base);
    for (size_t i = 0; i < n; i++) {
        outbox_msg *m = &rows[i];
        /* Completed once: a unit of work that is tried again (its rows made again) keeps the same keys. */
        if (strncmp(m->key, key_base, base_len) != 0 || m->key[base_len] != '/') {
            char suffix[sizeof m->key];
            snprintf(suffix, sizeof suffix, "%s", m->key);
            snprintf(m->key, sizeof m->key, "%s/%s", key_base, suffix);
        }
        m->complaint_id = complaint_id;
        snprintf(m->template_name, sizeof m->template_name, "%s", template_name);
        free(m->payload);
        m->payload = xstrdup(payload);
    }
}

int app_duty_list(app *a, int64_t unit_id, duty_list *out)
{
    return store_duty_list(a->db, unit_id, out);
}

/* One entry of the body at index i into d. */
static int parse_entry(app *a, const json_t *v, size_t i, duty_entry *d, cerr *e)
{
    char f[48];
    snprintf(f, sizeof f, "entries[%zu]", i);
    if (!json_is_object(v))
        return cerr_set(e, "validation_failed", f, "%s: 应为 {user, from, to} (expected {user, from, to})", f);
    static const char *const known[] = {"user", "from", "to", NULL};
    if (cerr_members(e, v, f, known))
        return CERR_USER;
    snprintf(f, sizeof f, "entries[%zu].user", i);
    int rc = app_active_user(a, json_object_get(v, "user"), f, &d->user, e);
    if (rc)
        return rc;
    const char *names[] = {"from", "to"};
    int64_t *at[] = {&d->from, &d->to};
    for (size_t k = 0; k < 2; k++) {
        snprintf(f, sizeof f, "entries[%zu].%s", i, names[k]);
        const char *s = json_string_value(json_object_get(v, names[k]));
        if (!s || time_parse_rfc3339(s, at[k]))
            return cerr_set(e, "validation_failed", f, "%s: 应为 RFC 3339 时间 (expected an RFC 3339 instant)", f);
    }
    return 0;
}

int app_duty_set(app *a, int64_t unit_id, const json_t *entries, duty_list *out, cerr *e)
{
    if (!json_is_array(entries))
        return cerr_set(e, "validation_failed", "entries", "entries: 应为数组 (expected an array)");
    size_t n = json_array_size(entries);
    if (n > DUTY_MAX_ENTRIES)
        return duty_check(NULL, n, e); /* too many, said once */
    duty_entry *d = xcalloc(n + 1, sizeof *d);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        d[i].unit = unit_id;
        rc = parse_entry(a, json_array_get(entries, i), i, &d[i], e);
    }
    if (!rc)
        rc = duty_check(d, n, e);
    if (!rc)
        rc = store_duty_set(a->db, unit_id, d, n);
    if (!rc)
        rc = store_duty_list(a->db, unit_id, out);
    free(d);
    return rc;
}
