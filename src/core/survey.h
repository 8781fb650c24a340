/*
 * survey: the revisit's questionnaire (回访满意度调查, 001; the questions on
 * efficiency, attitude, quality and speed, 004) as the pack states it, and
 * the answers a customer gives to it.
 *
 * A complaint's questions are the pack's general ones (`survey`), then those
 * of its category's ancestors from the top, then the category's own. Each
 * question is answered with a score from 1 (very dissatisfied) to 5 (very
 * satisfied), or, when the pack lists `options` for it, with one of their
 * codes (an option may carry a `score` that counts like one); either may
 * come with a few words of the customer's own.
 */
#ifndef REDRESS_SURVEY_H
#define REDRESS_SURVEY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/cerr.h"

enum {
    SURVEY_MAX = 32,       /* questions a complaint's survey may have */
    SURVEY_SCORE_MAX = 5,  /* scores run 1..5 */
    SURVEY_LOW = 2,        /* a score at or below this is a complaint of its own (follow-up) */
    SURVEY_TEXT_MAX = 500, /* characters of an answer's words */
};

typedef struct survey_q {
    const char *code;
    const json_t *question; /* a string, or {"zh-CN", "en"} */
    const json_t *options;  /* [{code, name, score?}], or NULL: a score 1..5 */
} survey_q;

/* The questions of a complaint of category (NULL: the general ones) under
 * pack (borrowed), into out (cap entries; pointers into pack); returns how
 * many. A code asked twice is asked once, where it first appears. */
size_t survey_questions(const json_t *pack, const char *category, survey_q *out, size_t cap);

/* The question code in the pack (its general ones or any category's), as
 * survey_questions gives it; false when no question has that code. */
bool survey_find(const json_t *pack, const char *code, survey_q *out);

/* The pack's raw category objects from the top down to code, into chain
 * (max entries); returns the depth, 0 when code is absent. */
size_t survey_category_chain(const json_t *pack, const char *code, const json_t **chain, size_t max);

/*
 * Checks answers — [{"question": CODE, "score": 1..5 | "option": CODE,
 * "text": …}] — against the questions of category. On success *out is a
 * new array of the answers in the questions' order, each
 * {"question", "score"?, "option"?, "text"?}, with an option's score copied
 * in. Otherwise -1 with e naming the member (answers[2].score): a question
 * not asked, a question answered twice, a score out of range, an option not
 * offered, both or neither of score and option, an unknown member.
 */
int survey_check(const json_t *pack, const char *category, const json_t *answers, json_t **out, cerr *e);

/* The overall result normalised answers give: "dissatisfied" when a score is
 * at or below SURVEY_LOW, "satisfied" when every score is 4 or more,
 * "basically_satisfied" otherwise; NULL when no answer has a score. */
const char *survey_result(const json_t *answers);

/* Does any answer score at or below SURVEY_LOW? */
bool survey_low(const json_t *answers);

/*
 * Which replied complaints are revisited, and how (001: 以一定的方法对投诉客户群
 * 进行抽样; phone and a visit for high-end, major and group customers), as the
 * pack's `revisit` section says:
 *   {"notes": "…", "attempts": 3, "sample_percent": 30,
 *    "always": {"classes": ["vip"], "levels": [1]},
 *    "visit":  {"classes": ["vip", "group"], "levels": [1]}}
 * Every valid complaint is revisited unless sample_percent (default 100)
 * leaves it out — a fixed share chosen by its number, so the choice is the
 * same on every node and every reading — and complaints of a class or level
 * under `always` are revisited whatever the share. `visit` names those whose
 * revisit needs a face-to-face visit as well as the call. `attempts`
 * (default 1) is how often an unreachable customer is tried before the
 * revisit records them unreachable.
 */
typedef struct revisit_plan {
    bool required, visit;
    int attempts;
} revisit_plan;
void survey_plan(const json_t *pack, const char *number, int level, const char *customer_class, revisit_plan *out);

/* The pack's `revisit` section checked (path "revisit.…"): 0, or -1 with e. */
int survey_check_pack(const json_t *pack, cerr *e);

#endif
