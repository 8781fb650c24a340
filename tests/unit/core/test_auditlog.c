/*
 * test_auditlog: what an audit entry's subject names (auditlog_about) —
 * the complaint whose key seals its free text, the user, token or unit
 * whose units scope it, the installation (no unit), or nothing, in which
 * case the acting user's unit scopes it — and that a subject only looking
 * like a numbered one is not taken for it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/auditlog.h"

static void test_numbered_subjects(void **state)
{
    (void)state;
    int64_t id = -1;
    assert_int_equal(auditlog_about("complaint:42", &id), AUDIT_ABOUT_COMPLAINT);
    assert_int_equal(id, 42);
    assert_int_equal(auditlog_about("user:7", &id), AUDIT_ABOUT_USER);
    assert_int_equal(id, 7);
    assert_int_equal(auditlog_about("token:3", &id), AUDIT_ABOUT_TOKEN);
    assert_int_equal(id, 3);
    assert_int_equal(auditlog_about("unit:12", &id), AUDIT_ABOUT_UNIT);
    assert_int_equal(id, 12);
}

static void test_installation_and_actor_subjects(void **state)
{
    (void)state;
    int64_t id = -1;
    const char *config[] = {"config:pack", "config:keys", "config:calendar:cn"};
    for (size_t i = 0; i < sizeof config / sizeof config[0]; i++) {
        assert_int_equal(auditlog_about(config[i], &id), AUDIT_ABOUT_CONFIG);
        assert_int_equal(id, 0);
    }
    const char *actor[] = {"endpoint:GET /api/v1/tokens", "permission:pii", "customer", "audit", ""};
    for (size_t i = 0; i < sizeof actor / sizeof actor[0]; i++) {
        id = -1;
        assert_int_equal(auditlog_about(actor[i], &id), AUDIT_ABOUT_ACTOR);
        assert_int_equal(id, 0);
    }
    assert_int_equal(auditlog_about(NULL, &id), AUDIT_ABOUT_ACTOR);
}

static void test_lookalikes_are_not_numbered(void **state)
{
    (void)state;
    int64_t id = -1;
    const char *bad[] = {"complaint:",   "complaint:0",  "complaint:4x", "complaint:-4", "complaints:4",
                         "complaint4",   "user: 7",      "unit:1.5",     "complaint:12345678901234567890",
                         "COMPLAINT:42"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(auditlog_about(bad[i], &id), AUDIT_ABOUT_ACTOR);
        assert_int_equal(id, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbered_subjects),
        cmocka_unit_test(test_installation_and_actor_subjects),
        cmocka_unit_test(test_lookalikes_are_not_numbered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
