/* store: URL dispatch and the shared release helpers. See store.h. */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite.h"

store *store_open(const char *url, char *err, size_t errlen)
{
    if (strncmp(url, "sqlite:", 7) == 0)
        return sqlite_store_open(url + 7, err, errlen);
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
        snprintf(err, errlen, "this build has no PostgreSQL backend yet (%s)", "postgresql://");
        return NULL;
    }
    snprintf(err, errlen, "unknown database URL (expected sqlite:PATH)");
    return NULL;
}

void store_close(store *s)
{
    if (s)
        s->ops->close(s);
}

void user_release(user *u)
{
    free(u->username);
    free(u->name);
    memset(u, 0, sizeof *u);
}

void user_list_release(user_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        user_release(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void token_list_release(token_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].name);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void complaint_page_release(complaint_page *p)
{
    for (size_t i = 0; i < p->n; i++)
        complaint_release(&p->items[i]);
    free(p->items);
    p->items = NULL;
    p->n = 0;
}

void event_list_release(event_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        event_release(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}
