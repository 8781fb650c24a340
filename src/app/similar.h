/*
 * similar: the open complaints an agent should see while taking a new one
 * (#20: similar complaints at intake) — the same customer's, and those
 * about the same unit and matter whose words are alike. The words are
 * compared on the server, from the sealed texts opened for the comparison
 * only: what leaves is a score, never another complaint's text.
 */
#ifndef REDRESS_APP_SIMILAR_H
#define REDRESS_APP_SIMILAR_H

#include "app/app.h"
#include "store/store.h"

enum {
    SIMILAR_MAX = 5,         /* complaints offered */
    SIMILAR_CANDIDATES = 200 /* complaints of the same unit and matter compared, newest first */
};
/* The least score (search_terms_cosine) that makes two descriptions alike. */
#define SIMILAR_MIN_SCORE 0.45

typedef struct similar_item {
    complaint c;        /* sealed, as stored */
    bool same_customer; /* the same phone */
    double score;       /* how alike the descriptions are, 0..1 (0 without a description) */
} similar_item;

typedef struct similar_list {
    similar_item *items;
    size_t n;
} similar_list;

void similar_list_release(similar_list *l);

/*
 * The open complaints of by_customer (a filter on the phone's blind index,
 * or NULL) and those of by_matter (the same subject unit and top-level
 * category, or NULL) whose descriptions are alike to text (clear, may be
 * NULL: then by_matter offers none): the same customer's first, then by
 * score, at most SIMILAR_MAX. The filters carry the caller's scope and
 * the window of days; by_matter is read with its texts. Returns 0 or a
 * STORE_* code.
 */
int app_similar(app *a, const complaint_filter *by_customer, const complaint_filter *by_matter, const char *text,
                similar_list *out);

#endif
