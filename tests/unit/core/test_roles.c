/*
 * test_roles: the role bits, their names, and the text form users.roles
 * holds — every set of user roles survives roles_text then roles_parse,
 * the text is in bit order with no spaces, and what cannot be a user's role
 * (the system bit, unknown names) never appears.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/roles.h"

static void test_names(void **state)
{
    (void)state;
    static const char *names[] = {"agent", "handler", "supervisor", "manager", "auditor", "admin"};
    for (unsigned i = 0; i < 6; i++) {
        assert_int_equal(role_parse(names[i]), 1u << i);
        assert_string_equal(role_name(1u << i), names[i]);
        assert_true(role_label(1u << i, false)[0] != '\0');
        assert_true(role_label(1u << i, true)[0] != '\0');
    }
    assert_string_equal(role_label(R_AGENT, false), "座席员");
    assert_string_equal(role_label(R_ADMIN, true), "Administrator");
    assert_int_equal(role_parse("system"), 0);
    assert_int_equal(role_parse("Agent"), 0);
    assert_int_equal(role_parse(""), 0);
    assert_string_equal(role_name(R_SYSTEM), "");
    assert_string_equal(role_name(R_AGENT | R_HANDLER), "");
}

static void test_text_round_trip(void **state)
{
    (void)state;
    char text[128];
    for (unsigned bits = 0; bits <= R_ALL_ROLES; bits++) {
        roles_text(bits, text, sizeof text);
        assert_null(strchr(text, ' '));
        assert_int_equal(roles_parse(text), bits);
    }
    roles_text(R_AGENT | R_HANDLER, text, sizeof text);
    assert_string_equal(text, "agent,handler");
    roles_text(R_ADMIN | R_AGENT | R_SYSTEM, text, sizeof text);
    assert_string_equal(text, "agent,admin");
    roles_text(0, text, sizeof text);
    assert_string_equal(text, "");
    /* a short buffer truncates and stays terminated */
    char small[8];
    roles_text(R_SUPERVISOR | R_MANAGER, small, sizeof small);
    assert_string_equal(small, "supervi");
}

static void test_parse_tolerates(void **state)
{
    (void)state;
    assert_int_equal(roles_parse(NULL), 0);
    assert_int_equal(roles_parse(""), 0);
    assert_int_equal(roles_parse("handler,,manager"), R_HANDLER | R_MANAGER);
    assert_int_equal(roles_parse("agent,wizard,auditor"), R_AGENT | R_AUDITOR);
    assert_int_equal(roles_parse("system"), 0);
    assert_int_equal(roles_parse("admin,admin"), R_ADMIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_text_round_trip),
        cmocka_unit_test(test_parse_tolerates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
