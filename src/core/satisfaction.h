/*
 * satisfaction: the satisfaction breakdown (满意度分析) of the revisits that
 * reached the customer — by unit, by the person who handled the complaint,
 * or by survey question (core/survey.h). Pure: app/reports_sat.c reads each
 * complaint's last revisit from the store and adds it here.
 *
 * A revisit counts once in its group (by unit, by staff) or once in the
 * group of each question it answered (by question):
 *
 *   reached        the revisits of the group (a result other than unreachable)
 *   satisfied      of them, satisfied or basically satisfied
 *   dissatisfied   of them, dissatisfied
 *   rate           satisfied ÷ reached (NaN when none)
 *   scores, sum    the answers scored on a scale question (1..5; an option
 *                  question's option scores are not a scale), their total:
 *                  the average is sum ÷ scores
 *   low            of those answers, the scores at or below SURVEY_LOW
 *   options        by question, an option question: {option code: answers}
 *
 * The total counts every revisit once, whatever the grouping.
 */
#ifndef REDRESS_SATISFACTION_H
#define REDRESS_SATISFACTION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* What a breakdown is grouped by. */
enum sat_by { SAT_UNIT, SAT_STAFF, SAT_QUESTION, SAT__COUNT };
/* SAT_* of name ("unit", "staff", "question"), or -1. */
int sat_by_parse(const char *name);
const char *sat_by_name(int by);

typedef struct sat_group {
    int64_t id;        /* SAT_UNIT, SAT_STAFF: the unit's or the person's id (0: nobody) */
    char question[64]; /* SAT_QUESTION: the question's code */
    int64_t reached, satisfied, dissatisfied;
    int64_t scores, sum, low;
    json_t *options; /* SAT_QUESTION: {code: count} of an option question's answers (owned), or NULL */
} sat_group;

typedef struct sat_table {
    int by;       /* SAT_* */
    sat_group *g; /* owned; in the order the groups were first met (or sat_group_of made them) */
    size_t n, cap;
    sat_group total;
} sat_table;

void sat_init(sat_table *t, int by);
void sat_release(sat_table *t);

/* The group of id (SAT_UNIT, SAT_STAFF) or question code (SAT_QUESTION), made empty if new. */
sat_group *sat_group_of(sat_table *t, int64_t id, const char *question);

/*
 * Adds one revisit: its result ("satisfied", "basically_satisfied",
 * "dissatisfied"; any other is not counted), the unit or person it is
 * grouped by (by unit, by staff), and its answers as core/survey.h
 * normalises them ([{"question", "score"?, "option"?}], borrowed; NULL or
 * not an array: none).
 */
void sat_add(sat_table *t, int64_t id, const char *result, const json_t *answers);

/* satisfied ÷ reached, NaN when nothing was reached. */
double sat_rate(const sat_group *g);
/* The average score of the scale answers, NaN when there were none. */
double sat_average(const sat_group *g);

#endif
