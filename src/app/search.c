/* app_search: see search.h. */
#include "app/search.h"

#include <opencc/opencc.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "app/pii.h"
#include "core/erasure.h"
#include "core/workflow.h"
#include "util/log.h"
#include "util/xalloc.h"

/*
 * One converter for the process, opened on first use. OpenCC does not
 * promise that one converter may be used by several threads at once, so
 * its use is serialised: a conversion of a complaint's text takes
 * microseconds.
 */
static pthread_once_t cc_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t cc_mu = PTHREAD_MUTEX_INITIALIZER;
static opencc_t cc = (opencc_t)-1;

static void cc_open(void)
{
    cc = opencc_open("t2s.json");
    if (cc == (opencc_t)-1)
        log_warn("search: OpenCC's t2s configuration cannot be loaded (%s): Traditional Chinese is indexed "
                 "and searched as it is",
                 opencc_error());
}

char *app_search_fold(const char *text)
{
    pthread_once(&cc_once, cc_open);
    if (cc == (opencc_t)-1)
        return xstrdup(text);
    pthread_mutex_lock(&cc_mu);
    char *s = opencc_convert_utf8(cc, text, strlen(text));
    pthread_mutex_unlock(&cc_mu);
    if (!s)
        return xstrdup(text);
    char *out = xstrdup(s);
    sodium_memzero(s, strlen(s));
    opencc_convert_utf8_free(s);
    return out;
}

/* Adds the tokens of text, folded, to t. */
static void add_text(app *a, search_terms *t, const char *text)
{
    if (!text || !*text)
        return;
    char *f = app_search_fold(text);
    search_terms_add(t, a->search_key, f);
    sodium_memzero(f, strlen(f));
    free(f);
}

static search_terms *terms_of(event *ev)
{
    if (!ev->terms) {
        ev->terms = xcalloc(1, sizeof *ev->terms);
        search_terms_init(ev->terms);
    }
    return ev->terms;
}

/* The customer's fields of c (in clear) into t: the phone by its digits. */
static void add_customer(app *a, search_terms *t, const json_t *c)
{
    static const char *const cust[] = {"name", "email", "address", "plate", "card_no", "account_no"};
    for (size_t i = 0; i < sizeof cust / sizeof cust[0]; i++)
        add_text(a, t, json_string_value(json_object_get(c, cust[i])));
    char digits[24];
    const char *phone = json_string_value(json_object_get(c, "phone"));
    if (phone && phone_normalise(phone, digits, sizeof digits) == 0) {
        search_terms_add(t, a->search_key, digits);
        sodium_memzero(digits, sizeof digits);
    }
}

void app_search_customer(app *a, event *ev, const json_t *customer)
{
    if (!a->pii_ready)
        return;
    search_terms *t = terms_of(ev);
    add_customer(a, t, customer);
    search_terms_done(t);
}

void app_search_intake(app *a, event *ev)
{
    /* and another system's reference for it, which its caller quotes */
    static const char *const texts[] = {"place", "description", "demand", "evidence", "external_ref"};
    if (!a->pii_ready)
        return;
    search_terms *t = terms_of(ev);
    add_customer(a, t, json_object_get(ev->payload, "customer"));
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        add_text(a, t, json_string_value(json_object_get(ev->payload, texts[i])));
    search_terms_done(t);
}

void app_search_step(app *a, event *ev)
{
    const wf_action *act = workflow_find(ev->action);
    if (!a->pii_ready || !act)
        return;
    search_terms *t = NULL;
    for (const wf_field *f = act->fields; f && f->name; f++) {
        const char *v = json_string_value(json_object_get(ev->payload, f->name));
        if (f->type == F_TEXTAREA && v && *v)
            add_text(a, t ? t : (t = terms_of(ev)), v);
    }
    if (t)
        search_terms_done(t);
}

/* The terms of complaint number into t: its letters and digits, and its digits alone. */
static void add_number(app *a, search_terms *t, const char *number)
{
    search_terms_add(t, a->search_key, number);
    /* Its digits run together too: a query of the number without its
     * letters (20261123-0042) reads like a phone written with a dash. */
    char digits[64];
    size_t n = 0;
    for (const char *p = number; *p && n < sizeof digits - 1; p++)
        if (*p >= '0' && *p <= '9')
            digits[n++] = *p;
    digits[n] = '\0';
    search_terms_add(t, a->search_key, digits);
}

void app_search_number(app *a, event *ev, const search_terms *base, const char *number)
{
    if (!a->pii_ready || !ev->terms)
        return;
    search_terms *t = ev->terms;
    t->n = 0;
    t->len = 0;
    search_terms_append(t, base);
    add_number(a, t, number);
    search_terms_done(t);
}

/* The terms of one stored event (its payload opened) into ev->terms, as when it was written. */
static void event_terms(app *a, event *ev)
{
    if (strcmp(ev->action, "intake") == 0) {
        app_search_intake(a, ev);
        return;
    }
    /* A correction of the customer's data carries their fields (app/rights.c). */
    const json_t *customer = json_object_get(ev->payload, "customer");
    if (strcmp(ev->action, "correct") == 0 && json_is_object(customer))
        app_search_customer(a, ev, customer);
    app_search_step(a, ev); /* the texts of the step's form */
}

int app_search_reindex(app *a, int64_t id, bool *indexed)
{
    *indexed = false;
    if (!a->pii_ready)
        return STORE_ERROR;
    for (int attempt = 0;; attempt++) {
        complaint c;
        complaint_init(&c);
        event_list evs = {0};
        search_terms t;
        search_terms_init(&t);
        int rc = store_complaint_get(a->db, id, NULL, &c);
        /* An anonymised complaint keeps no index (its erasure removed it). */
        bool skip = rc == STORE_NOTFOUND || (rc == 0 && erasure_done(&c));
        if (rc == 0 && !skip)
            rc = store_event_list(a->db, id, &evs);
        if (rc == 0 && !skip)
            rc = app_pii_view_events(a, &c, evs.items, evs.n, true);
        for (size_t i = 0; rc == 0 && !skip && i < evs.n; i++) {
            event_terms(a, &evs.items[i]);
            if (evs.items[i].terms)
                search_terms_append(&t, evs.items[i].terms);
        }
        if (rc == 0 && !skip) {
            add_number(a, &t, c.number);
            search_terms_done(&t);
            rc = store_search_reindex(a->db, id, c.version, &t);
        }
        *indexed = rc == 0 && !skip;
        search_terms_release(&t);
        event_list_release(&evs);
        complaint_release(&c);
        if (rc == STORE_NOTFOUND)
            rc = 0;
        if (rc != STORE_CONFLICT || attempt == 4)
            return rc;
    }
}

size_t app_search_query(app *a, const char *q, int64_t out[SEARCH_QUERY_MAX])
{
    if (!a->pii_ready || !q)
        return 0;
    char *f = app_search_fold(q);
    size_t n = search_query_terms(a->search_key, f, out);
    sodium_memzero(f, strlen(f));
    free(f);
    return n;
}

int app_search_merge(app *a, int batch, long max_batches, long *moved)
{
    long total = 0;
    int rc = 0;
    for (long b = 0; max_batches <= 0 || b < max_batches; b++) {
        int n = 0;
        rc = store_search_merge(a->db, batch, &n);
        total += n;
        if (rc || n < batch)
            break;
    }
    if (moved)
        *moved = total;
    return rc;
}
