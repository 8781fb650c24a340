/* similar: see similar.h. */
#include "app/similar.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "app/links.h"
#include "app/pii.h"
#include "app/search.h"
#include "core/search.h"
#include "util/xalloc.h"

void similar_list_release(similar_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        complaint_release(&l->items[i].c);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

/* The terms of clear text, folded as the index folds it, under a fixed key (only compared here). */
static void terms_of(const char *text, search_terms *t)
{
    static const uint8_t key[SEARCH_KEY_BYTES] = {0};
    search_terms_init(t);
    if (!text || !*text)
        return;
    char *f = app_search_fold(text);
    search_terms_add(t, key, f);
    search_terms_done(t);
    sodium_memzero(f, strlen(f));
    free(f);
}

static similar_item *item_of(similar_list *l, int64_t id)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].c.id == id)
            return &l->items[i];
    return NULL;
}

static similar_item *add(similar_list *l, const complaint *c)
{
    similar_item *it = item_of(l, c->id);
    if (!it) {
        l->items = xrealloc(l->items, (l->n + 1) * sizeof *l->items);
        it = &l->items[l->n++];
        memset(it, 0, sizeof *it);
        complaint_copy(&it->c, c);
    }
    return it;
}

/* The same customer's first, then the more alike, then the newer. */
static int by_rank(const void *x, const void *y)
{
    const similar_item *a = x, *b = y;
    if (a->same_customer != b->same_customer)
        return a->same_customer ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return (a->c.received_at < b->c.received_at) - (a->c.received_at > b->c.received_at);
}

/* Scores the descriptions of page's complaints against mine; keeps the alike (or, for the customer's, every one). */
static int score_page(app *a, const complaint_page *page, const search_terms *mine, bool customer, similar_list *out)
{
    size_t n = page->n;
    if (!n)
        return 0;
    int64_t *ids = xcalloc(n, sizeof *ids);
    char **texts = xcalloc(n, sizeof *texts);
    for (size_t i = 0; i < n; i++) {
        ids[i] = page->items[i].id;
        const char *d = json_string_value(json_object_get(page->items[i].data, "description"));
        texts[i] = d && mine->n ? xstrdup(d) : NULL;
    }
    int rc = mine->n ? app_pii_open_texts(a, NULL, ids, texts, n, true) : 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        search_terms theirs;
        terms_of(texts[i], &theirs);
        double score = search_terms_cosine(mine, &theirs);
        search_terms_release(&theirs);
        if (!customer && score < SIMILAR_MIN_SCORE)
            continue;
        similar_item *it = add(out, &page->items[i]);
        it->same_customer |= customer;
        if (score > it->score)
            it->score = score;
    }
    for (size_t i = 0; i < n; i++)
        if (texts[i]) {
            sodium_memzero(texts[i], strlen(texts[i]));
            free(texts[i]);
        }
    free(texts);
    free(ids);
    return rc;
}

int app_similar(app *a, const complaint_filter *by_customer, const complaint_filter *by_matter, const char *text,
                similar_list *out)
{
    memset(out, 0, sizeof *out);
    search_terms mine;
    terms_of(text, &mine);
    int rc = 0;
    const complaint_filter *fs[] = {by_customer, by_matter};
    for (size_t k = 0; rc == 0 && k < 2; k++) {
        if (!fs[k] || (k == 1 && !mine.n))
            continue;
        complaint_page page = {0};
        rc = store_complaint_list(a->db, fs[k], &page);
        if (rc == 0)
            rc = score_page(a, &page, &mine, k == 0, out);
        complaint_page_release(&page);
    }
    search_terms_release(&mine);
    if (rc) {
        similar_list_release(out);
        return rc;
    }
    if (out->n)
        qsort(out->items, out->n, sizeof *out->items, by_rank);
    while (out->n > SIMILAR_MAX)
        complaint_release(&out->items[--out->n].c);
    return 0;
}
