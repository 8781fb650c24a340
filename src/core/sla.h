/*
 * sla: the time limits of a complaint (DOMAIN §5) as named clocks — fill,
 * dispatch, handle, reply, revisit, close, the overall promise to the
 * customer, the progress reply owed when an extension is asked for, and
 * the answer whether the complaint is accepted (acknowledge: 001, 不能当场
 * 答复的,应在三个工作日内向投诉者作出受理答复), and the first solution
 * proposed (solution: 004, 2個工作日內提出初步解決方案), and the first
 * response to the customer (first_response: 002, 確保顧客反饋在24小時內得到
 * 初步回應 — separate from the promise, which a re-grading may move), which
 * run only where the pack gives them a limit, and the review of the handling
 * opinion before the reply (review: 003, 在四小时内根据公司文件对处理意见进行复核),
 * which runs only for the complaints the pack's review section names
 * (core/review.h), and the hand-over of a serious complaint to management
 * (handover: 001, 重大投诉,当天呈送公司总经理进入处置程序;重要投诉,接待后1小时内
 * 转呈主管经理进行处置程序), which runs for the levels the pack gives a limit,
 * and the milestones a cooperating partner (SI, a unit of type "partner")
 * owes on a complaint dispatched to it (001, 合作SI: 客户通过EMAIL、网站提交
 * 的需求,SI应于1个工作日内给予回复; 确认客户需求后,SI客户服务人员应在1个工作日
 * 内到达现场; 现场服务人员不能解决的问题…在3个工作日内为客户提供第二次现场服务):
 * its answer to the work order (partner_reply), the on-site visit once the
 * need is confirmed (onsite) and the second visit after one that could not
 * solve it (second_visit), which run only where the pack gives them a limit.
 *
 * A clock runs on one of the pack's named working calendars (calendar.h)
 * and has a limit in clock minutes, working minutes or working days, or is
 * due the same day (the end of the local day of its start), chosen
 * by the pack's time-limit policy from the complaint's level, scope,
 * customer class, category and channel. Its life:
 *
 *            start                       stop (at or before the deadline)
 *     (none) ─────▶ running ─────────────────────────────────────────▶ met
 *                   │  ▲    ╲ breach (sweeper, at 100 %)
 *             pause │  │ resume ╲                     stop
 *                   ▼  │         ▶ breached ──────────────────────────▶ breached
 *                  paused           (supervise at 150 %, … keeps it breached)
 *
 *   extend (an approved extension) puts a running or breached clock back to
 *   running with a new deadline; replan recomputes the limit (re-grading,
 *   escalation) or the calendar arithmetic (a calendar changed).
 *
 * Representation. A clock is a JSON object inside the complaint's data
 * ("clocks": {name: clock}), so that it is part of the projection and of the
 * event payloads, and replay copies it verbatim:
 *   state        "running" | "paused" | "met" | "breached"
 *   calendar     the calendar's name
 *   limit        {"minutes": N} | {"working_minutes": N} | {"working_days": N}
 *                | {"until": T} (a fixed instant: a promise or a progress reply)
 *                | {"same_day": true} (23:59:59 of the start's local day in the
 *                calendar's zone, counted in wall time whatever its working hours)
 *   started_at   when the clock started
 *   base, total  the deadline is `total` seconds of the clock's basis after
 *                `base` (working seconds on the calendar for working limits,
 *                wall seconds for clock minutes), plus the pauses after base;
 *                base = started_at until an extension is approved
 *   pauses       [[from, to], …] closed pauses after base; paused_at while paused
 *   deadline, warning_at, escalate_at[]   derived instants, recomputed by every
 *                change (warning at warn_percent of total; escalation points at
 *                supervise_percent beyond 100 %)
 *   warned, level   what the sweeper already did: the warning, and 1 = the
 *                breach (督办 to the owner unit), 2… = the further supervisions
 *   ended_at, extensions
 * Every function here computes; none reads a clock or the store, so the
 * instants are decided once (workflow_step) and written into the event.
 */
#ifndef REDRESS_SLA_H
#define REDRESS_SLA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/cerr.h"
#include "core/taxonomy.h"

enum sla_clock {
    SLA_FILL,
    SLA_DISPATCH,
    SLA_HANDLE,
    SLA_REPLY,
    SLA_REVISIT,
    SLA_CLOSE,
    SLA_OVERALL,
    SLA_PROGRESS,
    SLA_ACKNOWLEDGE,
    SLA_SOLUTION,
    SLA_REVIEW,
    SLA_FIRST_RESPONSE,
    SLA_HANDOVER,
    SLA_PARTNER_REPLY,
    SLA_ONSITE,
    SLA_SECOND_VISIT,
    SLA__COUNT
};

enum sla_kind { SLA_NONE = 0, SLA_MINUTES, SLA_WORKING_MINUTES, SLA_WORKING_DAYS, SLA_UNTIL, SLA_SAME_DAY };

enum { SLA_LEVELS = 3, SLA_MAX_SUPERVISE = 6, SLA_NAME_MAX = 32 };

/* A limit: kind and value (minutes, days, an instant for SLA_UNTIL, unused for SLA_SAME_DAY);
 * calendar is the name of the calendar it runs on ("" = the default). */
typedef struct sla_limit {
    int kind;
    int64_t value;
    char calendar[SLA_NAME_MAX];
} sla_limit;

/* One rule of the pack's time-limit policy: the first rule for a clock
 * whose every given condition matches decides the limit. */
typedef struct sla_rule {
    int clock;
    unsigned levels; /* bit (1 << level); 0 = any */
    char **scopes;   /* NULL-terminated lists; NULL = any */
    char **classes;
    char **categories; /* a code matches itself and its descendants */
    char **channels;
    sla_limit limit;
    char **kinds; /* complaint, appeal or one of the pack's kinds (core/taxonomy.h) */
    int complex;  /* 1: complex cases only, -1: the others only, 0: either */
} sla_rule;

/* The pack's clock-minute time limits ("time_limits", parsed by policy_load): the
 * defaults the time-limit policy starts from. Index = level; 0 = no limit. */
typedef struct sla_minutes {
    int default_level;
    int dispatch, handle[SLA_LEVELS + 1], reply, revisit, close, overall[SLA_LEVELS + 1];
} sla_minutes;

/* The pack's calendars and time-limit policy (part of struct policy). */
typedef struct sla_policy {
    size_t ncals;
    char **cal_names;
    calendar *cals;
    json_t *cal_docs; /* owned: {name: document} as given in the pack */
    char default_calendar[SLA_NAME_MAX];
    int warn_percent;                         /* default 90 */
    int supervise_percent[SLA_MAX_SUPERVISE]; /* [0] is the breach: 100 */
    int nsupervise;
    sla_limit defaults[SLA__COUNT][SLA_LEVELS + 1]; /* [clock][level] */
    sla_rule *rules;
    size_t nrules;
    /* "extension_approvers": per level, the roles that alone decide an
     * extension (001: 重要投诉…超时需经公司总经理批准); 0 = supervisor or manager */
    unsigned extension_roles[SLA_LEVELS + 1];
} sla_policy;

/* What a limit depends on (all borrowed). */
typedef struct sla_attrs {
    int level;
    const char *scope; /* general, provincial, national */
    const char *customer_class;
    const char *category;
    const char *channel;
    const char *kind; /* "appeal", a pack's kind, or NULL for an ordinary complaint */
    bool complex;     /* a complex case (003: 较复杂性问题), which may have longer limits */
} sla_attrs;

const char *sla_clock_name(int clock);
int sla_clock_parse(const char *name); /* -1 if unknown */
/* Scopes in increasing breadth; -1 if unknown. */
int sla_scope_rank(const char *scope);

void sla_policy_init(sla_policy *sp);
void sla_policy_release(sla_policy *sp);
/*
 * Reads the pack's "calendars" and "time_limit_policy" (borrowed pack) over
 * the clock-minute defaults m (borrowed); tax (borrowed) is the pack's
 * taxonomy, against which the rules' codes are checked. On error -1 with e
 * naming the JSON path.
 */
int sla_policy_load(sla_policy *sp, const taxonomy *tax, const sla_minutes *m, const json_t *pack, cerr *e);
/* The calendar called name ("" = the default); NULL if unknown. Borrowed. */
const calendar *sla_calendar(const sla_policy *sp, const char *name);

/* The limit of clock for a complaint with attributes a (OUT: *out). */
void sla_select(const sla_policy *sp, const taxonomy *tax, int clock, const sla_attrs *a, sla_limit *out);

/*
 * The clock operations. `clock` is a clock object as above (borrowed,
 * changed in place); now is the decision instant. Each returns 0, or -1 when
 * the calendar arithmetic fails (no working time ahead, out of range) with e
 * set to "validation_failed".
 */
/* A new running clock started at start with limit (new reference in *out). */
int sla_start(const sla_policy *sp, const sla_limit *limit, int64_t start, json_t **out, cerr *e);
/* Stops a running, paused or breached clock at now: met, or breached if late. */
int sla_stop(const sla_policy *sp, json_t *clock, int64_t now, cerr *e);
int sla_pause(const sla_policy *sp, json_t *clock, int64_t now, cerr *e);
int sla_resume(const sla_policy *sp, json_t *clock, int64_t now, cerr *e);
/* An approved extension: the deadline becomes `until` (snapped back to working time). */
int sla_extend(const sla_policy *sp, json_t *clock, int64_t now, int64_t until, cerr *e);
/* Recomputes with limit (NULL: keep the limit, recompute the arithmetic). */
int sla_replan(const sla_policy *sp, json_t *clock, const sla_limit *limit, cerr *e);
/* Recomputes deadline, warning_at and escalate_at from base/total/pauses. */
int sla_plan(const sla_policy *sp, json_t *clock, cerr *e);

/* True for running, paused and breached-but-not-ended clocks. */
bool sla_open(const json_t *clock);
bool sla_running(const json_t *clock); /* open and not paused */

/* Working minutes left until the deadline at now (negative when late), on
 * the clock's calendar; paused clocks count from paused_at. 0 if stopped. */
int64_t sla_remaining_minutes(const sla_policy *sp, const json_t *clock, int64_t now);

/*
 * Summaries over a clocks object {name: clock} (borrowed), pure functions of
 * it — what the projection columns hold:
 *   nearest:    the earliest deadline of a running clock (0 = none)
 *   warn_at:    the earliest warning point of a running clock (0 = none)
 *   next_check: the earliest instant at which the sweeper has something to
 *               do — a warning not yet sent, a breach not yet recorded, a
 *               further supervision not yet ordered (0 = none)
 */
int64_t sla_nearest(const json_t *clocks);
int64_t sla_warn_at(const json_t *clocks);
int64_t sla_next_check(const json_t *clocks);

/* What the sweeper should do next at now. */
enum sla_due_kind { SLA_DUE_NONE = 0, SLA_DUE_WARN, SLA_DUE_BREACH, SLA_DUE_SUPERVISE };
typedef struct sla_due {
    int kind;
    const char *clock; /* borrowed key of the clocks object */
    int level;         /* for BREACH (1) and SUPERVISE (2…) */
} sla_due;
/* Fills *d with the earliest due point at or before now (kind NONE if none). */
void sla_due_at(const json_t *clocks, int64_t now, sla_due *d);

#endif
