/*
 * test_erasure: the two customer-rights events of core/ (core/erasure.h).
 * Anonymising replaces every sealed value — wherever in the data document
 * it sits — and the phone index, keeps what the statistics count, and a
 * replay of the events rebuilds exactly the anonymised projection; a
 * correction replaces only the fields it names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/erasure.h"
#include "core/workflow.h"

static void intake(event *ev)
{
    event_init(ev);
    ev->complaint_id = 7;
    ev->seq = 1;
    strcpy(ev->action, "intake");
    ev->at = 1000;
    ev->actor = 2;
    ev->to_status = ST_REGISTERED;
    ev->payload = json_loads("{\"number\":\"TS20261124-0001\",\"channel\":\"phone\",\"category\":\"service.attitude\","
                             "\"phone_key\":\"0123456789abcdef0123456789abcdef\",\"level\":2,\"subject_unit\":4,"
                             "\"received_at\":900,\"customer\":{\"name\":\"pii1:AAAA\",\"phone\":\"pii1:BBBB\","
                             "\"class\":\"vip\"},\"description\":\"pii1:CCCC\",\"subject_staff\":\"李强\"}",
                             0, NULL);
    event_seal(ev);
}

/* A step whose effect keeps a sealed text in a nested block. */
static void comment_like(const complaint *c, event *ev)
{
    event_init(ev);
    ev->complaint_id = c->id;
    ev->seq = c->version + 1;
    strcpy(ev->action, "reply");
    ev->at = 2000;
    ev->from_status = c->status;
    ev->to_status = ST_NONE;
    memcpy(ev->prev, c->head, 32);
    ev->payload = json_loads("{\"method\":\"phone\",\"content\":\"pii1:DDDD\"}", 0, NULL);
    event_seal(ev);
}

static void test_anonymise_scrubs_every_sealed_value(void **state)
{
    (void)state;
    event evs[3];
    complaint c;
    complaint_init(&c);
    intake(&evs[0]);
    workflow_apply(&c, &evs[0]);
    /* Something nested, as later steps leave: an array of blocks. */
    json_object_set_new(c.data, "progress_replies", json_loads("[{\"content\":\"pii1:EEEE\",\"at\":5}]", 0, NULL));
    assert_string_equal(c.phone, "0123456789abcdef0123456789abcdef");
    assert_false(erasure_done(&c));

    event_init(&evs[1]);
    erasure_event(&c, 9, 3000, "request", &evs[1]);
    assert_int_equal(evs[1].seq, c.version + 1);
    assert_memory_equal(evs[1].prev, c.head, 32);
    event_seal(&evs[1]);
    workflow_apply(&c, &evs[1]);
    assert_true(erasure_done(&c));
    assert_string_equal(c.phone, "");
    const json_t *cust = json_object_get(c.data, "customer");
    assert_string_equal(json_string_value(json_object_get(cust, "name")), PII_ANONYMISED);
    assert_string_equal(json_string_value(json_object_get(cust, "phone")), PII_ANONYMISED);
    assert_string_equal(json_string_value(json_object_get(c.data, "description")), PII_ANONYMISED);
    const json_t *pr = json_array_get(json_object_get(c.data, "progress_replies"), 0);
    assert_string_equal(json_string_value(json_object_get(pr, "content")), PII_ANONYMISED);
    assert_int_equal(json_integer_value(json_object_get(pr, "at")), 5);
    /* What the statistics count stays. */
    assert_string_equal(json_string_value(json_object_get(cust, "class")), "vip");
    assert_string_equal(json_string_value(json_object_get(c.data, "subject_staff")), "李强");
    assert_int_equal(c.level, 2);
    assert_string_equal(c.category, "service.attitude");
    assert_int_equal(c.subject_unit, 4);
    assert_int_equal(c.received_at, 900);
    assert_int_equal(c.status, ST_REGISTERED);
    /* The payload says why, never what. */
    assert_null(strstr(evs[1].body, "pii1:"));
    complaint_release(&c);
    for (int i = 0; i < 2; i++)
        event_release(&evs[i]);
}

static void test_replay_rebuilds_the_anonymised_projection(void **state)
{
    (void)state;
    event evs[3];
    complaint live, replay;
    complaint_init(&live);
    complaint_init(&replay);
    intake(&evs[0]);
    workflow_apply(&live, &evs[0]);
    comment_like(&live, &evs[1]);
    workflow_apply(&live, &evs[1]);
    event_init(&evs[2]);
    erasure_event(&live, 9, 3000, "retention", &evs[2]);
    event_seal(&evs[2]);
    workflow_apply(&live, &evs[2]);
    for (int i = 0; i < 3; i++) {
        assert_true(event_hash_ok(&evs[i], NULL));
        workflow_apply(&replay, &evs[i]);
    }
    assert_null(complaint_diff(&live, &replay));
    const json_t *reply = json_object_get(live.data, "reply");
    assert_string_equal(json_string_value(json_object_get(reply, "content")), PII_ANONYMISED);
    complaint_release(&live);
    complaint_release(&replay);
    for (int i = 0; i < 3; i++)
        event_release(&evs[i]);
}

static void test_correction_replaces_only_its_fields(void **state)
{
    (void)state;
    event evs[2];
    complaint c;
    complaint_init(&c);
    intake(&evs[0]);
    workflow_apply(&c, &evs[0]);
    json_t *fields = json_loads("{\"name\":\"pii1:NEW\",\"email\":\"pii1:MAIL\"}", 0, NULL);
    event_init(&evs[1]);
    correction_event(&c, 3, 4000, fields, "ffffffffffffffffffffffffffffffff", &evs[1]);
    json_decref(fields);
    event_seal(&evs[1]);
    workflow_apply(&c, &evs[1]);
    const json_t *cust = json_object_get(c.data, "customer");
    assert_string_equal(json_string_value(json_object_get(cust, "name")), "pii1:NEW");
    assert_string_equal(json_string_value(json_object_get(cust, "email")), "pii1:MAIL");
    assert_string_equal(json_string_value(json_object_get(cust, "phone")), "pii1:BBBB");
    assert_string_equal(c.phone, "ffffffffffffffffffffffffffffffff");
    assert_int_equal(c.version, 2);
    assert_string_equal(workflow_label("correct", true), "Correct the record"); /* the action of the table (core/workflow.h) */
    assert_string_equal(workflow_label("anonymise", false), "客户信息已匿名化");
    complaint_release(&c);
    for (int i = 0; i < 2; i++)
        event_release(&evs[i]);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anonymise_scrubs_every_sealed_value),
        cmocka_unit_test(test_replay_rebuilds_the_anonymised_projection),
        cmocka_unit_test(test_correction_replaces_only_its_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
