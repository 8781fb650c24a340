/*
 * fuzz_intake: a request body, as untrusted bytes, through both intakes —
 * POST /api/v1/complaints as an agent of the service centre and POST
 * /api/v1/portal/complaints as the public — which parse it (api_body),
 * validate it into a complaint (workflow_intake), store it and render it
 * back. Besides the sanitizers, a 5xx answer is a failure: no body may
 * make the store or the renderer fail.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fixture.h"

/* Complaints created before the database is started afresh, so a long run
 * does not grow it without bound. */
enum { RESET_AFTER = 4000 };

static app A;
static const route *staff, *portal;
static unsigned long created, runs;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_open(&A, false);
    staff = fz_route("POST", "/api/v1/complaints");
    portal = fz_route("POST", "/api/v1/portal/complaints");
    return 0;
}

static void one(const route *rt, const char *path, const uint8_t *data, size_t size, const char *as)
{
    fz_request r;
    fz_request_init(&r, "POST", path, data, size);
    /* Another address each time: the portal's rate limit is not under test. */
    snprintf(r.http.client, sizeof r.http.client, "10.%lu.%lu.%lu", (runs >> 16) & 255, (runs >> 8) & 255, runs & 255);
    if (as)
        fz_sign_in(&A, &r, as);
    http_resp rs;
    fz_call(&A, rt, &r, &rs);
    if (rs.status >= 500) {
        fprintf(stderr, "fuzz_intake: %s answered %d: %.*s\n", path, rs.status, (int)rs.body.len, rs.body.data);
        abort();
    }
    if (rs.status == 201)
        created++;
    fz_response_release(&rs);
    fz_request_release(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    runs++;
    one(staff, "/api/v1/complaints", data, size, "agent1");
    one(portal, "/api/v1/portal/complaints", data, size, NULL);
    if (created >= RESET_AFTER) {
        fz_close(&A);
        fz_open(&A, false);
        created = 0;
    }
    return 0;
}
