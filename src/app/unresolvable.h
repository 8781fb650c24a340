/*
 * unresolvable: the periodic review of the cases recorded as unresolvable
 * (core/cases.h closing.unresolvable; seed 001: 立项案件如因种种原因而无法处理
 * 下去,可作好记录,每季度一次经管理处负责人协调同意后才能销项). Run by the
 * deadline sweeper, app_unresolvable_notice tells each approver — a user
 * with one of the pack's approver roles at the nearest unit, at or above a
 * case's owner, that has one — how many open cases in their care may be
 * closed now (those recorded before the current period began), once a
 * period: an in-app notice (outbox channel internal, template
 * unresolvable_review, its key the period's and the person's).
 */
#ifndef REDRESS_APP_UNRESOLVABLE_H
#define REDRESS_APP_UNRESOLVABLE_H

#include <stddef.h>

#include "app/app.h"

/*
 * The notices of now's period (the pack's quarter or month, in its time
 * zone). done holds the key of the period already told ("" none; the
 * caller's buffer of donelen bytes, at least 16): when it is now's, nothing
 * is read; after a pass it is now's. *queued (may be NULL) counts the
 * notices queued (a second pass in a period finds their keys taken).
 * 0, or a store failure (done unchanged). Nothing without the section.
 */
int app_unresolvable_notice(app *a, int64_t now, char *done, size_t donelen, int *queued);

#endif
