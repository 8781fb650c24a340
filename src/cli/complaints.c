/*
 * complaints: `redress complaints --user NAME [NAME=VALUE …] [--limit N]
 * [--en]` lists the complaints a person would see in the list, with the
 * list's own parameters (GET /api/v1/complaints: status=open, q=油品,
 * waiting=true, sort=priority, …), parsed and checked by the same code and
 * limited to the person's scope; customer data masked as the list shows it.
 * One line a complaint, tab-separated; the count and the total to stderr.
 * A saved view (--view) gives the filters instead; --views lists them.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "app/pii.h"
#include "app/views.h"
#include "cli/cli.h"
#include "util/timeutil.h"

static const char usage[] =
    "usage: redress complaints --user NAME [NAME=VALUE … | --view VIEW] [--limit N] [--en] [--db URL]\n"
    "       redress complaints --user NAME --views\n"
    "  e.g. redress complaints --user super1 status=open sort=priority waiting=true\n";

/* The NAME=VALUE arguments, or a saved view's filters, looked up as the list's query string. */
struct params {
    const char *const *args;
    int n;
    json_t *filters; /* a view's (owned); NULL: args */
};

static const char *param_of(void *ctx, const char *key)
{
    const struct params *p = ctx;
    if (p->filters)
        return json_string_value(json_object_get(p->filters, key));
    size_t len = strlen(key);
    for (int i = 0; i < p->n; i++)
        if (strncmp(p->args[i], key, len) == 0 && p->args[i][len] == '=')
            return p->args[i] + len + 1;
    return NULL;
}

/* Every argument a NAME=VALUE of a filter the list knows; paging, counting and files are this command's. */
static int check_params(const struct params *p)
{
    static const char *const own[] = {"limit", "cursor", "format", "clear", "total"};
    for (int i = 0; i < p->n; i++) {
        const char *eq = strchr(p->args[i], '=');
        char name[48];
        snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - p->args[i]) : 0, p->args[i]);
        bool taken = false;
        for (size_t k = 0; k < sizeof own / sizeof own[0]; k++)
            taken = taken || strcmp(name, own[k]) == 0;
        if (!eq || !listq_known(name) || taken) {
            fprintf(stderr, "redress complaints: %s: expected NAME=VALUE with a filter of the list (docs/api.md)\n",
                    p->args[i]);
            return -1;
        }
    }
    return 0;
}

/* A member's text of the list's JSON (a name inside an object when it is one), or "-". */
static const char *member(const json_t *j, const char *key, const char *inner)
{
    const json_t *v = json_object_get(j, key);
    if (inner && json_is_object(v))
        v = json_object_get(v, inner);
    const char *s = json_string_value(v);
    return s && *s ? s : "-";
}

static void print_row(app *a, const complaint *c, bool en, int64_t now)
{
    json_t *j = api_complaint_json(a, c, false, en, now);
    char received[40], due[40] = "-";
    int tz = app_pol(a)->tz_offset;
    time_format(c->received_at, tz, received, sizeof received);
    if (c->stage_due)
        time_format(c->stage_due, tz, due, sizeof due);
    const json_t *cust = json_object_get(j, "customer");
    printf("%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c->number, member(j, "status_label", NULL), c->level,
           member(j, "priority", NULL), member(j, "category", "name"), member(j, "subject_unit", "code"),
           member(j, "owner_unit", "code"), received, due, member(cust, "name", NULL), member(cust, "phone", NULL));
    json_decref(j);
}

static int list(app *a, const user *u, const struct params *p, long limit, bool en)
{
    listq l;
    listq_init(&l);
    l.caller_id = u->id;
    cerr e = CERR_INIT;
    int64_t now = time_now(), total = 0;
    const char *field, *why;
    int rc = listq_parse(&l, param_of, (void *)p, app_pol(a), app_org(a), u->unit, now, &e);
    if (rc) {
        fprintf(stderr, "redress complaints: %s\n", e.message);
        listq_release(&l);
        return 2;
    }
    rc = api_listq_prepare(a, &l, &field, &why);
    if (rc && field) {
        fprintf(stderr, "redress complaints: %s: %s\n", field, why);
        listq_release(&l);
        return 2;
    }
    if (rc == 0)
        rc = store_complaint_total(a->db, &l.f, &total);
    l.f.full = l.q != NULL;
    l.f.limit = limit < 200 ? (int)limit : 200;
    long shown = 0;
    complaint_page page = {0};
    while (rc == 0) {
        rc = store_complaint_list(a->db, &l.f, &page);
        if (rc == 0)
            rc = app_pii_view(a, page.items, page.n, false);
        for (size_t i = 0; rc == 0 && i < page.n && shown < limit; i++, shown++)
            print_row(a, &page.items[i], en, now);
        if (rc || !page.more || !page.n || shown >= limit)
            break;
        if (l.f.sort_relevance)
            l.f.offset += (int64_t)page.n;
        else
            listq_page_after(&l.f, &page.items[page.n - 1]);
        complaint_page_release(&page);
    }
    complaint_page_release(&page);
    listq_release(&l);
    if (rc) {
        fprintf(stderr, "redress complaints: the store failed\n");
        return 1;
    }
    fprintf(stderr, "%ld shown of %lld\n", shown, (long long)total);
    return 0;
}

/* The views u sees, one a line (id, name, shared unit or "own", filters); or the one named into *filters. */
static int views(app *a, const user *u, const char *wanted, json_t **filters)
{
    saved_view_list l = {0};
    if (app_views_of(a, u->id, u->unit, &l)) {
        fprintf(stderr, "redress complaints: cannot read the views\n");
        return 1;
    }
    int rc = wanted ? 2 : 0;
    for (size_t i = 0; i < l.n; i++) {
        const saved_view *v = &l.items[i];
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)v->id);
        if (!wanted) {
            const unit *shared = v->unit ? org_find(app_org(a), v->unit) : NULL;
            printf("%s\t%s\t%s\t%s\n", id, v->name, shared ? shared->code : "own", v->filters);
        } else if (rc && (strcmp(wanted, v->name) == 0 || strcmp(wanted, id) == 0)) {
            *filters = json_loads(v->filters, 0, NULL);
            rc = *filters ? 0 : 1;
        }
    }
    if (wanted && rc == 2)
        fprintf(stderr, "redress complaints: %s sees no view %s\n", u->username, wanted);
    saved_view_list_release(&l);
    return rc;
}

int cmd_complaints(int argc, char **argv)
{
    static const char *const extra[] = {"user", "limit", "view", "views!", "en!", "help!", NULL};
    cli_opts o;
    if (cli_parse(argc, argv, extra, &o))
        return 2;
    if (cli_has(&o, "help")) {
        printf("%sLists the complaints NAME would see in the work-order list, filtered and sorted by\n"
               "the list's parameters (docs/api.md, \"GET /api/v1/complaints\"), up to --limit\n"
               "(1–10000, 50): number, status, level, priority, category, subject unit, owner\n"
               "unit, received, stage deadline, customer and phone (masked). --en: English labels.\n"
               "--view: a saved view NAME sees (its name or id) instead of NAME=VALUE filters;\n"
               "--views: the views NAME sees: id, name, the unit it is shared with (or own), filters.\n",
               usage);
        cli_print_settings();
        return 0;
    }
    const char *name = cli_opt(&o, "user"), *view = cli_opt(&o, "view");
    long limit = 50;
    struct params p = {o.args, o.nargs, NULL};
    if (!name || !*name || (view && o.nargs)) {
        fputs(usage, stderr);
        return 2;
    }
    if ((cli_has(&o, "limit") && cli_long("redress complaints", "limit", cli_opt(&o, "limit"), 1, 10000, &limit)) ||
        check_params(&p))
        return 2;
    app a;
    if (cli_open_app(&a, true))
        return 1;
    int rc = 1;
    user u = {0};
    int s = cli_open_pii(&a, false) ? STORE_ERROR : store_user_get(a.db, name, 0, &u, NULL);
    if (s == STORE_NOTFOUND)
        fprintf(stderr, "redress complaints: no user %s\n", name);
    else if (s)
        fprintf(stderr, "redress complaints: cannot read the user\n");
    else if (cli_has(&o, "views"))
        rc = views(&a, &u, NULL, NULL);
    else if (!view || (rc = views(&a, &u, view, &p.filters)) == 0)
        rc = list(&a, &u, &p, limit, cli_has(&o, "en"));
    json_decref(p.filters);
    user_release(&u);
    app_close(&a);
    return rc;
}
