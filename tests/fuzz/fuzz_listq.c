/*
 * fuzz_listq: a query string, as untrusted bytes, through GET
 * /api/v1/complaints over the 40 demo complaints — listq_parse, the store's
 * filtered and paged SQL, and the rendering of the page. The input is what
 * follows '?' in a URL: name=value pairs separated by '&', percent- and
 * '+'-decoded as the server decodes them. The pseudo-parameter "as" names
 * the demo user making the request (default agent1), so scopes of every
 * kind are exercised.
 *
 * Besides the sanitizers: the answer is 200 or 400; a 200 holds at most
 * `limit` items, each one the caller may open; a 400 names the offending
 * parameter.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api/api.h"
#include "fixture.h"
#include "util/xalloc.h"

static app A;
static const route *list;

static const char *const users[] = {"agent1", "super1", "pd01", "pdmgr", "manager1", "auditor1", "admin", "ops1", NULL};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_open(&A, true);
    list = fz_route("GET", "/api/v1/complaints");
    return 0;
}

static int hex(int c)
{
    return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* Decodes s in place: "+" is a space, "%XY" a byte (a malformed escape stays as it is). */
static void decode(char *s)
{
    char *w = s;
    for (char *p = s; *p; p++) {
        if (*p == '+')
            *w++ = ' ';
        else if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
            *w++ = (char)(hex((unsigned char)p[1]) * 16 + hex((unsigned char)p[2]));
            p += 2;
        } else
            *w++ = *p;
    }
    *w = '\0';
}

/* Every listed complaint is one the caller may open (api_may_see): a filter
 * must never widen what a user sees. */
static void visible_only(fz_request *r, const json_t *items)
{
    size_t i;
    const json_t *it;
    json_array_foreach(items, i, it)
    {
        complaint c;
        complaint_init(&c);
        if (store_complaint_get(A.db, json_integer_value(json_object_get(it, "id")), NULL, &c) != 0 ||
            !api_may_see(&A, &r->rq, &c)) {
            fprintf(stderr, "fuzz_listq: %s sees %s in the list, which they may not open\n", r->rq.who.username,
                    json_string_value(json_object_get(it, "number")));
            abort();
        }
        complaint_release(&c);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xstrndup((const char *)data, size);
    fz_request r;
    fz_request_init(&r, "GET", "/api/v1/complaints", NULL, 0);
    const char *as = "agent1";
    long limit = 50;
    char *save = NULL;
    for (char *pair = strtok_r(text, "&", &save); pair; pair = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(pair, '=');
        const char *value = "";
        if (eq) {
            *eq = '\0';
            value = eq + 1;
            decode(eq + 1);
        }
        decode(pair);
        if (strcmp(pair, "as") == 0) {
            for (int i = 0; users[i]; i++)
                if (strcmp(users[i], value) == 0)
                    as = users[i];
            continue;
        }
        /* The server answers the first of repeated parameters. */
        if (!http_query(&r.http, pair))
            fz_query(&r, pair, value);
    }
    const char *lim = http_query(&r.http, "limit");
    if (lim && *lim)
        limit = strtol(lim, NULL, 10);
    fz_sign_in(&A, &r, as);
    http_resp rs;
    fz_call(&A, list, &r, &rs);
    json_t *j = json_loadb(rs.body.data, rs.body.len, 0, NULL);
    if (rs.status == 200) {
        if (json_array_size(json_object_get(j, "items")) > (size_t)limit) {
            fprintf(stderr, "fuzz_listq: more than limit=%ld items\n", limit);
            abort();
        }
        visible_only(&r, json_object_get(j, "items"));
    } else if (rs.status == 400) {
        const char *field = json_string_value(json_object_get(json_object_get(j, "error"), "field"));
        if (!field || !http_query(&r.http, field)) {
            fprintf(stderr, "fuzz_listq: a 400 that names no parameter given: %.*s\n", (int)rs.body.len, rs.body.data);
            abort();
        }
    } else {
        fprintf(stderr, "fuzz_listq: answered %d: %.*s\n", rs.status, (int)rs.body.len, rs.body.data);
        abort();
    }
    json_decref(j);
    fz_response_release(&rs);
    fz_request_release(&r);
    free(text);
    return 0;
}
