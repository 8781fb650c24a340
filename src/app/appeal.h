/*
 * appeal: the appeal's report to the regulator (core/appeal.h) — written
 * by the branch, reviewed by headquarters, sent within its deadline on the
 * pack's working calendar — and the appeals' statistics by month and year.
 */
#ifndef REDRESS_APP_APPEAL_H
#define REDRESS_APP_APPEAL_H

#include "app/app.h"
#include "app/contacts.h"
#include "core/appeal.h"

/*
 * Begins (on the first call) or edits the report of appeal c (borrowed; a
 * complaint of kind appeal) with in's members (appeal_edit). Its deadline
 * is the appeal's whole-process limit in the pack's time-limit policy (the
 * overall clock of kind appeal), on that rule's calendar, from receipt. out (zeroed or
 * released) holds the report. 0, CERR_USER with e, or a STORE_* code.
 */
int app_appeal_edit(app *a, const complaint *c, const json_t *in, appeal_report *out, cerr *e);

/*
 * Takes action (submit, approve, return, send) on the report of appeal cid
 * for who; approve and return only by a manager or administrator of
 * headquarters (a unit of type hq). 0, CERR_USER with e, or a STORE_* code.
 */
int app_appeal_act(app *a, const actor *who, int64_t cid, const char *action, const char *note, int64_t now,
                   appeal_report *out, cerr *e);

/*
 * The report's texts (report, mediation, review_note) are customer data,
 * sealed under the appeal's data key when stored (app/pii.h). This opens
 * the sealed texts of r in place: masked, or (clear) in clear — for a
 * caller with the pii permission, whose view the caller audits. A text
 * whose key was destroyed reads PII_ANONYMISED. 0 or a STORE_* code.
 */
int app_appeal_view(app *a, appeal_report *r, bool clear);

/*
 * The appeals received in local year `year`, by month (new reference):
 * {"year", "months": [{"month": "YYYY-MM", "received", "registered",
 * "filed", "sent", "on_time", "late", "open"}], "total": {…}}; the units in
 * scope of root only (0: all).
 */
int app_appeal_stats(app *a, int year, int64_t root, json_t **out);

#endif
