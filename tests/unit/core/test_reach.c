/*
 * test_reach: how far an administrative act may go (core/reach.h), on the
 * seven units of testutil.h. A caller reaches its own unit subtree (a
 * member of the service centre its whole branch), the whole organisation
 * only from the root; a person's session hands out any role, an API token
 * only roles it holds; a new token stays within its user and its caller,
 * and one made by a token is always limited explicitly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/reach.h"
#include "core/roles.h"
#include "testutil.h"

static org o;

static int setup(void **state)
{
    (void)state;
    tu_org(&o);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    org_release(&o);
    return 0;
}

/* Asserts that rc is a refusal with code and field. */
static void refused(int rc, const cerr *e, const char *code, const char *field)
{
    assert_int_equal(rc, CERR_USER);
    assert_string_equal(e->code, code);
    assert_string_equal(e->field, field);
}

static void test_unit(void **state)
{
    (void)state;
    cerr e = CERR_INIT;
    reach_caller hq = {R_ADMIN, U_HQ, false}, region = {R_ADMIN, U_REGION, true}, centre = {R_ADMIN, U_CENTRE, true};
    for (int u = U_HQ; u < U__COUNT; u++)
        assert_int_equal(reach_unit(&o, &hq, u, "unit", &e), 0);
    assert_int_equal(reach_unit(&o, &hq, 0, NULL, &e), 0);
    assert_int_equal(reach_unit(&o, &region, U_REGION, "unit", &e), 0);
    assert_int_equal(reach_unit(&o, &region, U_SITE2, "unit", &e), 0);
    refused(reach_unit(&o, &region, U_HQ, "unit", &e), &e, "forbidden", "unit");
    refused(reach_unit(&o, &region, U_BRANCH, "parent", &e), &e, "forbidden", "parent");
    refused(reach_unit(&o, &region, U_DEPT, "unit", &e), &e, "forbidden", "unit");
    /* a member of the centre sees the branch, and so does a user made there */
    refused(reach_unit(&o, &region, U_CENTRE, "unit", &e), &e, "forbidden", "unit");
    assert_int_equal(reach_unit(&o, &centre, U_REGION, "unit", &e), 0);
    assert_int_equal(reach_unit(&o, &centre, U_BRANCH, "unit", &e), 0);
    refused(reach_unit(&o, &centre, U_DEPT, "unit", &e), &e, "forbidden", "unit");
    /* the whole organisation, and unknown units */
    refused(reach_unit(&o, &region, 0, NULL, &e), &e, "forbidden", "");
    refused(reach_unit(&o, &centre, 0, NULL, &e), &e, "forbidden", "");
    refused(reach_unit(&o, &hq, 99, "unit", &e), &e, "forbidden", "unit");
    reach_caller nowhere = {R_ADMIN, 99, false};
    refused(reach_unit(&o, &nowhere, U_SITE1, "unit", &e), &e, "forbidden", "unit");
}

static void test_roles(void **state)
{
    (void)state;
    cerr e = CERR_INIT;
    reach_caller session = {R_ADMIN, U_HQ, false}, token = {R_ADMIN | R_SUPERVISOR, U_HQ, true};
    assert_int_equal(reach_roles(&session, R_ALL_ROLES, "roles", &e), 0);
    assert_int_equal(reach_roles(&token, R_ADMIN, "roles", &e), 0);
    assert_int_equal(reach_roles(&token, R_ADMIN | R_SUPERVISOR, "roles", &e), 0);
    refused(reach_roles(&token, R_AGENT | R_ADMIN, "roles", &e), &e, "forbidden", "roles");
    assert_non_null(strstr(e.message, "agent"));
    /* making a user: the unit first, then the roles */
    reach_caller pd = {R_ADMIN, U_REGION, true};
    assert_int_equal(reach_user(&o, &pd, R_ADMIN, U_SITE1, &e), 0);
    refused(reach_user(&o, &pd, R_AGENT, U_SITE1, &e), &e, "forbidden", "roles");
    refused(reach_user(&o, &pd, R_ADMIN, U_HQ, &e), &e, "forbidden", "unit");
    reach_caller pd_session = {R_ADMIN, U_REGION, false};
    assert_int_equal(reach_user(&o, &pd_session, R_AGENT, U_SITE2, &e), 0);
    refused(reach_user(&o, &pd_session, R_AGENT, U_CENTRE, &e), &e, "forbidden", "unit");
}

static void test_user_change(void **state)
{
    (void)state;
    cerr e = CERR_INIT;
    reach_caller hq = {R_ADMIN, U_HQ, false}, pd = {R_ADMIN, U_REGION, false}, pd_token = {R_ADMIN, U_REGION, true};
    /* within reach before and after; a name alone changes neither */
    assert_int_equal(reach_user_change(&o, &hq, false, R_AGENT, U_SITE1, R_AGENT | R_HANDLER, U_DEPT, &e), 0);
    assert_int_equal(reach_user_change(&o, &pd, false, R_AGENT, U_SITE1, R_HANDLER, U_SITE2, &e), 0);
    refused(reach_user_change(&o, &pd, false, R_AGENT, U_DEPT, R_AGENT, U_SITE1, &e), &e, "forbidden", "");
    refused(reach_user_change(&o, &pd, false, R_AGENT, U_SITE1, R_AGENT, U_DEPT, &e), &e, "forbidden", "unit");
    refused(reach_user_change(&o, &pd, false, R_AGENT, U_SITE1, R_AGENT, U_CENTRE, &e), &e, "forbidden", "unit");
    /* a token hands out only roles it holds, when roles or home change */
    assert_int_equal(reach_user_change(&o, &pd_token, false, R_AGENT, U_SITE1, R_AGENT, U_SITE1, &e), 0);
    assert_int_equal(reach_user_change(&o, &pd_token, false, R_AGENT | R_ADMIN, U_SITE1, R_ADMIN, U_SITE1, &e), 0);
    refused(reach_user_change(&o, &pd_token, false, R_ADMIN, U_SITE1, R_ADMIN | R_AGENT, U_SITE1, &e), &e,
            "forbidden", "roles");
    refused(reach_user_change(&o, &pd_token, false, R_AGENT, U_SITE1, R_AGENT, U_SITE2, &e), &e, "forbidden", "roles");
    /* oneself: never without admin, never out of one's own scope */
    refused(reach_user_change(&o, &hq, true, R_ADMIN | R_AGENT, U_HQ, R_AGENT, U_HQ, &e), &e, "validation_failed",
            "roles");
    assert_int_equal(reach_user_change(&o, &hq, true, R_ADMIN, U_HQ, R_ADMIN | R_AUDITOR, U_HQ, &e), 0);
    refused(reach_user_change(&o, &hq, true, R_ADMIN, U_HQ, R_ADMIN, U_REGION, &e), &e, "validation_failed", "unit");
    refused(reach_user_change(&o, &pd, true, R_ADMIN, U_REGION, R_ADMIN, U_SITE1, &e), &e, "validation_failed",
            "unit");
    /* the centre's scope is its branch: moving there from the branch keeps it */
    reach_caller branch = {R_ADMIN, U_BRANCH, false};
    assert_int_equal(reach_user_change(&o, &branch, true, R_ADMIN, U_BRANCH, R_ADMIN, U_CENTRE, &e), 0);
}

/* reach_token with roles and unit asked; the stored limits into *roles_out, *unit_out. */
static int token(const reach_caller *by, unsigned user_roles, int64_t user_unit, unsigned roles, int64_t unit_id,
                 unsigned *roles_out, int64_t *unit_out, cerr *e)
{
    *roles_out = roles;
    *unit_out = unit_id;
    return reach_token(&o, by, user_roles, user_unit, roles_out, unit_out, e);
}

static void test_token(void **state)
{
    (void)state;
    cerr e = CERR_INIT;
    unsigned roles;
    int64_t unit_id;
    reach_caller hq = {R_ADMIN, U_HQ, false};
    /* a session at the root: any user, the user's roles, unlimited when nothing is asked */
    assert_int_equal(token(&hq, R_AGENT | R_SUPERVISOR, U_CENTRE, 0, 0, &roles, &unit_id, &e), 0);
    assert_int_equal(roles, 0);
    assert_int_equal(unit_id, 0);
    assert_int_equal(token(&hq, R_AGENT | R_SUPERVISOR, U_CENTRE, R_AGENT, U_SITE1, &roles, &unit_id, &e), 0);
    assert_int_equal(roles, R_AGENT);
    assert_int_equal(unit_id, U_SITE1);
    /* never more than the user has */
    refused(token(&hq, R_HANDLER, U_SITE1, R_SUPERVISOR, 0, &roles, &unit_id, &e), &e, "validation_failed", "roles");
    refused(token(&hq, R_HANDLER, U_SITE1, 0, U_REGION, &roles, &unit_id, &e), &e, "validation_failed", "unit");

    /* a token limited to the region and to admin: the attack of issue #23 */
    reach_caller pd = {R_ADMIN, U_REGION, true};
    refused(token(&pd, R_ADMIN, U_HQ, 0, 0, &roles, &unit_id, &e), &e, "forbidden", "username");
    refused(token(&pd, R_ADMIN, U_HQ, R_ADMIN, U_SITE1, &roles, &unit_id, &e), &e, "forbidden", "username");
    refused(token(&pd, R_MANAGER, U_BRANCH, 0, 0, &roles, &unit_id, &e), &e, "forbidden", "username");
    /* its own user at HQ cannot be given a wider token than the caller's unit either */
    refused(token(&pd, R_ADMIN, U_HQ, R_ADMIN, U_BRANCH, &roles, &unit_id, &e), &e, "forbidden", "username");
    /* within the region: only roles the token holds, and explicit when none are asked */
    assert_int_equal(token(&pd, R_ADMIN | R_HANDLER, U_SITE1, 0, 0, &roles, &unit_id, &e), 0);
    assert_int_equal(roles, R_ADMIN);
    assert_int_equal(token(&pd, R_ADMIN | R_HANDLER, U_SITE1, R_ADMIN, U_SITE1, &roles, &unit_id, &e), 0);
    refused(token(&pd, R_ADMIN | R_HANDLER, U_SITE1, R_HANDLER, 0, &roles, &unit_id, &e), &e, "forbidden", "roles");
    refused(token(&pd, R_HANDLER, U_SITE1, 0, 0, &roles, &unit_id, &e), &e, "forbidden", "roles");

    /* a session of the region's own administrator: its subtree, any role */
    reach_caller pd_session = {R_ADMIN, U_REGION, false};
    assert_int_equal(token(&pd_session, R_HANDLER, U_SITE2, 0, 0, &roles, &unit_id, &e), 0);
    assert_int_equal(roles, 0);
    refused(token(&pd_session, R_AGENT, U_CENTRE, 0, 0, &roles, &unit_id, &e), &e, "forbidden", "username");

    /* a token at the root limited to admin: a user's unit may narrow, roles may not widen */
    reach_caller root_token = {R_ADMIN, U_HQ, true};
    assert_int_equal(token(&root_token, R_ADMIN, U_HQ, 0, U_REGION, &roles, &unit_id, &e), 0);
    assert_int_equal(roles, R_ADMIN);
    assert_int_equal(unit_id, U_REGION);
    refused(token(&root_token, R_AGENT, U_CENTRE, R_AGENT, 0, &roles, &unit_id, &e), &e, "forbidden", "roles");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unit),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_token),
        cmocka_unit_test(test_user_change),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
