/*
 * pending: the monthly reminder of the pending matters ledger (core/cases.h
 * closing.pending; seed 003: 未了事宜由客户经理与客户服务中心分别在各自的
 * 《未了事宜台帐》上进行记录 … 客户经理每月4日完成上个月未了事宜的客户沟通提醒).
 * Run by the deadline sweeper, app_pending_notice tells, on or after the
 * pack's reminder_day of each month, the people who keep the two ledgers
 * how many matters recorded before the month began are still open: at
 * each case's owning unit, the users with one of the pack's recording roles
 * (the nearest unit at or above it that has one), and likewise at every
 * service centre whose scope holds that unit. Once a month: an in-app
 * notice (outbox channel internal, template pending_reminder, its key the
 * month's and the person's).
 */
#ifndef REDRESS_APP_PENDING_H
#define REDRESS_APP_PENDING_H

#include <stddef.h>

#include "app/app.h"

/*
 * The notices of now's local month. done holds the key of the month
 * already told ("" none; the caller's buffer of donelen bytes, at least
 * 16): when it is now's, nothing is read; after a pass on or after the
 * reminder day it is now's. *queued (may be NULL) counts the notices
 * queued (a second pass in a month finds their keys taken). 0, or a store
 * failure (done unchanged). Nothing without the section, nor before the day.
 */
int app_pending_notice(app *a, int64_t now, char *done, size_t donelen, int *queued);

#endif
