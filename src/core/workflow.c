/*
 * workflow: the complaint state machine (DOMAIN §6) as one table.
 *
 *   intake ─▶ registered ──answer (当场答复, first-contact resolution)──────▶ closed
 *                │  dispatch (派单)                                           ▲
 *                ▼                                                            │
 *             dispatched ◀──transfer / escalate / reopen──┐                   │
 *                │  accept (签收)                          │                   │
 *                ▼                                         │                   │
 *             processing ──transfer / escalate─────────────┘                   │
 *                │  ⟲ assist (协办), assist_reply (协办反馈)                    │
 *                │  resolve (办结)         invalidate (判定无效, from          │
 *                ▼                          registered/dispatched/processing) │
 *             resolved ◀───────────────────────────────────┘                  │
 *                │  reply (答复客户)                                          │
 *                ▼                                                            │
 *             replied ──close (invalid complaints need no revisit)────────────┤
 *                │  revisit (回访)                                            │
 *                ▼                                                            │
 *             revisited ──close (satisfied / basically / unreachable)─────────┘
 *                │  reopen (再处理, after a dissatisfied revisit) ─▶ dispatched
 *                │  close_unaccepted (不认可结案: dissatisfied, the company's
 *                │  position stated, a supervisor or manager closes) ─▶ closed
 *             closed ──archive (归档)──▶ archived
 *   comment (备注) is allowed in every status but archived and changes nothing.
 *
 * | action       | from                              | to          | roles                 |
 * |--------------|-----------------------------------|-------------|-----------------------|
 * | answer       | registered                        | closed      | agent, sup, mgr       |
 * | dispatch     | registered, dispatched            | dispatched  | agent, sup, mgr       |
 * | accept       | dispatched                        | processing  | handler*, sup, mgr    |
 * | transfer     | dispatched, processing            | dispatched  | handler*, sup, mgr    |
 * | assist       | processing                        | (same)      | handler*, sup, mgr    |
 * | assist_reply | processing (open assist)          | (same)      | handler**, sup, mgr   |
 * | escalate     | dispatched, processing            | dispatched  | handler*, sup, mgr    |
 * | resolve      | processing                        | resolved    | handler*, sup, mgr    |
 * | invalidate   | registered, dispatched, processing| resolved    | handler*, sup, mgr    |
 * | reply        | resolved                          | replied     | agent, sup, mgr       |
 * | revisit      | replied                           | revisited   | agent, sup, mgr       |
 * | revisit_attempt | replied (tries left)           | (same)      | agent, sup, mgr       |
 * | reopen       | revisited (dissatisfied)          | dispatched  | agent, sup, mgr       |
 * | close        | revisited (not dissatisfied),     | closed      | agent, sup, mgr       |
 * |              | replied (invalid only); the customer's confirmations the pack asks given |  |     |
 * | close_unaccepted | revisited (dissatisfied)      | closed      | sup, mgr              |
 * | archive      | closed                            | archived    | agent, sup, mgr       |
 * | comment      | all but archived                  | (same)      | all but auditor, admin|
 * | wait_customer| registered … replied (not waiting)| (same)      | agent, handler*, sup, mgr |
 * | resume       | registered … replied (waiting)    | (same)      | agent, handler*, sup, mgr |
 * | request_extension | dispatched, processing (handle clock open, none pending) | (same) | handler*, sup, mgr |
 * | approve_extension | dispatched, processing (a request pending)  | (same) | sup, mgr    |
 * | refuse_extension  | dispatched, processing (a request pending)  | (same) | sup, mgr    |
 * | progress_reply    | registered, dispatched, processing          | (same) | agent, sup, mgr |
 * | warn, breach, supervise, replan | every open status          | (same) | system only |
 * | compensate        | dispatched … revisited                      | (same) | agent, handler*, sup, mgr |
 * | approve_compensation | dispatched … revisited (one pending within the caller's limit) | (same) | sup, mgr |
 * | refuse_compensation  | dispatched … revisited (one pending within the caller's limit) | (same) | sup, mgr |
 * | waive_penalty     | closed, archived (an active ledger entry)   | (same) | mgr                   |
 * | incident     | every open status (not yet in that incident)  | (same) | system only |
 * | assign       | dispatched, processing (to a handler of the owning unit) | (same) | handler*, sup, mgr |
 * | correct      | every open status, closed (something differs)  | (same) | agent, sup, mgr (narrowed by the pack's corrections.roles) |
 * | return       | dispatched, processing (the dispatch says from where) | registered (the dispatching unit) | handler*, sup, mgr |
 * | upgrade      | every open status (a rule over time is due)   | (same) | system only |
 * | mark_complex | registered, dispatched, processing (not yet complex) | (same) | agent, handler*, sup, mgr |
 * | fault_answer | registered (not yet linked to a fault)        | (same) | system only |
 * | fault_close  | registered (linked to that fault)             | closed | system only |
 * | fault_unlink | registered (linked to a fault)                | (same) | agent, sup, mgr       |
 * | appeal_late  | every status (an appeal, not yet assessed)    | (same) | system only |
 * | acknowledge  | registered, dispatched, processing (its clock open) | (same) | agent, sup, mgr |
 * | propose_solution | dispatched, processing (its clock open)   | (same) | handler*, sup, mgr |
 * | hand_over    | every open status (its clock open)            | (same) | agent, sup, mgr       |
 * | review       | resolved (its review pending)                 | (same), processing | review.roles, units |
 * | mark_unresolvable   | dispatched, processing (the pack takes it)  | (same) | agent, handler*, sup, mgr (narrowed by the pack) |
 * | unmark_unresolvable | dispatched, processing (marked)             | (same) | agent, handler*, sup, mgr (narrowed by the pack) |
 * | close_unresolvable  | dispatched, processing (marked in an earlier period) | closed | sup, mgr (narrowed by the pack) |
 * | confirm      | every open status (the record); resolved, replied, revisited (the result) — what the pack's closing.confirmation asks and is not yet confirmed | (same) | agent, handler*, sup, mgr, the customer (a link) |
 * | request_onsite | dispatched, processing (a partner owns it, onsite limited, no visit owed) | (same) | agent, handler*, sup, mgr |
 * | onsite_visit | dispatched, processing (a visit owed)         | (same) | handler*, sup, mgr    |
 * | record_pending  | dispatched, processing (the pack keeps the ledger) | (same) | agent, handler*, sup, mgr (narrowed by the pack) |
 * | contact_pending | dispatched, processing (a matter open)      | (same) | agent, handler*, sup, mgr (narrowed by the pack) |
 * | settle_pending  | dispatched, processing (a matter open)      | (same) | agent, handler*, sup, mgr (narrowed by the pack) |
 *   *  a handler acts only on complaints owned by their unit or a unit below it.
 *   ** a handler of a unit asked to assist (or below it).
 *
 * Clocks (core/sla.h). Every decision also plans the complaint's clocks and
 * writes each changed clock into the event's "clocks", with the nearest
 * running deadline as "stage_due", so that workflow_apply only copies. What
 * each action does to them is the last column of its row (wf_clock_plan:
 * the clocks it stops, those it starts, then one operation), so:
 *   intake      fill (received → now, met or breached at once), dispatch and
 *               overall (the promise) start at received_at
 *   dispatch    from registered: dispatch stops, handle starts; with a level
 *               or scope (re-grading): the running clocks are re-planned
 *   escalate    the scope widens with the new owner (branch → provincial,
 *               hq → national) and the running clocks are re-planned
 *   resolve / invalidate   handle (and progress) stop, reply starts
 *   reply       reply and overall stop, revisit starts; revisit: close starts
 *   reopen      a new handle clock; answer, close: every clock stops
 *   wait_customer / resume  pause / resume every running clock; any step
 *               that changes the status ends the wait first
 *   request_extension  starts "progress": the centre tells the customer the
 *               progress before the old deadline (progress_reply stops it)
 *   acknowledge where the pack gives it a limit, starts at received_at: the
 *               customer is told whether the complaint is accepted
 *               (acknowledge, or any progress reply or reply, stops it)
 *   first_response  likewise where the pack gives it a limit, from
 *               received_at: the customer hears from us at all (002: 24 h) —
 *               a progress reply, an acceptance answer or the reply stops
 *               it; a re-grading that moves the promise does not move it
 *   handover    where the pack gives the complaint's level a limit, from
 *               received_at: the centre hands a serious complaint to
 *               management (001: 重大投诉当天呈送公司总经理; 重要投诉接待后1小时内
 *               转呈主管经理); hand_over stops it. A re-grading from a level
 *               without a limit to one with starts it from the re-grading
 *               (unless a hand-over was recorded); one to a level without
 *               (轻微) stops it (met, or breached when already late)
 *   partner_reply, onsite, second_visit  a cooperating partner's milestones
 *               (001, 合作SI, 第三节 SI的服务规范与标准), each where the pack gives
 *               it a limit. A step that makes a unit of type "partner" (SI)
 *               the owner (dispatch, transfer, escalate, return, reopen)
 *               starts partner_reply (客户通过EMAIL、网站提交的需求,SI应于1个
 *               工作日内给予回复; 对移动客服中心转交的…处理单,必须及时处理和应答):
 *               the partner's first answer on the work order stops it — its
 *               accept (签收, the answer the centre waits for), or invalidate
 *               or onsite_visit should it answer so first; a step that takes
 *               the complaint from the partner ends all three (met, or breached
 *               if late). request_onsite (确认上门需求, the centre or the partner)
 *               starts onsite (确认客户需求后…1个工作日内到达现场); onsite_visit
 *               (上门服务, result and note) stops onsite and second_visit, and
 *               when unsolved (现场服务人员不能解决的问题) starts second_visit
 *               (3个工作日内…第二次现场服务) from the visit; resolve and
 *               invalidate end them. Their breaches go to the owner — the
 *               partner — and supervision on up its parents. The partner's
 *               own staff may not escalate the complaint nor transfer it to
 *               a unit that is no partner (合作SI不得将客户提交的…投诉…转交和
 *               转移给湖南移动); a return of one dispatched by mistake remains
 *   solution    likewise where the pack gives it a limit, from received_at:
 *               the handling unit proposes a first solution (propose_solution,
 *               or resolve or invalidate, stops it)
 *   review      where the pack's review section names the complaint (core/review.h),
 *               resolve and invalidate start "review" instead of "reply": the
 *               handling opinion is reviewed (复核) before the reply, which is
 *               refused until it is approved; review approved stops it and
 *               starts reply, review returned (有异议) stops it, sends the
 *               complaint back to processing and starts a new handle clock
 *   approve_extension  moves the handle deadline to the one asked for
 *   warn, breach, supervise  the sweeper's records (jobs/sweep.c); replan: a
 *               calendar changed, the clocks are recomputed
 *   incident    a crisis cluster grouped the complaint into an incident
 *               (app/incident.c); a raised level re-plans the running clocks
 *   fault_answer  an agent answered with a known fault's script (系统公告,
 *               app/announce.c): the complaint waits for the fault, every
 *               clock stops; fault_close: the fault was resolved, it closes
 *               with it. A complaint linked to a fault is a 不满工单, not an
 *               investigation: dispatch, invalidate and mark_complex are
 *               refused while it is linked. fault_unlink (the customer did not
 *               accept the script: 如客户不接受解释 … 形成投诉受理单) makes it
 *               an ordinary complaint again: its dispatch and overall clocks
 *               start anew
 *   appeal_late  an appeal's report was sent to the regulator after its
 *               deadline (app/appeal.c): the pack's appeals.late_penalty
 *               entry against the unit assessed joins the complaint's ledger
 *   mark_unresolvable (记录无法处理, 001: 立项案件如因种种原因而无法处理下去,
 *               可作好记录) pauses the handling unit's clocks (handle,
 *               progress, solution): nobody works the case, so they do not
 *               fall due; the promise to the customer (overall) keeps
 *               running and breaches in plain sight, and the flag with its
 *               date is on the list and the page, so the case cannot hide.
 *               While marked nothing moves it on (any step to another
 *               status, a wait for the customer, an extension): unmark_unresolvable
 *               (恢复处理) resumes the paused clocks, as resume does after a
 *               wait; close_unresolvable (无法处理销项: 每季度一次经管理处
 *               负责人协调同意后才能销项) stops every clock, and is the
 *               period's review — a case marked within the current period
 *               (the pack's quarter or month, local time) waits for the next.
 *   record_pending (记录未了事宜, 003: 当时无法确定责任的质量问题、配件延时、
 *               客户不在场、客户没有时间 … 报主管总经理认可后,按未了事宜进行
 *               处理) opens a pending matter: the pack's reason, what remains
 *               and what the customer was told, perhaps a promised date, and
 *               the approver's agreement — the approver's own step, or named
 *               by the recorder. It parks the case as mark_unresolvable does
 *               (the handling clocks pause, nothing moves it on, so no reply
 *               and no revisit: 暂停回访,直至处理完毕); contact_pending adds
 *               a follow-up with the customer to the matter (每月4日 … 客户
 *               沟通提醒); settle_pending settles it and resumes the clocks,
 *               and the ordinary flow continues.
 *
 * Closing, compensation and penalties (core/cases.h): close checks the
 * pack's requirements for the nature given (and only a manager closes the
 * levels the pack names), refuses while a compensation awaits approval, and
 * writes the penalty entries its rules decide into the event ("penalties");
 * compensate is granted within the actor's limit, else it waits for a
 * supervisor or manager whose limit covers it (or senior management);
 * waive_penalty marks one entry waived. The fields of these actions come
 * from the pack and the complaint (workflow_fields).
 *
 * The table below is authoritative; this comment is checked against it by
 * tests/unit/core/test_workflow.c (every allowed and every refused
 * transition, and every action's clock plan). Its rows are indexed by enum
 * wf_action_id: inside core the actions are compared as ids; their names
 * are the API's, the events' and the docs'.
 */
#include "core/workflow.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/erasure.h"
#include "core/links.h"
#include "core/survey.h"
#include "util/jsonw.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define BIT(st) (1u << (st))
#define ALL_OPEN (BIT(ST_REGISTERED) | BIT(ST_DISPATCHED) | BIT(ST_PROCESSING) | BIT(ST_RESOLVED) | \
                  BIT(ST_REPLIED) | BIT(ST_REVISITED))
#define CENTRE (R_AGENT | R_SUPERVISOR | R_MANAGER)
#define HANDLING (R_HANDLER | R_SUPERVISOR | R_MANAGER)
#define WAITABLE (BIT(ST_REGISTERED) | BIT(ST_DISPATCHED) | BIT(ST_PROCESSING) | BIT(ST_RESOLVED) | BIT(ST_REPLIED))
#define HANDLE_STAGE (BIT(ST_DISPATCHED) | BIT(ST_PROCESSING))
#define COMPENSABLE (HANDLE_STAGE | BIT(ST_RESOLVED) | BIT(ST_REPLIED) | BIT(ST_REVISITED))
/* Clock plans (wf_clock_plan): a clock's bit, a plan, and none. */
#define CK(clock) (1u << (clock))
#define CLOCKS(when, stop, start, op) {(when), (stop), (start), (op)}
#define NO_CLOCKS CLOCKS(0, 0, 0, WF_CLK_NONE)
/* What a cooperating partner owes: its answer, a visit, a second visit. */
#define PARTNER_CLOCKS (CK(SLA_PARTNER_REPLY) | CK(SLA_ONSITE) | CK(SLA_SECOND_VISIT))

enum scope { SCOPE_NONE, SCOPE_OWNER, SCOPE_ASSIST };

enum { TEXT_MAX = 200, TEXTAREA_MAX = 5000, DESCRIPTION_MAX = 10000, EXTERNAL_REF_MAX = 64 };

/* ---- options and fields ---------------------------------------------- */

static const wf_option natures[] = {
    {"valid", "有效投诉", "Valid"},
    {"invalid", "无效投诉", "Invalid"},
    {"suggestion", "意见建议", "Suggestion"},
    {NULL, NULL, NULL},
};
static const wf_option level_opts[] = {
    {"1", "一级（重大）", "Level 1 (major)"},
    {"2", "二级（紧急）", "Level 2 (urgent)"},
    {"3", "三级（一般）", "Level 3 (general)"},
    {NULL, NULL, NULL},
};
static const wf_option resolution_types[] = {
    {"solution", "解决方案", "Solution"},
    {"explanation", "解释口径", "Explanation"},
    {NULL, NULL, NULL},
};
static const wf_option invalid_reasons[] = {
    {"unrelated", "与公司无关", "Unrelated to the company"},
    {"malicious", "恶意投诉", "Malicious"},
    {"drunk", "醉酒投诉", "Drunk caller"},
    {"competitor", "竞争对手投诉", "Competitor"},
    {"other", "其他", "Other"},
    {NULL, NULL, NULL},
};
static const wf_option reply_methods[] = {
    {"phone", "电话", "Phone"}, {"sms", "短信", "SMS"},   {"letter", "信函", "Letter"}, {"fax", "传真", "Fax"},
    {"email", "电子邮件", "E-mail"}, {"visit", "上门", "Visit"}, {NULL, NULL, NULL},
};
static const wf_option revisit_methods[] = {
    {"phone", "电话", "Phone"}, {"sms", "短信", "SMS"}, {"email", "电子邮件", "E-mail"},
    {"visit", "上门", "Visit"}, {NULL, NULL, NULL},
};
/* The customer's own answers through the survey link (R_CUSTOMER): the method and result follow from them. */
static const wf_field f_revisit_self[] = {
    {"answers", "满意度调查", "Survey answers", F_SURVEY, true, NULL},
    {"remarks", "您的意见", "Your comments", F_TEXTAREA, false, NULL},
    {NULL, NULL, NULL, 0, false, NULL},
};
static const wf_option revisit_results[] = {
    {"satisfied", "满意", "Satisfied"},
    {"basically_satisfied", "基本满意", "Basically satisfied"},
    {"dissatisfied", "不满意", "Dissatisfied"},
    {"unreachable", "未联系上", "Unreachable"},
    {NULL, NULL, NULL},
};
static const wf_option reactions[] = {
    {"accepts", "认可", "Accepts"},
    {"rejects", "不认可", "Does not accept"},
    {"no_comment", "未表态", "No comment"},
    {NULL, NULL, NULL},
};
static const wf_option scopes[] = {
    {"general", "一般（单一渠道可解决）", "General"},
    {"provincial", "省级", "Provincial"},
    {"national", "全国/总部", "National"},
    {NULL, NULL, NULL},
};
static const wf_option responsibilities[] = {
    {"company", "公司责任", "Company"},
    {"handled_properly", "已妥善处理", "Handled properly earlier"},
    {"withdrawn", "客户撤诉", "Withdrawn"},
    {"customer", "客户自身原因", "Customer's own cause"},
    {"third_party", "第三方原因", "Third party"},
    {NULL, NULL, NULL},
};

#define END {NULL, NULL, NULL, 0, false, NULL}

static const wf_field f_answer[] = {
    {"answer", "答复内容", "Answer given", F_TEXTAREA, true, NULL},
    {"nature", "投诉性质", "Nature", F_SELECT, true, natures},
    END,
};
static const wf_field f_dispatch[] = {
    {"unit", "承办单位", "Handling unit", F_UNIT, true, NULL},
    {"note", "派单说明", "Dispatch note", F_TEXTAREA, false, NULL},
    {"level", "投诉等级", "Level", F_SELECT, false, level_opts},
    {"scope", "影响范围", "Scope", F_SELECT, false, scopes},
    END,
};
static const wf_field f_accept[] = {
    {"note", "签收说明", "Note", F_TEXTAREA, false, NULL},
    END,
};
static const wf_field f_assign[] = {
    {"assignee", "处理人", "Assignee", F_SELECT, true, NULL}, /* options: ctx->staff (form_assign) */
    {"note", "指派说明", "Note", F_TEXTAREA, false, NULL},
    END,
};
/* correct: what was filled wrongly, each optional; options from the pack (form_correct). */
static const wf_field f_correct[] = {
    {"kind", "工单类型", "Kind of work order", F_SELECT, false, NULL}, /* only when the pack has kinds */
    {"category", "投诉类别", "Category", F_SELECT, false, NULL},
    {"subject_unit", "被投诉单位", "Unit complained about", F_UNIT, false, NULL},
    {"subject_staff", "被投诉人员", "Staff complained about", F_TEXT, false, NULL},
    {"level", "投诉等级", "Level", F_SELECT, false, level_opts},
    {"customer_class", "客户类别", "Customer class", F_SELECT, false, NULL},
    /* only where the pack's authority reads them (authorization.conditions) */
    {"tenure_months", "在网时长（月）", "Months on the network", F_COUNT, false, NULL},
    {"monthly_spend", "月均消费（元）", "Average monthly spending (yuan)", F_COUNT, false, NULL},
    {"addendum", "补充说明", "Addendum to the description", F_TEXTAREA, false, NULL},
    {"reason", "更正原因", "Reason for the correction", F_TEXTAREA, true, NULL},
    END,
};
static const wf_field f_return[] = {
    {"reason", "退单原因", "What is wrong with the record", F_TEXTAREA, true, NULL},
    END,
};
static const wf_field f_upgrade[] = {
    {"rule", "规则", "Rule", F_TEXT, true, NULL},
    END,
};
static const wf_field f_complex[] = {
    {"reason", "复杂原因", "Why it is complex", F_TEXTAREA, true, NULL},
    END,
};
static const wf_field f_transfer[] = {
    {"unit", "转派单位", "Transfer to", F_UNIT, true, NULL},
    {"reason", "转派原因", "Reason", F_TEXTAREA, true, NULL},
    END,
};
static const wf_field f_assist[] = {
    {"unit", "协办单位", "Assisting unit", F_UNIT, true, NULL},
    {"request", "协办事项", "What is asked", F_TEXTAREA, true, NULL},
    END,
};
static const wf_field f_assist_reply[] = {
    {"feedback", "协办反馈", "Feedback", F_TEXTAREA, true, NULL},
    END,
};
static const wf_field f_escalate[] = {
    {"reason", "升级原因", "Reason", F_TEXTAREA, true, NULL},
    END,
};
static const wf_field f_resolve[] = {
    {"resolution_type", "处理方式", "Kind of result", F_SELECT, true, resolution_types},
    {"resolution", "处理结果", "Solution or explanation", F_TEXTAREA, true, NULL},
    {"nature", "投诉性质", "Nature", F_SELECT, true, natures},
    END,
};
static const wf_field f_invalidate[] = {
    {"reason_code", "无效原因", "Why invalid", F_SELECT, true, invalid_reasons},
    {"explanation", "解释说明", "Explanation to the customer", F_TEXTAREA, true, NULL},
    END,
};
static const wf_field f_reply[] = {
    {"method", "答复方式", "Method", F_SELECT, true, reply_methods},
    {"content", "答复内容", "What the customer was told", F_TEXTAREA, true, NULL},
    {"reaction", "客户对处理结果的态度", "The customer's reaction", F_SELECT, false, reactions},
    END,
};
static const wf_field f_revisit[] = {
    {"method", "回访方式", "Method", F_SELECT, true, revisit_methods},
    {"result", "回访结果", "Result", F_SELECT, true, revisit_results},
    {"remarks", "客户意见", "Remarks", F_TEXTAREA, false, NULL},
    {"answers", "满意度调查", "Survey answers", F_SURVEY, false, NULL},
    {"visit", "面访记录", "Visit record", F_TEXTAREA, false, NULL},
    END,
};
static const wf_field f_revisit_attempt[] = {
    {"method", "联系方式", "Method", F_SELECT, true, revisit_methods},
    {"note", "情况说明", "What happened", F_TEXTAREA, false, NULL},
    END,
};
static const wf_field f_reopen[] = {
    {"reason", "再处理原因", "Reason", F_TEXTAREA, true, NULL},
    {"unit", "承办单位", "Handling unit", F_UNIT, false, NULL},
    END,
};
/* The closing form as documented; the live one (form_close) takes the
 * pack's requirements and options (core/cases.h). */
static const wf_field f_close[] = {
    {"nature", "投诉性质", "Nature", F_SELECT, false, natures},
    {"cause", "投诉原因", "Cause", F_TEXTAREA, false, NULL},
    {"responsibility", "责任认定", "Responsibility", F_SELECT, false, responsibilities},
    {"responsible_unit", "责任单位", "Responsible unit", F_UNIT, false, NULL},
    {"responsible_person", "责任人", "Responsible person", F_TEXT, false, NULL},
    {"corrective_action", "整改措施", "Corrective action", F_TEXTAREA, false, NULL},
    {"explanation", "向客户的解释", "Explanation given to the customer", F_TEXTAREA, false, NULL},
    {"adoption", "建议采纳情况", "What becomes of the suggestion", F_SELECT, false, NULL},
    {"compensation", "补偿金额（元）", "Compensation (yuan)", F_MONEY, false, NULL},
    {"penalty_grade", "考核档次", "Penalty grade", F_SELECT, false, NULL},
    {"penalty_amount", "考核金额（元）", "Penalty amount (yuan)", F_MONEY, false, NULL},
    {"penalty", "考核处理", "Penalty", F_TEXTAREA, false, NULL},
    END,
};
/* 不认可结案: the closing form, with the company's position required (form_close_unaccepted). */
static const wf_field f_close_unaccepted[] = {
    {"explanation", "公司立场及向客户的说明", "The company's position, as explained", F_TEXTAREA, true, NULL},
    END,
};
static const wf_option no_options[] = {{NULL, NULL, NULL}};
/* A case that cannot be handled (core/cases.h closing.unresolvable). */
static const wf_field f_mark_unresolvable[] = {
    {"record", "无法处理记录", "What was done, and why it cannot be handled", F_TEXTAREA, true, NULL},
    END,
};
static const wf_field f_unmark_unresolvable[] = {
    {"note", "恢复处理说明", "Note", F_TEXTAREA, false, NULL},
    END,
};
static const wf_field f_close_unresolvable[] = {
    {"agreement", "协调意见", "The approver's agreement", F_TEXTAREA, true, NULL},
    END,
};
/* A pending matter (core/cases.h closing.pending; 003 未了事宜). */
static const wf_field f_record_pending[] = {
    {"reason", "未了原因", "Reason", F_SELECT, true, no_options}, /* options: the pack's (form_record_pending) */
    {"note", "未了事项及告知客户的内容", "What remains, and what the customer was told", F_TEXTAREA, true, NULL},
    {"promised_at", "约定处理时间", "Promised date", F_DATETIME, false, NULL},
    /* Required of a recorder without an approver role (form_record_pending). */
    {"approver", "认可的主管/总经理", "The manager who agreed", F_TEXT, false, NULL},
    END,
};
static const wf_field f_contact_pending[] = {
    {"method", "联系方式", "Method", F_SELECT, true, revisit_methods},
    {"note", "沟通情况", "What was said", F_TEXTAREA, true, NULL},
    END,
};
static const wf_field f_settle_pending[] = {
    {"note", "了结情况", "How it was settled", F_TEXTAREA, true, NULL},
    END,
};
static const wf_field f_compensate[] = {
    {"kind", "补偿方式", "Kind", F_SELECT, true, no_options},
    {"amount", "金额（元）", "Amount (yuan)", F_MONEY, true, NULL},
    /* Offered when a kind refunds a multiple of a wrong charge (form_compensate). */
    {"charged", "错收金额（元）", "Charge wrongly collected (yuan)", F_MONEY, false, NULL},
    {"reason", "补偿原因", "Reason", F_TEXTAREA, true, NULL},
    END,
};
static const wf_field f_approve_compensation[] = {
    {"entry", "待审批补偿", "Compensation", F_SELECT, true, no_options},
    {"note", "审批意见", "Note", F_TEXTAREA, false, NULL},
    END,
};
static const wf_field f_refuse_compensation[] = {
    {"entry", "待审批补偿", "Compensation", F_SELECT, true, no_options},
    {"reason", "不同意原因", "Reason", F_TEXTAREA, true, NULL},
    END,
};
static const wf_field f_waive_penalty[] = {
    {"entry", "考核记录", "Ledger entry", F_SELECT, true, no_options},
    {"reason", "免除原因", "Why it is waived", F_TEXTAREA, true, NULL},
    END,
};
static const wf_field f_none[] = {END};
static const wf_field f_incident[] = {
    {"incident", "危机事件", "Incident", F_TEXT, true, NULL},
    {"level", "投诉等级", "Level", F_SELECT, false, level_opts},
    {"note", "说明", "Note", F_TEXTAREA, false, NULL},
    END,
};
/* A known fault's (core/announce.h): app/announce.c fills them from the stored announcement. */
static const wf_field f_fault_answer[] = {
    {"announcement", "系统公告", "Announcement", F_TEXT, true, NULL},
    {"script", "统一解释口径", "Script", F_TEXTAREA, true, NULL},
    {"agent", "答复座席", "Agent", F_TEXT, false, NULL},
    END,
};
static const wf_field f_fault_close[] = {
    {"announcement", "系统公告", "Announcement", F_TEXT, true, NULL},
    {"resolution", "故障处理结果", "Resolution", F_TEXTAREA, false, NULL},
    END,
};
static const wf_field f_fault_unlink[] = {
    {"reason", "客户不接受口径的说明", "Why the customer did not accept the script", F_TEXTAREA, true, NULL},
    END,
};
/* A report sent late (core/appeal.h): app/appeal.c fills them from the report and the pack's rule. */
static const wf_field f_appeal_late[] = {
    {"unit", "考核单位", "Unit assessed", F_UNIT, true, NULL},
    {"amount", "考核金额（元）", "Amount (yuan)", F_MONEY, true, NULL},
    {"points", "考核分", "Points", F_TEXT, false, NULL},
    {"note", "说明", "Note", F_TEXTAREA, false, NULL},
    END,
};
static const wf_field f_wait[] = {
    {"reason", "等待原因", "What the customer is to provide", F_TEXTAREA, true, NULL},
    END,
};
static const wf_field f_resume[] = {
    {"note", "说明", "Note", F_TEXTAREA, false, NULL},
    END,
};
static const wf_field f_request_extension[] = {
    {"deadline", "申请延至", "New deadline", F_DATETIME, true, NULL},
    {"reason", "延期原因", "Why more time is needed", F_TEXTAREA, true, NULL},
    END,
};
static const wf_field f_approve_extension[] = {
    {"note", "审批意见", "Note", F_TEXTAREA, false, NULL},
    END,
};
static const wf_field f_refuse_extension[] = {
    {"reason", "不同意原因", "Reason", F_TEXTAREA, true, NULL},
    END,
};
static const wf_field f_progress_reply[] = {
    {"method", "回复方式", "Method", F_SELECT, true, reply_methods},
    {"content", "回复内容", "What the customer was told", F_TEXTAREA, true, NULL},
    END,
};
/* 受理答复 (001): whether the complaint is accepted, and if not, why. */
static const wf_option acknowledge_outcomes[] = {
    {"accept", "予以受理", "Accepted"}, {"refuse", "不予受理", "Refused"}, {NULL, NULL, NULL},
};
static const wf_field f_acknowledge[] = {
    {"outcome", "是否受理", "Accepted or refused", F_SELECT, true, acknowledge_outcomes},
    {"method", "答复方式", "Method", F_SELECT, true, reply_methods},
    {"content", "答复内容", "What the customer was told", F_TEXTAREA, true, NULL},
    {"reason", "不予受理的理由", "Why it is refused", F_TEXTAREA, false, NULL},
    END,
};
/* 提出初步解决方案 (004): the handling unit's first solution, told to the centre. */
static const wf_field f_propose_solution[] = {
    {"solution", "初步解决方案", "Proposed solution", F_TEXTAREA, true, NULL},
    {"note", "说明", "Note", F_TEXTAREA, false, NULL},
    END,
};
/* 呈报管理层 (001: 重大投诉当天呈送公司总经理, 重要投诉1小时内转呈主管经理): to whom. */
static const wf_field f_hand_over[] = {
    {"to", "呈报对象", "Handed over to", F_TEXT, true, NULL},
    {"note", "说明", "Note", F_TEXTAREA, false, NULL},
    END,
};
/* 客户确认 (001): the customer confirms the record or the result, or says what is wrong with it. */
static const wf_option confirm_whats[] = {
    {"record", "投诉记录", "The record of the complaint"}, {"result", "处理结果", "The result"}, {NULL, NULL, NULL}};
static const wf_option confirm_answers[] = {
    {"confirmed", "确认无误", "Confirmed"}, {"disputed", "有异议", "Disputed"}, {NULL, NULL, NULL}};
static const wf_option confirm_methods[] = {
    {"signature", "签字确认", "Signed"}, {"verbal", "口头确认（已录音）", "Verbally (recorded)"}, {NULL, NULL, NULL}};
static const wf_field f_confirm[] = {
    {"what", "确认内容", "What is confirmed", F_SELECT, true, confirm_whats},
    {"verdict", "客户意见", "The customer's answer", F_SELECT, true, confirm_answers},
    {"method", "确认方式", "How", F_SELECT, true, confirm_methods},
    {"confirmed_at", "确认时间", "When the customer confirmed", F_DATETIME, false, NULL},
    {"note", "说明", "Note", F_TEXTAREA, false, NULL},
    END,
};
/* The customer's own answer through a confirmation link (R_CUSTOMER): how and when follow. */
static const wf_field f_confirm_self[] = {
    {"what", "确认内容", "What is confirmed", F_SELECT, true, confirm_whats},
    {"verdict", "您的意见", "Your answer", F_SELECT, true, confirm_answers},
    {"note", "说明", "What is not right", F_TEXTAREA, false, NULL},
    END,
};
/*
 * 确认上门需求 (001, 合作SI: 当客户需要新安装服务、培训服务以及遇到无法通过在线
 * 支持方式解决的问题时,SI应派服务人员为用户提供现场服务): why a visit is needed.
 */
static const wf_option onsite_needs[] = {{"installation", "新安装服务", "Installation"},
                                         {"training", "培训服务", "Training"},
                                         {"unresolved_online", "在线支持无法解决", "Not solvable online"},
                                         {NULL, NULL, NULL}};
/* 上门服务: solved, or not (现场服务人员不能解决的问题: a second visit is owed). */
static const wf_option onsite_results[] = {
    {"solved", "已解决", "Solved"}, {"unsolved", "现场不能解决", "Not solved on site"}, {NULL, NULL, NULL}};
static const wf_field f_request_onsite[] = {
    {"need", "上门原因", "Reason for the visit", F_SELECT, true, onsite_needs},
    {"note", "说明", "Note", F_TEXTAREA, false, NULL},
    END,
};
static const wf_field f_onsite_visit[] = {
    {"result", "上门结果", "Result of the visit", F_SELECT, true, onsite_results},
    {"note", "现场情况", "What was done on site", F_TEXTAREA, true, NULL},
    END,
};
/* 复核 (003, 001): the handling opinion approved, or returned with the objection. */
static const wf_option review_results[] = {
    {"approved", "认可", "Approved"}, {"returned", "有异议，退回处理", "Returned with an objection"}, {NULL, NULL, NULL},
};
static const wf_field f_review[] = {
    {"result", "复核结果", "Result", F_SELECT, true, review_results},
    {"opinion", "复核意见", "Review opinion", F_TEXTAREA, false, NULL},
    END,
};
/* A customer's e-mail whose subject names the complaint (app/mailin.c): its texts sealed like every textarea. */
static const wf_field f_mail_in[] = {
    {"sender", "发件人", "From", F_TEXTAREA, true, NULL},
    {"subject", "主题", "Subject", F_TEXTAREA, false, NULL},
    {"text", "来信内容", "Message", F_TEXTAREA, true, NULL},
    {"message", "邮件编号", "Message reference", F_TEXT, true, NULL},
    END,
};
static const wf_field f_comment[] = {
    {"text", "备注内容", "Comment", F_TEXTAREA, true, NULL},
    END,
};

/* ---- helpers ---------------------------------------------------------- */

static int level_of(const complaint *c)
{
    return c->level >= 1 && c->level <= LEVEL_MAX ? c->level : LEVEL_MAX;
}

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_t *open_assist_for(const org *o, const complaint *c, int64_t unit_id, bool any)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(c->data, "assists"), i, a)
    {
        const char *st = jstr(a, "status");
        if (!st || strcmp(st, "open") != 0)
            continue;
        if (any || org_within(o, json_integer_value(json_object_get(a, "unit")), unit_id))
            return a;
    }
    return NULL;
}

/* A handler acting on another unit's record stamps who and when. */
static json_t *stamp(const event *ev, json_t *o)
{
    json_object_set_new(o, "at", json_integer(ev->at));
    json_object_set_new(o, "by", json_integer(ev->actor));
    return o;
}

/* The event's payload fields (minus bookkeeping keys), stamped: a new reference. */
static json_t *payload_record(const event *ev)
{
    json_t *o = jsonw_copy(ev->payload);
    static const char *bookkeeping[] = {"stage_due", "overall_due", "owner_unit", "clocks", "waiting", "scope"};
    for (size_t i = 0; i < sizeof bookkeeping / sizeof bookkeeping[0]; i++)
        json_object_del(o, bookkeeping[i]);
    return stamp(ev, o);
}

/* Copies the event's payload fields (minus bookkeeping keys) into data[key]. */
static void record(complaint *c, const event *ev, const char *key)
{
    json_object_set_new(c->data, key, payload_record(ev));
}

/* Missing, empty or only white space. */
static bool blank(const json_t *p, const char *key)
{
    const char *s = jstr(p, key);
    if (!s)
        return true;
    while (*s && isspace((unsigned char)*s))
        s++;
    return !*s;
}

/* ---- guards ----------------------------------------------------------- */

static const char *revisit_result(const complaint *c)
{
    const char *r = jstr(json_object_get(c->data, "revisit"), "result");
    return r ? r : "";
}

/* What the reply planned for the revisit (p_reply); a reply from before the
 * plan existed asks for a revisit, once. */
static bool revisit_required(const complaint *c)
{
    const json_t *r = json_object_get(json_object_get(c->data, "reply"), "revisit_required");
    return !json_is_false(r);
}

static int revisit_attempts_planned(const complaint *c)
{
    json_int_t n = json_integer_value(json_object_get(json_object_get(c->data, "reply"), "revisit_attempts"));
    return n > 0 ? (int)n : 1;
}

static int revisit_attempts_made(const complaint *c)
{
    return (int)json_integer_value(json_object_get(c->data, "revisit_attempts"));
}

/* 回访未接通: tried again, until the last try, which the revisit records as unreachable. */
static int g_revisit_attempt(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    (void)ctx;
    int planned = revisit_attempts_planned(c), made = revisit_attempts_made(c);
    if (made + 1 >= planned)
        return cerr_set(e, "action_not_allowed", "",
                        "已联系 %d 次，请以“未联系上”完成回访 (the last try: record the revisit as unreachable)", made);
    return 0;
}

static int g_reopen(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    (void)ctx;
    if (strcmp(revisit_result(c), "dissatisfied") != 0)
        return cerr_set(e, "action_not_allowed", "", "只有回访不满意的工单才能再处理 (reopen needs a dissatisfied revisit)");
    return 0;
}

static bool compensation_pending(const complaint *c);

/* DOMAIN §12: closing a major case needs a manager's approval — the manager closes it. */
static int g_manager_closes(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    if ((ctx->pol->cases.approval_levels & (1u << level_of(c))) && !(ctx->who->roles & R_MANAGER))
        return cerr_set(e, "forbidden", "", "%s级投诉须经管理层审批结案 (only a manager may close a level-%d complaint)",
                        ctx->pol->levels[level_of(c)].name, level_of(c));
    return 0;
}

/*
 * 不认可结案 (001: the company's position stated candidly when the customer
 * still does not accept it): only after a dissatisfied revisit, and like
 * any closing not while a compensation awaits its decision; a major case
 * needs a manager, as close does.
 */
static int g_close_unaccepted(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    if (strcmp(revisit_result(c), "dissatisfied") != 0)
        return cerr_set(e, "action_not_allowed", "",
                        "只有回访不满意的工单才能不认可结案 (only after a dissatisfied revisit)");
    if (compensation_pending(c))
        return cerr_set(e, "action_not_allowed", "", "补偿尚待审批，不能结案 (a compensation awaits approval)");
    return g_manager_closes(ctx, c, e);
}

static int g_close(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    if (c->status == ST_REPLIED && strcmp(c->nature, "invalid") != 0 && revisit_required(c))
        return cerr_set(e, "action_not_allowed", "", "有效投诉须先回访再结案 (a complaint must be revisited before it is closed)");
    if (c->status == ST_REVISITED && strcmp(revisit_result(c), "dissatisfied") == 0)
        return cerr_set(e, "action_not_allowed", "", "客户不满意，须再处理 (the customer was dissatisfied: reopen it)");
    if (compensation_pending(c))
        return cerr_set(e, "action_not_allowed", "", "补偿尚待审批，不能结案 (a compensation awaits approval)");
    return g_manager_closes(ctx, c, e);
}

static int g_assist_reply(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    if (!open_assist_for(ctx->org, c, 0, true))
        return cerr_set(e, "action_not_allowed", "", "没有待反馈的协办 (no assistance is outstanding)");
    return 0;
}

/*
 * 复核 (core/review.h; 003: 管理部…在四小时内根据公司文件对处理意见进行复核,对认可
 * 的处理出具过失处理意见;对有异议的…协商): resolving or invalidating a complaint
 * the pack names leaves its handling opinion pending review ("review_required"
 * in the event, so a later pack does not change it); the reply waits for the
 * approval; a return sends it back to the handling unit with the opinion.
 * The one who gave the opinion does not review it.
 */
static bool review_pending(const complaint *c)
{
    const char *st = jstr(json_object_get(c->data, "review"), "status");
    return st && strcmp(st, "pending") == 0;
}

static bool review_returned(const json_t *p)
{
    const char *r = jstr(p, "result");
    return r && strcmp(r, "returned") == 0;
}

/* The reviewing units (review_units: ids) see the complaint, as assisting units do (app_sees). */
static void mark_review(const wf_ctx *ctx, const complaint *c, json_t *p)
{
    const review_policy *rp = &ctx->pol->review;
    if (!review_needed(rp, level_of(c), c->channel) ||
        !taxonomy_kind_allows(&ctx->pol->tax, jstr(c->data, "kind"), "review"))
        return;
    json_object_set_new(p, "review_required", json_true());
    json_t *units = json_array();
    for (size_t i = 0; rp->units && rp->units[i]; i++) {
        const unit *u = org_find_code(ctx->org, rp->units[i]);
        if (u)
            json_array_append_new(units, json_integer(u->id));
    }
    json_object_set_new(p, "review_units", units);
}

static void open_review(complaint *c, const event *ev)
{
    if (!json_is_true(json_object_get(ev->payload, "review_required")))
        return;
    json_t *r = json_pack("{s:s,s:I,s:O}", "status", "pending", "since", (json_int_t)ev->at, "units",
                          json_object_get(ev->payload, "review_units"));
    json_object_set_new(c->data, "review", r);
}

static int g_review(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    if (!review_pending(c))
        return cerr_set(e, "action_not_allowed", "", "无须复核或已复核 (no review of the handling opinion is owed)");
    if (review_may(&ctx->pol->review, ctx->org, ctx->who, e))
        return -1;
    if (json_integer_value(json_object_get(json_object_get(c->data, "resolution"), "by")) == ctx->who->id)
        return cerr_set(e, "forbidden", "", "处理意见不能由出具人复核 (the one who gave the opinion does not review it)");
    return 0;
}

static int p_review(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)ctx, (void)c;
    if (review_returned(p) && blank(p, "opinion"))
        return cerr_set(e, "validation_failed", "opinion", "opinion: 有异议的，须写明复核意见 (a return states the objection)");
    return 0;
}

int workflow_sent_back_to(const wf_action *act)
{
    return act->id == WF_REVIEW ? ST_PROCESSING : ST_NONE;
}

/* The status a step of act on c with payload p leads to: the row's, or where a returned review sends it. */
static int step_to(const wf_action *act, const complaint *c, const json_t *p)
{
    if (workflow_sent_back_to(act) && review_returned(p))
        return workflow_sent_back_to(act);
    return act->to ? act->to : c->status;
}

static void x_review(complaint *c, const event *ev)
{
    bool back = review_returned(ev->payload);
    json_t *r = json_pack("{s:s}", "status", back ? "returned" : "approved");
    if (!blank(ev->payload, "opinion"))
        json_object_set(r, "opinion", json_object_get(ev->payload, "opinion"));
    json_object_set(r, "units", json_object_get(json_object_get(c->data, "review"), "units"));
    json_object_set_new(c->data, "review", stamp(ev, r));
    if (back)
        json_object_set_new(c->data, "review_returns",
                            json_integer(json_integer_value(json_object_get(c->data, "review_returns")) + 1));
}

/* The rules may reserve the answer to some units (a media complaint: headquarters only). */
static int g_reply(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    if (review_pending(c))
        return cerr_set(e, "action_not_allowed", "review",
                        "处理意见尚待复核，复核认可后才能答复 (the handling opinion awaits its review before the reply)");
    if (ctx->who->roles & R_SYSTEM)
        return 0;
    if (!rules_may_answer(ctx->org, json_object_get(c->data, "answer_by"), ctx->who->unit))
        return cerr_set(e, "forbidden", "", "此投诉只能由指定单位答复 (only %s may answer this complaint)",
                        json_string_value(json_array_get(json_object_get(c->data, "answer_by"), 0)));
    return 0;
}

static bool is_partner(const org *o, int64_t unit_id)
{
    const unit *u = org_find(o, unit_id);
    return u && strcmp(u->type, "partner") == 0;
}

/*
 * 合作SI不得将客户提交的咨询、申告、投诉和所引发的责任转交和转移给湖南移动 (001):
 * the staff of a cooperating partner that owns the complaint do not hand it
 * up or over to the company's units (escalate; transfer to a unit that is
 * no partner). A return (退单) of a work order dispatched to it by mistake
 * remains, and the company's own supervisors and managers move it freely.
 */
static bool partner_keeps(const wf_ctx *ctx, const complaint *c)
{
    return is_partner(ctx->org, c->owner_unit) && org_within(ctx->org, ctx->who->unit, c->owner_unit);
}

static int g_escalate(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    const unit *u = org_find(ctx->org, c->owner_unit);
    if (!u || !u->parent)
        return cerr_set(e, "action_not_allowed", "", "已是最高层级单位，无法升级 (the owner unit has no parent)");
    if (partner_keeps(ctx, c))
        return cerr_set(e, "action_not_allowed", "",
                        "合作SI不得将投诉转交和转移给公司 (a cooperating partner keeps the complaints given to it)");
    return 0;
}

/*
 * A complaint answered with a fault's script (fault_answer) is a 不满工单: it
 * waits for the fault and is not investigated, so the steps that begin an
 * investigation or conclude one are refused while it is linked; unlinking
 * it (fault_unlink) makes it an ordinary complaint again.
 */
static int not_fault_ticket(const complaint *c, const char *zh, const char *en, cerr *e)
{
    long long n = (long long)json_integer_value(json_object_get(c->data, "announcement"));
    if (n)
        return cerr_set(e, "action_not_allowed", "announcement",
                        "已按系统公告 %lld 的口径答复（不满工单），须先解除关联才能%s (answered with announcement %lld's "
                        "script: unlink it from the fault before you %s it)",
                        n, zh, n, en);
    return 0;
}

static int g_dispatch(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    (void)ctx;
    return not_fault_ticket(c, "派单", "dispatch", e);
}

static int g_invalidate(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    (void)ctx;
    return not_fault_ticket(c, "判定无效", "invalidate", e);
}

/* ---- prepare: derived values into the payload -------------------------- */

static int p_dispatch(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)ctx, (void)c, (void)e;
    /* A level given with a dispatch re-grades the complaint (its clocks are
     * re-planned by plan_clocks). */
    const char *lv = jstr(p, "level");
    if (lv)
        json_object_set_new(p, "level", json_integer(lv[0] - '0'));
    json_object_set(p, "owner_unit", json_object_get(p, "unit"));
    /* Where it was dispatched from: the unit a return (退单) sends it back to. */
    json_t *from = json_object_get(json_object_get(c->data, "dispatch"), "from_unit");
    if (c->status == ST_REGISTERED)
        json_object_set_new(p, "from_unit", json_integer(c->owner_unit));
    else if (json_is_integer(from))
        json_object_set(p, "from_unit", from);
    return 0;
}

/*
 * 退单: the unit a record was dispatched to sends it back to the service
 * centre that dispatched it, saying what is wrong, to be corrected and
 * dispatched again. Only a dispatch that recorded where it came from can be
 * returned (those before returns existed cannot).
 */
static int g_return(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    (void)ctx;
    if (!json_is_integer(json_object_get(json_object_get(c->data, "dispatch"), "from_unit")))
        return cerr_set(e, "action_not_allowed", "", "该工单无法退回 (it does not say where it was dispatched from)");
    return 0;
}

static int p_return(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)ctx, (void)e;
    json_object_set(p, "owner_unit", json_object_get(json_object_get(c->data, "dispatch"), "from_unit"));
    json_object_set_new(p, "from_unit", json_integer(c->owner_unit));
    return 0;
}

static void x_return(complaint *c, const event *ev)
{
    json_t *n = json_object_get(c->data, "returns");
    json_object_set_new(c->data, "returns", json_integer(json_integer_value(n) + 1));
    record(c, ev, "returned");
}

static int p_transfer(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    if (json_integer_value(json_object_get(p, "unit")) == c->owner_unit)
        return cerr_set(e, "validation_failed", "unit", "unit: 不能转派给当前承办单位 (already the owner)");
    if (partner_keeps(ctx, c) && !is_partner(ctx->org, json_integer_value(json_object_get(p, "unit"))))
        return cerr_set(e, "validation_failed", "unit",
                        "unit: 合作SI不得将投诉转交公司单位 (a cooperating partner transfers only to another partner)");
    json_object_set(p, "owner_unit", json_object_get(p, "unit"));
    return 0;
}

static int p_assist(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    int64_t u = json_integer_value(json_object_get(p, "unit"));
    if (u == c->owner_unit)
        return cerr_set(e, "validation_failed", "unit", "unit: 协办单位不能是承办单位 (the owner cannot assist itself)");
    if (open_assist_for(ctx->org, c, u, false) &&
        json_integer_value(json_object_get(open_assist_for(ctx->org, c, u, false), "unit")) == u)
        return cerr_set(e, "validation_failed", "unit", "unit: 该单位已在协办中 (already assisting)");
    return 0;
}

static int p_assist_reply(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    bool any = (ctx->who->roles & (R_SUPERVISOR | R_MANAGER)) != 0;
    const json_t *a = open_assist_for(ctx->org, c, ctx->who->unit, false);
    if (!a && any)
        a = open_assist_for(ctx->org, c, 0, true);
    if (!a)
        return cerr_set(e, "forbidden", "", "本单位没有待反馈的协办 (your unit was not asked to assist)");
    json_object_set(p, "assist_unit", json_object_get(a, "unit"));
    return 0;
}

static int p_escalate(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)e;
    const unit *u = org_find(ctx->org, c->owner_unit);
    json_object_set_new(p, "owner_unit", json_integer(u->parent));
    json_object_set_new(p, "from_unit", json_integer(c->owner_unit));
    return 0;
}

static int p_invalidate(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)e;
    json_object_set_new(p, "nature", json_string("invalid"));
    mark_review(ctx, c, p);
    return 0;
}

static int p_resolve(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)e;
    mark_review(ctx, c, p);
    return 0;
}

/*
 * The survey's answers are checked against the questions of the complaint's
 * category (core/survey.h). A dissatisfied result or a low score on any
 * question asks the supervisor to follow the case up (follow_up).
 */
static int p_revisit(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    bool self = ctx->who->roles & R_CUSTOMER;
    const json_t *given = json_object_get(p, "answers");
    if (given) {
        json_t *answers;
        if (survey_check(ctx->pol->raw, c->category, given, &answers, e))
            return -1;
        json_object_set_new(p, "answers", answers);
    }
    if (self) {
        /* The customer's scores are the result; their words, if any, the remarks. */
        const char *r = survey_result(json_object_get(p, "answers"));
        if (!r)
            return cerr_set(e, "validation_failed", "answers", "answers: 请至少为一个问题评分 (score at least one question)");
        json_object_set_new(p, "method", json_string("link"));
        json_object_set_new(p, "result", json_string(r));
    }
    const char *res = jstr(p, "result");
    if (!self && strcmp(res, "dissatisfied") == 0 && blank(p, "remarks"))
        return cerr_set(e, "validation_failed", "remarks", "remarks: 客户不满意时须记录原因 (required when dissatisfied)");
    int planned = revisit_attempts_planned(c), made = revisit_attempts_made(c);
    if (strcmp(res, "unreachable") == 0 && made + 1 < planned)
        return cerr_set(e, "validation_failed", "result",
                        "result: 须联系满 %d 次才能记为未联系上，已 %d 次 (try %d times before recording unreachable; %d so far)",
                        planned, made, planned, made);
    bool visit = json_is_true(json_object_get(json_object_get(c->data, "reply"), "visit_required"));
    if (!self && visit && strcmp(res, "unreachable") != 0 && strcmp(jstr(p, "method"), "visit") != 0 && blank(p, "visit"))
        return cerr_set(e, "validation_failed", "visit",
                        "visit: 该客户须电话与面访相结合，请记录面访情况 (this customer is visited as well as called)");
    if (strcmp(res, "dissatisfied") == 0 || survey_low(json_object_get(p, "answers")))
        json_object_set_new(p, "follow_up", json_true());
    return 0;
}

static int p_reopen(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    if (!json_object_get(p, "unit")) {
        int64_t u = c->handler_unit ? c->handler_unit : c->subject_unit;
        if (!org_find(ctx->org, u))
            return cerr_set(e, "validation_failed", "unit", "unit: 请指定承办单位 (name the handling unit)");
        json_object_set_new(p, "unit", json_integer(u));
    }
    json_object_set(p, "owner_unit", json_object_get(p, "unit"));
    return 0;
}

/*
 * 当场答复 closes the complaint where it was received: not a major case
 * unless a manager answers (as g_close), and not one whose answer the rules
 * reserve to other units — a media complaint gets no answer on site (seed
 * 000), as g_reply decides for the reply.
 */
static int g_answer(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    if (g_manager_closes(ctx, c, e))
        return -1;
    return g_reply(ctx, c, e);
}

/* ---- effects: the projection changes of each action -------------------- */

static void x_dispatch(complaint *c, const event *ev)
{
    c->handler_unit = c->owner_unit;
    record(c, ev, "dispatch");
}

/*
 * A handler who accepts a work order nobody is assigned to becomes its
 * assignee (指派到人, 004); a supervisor or manager accepting for the unit
 * does not. The payload carries it, so events from before assignment
 * existed replay as they were.
 */
static int p_accept(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)e;
    if ((ctx->who->roles & R_HANDLER) && !json_object_get(c->data, "assignee"))
        json_object_set_new(p, "assignee", json_integer(ctx->who->id));
    return 0;
}

static void set_assignee(complaint *c, const event *ev)
{
    json_t *who = json_object_get(ev->payload, "assignee");
    if (!json_is_integer(who))
        return;
    json_object_set(c->data, "assignee", who);
    json_object_set_new(c->data, "assigned", stamp(ev, json_object()));
}

static void x_accept(complaint *c, const event *ev)
{
    c->handler_unit = c->owner_unit;
    json_object_set_new(c->data, "accepted", stamp(ev, json_object()));
    set_assignee(c, ev);
}

static void x_transfer(complaint *c, const event *ev)
{
    (void)ev;
    c->handler_unit = c->owner_unit;
    json_t *n = json_object_get(c->data, "transfers");
    json_object_set_new(c->data, "transfers", json_integer(json_integer_value(n) + 1));
}

static void x_assist(complaint *c, const event *ev)
{
    json_t *list = jsonw_list(c->data, "assists");
    json_t *a = json_pack("{s:O,s:O,s:s,s:n}", "unit", json_object_get(ev->payload, "unit"), "request",
                          json_object_get(ev->payload, "request"), "status", "open", "feedback");
    json_array_append_new(list, stamp(ev, a));
}

static void x_assist_reply(complaint *c, const event *ev)
{
    json_int_t u = json_integer_value(json_object_get(ev->payload, "assist_unit"));
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(c->data, "assists"), i, a)
    {
        if (json_integer_value(json_object_get(a, "unit")) == u && strcmp(jstr(a, "status"), "open") == 0) {
            json_object_set_new(a, "status", json_string("done"));
            json_object_set(a, "feedback", json_object_get(ev->payload, "feedback"));
            json_object_set_new(a, "replied_at", json_integer(ev->at));
            break;
        }
    }
}

static void x_escalate(complaint *c, const event *ev)
{
    (void)ev;
    json_t *n = json_object_get(c->data, "escalations");
    json_object_set_new(c->data, "escalations", json_integer(json_integer_value(n) + 1));
}

static void x_resolve(complaint *c, const event *ev)
{
    json_t *r = json_pack("{s:O,s:O}", "type", json_object_get(ev->payload, "resolution_type"), "text",
                          json_object_get(ev->payload, "resolution"));
    json_object_set_new(c->data, "resolution", stamp(ev, r));
    open_review(c, ev);
}

static void x_invalidate(complaint *c, const event *ev)
{
    record(c, ev, "invalid");
    json_t *r = json_pack("{s:s,s:O}", "type", "explanation", "text", json_object_get(ev->payload, "explanation"));
    json_object_set_new(c->data, "resolution", stamp(ev, r));
    open_review(c, ev);
}

static void x_reply(complaint *c, const event *ev)
{
    record(c, ev, "reply");
}

/* Is code listed in the pack's section.key (an array of strings)? */
static bool pack_lists(const json_t *pack, const char *section, const char *key, const char *code)
{
    size_t i;
    const json_t *v;
    bool hit = false;
    json_array_foreach(json_object_get(json_object_get(pack, section), key), i, v)
        hit = hit || (code && json_string_value(v) && strcmp(json_string_value(v), code) == 0);
    return hit;
}

/*
 * 书面投诉必须书面答复 (001): a complaint received through one of the pack's
 * written channels (replies.written_channels) is answered by one of its
 * written methods (replies.written_methods). The reply also fixes how the
 * complaint will be revisited (core/survey.h).
 */
static int p_reply(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    const json_t *pack = ctx->pol->raw;
    if (pack_lists(pack, "replies", "written_channels", c->channel) &&
        !pack_lists(pack, "replies", "written_methods", jstr(p, "method")))
        return cerr_set(e, "validation_failed", "method",
                        "method: 书面投诉必须书面答复 (a written complaint gets a written reply)");
    revisit_plan plan;
    const char *cls = jstr(json_object_get(c->data, "customer"), "class");
    survey_plan(ctx->pol->raw, c->number, level_of(c), cls, &plan);
    /* A kind without the revisit (a consultation) closes after the reply. */
    if (!taxonomy_kind_allows(&ctx->pol->tax, jstr(c->data, "kind"), "revisit"))
        plan.required = plan.visit = false;
    json_object_set_new(p, "revisit_required", json_boolean(plan.required));
    json_object_set_new(p, "visit_required", json_boolean(plan.visit));
    json_object_set_new(p, "revisit_attempts", json_integer(plan.attempts));
    return 0;
}

static void x_revisit_attempt(complaint *c, const event *ev)
{
    (void)ev;
    json_object_set_new(c->data, "revisit_attempts", json_integer(revisit_attempts_made(c) + 1));
}

static void x_revisit(complaint *c, const event *ev)
{
    record(c, ev, "revisit");
}

static void x_reopen(complaint *c, const event *ev)
{
    c->handler_unit = c->owner_unit;
    json_t *n = json_object_get(c->data, "reopens");
    json_object_set_new(c->data, "reopens", json_integer(json_integer_value(n) + 1));
    record(c, ev, "reopen");
}

/* ---- waiting, extensions, progress replies, the sweeper -------------------- */

static const json_t *clock_of(const complaint *c, const char *name)
{
    return json_object_get(json_object_get(c->data, "clocks"), name);
}

static bool extension_pending(const complaint *c)
{
    const char *st = jstr(json_object_get(c->data, "extension"), "status");
    return st && strcmp(st, "requested") == 0;
}

static int g_wait(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    (void)ctx;
    if (json_object_get(c->data, "waiting"))
        return cerr_set(e, "action_not_allowed", "", "已在等待客户 (already waiting for the customer)");
    return 0;
}

static int g_resume(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    (void)ctx;
    if (!json_object_get(c->data, "waiting"))
        return cerr_set(e, "action_not_allowed", "", "未在等待客户 (not waiting for the customer)");
    return 0;
}

static int g_request_extension(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    (void)ctx;
    if (!sla_open(clock_of(c, "handle")))
        return cerr_set(e, "action_not_allowed", "", "处理时限未在计时 (no handling clock is running)");
    if (extension_pending(c))
        return cerr_set(e, "action_not_allowed", "", "已有待审批的延期申请 (an extension request is pending)");
    return 0;
}

static int g_extension_pending(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    if (!extension_pending(c))
        return cerr_set(e, "action_not_allowed", "", "没有待审批的延期申请 (no extension request is pending)");
    /* 001: 重要投诉一般在3日内处置完毕,超时需经公司总经理批准 — the pack may reserve a level's extensions */
    unsigned need = c->level >= 1 && c->level <= SLA_LEVELS ? ctx->pol->sla.extension_roles[c->level] : 0;
    if (need && !(ctx->who->roles & need))
        return cerr_set(e, "forbidden", "", "该等级投诉的延期须由%s审批 (an extension at this level is decided by a %s)",
                        need & R_SUPERVISOR ? "主管" : "管理层", need & R_SUPERVISOR ? "supervisor" : "manager");
    return 0;
}

static int p_wait(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)ctx, (void)c, (void)e;
    json_object_set_new(p, "waiting", json_pack("{s:O}", "reason", json_object_get(p, "reason")));
    return 0;
}

static int p_resume(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)ctx, (void)c, (void)e;
    json_object_set_new(p, "waiting", json_null());
    return 0;
}

static int p_request_extension(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    int64_t want = json_integer_value(json_object_get(p, "deadline"));
    int64_t old = json_integer_value(json_object_get(clock_of(c, "handle"), "deadline"));
    if (want <= ctx->now || want <= old)
        return cerr_set(e, "validation_failed", "deadline",
                        "deadline: 应晚于当前处理时限 (must be later than the current deadline and now)");
    json_object_set_new(p, "old_deadline", json_integer(old));
    return 0;
}

static int p_approve_extension(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)ctx, (void)e;
    json_object_set(p, "deadline", json_object_get(json_object_get(c->data, "extension"), "deadline"));
    return 0;
}

/*
 * The unit answerable for a clock: the owner; for the review (复核) the
 * reviewing unit; for the clocks only the centre's steps stop the service
 * centre that took the complaint (the owner while it is registered, then
 * the unit it was dispatched from), which owes them whoever handles it.
 */
static int64_t answerable_unit(const complaint *c, const char *clock)
{
    const json_t *reviewer = json_array_get(json_object_get(json_object_get(c->data, "review"), "units"), 0);
    const json_t *centre = json_object_get(json_object_get(c->data, "dispatch"), "from_unit");
    if (strcmp(clock, "review") == 0 && json_is_integer(reviewer))
        return json_integer_value(reviewer);
    /* the answer on acceptance, the first word to the customer, the
     * progress told, the hand-over to management */
    static const char *const centre_clocks[] = {"handover", "first_response", "acknowledge", "progress"};
    for (size_t i = 0; i < sizeof centre_clocks / sizeof *centre_clocks; i++)
        if (strcmp(clock, centre_clocks[i]) == 0 && c->status != ST_REGISTERED && json_is_integer(centre))
            return json_integer_value(centre);
    return c->owner_unit;
}

/* The sweeper's step: which point is due is decided from the clocks at now. */
static int sweep_prepare(const wf_ctx *ctx, const complaint *c, json_t *p, int kind, cerr *e)
{
    sla_due d;
    sla_due_at(json_object_get(c->data, "clocks"), ctx->now, &d);
    if (!d.kind || d.kind != kind)
        return cerr_set(e, "action_not_allowed", "", "nothing of this kind is due");
    const json_t *ck = clock_of(c, d.clock);
    json_object_set_new(p, "clock", json_string(d.clock));
    json_object_set(p, "deadline", json_object_get(ck, "deadline"));
    json_object_set(p, "warning_at", json_object_get(ck, "warning_at"));
    int64_t resp = answerable_unit(c, d.clock);
    if (d.kind != SLA_DUE_WARN) {
        /* Level 1 goes to the answerable unit's supervisor, each further level one unit up. */
        int64_t u = resp;
        for (int k = 1; k < d.level; k++) {
            const unit *un = org_find(ctx->org, u);
            if (un && un->parent)
                u = un->parent;
        }
        json_object_set_new(p, "supervision_level", json_integer(d.level));
        json_object_set_new(p, "supervise_unit", json_integer(u));
    }
    json_object_set_new(p, "unit", json_integer(resp));
    return 0;
}

static int p_warn(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    return sweep_prepare(ctx, c, p, SLA_DUE_WARN, e);
}

static int p_breach(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    return sweep_prepare(ctx, c, p, SLA_DUE_BREACH, e);
}

static int p_supervise(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    return sweep_prepare(ctx, c, p, SLA_DUE_SUPERVISE, e);
}

static void x_request_extension(complaint *c, const event *ev)
{
    json_t *x = jsonw_copy(ev->payload);
    json_object_del(x, "clocks");
    json_object_del(x, "stage_due");
    json_object_set_new(x, "status", json_string("requested"));
    json_object_set_new(c->data, "extension", stamp(ev, x));
}

static void decide_extension(complaint *c, const event *ev, bool ok)
{
    json_t *x = json_object_get(c->data, "extension");
    if (!x)
        return;
    json_object_set_new(x, "status", json_string(ok ? "approved" : "refused"));
    json_object_set_new(x, "decided_at", json_integer(ev->at));
    json_object_set_new(x, "decided_by", json_integer(ev->actor));
    const char *why = jstr(ev->payload, ok ? "note" : "reason");
    if (why)
        json_object_set_new(x, "decision", json_string(why));
    json_t *n = json_object_get(c->data, "extensions");
    if (ok)
        json_object_set_new(c->data, "extensions", json_integer(json_integer_value(n) + 1));
}

static void x_approve_extension(complaint *c, const event *ev)
{
    decide_extension(c, ev, true);
}

static void x_refuse_extension(complaint *c, const event *ev)
{
    decide_extension(c, ev, false);
}

static void x_progress_reply(complaint *c, const event *ev)
{
    json_t *list = jsonw_list(c->data, "progress_replies");
    json_t *r = json_pack("{s:O,s:O}", "method", json_object_get(ev->payload, "method"), "content",
                          json_object_get(ev->payload, "content"));
    json_array_append_new(list, stamp(ev, r));
}

/* A step owed while its clock runs (acknowledge, propose_solution, hand_over): refused, saying why, once it is not. */
static int owed(const complaint *c, const char *clock, const char *why, cerr *e)
{
    return sla_open(clock_of(c, clock)) ? 0 : cerr_set(e, "action_not_allowed", "", "%s", why);
}

/*
 * 受理答复 (001: 能够当场答复是否受理的,应当场答复;不能当场答复的,应在三个
 * 工作日内向投诉者作出受理答复。不予受理的,应告知不受理的理由): offered while
 * the acknowledge clock the pack gives some complaints is open, once; a
 * refusal states its reason. A reply or progress reply stops the clock too.
 */
static int g_acknowledge(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    (void)ctx;
    return owed(c, "acknowledge", "无须或已作出受理答复 (no answer on acceptance is owed)", e);
}

static int p_acknowledge(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)ctx;
    (void)c;
    const char *reason = jstr(p, "reason");
    if (strcmp(jstr(p, "outcome"), "refuse") == 0 && (!reason || !*reason))
        return cerr_set(e, "validation_failed", "reason", "reason: 不予受理的,应告知不受理的理由 (a refusal states why)");
    return 0;
}

static void x_acknowledge(complaint *c, const event *ev)
{
    json_t *r = json_pack("{s:O,s:O,s:O}", "outcome", json_object_get(ev->payload, "outcome"), "method",
                          json_object_get(ev->payload, "method"), "content", json_object_get(ev->payload, "content"));
    if (json_object_get(ev->payload, "reason"))
        json_object_set(r, "reason", json_object_get(ev->payload, "reason"));
    json_object_set_new(c->data, "acknowledgement", stamp(ev, r));
}

/*
 * 提出初步解决方案 (004: 1個工作日內完成初步調查,2個工作日內提出初步解決方案,
 * 3個工作日內落實解決措施): offered to the handling unit while the solution
 * clock the pack gives is open; resolving or invalidating stops it too.
 */
static int g_propose_solution(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    (void)ctx;
    return owed(c, "solution", "无须或已提出初步解决方案 (no proposed solution is owed)", e);
}

static void x_propose_solution(complaint *c, const event *ev)
{
    json_t *r = json_pack("{s:O}", "solution", json_object_get(ev->payload, "solution"));
    if (json_object_get(ev->payload, "note"))
        json_object_set(r, "note", json_object_get(ev->payload, "note"));
    json_object_set_new(c->data, "solution_proposal", stamp(ev, r));
}

/*
 * 呈报管理层 (001: 重大投诉,当天呈送公司总经理进入处置程序;重要投诉,接待后1小时内
 * 转呈主管经理进行处置程序): offered to the centre while the handover clock
 * the pack gives the complaint's level is open. The record is the
 * complaint's "handover" (to, note, at, by).
 */
static int g_hand_over(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    (void)ctx;
    return owed(c, "handover", "无须或已呈报管理层 (no hand-over to management is owed)", e);
}

static void x_hand_over(complaint *c, const event *ev)
{
    record(c, ev, "handover");
}

/*
 * 客户确认 (closing.confirmation, core/cases.h): what of c may be confirmed
 * now — the record while it is open, the result once it is resolved — and
 * has not been yet.
 */
unsigned workflow_confirmable(const wf_ctx *ctx, const complaint *c)
{
    unsigned need = cases_confirmations_missing(c, cases_confirmations_needed(&ctx->pol->cases, &ctx->pol->tax, c));
    if (!status_open(c->status))
        return 0;
    if (c->status != ST_RESOLVED && c->status != ST_REPLIED && c->status != ST_REVISITED)
        need &= ~(unsigned)CONFIRM_RESULT;
    return need;
}

static int g_confirm(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    if (!workflow_confirmable(ctx, c))
        return cerr_set(e, "action_not_allowed", "", "没有待客户确认的内容 (nothing awaits the customer's confirmation)");
    return 0;
}

static int p_confirm(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    unsigned what = cases_confirmation_parse(jstr(p, "what"));
    if (!(what & workflow_confirmable(ctx, c)))
        return cerr_set(e, "validation_failed", "what", "what: 此项无须或已经客户确认 (not awaiting confirmation)");
    if (strcmp(jstr(p, "verdict"), "disputed") == 0 && blank(p, "note"))
        return cerr_set(e, "validation_failed", "note", "note: 请写明客户认为哪里不对 (say what the customer disputes)");
    if (ctx->who->roles & R_CUSTOMER) {
        json_object_set_new(p, "method", json_string("portal"));
        json_object_set_new(p, "confirmed_at", json_integer(ctx->now));
        return 0;
    }
    /* when the customer signed or said so, recorded perhaps later: never ahead, never before the intake */
    const json_t *at = json_object_get(p, "confirmed_at");
    if (!at)
        json_object_set_new(p, "confirmed_at", json_integer(ctx->now));
    else if (json_integer_value(at) > ctx->now + 300)
        return cerr_set(e, "validation_failed", "confirmed_at", "confirmed_at: 不能晚于当前时间 (is in the future)");
    else if (json_integer_value(at) < c->received_at)
        return cerr_set(e, "validation_failed", "confirmed_at",
                        "confirmed_at: 不能早于受理时间 (before the complaint was received)");
    return 0;
}

/* data.confirmations.{record,result}: the latest answer, stamped; the events keep every one. */
static void x_confirm(complaint *c, const event *ev)
{
    json_t *all = json_object_get(c->data, "confirmations");
    if (!json_is_object(all)) {
        all = json_object();
        json_object_set_new(c->data, "confirmations", all);
    }
    json_t *o = jsonw_copy(ev->payload);
    json_object_del(o, "what");
    json_object_set_new(all, jstr(ev->payload, "what"), stamp(ev, o));
}

/* Counts the sweeper's warnings and supervisions for the statistics (DOMAIN §5). */
static void count(complaint *c, const char *key)
{
    json_t *n = json_object_get(c->data, key);
    json_object_set_new(c->data, key, json_integer(json_integer_value(n) + 1));
}

static void x_warn(complaint *c, const event *ev)
{
    (void)ev;
    count(c, "warnings");
}

/* The breach and every further supervision. */
static void x_supervision(complaint *c, const event *ev)
{
    (void)ev;
    count(c, "supervisions");
}

/* ---- clocks: what each step does to them ----------------------------------- */

static sla_attrs attrs_of(const complaint *c, const json_t *p)
{
    sla_attrs a = {0};
    a.level = json_is_integer(json_object_get(p, "level")) ? (int)json_integer_value(json_object_get(p, "level"))
                                                            : level_of(c);
    a.scope = jstr(p, "scope");
    if (!a.scope)
        a.scope = jstr(c->data, "scope");
    a.customer_class = jstr(json_object_get(c->data, "customer"), "class");
    a.category = c->category;
    a.channel = c->channel;
    a.kind = jstr(c->data, "kind");
    a.complex = json_is_true(json_object_get(p, "complex")) || json_is_true(json_object_get(c->data, "complex"));
    return a;
}

static int clk_start(const wf_ctx *ctx, json_t *clocks, int clock, const sla_attrs *a, int64_t start, cerr *e)
{
    sla_limit l;
    sla_select(&ctx->pol->sla, &ctx->pol->tax, clock, a, &l);
    if (l.kind == SLA_NONE)
        return 0; /* no limit: no clock */
    json_t *ck;
    if (sla_start(&ctx->pol->sla, &l, start, &ck, e))
        return -1;
    json_object_set_new(clocks, sla_clock_name(clock), ck);
    return 0;
}

static int clk_stop(const wf_ctx *ctx, json_t *clocks, const char *name, cerr *e)
{
    json_t *ck = json_object_get(clocks, name);
    return ck ? sla_stop(&ctx->pol->sla, ck, ctx->now, e) : 0;
}

/* Every open clock: stop, pause or resume. */
static int clk_all(const wf_ctx *ctx, json_t *clocks, int (*op)(const sla_policy *, json_t *, int64_t, cerr *), cerr *e)
{
    const char *name;
    json_t *ck;
    json_object_foreach(clocks, name, ck)
    {
        if (op(&ctx->pol->sla, ck, ctx->now, e))
            return -1;
    }
    return 0;
}

/* Re-plans the open clocks: with limits chosen again for attributes a (re-grading,
 * escalation), or with a == NULL only the calendar arithmetic (a calendar changed). */
static int clk_replan(const wf_ctx *ctx, json_t *clocks, const sla_attrs *a, cerr *e)
{
    const char *name;
    json_t *ck;
    json_object_foreach(clocks, name, ck)
    {
        int id = sla_clock_parse(name);
        bool fixed = json_object_get(json_object_get(ck, "limit"), "until") != NULL;
        sla_limit l;
        if (a && id >= 0 && !fixed) {
            sla_select(&ctx->pol->sla, &ctx->pol->tax, id, a, &l);
            if (l.kind == SLA_NONE)
                continue;
        }
        if (sla_replan(&ctx->pol->sla, ck, a && id >= 0 && !fixed ? &l : NULL, e))
            return -1;
    }
    return 0;
}

static int64_t clk_deadline(const json_t *clocks, const char *name)
{
    return json_integer_value(json_object_get(json_object_get(clocks, name), "deadline"));
}

/* The sweeper's flags on the clock named in the payload: a warning, or also the breach. */
static void clk_flag(json_t *clocks, bool breached, const json_t *p)
{
    json_t *ck = json_object_get(clocks, jstr(p, "clock"));
    if (!ck)
        return;
    json_object_set_new(ck, "warned", json_true());
    if (breached) {
        json_object_set(ck, "level", json_object_get(p, "supervision_level"));
        json_object_set_new(ck, "state", json_string("breached"));
    }
}

/*
 * The clock owed only at some levels (handover: 重大 and 重要, not 轻微) after a
 * re-grading to attributes a: one the new grade gives no limit stops (met,
 * or breached when already late: nothing more is owed); a grade that makes
 * it owed where the old one did not starts it from now, unless it runs or a
 * hand-over was recorded (a running one was re-planned from its start by
 * clk_replan; a re-grading that leaves it owed as before starts nothing).
 */
static int clk_regrade(const wf_ctx *ctx, const complaint *c, json_t *clocks, const sla_attrs *a, cerr *e)
{
    sla_attrs was = attrs_of(c, NULL);
    sla_limit l, before;
    sla_select(&ctx->pol->sla, &ctx->pol->tax, SLA_HANDOVER, a, &l);
    sla_select(&ctx->pol->sla, &ctx->pol->tax, SLA_HANDOVER, &was, &before);
    json_t *ck = json_object_get(clocks, "handover");
    if (l.kind == SLA_NONE)
        return ck ? sla_stop(&ctx->pol->sla, ck, ctx->now, e) : 0;
    if (before.kind != SLA_NONE || sla_open(ck) || json_object_get(c->data, "handover"))
        return 0;
    return clk_start(ctx, clocks, SLA_HANDOVER, a, ctx->now, e);
}

/* The widest scope the new owner's unit type implies (escalation), if wider than the complaint's. */
static void widen_scope(const wf_ctx *ctx, json_t *p, sla_attrs *a)
{
    const unit *to = org_find(ctx->org, json_integer_value(json_object_get(p, "owner_unit")));
    const char *wide = to && strcmp(to->type, "hq") == 0       ? "national"
                       : to && strcmp(to->type, "branch") == 0 ? "provincial"
                                                               : NULL;
    if (wide && sla_scope_rank(wide) > sla_scope_rank(a->scope ? a->scope : "general")) {
        json_object_set_new(p, "scope", json_string(wide));
        a->scope = jstr(p, "scope");
    }
}

/* The "progress" clock: the customer hears before the handle deadline, on its calendar. */
static int clk_progress(const wf_ctx *ctx, json_t *clocks, cerr *e)
{
    const json_t *h = json_object_get(clocks, "handle");
    sla_limit l = {.kind = SLA_UNTIL, .value = clk_deadline(clocks, "handle")};
    snprintf(l.calendar, sizeof l.calendar, "%s", jstr(h, "calendar") ? jstr(h, "calendar") : "");
    json_t *ck;
    if (sla_start(&ctx->pol->sla, &l, ctx->now, &ck, e))
        return -1;
    json_object_set_new(clocks, "progress", ck);
    return 0;
}

/* The handling unit's clocks: paused while the case is recorded as unresolvable. */
static int clk_handling(const wf_ctx *ctx, json_t *clocks, int (*op)(const sla_policy *, json_t *, int64_t, cerr *),
                        cerr *e)
{
    static const int which[] = {SLA_HANDLE, SLA_PROGRESS, SLA_SOLUTION};
    for (size_t i = 0; i < sizeof which / sizeof which[0]; i++) {
        json_t *ck = json_object_get(clocks, sla_clock_name(which[i]));
        if (ck && op(&ctx->pol->sla, ck, ctx->now, e))
            return -1;
    }
    return 0;
}

/* ---- a cooperating partner's milestones (SI, units of type "partner") ---- */

/*
 * The partner's milestones follow the ownership: a step that gives the
 * complaint to a partner (dispatch, transfer, reopen, …) starts its
 * partner_reply (对移动客服中心转交的…客户服务处理单,必须及时处理和应答), and
 * one that takes it from a partner ends what that partner owed (met, or
 * breached when already late): its answer, the visit and the second visit.
 */
static int clk_partner(const wf_ctx *ctx, const complaint *c, const json_t *p, json_t *clocks, const sla_attrs *a,
                       cerr *e)
{
    const json_t *to = json_object_get(p, "owner_unit");
    if (!json_is_integer(to) || json_integer_value(to) == c->owner_unit)
        return 0;
    if (is_partner(ctx->org, c->owner_unit) &&
        (clk_stop(ctx, clocks, "partner_reply", e) || clk_stop(ctx, clocks, "onsite", e) ||
         clk_stop(ctx, clocks, "second_visit", e)))
        return -1;
    if (is_partner(ctx->org, json_integer_value(to)))
        return clk_start(ctx, clocks, SLA_PARTNER_REPLY, a, ctx->now, e);
    return 0;
}

/*
 * 确认上门需求 (001, 合作SI: 确认客户需求后,SI客户服务人员应在1个工作日内到达
 * 现场): offered on a partner's work order where the pack gives the onsite
 * clock a limit, while no visit is owed already; it starts that clock.
 */
static int g_request_onsite(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    if (!is_partner(ctx->org, c->owner_unit))
        return cerr_set(e, "action_not_allowed", "",
                        "上门服务只适用于合作SI承办的工单 (only a partner's work order has on-site visits)");
    sla_attrs a = attrs_of(c, NULL);
    sla_limit l;
    sla_select(&ctx->pol->sla, &ctx->pol->tax, SLA_ONSITE, &a, &l);
    if (l.kind == SLA_NONE)
        return cerr_set(e, "action_not_allowed", "", "未设上门服务时限 (the policy sets no on-site time limit)");
    if (sla_open(clock_of(c, "onsite")) || sla_open(clock_of(c, "second_visit")))
        return cerr_set(e, "action_not_allowed", "", "已确认上门需求，待上门服务 (a visit is owed already)");
    return 0;
}

static int p_request_onsite(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)ctx, (void)e;
    json_object_set_new(p, "unit", json_integer(c->owner_unit)); /* the partner who owes the visit */
    return 0;
}

static void x_request_onsite(complaint *c, const event *ev)
{
    record(c, ev, "onsite_request");
}

/*
 * 上门服务: a visit recorded while one is owed (onsite, or second_visit after
 * 现场服务人员不能解决的问题); unsolved, the next is owed within the
 * second_visit limit (在3个工作日内为客户提供第二次现场服务). The payload says
 * which visit it is and which clock it answers; data.onsite_visits lists them.
 */
static int g_onsite_visit(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    (void)ctx;
    if (!sla_open(clock_of(c, "onsite")) && !sla_open(clock_of(c, "second_visit")))
        return cerr_set(e, "action_not_allowed", "", "没有待完成的上门服务 (no on-site visit is owed)");
    return 0;
}

static int p_onsite_visit(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)ctx, (void)e;
    json_object_set_new(p, "visit_no",
                        json_integer((json_int_t)json_array_size(json_object_get(c->data, "onsite_visits")) + 1));
    json_object_set_new(p, "owed", json_string(sla_open(clock_of(c, "onsite")) ? "onsite" : "second_visit"));
    json_object_set_new(p, "unit", json_integer(c->owner_unit));
    return 0;
}

static void x_onsite_visit(complaint *c, const event *ev)
{
    json_t *list = jsonw_list(c->data, "onsite_visits");
    json_array_append_new(list, payload_record(ev));
}

static bool visit_solved(const json_t *p)
{
    const char *r = jstr(p, "result");
    return r && strcmp(r, "solved") == 0;
}

/* Carries out act's clock plan (wf_clock_plan) on clocks, a copy the caller owns. */
static int plan_action(const wf_ctx *ctx, const complaint *c, const wf_action *act, json_t *p, json_t *clocks,
                       cerr *e)
{
    const wf_clock_plan *plan = &act->clocks;
    sla_attrs a = attrs_of(c, p);
    /* A correction's new kind, category or customer class chooses the limits (time_limit_policy). */
    bool recorrected = false;
    if (act->id == WF_CORRECT) {
        const char *v;
        if ((v = jstr(p, "kind")))
            a.kind = v, recorrected = true;
        if ((v = jstr(p, "category")))
            a.category = v, recorrected = true;
        if ((v = jstr(p, "customer_class")))
            a.customer_class = v, recorrected = true;
    }
    /* A reply to a complaint outside the pack's revisit sample (p_reply) goes
     * straight to closing: the closing clock starts instead of the revisit's. */
    unsigned start = plan->start;
    if (act->id == WF_REPLY && json_is_false(json_object_get(p, "revisit_required")))
        start = (start & ~CK(SLA_REVISIT)) | CK(SLA_CLOSE);
    /* A handling opinion pending review (复核): its clock instead of the reply's; returned, handling again. */
    if (json_is_true(json_object_get(p, "review_required")))
        start = (start & ~CK(SLA_REPLY)) | CK(SLA_REVIEW);
    if (act->id == WF_REVIEW && review_returned(p))
        start = (start & ~CK(SLA_REPLY)) | CK(SLA_HANDLE);
    /* A visit that solved it owes no second one. */
    if (act->id == WF_ONSITE_VISIT && visit_solved(p))
        start &= ~CK(SLA_SECOND_VISIT);
    if (!plan->when || (plan->when & BIT(c->status))) {
        for (int k = 0; k < SLA__COUNT; k++)
            if ((plan->stop & CK(k)) && clk_stop(ctx, clocks, sla_clock_name(k), e))
                return -1;
        for (int k = 0; k < SLA__COUNT; k++)
            if ((start & CK(k)) && clk_start(ctx, clocks, k, &a, ctx->now, e))
                return -1;
    }
    if (clk_partner(ctx, c, p, clocks, &a, e))
        return -1;
    switch (plan->op) {
    case WF_CLK_NONE:
        return 0;
    case WF_CLK_STOP_ALL:
        return clk_all(ctx, clocks, sla_stop, e);
    case WF_CLK_PAUSE_ALL:
        return clk_all(ctx, clocks, sla_pause, e);
    case WF_CLK_REGRADE:
        return recorrected || json_object_get(p, "level") || jstr(p, "scope") ||
                       json_is_true(json_object_get(p, "complex"))
                   ? clk_replan(ctx, clocks, &a, e) || clk_regrade(ctx, c, clocks, &a, e)
                   : 0;
    case WF_CLK_WIDEN:
        widen_scope(ctx, p, &a);
        return clk_replan(ctx, clocks, &a, e) || clk_regrade(ctx, c, clocks, &a, e);
    case WF_CLK_RECALC:
        return clk_replan(ctx, clocks, NULL, e);
    case WF_CLK_PROGRESS:
        return clk_progress(ctx, clocks, e);
    case WF_CLK_EXTEND: {
        json_t *h = json_object_get(clocks, "handle");
        return h ? sla_extend(&ctx->pol->sla, h, ctx->now, json_integer_value(json_object_get(p, "deadline")), e) : 0;
    }
    case WF_CLK_FLAG:
        clk_flag(clocks, act->id != WF_WARN, p);
        return 0;
    case WF_CLK_PARK:
        return clk_handling(ctx, clocks, sla_pause, e);
    case WF_CLK_UNPARK:
        return clk_handling(ctx, clocks, sla_resume, e);
    }
    assert(!"an action's clock plan names no known op");
    return 0;
}

/*
 * Plans the clocks for action on c and writes what changed into the payload:
 * "clocks" (each changed clock whole), "stage_due" (the nearest running
 * deadline) and "overall_due" when the promise moved.
 */
static int plan_clocks(const wf_ctx *ctx, const complaint *c, const wf_action *act, json_t *p, cerr *e)
{
    const json_t *before = json_object_get(c->data, "clocks");
    json_t *clocks = before ? jsonw_copy(before) : json_object();
    int rc = -1;
    /* A step that moves the complaint on ends a wait for the customer. */
    bool ends_wait = json_object_get(c->data, "waiting") && (act->id == WF_RESUME || step_to(act, c, p) != c->status);
    if (ends_wait) {
        if (clk_all(ctx, clocks, sla_resume, e))
            goto out;
        json_object_set_new(p, "waiting", json_null());
    }
    if (plan_action(ctx, c, act, p, clocks, e))
        goto out;
    json_t *changed = json_object();
    const char *name;
    json_t *ck;
    json_object_foreach(clocks, name, ck)
    {
        if (!json_equal(ck, json_object_get(before, name)))
            json_object_set(changed, name, ck);
    }
    if (json_object_size(changed)) {
        json_object_set_new(p, "clocks", changed);
        int64_t due = sla_nearest(clocks);
        json_object_set_new(p, "stage_due", due ? json_integer(due) : json_null());
        json_t *ov = json_object_get(changed, "overall");
        if (ov && json_integer_value(json_object_get(ov, "deadline")) != c->overall_due)
            json_object_set(p, "overall_due", json_object_get(ov, "deadline"));
    } else {
        json_decref(changed);
    }
    rc = 0;
out:
    json_decref(clocks);
    return rc;
}

int workflow_sweep_step(const wf_ctx *ctx, const complaint *c, event *ev, cerr *e)
{
    /* next_check_at is the clocks' nearest point (apply_clocks): before it
     * nothing is due, and the clocks need not be read. */
    if (!status_open(c->status) || c->next_check_at > ctx->now)
        return 1;
    sla_due d;
    sla_due_at(json_object_get(c->data, "clocks"), ctx->now, &d);
    if (!d.kind)
        return 1;
    const char *action = d.kind == SLA_DUE_WARN ? "warn" : d.kind == SLA_DUE_BREACH ? "breach" : "supervise";
    return workflow_step(ctx, c, action, NULL, ev, e);
}

/* The rules' facts of a stored complaint (its free text is sealed: no keywords). */
static void facts_of(const complaint *c, rules_facts *f)
{
    *f = (rules_facts){.channel = c->channel, .category = c->category,
                       .customer_class = jstr(json_object_get(c->data, "customer"), "class"),
                       .subject_unit = c->subject_unit, .at = c->received_at};
}

static const rule *upgrade_due(const wf_ctx *ctx, const complaint *c)
{
    rules_facts f;
    facts_of(c, &f);
    return rules_due(&ctx->pol->rules, &ctx->pol->tax, ctx->org, &f,
                     (int)json_integer_value(json_object_get(c->data, "reopens")), ctx->now,
                     json_object_get(c->data, "upgrades"));
}

int workflow_upgrade_step(const wf_ctx *ctx, const complaint *c, event *ev, cerr *e)
{
    if (!status_open(c->status))
        return 1;
    const rule *u = upgrade_due(ctx, c);
    if (!u)
        return 1;
    json_t *in = json_pack("{s:s}", "rule", u->code);
    int rc = workflow_step(ctx, c, "upgrade", in, ev, e);
    json_decref(in);
    return rc;
}

/*
 * A rule over time fired (the sweeper's): the level only when more severe,
 * the priority only when higher; the rule's code is kept so that it fires
 * once.
 */
static int p_upgrade(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    const rule *u = rules_find(&ctx->pol->rules, jstr(p, "rule"));
    if (!u || !rules_over_time(u) || upgrade_due(ctx, c) != u)
        return cerr_set(e, "action_not_allowed", "rule", "rule: 该规则现在不适用 (the rule is not due)");
    if (u->level && u->level < c->level)
        json_object_set_new(p, "level", json_integer(u->level));
    const char *prio = jstr(c->data, "priority");
    if (u->priority && rules_priority_rank(u->priority) > rules_priority_rank(prio ? prio : "normal"))
        json_object_set_new(p, "priority", json_string(u->priority));
    json_object_set_new(p, "name", json_deep_copy(u->name));
    return 0;
}

static void x_upgrade(complaint *c, const event *ev)
{
    json_t *list = jsonw_list(c->data, "upgrades");
    json_array_append(list, json_object_get(ev->payload, "rule"));
    if (json_object_get(ev->payload, "priority"))
        json_object_set(c->data, "priority", json_object_get(ev->payload, "priority"));
}

bool workflow_uses_calendar(const complaint *c, const char *name)
{
    const char *k;
    const json_t *ck;
    json_object_foreach(json_object_get(c->data, "clocks"), k, ck)
    {
        const char *cal = jstr(ck, "calendar");
        if (sla_open(ck) && cal && strcmp(cal, name) == 0)
            return true;
    }
    return false;
}

/* ---- closing, compensation, the penalty ledger (core/cases.h) ------------------ */

/* Text that lives in the form (labels built for this complaint). */
static const char *form_text(wf_form *fm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *form_text(wf_form *fm, const char *fmt, ...)
{
    char *out = fm->text + fm->used;
    size_t room = sizeof fm->text - fm->used;
    if (room < 2)
        return "";
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, room, fmt, ap);
    va_end(ap);
    fm->used += n < 0 ? 1 : (size_t)n < room ? (size_t)n + 1 : room;
    return out;
}

/* Starts an option list in the form; form_option appends, form_options_end terminates. */
static wf_option *form_options(wf_form *fm)
{
    return &fm->options[fm->nopts];
}

static void form_option(wf_form *fm, const char *value, const char *zh, const char *en)
{
    if (fm->nopts + 2 < WF_FORM_OPTIONS)
        fm->options[fm->nopts++] = (wf_option){value, zh, en ? en : zh};
}

static void form_options_end(wf_form *fm)
{
    fm->options[fm->nopts++] = (wf_option){NULL, NULL, NULL};
}

static const wf_option *form_choices(wf_form *fm, const cases_choice *list, size_t n)
{
    wf_option *o = form_options(fm);
    for (size_t i = 0; i < n; i++)
        form_option(fm, list[i].code, list[i].name, list[i].name_en);
    form_options_end(fm);
    return o;
}

static void form_field(wf_form *fm, const wf_field *f, bool required, const wf_option *opts)
{
    if (fm->n >= WF_FORM_FIELDS)
        return;
    wf_field *d = &fm->fields[fm->n++];
    *d = *f;
    d->required = required;
    if (opts)
        d->options = opts;
    fm->fields[fm->n] = (wf_field)END;
}

static bool is_appeal(const complaint *c)
{
    return strcmp(cases_kind(c), "appeal") == 0;
}

/* The explanation already given (判定无效, or a resolution that was one). */
static const char *recorded_explanation(const complaint *c)
{
    const char *x = jstr(json_object_get(c->data, "invalid"), "explanation");
    const json_t *r = json_object_get(c->data, "resolution");
    if (!x && jstr(r, "type") && strcmp(jstr(r, "type"), "explanation") == 0)
        x = jstr(r, "text");
    return x;
}

static void form_close(const wf_ctx *ctx, const complaint *c, wf_form *fm)
{
    const cases_policy *cp = &ctx->pol->cases;
    int nat = cases_nature_parse(c->nature);
    bool appeal = is_appeal(c);
    unsigned req = cases_required(cp, nat >= 0 ? nat : CN_VALID, NULL, appeal);
    unsigned any = 0;
    for (int n = 0; n < CN__COUNT; n++)
        any |= cp->required[n];
    /* A kind without penalties (consultation, praise) records the nature alone (p_close). */
    bool nature_only = !taxonomy_kind_penalties(&ctx->pol->tax, jstr(c->data, "kind"));
    for (const wf_field *f = f_close; f->name; f++) {
        if (nature_only && strcmp(f->name, "nature") != 0)
            continue;
        int k = cases_field_parse(f->name);
        bool required = k >= 0 && (req & (1u << k));
        const wf_option *opts = NULL;
        if (strcmp(f->name, "nature") == 0) {
            required = !*c->nature;
        } else if (k == CF_RESPONSIBILITY) {
            /* An appeal closes with the regulator's conclusions (DOMAIN §8). */
            bool own = appeal && cp->nconclusions;
            opts = own ? form_choices(fm, cp->conclusions, cp->nconclusions) : form_choices(fm, cp->resps, cp->nresps);
            if (own) {
                wf_field g = *f;
                g.zh = "申诉结论";
                g.en = "Appeal conclusion";
                form_field(fm, &g, required, opts);
                continue;
            }
        } else if (k == CF_EXPLANATION) {
            if (!(any & (1u << CF_EXPLANATION)))
                continue;
            required = required && !recorded_explanation(c);
        } else if (k == CF_ADOPTION) {
            if (!cp->nadoptions)
                continue;
            opts = form_choices(fm, cp->adoptions, cp->nadoptions);
        } else if (k == CF_PENALTY_GRADE || strcmp(f->name, "penalty_amount") == 0) {
            if (!cp->ngrades)
                continue;
            if (k == CF_PENALTY_GRADE) {
                wf_option *o = form_options(fm);
                for (size_t i = 0; i < cp->ngrades; i++)
                    form_option(fm, cp->grades[i].code, cp->grades[i].name, cp->grades[i].name_en);
                form_options_end(fm);
                opts = o;
            }
        }
        form_field(fm, f, required, opts);
    }
}

/* 当场答复 closes the complaint: the answer, then the closing fields of 结案. */
static void form_answer(const wf_ctx *ctx, const complaint *c, wf_form *fm)
{
    form_field(fm, &f_answer[0], true, NULL);
    form_close(ctx, c, fm);
}

/* 回访: the customer answering through the survey link gives only the answers and their words. */
static void form_revisit(const wf_ctx *ctx, const complaint *c, wf_form *fm)
{
    (void)c;
    for (const wf_field *f = ctx->who->roles & R_CUSTOMER ? f_revisit_self : f_revisit; f->name; f++)
        form_field(fm, f, f->required, NULL);
}

/* 不认可结案: the closing form, the company's position (explanation) always required. */
static void form_close_unaccepted(const wf_ctx *ctx, const complaint *c, wf_form *fm)
{
    form_close(ctx, c, fm);
    for (size_t i = 0; i < fm->n; i++)
        if (strcmp(fm->fields[i].name, "explanation") == 0) {
            fm->fields[i] = f_close_unaccepted[0];
            return;
        }
    form_field(fm, &f_close_unaccepted[0], true, NULL);
}

/* The penalty grade and its amount: a range needs an amount inside it. */
static int check_grade(const cases_policy *cp, json_t *p, cerr *e)
{
    const cases_grade *g = cases_grade_find(cp, jstr(p, "penalty_grade"));
    const json_t *am = json_object_get(p, "penalty_amount_fen");
    if (!g) {
        if (am)
            return cerr_set(e, "validation_failed", "penalty_amount", "penalty_amount: 须先选择考核档次 (choose a penalty grade first)");
        return 0;
    }
    if (!am) {
        if (g->min_fen != g->max_fen)
            return cerr_set(e, "validation_failed", "penalty_amount",
                            "penalty_amount: 该档次须填写 %.2f–%.2f 元 (required: %.2f–%.2f yuan)", g->min_fen / 100.0,
                            g->max_fen / 100.0, g->min_fen / 100.0, g->max_fen / 100.0);
        json_object_set_new(p, "penalty_amount_fen", json_integer(g->min_fen));
        return 0;
    }
    int64_t v = json_integer_value(am);
    if (v < g->min_fen || v > g->max_fen)
        return cerr_set(e, "validation_failed", "penalty_amount",
                        "penalty_amount: 应在 %.2f–%.2f 元之间 (must be %.2f–%.2f yuan for this grade)", g->min_fen / 100.0,
                        g->max_fen / 100.0, g->min_fen / 100.0, g->max_fen / 100.0);
    return 0;
}

/* The highest number of the complaint's penalty entries (0: none). */
static json_int_t last_entry_no(const complaint *c)
{
    json_int_t last = 0;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(c->data, "penalties"), i, it)
    {
        json_int_t no = json_integer_value(json_object_get(it, "no"));
        last = no > last ? no : last;
    }
    return last;
}

/* Appends the entries of ev's "penalties" to the complaint's ledger (data.penalties). */
static void add_penalties(complaint *c, const json_t *pens)
{
    json_t *mine = json_object_get(c->data, "penalties");
    if (!json_is_array(mine)) {
        mine = json_array();
        json_object_set_new(c->data, "penalties", mine);
    }
    size_t i;
    json_t *it;
    json_array_foreach(pens, i, it)
        json_array_append_new(mine, json_deep_copy(it));
}

/*
 * The closing requirements (DOMAIN §6) and penalty rules of the pack: what both
 * ways of closing check, 结案 and 当场答复. Fills in the nature and an
 * explanation given earlier, and writes the penalty ledger entries into p.
 */
static int p_close(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    const cases_policy *cp = &ctx->pol->cases;
    if (!jstr(p, "nature")) {
        if (!*c->nature)
            return cerr_set(e, "validation_failed", "nature", "nature: 请认定投诉性质 (required)");
        json_object_set_new(p, "nature", json_string(c->nature));
    }
    int nat = cases_nature_parse(jstr(p, "nature"));
    if (nat == CN_INVALID && blank(p, "explanation") && recorded_explanation(c))
        json_object_set_new(p, "explanation", json_string(recorded_explanation(c)));
    /* A kind without penalties (consultation, praise): the nature is all closing records. */
    if (!taxonomy_kind_penalties(&ctx->pol->tax, jstr(c->data, "kind")))
        return 0;
    unsigned req = cases_required(cp, nat, jstr(p, "responsibility"), is_appeal(c));
    static const char *why[CN__COUNT] = {"有效投诉结案须填写 (required to close a valid complaint)",
                                         "无效投诉结案须填写 (required to close an invalid complaint)",
                                         "意见建议结案须填写 (required to close a suggestion)"};
    for (int k = 0; k < CF__COUNT; k++) {
        if (!(req & (1u << k)))
            continue;
        const char *name = cases_field_name(k);
        bool missing = k == CF_RESPONSIBLE_UNIT ? !json_object_get(p, name) : blank(p, name);
        if (missing)
            return cerr_set(e, "validation_failed", name, "%s: %s", name, why[nat]);
    }
    if (check_grade(cp, p, e))
        return -1;
    char day[16];
    time_local_date(ctx->now, ctx->pol->tz_offset, true, day, sizeof day);
    day[7] = '\0'; /* YYYY-MM: the ledger's month */
    json_t *pens = cases_penalties(&ctx->pol->cases, &ctx->pol->tax, ctx->org, c, p, day);
    /* Numbered after the entries the complaint has already (a late appeal report's). */
    json_int_t last = last_entry_no(c);
    size_t i;
    json_t *it;
    json_array_foreach(pens, i, it)
        json_object_set_new(it, "no", json_integer(last + (json_int_t)i + 1));
    if (json_array_size(pens))
        json_object_set_new(p, "penalties", pens);
    else
        json_decref(pens);
    return 0;
}

/* The closing waits for what the pack asks the customer to confirm (销项的条件). */
static int p_close_confirmed(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    unsigned missing =
        cases_confirmations_missing(c, cases_confirmations_needed(&ctx->pol->cases, &ctx->pol->tax, c));
    if (missing & CONFIRM_RECORD)
        return cerr_set(e, "action_not_allowed", "confirmation",
                        "结案前须由客户确认投诉记录：请用“客户确认”记录客户签字，或发送确认链接 (the customer has not "
                        "confirmed the record yet: record their signature, or send them a confirmation link)");
    if (missing & CONFIRM_RESULT)
        return cerr_set(e, "action_not_allowed", "confirmation",
                        "结案前须由客户确认处理结果：请用“客户确认”记录客户签字，或发送确认链接 (the customer has not "
                        "confirmed the result yet: record their signature, or send them a confirmation link)");
    return p_close(ctx, c, p, e);
}

/* An invalid complaint answered on the spot: the answer is the explanation given. */
static int p_answer(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    const char *nat = jstr(p, "nature") ? jstr(p, "nature") : c->nature;
    if (cases_nature_parse(nat) == CN_INVALID && blank(p, "explanation"))
        json_object_set(p, "explanation", json_object_get(p, "answer"));
    return p_close(ctx, c, p, e);
}

/* Closing without the customer's agreement: the closing fields as close, marked unaccepted. */
static int p_close_unaccepted(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    if (blank(p, "explanation"))
        return cerr_set(e, "validation_failed", "explanation",
                        "explanation: 须说明公司立场及向客户的解释 (state the company's position as explained)");
    json_object_set_new(p, "unaccepted", json_true());
    return p_close(ctx, c, p, e);
}

/* Records the closing block under key; its penalty entries become the complaint's ledger. */
static void record_closing(complaint *c, const event *ev, const char *key)
{
    record(c, ev, key);
    json_t *closing = json_object_get(c->data, key);
    json_t *pens = json_object_get(closing, "penalties");
    if (pens) {
        add_penalties(c, pens);
        json_object_del(closing, "penalties");
    }
    c->closed_at = ev->at;
}

static void x_close(complaint *c, const event *ev)
{
    record_closing(c, ev, "closing");
}

static void x_answer(complaint *c, const event *ev)
{
    record_closing(c, ev, "answer");
    c->first_contact = true;
}

/* The n-th entry (1-based "no") of a list in data; NULL if absent. */
static json_t *entry_no(const complaint *c, const char *list, json_int_t no)
{
    json_t *a = json_object_get(c->data, list);
    size_t i;
    json_t *it;
    json_array_foreach(a, i, it)
    {
        if (json_integer_value(json_object_get(it, "no")) == no)
            return it;
    }
    return NULL;
}

static bool has_status(const json_t *it, const char *status)
{
    const char *s = jstr(it, "status");
    return s && strcmp(s, status) == 0;
}

static bool compensation_pending(const complaint *c)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(c->data, "compensations"), i, it) if (has_status(it, "pending")) return true;
    return false;
}

static const char *unit_type_of(const wf_ctx *ctx, int64_t id)
{
    const unit *u = org_find(ctx->org, id);
    return u ? u->type : NULL;
}

static bool may_decide(const wf_ctx *ctx, const json_t *comp)
{
    return has_status(comp, "pending") &&
           cases_may_decide(&ctx->pol->cases, ctx->who->roles, unit_type_of(ctx, ctx->who->unit), comp);
}

static const char *kind_label(const cases_policy *cp, const char *code, bool en)
{
    const cases_choice *k = cases_choice_find(cp->kinds, cp->nkinds, code);
    return !k ? (code ? code : "") : en && k->name_en ? k->name_en : k->name;
}

/* The nearest unit of type above (or at) id; the root when there is none. */
static int64_t up_to_type(const org *o, int64_t id, const char *type)
{
    int64_t last = id;
    for (int steps = 0; id && steps < 64; steps++) {
        const unit *u = org_find(o, id);
        if (!u)
            break;
        if (type && strcmp(u->type, type) == 0)
            return u->id;
        last = u->id;
        id = u->parent;
    }
    return type ? last : id ? id : last;
}

static int g_compensate(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    (void)c;
    if (!ctx->pol->cases.has_authorization)
        return cerr_set(e, "action_not_allowed", "", "本单位未配置补偿授权 (the pack has no authorization section)");
    return 0;
}

static void form_compensate(const wf_ctx *ctx, const complaint *c, wf_form *fm)
{
    const cases_policy *cp = &ctx->pol->cases;
    /* only the kinds meant for the complaint's business (001: 确定授权的使用业务类型) */
    wf_option *kinds = form_options(fm);
    for (size_t i = 0; i < cp->nkinds; i++)
        if (cases_kind_fits(&ctx->pol->tax, &cp->kinds[i], c->category))
            form_option(fm, cp->kinds[i].code, cp->kinds[i].name, cp->kinds[i].name_en);
    form_options_end(fm);
    bool multiple = false;
    for (size_t i = 0; i < cp->nkinds; i++)
        multiple = multiple || (cp->kinds[i].multiplier > 0 && cases_kind_fits(&ctx->pol->tax, &cp->kinds[i], c->category));
    for (const wf_field *f = f_compensate; f->name; f++) {
        bool charged = strcmp(f->name, "charged") == 0, amount = strcmp(f->name, "amount") == 0;
        if (charged && !multiple)
            continue;
        /* With a multiplying kind the amount may be left for the engine to work out. */
        form_field(fm, f, f->required && !(amount && multiple), strcmp(f->name, "kind") == 0 ? kinds : NULL);
    }
    cases_customer cu = cases_customer_of(json_object_get(c->data, "customer"), "class");
    int64_t lim = cases_role_limit_for(cp, ctx->who->roles, &cu);
    /* The amount's label tells the actor their own authority for this customer. */
    if (lim >= 0 && fm->n > 1) {
        fm->fields[1].zh = form_text(fm, "金额（元，本人对该客户授权 %.2f 元以内）", lim / 100.0);
        fm->fields[1].en = form_text(fm, "Amount (yuan; for this customer you may grant up to %.2f)", lim / 100.0);
    }
}

/*
 * A kind with a multiplier refunds that many times the charge wrongly
 * collected (001: 对错收的费用实行双倍返还): the amount follows from
 * "charged" and, when given as well, must equal it. Other kinds take the
 * amount as given and no charge.
 */
static int refund_multiple(const cases_policy *cp, json_t *p, cerr *e)
{
    const cases_choice *k = cases_choice_find(cp->kinds, cp->nkinds, jstr(p, "kind"));
    const json_t *charged = json_object_get(p, "charged_fen"), *given = json_object_get(p, "amount_fen");
    int m = k ? k->multiplier : 0;
    if (!m) {
        if (charged)
            return cerr_set(e, "validation_failed", "charged",
                            "charged: 仅用于错收费用的返还 (only for a refund of a charge wrongly collected)");
        if (!given)
            return cerr_set(e, "validation_failed", "amount", "amount: 必填 (required)");
        return 0;
    }
    if (!charged || json_integer_value(charged) <= 0)
        return cerr_set(e, "validation_failed", "charged",
                        "charged: 须填写错收的费用，按 %d 倍返还 (the charge wrongly collected, refunded %d times)", m, m);
    int64_t due = json_integer_value(charged) * m;
    if (given && json_integer_value(given) != due)
        return cerr_set(e, "validation_failed", "amount",
                        "amount: 错收的费用实行%s返还，应为 %.2f 元 (a wrong charge is refunded %d times: %.2f yuan)",
                        m == 2 ? "双倍" : "多倍", due / 100.0, m, due / 100.0);
    json_object_set_new(p, "amount_fen", json_integer(due));
    json_object_set_new(p, "multiplier", json_integer(m));
    return 0;
}

static int p_compensate(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    const cases_policy *cp = &ctx->pol->cases;
    if (refund_multiple(cp, p, e))
        return -1;
    int64_t amount = json_integer_value(json_object_get(p, "amount_fen"));
    if (amount <= 0)
        return cerr_set(e, "validation_failed", "amount", "amount: 补偿金额应大于 0 (must be more than 0)");
    json_t *list = json_object_get(c->data, "compensations");
    json_object_set_new(p, "no", json_integer((json_int_t)json_array_size(list) + 1));
    /* the customer's class, months on the network and spending may raise the
     * limits (001 2.5: 结合客户的在网时间、平均消费水平…客户类型…确定授权使用的条件);
     * the request keeps them as they are now, for whoever decides it later */
    const json_t *cust = json_object_get(c->data, "customer");
    cases_customer cu = cases_customer_of(cust, "class");
    if (cu.cls)
        json_object_set_new(p, "customer_class", json_string(cu.cls));
    if (cu.tenure_months >= 0)
        json_object_set_new(p, "tenure_months", json_integer(cu.tenure_months));
    if (cu.spend_yuan >= 0)
        json_object_set_new(p, "monthly_spend", json_integer(cu.spend_yuan));
    json_t *met = cases_conditions_met(cp, &cu);
    if (json_array_size(met))
        json_object_set_new(p, "conditions", met);
    else
        json_decref(met);
    if (amount <= cases_role_limit_for(cp, ctx->who->roles, &cu)) {
        json_object_set_new(p, "status", json_string("granted"));
        return 0;
    }
    bool senior = cases_senior(cp, amount, c, ctx->now);
    if (!senior && cases_role_limit_for(cp, R_SUPERVISOR | R_MANAGER, &cu) < amount) {
        if (!cp->senior_roles)
            return cerr_set(e, "validation_failed", "amount", "amount: 超出所有授权额度 (above every role's authority)");
        senior = true; /* above every manager's limit: senior management */
    }
    const char *type = senior ? cp->senior_unit_type : cp->approver_unit_type;
    json_object_set_new(p, "status", json_string("pending"));
    json_object_set_new(p, "senior", json_boolean(senior));
    json_object_set_new(p, "approver_unit", json_integer(up_to_type(ctx->org, c->owner_unit, type)));
    json_t *approvers = json_array();
    for (unsigned bit = R_SUPERVISOR; bit <= R_MANAGER; bit <<= 1)
        if (senior ? (cp->senior_roles & bit) != 0 : cases_role_limit_for(cp, bit, &cu) >= amount)
            json_array_append_new(approvers, json_string(role_name(bit)));
    json_object_set_new(p, "approver_roles", approvers);
    return 0;
}

static void x_compensate(complaint *c, const event *ev)
{
    json_t *list = jsonw_list(c->data, "compensations");
    json_t *o = jsonw_copy(ev->payload);
    static const char *bookkeeping[] = {"stage_due", "overall_due", "clocks", "waiting"};
    for (size_t i = 0; i < sizeof bookkeeping / sizeof bookkeeping[0]; i++)
        json_object_del(o, bookkeeping[i]);
    json_array_append_new(list, stamp(ev, o));
}

static int g_decide_compensation(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(c->data, "compensations"), i, it) if (may_decide(ctx, it)) return 0;
    if (compensation_pending(c))
        return cerr_set(e, "forbidden", "", "待审批补偿超出您的权限 (the pending compensation is above your authority)");
    return cerr_set(e, "action_not_allowed", "", "没有待审批的补偿 (no compensation awaits approval)");
}

static void form_decide_compensation(const wf_ctx *ctx, const complaint *c, wf_form *fm, const wf_field *fields)
{
    wf_option *o = form_options(fm);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(c->data, "compensations"), i, it)
    {
        if (!may_decide(ctx, it))
            continue;
        json_int_t no = json_integer_value(json_object_get(it, "no"));
        double yuan = (double)json_integer_value(json_object_get(it, "amount_fen")) / 100.0;
        form_option(fm, form_text(fm, "%lld", (long long)no),
                    form_text(fm, "#%lld %s %.2f 元", (long long)no, kind_label(&ctx->pol->cases, jstr(it, "kind"), false), yuan),
                    form_text(fm, "#%lld %s %.2f yuan", (long long)no, kind_label(&ctx->pol->cases, jstr(it, "kind"), true),
                              yuan));
    }
    form_options_end(fm);
    for (const wf_field *f = fields; f->name; f++)
        form_field(fm, f, f->required, strcmp(f->name, "entry") == 0 ? o : NULL);
}

static void form_approve_compensation(const wf_ctx *ctx, const complaint *c, wf_form *fm)
{
    form_decide_compensation(ctx, c, fm, f_approve_compensation);
}

static void form_refuse_compensation(const wf_ctx *ctx, const complaint *c, wf_form *fm)
{
    form_decide_compensation(ctx, c, fm, f_refuse_compensation);
}

static int p_decide_compensation(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    json_int_t no = atoll(jstr(p, "entry"));
    const json_t *comp = entry_no(c, "compensations", no);
    if (!comp || !may_decide(ctx, comp))
        return cerr_set(e, "forbidden", "entry", "entry: 不能审批这一补偿 (not a pending compensation within your authority)");
    json_object_del(p, "entry");
    json_object_set_new(p, "no", json_integer(no));
    json_object_set(p, "kind", json_object_get(comp, "kind"));
    json_object_set(p, "amount_fen", json_object_get(comp, "amount_fen"));
    return 0;
}

static void decide_compensation(complaint *c, const event *ev, bool ok)
{
    json_t *comp = entry_no(c, "compensations", json_integer_value(json_object_get(ev->payload, "no")));
    if (!comp)
        return;
    json_object_set_new(comp, "status", json_string(ok ? "approved" : "refused"));
    json_object_set_new(comp, "decided_at", json_integer(ev->at));
    json_object_set_new(comp, "decided_by", json_integer(ev->actor));
    const char *why = jstr(ev->payload, ok ? "note" : "reason");
    if (why)
        json_object_set_new(comp, "decision", json_string(why));
}

static void x_approve_compensation(complaint *c, const event *ev)
{
    decide_compensation(c, ev, true);
}

static void x_refuse_compensation(complaint *c, const event *ev)
{
    decide_compensation(c, ev, false);
}

static int g_waive_penalty(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    (void)ctx;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(c->data, "penalties"), i, it) if (has_status(it, "active")) return 0;
    return cerr_set(e, "action_not_allowed", "", "没有可免除的考核记录 (no active penalty entry)");
}

static void form_waive_penalty(const wf_ctx *ctx, const complaint *c, wf_form *fm)
{
    (void)ctx;
    wf_option *o = form_options(fm);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(c->data, "penalties"), i, it)
    {
        if (!has_status(it, "active"))
            continue;
        long long no = (long long)json_integer_value(json_object_get(it, "no"));
        const unit *u = org_find(ctx->org, json_integer_value(json_object_get(it, "unit")));
        const char *person = jstr(it, "person");
        double yuan = (double)json_integer_value(json_object_get(it, "amount_fen")) / 100.0;
        form_option(fm, form_text(fm, "%lld", no),
                    form_text(fm, "#%lld %s %s%s%s %.2f 元", no, jstr(it, "role_name"), u ? u->name : "",
                              person ? " " : "", person ? person : "", yuan),
                    form_text(fm, "#%lld %s %s%s%s %.2f yuan", no,
                              jstr(it, "role_name_en") ? jstr(it, "role_name_en") : jstr(it, "role_name"),
                              u && u->name_en ? u->name_en : u ? u->name : "", person ? " " : "",
                              person ? person : "", yuan));
    }
    form_options_end(fm);
    for (const wf_field *f = f_waive_penalty; f->name; f++)
        form_field(fm, f, f->required, strcmp(f->name, "entry") == 0 ? o : NULL);
}

static int p_waive_penalty(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)ctx;
    json_int_t no = atoll(jstr(p, "entry"));
    const json_t *pen = entry_no(c, "penalties", no);
    if (!pen || !has_status(pen, "active"))
        return cerr_set(e, "validation_failed", "entry", "entry: 不是有效的考核记录 (not an active ledger entry)");
    json_object_del(p, "entry");
    json_object_set_new(p, "no", json_integer(no));
    return 0;
}

static void x_waive_penalty(complaint *c, const event *ev)
{
    json_t *pen = entry_no(c, "penalties", json_integer_value(json_object_get(ev->payload, "no")));
    if (!pen)
        return;
    json_object_set_new(pen, "status", json_string("waived"));
    json_object_set_new(pen, "waived_at", json_integer(ev->at));
    json_object_set_new(pen, "waived_by", json_integer(ev->actor));
    json_object_set(pen, "waive_reason", json_object_get(ev->payload, "reason"));
}

/* assign: the people of the owning unit (ctx->staff), by id. */
static void form_assign(const wf_ctx *ctx, const complaint *c, wf_form *fm)
{
    json_int_t current = json_integer_value(json_object_get(c->data, "assignee"));
    wf_option *o = form_options(fm);
    for (size_t i = 0; i < ctx->nstaff; i++) {
        if (ctx->staff[i].id == current)
            continue; /* reassignment names someone else */
        const char *id = form_text(fm, "%lld", (long long)ctx->staff[i].id);
        form_option(fm, id, ctx->staff[i].name, ctx->staff[i].name);
    }
    form_options_end(fm);
    for (const wf_field *f = f_assign; f->name; f++)
        form_field(fm, f, f->required, strcmp(f->name, "assignee") == 0 ? o : NULL);
}

static int p_assign(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)ctx;
    (void)c;
    (void)e;
    /* form_assign offered only ids of the staff: the option is one of them. */
    long long id = atoll(jstr(p, "assignee"));
    assert(id > 0);
    json_object_set_new(p, "assignee", json_integer(id));
    return 0;
}

static void x_assign(complaint *c, const event *ev)
{
    set_assignee(c, ev);
}

/* correct: the pack's categories, customer classes and kinds as options. */
static void form_correct(const wf_ctx *ctx, const complaint *c, wf_form *fm)
{
    const taxonomy *t = &ctx->pol->tax;
    wf_option *cats = form_options(fm);
    for (size_t i = 0; i < t->ncats; i++)
        form_option(fm, t->cats[i].code, t->cats[i].name, t->cats[i].name_en);
    form_options_end(fm);
    wf_option *classes = form_options(fm);
    for (size_t i = 0; i < t->nclasses; i++)
        form_option(fm, t->classes[i].code, t->classes[i].name, t->classes[i].name_en);
    form_options_end(fm);
    /* Another kind of work order: the pack's kinds (never an appeal, which its channel decides). */
    wf_option *kinds = form_options(fm);
    for (size_t i = 0; i < t->nkinds; i++)
        form_option(fm, t->kinds[i].code, t->kinds[i].name, t->kinds[i].name_en);
    form_options_end(fm);
    for (const wf_field *f = f_correct; f->name; f++) {
        bool kind = strcmp(f->name, "kind") == 0;
        if (kind && (!t->nkinds || is_appeal(c)))
            continue;
        if (f->type == F_COUNT && !ctx->pol->cases.nconditions)
            continue;
        form_field(fm, f, f->required,
                   kind                                     ? kinds
                   : strcmp(f->name, "category") == 0       ? cats
                   : strcmp(f->name, "customer_class") == 0 ? classes
                                                            : f->options);
    }
}

/*
 * The service centre corrects its record (001: 对工单进行复核,确保工单填写的
 * 准确性) — never the unit complained about, whose penalties follow from it;
 * the pack's corrections.roles narrows it further (only supervisors, say).
 */
static int g_correct(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    (void)c;
    const json_t *roles = json_object_get(json_object_get(ctx->pol->raw, "corrections"), "roles");
    unsigned may = roles ? 0 : CENTRE;
    size_t i;
    const json_t *r;
    json_array_foreach(roles, i, r) may |= role_parse(json_string_value(r));
    if (!(ctx->who->roles & may))
        return cerr_set(e, "forbidden", "", "您的角色不能更正工单 (your role may not correct a record)");
    return 0;
}

/* A member of p equal to the record's value says nothing: it is dropped. */
static void drop_same(json_t *p, const char *k, bool same)
{
    if (same)
        json_object_del(p, k);
}

static int kind_change_refused(const wf_ctx *ctx, const complaint *c, const char *kind, cerr *e);

/*
 * A corrected category, unit or customer class runs the pack's rules again
 * (ctx->regrade): those that fire now and had not fired before are the
 * correction's "rules", and grade it as they would have at intake — the
 * level and the priority only ever raised, never lowered, as an upgrade.
 * A closed complaint's record is corrected for the statistics alone: its
 * handling is over, so nothing is graded or sent again.
 */
static void regrade_correction(const wf_ctx *ctx, const complaint *c, json_t *p)
{
    const rules_outcome *o = ctx->regrade;
    if (!o || !status_open(c->status) || !(json_object_get(p, "category") || json_object_get(p, "subject_unit") ||
                json_object_get(p, "customer_class")))
        return;
    const json_t *before = json_object_get(c->data, "rules");
    json_t *fresh = json_array();
    size_t i, j;
    const json_t *f, *b;
    json_array_foreach(o->fired, i, f)
    {
        bool known = false;
        json_array_foreach(before, j, b) known = known || json_equal(json_object_get(b, "code"), json_object_get(f, "code"));
        if (!known)
            json_array_append_new(fresh, jsonw_copy(f));
    }
    if (!json_array_size(fresh)) {
        json_decref(fresh);
        return;
    }
    json_object_set_new(p, "rules", fresh);
    int level = json_is_integer(json_object_get(p, "level")) ? (int)json_integer_value(json_object_get(p, "level"))
                                                             : c->level;
    if (o->level && o->level < level)
        json_object_set_new(p, "level", json_integer(o->level));
    const char *prio = jstr(c->data, "priority");
    if (o->priority && rules_priority_rank(o->priority) > rules_priority_rank(prio ? prio : "normal"))
        json_object_set_new(p, "priority", json_string(o->priority));
}

/*
 * What changes, each with what it was ("was"), so the history reads as a
 * correction; nothing that changes is a 422. A new level re-grades the
 * running clocks (WF_CLK_REGRADE, like a dispatch's level).
 */
static int customer_figures(const json_t *in, const char *prefix, json_t *out, cerr *e);

static int p_correct(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    const json_t *cust = json_object_get(c->data, "customer");
    const char *staff = jstr(c->data, "subject_staff"), *cls = jstr(cust, "class"), *lv = jstr(p, "level");
    if (lv)
        json_object_set_new(p, "level", json_integer(lv[0] - '0'));
    drop_same(p, "category", jstr(p, "category") && strcmp(jstr(p, "category"), c->category) == 0);
    drop_same(p, "subject_unit", json_integer_value(json_object_get(p, "subject_unit")) == c->subject_unit);
    drop_same(p, "subject_staff", jstr(p, "subject_staff") && staff && strcmp(jstr(p, "subject_staff"), staff) == 0);
    drop_same(p, "level", json_integer_value(json_object_get(p, "level")) == c->level);
    drop_same(p, "customer_class", jstr(p, "customer_class") && cls && strcmp(jstr(p, "customer_class"), cls) == 0);
    /* the figures are only in the form where the pack's authority reads them
     * (workflow_step refuses them elsewhere); their bounds are the intake's */
    json_t *scratch = json_object();
    int bad = customer_figures(p, "", scratch, e);
    json_decref(scratch);
    if (bad)
        return -1;
    static const char *const figures[] = {"tenure_months", "monthly_spend"};
    for (size_t i = 0; i < sizeof figures / sizeof *figures; i++)
        drop_same(p, figures[i], json_equal(json_object_get(p, figures[i]), json_object_get(cust, figures[i])));
    const char *kind = jstr(p, "kind");
    drop_same(p, "kind", kind && strcmp(kind, cases_kind(c)) == 0);
    if ((kind = jstr(p, "kind")) && kind_change_refused(ctx, c, kind, e))
        return -1;
    regrade_correction(ctx, c, p);
    json_t *was = json_object();
    if (json_object_get(p, "kind"))
        json_object_set_new(was, "kind", json_string(cases_kind(c)));
    if (json_object_get(p, "category"))
        json_object_set_new(was, "category", json_string(c->category));
    if (json_object_get(p, "subject_unit"))
        json_object_set_new(was, "subject_unit", json_integer(c->subject_unit));
    if (json_object_get(p, "subject_staff"))
        json_object_set_new(was, "subject_staff", staff ? json_string(staff) : json_null());
    if (json_object_get(p, "level"))
        json_object_set_new(was, "level", json_integer(c->level));
    if (json_object_get(p, "customer_class"))
        json_object_set_new(was, "customer_class", cls ? json_string(cls) : json_null());
    for (size_t i = 0; i < sizeof figures / sizeof *figures; i++)
        if (json_object_get(p, figures[i])) {
            const json_t *old = json_object_get(cust, figures[i]);
            json_object_set_new(was, figures[i], old ? json_incref((json_t *)old) : json_null());
        }
    if (json_object_size(was) == 0 && !json_object_get(p, "addendum")) {
        json_decref(was);
        return cerr_set(e, "validation_failed", "", "没有需要更正的内容 (nothing differs from the record)");
    }
    json_object_set_new(p, "was", was);
    return 0;
}

/*
 * The record as corrected. The events named "correct" from before this
 * action — a customer's data corrected at their request (core/erasure.h) —
 * carry "customer" and replay as they did.
 */
static void x_correct(complaint *c, const event *ev)
{
    const json_t *p = ev->payload;
    if (json_object_get(p, "customer")) {
        correction_apply(c, ev);
        return;
    }
    const char *cat = jstr(p, "category");
    if (cat)
        snprintf(c->category, sizeof c->category, "%s", cat);
    if (jstr(p, "kind"))
        json_object_set(c->data, "kind", json_object_get(p, "kind"));
    /* The rules the corrected record fired (regrade_correction), after those of the intake. */
    const json_t *fired = json_object_get(p, "rules");
    if (json_array_size(fired)) {
        json_t *list = jsonw_list(c->data, "rules");
        json_array_extend(list, (json_t *)fired);
    }
    if (jstr(p, "priority"))
        json_object_set(c->data, "priority", json_object_get(p, "priority"));
    const json_t *su = json_object_get(p, "subject_unit");
    if (json_is_integer(su)) {
        /* Where the rules routed the old unit, the corrected unit is the route now. */
        if (json_integer_value(json_object_get(c->data, "route_unit")) == c->subject_unit)
            json_object_set(c->data, "route_unit", (json_t *)su);
        c->subject_unit = json_integer_value(su);
    }
    if (json_object_get(p, "subject_staff"))
        json_object_set(c->data, "subject_staff", json_object_get(p, "subject_staff"));
    static const char *const onto[][2] = {
        {"customer_class", "class"}, {"tenure_months", "tenure_months"}, {"monthly_spend", "monthly_spend"}};
    for (size_t i = 0; i < sizeof onto / sizeof *onto; i++) {
        if (!json_object_get(p, onto[i][0]))
            continue;
        json_t *cust = json_object_get(c->data, "customer");
        if (!json_is_object(cust)) {
            cust = json_object();
            json_object_set_new(c->data, "customer", cust);
        }
        json_object_set(cust, onto[i][1], json_object_get(p, onto[i][0]));
    }
    json_t *list = jsonw_list(c->data, "corrections");
    json_array_append_new(list, stamp(ev, jsonw_copy(p)));
}

/*
 * 003: 一般性问题24小时回复/解决,对于较复杂性问题在72小时回复/解决 — the case is
 * marked complex, with the reason, and its running clocks re-planned under
 * the pack's limits for complex cases (once).
 */
static int g_complex(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    (void)ctx;
    if (json_is_true(json_object_get(c->data, "complex")))
        return cerr_set(e, "action_not_allowed", "", "已是复杂问题 (already marked complex)");
    return not_fault_ticket(c, "认定复杂问题", "mark as complex", e);
}

static int p_complex(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)ctx, (void)c, (void)e;
    json_object_set_new(p, "complex", json_true());
    return 0;
}

static void x_complex(complaint *c, const event *ev)
{
    (void)ev;
    json_object_set_new(c->data, "complex", json_true());
}

/* ---- cases that cannot be handled (core/cases.h closing.unresolvable) -------- */

static bool marked_unresolvable(const complaint *c)
{
    return json_is_object(json_object_get(c->data, "unresolvable"));
}

/* A pending matter is open on c (closing.pending; x_record_pending). */
static bool pending_open(const complaint *c)
{
    const char *st = jstr(json_object_get(c->data, "pending_matter"), "status");
    return st && strcmp(st, "open") == 0;
}

/*
 * The pack has the section (has), and the caller holds one of roles (the
 * pack's); what names the section, as "zh (en)", in the refusals.
 */
static int section_role(const wf_ctx *ctx, bool has, unsigned roles, const char *zh, const char *en, cerr *e)
{
    if (!has)
        return cerr_set(e, "action_not_allowed", "", "本方案不办理%s (the pack has no closing.%s)", zh, en);
    if (!(ctx->who->roles & roles))
        return cerr_set(e, "forbidden", "", "您的角色不能办理%s (your role may not do this: closing.%s)", zh, en);
    return 0;
}

static int unresolvable_role(const wf_ctx *ctx, unsigned roles, cerr *e)
{
    return section_role(ctx, ctx->pol->cases.unres_period, roles, "无法处理的案件", "unresolvable", e);
}

/* A case is parked by one thing at a time, and not while it waits for the customer. */
static int may_park(const complaint *c, cerr *e)
{
    if (marked_unresolvable(c))
        return cerr_set(e, "action_not_allowed", "", "已记录为无法处理 (already recorded as unresolvable)");
    if (pending_open(c))
        return cerr_set(e, "action_not_allowed", "", "已有未了事宜 (a pending matter is open)");
    if (json_object_get(c->data, "waiting"))
        return cerr_set(e, "action_not_allowed", "", "正在等待客户，请先恢复计时 (waiting for the customer: resume first)");
    return 0;
}

static int g_mark_unresolvable(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    if (unresolvable_role(ctx, ctx->pol->cases.unres_roles, e) || may_park(c, e))
        return -1;
    return 0;
}

static int g_unmark_unresolvable(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    if (unresolvable_role(ctx, ctx->pol->cases.unres_roles | ctx->pol->cases.unres_approvers, e))
        return -1;
    if (!marked_unresolvable(c))
        return cerr_set(e, "action_not_allowed", "", "未记录为无法处理 (not recorded as unresolvable)");
    return 0;
}

/*
 * 每季度一次经管理处负责人协调同意后才能销项: the closing is the period's
 * review of the cases recorded before it began, so one recorded within the
 * current period waits for the next (cases_unresolvable_from).
 */
static int g_close_unresolvable(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    const cases_policy *cp = &ctx->pol->cases;
    if (unresolvable_role(ctx, cp->unres_approvers, e) || g_manager_closes(ctx, c, e))
        return -1;
    if (!marked_unresolvable(c))
        return cerr_set(e, "action_not_allowed", "", "未记录为无法处理，不能销项 (not recorded as unresolvable)");
    if (compensation_pending(c))
        return cerr_set(e, "action_not_allowed", "", "补偿尚待审批，不能结案 (a compensation awaits approval)");
    char key[16], from[32];
    int64_t at = json_integer_value(json_object_get(json_object_get(c->data, "unresolvable"), "at"));
    int64_t due = cases_unresolvable_from(cp, at, ctx->pol->tz_offset, key, sizeof key);
    if (ctx->now < due) {
        time_format(due, ctx->pol->tz_offset, from, sizeof from);
        bool q = cp->unres_period == RP_QUARTER;
        return cerr_set(e, "action_not_allowed", "",
                        "本%s（%s）记录的无法处理案件，须在下一%s（%s 起）经协调同意后销项 (recorded as unresolvable in "
                        "the current %s, %s: it may be closed from %s)",
                        q ? "季度" : "月", key, q ? "季度" : "月", from, q ? "quarter" : "month", key, from);
    }
    return 0;
}

/* While recorded as unresolvable, or while a pending matter is open, a case is
 * parked: only unmarking or closing it (settling the matter) moves it on,
 * and its paused clocks are neither waited on, resumed nor extended. */
static int parked(const complaint *c, const wf_action *act, cerr *e)
{
    int op = act->clocks.op;
    bool moves = (act->to != ST_NONE && act->id != WF_CLOSE_UNRESOLVABLE) || act->id == WF_RESUME ||
                 op == WF_CLK_PAUSE_ALL || op == WF_CLK_PROGRESS || op == WF_CLK_EXTEND;
    if (moves && marked_unresolvable(c))
        return cerr_set(e, "action_not_allowed", "", "已记录为无法处理，须先恢复处理 (recorded as unresolvable: resume handling first)");
    if (moves && pending_open(c))
        return cerr_set(e, "action_not_allowed", "", "未了事宜尚未了结 (a pending matter is open: settle it first)");
    return 0;
}

/* 客户确认: what awaits confirmation now; the customer's own form through a link. */
static void form_confirm(const wf_ctx *ctx, const complaint *c, wf_form *fm)
{
    unsigned may = workflow_confirmable(ctx, c);
    wf_option *whats = form_options(fm);
    for (const wf_option *o = confirm_whats; o->value; o++)
        if (may & cases_confirmation_parse(o->value))
            form_option(fm, o->value, o->zh, o->en);
    form_options_end(fm);
    for (const wf_field *f = ctx->who->roles & R_CUSTOMER ? f_confirm_self : f_confirm; f->name; f++)
        form_field(fm, f, f->required, strcmp(f->name, "what") == 0 ? whats : f->options);
}

/* The closing form of the pack, and the approver's agreement (协调意见). */
static void form_close_unresolvable(const wf_ctx *ctx, const complaint *c, wf_form *fm)
{
    form_close(ctx, c, fm);
    form_field(fm, &f_close_unresolvable[0], true, NULL);
}

/*
 * The closing as close records it (the pack's requirements and penalty
 * rules), with the approver, their agreement, the record that made the case
 * unresolvable and the period it was recorded in (销项时: 最后的案件处理结果,
 * 同意销项人员的签名, 销项时间).
 */
static int p_close_unresolvable(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    if (blank(p, "agreement"))
        return cerr_set(e, "validation_failed", "agreement", "agreement: 须填写协调意见 (required)");
    const json_t *m = json_object_get(c->data, "unresolvable");
    char key[16];
    cases_unresolvable_from(&ctx->pol->cases, json_integer_value(json_object_get(m, "at")), ctx->pol->tz_offset, key,
                            sizeof key);
    json_object_set_new(p, "unresolvable",
                        json_pack("{s:O,s:O,s:O,s:s}", "record", json_object_get(m, "record"), "marked_at",
                                  json_object_get(m, "at"), "marked_by", json_object_get(m, "by"), "period", key));
    json_object_set_new(p, "approved_by", json_integer(ctx->who->id));
    return p_close(ctx, c, p, e);
}

static void x_mark_unresolvable(complaint *c, const event *ev)
{
    record(c, ev, "unresolvable");
}

static void x_unmark_unresolvable(complaint *c, const event *ev)
{
    (void)ev;
    json_object_del(c->data, "unresolvable");
}

static void x_close_unresolvable(complaint *c, const event *ev)
{
    json_object_del(c->data, "unresolvable");
    record_closing(c, ev, "closing");
}

/* ---- pending matters (core/cases.h closing.pending; 003 未了事宜) ---------- */

static int pending_role(const wf_ctx *ctx, cerr *e)
{
    const cases_policy *cp = &ctx->pol->cases;
    return section_role(ctx, cp->pend_reminder_day, cp->pend_roles | cp->pend_approvers, "未了事宜", "pending", e);
}

static int g_record_pending(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    if (pending_role(ctx, e) || may_park(c, e))
        return -1;
    return 0;
}

/* contact_pending and settle_pending: on an open matter. */
static int g_pending(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    if (pending_role(ctx, e))
        return -1;
    if (!pending_open(c))
        return cerr_set(e, "action_not_allowed", "", "没有未了事宜 (no pending matter is open)");
    return 0;
}

/* The pack's reasons; the approver named unless the recorder is one (报主管总经理认可). */
static void form_record_pending(const wf_ctx *ctx, const complaint *c, wf_form *fm)
{
    (void)c;
    const cases_policy *cp = &ctx->pol->cases;
    const wf_option *reasons = form_choices(fm, cp->pend_reasons, cp->npend_reasons);
    for (const wf_field *f = f_record_pending; f->name; f++) {
        bool approver = strcmp(f->name, "approver") == 0;
        form_field(fm, f, approver ? !(ctx->who->roles & cp->pend_approvers) : f->required,
                   strcmp(f->name, "reason") == 0 ? reasons : NULL);
    }
}

/* An approver's own record is their agreement: approved_by names them (the
 * form requires anyone else to name the approver: form_record_pending). */
static int p_record_pending(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)c;
    if (blank(p, "note"))
        return cerr_set(e, "validation_failed", "note", "note: 须写明未了事项及告知客户的内容 (required)");
    if (!(ctx->who->roles & ctx->pol->cases.pend_approvers))
        return blank(p, "approver") ? cerr_set(e, "validation_failed", "approver", "approver: 必填 (required)") : 0;
    json_object_set_new(p, "approved_by", json_integer(ctx->who->id));
    return 0;
}

static int p_pending_note(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)ctx, (void)c;
    if (blank(p, "note"))
        return cerr_set(e, "validation_failed", "note", "note: 必填 (required)");
    return 0;
}

static void x_record_pending(complaint *c, const event *ev)
{
    record(c, ev, "pending_matter");
    json_t *m = json_object_get(c->data, "pending_matter");
    json_object_set_new(m, "status", json_string("open"));
    json_object_set(m, "since", json_object_get(m, "at"));
    json_object_set_new(m, "contacts", json_array());
}

static void x_contact_pending(complaint *c, const event *ev)
{
    json_t *m = json_object_get(c->data, "pending_matter");
    json_t *k = stamp(ev, json_pack("{s:O,s:O}", "method", json_object_get(ev->payload, "method"), "note",
                                    json_object_get(ev->payload, "note")));
    json_array_append_new(json_object_get(m, "contacts"), k);
}

static void x_settle_pending(complaint *c, const event *ev)
{
    json_t *m = json_object_get(c->data, "pending_matter");
    json_object_set_new(m, "status", json_string("settled"));
    json_object_set_new(m, "settled_at", json_integer(ev->at));
    json_object_set_new(m, "settled_by", json_integer(ev->actor));
    json_object_set(m, "settle_note", json_object_get(ev->payload, "note"));
}

/* Actions whose fields come from the pack or the complaint (see wf_form). */
static const struct {
    int action; /* enum wf_action_id */
    void (*build)(const wf_ctx *, const complaint *, wf_form *);
} forms[] = {
    {WF_CLOSE, form_close},
    {WF_ANSWER, form_answer},
    {WF_CLOSE_UNACCEPTED, form_close_unaccepted},
    {WF_CLOSE_UNRESOLVABLE, form_close_unresolvable},
    {WF_RECORD_PENDING, form_record_pending},
    {WF_REVISIT, form_revisit},
    {WF_COMPENSATE, form_compensate},
    {WF_APPROVE_COMPENSATION, form_approve_compensation},
    {WF_REFUSE_COMPENSATION, form_refuse_compensation},
    {WF_WAIVE_PENALTY, form_waive_penalty},
    {WF_ASSIGN, form_assign},
    {WF_CORRECT, form_correct},
    {WF_CONFIRM, form_confirm},
};

json_t *workflow_defaults(const complaint *c, const wf_action *act)
{
    json_t *d = json_object();
    if (act->id != WF_CLOSE && act->id != WF_CLOSE_UNACCEPTED && act->id != WF_CLOSE_UNRESOLVABLE)
        return d;
    if (*c->nature)
        json_object_set_new(d, "nature", json_string(c->nature));
    if (c->subject_unit)
        json_object_set_new(d, "responsible_unit", json_integer(c->subject_unit));
    const char *staff = jstr(c->data, "subject_staff");
    if (staff && *staff)
        json_object_set_new(d, "responsible_person", json_string(staff));
    return d;
}

const wf_field *workflow_fields(const wf_ctx *ctx, const complaint *c, const wf_action *act, wf_form *form)
{
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        if (forms[i].action == act->id) {
            form->n = form->nopts = form->used = 0;
            form->fields[0] = (wf_field)END;
            forms[i].build(ctx, c, form);
            return form->fields;
        }
    }
    return act->fields;
}

/* A crisis cluster grouped the complaint: the incident's id, and its level only when that raises it. */
static int p_incident(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)ctx;
    const char *id = jstr(p, "incident");
    char *end;
    long long n = id ? strtoll(id, &end, 10) : 0;
    if (!id || n <= 0 || *end)
        return cerr_set(e, "validation_failed", "incident", "incident: 应为事件编号 (expected an incident id)");
    if (json_integer_value(json_object_get(c->data, "incident")) == n)
        return cerr_set(e, "action_not_allowed", "incident", "incident: 已在该事件中 (already in this incident)");
    json_object_set_new(p, "incident", json_integer(n));
    const char *lv = jstr(p, "level");
    if (lv && lv[0] - '0' < c->level)
        json_object_set_new(p, "level", json_integer(lv[0] - '0'));
    else
        json_object_del(p, "level");
    return 0;
}

static void x_incident(complaint *c, const event *ev)
{
    json_object_set(c->data, "incident", json_object_get(ev->payload, "incident"));
}

/* The announcement id of a fault step's payload, as an integer in p; 0 with e when it is none. */
static int64_t fault_of(json_t *p, cerr *e)
{
    const char *id = jstr(p, "announcement");
    char *end;
    long long n = id ? strtoll(id, &end, 10) : 0;
    if (!id || n <= 0 || *end) {
        cerr_set(e, "validation_failed", "announcement", "announcement: 应为公告编号 (expected an announcement id)");
        return 0;
    }
    json_object_set_new(p, "announcement", json_integer(n));
    return n;
}

/* Answered with a fault's script: linked once, never to a second fault. */
static int p_fault_answer(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)ctx;
    if (!fault_of(p, e))
        return -1;
    if (json_integer_value(json_object_get(c->data, "announcement")))
        return cerr_set(e, "action_not_allowed", "announcement", "announcement: 已关联系统公告 (linked to a fault already)");
    if (blank(p, "script"))
        return cerr_set(e, "validation_failed", "script", "script: 必填 (required)");
    const char *agent = jstr(p, "agent");
    if (agent)
        json_object_set_new(p, "agent", json_integer(strtoll(agent, NULL, 10)));
    return 0;
}

static void x_fault_answer(complaint *c, const event *ev)
{
    json_object_set(c->data, "announcement", json_object_get(ev->payload, "announcement"));
    record(c, ev, "fault_answer");
}

/* The fault resolved: only a complaint linked to that announcement closes with it, as a valid one. */
static int p_fault_close(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)ctx;
    int64_t n = fault_of(p, e);
    if (!n)
        return -1;
    if (json_integer_value(json_object_get(c->data, "announcement")) != n)
        return cerr_set(e, "action_not_allowed", "announcement", "announcement: 未关联该公告 (not linked to this fault)");
    if (!*c->nature)
        json_object_set_new(p, "nature", json_string("valid"));
    return 0;
}

/* The customer did not accept the fault's script: unlinked, it is an ordinary complaint again. */
static int g_fault_unlink(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    (void)ctx;
    if (!json_integer_value(json_object_get(c->data, "announcement")))
        return cerr_set(e, "action_not_allowed", "", "未关联系统公告 (not linked to a fault)");
    return 0;
}

static int p_fault_unlink(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    (void)ctx, (void)e;
    json_object_set(p, "announcement", json_object_get(c->data, "announcement"));
    return 0;
}

static void x_fault_unlink(complaint *c, const event *ev)
{
    json_object_del(c->data, "announcement");
    record(c, ev, "fault_unlinked");
}

/* An appeal is assessed once for a report sent late. */
static int g_appeal_late(const wf_ctx *ctx, const complaint *c, cerr *e)
{
    (void)ctx;
    if (!is_appeal(c))
        return cerr_set(e, "action_not_allowed", "", "该工单不是申诉 (the complaint is not an appeal)");
    if (json_object_get(c->data, "appeal_late"))
        return cerr_set(e, "action_not_allowed", "", "已考核 (assessed already)");
    return 0;
}

/* The ledger entry of a late report (core/appeal.h), numbered after the complaint's entries. */
static int p_appeal_late(const wf_ctx *ctx, const complaint *c, json_t *p, cerr *e)
{
    const char *pt = jstr(p, "points");
    char *end = NULL;
    long points = pt ? strtol(pt, &end, 10) : 0;
    if (pt && (*end || points < 0 || points > 1000))
        return cerr_set(e, "validation_failed", "points", "points: 应为 0–1000 的整数 (expected 0–1000)");
    json_object_set_new(p, "points", json_integer(points));
    char month[16];
    time_local_date(ctx->now, ctx->pol->tz_offset, true, month, sizeof month);
    month[7] = '\0';
    json_t *entry = json_pack("{s:I,s:s,s:s,s:s,s:s,s:O,s:O,s:i,s:b,s:b,s:s,s:n,s:s}", "no",
                              last_entry_no(c) + 1, "rule", "appeal_late", "role", "unit", "role_name",
                              "申诉报告逾期", "role_name_en", "Appeal report late", "unit", json_object_get(p, "unit"),
                              "amount_fen", json_object_get(p, "amount_fen"), "points", (int)points, "award_loss", 0,
                              "performance_pay", 0, "month", month, "person", "status", "active");
    json_object_set_new(p, "penalties", json_pack("[o]", entry));
    return 0;
}

static void x_appeal_late(complaint *c, const event *ev)
{
    record(c, ev, "appeal_late");
    json_object_del(json_object_get(c->data, "appeal_late"), "penalties");
    add_penalties(c, json_object_get(ev->payload, "penalties"));
}

/* ---- the table ---------------------------------------------------------- */

static const wf_action table[] = {
    [WF_ANSWER] = {WF_ANSWER, "answer", "当场答复", "Answer on the spot", BIT(ST_REGISTERED), ST_CLOSED, CENTRE,
                   SCOPE_NONE, f_answer, g_answer, p_answer, x_answer, CLOCKS(0, 0, 0, WF_CLK_STOP_ALL)},
    [WF_DISPATCH] = {WF_DISPATCH, "dispatch", "派单", "Dispatch", BIT(ST_REGISTERED) | BIT(ST_DISPATCHED),
                     ST_DISPATCHED, CENTRE, SCOPE_NONE, f_dispatch, g_dispatch, p_dispatch, x_dispatch,
                     CLOCKS(BIT(ST_REGISTERED), CK(SLA_DISPATCH), CK(SLA_HANDLE), WF_CLK_REGRADE)},
    [WF_ACCEPT] = {WF_ACCEPT, "accept", "签收", "Accept", BIT(ST_DISPATCHED), ST_PROCESSING, HANDLING, SCOPE_OWNER,
                   f_accept, NULL, p_accept, x_accept, CLOCKS(0, CK(SLA_PARTNER_REPLY), 0, WF_CLK_NONE)},
    [WF_TRANSFER] = {WF_TRANSFER, "transfer", "转派", "Transfer", BIT(ST_DISPATCHED) | BIT(ST_PROCESSING),
                     ST_DISPATCHED, HANDLING, SCOPE_OWNER, f_transfer, NULL, p_transfer, x_transfer, NO_CLOCKS},
    [WF_ASSIST] = {WF_ASSIST, "assist", "协办", "Ask for assistance", BIT(ST_PROCESSING), ST_NONE, HANDLING,
                   SCOPE_OWNER, f_assist, NULL, p_assist, x_assist, NO_CLOCKS},
    [WF_ASSIST_REPLY] = {WF_ASSIST_REPLY, "assist_reply", "协办反馈", "Report assistance", BIT(ST_PROCESSING), ST_NONE,
                         HANDLING, SCOPE_ASSIST, f_assist_reply, g_assist_reply, p_assist_reply, x_assist_reply,
                         NO_CLOCKS},
    [WF_ESCALATE] = {WF_ESCALATE, "escalate", "升级", "Escalate", BIT(ST_DISPATCHED) | BIT(ST_PROCESSING),
                     ST_DISPATCHED, HANDLING, SCOPE_OWNER, f_escalate, g_escalate, p_escalate, x_escalate,
                     CLOCKS(0, 0, 0, WF_CLK_WIDEN)},
    [WF_RESOLVE] = {WF_RESOLVE, "resolve", "办结", "Resolve", BIT(ST_PROCESSING), ST_RESOLVED, HANDLING, SCOPE_OWNER,
                    f_resolve, NULL, p_resolve, x_resolve,
                    CLOCKS(0, CK(SLA_DISPATCH) | CK(SLA_HANDLE) | CK(SLA_PROGRESS) | CK(SLA_SOLUTION) | PARTNER_CLOCKS,
                           CK(SLA_REPLY), WF_CLK_NONE)},
    [WF_INVALIDATE] = {WF_INVALIDATE, "invalidate", "判定无效", "Mark invalid",
                       BIT(ST_REGISTERED) | BIT(ST_DISPATCHED) | BIT(ST_PROCESSING), ST_RESOLVED, HANDLING, SCOPE_OWNER,
                       f_invalidate, g_invalidate, p_invalidate, x_invalidate,
                       CLOCKS(0, CK(SLA_DISPATCH) | CK(SLA_HANDLE) | CK(SLA_PROGRESS) | CK(SLA_SOLUTION) | PARTNER_CLOCKS,
                              CK(SLA_REPLY), WF_CLK_NONE)},
    [WF_REPLY] = {WF_REPLY, "reply", "答复客户", "Reply to customer", BIT(ST_RESOLVED), ST_REPLIED, CENTRE, SCOPE_NONE,
                  f_reply, g_reply, p_reply, x_reply,
                  CLOCKS(0, CK(SLA_REPLY) | CK(SLA_OVERALL) | CK(SLA_ACKNOWLEDGE) | CK(SLA_FIRST_RESPONSE),
                         CK(SLA_REVISIT), WF_CLK_NONE)},
    [WF_REVISIT] = {WF_REVISIT, "revisit", "回访", "Revisit", BIT(ST_REPLIED), ST_REVISITED, CENTRE | R_CUSTOMER,
                    SCOPE_NONE,
                    f_revisit, NULL, p_revisit, x_revisit, CLOCKS(0, CK(SLA_REVISIT), CK(SLA_CLOSE), WF_CLK_NONE)},
    [WF_REVISIT_ATTEMPT] = {WF_REVISIT_ATTEMPT, "revisit_attempt", "回访未接通", "Revisit: not reached", BIT(ST_REPLIED),
                            ST_NONE, CENTRE, SCOPE_NONE, f_revisit_attempt, g_revisit_attempt, NULL, x_revisit_attempt,
                            NO_CLOCKS},
    [WF_REOPEN] = {WF_REOPEN, "reopen", "再处理", "Reopen", BIT(ST_REVISITED), ST_DISPATCHED, CENTRE, SCOPE_NONE,
                   f_reopen, g_reopen, p_reopen, x_reopen, CLOCKS(0, CK(SLA_CLOSE), CK(SLA_HANDLE), WF_CLK_NONE)},
    [WF_CLOSE] = {WF_CLOSE, "close", "结案", "Close", BIT(ST_REVISITED) | BIT(ST_REPLIED), ST_CLOSED, CENTRE,
                  SCOPE_NONE, f_close, g_close, p_close_confirmed, x_close, CLOCKS(0, 0, 0, WF_CLK_STOP_ALL)},
    [WF_CLOSE_UNACCEPTED] = {WF_CLOSE_UNACCEPTED, "close_unaccepted", "不认可结案", "Close without agreement",
                             BIT(ST_REVISITED), ST_CLOSED, R_SUPERVISOR | R_MANAGER, SCOPE_NONE, f_close_unaccepted,
                             g_close_unaccepted, p_close_unaccepted, x_close, CLOCKS(0, 0, 0, WF_CLK_STOP_ALL)},
    [WF_ARCHIVE] = {WF_ARCHIVE, "archive", "归档", "Archive", BIT(ST_CLOSED), ST_ARCHIVED, CENTRE, SCOPE_NONE, f_none,
                    NULL, NULL, NULL, NO_CLOCKS},
    [WF_COMMENT] = {WF_COMMENT, "comment", "备注", "Comment", ALL_OPEN | BIT(ST_CLOSED), ST_NONE,
                    R_ALL_ROLES & ~(R_AUDITOR | R_ADMIN), SCOPE_NONE, f_comment, NULL, NULL, NULL, NO_CLOCKS},
    [WF_WAIT_CUSTOMER] = {WF_WAIT_CUSTOMER, "wait_customer", "等待客户", "Wait for the customer", WAITABLE, ST_NONE,
                          CENTRE | R_HANDLER, SCOPE_OWNER, f_wait, g_wait, p_wait, NULL,
                          CLOCKS(0, 0, 0, WF_CLK_PAUSE_ALL)},
    [WF_RESUME] = {WF_RESUME, "resume", "恢复计时", "Resume", WAITABLE, ST_NONE, CENTRE | R_HANDLER, SCOPE_OWNER,
                   f_resume, g_resume, p_resume, NULL, NO_CLOCKS},
    [WF_REQUEST_EXTENSION] = {WF_REQUEST_EXTENSION, "request_extension", "申请延期", "Request an extension",
                              HANDLE_STAGE, ST_NONE, HANDLING, SCOPE_OWNER, f_request_extension, g_request_extension,
                              p_request_extension, x_request_extension, CLOCKS(0, 0, 0, WF_CLK_PROGRESS)},
    [WF_APPROVE_EXTENSION] = {WF_APPROVE_EXTENSION, "approve_extension", "批准延期", "Approve the extension",
                              HANDLE_STAGE, ST_NONE, R_SUPERVISOR | R_MANAGER, SCOPE_NONE, f_approve_extension,
                              g_extension_pending, p_approve_extension, x_approve_extension,
                              CLOCKS(0, 0, 0, WF_CLK_EXTEND)},
    [WF_REFUSE_EXTENSION] = {WF_REFUSE_EXTENSION, "refuse_extension", "不同意延期", "Refuse the extension",
                             HANDLE_STAGE, ST_NONE, R_SUPERVISOR | R_MANAGER, SCOPE_NONE, f_refuse_extension,
                             g_extension_pending, NULL, x_refuse_extension, NO_CLOCKS},
    [WF_PROGRESS_REPLY] = {WF_PROGRESS_REPLY, "progress_reply", "进度回复", "Tell the customer the progress",
                           BIT(ST_REGISTERED) | HANDLE_STAGE, ST_NONE, CENTRE, SCOPE_NONE, f_progress_reply, NULL, NULL,
                           x_progress_reply,
                           CLOCKS(0, CK(SLA_PROGRESS) | CK(SLA_ACKNOWLEDGE) | CK(SLA_FIRST_RESPONSE), 0, WF_CLK_NONE)},
    [WF_WARN] = {WF_WARN, "warn", "超时预警", "Deadline warning", ALL_OPEN, ST_NONE, R_SYSTEM, SCOPE_NONE, f_none, NULL,
                 p_warn, x_warn, CLOCKS(0, 0, 0, WF_CLK_FLAG)},
    [WF_BREACH] = {WF_BREACH, "breach", "超时督办", "Overdue: supervision", ALL_OPEN, ST_NONE, R_SYSTEM, SCOPE_NONE,
                   f_none, NULL, p_breach, x_supervision, CLOCKS(0, 0, 0, WF_CLK_FLAG)},
    [WF_SUPERVISE] = {WF_SUPERVISE, "supervise", "升级督办", "Further supervision", ALL_OPEN, ST_NONE, R_SYSTEM,
                      SCOPE_NONE, f_none, NULL, p_supervise, x_supervision, CLOCKS(0, 0, 0, WF_CLK_FLAG)},
    [WF_REPLAN] = {WF_REPLAN, "replan", "时限重算", "Deadlines re-planned", ALL_OPEN, ST_NONE, R_SYSTEM, SCOPE_NONE,
                   f_none, NULL, NULL, NULL, CLOCKS(0, 0, 0, WF_CLK_RECALC)},
    [WF_COMPENSATE] = {WF_COMPENSATE, "compensate", "补偿", "Compensate", COMPENSABLE, ST_NONE, CENTRE | R_HANDLER,
                       SCOPE_OWNER, f_compensate, g_compensate, p_compensate, x_compensate, NO_CLOCKS},
    [WF_APPROVE_COMPENSATION] = {WF_APPROVE_COMPENSATION, "approve_compensation", "批准补偿",
                                 "Approve the compensation", COMPENSABLE, ST_NONE, R_SUPERVISOR | R_MANAGER, SCOPE_NONE,
                                 f_approve_compensation, g_decide_compensation, p_decide_compensation,
                                 x_approve_compensation, NO_CLOCKS},
    [WF_REFUSE_COMPENSATION] = {WF_REFUSE_COMPENSATION, "refuse_compensation", "不同意补偿", "Refuse the compensation",
                                COMPENSABLE, ST_NONE, R_SUPERVISOR | R_MANAGER, SCOPE_NONE, f_refuse_compensation,
                                g_decide_compensation, p_decide_compensation, x_refuse_compensation, NO_CLOCKS},
    [WF_WAIVE_PENALTY] = {WF_WAIVE_PENALTY, "waive_penalty", "免除考核", "Waive a penalty",
                          BIT(ST_CLOSED) | BIT(ST_ARCHIVED), ST_NONE, R_MANAGER, SCOPE_NONE, f_waive_penalty,
                          g_waive_penalty, p_waive_penalty, x_waive_penalty, NO_CLOCKS},
    [WF_INCIDENT] = {WF_INCIDENT, "incident", "并入危机事件", "Grouped into an incident", ALL_OPEN, ST_NONE, R_SYSTEM,
                     SCOPE_NONE, f_incident, NULL, p_incident, x_incident, CLOCKS(0, 0, 0, WF_CLK_REGRADE)},
    [WF_ASSIGN] = {WF_ASSIGN, "assign", "指派", "Assign", BIT(ST_DISPATCHED) | BIT(ST_PROCESSING), ST_NONE, HANDLING,
                   SCOPE_OWNER, f_assign, NULL, p_assign, x_assign, NO_CLOCKS},
    [WF_CORRECT] = {WF_CORRECT, "correct", "更正", "Correct the record", ALL_OPEN | BIT(ST_CLOSED), ST_NONE,
                    CENTRE, SCOPE_NONE, f_correct, g_correct, p_correct, x_correct,
                    CLOCKS(0, 0, 0, WF_CLK_REGRADE)},
    [WF_RETURN] = {WF_RETURN, "return", "退单", "Send back to the service centre", BIT(ST_DISPATCHED) | BIT(ST_PROCESSING),
                   ST_REGISTERED, HANDLING, SCOPE_OWNER, f_return, g_return, p_return, x_return,
                   CLOCKS(0, CK(SLA_HANDLE) | CK(SLA_PROGRESS), CK(SLA_DISPATCH), WF_CLK_NONE)},
    [WF_UPGRADE] = {WF_UPGRADE, "upgrade", "规则升级", "Upgraded by a rule", ALL_OPEN, ST_NONE, R_SYSTEM, SCOPE_NONE,
                    f_upgrade, NULL, p_upgrade, x_upgrade, CLOCKS(0, 0, 0, WF_CLK_REGRADE)},
    [WF_COMPLEX] = {WF_COMPLEX, "mark_complex", "认定复杂问题", "Mark as complex",
                    BIT(ST_REGISTERED) | BIT(ST_DISPATCHED) | BIT(ST_PROCESSING), ST_NONE, CENTRE | R_HANDLER,
                    SCOPE_OWNER, f_complex, g_complex, p_complex, x_complex, CLOCKS(0, 0, 0, WF_CLK_REGRADE)},
    [WF_FAULT_ANSWER] = {WF_FAULT_ANSWER, "fault_answer", "按公告口径答复", "Answered with a fault's script",
                         BIT(ST_REGISTERED), ST_NONE, R_SYSTEM, SCOPE_NONE, f_fault_answer, NULL, p_fault_answer,
                         x_fault_answer, CLOCKS(0, 0, 0, WF_CLK_STOP_ALL)},
    [WF_FAULT_CLOSE] = {WF_FAULT_CLOSE, "fault_close", "故障恢复结案", "Closed with the fault",
                        BIT(ST_REGISTERED), ST_CLOSED, R_SYSTEM, SCOPE_NONE, f_fault_close, NULL, p_fault_close,
                        x_close, CLOCKS(0, 0, 0, WF_CLK_STOP_ALL)},
    [WF_FAULT_UNLINK] = {WF_FAULT_UNLINK, "fault_unlink", "解除公告关联", "Unlink from the fault", BIT(ST_REGISTERED),
                         ST_NONE, CENTRE, SCOPE_NONE, f_fault_unlink, g_fault_unlink, p_fault_unlink, x_fault_unlink,
                         CLOCKS(0, 0, CK(SLA_DISPATCH) | CK(SLA_OVERALL), WF_CLK_NONE)},
    [WF_APPEAL_LATE] = {WF_APPEAL_LATE, "appeal_late", "申诉报告逾期考核", "Assessed: appeal report sent late",
                        ALL_OPEN | BIT(ST_CLOSED) | BIT(ST_ARCHIVED), ST_NONE, R_SYSTEM, SCOPE_NONE, f_appeal_late,
                        g_appeal_late, p_appeal_late, x_appeal_late, NO_CLOCKS},
    [WF_MAIL_IN] = {WF_MAIL_IN, "mail_in", "客户来信", "Customer e-mail", ALL_OPEN | BIT(ST_CLOSED) | BIT(ST_ARCHIVED),
                    ST_NONE, R_SYSTEM, SCOPE_NONE, f_mail_in, NULL, NULL, NULL, NO_CLOCKS},
    [WF_ACKNOWLEDGE] = {WF_ACKNOWLEDGE, "acknowledge", "受理答复", "Tell the customer whether it is accepted",
                        BIT(ST_REGISTERED) | HANDLE_STAGE, ST_NONE, CENTRE, SCOPE_NONE, f_acknowledge, g_acknowledge,
                        p_acknowledge, x_acknowledge,
                        CLOCKS(0, CK(SLA_ACKNOWLEDGE) | CK(SLA_FIRST_RESPONSE), 0, WF_CLK_NONE)},
    [WF_PROPOSE_SOLUTION] = {WF_PROPOSE_SOLUTION, "propose_solution", "提出初步解决方案", "Propose a solution",
                             HANDLE_STAGE, ST_NONE, HANDLING, SCOPE_OWNER, f_propose_solution, g_propose_solution, NULL,
                             x_propose_solution, CLOCKS(0, CK(SLA_SOLUTION), 0, WF_CLK_NONE)},
    [WF_HAND_OVER] = {WF_HAND_OVER, "hand_over", "呈报管理层", "Hand over to management", ALL_OPEN, ST_NONE, CENTRE,
                      SCOPE_NONE, f_hand_over, g_hand_over, NULL, x_hand_over,
                      CLOCKS(0, CK(SLA_HANDOVER), 0, WF_CLK_NONE)},
    [WF_REVIEW] = {WF_REVIEW, "review", "复核", "Review the handling opinion", BIT(ST_RESOLVED), ST_NONE,
                   CENTRE | R_HANDLER, SCOPE_NONE, f_review, g_review, p_review, x_review,
                   CLOCKS(0, CK(SLA_REVIEW), CK(SLA_REPLY), WF_CLK_NONE)},
    [WF_MARK_UNRESOLVABLE] = {WF_MARK_UNRESOLVABLE, "mark_unresolvable", "记录无法处理", "Record as unresolvable",
                              HANDLE_STAGE, ST_NONE, CENTRE | R_HANDLER, SCOPE_OWNER, f_mark_unresolvable,
                              g_mark_unresolvable, NULL, x_mark_unresolvable, CLOCKS(0, 0, 0, WF_CLK_PARK)},
    [WF_UNMARK_UNRESOLVABLE] = {WF_UNMARK_UNRESOLVABLE, "unmark_unresolvable", "恢复处理", "Resume handling",
                                HANDLE_STAGE, ST_NONE, CENTRE | R_HANDLER, SCOPE_OWNER, f_unmark_unresolvable,
                                g_unmark_unresolvable, NULL, x_unmark_unresolvable, CLOCKS(0, 0, 0, WF_CLK_UNPARK)},
    [WF_CLOSE_UNRESOLVABLE] = {WF_CLOSE_UNRESOLVABLE, "close_unresolvable", "无法处理销项",
                               "Close as unresolvable (periodic review)", HANDLE_STAGE, ST_CLOSED,
                               R_SUPERVISOR | R_MANAGER, SCOPE_NONE, f_close_unresolvable, g_close_unresolvable,
                               p_close_unresolvable, x_close_unresolvable, CLOCKS(0, 0, 0, WF_CLK_STOP_ALL)},
    [WF_CONFIRM] = {WF_CONFIRM, "confirm", "客户确认", "The customer's confirmation", ALL_OPEN, ST_NONE,
                    CENTRE | HANDLING | R_CUSTOMER, SCOPE_OWNER, f_confirm, g_confirm, p_confirm, x_confirm, NO_CLOCKS},
    [WF_REQUEST_ONSITE] = {WF_REQUEST_ONSITE, "request_onsite", "确认上门需求", "Confirm an on-site visit is needed",
                           HANDLE_STAGE, ST_NONE, CENTRE | R_HANDLER, SCOPE_OWNER, f_request_onsite, g_request_onsite,
                           p_request_onsite, x_request_onsite, CLOCKS(0, 0, CK(SLA_ONSITE), WF_CLK_NONE)},
    [WF_ONSITE_VISIT] = {WF_ONSITE_VISIT, "onsite_visit", "上门服务", "Record an on-site visit", HANDLE_STAGE, ST_NONE,
                         HANDLING, SCOPE_OWNER, f_onsite_visit, g_onsite_visit, p_onsite_visit, x_onsite_visit,
                         CLOCKS(0, PARTNER_CLOCKS, CK(SLA_SECOND_VISIT), WF_CLK_NONE)},
    [WF_RECORD_PENDING] = {WF_RECORD_PENDING, "record_pending", "记录未了事宜", "Record a pending matter", HANDLE_STAGE,
                           ST_NONE, CENTRE | R_HANDLER, SCOPE_OWNER, f_record_pending, g_record_pending,
                           p_record_pending, x_record_pending, CLOCKS(0, 0, 0, WF_CLK_PARK)},
    [WF_CONTACT_PENDING] = {WF_CONTACT_PENDING, "contact_pending", "未了事宜沟通", "Contact about the pending matter",
                            HANDLE_STAGE, ST_NONE, CENTRE | R_HANDLER, SCOPE_OWNER, f_contact_pending, g_pending,
                            p_pending_note, x_contact_pending, CLOCKS(0, 0, 0, WF_CLK_NONE)},
    [WF_SETTLE_PENDING] = {WF_SETTLE_PENDING, "settle_pending", "未了事宜了结", "Settle the pending matter",
                           HANDLE_STAGE, ST_NONE, CENTRE | R_HANDLER, SCOPE_OWNER, f_settle_pending, g_pending,
                           p_pending_note, x_settle_pending, CLOCKS(0, 0, 0, WF_CLK_UNPARK)},
};

const wf_action *workflow_table(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}

_Static_assert(sizeof table / sizeof table[0] == WF__COUNT, "one row per enum wf_action_id");

/* A row is where its id says, and its clock plan names only clocks and ops that exist. */
static bool row_ok(const wf_action *a, size_t i)
{
    const wf_clock_plan *p = &a->clocks;
    return a->id == (int)i && a->name && ((p->stop | p->start) & ~(CK(SLA__COUNT) - 1)) == 0 &&
           p->op >= WF_CLK_NONE && p->op <= WF_CLK_UNPARK && (p->when & ~a->from) == 0;
}

/*
 * A work order filed under the wrong kind (004: 報修、咨詢、投訴) takes its
 * right one while it is open, when that kind has a step on from where it
 * stands (its subset of the workflow); a closed one keeps what it was
 * closed as, with its penalties and counts.
 */
static int kind_change_refused(const wf_ctx *ctx, const complaint *c, const char *kind, cerr *e)
{
    if (!status_open(c->status))
        return cerr_set(e, "validation_failed", "kind", "kind: 已结案的工单不能更改类型 (a closed work order keeps its kind)");
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const wf_action *a = &table[i];
        if (!(a->roles & R_SYSTEM) && (a->from & BIT(c->status)) && a->to != ST_NONE && a->to != c->status &&
            taxonomy_kind_allows(&ctx->pol->tax, kind, a->name))
            return 0;
    }
    return cerr_set(e, "validation_failed", "kind", "kind: %s在当前状态（%s）无法继续办理 (a %s has no step on from %s)",
                    taxonomy_kind_name(&ctx->pol->tax, kind, false), status_label(c->status, false), kind,
                    status_name(c->status));
}

const wf_action *workflow_find(const char *name)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        assert(row_ok(&table[i], i));
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    }
    return NULL;
}

const char *workflow_label(const char *action, bool en)
{
    if (strcmp(action, "intake") == 0)
        return en ? "Received" : "受理登记";
    if (strcmp(action, "anonymise") == 0)
        return en ? "Customer data anonymised" : "客户信息已匿名化";
    if (strcmp(action, "link") == 0)
        return en ? "Linked" : "关联工单";
    if (strcmp(action, "attach") == 0)
        return en ? "Attachment added" : "添加附件";
    if (strcmp(action, "detach") == 0)
        return en ? "Attachment removed" : "删除附件";
    if (strcmp(action, "supervision_close") == 0)
        return en ? "Supervision order closed" : "督办办结";
    const wf_action *a = workflow_find(action);
    return a ? (en ? a->en : a->zh) : action;
}

const char *field_type_name(int type)
{
    static const char *names[] = {"text", "textarea", "select", "unit", "number", "datetime", "survey", "number"};
    return type >= 0 && type <= F_COUNT ? names[type] : "text";
}

/* ---- deciding ------------------------------------------------------------ */

int workflow_may(const wf_ctx *ctx, const complaint *c, const wf_action *act, cerr *e)
{
    if (!(act->from & BIT(c->status)))
        return cerr_set(e, "action_not_allowed", "", "当前状态（%s）不能%s (not allowed while %s)",
                        status_label(c->status, false), act->zh, status_name(c->status));
    /* The kind's subset of the workflow (kinds[].actions); the system's steps are every kind's. */
    if (!(act->roles & R_SYSTEM) && !taxonomy_kind_allows(&ctx->pol->tax, jstr(c->data, "kind"), act->name))
        return cerr_set(e, "action_not_allowed", "", "此类工单不能%s (a %s does not take %s)", act->zh,
                        cases_kind(c), act->name);
    int rc = workflow_permitted(ctx, c, act, e);
    if (rc)
        return rc;
    if (parked(c, act, e))
        return -1;
    if (act->guard && act->guard(ctx, c, e))
        return -1;
    return 0;
}

int workflow_permitted(const wf_ctx *ctx, const complaint *c, const wf_action *act, cerr *e)
{
    const actor *who = ctx->who;
    unsigned r = who->roles & act->roles;
    if (!r)
        return cerr_set(e, "forbidden", "", "您的角色不能%s (your role may not %s)", act->zh, act->name);
    /* Supervisors and managers act across units; a plain handler only within scope. */
    if (!(r & (R_SUPERVISOR | R_MANAGER | R_AGENT | R_ADMIN))) {
        if (act->scope == SCOPE_OWNER && !org_within(ctx->org, c->owner_unit, who->unit))
            return cerr_set(e, "forbidden", "", "该工单不由本单位承办 (your unit does not own this complaint)");
        if (act->scope == SCOPE_ASSIST && !open_assist_for(ctx->org, c, who->unit, false))
            return cerr_set(e, "forbidden", "", "本单位没有待反馈的协办 (your unit was not asked to assist)");
    }
    return 0;
}

size_t workflow_allowed(const wf_ctx *ctx, const complaint *c, const wf_action **out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof table / sizeof table[0] && n < cap; i++)
        if (!(table[i].roles & R_SYSTEM) && workflow_may(ctx, c, &table[i], NULL) == 0)
            out[n++] = &table[i];
    return n;
}

static int check_text(const json_t *v, const char *path, bool required, long max, cerr *e)
{
    if (!v || json_is_null(v)) {
        if (required)
            return cerr_set(e, "validation_failed", path, "%s: 必填 (required)", path);
        return 0;
    }
    if (!json_is_string(v))
        return cerr_set(e, "validation_failed", path, "%s: 应为文本 (expected a string)", path);
    const char *s = json_string_value(v);
    long n = utf8_count(s);
    if (n < 0)
        return cerr_set(e, "validation_failed", path, "%s: 含有无效字符 (invalid UTF-8 or control character)", path);
    if (n > max)
        return cerr_set(e, "validation_failed", path, "%s: 不能超过 %ld 字 (at most %ld characters)", path, max, max);
    if (required) {
        while (*s && isspace((unsigned char)*s))
            s++;
        if (!*s)
            return cerr_set(e, "validation_failed", path, "%s: 必填 (required)", path);
    }
    return 0;
}

/*
 * A time limit promised or asked for (promised_at at intake, an extension's
 * deadline) lies at most WF_HORIZON_DAYS after now: further is a typing
 * error (9999-12-31), and a clock that would never fall due.
 */
static int beyond_horizon(const wf_ctx *ctx, int64_t t, const char *field, cerr *e)
{
    if (t <= ctx->now + (int64_t)WF_HORIZON_DAYS * 86400)
        return 0;
    return cerr_set(e, "validation_failed", field, "%s: 不能晚于 %d 天之后 (at most %d days from now)", field,
                    WF_HORIZON_DAYS, WF_HORIZON_DAYS);
}

/* Validates one action field and copies its normalised value into payload. */
static int take_field(const wf_ctx *ctx, const wf_field *f, const json_t *input, json_t *payload, cerr *e)
{
    const json_t *v = json_object_get(input, f->name);
    if (v && json_is_string(v) && !*json_string_value(v) && !f->required && f->type != F_TEXT &&
        f->type != F_TEXTAREA)
        v = NULL; /* an empty select/unit/number from a form means "not given" */
    if (!v || json_is_null(v)) {
        if (f->required)
            return cerr_set(e, "validation_failed", f->name, "%s: 必填 (required)", f->name);
        return 0;
    }
    switch (f->type) {
    case F_TEXT:
    case F_TEXTAREA:
        if (check_text(v, f->name, f->required, f->type == F_TEXT ? TEXT_MAX : TEXTAREA_MAX, e))
            return -1;
        json_object_set(payload, f->name, (json_t *)v);
        return 0;
    case F_SELECT: {
        char num[24];
        const char *s = json_is_string(v) ? json_string_value(v) : NULL;
        if (json_is_integer(v)) {
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
            s = num;
        }
        for (const wf_option *o = f->options; s && o->value; o++)
            if (strcmp(o->value, s) == 0) {
                json_object_set_new(payload, f->name, json_string(o->value));
                return 0;
            }
        return cerr_set(e, "validation_failed", f->name, "%s: 不是可选值 (not one of the options)", f->name);
    }
    case F_UNIT: {
        const unit *u = org_resolve(ctx->org, v);
        if (!u)
            return cerr_set(e, "unknown_unit", f->name, "%s: 单位不存在 (unknown unit)", f->name);
        json_object_set_new(payload, f->name, json_integer(u->id));
        return 0;
    }
    case F_MONEY: {
        double d = -1;
        int used = 0;
        if (json_is_number(v))
            d = json_number_value(v);
        else if (json_is_string(v) && sscanf(json_string_value(v), "%lf%n", &d, &used) == 1 &&
                 json_string_value(v)[used] == '\0')
            ; /* the whole string is the amount: "1,000" or "12abc" are refused */
        else
            return cerr_set(e, "validation_failed", f->name, "%s: 应为金额 (expected an amount in yuan)", f->name);
        if (!(d >= 0 && d <= 1e8))
            return cerr_set(e, "validation_failed", f->name, "%s: 金额超出范围 (out of range)", f->name);
        /* Money is kept in fen (integer) so that hashing never sees a float. */
        char key[48];
        snprintf(key, sizeof key, "%s_fen", f->name);
        json_object_set_new(payload, key, json_integer((json_int_t)llround(d * 100)));
        return 0;
    }
    case F_COUNT:
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 10000000)
            return cerr_set(e, "validation_failed", f->name, "%s: 应为 0–10000000 的整数 (a whole number 0–10000000)",
                            f->name);
        json_object_set(payload, f->name, (json_t *)v);
        return 0;
    case F_SURVEY:
        /* Checked against the complaint's questions by the action's prepare (p_revisit). */
        if (!json_is_array(v))
            return cerr_set(e, "validation_failed", f->name, "%s: 应为答案列表 (expected an array of answers)", f->name);
        json_object_set(payload, f->name, (json_t *)v);
        return 0;
    case F_DATETIME: {
        int64_t t;
        if (!json_is_string(v) || time_parse_rfc3339(json_string_value(v), &t))
            return cerr_set(e, "validation_failed", f->name, "%s: 应为 RFC 3339 时间 (expected RFC 3339)", f->name);
        if (beyond_horizon(ctx, t, f->name, e))
            return -1;
        json_object_set_new(payload, f->name, json_integer(t));
        return 0;
    }
    }
    return 0;
}

const wf_field *workflow_closing_fields(const wf_action *act)
{
    return act && (act->id == WF_ANSWER || act->id == WF_CLOSE_UNACCEPTED || act->id == WF_CLOSE_UNRESOLVABLE)
               ? f_close
               : NULL;
}

static bool field_in(const wf_field *fields, const char *name)
{
    for (const wf_field *f = fields; f && f->name; f++)
        if (strcmp(f->name, name) == 0)
            return true;
    return false;
}

/* Adds the names of fields (terminated by {NULL}) to names[*n..cap). */
static void add_names(const char **names, size_t *n, size_t cap, const wf_field *fields)
{
    for (const wf_field *f = fields; f && f->name; f++) {
        assert(*n < cap);
        if (*n < cap)
            names[(*n)++] = f->name;
    }
}

int workflow_check_input(const wf_ctx *ctx, const complaint *c, const wf_action *act, const json_t *input, cerr *e)
{
    /* The live form (the pack's closing fields, the entries that may be
     * decided), the row's own fields, and for the on-the-spot answer, which
     * closes the complaint, the closing fields the table declares. */
    const char *names[2 * WF_FORM_FIELDS + 2];
    size_t n = 0, cap = sizeof names / sizeof names[0] - 2;
    wf_form form;
    add_names(names, &n, cap, workflow_fields(ctx, c, act, &form));
    add_names(names, &n, cap, act->fields);
    add_names(names, &n, cap, workflow_closing_fields(act));
    names[n++] = WF_INPUT_VERSION;
    names[n] = NULL;
    return cerr_members(e, input, NULL, names);
}

/*
 * A field of the action that the live form leaves out for c (a correction of
 * figures this pack's authority does not read) but that input gives a value:
 * refused by name, never dropped in silence. Checked after the form's own
 * fields, whose faults come first.
 */
static int unasked(const wf_field *live, const wf_action *act, const json_t *input, cerr *e)
{
    for (const wf_field *f = act->fields; f && f->name; f++) {
        const json_t *v = json_object_get(input, f->name);
        if (v && !json_is_null(v) && !(json_is_string(v) && !*json_string_value(v)) && !field_in(live, f->name) &&
            !field_in(workflow_closing_fields(act), f->name))
            return cerr_set(e, "validation_failed", f->name, "%s: 此处不适用 (not asked for here)", f->name);
    }
    return 0;
}

/* ev as the step after c: action, by ctx's actor at ctx->now, to status `to`, with payload (taken over). */
static void next_event(const wf_ctx *ctx, const complaint *c, const char *action, int to, json_t *payload, event *ev)
{
    ev->complaint_id = c->id;
    ev->seq = c->version + 1;
    snprintf(ev->action, sizeof ev->action, "%s", action);
    ev->at = ctx->now;
    ev->actor = ctx->who->id;
    ev->from_status = c->status;
    ev->to_status = to;
    memcpy(ev->prev, c->head, sizeof ev->prev);
    json_decref(ev->payload);
    ev->payload = payload;
}

int workflow_step(const wf_ctx *ctx, const complaint *c, const char *action, const json_t *input,
                  event *ev, cerr *e)
{
    const wf_action *act = workflow_find(action);
    if (!act)
        return cerr_set(e, "not_found", "", "没有这个操作 (unknown action \"%s\")", action);
    if (workflow_may(ctx, c, act, e))
        return -1;
    if (input && !json_is_object(input))
        return cerr_set(e, "bad_json", "", "请求体应为 JSON 对象 (the body must be a JSON object)");
    if (workflow_check_input(ctx, c, act, input, e))
        return -1;
    json_t *payload = json_object();
    wf_form form;
    const wf_field *live = workflow_fields(ctx, c, act, &form);
    for (const wf_field *f = live; f->name; f++) {
        /* Closing requirements (close, answer) depend on the nature given in the
         * same input: p_close checks them; the form's flags are what the UI shows. */
        wf_field g = *f;
        if (act->to == ST_CLOSED && strcmp(f->name, "answer") != 0)
            g.required = false;
        if (take_field(ctx, &g, input, payload, e))
            goto fail;
    }
    if (unasked(live, act, input, e))
        goto fail;
    if (act->prepare && act->prepare(ctx, c, payload, e))
        goto fail;
    if (plan_clocks(ctx, c, act, payload, e))
        goto fail;
    next_event(ctx, c, act->name, step_to(act, c, payload), payload, ev);
    return 0;
fail:
    json_decref(payload);
    return -1;
}

int workflow_import(const wf_ctx *ctx, const complaint *c, const json_t *info, event *ev, cerr *e)
{
    const json_t *closing = json_object_get(info, "closing");
    json_t *payload = json_object();
    json_object_set_new(payload, "file", json_string(jstr(info, "file") ? jstr(info, "file") : ""));
    json_object_set_new(payload, "row", json_integer(json_integer_value(json_object_get(info, "row"))));
    int to = c->status;
    if (closing) {
        const char *nature = jstr(closing, "nature");
        if (!nature || cases_nature_parse(nature) < 0) {
            cerr_set(e, "validation_failed", "nature", "nature: 未知性质 (unknown nature)");
            goto fail;
        }
        if (ctx->now < c->received_at) {
            cerr_set(e, "validation_failed", "closed_at", "closed_at: 早于受理时间 (before received_at)");
            goto fail;
        }
        json_object_set_new(payload, "nature", json_string(nature));
        json_object_set(payload, "closing", (json_t *)closing);
        if (plan_clocks(ctx, c, &table[WF_CLOSE], payload, e))
            goto fail;
        const json_t *ot = json_object_get(closing, "on_time");
        const json_t *planned = json_object_get(payload, "overall_due");
        json_int_t due = planned ? json_integer_value(planned) : c->overall_due;
        bool computed = !due || ctx->now <= due;
        if (json_is_boolean(ot) && json_is_true(ot) != computed)
            json_object_set_new(payload, "overall_due", json_integer(json_is_true(ot) ? ctx->now : ctx->now - 1));
        to = ST_CLOSED;
    }
    next_event(ctx, c, "import", to, payload, ev);
    return 0;
fail:
    json_decref(payload);
    return -1;
}

/* An import event: where the complaint came from, and a historical closing. */
static void import_apply(complaint *c, const event *ev)
{
    json_t *from = json_object();
    json_object_set(from, "file", json_object_get(ev->payload, "file"));
    json_object_set(from, "row", json_object_get(ev->payload, "row"));
    json_object_set_new(c->data, "imported", from);
    if (ev->to_status == ST_CLOSED && ev->from_status != ST_CLOSED)
        record_closing(c, ev, "closing");
}

/* ---- intake ------------------------------------------------------------- */

int phone_normalise(const char *in, char *out, size_t outlen)
{
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            if (n + 1 >= outlen)
                return -1;
            out[n++] = *p;
        } else if (*p != ' ' && *p != '-' && !(*p == '+' && p == in)) {
            return -1;
        }
    }
    out[n] = '\0';
    return n >= 7 && n <= 20 ? 0 : -1;
}

static int take_time(const json_t *in, const char *key, int64_t *out, bool *given, cerr *e)
{
    const json_t *v = json_object_get(in, key);
    *given = false;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v) || time_parse_rfc3339(json_string_value(v), out))
        return cerr_set(e, "validation_failed", key, "%s: 应为带时区的 RFC 3339 时间 (expected RFC 3339, e.g. 2026-11-24T09:12:00+08:00)", key);
    *given = true;
    return 0;
}

static int copy_text(const json_t *in, const char *key, const char *path, json_t *out, bool required, long max,
                     cerr *e)
{
    const json_t *v = json_object_get(in, key);
    if (check_text(v, path, required, max, e))
        return -1;
    if (v && json_is_string(v))
        json_object_set(out, key, (json_t *)v);
    return 0;
}

/*
 * The clocks of a new complaint (payload p so far): fill runs from receipt to
 * now and stops at once; dispatch and the overall promise (promised, or the
 * policy's limit when 0) start at receipt.
 */
static int intake_clocks(const wf_ctx *ctx, json_t *p, int64_t received, int64_t promised, cerr *e)
{
    const sla_policy *sp = &ctx->pol->sla;
    sla_attrs a = {(int)json_integer_value(json_object_get(p, "level")), jstr(p, "scope"),
                   jstr(json_object_get(p, "customer"), "class"), jstr(p, "category"), jstr(p, "channel"),
                   jstr(p, "kind"), json_is_true(json_object_get(p, "complex"))};
    json_t *clocks = json_object();
    int rc = -1;
    if (clk_start(ctx, clocks, SLA_FILL, &a, received, e) || clk_stop(ctx, clocks, "fill", e) ||
        clk_start(ctx, clocks, SLA_DISPATCH, &a, received, e) || clk_start(ctx, clocks, SLA_ACKNOWLEDGE, &a, received, e) ||
        clk_start(ctx, clocks, SLA_FIRST_RESPONSE, &a, received, e) ||
        clk_start(ctx, clocks, SLA_HANDOVER, &a, received, e) || clk_start(ctx, clocks, SLA_SOLUTION, &a, received, e))
        goto out;
    if (promised) {
        sla_limit l = {.kind = SLA_UNTIL, .value = promised};
        json_t *ck;
        if (sla_start(sp, &l, received, &ck, e))
            goto out;
        json_object_set_new(clocks, "overall", ck);
    } else if (clk_start(ctx, clocks, SLA_OVERALL, &a, received, e)) {
        goto out;
    }
    int64_t due = sla_nearest(clocks);
    json_t *ov = json_object_get(clocks, "overall");
    json_object_set_new(p, "overall_due", ov ? json_integer(json_integer_value(json_object_get(ov, "deadline"))) : json_null());
    json_object_set_new(p, "stage_due", due ? json_integer(due) : json_null());
    json_object_set(p, "clocks", clocks);
    rc = 0;
out:
    json_decref(clocks);
    return rc;
}

/*
 * The kind (DOMAIN §8): an appeal (申诉) when it comes through a regulator's
 * channel or the record says so; the regulator (appeal_source) is one of the
 * pack's. Otherwise one of the pack's kinds (consultation, repair …) when it
 * has any. An ordinary complaint has no "kind" in its record.
 */
static int take_kind(const policy *pol, const json_t *in, json_t *p, cerr *e)
{
    const cases_policy *cp = &pol->cases;
    const json_t *k = json_object_get(in, "kind");
    bool appeal = cases_appeal_channel(cp, jstr(p, "channel"));
    const char *other = NULL; /* one of the pack's kinds besides complaint */
    if (k && !json_is_null(k)) {
        const char *v = json_is_string(k) ? json_string_value(k) : "";
        if (!*v || !taxonomy_has_kind(&pol->tax, v))
            return pol->tax.nkinds ? cerr_set(e, "validation_failed", "kind", "kind: 不是本方案的工单类型 (not a kind of this pack: \"%s\")", v)
                                   : cerr_set(e, "validation_failed", "kind", "kind: 应为 complaint 或 appeal (expected complaint or appeal)");
        if (strcmp(v, "appeal") != 0 && appeal)
            return cerr_set(e, "validation_failed", "kind", "kind: 监管渠道的投诉均为申诉 (a regulator's channel makes it an appeal)");
        appeal = appeal || strcmp(v, "appeal") == 0;
        if (!appeal && strcmp(v, "complaint") != 0)
            other = v;
    }
    const json_t *src = json_object_get(in, "appeal_source");
    if (src && !json_is_null(src) && !(json_is_string(src) && !*json_string_value(src))) {
        if (!appeal)
            return cerr_set(e, "validation_failed", "appeal_source", "appeal_source: 只有申诉才有来源 (only an appeal has one)");
        if (!json_is_string(src) || !cases_choice_find(cp->sources, cp->nsources, json_string_value(src)))
            return cerr_set(e, "validation_failed", "appeal_source", "appeal_source: 未知的申诉来源 (unknown regulator)");
        json_object_set(p, "appeal_source", (json_t *)src);
    }
    if (appeal || other)
        json_object_set_new(p, "kind", json_string(appeal ? "appeal" : other));
    return 0;
}

/*
 * The customer's months on the network and average monthly spending in
 * whole yuan (001 2.5: 在网时间、平均消费水平 — what the authority's
 * conditions read), from in into out when given; null leaves them out.
 * prefix names the field in an error ("customer." at intake).
 */
static int customer_figures(const json_t *in, const char *prefix, json_t *out, cerr *e)
{
    static const struct {
        const char *name;
        json_int_t max;
        const char *what;
    } figs[] = {{"tenure_months", 1200, "在网月数应为 0–1200 的整数 (months: a whole number 0–1200)"},
                {"monthly_spend", 10000000, "月均消费应为 0–10000000 的整数元 (whole yuan 0–10000000)"}};
    for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++) {
        const json_t *v = json_object_get(in, figs[i].name);
        if (!v || json_is_null(v))
            continue;
        char field[48];
        snprintf(field, sizeof field, "%s%s", prefix, figs[i].name);
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > figs[i].max)
            return cerr_set(e, "validation_failed", field, "%s: %s", field, figs[i].what);
        json_object_set(out, figs[i].name, (json_t *)v);
    }
    return 0;
}

/* What an intake record may hold: what workflow_intake reads, nothing more. */
static const char *const intake_members[] = {
    "channel",   "received_at", "occurred_at", "customer", "subject_unit",  "subject_staff",
    "category",  "place",       "description", "demand",   "evidence",      "level",
    "confirmed", "promised_at", "scope",       "kind",     "appeal_source", "complex", "external_ref", NULL};
static const char *const customer_members[] = {"name",    "phone",      "email",      "class",
                                               "address", "plate",      "card_no",    "account_no",
                                               "emergency_contact",     "tenure_months", "monthly_spend", NULL};

int workflow_intake(const wf_ctx *ctx, const json_t *in, event *ev, cerr *e)
{
    const policy *pol = ctx->pol;
    if (!json_is_object(in))
        return cerr_set(e, "bad_json", "", "请求体应为 JSON 对象 (the body must be a JSON object)");
    if (!(ctx->who->roles & (R_AGENT | R_SUPERVISOR | R_MANAGER)) && ctx->who->id != 0)
        return cerr_set(e, "forbidden", "", "您的角色不能登记投诉 (your role may not register complaints)");
    if (cerr_members(e, in, NULL, intake_members) ||
        cerr_members(e, json_object_get(in, "customer"), "customer", customer_members))
        return CERR_USER;
    json_t *p = json_object();

    const char *channel = jstr(in, "channel");
    if (!json_object_get(in, "channel")) {
        cerr_set(e, "validation_failed", "channel", "channel: 必填 (required)");
        goto fail;
    }
    if (!channel || !policy_channel(pol, channel)) {
        cerr_set(e, "validation_failed", "channel", "channel: 未知渠道 (unknown channel)");
        goto fail;
    }
    json_object_set_new(p, "channel", json_string(channel));

    int64_t received = ctx->now, occurred = 0, promised = 0;
    bool given;
    if (take_time(in, "received_at", &received, &given, e))
        goto fail;
    if (received > ctx->now + 300) {
        cerr_set(e, "validation_failed", "received_at", "received_at: 不能晚于当前时间 (is in the future)");
        goto fail;
    }
    json_object_set_new(p, "received_at", json_integer(received));
    if (take_time(in, "occurred_at", &occurred, &given, e))
        goto fail;
    if (given) {
        if (occurred > received + 300) {
            cerr_set(e, "validation_failed", "occurred_at", "occurred_at: 不能晚于受理时间 (after received_at)");
            goto fail;
        }
        json_object_set_new(p, "occurred_at", json_integer(occurred));
    }

    const json_t *cust = json_object_get(in, "customer");
    if (!json_is_object(cust)) {
        cerr_set(e, "validation_failed", "customer", "customer: 必填 (required: name and phone)");
        goto fail;
    }
    json_t *cu = json_object();
    json_object_set_new(p, "customer", cu);
    if (copy_text(cust, "name", "customer.name", cu, true, 100, e))
        goto fail;
    const json_t *phone = json_object_get(cust, "phone");
    char digits[24];
    if (!phone || json_is_null(phone) || (json_is_string(phone) && !*json_string_value(phone))) {
        cerr_set(e, "validation_failed", "customer.phone", "customer.phone: 必填 (required)");
        goto fail;
    }
    if (!json_is_string(phone) || phone_normalise(json_string_value(phone), digits, sizeof digits)) {
        cerr_set(e, "validation_failed", "customer.phone", "customer.phone: 应为 7–20 位数字 (expected 7–20 digits)");
        goto fail;
    }
    json_object_set(cu, "phone", (json_t *)phone);
    json_object_set_new(p, "phone_key", json_string(digits));
    const json_t *email = json_object_get(cust, "email");
    if (email && !json_is_null(email)) {
        const char *s = json_is_string(email) ? json_string_value(email) : NULL;
        if (s && *s) {
            const char *at = strchr(s, '@');
            if (!at || at == s || !strchr(at, '.') || strlen(s) > 200 || utf8_count(s) < 0) {
                cerr_set(e, "validation_failed", "customer.email", "customer.email: 邮箱格式不正确 (not an e-mail address)");
                goto fail;
            }
            json_object_set(cu, "email", (json_t *)email);
        } else if (!s) {
            cerr_set(e, "validation_failed", "customer.email", "customer.email: 应为文本 (expected a string)");
            goto fail;
        }
    }
    const char *cls = jstr(cust, "class");
    if (json_object_get(cust, "class") && !json_is_null(json_object_get(cust, "class")) &&
        (!cls || !policy_class(pol, cls))) {
        cerr_set(e, "validation_failed", "customer.class", "customer.class: 未知客户类别 (unknown customer class)");
        goto fail;
    }
    json_object_set_new(cu, "class", json_string(cls ? cls : pol->tax.classes[0].code));
    if (customer_figures(cust, "customer.", cu, e))
        goto fail;
    /* 004: 對於需要跟進的投訴,還需記錄投訴人的緊急聯繫人信息 — the emergency contact beside the rest. */
    static const char *extra[] = {"address", "plate", "card_no", "account_no", "emergency_contact"};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        char path[48];
        snprintf(path, sizeof path, "customer.%s", extra[i]);
        if (copy_text(cust, extra[i], path, cu, false, TEXT_MAX, e))
            goto fail;
    }

    const json_t *su = json_object_get(in, "subject_unit");
    if (!su || json_is_null(su)) {
        cerr_set(e, "validation_failed", "subject_unit", "subject_unit: 必填 (required)");
        goto fail;
    }
    const unit *subject = org_resolve(ctx->org, su);
    if (!subject) {
        cerr_set(e, "unknown_unit", "subject_unit", "subject_unit: 单位不存在 (unknown unit)");
        goto fail;
    }
    json_object_set_new(p, "subject_unit", json_integer(subject->id));

    const json_t *cat = json_object_get(in, "category");
    if (!cat || json_is_null(cat)) {
        cerr_set(e, "validation_failed", "category", "category: 必填 (required)");
        goto fail;
    }
    if (!json_is_string(cat) || !policy_category(pol, json_string_value(cat))) {
        cerr_set(e, "unknown_category", "category", "category: 投诉类别不存在 (unknown category)");
        goto fail;
    }
    json_object_set(p, "category", (json_t *)cat);

    /* Another system's own number for it (a 12345 ticket): unique within the
     * channel, so the same reference sent twice makes one complaint (app/intake.c). */
    const json_t *xref = json_object_get(in, "external_ref");
    if (xref && !json_is_null(xref) &&
        (copy_text(in, "external_ref", "external_ref", p, true, EXTERNAL_REF_MAX, e) ||
         (strpbrk(json_string_value(xref), " \t\r\n") &&
          cerr_set(e, "validation_failed", "external_ref", "external_ref: 不能含空白 (may not contain spaces)"))))
        goto fail;
    if (copy_text(in, "subject_staff", "subject_staff", p, false, TEXT_MAX, e) ||
        copy_text(in, "place", "place", p, false, TEXT_MAX, e) ||
        copy_text(in, "description", "description", p, true, DESCRIPTION_MAX, e) ||
        copy_text(in, "demand", "demand", p, false, TEXTAREA_MAX, e) ||
        copy_text(in, "evidence", "evidence", p, false, TEXTAREA_MAX, e))
        goto fail;

    int level = pol->default_level;
    const json_t *lv = json_object_get(in, "level");
    if (lv && !json_is_null(lv)) {
        if (!json_is_integer(lv) || json_integer_value(lv) < 1 || json_integer_value(lv) > LEVEL_MAX) {
            cerr_set(e, "validation_failed", "level", "level: 应为 1–3 (expected 1, 2 or 3)");
            goto fail;
        }
        level = (int)json_integer_value(lv);
    }
    json_object_set_new(p, "level", json_integer(level));
    const json_t *conf = json_object_get(in, "confirmed");
    if (conf && !json_is_boolean(conf)) {
        cerr_set(e, "validation_failed", "confirmed", "confirmed: 应为 true/false (expected a boolean)");
        goto fail;
    }
    json_object_set_new(p, "confirmed", json_boolean(json_is_true(conf)));
    /* 003: 较复杂性问题 — the pack may give complex cases longer limits (time_limit_policy, "complex"). */
    const json_t *cx = json_object_get(in, "complex");
    if (cx && !json_is_boolean(cx)) {
        cerr_set(e, "validation_failed", "complex", "complex: 应为 true/false (expected a boolean)");
        goto fail;
    }
    if (json_is_true(cx))
        json_object_set_new(p, "complex", json_true());

    if (take_time(in, "promised_at", &promised, &given, e))
        goto fail;
    if (given && promised <= received) {
        cerr_set(e, "validation_failed", "promised_at", "promised_at: 应晚于受理时间 (must be after received_at)");
        goto fail;
    }
    if (given && beyond_horizon(ctx, promised, "promised_at", e))
        goto fail;
    const json_t *scope = json_object_get(in, "scope");
    if (scope && !json_is_null(scope)) {
        if (!json_is_string(scope) || sla_scope_rank(json_string_value(scope)) < 0) {
            cerr_set(e, "validation_failed", "scope", "scope: 应为 general、provincial 或 national (expected general, provincial or national)");
            goto fail;
        }
        json_object_set(p, "scope", (json_t *)scope);
    }
    if (take_kind(pol, in, p, e))
        goto fail;
    if (intake_clocks(ctx, p, received, given ? promised : 0, e))
        goto fail;
    json_object_set_new(p, "owner_unit", json_integer(ctx->who->unit));

    ev->complaint_id = 0;
    ev->seq = 1;
    snprintf(ev->action, sizeof ev->action, "intake");
    ev->at = ctx->now;
    ev->actor = ctx->who->id;
    ev->from_status = ST_NONE;
    ev->to_status = ST_REGISTERED;
    memset(ev->prev, 0, sizeof ev->prev);
    json_decref(ev->payload);
    ev->payload = p;
    return 0;
fail:
    json_decref(p);
    return -1;
}

/* ---- applying ------------------------------------------------------------ */

static int64_t jint(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

static void copy_str(char *dst, size_t n, const json_t *o, const char *key)
{
    const char *s = jstr(o, key);
    snprintf(dst, n, "%s", s ? s : "");
}

static void apply_intake(complaint *c, const event *ev)
{
    const json_t *p = ev->payload;
    copy_str(c->number, sizeof c->number, p, "number");
    copy_str(c->channel, sizeof c->channel, p, "channel");
    copy_str(c->category, sizeof c->category, p, "category");
    copy_str(c->phone, sizeof c->phone, p, "phone_key");
    c->level = (int)jint(p, "level");
    c->subject_unit = jint(p, "subject_unit");
    c->received_at = jint(p, "received_at");
    c->overall_due = jint(p, "overall_due");
    c->created_at = ev->at;
    c->created_by = ev->actor;
    json_decref(c->data);
    c->data = json_object();
    static const char *keep[] = {"customer", "subject_staff", "occurred_at", "place",
                                 "description", "demand", "evidence", "confirmed", "scope", "complex",
                                 /* what the pack's rules decided (app/rules.c) */
                                 "rules", "priority", "route_unit", "answer_by", "policy_version",
                                 /* an appeal and its regulator (core/cases.h) */
                                 "kind", "appeal_source",
                                 /* where another system sent it from (app/intake.c) */
                                 "external_ref", "partner"};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        json_t *v = json_object_get(p, keep[i]);
        if (v)
            json_object_set_new(c->data, keep[i], jsonw_copy(v));
    }
}

/* Clocks, the wait for the customer and the scope: copied from the payload;
 * the sweeper's columns follow from the clocks. */
static void apply_clocks(complaint *c, const event *ev)
{
    const json_t *p = ev->payload;
    const json_t *changed = json_object_get(p, "clocks");
    if (json_is_object(changed)) {
        json_t *clocks = json_object_get(c->data, "clocks");
        if (!json_is_object(clocks)) {
            clocks = json_object();
            json_object_set_new(c->data, "clocks", clocks);
        }
        /* Shared with the event's payload, not copied: a sealed payload
         * never changes, and neither does a clock of the complaint's data
         * (a step plans on a copy of them, plan_clocks). */
        const char *name;
        json_t *ck;
        json_object_foreach((json_t *)changed, name, ck) json_object_set(clocks, name, ck);
    }
    const json_t *w = json_object_get(p, "waiting");
    if (json_is_object(w))
        json_object_set_new(c->data, "waiting", stamp(ev, jsonw_copy(w)));
    else if (w)
        json_object_del(c->data, "waiting");
    if (jstr(p, "scope"))
        json_object_set(c->data, "scope", json_object_get(p, "scope"));
    const json_t *clocks = json_object_get(c->data, "clocks");
    c->warn_at = clocks ? sla_warn_at(clocks) : 0;
    c->next_check_at = clocks && status_open(c->status) ? sla_next_check(clocks) : 0;
}

void workflow_apply(complaint *c, const event *ev)
{
    const json_t *p = ev->payload;
    /* The event's action, read once: a row of the table, or one of the
     * events outside it (intake; anonymise, core/erasure.h; link, core/links.h). */
    const wf_action *act = workflow_find(ev->action);
    bool intake = !act && strcmp(ev->action, "intake") == 0;
    if (act) {
        if (act->effect)
            act->effect(c, ev); /* effects see the owner before the move */
    } else if (intake) {
        apply_intake(c, ev);
    } else if (strcmp(ev->action, "anonymise") == 0) {
        erasure_apply(c, ev);
    } else if (strcmp(ev->action, "link") == 0) {
        link_apply(c, ev);
    } else if (strcmp(ev->action, "import") == 0) {
        import_apply(c, ev);
    }
    c->id = ev->complaint_id;
    if (ev->to_status)
        c->status = ev->to_status;
    if (json_object_get(p, "owner_unit")) {
        int64_t owner = jint(p, "owner_unit");
        if (owner != c->owner_unit) { /* a person is assigned within a unit: a new unit assigns anew */
            json_object_del(c->data, "assignee");
            json_object_del(c->data, "assigned");
        }
        c->owner_unit = owner;
    }
    if (act && (act->id == WF_DISPATCH || act->id == WF_TRANSFER || act->id == WF_REOPEN))
        c->handler_unit = c->owner_unit;
    if (json_object_get(p, "level") && !intake)
        c->level = (int)jint(p, "level");
    if (jstr(p, "nature"))
        copy_str(c->nature, sizeof c->nature, p, "nature");
    if (json_object_get(p, "stage_due"))
        c->stage_due = jint(p, "stage_due");
    if (json_object_get(p, "overall_due") && !intake)
        c->overall_due = jint(p, "overall_due");
    apply_clocks(c, ev);
    c->version = ev->seq;
    c->updated_at = ev->at;
    memcpy(c->head, ev->hash, sizeof c->head);
}
