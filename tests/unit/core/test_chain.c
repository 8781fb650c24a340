/*
 * Unit tests for core/chain: the keyed event and audit hashes (someone
 * without the chain key cannot produce a hash verification accepts, and the
 * unkeyed hash of old is still recognised for rows before the epoch), the
 * log digest (independent of reading order; any event removed, added or
 * re-hashed changes it) and checkpoints (MAC over every field, JSON round
 * trip).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/auditlog.h"
#include "core/chain.h"
#include "core/complaint.h"
#include "core/event.h"

static chain_keys keys;

static int group_setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    uint8_t k[CHAIN_KEY_BYTES];
    for (int i = 0; i < CHAIN_KEY_BYTES; i++)
        k[i] = (uint8_t)i;
    chain_keys_derive(k, &keys);
    keys.events_from = keys.audit_from = 1;
    return 0;
}

static void sample(event *e)
{
    event_init(e);
    e->complaint_id = 7;
    e->seq = 1;
    strcpy(e->action, "intake");
    e->at = 1772330400;
    e->from_status = ST_NONE;
    e->to_status = ST_REGISTERED;
    e->payload = json_pack("{s:s}", "note", "x");
}

static void test_subkeys_differ_and_are_deterministic(void **state)
{
    (void)state;
    chain_keys again;
    uint8_t k[CHAIN_KEY_BYTES];
    for (int i = 0; i < CHAIN_KEY_BYTES; i++)
        k[i] = (uint8_t)i;
    chain_keys_derive(k, &again);
    assert_memory_equal(again.events, keys.events, 32);
    assert_memory_not_equal(keys.events, keys.audit, 32);
    assert_memory_not_equal(keys.events, keys.log, 32);
    assert_memory_not_equal(keys.log, keys.checkpoint, 32);
    k[0] ^= 1;
    chain_keys_derive(k, &again);
    assert_memory_not_equal(again.events, keys.events, 32);
}

/* What someone with the database alone computes is not what verification accepts. */
static void test_event_hash_is_keyed(void **state)
{
    (void)state;
    event e;
    sample(&e);
    event_seal(&e);
    uint8_t unkeyed[32];
    memcpy(unkeyed, e.hash, 32);
    assert_true(event_hash_ok(&e, NULL));
    assert_false(event_hash_ok(&e, keys.events));

    e.key = keys.events;
    event_seal(&e);
    assert_memory_not_equal(e.hash, unkeyed, 32);
    assert_true(event_hash_ok(&e, keys.events));
    assert_false(event_hash_ok(&e, NULL));
    assert_false(event_hash_ok(&e, keys.audit)); /* each chain its own subkey */
    /* The unkeyed recomputation an attacker can do fails the keyed check. */
    memcpy(e.hash, unkeyed, 32);
    assert_false(event_hash_ok(&e, keys.events));
    /* Another key gives another hash. */
    uint8_t other[32];
    memcpy(other, keys.events, 32);
    other[0] ^= 1;
    e.key = other;
    event_seal(&e);
    assert_false(event_hash_ok(&e, keys.events));
    assert_true(event_hash_ok(&e, other));
    event_release(&e);
}

static void test_audit_hash_is_keyed(void **state)
{
    (void)state;
    audit_row r = {.seq = 1, .at = 1772330400, .actor = 3, .action = "login"};
    auditlog_seal(&r);
    assert_true(auditlog_hash_ok(&r, NULL));
    assert_false(auditlog_hash_ok(&r, keys.audit));
    r.key = keys.audit;
    auditlog_seal(&r);
    assert_true(auditlog_hash_ok(&r, keys.audit));
    assert_false(auditlog_hash_ok(&r, NULL));
    r.detail = "{\"x\":1}"; /* edited */
    assert_false(auditlog_hash_ok(&r, keys.audit));
}

static void digest_of(const int64_t *ids, size_t n, uint8_t out[32])
{
    memset(out, 0, 32);
    for (size_t i = 0; i < n; i++) {
        uint8_t h[32];
        memset(h, (int)ids[i], 32);
        chain_digest_add(&keys, out, ids[i], h);
    }
}

static void test_digest_is_a_set_mac(void **state)
{
    (void)state;
    const int64_t in_order[] = {1, 2, 3, 4, 5}, shuffled[] = {4, 1, 5, 3, 2}, one_gone[] = {1, 2, 4, 5},
                  one_more[] = {1, 2, 3, 4, 5, 6};
    uint8_t a[32], b[32], c[32], d[32], zero[32] = {0};
    digest_of(in_order, 5, a);
    digest_of(shuffled, 5, b);
    assert_memory_equal(a, b, 32); /* read per complaint or by id: the same */
    assert_memory_not_equal(a, zero, 32);
    digest_of(one_gone, 4, c);
    assert_memory_not_equal(a, c, 32);
    digest_of(one_more, 6, d);
    assert_memory_not_equal(a, d, 32);
    /* The same event with another hash. */
    uint8_t e[32] = {0}, h[32];
    for (int64_t id = 1; id <= 5; id++) {
        memset(h, (int)id, 32);
        h[0] ^= id == 3;
        chain_digest_add(&keys, e, id, h);
    }
    assert_memory_not_equal(a, e, 32);
    /* A digest under another key says nothing of this one. */
    chain_keys other = keys;
    other.log[5] ^= 0x10;
    uint8_t f[32] = {0};
    for (int64_t id = 1; id <= 5; id++) {
        memset(h, (int)id, 32);
        chain_digest_add(&other, f, id, h);
    }
    assert_memory_not_equal(a, f, 32);
}

static void test_checkpoint_mac_covers_every_field(void **state)
{
    (void)state;
    checkpoint c = {.id = 3, .at = 1772330400, .last_event = 99, .complaints = 10, .events = 99, .audit_seq = 40};
    memset(c.digest, 0x11, 32);
    memset(c.audit_hash, 0x22, 32);
    checkpoint_seal(&keys, &c);
    assert_true(checkpoint_mac_ok(&keys, &c));
    int64_t *fields[] = {&c.id, &c.at, &c.last_event, &c.complaints, &c.events, &c.audit_seq};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        (*fields[i])++;
        assert_false(checkpoint_mac_ok(&keys, &c));
        (*fields[i])--;
    }
    c.digest[31] ^= 1;
    assert_false(checkpoint_mac_ok(&keys, &c));
    c.digest[31] ^= 1;
    c.audit_hash[0] ^= 1;
    assert_false(checkpoint_mac_ok(&keys, &c));
    c.audit_hash[0] ^= 1;
    chain_keys other = keys;
    other.checkpoint[0] ^= 1;
    assert_false(checkpoint_mac_ok(&other, &c));
    assert_true(checkpoint_mac_ok(&keys, &c));
}

static void test_checkpoint_json_round_trip(void **state)
{
    (void)state;
    checkpoint c = {.id = 1, .at = 5, .last_event = 1234567890123, .complaints = 2, .events = 3, .audit_seq = 4};
    memset(c.digest, 0xab, 32);
    memset(c.audit_hash, 0xcd, 32);
    checkpoint_seal(&keys, &c);
    char *text = checkpoint_json(&c);
    checkpoint back;
    assert_int_equal(checkpoint_parse(text, &back), 0);
    assert_memory_equal(&back, &c, sizeof c);
    free(text);
    assert_int_equal(checkpoint_parse("{}", &back), -1);
    assert_int_equal(checkpoint_parse("not json", &back), -1);
    assert_int_equal(checkpoint_parse("{\"id\":1,\"at\":1,\"last_event\":1,\"complaints\":1,\"events\":1,"
                                      "\"digest\":\"00\",\"audit_seq\":1,\"audit_hash\":\"00\",\"mac\":\"00\"}",
                                      &back),
                     -1);
}

static void test_epoch_mac(void **state)
{
    (void)state;
    chain_keys k = keys;
    uint8_t a[32], b[32];
    k.events_from = 100;
    k.audit_from = 7;
    chain_epoch_mac(&k, a);
    k.events_from = 101; /* moved forward: older rows would pass unkeyed */
    chain_epoch_mac(&k, b);
    assert_memory_not_equal(a, b, 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subkeys_differ_and_are_deterministic),
        cmocka_unit_test(test_event_hash_is_keyed),
        cmocka_unit_test(test_audit_hash_is_keyed),
        cmocka_unit_test(test_digest_is_a_set_mac),
        cmocka_unit_test(test_checkpoint_mac_covers_every_field),
        cmocka_unit_test(test_checkpoint_json_round_trip),
        cmocka_unit_test(test_epoch_mac),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
