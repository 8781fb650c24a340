/*
 * imports: the mappings of ledger imports (台账, docs/operations.md "Ledger
 * import") saved by name, so that the shell's `redress import --mapping
 * NAME` and every later import of a unit's ledgers use the same one:
 * GET /import-mappings, GET and PUT /import-mappings/{name}. A mapping is
 * checked whole (core/importmap.h) before it is saved; a change is audited.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/importmap.h"
#include "util/jsonr.h"
#include "util/jsonw.h"
#include "util/timeutil.h"

static const char *const mapping_members[] = {"key", "fields", "values", "defaults", "formats", NULL};

/* 1–64 bytes of letters, digits, _ . - or any non-ASCII text (a Chinese name). */
static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63)
        return false;
    for (; *s; s++)
        if (!((unsigned char)*s >= 0x80 || isalnum((unsigned char)*s) || strchr("_.-", *s)))
            return false;
    return true;
}

static json_t *mapping_json(const import_mapping *m)
{
    char at[40];
    time_format(m->updated_at, 0, at, sizeof at);
    return json_pack("{s:s, s:o, s:s, s:I}", "name", m->name, "mapping", jsonr_loads(m->mapping, NULL), "updated_at",
                     at, "updated_by", (json_int_t)m->updated_by);
}

void h_import_mappings_list(app *a, api_req *rq, http_resp *rs)
{
    (void)rq;
    import_mapping_list l = {0};
    int rc = store_import_mapping_list(a->db, &l);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(items, mapping_json(&l.items[i]));
    import_mapping_list_release(&l);
    api_json(rs, 200, json_pack("{s:o}", "items", items));
}

void h_import_mapping_get(app *a, api_req *rq, http_resp *rs)
{
    import_mapping m = {0};
    int rc = name_ok(rq->params[0]) ? store_import_mapping_get(a->db, rq->params[0], &m) : STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND)
        api_error(rs, 404, "not_found", NULL, "没有这个映射 (no such mapping)");
    else if (rc)
        api_store_error(rs, rc);
    else
        api_json(rs, 200, mapping_json(&m));
    import_mapping_release(&m);
}

/* PUT /import-mappings/{name} MAPPING: checked whole, then created or replaced. */
void h_import_mapping_put(app *a, api_req *rq, http_resp *rs)
{
    json_t *in = api_body(rq, rs, mapping_members);
    if (!in)
        return;
    cerr e = CERR_INIT;
    importmap *im = NULL;
    if (!name_ok(rq->params[0])) {
        api_error(rs, 400, "validation_failed", "name", "name: 1–63 个字母、数字、_ . - 或中文 (1–63 letters, digits, _ . - or Chinese)");
        goto out;
    }
    if (!(im = importmap_parse(in, &e))) {
        api_cerr(rs, &e);
        goto out;
    }
    actor who = api_actor(rq);
    import_mapping m = {.mapping = jsonw_dumps(in, true), .updated_at = time_now(), .updated_by = who.id};
    snprintf(m.name, sizeof m.name, "%s", rq->params[0]);
    int rc = store_import_mapping_put(a->db, &m);
    if (rc) {
        api_store_error(rs, rc);
    } else {
        char subject[96];
        snprintf(subject, sizeof subject, "import_mapping:%s", m.name);
        api_audit(a, rq, "import_mapping_put", subject, NULL);
        api_json(rs, 200, mapping_json(&m));
    }
    import_mapping_release(&m);
out:
    importmap_free(im);
    json_decref(in);
}
