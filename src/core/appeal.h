/*
 * appeal: the report on an appeal (申诉) back to the regulator (seed 001: 在
 * 规定的时限内向工信部中心回复申诉处理报告), with its own clock on the pack's
 * working calendar, headquarters' review before it goes (对申诉处理单位或部门
 * 回复的申诉处理报告进行审查核对), whether it was registered (立案/非立案),
 * the first complaint it follows, the regulator's mediation opinion and the
 * filing of a key customer's material (报送备案).
 *
 * An appeal is a complaint of kind "appeal" (core/cases.h: it is received,
 * graded, dispatched and closed like any complaint); the report is its own
 * record beside it, one per appeal.
 *
 *   draft ──submit──▶ review ──approve──▶ approved ──send──▶ sent
 *     ▲                  │
 *     └──────return──────┘
 *
 *   draft, review, approved: sent_at = 0; due_at > received_at
 *   sent: sent_at > 0; late = sent_at > due_at, for ever
 *
 * Pure: the caller passes the time, the calendar and who acts.
 */
#ifndef REDRESS_APPEAL_H
#define REDRESS_APPEAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cerr.h"
#include "core/org.h"

enum { APPEAL_TEXT_MAX = 5000 };

/*
 * The pack's rule for a report sent late (appeals.late_penalty): seed 001
 * assesses the branch whose lateness made the company miss the regulator's
 * limit. Headquarters is owed review_hours before the deadline for its
 * review; a branch that submitted later than that is assessed, otherwise
 * headquarters is.
 */
typedef struct appeal_late_rule {
    bool set;
    int64_t amount_fen;
    int points;
    int review_hours;
} appeal_late_rule;

typedef struct appeal_report {
    int64_t complaint_id;
    bool registered;          /* 立案 (true) or 非立案 */
    int64_t first_complaint;  /* the complaint the customer made first (0: none known) */
    int64_t unit;             /* the branch that answers: the appeal's owner unit when the report began */
    int64_t received_at, due_at;
    char status[12];          /* draft, review, approved, sent */
    char *report, *mediation, *review_note; /* owned; NULL = none */
    bool filed;               /* a key customer's material filed (报送备案) */
    int64_t submitted_by, submitted_at, reviewed_by, reviewed_at, sent_at;
    bool late;
    int64_t assessed_unit;    /* sent late: the unit assessed for it (the branch or headquarters); 0 = none */
    int64_t penalty_fen;      /* … and its penalty by the pack's rule */
    int penalty_points;
    int64_t version;
} appeal_report;

void appeal_report_release(appeal_report *r);

/*
 * A unit's appeals contact (申诉接口人; seed 001 §4.1.8, 联系责任人: the
 * designated person who keeps an appeal's work orders moving and closes the
 * loop): a user named by the unit, at most one per unit.
 */
typedef struct appeal_contact {
    int64_t unit, user, set_by, set_at;
} appeal_contact;

/*
 * The contact who answers for appeals about unit_id: the unit's own, else the
 * nearest unit's above it (a station's is its branch's). Borrowed from
 * items[0..n); NULL when no unit on the way up names one.
 */
const appeal_contact *appeal_contact_for(const org *o, const appeal_contact *items, size_t n, int64_t unit_id);

/*
 * Takes the members of in (borrowed) the report's author may set —
 * registered, first_complaint (an id, checked by the caller), report,
 * mediation, filed — into r. The report itself only while a draft; the
 * mediation opinion and the filing at any time. CERR_USER with e naming
 * the member.
 */
int appeal_edit(appeal_report *r, const json_t *in, cerr *e);

/*
 * Takes action (submit, approve, return, send) on r by `by` at now;
 * hq_reviewer: the actor may review (headquarters). note (borrowed, may be
 * NULL): the review's remark, required to return. A report sent late is
 * assessed by rule (borrowed; NULL or unset: the unit is named, no penalty)
 * to r->unit or to hq_unit. CERR_USER with e (action_not_allowed in another
 * state, forbidden for a review by anyone but headquarters,
 * validation_failed), else 0 with r changed (version + 1).
 */
int appeal_act(appeal_report *r, const char *action, const char *note, bool hq_reviewer, int64_t by, int64_t now,
               const appeal_late_rule *rule, int64_t hq_unit, cerr *e);

#endif
