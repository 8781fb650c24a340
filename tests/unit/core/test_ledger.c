/*
 * test_ledger: the rows a step writes beside its event (core/ledger.h),
 * derived from the sealed event alone: a close's penalty entries, a
 * waiver, a compensation that waits for approval with the request in the
 * approver unit's work list, its decision — and nothing for other steps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/ledger.h"

/* An event of action with payload (JSON text) on complaint 42, seq 7. */
static void make(event *ev, complaint *c, const char *action, const char *payload)
{
    event_init(ev);
    complaint_init(c);
    c->id = 42;
    snprintf(c->number, sizeof c->number, "TS20260301-0001");
    snprintf(ev->action, sizeof ev->action, "%s", action);
    ev->seq = 7;
    ev->at = 1772330000;
    ev->actor = 5;
    json_error_t err;
    ev->payload = json_loads(payload, 0, &err);
    assert_non_null(ev->payload);
}

static void done(event *ev, complaint *c, ledger_rows *r)
{
    ledger_rows_release(r);
    event_release(ev);
    complaint_release(c);
}

static void test_close_writes_its_penalties(void **state)
{
    (void)state;
    event ev;
    complaint c;
    ledger_rows r;
    make(&ev, &c, "close",
         "{\"penalties\":[{\"no\":1,\"month\":\"2026-03\",\"rule\":\"late\",\"role\":\"station\",\"unit\":3,"
         "\"amount_fen\":5000,\"points\":2,\"award_loss\":true},{\"no\":2,\"month\":\"2026-03\",\"rule\":\"late\","
         "\"role\":\"staff\",\"person\":\"张三\",\"unit\":3,\"amount_fen\":2000}]}");
    ledger_rows_init(&r);
    assert_int_equal(ledger_rows_of(&c, &ev, &r), 2);
    assert_int_equal(r.npens, 2);
    assert_int_equal(r.pens[0].complaint_id, 42);
    assert_int_equal(r.pens[0].event_seq, 7);
    assert_int_equal(r.pens[0].amount_fen, 5000);
    assert_true(r.pens[0].award_loss);
    assert_string_equal(r.pens[0].status, "active");
    assert_string_equal(r.pens[1].person, "张三");
    assert_false(r.pens[1].award_loss);
    done(&ev, &c, &r);
}

static void test_waiver(void **state)
{
    (void)state;
    event ev;
    complaint c;
    ledger_rows r;
    make(&ev, &c, "waive_penalty", "{\"no\":2,\"reason\":\"已申诉成功\"}");
    ledger_rows_init(&r);
    assert_int_equal(ledger_rows_of(&c, &ev, &r), 1);
    assert_string_equal(r.pens[0].status, "waived");
    assert_int_equal(r.pens[0].no, 2);
    assert_int_equal(r.pens[0].waived_by, 5);
    assert_string_equal(r.pens[0].waive_reason, "已申诉成功");
    done(&ev, &c, &r);
}

static void test_pending_compensation_asks_its_approver(void **state)
{
    (void)state;
    event ev;
    complaint c;
    ledger_rows r;
    make(&ev, &c, "compensate",
         "{\"no\":1,\"kind\":\"voucher\",\"amount_fen\":30000,\"reason\":\"加错油\",\"status\":\"pending\","
         "\"senior\":true,\"approver_unit\":2,\"approver_roles\":[\"manager\"]}");
    ledger_rows_init(&r);
    assert_int_equal(ledger_rows_of(&c, &ev, &r), 2);
    assert_int_equal(r.ncomps, 1);
    assert_string_equal(r.comps[0].status, "pending");
    assert_int_equal(r.comps[0].amount_fen, 30000);
    assert_true(r.comps[0].senior);
    assert_int_equal(r.nmsgs, 1);
    assert_int_equal(r.msgs[0].recipient_unit, 2);
    assert_string_equal(r.msgs[0].template_name, "compensation_approval");
    assert_string_equal(r.msgs[0].key, "c42/e7/compensation_approval/unit2");
    assert_non_null(strstr(r.msgs[0].payload, "\"number\":\"TS20260301-0001\""));
    done(&ev, &c, &r);

    /* Granted outright: no request to anyone. */
    make(&ev, &c, "compensate", "{\"no\":1,\"kind\":\"cash\",\"amount_fen\":1000,\"status\":\"granted\"}");
    ledger_rows_init(&r);
    assert_int_equal(ledger_rows_of(&c, &ev, &r), 1);
    assert_int_equal(r.nmsgs, 0);
    done(&ev, &c, &r);
}

static void test_decision_and_other_steps(void **state)
{
    (void)state;
    event ev;
    complaint c;
    ledger_rows r;
    make(&ev, &c, "refuse_compensation", "{\"no\":1,\"reason\":\"超出标准\"}");
    ledger_rows_init(&r);
    assert_int_equal(ledger_rows_of(&c, &ev, &r), 1);
    assert_string_equal(r.comps[0].status, "refused");
    assert_string_equal(r.comps[0].decision, "超出标准");
    done(&ev, &c, &r);

    make(&ev, &c, "dispatch", "{\"unit\":3}");
    ledger_rows_init(&r);
    assert_int_equal(ledger_rows_of(&c, &ev, &r), 0);
    done(&ev, &c, &r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_close_writes_its_penalties),
        cmocka_unit_test(test_waiver),
        cmocka_unit_test(test_pending_compensation_asks_its_approver),
        cmocka_unit_test(test_decision_and_other_steps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
