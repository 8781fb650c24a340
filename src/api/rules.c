/*
 * rules (API): what the pack's rules decided about a complaint — the rules
 * that fired, the unit the routing chose, who alone may answer — and the
 * reply script (口径) and survey questions of its category, for the detail
 * and the reply form. The category's script is its own or its nearest
 * ancestor's; survey questions are the pack's general ones plus those of
 * the category and its ancestors.
 */
#include <string.h>

#include "api/api.h"
#include "core/survey.h"
#include "util/jsonw.h"

static json_t *text_in(const json_t *t, bool en)
{
    /* Copies: the pack's values are shared by every request (app.h). */
    if (json_is_string(t))
        return json_deep_copy(t);
    const json_t *v = en && json_object_get(t, "en") ? json_object_get(t, "en") : json_object_get(t, "zh-CN");
    return v ? json_deep_copy(v) : json_null();
}

void api_category_guidance(const policy *p, const char *code, bool en, json_t *into)
{
    const json_t *chain[8];
    size_t d = survey_category_chain(p->raw, code, chain, 8);
    const json_t *script = NULL;
    for (size_t i = d; i-- > 0 && !script;)
        script = json_object_get(chain[i], "script");
    json_object_set_new(into, "script", script ? text_in(script, en) : json_null());
    survey_q qs[SURVEY_MAX];
    size_t n = survey_questions(p->raw, code, qs, SURVEY_MAX);
    json_t *survey = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *q = json_pack("{s:s,s:o}", "code", qs[i].code, "question", text_in(qs[i].question, en));
        if (qs[i].options) {
            json_t *opts = json_array();
            size_t k;
            const json_t *o;
            json_array_foreach(qs[i].options, k, o)
                json_array_append_new(opts, json_pack("{s:O,s:o,s:O?}", "code", json_object_get(o, "code"), "name",
                                                      text_in(json_object_get(o, "name"), en), "score",
                                                      json_object_get(o, "score")));
            json_object_set_new(q, "options", opts);
        } else {
            json_object_set_new(q, "scale", json_integer(SURVEY_SCORE_MAX));
        }
        json_array_append_new(survey, q);
    }
    json_object_set_new(into, "survey", survey);
}

/* {"script", "survey", "script_en"} of a category under the configuration a
 * holds, rendered once per configuration snapshot and category (api_ref_get). */
static json_t *guidance(app *a, const char *code)
{
    const policy *p = app_pol(a);
    unsigned long gen = app_cur(a)->seq;
    int64_t i = policy_category_index(p, code);
    json_t *g = api_ref_get(REF_GUIDANCE, i, gen);
    if (g)
        return g;
    g = json_object();
    json_t *en = json_object();
    api_category_guidance(p, code, false, g);
    api_category_guidance(p, code, true, en);
    json_object_set(g, "script_en", json_object_get(en, "script"));
    json_decref(en);
    if (i >= 0)
        api_ref_put(REF_GUIDANCE, i, gen, g);
    return g;
}

void api_rules_json(app *a, const complaint *c, json_t *j)
{
    const json_t *d = c->data;
    const json_t *fired = json_object_get(d, "rules");
    json_t *rules = json_array();
    size_t i;
    const json_t *r;
    json_array_foreach(fired, i, r)
    {
        json_t *then = jsonw_copy(json_object_get(r, "then"));
        static const char *units[] = {"owner_unit", "notify"};
        for (size_t k = 0; k < 2; k++)
            if (json_is_integer(json_object_get(then, units[k])))
                json_object_set_new(then, units[k], api_unit_ref(a, json_integer_value(json_object_get(then, units[k]))));
        json_array_append_new(rules, json_pack("{s:O,s:O,s:o}", "code", json_object_get(r, "code"), "name",
                                               json_object_get(r, "name"), "then", then));
    }
    json_object_set_new(j, "rules_fired", rules);
    const json_t *ru = json_object_get(d, "route_unit");
    json_object_set_new(j, "route_unit", json_is_integer(ru) ? api_unit_ref(a, json_integer_value(ru)) : json_null());
    const json_t *ab = json_object_get(d, "answer_by");
    json_object_set_new(j, "answer_by", ab ? jsonw_copy(ab) : json_null());
    const json_t *pv = json_object_get(d, "policy_version");
    json_object_set_new(j, "policy_version", pv ? json_incref((json_t *)pv) : json_null());
    json_t *g = guidance(a, c->category);
    json_object_update(j, g);
    json_decref(g);
}
