/*
 * testutil: fixtures shared by the unit tests — a small policy pack with
 * distinct limits per level (so a deadline computed from the wrong level or
 * the wrong limit shows), a seven-unit organisation:
 *
 *   HQ ─┬─ SH (branch) ─┬─ PD (region) ─┬─ PD-01 (site)
 *       │               │               └─ PD-02 (site)
 *       │               └─ CC (centre)
 *       └─ QA (department)
 *
 * and a database file in a temporary directory for the tests that open a
 * store.
 *
 * Everything here is static so each test binary carries its own copy; the
 * functions assert through cmocka, so include <cmocka.h> first.
 */
#ifndef REDRESS_TESTUTIL_H
#define REDRESS_TESTUTIL_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/org.h"
#include "core/policy.h"

/* Limits in minutes: every stage and every level differs. */
static const char tu_pack_json[] =
    "{\"name\":\"unit-test\",\"number_prefix\":\"TS\",\"timezone\":\"Asia/Shanghai\","
    " \"categories\":[{\"code\":\"service\",\"name\":\"服务\",\"children\":["
    "                   {\"code\":\"attitude\",\"name\":\"服务态度\"},"
    "                   {\"code\":\"queue\",\"name\":\"排队\"}]},"
    "                 {\"code\":\"quality\",\"name\":\"油品质量\",\"children\":["
    "                   {\"code\":\"quantity\",\"name\":\"数量\"}]}],"
    " \"channels\":[{\"code\":\"phone\",\"name\":\"电话\"},{\"code\":\"walk_in\",\"name\":\"现场来访\"}],"
    " \"customer_classes\":[{\"code\":\"ordinary\",\"name\":\"普通客户\"},{\"code\":\"vip\",\"name\":\"VIP\"}],"
    " \"levels\":[{\"code\":1,\"name\":\"重大\"},{\"code\":2,\"name\":\"紧急\"},{\"code\":3,\"name\":\"一般\"}],"
    " \"default_level\":3,"
    " \"time_limits\":{\"dispatch\":240,\"handle\":{\"1\":2520,\"2\":360,\"3\":1080},\"reply\":120,"
    "                  \"revisit\":10080,\"close\":1440,\"overall\":{\"1\":2880,\"2\":720,\"3\":1440}},"
    /* core/cases.h: no "closing" section (the defaults); compensation limits in yuan. */
    " \"authorization\":{\"kinds\":[{\"code\":\"refund\",\"name\":\"退款\"},{\"code\":\"voucher\",\"name\":\"代金券\"}],"
    "   \"limits\":{\"agent\":50,\"handler\":200,\"supervisor\":500,\"manager\":2000},"
    "   \"approver_unit_type\":\"branch\","
    "   \"senior\":{\"above\":2000,\"after_hours\":72,\"roles\":[\"manager\"],\"unit_type\":\"hq\"}},"
    " \"appeals\":{\"sources\":[{\"code\":\"12315\",\"name\":\"12315\"}],"
    "   \"conclusions\":[{\"code\":\"company\",\"name\":\"企业责任\"},{\"code\":\"customer\",\"name\":\"客户原因\"}]}}";

enum { TU_DISPATCH = 240, TU_REPLY = 120, TU_REVISIT = 10080, TU_CLOSE = 1440 };
static const int tu_handle[4] = {0, 2520, 360, 1080};
static const int tu_overall[4] = {0, 2880, 720, 1440};

/* The units in parent-first order; ids are 1..7 in this order. */
enum { U_HQ = 1, U_BRANCH, U_REGION, U_SITE1, U_SITE2, U_CENTRE, U_DEPT, U__COUNT };

static const struct {
    const char *code, *name, *type;
    int parent; /* index into this table (= id), 0 for the root */
} tu_units[U__COUNT] = {
    [U_HQ] = {"HQ", "总部", "hq", 0},
    [U_BRANCH] = {"SH", "上海分公司", "branch", U_HQ},
    [U_REGION] = {"PD", "浦东片区", "region", U_BRANCH},
    [U_SITE1] = {"PD-01", "世纪大道加油站", "site", U_REGION},
    [U_SITE2] = {"PD-02", "张江加油站", "site", U_REGION},
    [U_CENTRE] = {"CC", "客服中心", "centre", U_BRANCH},
    [U_DEPT] = {"QA", "质量管理部", "department", U_HQ},
};

/* Parses the test pack into p (initialised here); fails the test if it does not load. */
/* A JSON literal of a test (a new reference); fails the test when it does not parse. */
static inline json_t *tu_json(const char *text)
{
    json_error_t jerr;
    json_t *v = json_loads(text, 0, &jerr);
    if (!v)
        fail_msg("bad JSON literal in the test (%s): %s", jerr.text, text);
    return v;
}

/* The test pack as JSON (a new reference), for a test that changes a section. */
static inline json_t *tu_pack(void)
{
    json_error_t jerr;
    json_t *pack = json_loads(tu_pack_json, 0, &jerr);
    assert_non_null(pack);
    return pack;
}

/* Loads pack (borrowed) into p, failing the test if it does not load. */
static inline void tu_policy_of(policy *p, json_t *pack)
{
    cerr e = {0};
    if (policy_load(p, pack, &e) != 0)
        fail_msg("test pack does not load: %s (%s)", e.message, e.field);
}

static inline void tu_policy(policy *p)
{
    json_t *pack = tu_pack();
    tu_policy_of(p, pack);
    json_decref(pack);
}

/* Fills o (initialised here) with the seven units, ids 1..7. */
static inline void tu_org(org *o)
{
    org_init(o);
    for (int i = U_HQ; i < U__COUNT; i++) {
        unit u = {i,    (char *)tu_units[i].code, (char *)tu_units[i].name,
                  NULL, (char *)tu_units[i].type, tu_units[i].parent};
        org_add(o, &u);
    }
}

/* A policy and the seven units, for a group's setup to fill; tu_fx_teardown releases them. */
typedef struct tu_fx {
    policy pol;
    org org;
} tu_fx;

static inline int tu_fx_teardown(void **state)
{
    tu_fx *f = *state;
    policy_release(&f->pol);
    org_release(&f->org);
    return 0;
}

/* A valid intake record (new reference): phone hotline, a service complaint
 * about site PD-01 received at `received` (RFC 3339). */
static inline json_t *tu_intake(const char *received, const char *phone)
{
    json_t *in = json_pack("{s:s,s:s,s:{s:s,s:s},s:s,s:s,s:s}", "channel", "phone", "received_at", received, "customer",
                           "name", "张三", "phone", phone, "subject_unit", "PD-01", "category", "attitude",
                           "description", "加油员态度恶劣，拒绝开具发票。");
    assert_non_null(in);
    return in;
}

static inline int tu_contains(const char *haystack, const char *needle)
{
    return strstr(haystack, needle) != NULL;
}

/* A SQLite database file in a new temporary directory. */
typedef struct tu_tmpdb {
    char dir[64];
    char path[96];
    char url[128]; /* "sqlite:<path>" */
} tu_tmpdb;

/* Creates t's directory and names its file; -1 if the directory cannot be made. */
static inline int tu_tmpdb_make(tu_tmpdb *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/redress-test-XXXXXX");
    if (!mkdtemp(t->dir))
        return -1;
    snprintf(t->path, sizeof t->path, "%s/redress.db", t->dir);
    snprintf(t->url, sizeof t->url, "sqlite:%s", t->path);
    return 0;
}

/* Removes the database file (with its log and index files) and the directory. */
static inline void tu_tmpdb_remove(const tu_tmpdb *t)
{
    static const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s%s", t->path, suffix[i]);
        unlink(p);
    }
    rmdir(t->dir);
}

#endif
