/*
 * duty: the people a notification reaches by name — the users of a unit
 * holding a role, or of the nearest unit above that has one (the pack's
 * notify.roles, the sweep's supervisor), and the person on duty when a
 * message is created outside the working time of its unit (core/duty.h,
 * 000 第十四条: 夜间若有紧急情况，也必须及时通知到人) — and the on-duty
 * rosters of units as administrators set them (migration 028).
 *
 * Everything a decision needs is read before the transaction that writes
 * the rows (app_people_load), so rows go out with their event.
 */
#ifndef REDRESS_APP_DUTY_H
#define REDRESS_APP_DUTY_H

#include "app/app.h"
#include "core/duty.h"
#include "core/rules.h"

/* Who may be told at one instant: every user, and the duty entries covering at. */
typedef struct app_people {
    user_list users;
    duty_list duty;
    int64_t at;
} app_people;

/* Reads p (from scratch) at instant at. 0 or a STORE_* code (then p is empty). */
int app_people_load(app *a, int64_t at, app_people *p);
void app_people_release(app_people *p);

/*
 * The active users holding role at unit_id, or at the nearest unit above
 * it that has any: up to max pointers into p->users (borrowed) in out;
 * returns how many. The caller holds a snapshot (app_enter).
 */
size_t app_people_with_role(const app *a, const app_people *p, int64_t unit_id, unsigned role, const user **out,
                            size_t max);

/*
 * The person on duty (an active user) who is told as well of a message to
 * unit_id created at p->at: 0 in the working time of the unit's calendar
 * (rules_unit_calendar), or when nobody is on duty for it or above it.
 * The caller holds a snapshot.
 */
int64_t app_people_on_duty(const app *a, const app_people *p, int64_t unit_id);

/* The active user of id, or NULL (borrowed from p). */
const user *app_people_user(const app_people *p, int64_t id);

/*
 * The rows a notify with roles (core/rules.h rule_reach) to unit_id
 * queues, appended to *rows (a heap array of *n, grown): for each role,
 * looked for at role_units (rules_reach_units), an sms row to each holder
 * (app_people_with_role) who has a phone and, when email is set, an
 * e-mail row to each who has an address and wants e-mail; outside the
 * working time of unit_id an sms and an in-app row to the person on duty
 * (app_people_on_duty). A person is told once per channel. Each row has
 * its channel, recipient_user, created_at (p->at) and, in key, its
 * suffix: "user<id>/<channel>" or "duty/user<id>/<channel>";
 * app_people_fill completes them. The caller holds a snapshot.
 */
void app_people_notify(const app *a, const app_people *p, const rule_reach *reach, const int64_t *role_units,
                       bool email, int64_t unit_id, outbox_msg **rows, size_t *n);
/* Completes rows[0..n) of app_people_notify: complaint_id, template_name, a copy of payload (replacing one
 * it held), and key_base + "/" + suffix as the key — once: completing them again changes no key. */
void app_people_fill(outbox_msg *rows, size_t n, int64_t complaint_id, const char *template_name, const char *payload,
                     const char *key_base);

/* The roster of unit_id into out. 0 or a STORE_* code. */
int app_duty_list(app *a, int64_t unit_id, duty_list *out);
/*
 * Replaces the roster of unit_id with entries (borrowed): a JSON array of
 * {"user": username or id, "from", "to": RFC 3339}. CERR_USER with e
 * naming the field ("entries[2].to"), 0, or a STORE_* code. out (OUT) the
 * roster stored, by from.
 */
int app_duty_set(app *a, int64_t unit_id, const json_t *entries, duty_list *out, cerr *e);

#endif
