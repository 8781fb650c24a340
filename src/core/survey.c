/* survey: see survey.h. */
#include "core/survey.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

static const char *str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static size_t chain_in(const json_t *cats, const char *code, const json_t **chain, size_t depth, size_t max)
{
    size_t i;
    const json_t *c;
    json_array_foreach(cats, i, c)
    {
        if (depth >= max)
            return 0;
        chain[depth] = c;
        const char *cc = str(c, "code");
        if (cc && strcmp(cc, code) == 0)
            return depth + 1;
        size_t d = chain_in(json_object_get(c, "children"), code, chain, depth + 1, max);
        if (d)
            return d;
    }
    return 0;
}

size_t survey_category_chain(const json_t *pack, const char *code, const json_t **chain, size_t max)
{
    return code ? chain_in(json_object_get(pack, "categories"), code, chain, 0, max) : 0;
}

/* The pack's question object q as a survey_q (pointers into q). */
static survey_q question_of(const json_t *q)
{
    const json_t *opts = json_object_get(q, "options");
    return (survey_q){str(q, "code"), json_object_get(q, "question"), json_array_size(opts) ? opts : NULL};
}

static size_t add(const json_t *qs, survey_q *out, size_t n, size_t cap)
{
    size_t i;
    const json_t *q;
    json_array_foreach(qs, i, q)
    {
        const char *code = str(q, "code");
        bool seen = !code;
        for (size_t k = 0; k < n && !seen; k++)
            seen = strcmp(out[k].code, code) == 0;
        if (seen || n >= cap)
            continue;
        out[n++] = question_of(q);
    }
    return n;
}

size_t survey_questions(const json_t *pack, const char *category, survey_q *out, size_t cap)
{
    const json_t *chain[8];
    size_t d = survey_category_chain(pack, category, chain, 8);
    size_t n = add(json_object_get(pack, "survey"), out, 0, cap);
    for (size_t i = 0; i < d; i++)
        n = add(json_object_get(chain[i], "survey"), out, n, cap);
    return n;
}

/* The question code among qs, then among those of the categories cats and their children. */
static bool find_in(const json_t *qs, const json_t *cats, const char *code, survey_q *out)
{
    size_t i;
    const json_t *q;
    json_array_foreach(qs, i, q)
    {
        const char *c = str(q, "code");
        if (c && strcmp(c, code) == 0) {
            *out = question_of(q);
            return true;
        }
    }
    json_array_foreach(cats, i, q)
    {
        if (find_in(json_object_get(q, "survey"), json_object_get(q, "children"), code, out))
            return true;
    }
    return false;
}

bool survey_find(const json_t *pack, const char *code, survey_q *out)
{
    return find_in(json_object_get(pack, "survey"), json_object_get(pack, "categories"), code, out);
}

static const json_t *option_of(const survey_q *q, const char *code)
{
    size_t i;
    const json_t *o;
    json_array_foreach(q->options, i, o)
    {
        const char *c = str(o, "code");
        if (c && strcmp(c, code) == 0)
            return o;
    }
    return NULL;
}

/* One answer at path checked against q into a new object. */
static json_t *answer(const survey_q *q, const json_t *a, const char *path, cerr *e)
{
    static const char *const known[] = {"question", "score", "option", "text", NULL};
    if (cerr_members(e, a, path, known))
        return NULL;
    const json_t *score = json_object_get(a, "score"), *option = json_object_get(a, "option");
    const json_t *text = json_object_get(a, "text");
    char f[64];
    json_t *out = json_pack("{s:s}", "question", q->code);
    if (q->options) {
        const json_t *o = json_is_string(option) ? option_of(q, json_string_value(option)) : NULL;
        if (score || !o) {
            snprintf(f, sizeof f, "%s.option", path);
            cerr_set(e, "validation_failed", f, "%s: 请选择一个选项 (choose one of the question's options)", f);
            goto bad;
        }
        json_object_set_new(out, "option", json_string(str(o, "code")));
        if (json_is_integer(json_object_get(o, "score")))
            json_object_set(out, "score", json_object_get(o, "score"));
    } else {
        json_int_t s = json_is_integer(score) ? json_integer_value(score) : 0;
        if (option || s < 1 || s > SURVEY_SCORE_MAX) {
            snprintf(f, sizeof f, "%s.score", path);
            cerr_set(e, "validation_failed", f, "%s: 应为 1 到 %d 分 (a score from 1 to %d)", f, SURVEY_SCORE_MAX,
                     SURVEY_SCORE_MAX);
            goto bad;
        }
        json_object_set_new(out, "score", json_integer(s));
    }
    if (text && !json_is_null(text)) {
        long n = json_is_string(text) ? utf8_count(json_string_value(text)) : -1;
        if (n < 0 || n > SURVEY_TEXT_MAX) {
            snprintf(f, sizeof f, "%s.text", path);
            cerr_set(e, "validation_failed", f, "%s: 应为不超过 %d 字的文本 (text of at most %d characters)", f,
                     SURVEY_TEXT_MAX, SURVEY_TEXT_MAX);
            goto bad;
        }
        if (n > 0)
            json_object_set(out, "text", (json_t *)text);
    }
    return out;
bad:
    json_decref(out);
    return NULL;
}

int survey_check(const json_t *pack, const char *category, const json_t *answers, json_t **out, cerr *e)
{
    *out = NULL;
    if (!json_is_array(answers))
        return cerr_set(e, "validation_failed", "answers", "answers: 应为答案列表 (expected an array of answers)");
    survey_q qs[SURVEY_MAX];
    size_t nq = survey_questions(pack, category, qs, SURVEY_MAX);
    json_t *by_q[SURVEY_MAX] = {0};
    size_t i;
    const json_t *a;
    json_array_foreach(answers, i, a)
    {
        char path[48];
        snprintf(path, sizeof path, "answers[%zu]", i);
        const char *code = str(a, "question");
        size_t k = 0;
        while (code && k < nq && strcmp(qs[k].code, code) != 0)
            k++;
        char f[64];
        snprintf(f, sizeof f, "%s%s", path, json_is_object(a) ? ".question" : "");
        int rc = 0;
        if (!json_is_object(a))
            rc = cerr_set(e, "validation_failed", f, "%s: 应为对象 (expected an object)", f);
        else if (!code || k == nq)
            rc = cerr_set(e, "validation_failed", f, "%s: 没有这个问题 (not a question of this survey)", f);
        else if (by_q[k])
            rc = cerr_set(e, "validation_failed", f, "%s: 重复回答 (answered twice)", f);
        else if (!(by_q[k] = answer(&qs[k], a, path, e)))
            rc = CERR_USER;
        if (rc) {
            for (size_t q = 0; q < nq; q++)
                json_decref(by_q[q]);
            return CERR_USER;
        }
    }
    *out = json_array();
    for (size_t q = 0; q < nq; q++)
        if (by_q[q])
            json_array_append_new(*out, by_q[q]);
    return 0;
}

const char *survey_result(const json_t *answers)
{
    bool any = false, all_high = true;
    size_t i;
    const json_t *a;
    json_array_foreach(answers, i, a)
    {
        const json_t *s = json_object_get(a, "score");
        if (!json_is_integer(s))
            continue;
        any = true;
        if (json_integer_value(s) <= SURVEY_LOW)
            return "dissatisfied";
        all_high = all_high && json_integer_value(s) >= 4;
    }
    return !any ? NULL : all_high ? "satisfied" : "basically_satisfied";
}

bool survey_low(const json_t *answers)
{
    const char *r = survey_result(answers);
    return r && strcmp(r, "dissatisfied") == 0;
}

/* Does the {"classes": […], "levels": […]} at key name this class or level? */
static bool names(const json_t *sec, const char *key, int level, const char *cls)
{
    const json_t *o = json_object_get(sec, key);
    size_t i;
    const json_t *v;
    bool hit = false;
    json_array_foreach(json_object_get(o, "levels"), i, v) hit = hit || json_integer_value(v) == level;
    json_array_foreach(json_object_get(o, "classes"), i, v)
        hit = hit || (cls && json_string_value(v) && strcmp(json_string_value(v), cls) == 0);
    return hit;
}

void survey_plan(const json_t *pack, const char *number, int level, const char *customer_class, revisit_plan *out)
{
    const json_t *sec = json_object_get(pack, "revisit");
    const json_t *pct = json_object_get(sec, "sample_percent"), *att = json_object_get(sec, "attempts");
    int percent = json_is_integer(pct) ? (int)json_integer_value(pct) : 100;
    /* FNV-1a of the number: a share of complaints fixed by their numbers. */
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)(number ? number : ""); *p; p++)
        h = (h ^ *p) * 16777619u;
    out->required = (int)(h % 100) < percent || names(sec, "always", level, customer_class);
    out->visit = names(sec, "visit", level, customer_class);
    out->attempts = json_is_integer(att) ? (int)json_integer_value(att) : 1;
}

/* A member of the pack outside known: invalid_pack naming it. */
static int members(const json_t *o, const char *path, const char *const *known, cerr *e)
{
    if (!json_is_object(o))
        return cerr_set(e, "invalid_pack", path, "%s: expected an object", path);
    if (cerr_members(e, o, path, known) == 0)
        return 0;
    if (e)
        e->code = "invalid_pack";
    return CERR_USER;
}

/* {"classes": [strings], "levels": [numbers]} at path, when present. */
static int check_who(const json_t *o, const char *path, cerr *e)
{
    static const char *const known[] = {"classes", "levels", NULL};
    if (!o)
        return 0;
    if (members(o, path, known, e))
        return CERR_USER;
    size_t i;
    const json_t *v;
    bool ok = true;
    json_array_foreach(json_object_get(o, "levels"), i, v) ok = ok && json_is_integer(v);
    json_array_foreach(json_object_get(o, "classes"), i, v) ok = ok && json_is_string(v);
    if (!ok)
        return cerr_set(e, "invalid_pack", path, "%s: expected level numbers and customer class codes", path);
    return 0;
}

int survey_check_pack(const json_t *pack, cerr *e)
{
    static const char *const known[] = {"notes", "attempts", "sample_percent", "always", "visit", NULL};
    const json_t *sec = json_object_get(pack, "revisit");
    if (!sec)
        return 0;
    if (members(sec, "revisit", known, e))
        return CERR_USER;
    const json_t *att = json_object_get(sec, "attempts"), *pct = json_object_get(sec, "sample_percent");
    if (att && !(json_is_integer(att) && json_integer_value(att) >= 1 && json_integer_value(att) <= 10))
        return cerr_set(e, "invalid_pack", "revisit.attempts", "revisit.attempts: expected 1 to 10");
    if (pct && !(json_is_integer(pct) && json_integer_value(pct) >= 0 && json_integer_value(pct) <= 100))
        return cerr_set(e, "invalid_pack", "revisit.sample_percent", "revisit.sample_percent: expected 0 to 100");
    return check_who(json_object_get(sec, "always"), "revisit.always", e) ||
                   check_who(json_object_get(sec, "visit"), "revisit.visit", e)
               ? CERR_USER
               : 0;
}
