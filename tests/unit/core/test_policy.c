/*
 * Unit tests for core/policy: a pack loads into the limits and lookups the
 * domain uses, and a broken pack is refused with the JSON path of the
 * offending member, so that whoever edits packs/NAME.json can find it. The
 * shipped pack (packs/gas-station.json, read relative to the repository
 * root where the tests run) must load cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/policy.h"
#include "testutil.h"

/* Loads tu_pack_json after applying edit (a JSON object whose members
 * replace the pack's top-level members; null deletes one). */
static int load_edited(const char *edit, policy *p, cerr *e)
{
    json_error_t jerr;
    json_t *pack = json_loads(tu_pack_json, 0, &jerr);
    json_t *ed = json_loads(edit, 0, &jerr);
    if (!pack || !ed)
        fail_msg("bad JSON in the test: %s", edit);
    const char *k;
    json_t *v;
    json_object_foreach(ed, k, v)
    {
        if (json_is_null(v))
            json_object_del(pack, k);
        else
            json_object_set(pack, k, v);
    }
    memset(e, 0, sizeof *e);
    int rc = policy_load(p, pack, e);
    json_decref(pack);
    json_decref(ed);
    return rc;
}

static void expect_pack_error(const char *edit, const char *field)
{
    policy p;
    cerr e;
    char why[512] = "";
    int rc = load_edited(edit, &p, &e);
    policy_release(&p); /* before any failure, so that a failing test does not also leak */
    if (rc == 0)
        snprintf(why, sizeof why, "pack with %s loaded, expected an error at %s", edit, field);
    else if (!e.code || strcmp(e.code, "invalid_pack") != 0 || strcmp(e.field, field) != 0)
        snprintf(why, sizeof why, "pack with %s: %s at \"%s\" (%s), expected invalid_pack at \"%s\"", edit,
                 e.code ? e.code : "(none)", e.field, e.message, field);
    else if (strncmp(e.message, field, strlen(field)) != 0) /* the message leads with the path too */
        snprintf(why, sizeof why, "message \"%s\" does not start with \"%s\"", e.message, field);
    if (why[0])
        fail_msg("%s", why);
}

static void test_load_test_pack(void **state)
{
    (void)state;
    policy p;
    tu_policy(&p);
    assert_string_equal(p.name, "unit-test");
    assert_string_equal(p.number_prefix, "TS");
    assert_int_equal(p.tz_offset, 480);
    assert_int_equal(p.default_level, 3);
    assert_int_equal(p.limit_dispatch, TU_DISPATCH);
    assert_int_equal(p.limit_reply, TU_REPLY);
    assert_int_equal(p.limit_revisit, TU_REVISIT);
    assert_int_equal(p.limit_close, TU_CLOSE);
    for (int l = 1; l <= LEVEL_MAX; l++) {
        assert_int_equal(p.limit_handle[l], tu_handle[l]);
        assert_int_equal(p.limit_overall[l], tu_overall[l]);
        assert_non_null(p.levels[l].name);
    }
    assert_string_equal(p.levels[1].name, "重大");
    /* categories: a tree flattened parent-first */
    assert_int_equal(p.tax.ncats, 5);
    assert_non_null(policy_category(&p, "quantity"));
    assert_null(policy_category(&p, "weather"));
    assert_int_equal(p.tax.cats[policy_category_index(&p, "attitude")].parent, policy_category_index(&p, "service"));
    assert_int_equal(policy_category(&p, "service")->parent, -1);
    assert_true(policy_category_within(&p, "attitude", "service"));
    assert_true(policy_category_within(&p, "service", "service"));
    assert_false(policy_category_within(&p, "service", "attitude"));
    assert_false(policy_category_within(&p, "quantity", "service"));
    assert_false(policy_category_within(&p, "weather", "service"));
    assert_non_null(policy_channel(&p, "walk_in"));
    assert_null(policy_channel(&p, "pigeon"));
    assert_string_equal(policy_class(&p, "vip")->name, "VIP");
    assert_non_null(p.raw);
    policy_release(&p);
}

static void test_defaults_and_single_limits(void **state)
{
    (void)state;
    policy p;
    cerr e;
    /* no limits at all: DOMAIN §5 defaults; no zone: +08:00; no prefix: TS */
    assert_int_equal(load_edited("{\"time_limits\":null,\"timezone\":null,\"number_prefix\":null,"
                                 "\"default_level\":null}",
                                 &p, &e),
                     0);
    assert_int_equal(p.tz_offset, 480);
    assert_string_equal(p.number_prefix, "TS");
    assert_int_equal(p.default_level, 3);
    assert_int_equal(p.limit_dispatch, 240);
    assert_int_equal(p.limit_handle[1], 1440);
    assert_int_equal(p.limit_reply, 120);
    assert_int_equal(p.limit_revisit, 7 * 1440);
    policy_release(&p);
    /* one number for every level; UTC */
    assert_int_equal(load_edited("{\"time_limits\":{\"handle\":600,\"overall\":0},\"timezone\":\"UTC\"}", &p, &e), 0);
    assert_int_equal(p.tz_offset, 0);
    for (int l = 1; l <= LEVEL_MAX; l++) {
        assert_int_equal(p.limit_handle[l], 600);
        assert_int_equal(p.limit_overall[l], 0);
    }
    policy_release(&p);
    assert_int_equal(load_edited("{\"timezone\":\"-03:30\"}", &p, &e), 0);
    assert_int_equal(p.tz_offset, -210);
    policy_release(&p);
}

static void test_error_paths(void **state)
{
    (void)state;
    expect_pack_error("{\"name\":null}", "name");
    expect_pack_error("{\"number_prefix\":\"TOOLONGPREFIX\"}", "number_prefix");
    expect_pack_error("{\"timezone\":\"Mars/Olympus\"}", "timezone");
    expect_pack_error("{\"timezone\":\"+8\"}", "timezone");

    expect_pack_error("{\"categories\":null}", "categories");
    expect_pack_error("{\"categories\":[]}", "categories");
    expect_pack_error("{\"categories\":[{\"code\":\"a\"}]}", "categories[0]");
    expect_pack_error("{\"categories\":[{\"code\":\"a\",\"name\":\"A\"},{\"code\":\"b\",\"name\":\"B\","
                      "\"children\":[{\"code\":\"b1\"}]}]}",
                      "categories[1].children[0]");
    expect_pack_error(
        "{\"categories\":[{\"code\":\"a\",\"name\":\"A\"},{\"code\":\"b\",\"name\":\"B\","
        "\"children\":[{\"code\":\"b1\",\"name\":\"B1\",\"children\":[{\"code\":\"\",\"name\":\"x\"}]}]}]}",
        "categories[1].children[0].children[0]");
    expect_pack_error("{\"categories\":[{\"code\":\"a\",\"name\":\"A\",\"children\":{}}]}", "categories[0].children");
    expect_pack_error("{\"categories\":[{\"code\":\"a\",\"name\":\"A\"},{\"code\":\"b\",\"name\":\"B\","
                      "\"children\":[{\"code\":\"a\",\"name\":\"again\"}]}]}",
                      "categories[1].children[0]");

    expect_pack_error("{\"channels\":[]}", "channels");
    expect_pack_error("{\"channels\":[{\"code\":\"phone\",\"name\":\"电话\"},{\"code\":\"fax\"}]}", "channels[1]");
    expect_pack_error("{\"customer_classes\":null}", "customer_classes");

    expect_pack_error("{\"levels\":null}", "levels");
    expect_pack_error("{\"levels\":{\"1\":\"重大\"}}", "levels");
    expect_pack_error("{\"levels\":[{\"code\":1,\"name\":\"a\"},{\"code\":3,\"name\":\"c\"}]}", "levels");
    expect_pack_error(
        "{\"levels\":[{\"code\":1,\"name\":\"a\"},{\"code\":2,\"name\":\"b\"},{\"code\":4,\"name\":\"d\"}]}",
        "levels[2]");
    expect_pack_error("{\"levels\":[{\"code\":\"1\",\"name\":\"a\"}]}", "levels[0]");
    expect_pack_error("{\"default_level\":5}", "default_level");
    expect_pack_error("{\"default_level\":0}", "default_level");

    expect_pack_error("{\"time_limits\":[]}", "time_limits");
    expect_pack_error("{\"time_limits\":{\"dispatch\":-1}}", "time_limits.dispatch");
    expect_pack_error("{\"time_limits\":{\"reply\":\"2h\"}}", "time_limits.reply");
    expect_pack_error("{\"time_limits\":{\"dispatch\":{\"1\":1,\"2\":2,\"3\":3}}}", "time_limits.dispatch");
}

/* A per-level limit names the level: "time_limits.handle.2", as its message does. */
static void test_error_path_names_level(void **state)
{
    (void)state;
    expect_pack_error("{\"time_limits\":{\"handle\":{\"1\":60,\"2\":-5,\"3\":60}}}", "time_limits.handle.2");
    expect_pack_error("{\"time_limits\":{\"overall\":{\"1\":60,\"2\":60}}}", "time_limits.overall.3");
}

/* A member of the wrong type is an error, not a silent default: a pack that
 * says "timezone": -5 must not number and count days at +08:00. */
static void test_wrongly_typed_members_refused(void **state)
{
    (void)state;
    expect_pack_error("{\"timezone\":-5}", "timezone");
    expect_pack_error("{\"default_level\":\"2\"}", "default_level");
    expect_pack_error("{\"number_prefix\":7}", "number_prefix");
}

static void test_not_an_object(void **state)
{
    (void)state;
    policy p;
    cerr e = {0};
    json_t *arr = json_array();
    assert_int_equal(policy_load(&p, arr, &e), CERR_USER);
    assert_string_equal(e.code, "invalid_pack");
    assert_string_equal(e.field, "");
    policy_release(&p);
    json_decref(arr);
}

static void test_gas_station_pack(void **state)
{
    (void)state;
    json_error_t jerr;
    json_t *pack = json_load_file("packs/gas-station.json", 0, &jerr);
    if (!pack)
        fail_msg("packs/gas-station.json: %s (line %d) — run the tests from the repository root", jerr.text, jerr.line);
    policy p;
    cerr e = {0};
    if (policy_load(&p, pack, &e) != 0)
        fail_msg("packs/gas-station.json does not load: %s at %s", e.message, e.field);
    assert_string_equal(p.name, "gas-station");
    assert_string_equal(p.number_prefix, "TS");
    assert_int_equal(p.tz_offset, 480);
    /* the limits its notes argue for: handle = overall - dispatch - reply */
    assert_int_equal(p.limit_dispatch, 240);
    assert_int_equal(p.limit_reply, 120);
    assert_int_equal(p.limit_revisit, 10080);
    assert_int_equal(p.limit_close, 1440);
    static const int overall[] = {0, 2880, 720, 1440};
    for (int l = 1; l <= LEVEL_MAX; l++) {
        assert_int_equal(p.limit_overall[l], overall[l]);
        assert_int_equal(p.limit_handle[l], overall[l] - 240 - 120);
        assert_non_null(p.levels[l].name);
    }
    assert_int_equal(p.tax.nchannels, json_array_size(json_object_get(pack, "channels")));
    assert_non_null(policy_channel(&p, "phone"));
    assert_non_null(policy_class(&p, "ordinary"));
    assert_true(p.tax.ncats >= json_array_size(json_object_get(pack, "categories")));
    /* every category's parent precedes it */
    for (size_t i = 0; i < p.tax.ncats; i++)
        assert_true(p.tax.cats[i].parent < (int)i);
    policy_release(&p);
    json_decref(pack);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_test_pack),
        cmocka_unit_test(test_defaults_and_single_limits),
        cmocka_unit_test(test_error_paths),
        cmocka_unit_test(test_error_path_names_level),
        cmocka_unit_test(test_wrongly_typed_members_refused),
        cmocka_unit_test(test_not_an_object),
        cmocka_unit_test(test_gas_station_pack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
