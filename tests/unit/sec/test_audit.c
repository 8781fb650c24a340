/*
 * Unit tests for the audit log: core/auditlog (the canonical text and the
 * hash of an entry), the store ops on a fresh sqlite file (append builds one
 * chain, list filters and both orders with a cursor), sec/audit's
 * audit_verify naming an edited, a removed and a re-linked entry, the units
 * audit_record derives from an entry's subject (or is given) for scoped
 * listing, and the store's sign-in bookkeeping (failure count, lockout,
 * reset).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "core/auditlog.h"
#include "sec/audit.h"
#include "store/store.h"
#include "testutil.h"
#include "util/log.h"

#define T0 INT64_C(1772294400)

typedef struct afx {
    tu_tmpdb db;
    store *s;
} afx;

static int group_setup(void **state)
{
    (void)state;
    log_set_level(LOG_ERROR);
    return sodium_init() < 0 ? -1 : 0;
}

static int setup(void **state)
{
    afx *f = calloc(1, sizeof *f);
    char err[256];
    if (!f)
        return -1;
    if (tu_tmpdb_make(&f->db))
        return -1;
    f->s = store_open(f->db.url, err, sizeof err);
    if (!f->s)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    afx *f = *state;
    store_close(f->s);
    tu_tmpdb_remove(&f->db);
    free(f);
    return 0;
}

/* ---- core/auditlog ------------------------------------------------------- */

static void test_canonical_text(void **state)
{
    (void)state;
    audit_row r = {.seq = 3, .at = 100, .actor = 7, .action = "login", .subject = "user:7", .ip = "10.0.0.1",
                   .detail = "{\"b\":1,\"a\":2}"};
    char *s = auditlog_canonical(&r);
    assert_string_equal(s, "{\"action\":\"login\",\"actor\":7,\"at\":100,\"customer\":null,"
                           "\"detail\":\"{\\\"b\\\":1,\\\"a\\\":2}\",\"ip\":\"10.0.0.1\",\"seq\":3,"
                           "\"subject\":\"user:7\"}");
    free(s);
}

static void test_seal_covers_every_column(void **state)
{
    (void)state;
    audit_row r = {.seq = 1, .at = 100, .actor = 7, .action = "login", .subject = "user:7"};
    auditlog_seal(&r);
    assert_true(auditlog_hash_ok(&r, NULL));
    audit_row c = r;
    c.at = 101;
    assert_false(auditlog_hash_ok(&c, NULL));
    c = r;
    c.actor = 8;
    assert_false(auditlog_hash_ok(&c, NULL));
    c = r;
    c.seq = 2;
    assert_false(auditlog_hash_ok(&c, NULL));
    c = r;
    c.subject = NULL; /* null differs from any text */
    assert_false(auditlog_hash_ok(&c, NULL));
    c = r;
    c.customer = "ab12";
    assert_false(auditlog_hash_ok(&c, NULL));
    c = r;
    c.prev[31] = 1;
    assert_false(auditlog_hash_ok(&c, NULL));
    /* An empty detail is not a missing one. */
    c = r;
    c.detail = "";
    assert_false(auditlog_hash_ok(&c, NULL));
}

/* ---- the store ----------------------------------------------------------- */

static void append(afx *f, int64_t at, int64_t who, const char *action, const char *subject, const char *customer)
{
    audit_entry e = {.at = at, .actor = who, .action = action, .subject = subject, .customer = customer,
                     .ip = "127.0.0.1"};
    assert_int_equal(audit_record(f->s, &e), 0);
}

static void fill(afx *f)
{
    append(f, T0, 1, "login", "user:1", NULL);
    append(f, T0 + 10, 2, "login_failed", "user:2", NULL);
    append(f, T0 + 20, 2, "login", "user:2", NULL);
    append(f, T0 + 30, 2, "pii_view", "complaint:5", "c0ffee");
    append(f, T0 + 40, 1, "denied", "endpoint:GET /api/v1/tokens", NULL);
    append(f, T0 + 50, 0, "retention_anonymise", "complaint:5", "c0ffee");
}

static void test_append_builds_one_chain(void **state)
{
    afx *f = *state;
    fill(f);
    audit_page p;
    assert_int_equal(store_audit_list(f->s, &(audit_filter){.ascending = true, .limit = 100}, &p), 0);
    assert_int_equal(p.n, 6);
    assert_int_equal(p.head_seq, 6);
    assert_false(p.more);
    uint8_t zero[32] = {0};
    assert_memory_equal(p.items[0].prev, zero, 32);
    for (size_t i = 0; i < p.n; i++) {
        assert_int_equal(p.items[i].seq, (int64_t)i + 1);
        assert_true(auditlog_hash_ok(&p.items[i], NULL));
        if (i)
            assert_memory_equal(p.items[i].prev, p.items[i - 1].hash, 32);
    }
    assert_string_equal(p.items[3].customer, "c0ffee");
    assert_null(p.items[0].customer);
    assert_null(p.items[0].detail);
    assert_string_equal(p.items[0].ip, "127.0.0.1");
    audit_page_release(&p);
    long n = 0;
    char msg[256];
    assert_int_equal(audit_verify(f->s, NULL, 1, NULL, 0, &n, msg, sizeof msg), 0);
    assert_int_equal(n, 6);
}

static size_t count(afx *f, audit_filter flt, int64_t *first_seq)
{
    audit_page p;
    if (!flt.limit)
        flt.limit = 100;
    assert_int_equal(store_audit_list(f->s, &flt, &p), 0);
    size_t n = p.n;
    if (first_seq)
        *first_seq = n ? p.items[0].seq : 0;
    audit_page_release(&p);
    return n;
}

static void test_list_filters(void **state)
{
    afx *f = *state;
    fill(f);
    int64_t first;
    assert_int_equal(count(f, (audit_filter){0}, &first), 6);
    assert_int_equal(first, 6); /* newest first */
    assert_int_equal(count(f, (audit_filter){.actor = 2}, &first), 3);
    assert_int_equal(first, 4);
    assert_int_equal(count(f, (audit_filter){.customer = "c0ffee"}, NULL), 2);
    assert_int_equal(count(f, (audit_filter){.action = "login"}, NULL), 2);
    assert_int_equal(count(f, (audit_filter){.subject = "complaint:5"}, NULL), 2);
    assert_int_equal(count(f, (audit_filter){.from = T0 + 10, .to = T0 + 30}, &first), 2);
    assert_int_equal(first, 3);
    assert_int_equal(count(f, (audit_filter){.actor = 2, .action = "login"}, &first), 1);
    assert_int_equal(first, 3);
    assert_int_equal(count(f, (audit_filter){.action = "rekey"}, NULL), 0);
}

static void test_list_pages(void **state)
{
    afx *f = *state;
    fill(f);
    int64_t seen[6], cursor = 0;
    size_t n = 0;
    for (int page = 0; page < 10; page++) {
        audit_page p;
        assert_int_equal(store_audit_list(f->s, &(audit_filter){.cursor = cursor, .limit = 4}, &p), 0);
        for (size_t i = 0; i < p.n; i++)
            seen[n++] = p.items[i].seq;
        bool more = p.more;
        cursor = p.n ? p.items[p.n - 1].seq : 0;
        audit_page_release(&p);
        if (!more)
            break;
    }
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(seen[i], 6 - (int64_t)i);
    assert_int_equal(count(f, (audit_filter){.cursor = 2, .ascending = true}, &cursor), 4);
    assert_int_equal(cursor, 3);
}

static void raw(afx *f, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db.path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
    sqlite3_close(db);
}

static void expect_broken(afx *f, const char *fragment)
{
    long n = 0;
    char msg[256] = "";
    assert_int_equal(audit_verify(f->s, NULL, 1, NULL, 0, &n, msg, sizeof msg), 1);
    if (!strstr(msg, fragment))
        fail_msg("expected \"%s\" in: %s", fragment, msg);
}

static void test_verify_names_the_broken_entry(void **state)
{
    afx *f = *state;
    fill(f);
    raw(f, "UPDATE audit SET actor = 9 WHERE seq = 3");
    expect_broken(f, "audit entry 3 (login at");
    raw(f, "UPDATE audit SET actor = 2 WHERE seq = 3");
    long n;
    char msg[256];
    assert_int_equal(audit_verify(f->s, NULL, 1, NULL, 0, &n, msg, sizeof msg), 0);
    /* Removed from the middle: the next one no longer follows. */
    raw(f, "DELETE FROM audit WHERE seq = 4");
    expect_broken(f, "audit entry 5 ");
    expect_broken(f, "missing");
}

static void test_verify_notices_a_removed_tail_and_a_relinked_entry(void **state)
{
    afx *f = *state;
    fill(f);
    raw(f, "DELETE FROM audit WHERE seq = 6");
    expect_broken(f, "head records entry 6");
    /* An entry rewritten with a fresh, self-consistent hash still breaks
     * the link to the next one. */
    audit_page p;
    assert_int_equal(store_audit_list(f->s, &(audit_filter){.ascending = true, .limit = 10}, &p), 0);
    audit_row r = p.items[1];
    r.actor = 42;
    auditlog_seal(&r);
    char sql[256], hex[65];
    sodium_bin2hex(hex, sizeof hex, r.hash, 32);
    snprintf(sql, sizeof sql, "UPDATE audit SET actor = 42, hash = x'%s' WHERE seq = 2; UPDATE audit_head SET seq = 5", hex);
    audit_page_release(&p);
    raw(f, sql);
    expect_broken(f, "audit entry 3 ");
    expect_broken(f, "previous entry's hash");
}

/*
 * Keyed entries after older, unkeyed ones (an upgraded log): the older
 * ones pass before the epoch only; an entry re-hashed without the key, or
 * a log rewritten behind a checkpoint, is reported.
 */
static void test_verify_keyed_entries_and_checkpoints(void **state)
{
    afx *f = *state;
    uint8_t key[32];
    memset(key, 0x5a, sizeof key);
    append(f, T0, 1, "login", "user:1", NULL); /* seq 1, 2: unkeyed, from before the epoch */
    append(f, T0 + 10, 2, "login", "user:2", NULL);
    for (int i = 0; i < 2; i++) { /* seq 3, 4: keyed */
        audit_entry e = {.at = T0 + 20 + i, .actor = 1, .action = "logout", .subject = "user:1", .key = key};
        assert_int_equal(audit_record(f->s, &e), 0);
    }
    long n = 0;
    char msg[256] = "";
    assert_int_equal(audit_verify(f->s, key, 3, NULL, 0, &n, msg, sizeof msg), 0);
    assert_int_equal(n, 4);
    /* Without the key, or with the epoch at 1, the keyed or the older entries fail. */
    assert_int_equal(audit_verify(f->s, NULL, 1, NULL, 0, &n, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "audit entry 3 "));
    assert_int_equal(audit_verify(f->s, key, 1, NULL, 0, &n, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "audit entry 1 "));

    /* A checkpoint that recorded entry 2: the log rewritten from there on is caught there. */
    audit_page p;
    assert_int_equal(store_audit_list(f->s, &(audit_filter){.ascending = true, .limit = 10}, &p), 0);
    checkpoint cp = {.id = 1, .audit_seq = 2};
    memcpy(cp.audit_hash, p.items[1].hash, 32);
    audit_page_release(&p);
    assert_int_equal(audit_verify(f->s, key, 3, &cp, 1, &n, msg, sizeof msg), 0);
    cp.audit_hash[0] ^= 1;
    assert_int_equal(audit_verify(f->s, key, 3, &cp, 1, &n, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "audit entry 2 "));
    assert_non_null(strstr(msg, "checkpoint"));
    cp.audit_hash[0] ^= 1;
    /* The tail cut off behind a checkpoint (head moved back with it). */
    cp.audit_seq = 4;
    raw(f, "DELETE FROM audit WHERE seq = 4; UPDATE audit_head SET seq = 3");
    assert_int_equal(audit_verify(f->s, key, 3, &cp, 1, &n, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "checkpoint 1 recorded entry 4"));
}

/* The units an entry concerns, derived from its subject when not given; scoped listing reads them. */
static void test_record_derives_units(void **state)
{
    afx *f = *state;
    int64_t unit_id[3];
    const char *codes[] = {"U1", "U2", "U3"};
    for (int i = 0; i < 3; i++) {
        unit un = {0, (char *)codes[i], (char *)codes[i], NULL, "site", 0};
        assert_int_equal(store_unit_add(f->s, &un), 0);
        unit_id[i] = un.id;
    }
    user u = {.username = "scoped", .name = "scoped", .roles = 1, .unit = unit_id[0], .active = true};
    assert_int_equal(store_user_add(f->s, &u, "x"), 0);
    user w = {.username = "other", .name = "other", .roles = 1, .unit = unit_id[2], .active = true};
    assert_int_equal(store_user_add(f->s, &w, "x"), 0);
    char subject[32], unit_subject[32];
    snprintf(subject, sizeof subject, "user:%lld", (long long)u.id);
    snprintf(unit_subject, sizeof unit_subject, "unit:%lld", (long long)unit_id[1]);
    append(f, T0, u.id, "login", subject, NULL);                      /* the user's unit: U1 */
    append(f, T0 + 1, w.id, "denied", "endpoint:GET /x", NULL);       /* the actor's unit: U3 */
    append(f, T0 + 2, w.id, "config_change", unit_subject, NULL);     /* the unit: U2 */
    append(f, T0 + 3, w.id, "config_change", "config:pack", NULL);    /* none */
    append(f, T0 + 4, 0, "login_failed", NULL, NULL);                 /* none */
    audit_entry e = {.at = T0 + 5, .actor = w.id, .action = "pii_export", .subject = "customer", .units = unit_id,
                     .n_units = 2};
    assert_int_equal(audit_record(f->s, &e), 0); /* as given: U1, U2 */
    int64_t first;
    assert_int_equal(count(f, (audit_filter){.scoped = true, .units = &unit_id[0], .n_units = 1}, &first), 2);
    assert_int_equal(first, 6);
    assert_int_equal(count(f, (audit_filter){.scoped = true, .units = &unit_id[1], .n_units = 1}, NULL), 2);
    assert_int_equal(count(f, (audit_filter){.scoped = true, .units = &unit_id[2], .n_units = 1}, &first), 1);
    assert_int_equal(first, 2);
    assert_int_equal(count(f, (audit_filter){.scoped = true, .units = unit_id, .n_units = 2}, NULL), 3);
    assert_int_equal(count(f, (audit_filter){0}, NULL), 6);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical_text),
        cmocka_unit_test(test_seal_covers_every_column),
        T(test_append_builds_one_chain),
        T(test_list_filters),
        T(test_list_pages),
        T(test_record_derives_units),
        T(test_verify_names_the_broken_entry),
        T(test_verify_notices_a_removed_tail_and_a_relinked_entry),
        T(test_verify_keyed_entries_and_checkpoints),
    };
#undef T
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
