/*
 * review: the pack's review of the handling opinion before the reply (复核,
 * the "review" section): which resolved complaints have it — by level, and
 * where the pack says so by channel — who reviews them (roles, and the units
 * they belong to) and the step's name. Seed 003: 管理部在接到《客户信息反馈
 * 处理单》后,在四小时内根据公司文件对处理意见进行复核; seed 001: upgraded
 * complaints, 总部投诉中心审核确认回复后 … 做电话回访.
 *
 * The step's clock is "review" (core/sla.h): its limit is the time-limit
 * policy's like any clock's (time_limit_policy.clocks.review, or a rule for
 * clock "review"); the section's "hours" is a shorthand that sets the clock's
 * default in clock hours on the pack's default calendar, per level or for
 * all. The workflow (core/workflow.c) asks review_needed when a complaint is
 * resolved and review_may when someone reviews it. Pure.
 */
#ifndef REDRESS_REVIEW_H
#define REDRESS_REVIEW_H

#include <jansson.h>
#include <stdbool.h>

#include "core/cerr.h"
#include "core/org.h"
#include "core/roles.h"
#include "core/sla.h"
#include "core/taxonomy.h"

typedef struct review_policy {
    bool set;        /* the pack has a review section */
    unsigned levels; /* bit (1 << level) for each level reviewed */
    char **channels; /* NULL-terminated; NULL = every channel */
    unsigned roles;  /* who may review (enum role bits) */
    char **units;    /* unit codes: a reviewer belongs to one or to a unit below; NULL = any unit */
    char *name, *name_en;
} review_policy;

void review_policy_init(review_policy *rp);
void review_policy_release(review_policy *rp);

/*
 * Reads the pack's "review" section (pack borrowed; absent: no review) into
 * rp, its channels checked against tax and its units against the pack's
 * units; its "hours" becomes the default limit of the review clock in sp
 * (a pack that also gives time_limit_policy.clocks.review is refused). On
 * error -1 with e ("invalid_pack") naming the JSON path.
 */
int review_policy_load(review_policy *rp, const taxonomy *tax, sla_policy *sp, const json_t *pack, cerr *e);

/* Whether a complaint of level and channel (borrowed) is reviewed before its reply. */
bool review_needed(const review_policy *rp, int level, const char *channel);

/*
 * Whether who may review: one of the section's roles, at one of its units or
 * below (a review left pending by an earlier version of a pack that has no
 * section now: anyone who works on complaints). 0, or -1 with e->code
 * "forbidden".
 */
int review_may(const review_policy *rp, const org *o, const actor *who, cerr *e);

#endif
