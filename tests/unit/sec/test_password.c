/*
 * test_password: the policy for new passwords — length, the built-in list
 * of common passwords (any case, trailing digits and symbols), the user's
 * name, repetition and simple runs — and that good passwords pass.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sec/password.h"

static void refused(const char *pw, const char *user, const char *hint)
{
    const char *why = NULL;
    if (password_ok(pw, user, &why) != -1)
        fail_msg("\"%s\" (user %s) was accepted", pw, user ? user : "-");
    if (!strstr(why, hint))
        fail_msg("\"%s\": expected a message with \"%s\", got \"%s\"", pw, hint, why);
}

static void test_length(void **state)
{
    (void)state;
    refused("abc1!", NULL, "at least 8");
    char long_pw[130];
    memset(long_pw, 'x', 129);
    long_pw[0] = 'Q', long_pw[129] = '\0';
    refused(long_pw, NULL, "at most 128");
}

typedef struct { const char *pw, *hint; } case_t;

static void refused_all(const case_t *c)
{
    for (; c->pw; c++)
        refused(c->pw, NULL, c->hint);
}

static void test_common_passwords(void **state)
{
    (void)state;
    static const case_t cases[] = {{"password", "too common"},      {"PassWord", "too common"},
                                   {"sunshine", "too common"},      {"sunshine2024!", "too common"},
                                   {"iloveyou", "too common"},      {"woaini1314", "too common"},
                                   {"p@ssw0rd", "too common"},      {NULL, NULL}};
    refused_all(cases);
}

static void test_repeated_and_runs(void **state)
{
    (void)state;
    static const case_t cases[] = {{"        ", "repeated"},   {"aaaaaaaaaa", "repeated"}, {"abcabcabca", "repeated"},
                                   {"12121212", "repeated"},   {"12345678", "run of"},     {"87654321", "run of"},
                                   {"abcdefghij", "run of"},   {"HGFEDCBA", "run of"},     {"qwertyuio", "run of"},
                                   {"lkjhgfdsa", "run of"},    {"1qaz2wsx3e", "run of"},   {NULL, NULL}};
    refused_all(cases);
}

static void test_the_user_name(void **state)
{
    (void)state;
    refused("zhangsan", "zhangsan", "user name");
    refused("Zhangsan#2024", "zhangsan", "user name");
    refused("nasgnahz-77", "zhangsan", "user name");
    refused("my-admin-pass", "admin", "user name");
    /* Two-letter names would refuse too much. */
    const char *why;
    assert_int_equal(password_ok("li-bai-jiang-jin-jiu", "li", &why), 0);
}

static void test_good_passwords_pass(void **state)
{
    (void)state;
    const char *good[] = {"redress-demo", "first-pass-1", "reset-by-admin-1", "黄河之水天上来", "Tr0ub4dor&3x",
                          "correct horse battery staple", "qwe-Zr81-lmq", NULL};
    for (const char **p = good; *p; p++) {
        const char *why = NULL;
        if (password_ok(*p, "wang.wu", &why))
            fail_msg("\"%s\" refused: %s", *p, why);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_length),
        cmocka_unit_test(test_common_passwords),
        cmocka_unit_test(test_repeated_and_runs),
        cmocka_unit_test(test_the_user_name),
        cmocka_unit_test(test_good_passwords_pass),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
