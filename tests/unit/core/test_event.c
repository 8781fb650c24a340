/*
 * Unit tests for core/event: sealing (canonical body + chained BLAKE2b
 * hash), parsing a stored body back (event_from_body), hash verification
 * and the hex form of hashes. These are the properties `redress verify`
 * relies on: the same event always seals to the same bytes, the hash
 * covers the previous event's hash, and any edit of the body shows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/complaint.h"
#include "core/event.h"

static int group_setup(void **state)
{
    (void)state;
    return sodium_init() < 0 ? -1 : 0;
}

/* A dispatch event of complaint 42 with a small nested payload. */
static void sample(event *e, json_t *payload)
{
    event_init(e);
    e->complaint_id = 42;
    e->seq = 2;
    strcpy(e->action, "dispatch");
    e->at = 1772330400; /* 2026-03-01T10:00:00+08:00 */
    e->actor = 11;
    e->from_status = ST_REGISTERED;
    e->to_status = ST_DISPATCHED;
    e->payload = payload;
    for (int i = 0; i < 32; i++)
        e->prev[i] = (uint8_t)(0xa0 + i);
}

static json_t *payload_one_order(void)
{
    return json_pack("{s:i,s:s,s:{s:s,s:i},s:[i,i],s:n}", "unit", 4, "note", "请尽快处理（含“引号”）", "extra", "a",
                     "x", "b", 2, "list", 1, 2, "stage_due");
}

/* The same payload with every object's keys inserted in the opposite order. */
static json_t *payload_other_order(void)
{
    json_t *p = json_object();
    json_object_set_new(p, "stage_due", json_null());
    json_object_set_new(p, "list", json_pack("[i,i]", 1, 2));
    json_t *extra = json_object();
    json_object_set_new(extra, "b", json_integer(2));
    json_object_set_new(extra, "a", json_string("x"));
    json_object_set_new(p, "extra", extra);
    json_object_set_new(p, "note", json_string("请尽快处理（含“引号”）"));
    json_object_set_new(p, "unit", json_integer(4));
    return p;
}

static void test_seal_and_parse_round_trip(void **state)
{
    (void)state;
    event a, b;
    sample(&a, payload_one_order());
    event_seal(&a);
    assert_non_null(a.body);
    assert_true(event_hash_ok(&a, NULL));

    /* the stored form: body, prev and hash */
    event_init(&b);
    char *body = strdup(a.body);
    assert_int_equal(event_from_body(&b, body), 0);
    memcpy(b.prev, a.prev, 32);
    memcpy(b.hash, a.hash, 32);
    assert_int_equal(b.complaint_id, 42);
    assert_int_equal(b.seq, 2);
    assert_string_equal(b.action, "dispatch");
    assert_int_equal(b.at, 1772330400);
    assert_int_equal(b.actor, 11);
    assert_int_equal(b.from_status, ST_REGISTERED);
    assert_int_equal(b.to_status, ST_DISPATCHED);
    assert_true(json_equal(a.payload, b.payload));
    assert_true(event_hash_ok(&b, NULL));

    /* sealing the parsed event again gives the same bytes and hash */
    event_seal(&b);
    assert_string_equal(a.body, b.body);
    assert_memory_equal(a.hash, b.hash, 32);

    /* the body is compact JSON with sorted keys */
    assert_null(strchr(a.body, '\n'));
    assert_null(strstr(a.body, ", "));
    const char *k1 = strstr(a.body, "\"action\""), *k2 = strstr(a.body, "\"actor\""), *k3 = strstr(a.body, "\"at\""),
               *k4 = strstr(a.body, "\"complaint\"");
    assert_true(k1 && k2 && k3 && k4 && k1 < k2 && k2 < k3 && k3 < k4);
    assert_non_null(strstr(a.body, "\"from\":\"registered\""));
    assert_non_null(strstr(a.body, "\"to\":\"dispatched\""));
    event_release(&a);
    event_release(&b);

    /* an intake event has no "from" status */
    sample(&a, json_object());
    a.from_status = ST_NONE;
    a.to_status = ST_REGISTERED;
    event_seal(&a);
    event_init(&b);
    assert_int_equal(event_from_body(&b, strdup(a.body)), 0);
    assert_int_equal(b.from_status, ST_NONE);
    assert_int_equal(b.to_status, ST_REGISTERED);
    event_release(&a);
    event_release(&b);
}

static void test_hash_chains_on_prev(void **state)
{
    (void)state;
    event a, b;
    sample(&a, payload_one_order());
    sample(&b, payload_one_order());
    b.prev[31] ^= 1;
    event_seal(&a);
    event_seal(&b);
    assert_string_equal(a.body, b.body);         /* the body does not hold prev … */
    assert_memory_not_equal(a.hash, b.hash, 32); /* … the hash covers it */

    /* the hash is BLAKE2b-256(prev || body) */
    uint8_t want[32];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, a.prev, 32);
    crypto_generichash_update(&st, (const unsigned char *)a.body, strlen(a.body));
    crypto_generichash_final(&st, want, 32);
    assert_memory_equal(a.hash, want, 32);

    /* a changed prev, hash or body each break verification */
    a.prev[0] ^= 0x80;
    assert_false(event_hash_ok(&a, NULL));
    a.prev[0] ^= 0x80;
    assert_true(event_hash_ok(&a, NULL));
    a.hash[17] ^= 1;
    assert_false(event_hash_ok(&a, NULL));
    a.hash[17] ^= 1;
    char *p = strstr(a.body, "\"seq\":2");
    assert_non_null(p);
    p[6] = '3';
    assert_false(event_hash_ok(&a, NULL));

    /* every field of the event is covered */
    event c;
    sample(&c, payload_one_order());
    event_seal(&c);
    uint8_t h0[32];
    memcpy(h0, c.hash, 32);
    c.actor = 12;
    event_seal(&c);
    assert_memory_not_equal(c.hash, h0, 32);
    c.actor = 11;
    c.to_status = ST_PROCESSING;
    event_seal(&c);
    assert_memory_not_equal(c.hash, h0, 32);
    c.to_status = ST_DISPATCHED;
    event_seal(&c);
    assert_memory_equal(c.hash, h0, 32);

    event unsealed;
    event_init(&unsealed);
    assert_false(event_hash_ok(&unsealed, NULL));
    event_release(&a);
    event_release(&b);
    event_release(&c);
}

static void test_body_is_canonical(void **state)
{
    (void)state;
    event a, b;
    sample(&a, payload_one_order());
    sample(&b, payload_other_order());
    event_seal(&a);
    event_seal(&b);
    assert_string_equal(a.body, b.body);
    assert_memory_equal(a.hash, b.hash, 32);
    /* nested keys are sorted too */
    assert_non_null(strstr(a.body, "\"extra\":{\"a\":\"x\",\"b\":2}"));
    /* text is kept as UTF-8, not re-escaped */
    assert_non_null(strstr(a.body, "请尽快处理"));

    /* a different value is a different body */
    json_object_set_new(b.payload, "unit", json_integer(5));
    event_seal(&b);
    assert_string_not_equal(a.body, b.body);
    assert_memory_not_equal(a.hash, b.hash, 32);
    event_release(&a);
    event_release(&b);
}

/* The body written key by key is what jansson writes for the envelope with
 * sorted keys — the text every stored event was hashed over. */
static void test_body_is_the_sorted_envelope(void **state)
{
    (void)state;
    const char *actions[] = {"intake", "reply", "a\"quote"};
    for (size_t i = 0; i < 3; i++) {
        event e;
        sample(&e, i == 1 ? json_null() : payload_one_order());
        snprintf(e.action, sizeof e.action, "%s", actions[i]);
        e.complaint_id = 1234567890123 * (int64_t)i;
        e.seq = 42;
        e.actor = i == 2 ? 0 : -7;
        event_seal(&e);
        json_t *env = json_pack("{s:I,s:I,s:s,s:I,s:I,s:s,s:s,s:O}", "complaint", (json_int_t)e.complaint_id, "seq",
                                (json_int_t)e.seq, "action", e.action, "at", (json_int_t)e.at, "actor",
                                (json_int_t)e.actor, "from", status_name(e.from_status), "to",
                                status_name(e.to_status), "payload", e.payload);
        char *expected = json_dumps(env, JSON_COMPACT | JSON_SORT_KEYS);
        assert_string_equal(e.body, expected);
        free(expected);
        json_decref(env);
        event_release(&e);
    }
}

static void test_from_body_rejects_malformed(void **state)
{
    (void)state;
    static const char *bad[] = {
        "",
        "not json",
        "[]",
        "{\"complaint\":1,\"seq\":1,\"action\":\"intake\",\"at\":1,\"actor\":0,\"from\":\"\",\"to\":\"registered\"}",
        "{\"complaint\":\"1\",\"seq\":1,\"action\":\"intake\",\"at\":1,\"actor\":0,\"from\":\"\",\"to\":\"registered\","
        "\"payload\":{}}",
        "{\"complaint\":1,\"seq\":1,\"action\":\"an_action_name_that_is_far_too_long\",\"at\":1,\"actor\":0,"
        "\"from\":\"\",\"to\":\"registered\",\"payload\":{}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        event e;
        event_init(&e);
        if (event_from_body(&e, strdup(bad[i])) != -1)
            fail_msg("event_from_body accepted %s", bad[i]);
        assert_null(e.body);
        event_release(&e);
    }
    event e;
    event_init(&e);
    assert_int_equal(event_from_body(&e, strdup("{\"complaint\":1,\"seq\":1,\"action\":\"intake\",\"at\":1,"
                                                "\"actor\":0,\"from\":\"\",\"to\":\"registered\",\"payload\":{}}")),
                     0);
    assert_string_equal(e.action, "intake");
    event_release(&e);
}

static void test_hash_hex(void **state)
{
    (void)state;
    uint8_t h[32], back[32];
    char hex[65];
    for (int i = 0; i < 32; i++)
        h[i] = (uint8_t)(i * 37 + 5);
    hash_hex(h, hex);
    assert_int_equal(strlen(hex), 64);
    for (int i = 0; i < 64; i++)
        assert_true((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f'));
    assert_int_equal(hash_unhex(hex, back), 0);
    assert_memory_equal(h, back, 32);

    uint8_t zero[32] = {0};
    hash_hex(zero, hex);
    assert_string_equal(hex, "0000000000000000000000000000000000000000000000000000000000000000");

    char bad[80];
    assert_int_equal(hash_unhex(NULL, back), -1);
    assert_int_equal(hash_unhex("", back), -1);
    hash_hex(h, hex);
    memcpy(bad, hex, 63);
    bad[63] = '\0'; /* 63 digits */
    assert_int_equal(hash_unhex(bad, back), -1);
    snprintf(bad, sizeof bad, "%s0", hex); /* 65 digits */
    assert_int_equal(hash_unhex(bad, back), -1);
    snprintf(bad, sizeof bad, "%s", hex);
    bad[10] = 'g';
    assert_int_equal(hash_unhex(bad, back), -1);
    bad[10] = ' ';
    assert_int_equal(hash_unhex(bad, back), -1);
    snprintf(bad, sizeof bad, "%s", hex);
    bad[63] = ':';
    assert_int_equal(hash_unhex(bad, back), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seal_and_parse_round_trip),
        cmocka_unit_test(test_hash_chains_on_prev),
        cmocka_unit_test(test_body_is_canonical),
        cmocka_unit_test(test_body_is_the_sorted_envelope),
        cmocka_unit_test(test_from_body_rejects_malformed),
        cmocka_unit_test(test_hash_hex),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
