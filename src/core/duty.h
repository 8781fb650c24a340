/*
 * duty: the on-duty roster of units for nights and holidays, pure. A
 * unit's roster is a list of entries {user, from, to}: the user is on duty
 * for the unit and the units below it in [from, to). A message that must
 * reach a person at once (000 第十四条: 夜间若有紧急情况，也必须及时通知到人)
 * and is created outside the working time of its unit's calendar goes also
 * to whoever is on duty then, for the unit or the nearest unit above it
 * with someone on duty (duty_escalation). Time is an argument.
 */
#ifndef REDRESS_DUTY_H
#define REDRESS_DUTY_H

#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/cerr.h"
#include "core/org.h"

/* The longest entry, and the most entries a unit's roster holds. */
enum { DUTY_MAX_SECONDS = 31 * 86400, DUTY_MAX_ENTRIES = 500 };

typedef struct duty_entry {
    int64_t unit;
    int64_t user;
    int64_t from, to; /* instants, from < to */
} duty_entry;

typedef struct duty_list {
    duty_entry *items;
    size_t n;
} duty_list;
void duty_list_release(duty_list *l);

/*
 * Checks one unit's roster e[0..n) (sorting it by from, in place): each
 * entry names a user, from < to, at most DUTY_MAX_SECONDS long, and no two
 * overlap, so one person is on duty at a time. CERR_USER with e's field
 * "entries[i].user|from|to" (i: the index given), or 0.
 */
int duty_check(duty_entry *entries, size_t n, cerr *err);

/*
 * The user on duty at t for unit_id: an entry of e[0..n) (any units, any
 * order; borrowed) for the unit itself covering t, else for the nearest
 * unit above it. 0 when nobody is.
 */
int64_t duty_on_call(const org *o, const duty_entry *e, size_t n, int64_t unit_id, int64_t t);

/*
 * Whom a message to unit_id created at t reaches besides its recipients:
 * nobody (0) while t lies in working time on cal (the unit's calendar,
 * borrowed; NULL = always working), else duty_on_call.
 */
int64_t duty_escalation(const calendar *cal, const org *o, const duty_entry *e, size_t n, int64_t unit_id, int64_t t);

#endif
