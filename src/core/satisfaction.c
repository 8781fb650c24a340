/* satisfaction: see satisfaction.h. */
#include "core/satisfaction.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/survey.h"
#include "util/xalloc.h"

static const char *const by_names[SAT__COUNT] = {"unit", "staff", "question"};

int sat_by_parse(const char *name)
{
    for (int b = 0; b < SAT__COUNT; b++)
        if (strcmp(name, by_names[b]) == 0)
            return b;
    return -1;
}

const char *sat_by_name(int by)
{
    return by >= 0 && by < SAT__COUNT ? by_names[by] : "";
}

void sat_init(sat_table *t, int by)
{
    memset(t, 0, sizeof *t);
    t->by = by;
}

void sat_release(sat_table *t)
{
    for (size_t i = 0; i < t->n; i++)
        json_decref(t->g[i].options);
    free(t->g);
    sat_init(t, t->by);
}

sat_group *sat_group_of(sat_table *t, int64_t id, const char *question)
{
    bool by_q = t->by == SAT_QUESTION;
    for (size_t i = 0; i < t->n; i++)
        if (by_q ? strcmp(t->g[i].question, question) == 0 : t->g[i].id == id)
            return &t->g[i];
    if (t->n == t->cap)
        t->g = xrealloc(t->g, (t->cap = t->cap ? 2 * t->cap : 16) * sizeof *t->g);
    sat_group *g = &t->g[t->n++];
    memset(g, 0, sizeof *g);
    if (by_q)
        snprintf(g->question, sizeof g->question, "%s", question);
    else
        g->id = id;
    return g;
}

/* The revisit's result into g's counts; false when it did not reach the customer. */
static bool count(sat_group *g, const char *result)
{
    bool sat = strcmp(result, "satisfied") == 0 || strcmp(result, "basically_satisfied") == 0;
    bool dis = strcmp(result, "dissatisfied") == 0;
    if (!sat && !dis)
        return false;
    g->reached++;
    g->satisfied += sat;
    g->dissatisfied += dis;
    return true;
}

/* One answer's score of a scale question into g (an option's score is not a scale). */
static void score(sat_group *g, const json_t *a)
{
    const json_t *s = json_object_get(a, "score");
    if (!json_is_integer(s) || json_object_get(a, "option"))
        return;
    g->scores++;
    g->sum += json_integer_value(s);
    g->low += json_integer_value(s) <= SURVEY_LOW;
}

static void option(sat_group *g, const json_t *a)
{
    const char *code = json_string_value(json_object_get(a, "option"));
    if (!code)
        return;
    if (!g->options)
        g->options = json_object();
    json_int_t n = json_integer_value(json_object_get(g->options, code));
    json_object_set_new(g->options, code, json_integer(n + 1));
}

void sat_add(sat_table *t, int64_t id, const char *result, const json_t *answers)
{
    if (!result || !count(&t->total, result))
        return;
    size_t i;
    const json_t *a;
    if (json_is_array(answers))
        json_array_foreach(answers, i, a) score(&t->total, a);
    if (t->by != SAT_QUESTION) {
        sat_group *g = sat_group_of(t, id, NULL);
        count(g, result);
        if (json_is_array(answers))
            json_array_foreach(answers, i, a) score(g, a);
        return;
    }
    if (!json_is_array(answers))
        return;
    json_array_foreach(answers, i, a)
    {
        const char *q = json_string_value(json_object_get(a, "question"));
        if (!q)
            continue;
        sat_group *g = sat_group_of(t, 0, q);
        count(g, result);
        score(g, a);
        option(g, a);
    }
}

double sat_rate(const sat_group *g)
{
    return g->reached ? (double)g->satisfied / (double)g->reached : NAN;
}

double sat_average(const sat_group *g)
{
    return g->scores ? (double)g->sum / (double)g->scores : NAN;
}
