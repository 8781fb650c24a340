/*
 * cases: the pack's rules for how a case ends and what it costs — four
 * sections of the policy pack, parsed here (called once from policy_load)
 * into policy.cases and consulted by the workflow:
 *
 *   "closing"        what closing needs per nature (valid / invalid /
 *                    suggestion), the responsibility options and what each
 *                    adds, and which levels only a manager may close;
 *   "authorization"  compensation kinds and each role's limit (授权); above
 *                    it an approval request, and when it goes to senior
 *                    management (an amount, or a case open too long); a
 *                    kind may refund a multiple of a wrong charge;
 *   "appeals"        which channels are regulators (申诉), the regulators
 *                    and the conclusions an appeal closes with;
 *   "penalties"      the assessment ledger's rules (考核): on closing a valid
 *                    complaint, which entries (staff member, site manager,
 *                    region manager, the site itself) with amount, points,
 *                    award-eligibility and performance-pay loss.
 *
 * Everything here is pure: no clock, no store. Money is integer fen.
 * A pack without a section gets the defaults documented in docs/packs.md.
 */
#ifndef REDRESS_CASES_H
#define REDRESS_CASES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cerr.h"
#include "core/appeal.h"
#include "core/complaint.h"
#include "core/org.h"
#include "core/taxonomy.h"

/* The closing fields a pack can require (bits of cases_policy.required). */
enum cases_field {
    CF_CAUSE,
    CF_RESPONSIBILITY,
    CF_RESPONSIBLE_UNIT,
    CF_RESPONSIBLE_PERSON,
    CF_CORRECTIVE_ACTION,
    CF_EXPLANATION,
    CF_ADOPTION,
    CF_PENALTY_GRADE,
    CF__COUNT
};
/* "cause" → CF_CAUSE; -1 if unknown. */
int cases_field_parse(const char *name);
const char *cases_field_name(int f);

enum cases_nature { CN_VALID, CN_INVALID, CN_SUGGESTION, CN__COUNT };
/* "valid" → CN_VALID; -1 if unknown. */
int cases_nature_parse(const char *name);

typedef struct cases_choice {
    char *code, *name, *name_en;
    unsigned requires; /* responsibilities: CF bits this choice adds */
    int multiplier;    /* authorization kinds: the amount is this many times the charge
                          wrongly collected (001: 对错收的费用实行双倍返还); 0 = none */
    char **categories; /* authorization kinds: the category subtrees it may be used in
                          (001: 确定授权的使用业务类型); NULL = any */
} cases_choice;

/* A penalty grade chosen at closing (001: warning + 200 yuan + 5 points …). */
typedef struct cases_grade {
    char *code, *name, *name_en;
    int64_t min_fen, max_fen; /* equal for a fixed amount */
    int points;
    bool perf_pay; /* the month's performance pay is lost */
} cases_grade;

/* One ledger entry a rule writes. */
typedef struct cases_entry {
    char *role, *name, *name_en;
    char *unit_type;    /* the responsible unit's ancestor (or itself) of this type; NULL = the unit */
    bool person;        /* names the responsible person (the staff member) */
    int64_t amount_fen; /* fixed amount, or … */
    bool amount_grade;  /* … the amount of the grade chosen at closing */
    int points;
    bool points_grade;
    bool award_loss;    /* the unit loses the year's award eligibility */
    bool perf_pay;
    bool perf_grade;
} cases_entry;

typedef struct cases_rule {
    char *code, *name;
    unsigned natures;  /* bits (1 << CN_*) */
    char **resps;      /* NULL-terminated; NULL = any responsibility */
    char **categories; /* a code matches itself and its descendants; NULL = any */
    char **grades;     /* NULL = any (also none) */
    cases_entry *entries;
    size_t nentries;
} cases_rule;

typedef struct cases_policy {
    /* closing */
    unsigned required[CN__COUNT]; /* CF bits per nature */
    cases_choice *resps;
    size_t nresps;
    cases_choice *adoptions;
    size_t nadoptions;
    unsigned approval_levels; /* bits (1 << level) whose closing only a manager may do */
    /* closing.unresolvable (001: 无法处理的案件每季度一次经管理处负责人协调同意后销项);
     * unres_period 0: the pack does not take such cases */
    unsigned unres_roles;     /* enum role bits: who records a case as unresolvable */
    unsigned unres_approvers; /* enum role bits: who agrees to its closing */
    int unres_period;         /* RP_MONTH or RP_QUARTER (core/report.h), or 0 */
    /* closing.confirmation: the customer's confirmation before closing —
     * of the record where it was taken face to face with no recording (001:
     * 不具备录音条件的,填写完投诉记录后要请客户签字确认), of the result (001,
     * property: 投诉人已在《维修服务单》上签名认可 … 可以销项) */
    char **confirm_record_channels;   /* NULL: no record confirmation */
    bool confirm_result;              /* the result is confirmed before closing */
    char **confirm_result_categories; /* NULL: every category (when confirm_result) */
    /* closing.pending (003 未了事宜: 当时无法确定责任的质量问题、配件延时、客户不在场、
     * 客户没有时间); pend_reminder_day 0: the pack keeps no such ledger */
    cases_choice *pend_reasons; /* why a matter stays open */
    size_t npend_reasons;
    unsigned pend_roles;     /* enum role bits: who records and follows up a matter */
    unsigned pend_approvers; /* enum role bits: whose agreement a record needs (主管总经理认可) */
    int pend_reminder_day;   /* day of the month (1–28) the open matters are brought to mind */
    /* authorization */
    bool has_authorization;
    cases_choice *kinds;
    size_t nkinds;
    int64_t limit_fen[6];      /* per role bit position (agent … admin); -1 = may not grant */
    struct cases_class_limit {
        char *cls;             /* a customer class of the pack */
        int64_t limit_fen[6];  /* as limit_fen, for that class's customers */
    } *class_limits;           /* 001 2.5: 结合…客户类型…确定授权使用的条件 */
    size_t nclass_limits;
    /* 001 2.5: 结合客户的在网时间、平均消费水平…确定授权使用的条件 — a customer who
     * meets every condition given (months on the network, average monthly
     * spending, a class) raises the roles' limits named; the highest wins */
    struct cases_condition {
        char *name, *name_en;    /* shown where the limit is told */
        int min_tenure_months;   /* -1: no condition */
        int64_t min_spend_yuan;  /* -1: no condition */
        char **classes;          /* NULL: any class */
        int64_t limit_fen[6];    /* -1 where the condition does not raise the role's limit */
    } *conditions;
    size_t nconditions;
    char *approver_unit_type;  /* the approval request goes to this ancestor of the owner unit */
    int64_t senior_above_fen;  /* 0 = no amount rule */
    int senior_after_minutes;  /* 0 = no age rule */
    unsigned senior_roles;     /* enum role bits */
    char *senior_unit_type;    /* the senior approver's home unit type ("hq") */
    /* appeals */
    char **appeal_channels;
    cases_choice *sources;
    size_t nsources;
    cases_choice *conclusions;
    size_t nconclusions;
    appeal_late_rule appeal_late; /* appeals.late_penalty: a report sent late (core/appeal.h) */
    /* penalties */
    cases_grade *grades;
    size_t ngrades;
    cases_rule *rules;
    size_t nrules;
} cases_policy;

void cases_policy_init(cases_policy *cp);
void cases_policy_release(cases_policy *cp);
/*
 * Reads the four sections of pack (borrowed); pol is the policy being
 * loaded (its categories are known). On error -1 with e naming the JSON
 * path ("penalties.rules[0].entries[1].unit_type").
 */
int cases_policy_load(cases_policy *cp, const taxonomy *pol, const json_t *pack, cerr *e);

/* Borrowed lookups; NULL when absent. */
const cases_choice *cases_choice_find(const cases_choice *list, size_t n, const char *code);
const cases_grade *cases_grade_find(const cases_policy *cp, const char *code);

/* True when channel is a regulator's (its complaints are appeals). */
bool cases_appeal_channel(const cases_policy *cp, const char *channel);
/* "appeal" or "complaint" (the projection's data.kind, absent = complaint). */
const char *cases_kind(const complaint *c);

/*
 * The closing fields required for nature (CN_*) given the responsibility
 * chosen (may be NULL): the nature's set plus what the choice adds.
 */
unsigned cases_required(const cases_policy *cp, int nature, const char *responsibility, bool appeal);

/*
 * When a case recorded as unresolvable at marked_at may be closed: the start
 * of the pack's period (closing.unresolvable.period) after the one holding
 * marked_at, in local time (tz_offset_min east of UTC), as an instant. The
 * closing is the period's review, so a case recorded within the current
 * period waits for the next. key (OUT, at least 16 bytes) gets the marking
 * period's key ("2026-Q4", "2026-11"). cp must have the section.
 */
int64_t cases_unresolvable_from(const cases_policy *cp, int64_t marked_at, int tz_offset_min, char *key,
                                size_t keylen);

/* The confirmations (closing.confirmation) a complaint needs before its closing. */
enum { CONFIRM_RECORD = 1u << 0, CONFIRM_RESULT = 1u << 1 };
/* CONFIRM_* bits: what c needs confirmed by its customer (channel, category per the pack). */
unsigned cases_confirmations_needed(const cases_policy *cp, const taxonomy *tax, const complaint *c);
/* "record" / "result" and back (CONFIRM_*; 0 for an unknown name). */
const char *cases_confirmation_name(unsigned what);
unsigned cases_confirmation_parse(const char *name);
/* The CONFIRM_* bits of needed that c's customer has not yet confirmed (data.confirmations). */
unsigned cases_confirmations_missing(const complaint *c, unsigned needed);
/*
 * The monthly reminder of pending matters (closing.pending.reminder_day;
 * 003: 客户经理每月4日完成上个月未了事宜的客户沟通提醒): key (OUT, at least
 * 16 bytes) gets the key of now's local month ("2026-12"); returns the
 * instant that month began — the matters recorded before it are the ones
 * to bring to mind — or -1 before the pack's day of the month. cp must
 * have the section.
 */
int64_t cases_pending_month(const cases_policy *cp, int64_t now, int tz_offset_min, char *key, size_t keylen);

/* Whether kind k may be used on a complaint of category cat (its categories, or any). */
bool cases_kind_fits(const taxonomy *tax, const cases_choice *k, const char *cat);

/* What the authority's conditions read of a customer (borrowed). */
typedef struct cases_customer {
    const char *cls;     /* NULL: none */
    int tenure_months;   /* months on the network; -1 unknown */
    int64_t spend_yuan;  /* average monthly spending; -1 unknown */
} cases_customer;

/*
 * The customer of a complaint's data.customer, or of a compensation's
 * payload (its customer_class, tenure_months, monthly_spend as at the
 * request); obj may be NULL (nothing known).
 */
cases_customer cases_customer_of(const json_t *obj, const char *class_key);

/* The largest amount (fen) roles may grant alone; -1 when none may. */
int64_t cases_role_limit(const cases_policy *cp, unsigned roles);
/*
 * Likewise for customer cu (may be NULL): the highest of the general limit,
 * the class's own (authorization.class_limits) and those of every
 * condition cu meets (authorization.conditions).
 */
int64_t cases_role_limit_for(const cases_policy *cp, unsigned roles, const cases_customer *cu);
/* The conditions cu meets, as a JSON array of their names (new reference). */
json_t *cases_conditions_met(const cases_policy *cp, const cases_customer *cu);
/*
 * Whether an amount requested on c at now goes to senior management: above
 * the pack's amount, or c unresolved longer than its age limit.
 */
bool cases_senior(const cases_policy *cp, int64_t amount_fen, const complaint *c, int64_t now);
/*
 * May roles (home unit of type unit_type) decide a pending compensation
 * (borrowed JSON: amount_fen, senior)? Within their limit, and for a senior
 * request also of a senior role at a senior unit. The limits are those of
 * the customer class the request names (customer_class), if any.
 */
bool cases_may_decide(const cases_policy *cp, unsigned roles, const char *unit_type, const json_t *comp);

/*
 * The ledger entries closing c writes (new reference, an array, possibly
 * empty): closing is the close payload (nature, responsibility,
 * responsible_unit, responsible_person, penalty_grade, penalty_amount_fen),
 * at the closing instant, month its local "YYYY-MM". Entries are numbered
 * from 1 in rule order; an entry whose unit type has no unit above the
 * responsible unit, or that costs nothing, is left out.
 */
json_t *cases_penalties(const cases_policy *cp, const taxonomy *tax, const org *o, const complaint *c,
                        const json_t *closing, const char *month);

#endif
