/*
 * records: what a complaint's step writes besides its event and its
 * projection, as plain data — the notifications it queues (the outbox), the
 * supervision orders (督办) of a missed time limit, the penalty ledger's
 * entries (考核, core/cases.h) and the compensations (授权补偿) it grants or
 * asks for. The workflow and the application make them; the store writes
 * them in the event's transaction (store.h) and reads them back in lists,
 * which the *_release functions free.
 */
#ifndef REDRESS_CORE_RECORDS_H
#define REDRESS_CORE_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"

/*
 * A notification waiting in the outbox (delivery is a later job). Written
 * in the same transaction as the event that caused it; key is unique, so
 * the same message is never queued twice.
 */
typedef struct outbox_msg {
    int64_t id;             /* OUT of the store */
    int64_t created_at;
    int64_t complaint_id;
    char channel[16];       /* "internal" (the unit's work list), "sms", "email", … */
    int64_t recipient_user; /* 0 = none */
    int64_t recipient_unit; /* 0 = none */
    char template_name[32]; /* "sla_warning", "supervision", … */
    char *payload;          /* JSON text; owned by a list, borrowed when writing */
    char key[96];           /* idempotency key: "c<complaint id>/…", unique (see outbox_list) */
    char target[64];        /* channel "webhook": the webhook's name; else "" */
    char status[12];        /* pending, sent, failed, dead, cancelled (core/notify.h) */
    int attempts;           /* every attempt made */
    /* Delivery (jobs/deliver.c), OUT of the store: */
    int64_t next_at;        /* when it is due (again) */
    int64_t sent_at;        /* 0 = not sent */
    int64_t claim;          /* the claim its sender holds (store_outbox_claim) */
    int retry_base;         /* attempts at the last retry: the allowance counts from there */
    char *last_error;       /* owned by a list; NULL = none */
} outbox_msg;

typedef struct outbox_list {
    outbox_msg *items;
    size_t n;
} outbox_list;
void outbox_list_release(outbox_list *l);

/* One attempt to deliver an outbox row (outbox_attempts). */
typedef struct outbox_attempt {
    int64_t outbox_id;
    int no;             /* 1, 2, … of the row; OUT of the store */
    int64_t at;
    char result[8];     /* sent, failed */
    int code;           /* the server's reply code (SMTP, HTTP); 0 = none */
    int latency_ms;
    char *error;        /* owned by a list, borrowed when writing; NULL = none */
} outbox_attempt;

typedef struct outbox_attempt_list {
    outbox_attempt *items;
    size_t n;
} outbox_attempt_list;
void outbox_attempt_list_release(outbox_attempt_list *l);

/*
 * A supervision order (督办) for a clock that ran over its limit: written
 * with the breach or supervise event that ordered it. A write with status
 * "closed" and an id closes that open order (closed_*, note) instead of
 * inserting one; it goes with the complaint's supervision_close event
 * (supervision_close_event), so that closing an order is in the history
 * and an edited status is caught by verify.
 */
typedef struct supervision {
    int64_t id;              /* OUT of the store */
    int64_t complaint_id;
    int64_t event_seq;       /* the breach/supervise event that ordered it */
    char clock[16];
    int level;               /* 1 = the breach (owner unit), 2… = further up */
    int64_t unit;            /* the unit whose supervisor is to act */
    int64_t supervisor_user; /* 0 = none found */
    int64_t deadline;        /* the clock's deadline that was missed */
    int64_t created_at;
    char status[8];          /* open, closed */
    int64_t closed_at, closed_by;
    char *note;              /* owned by a list */
} supervision;

typedef struct supervision_list {
    supervision *items;
    size_t n;
} supervision_list;
void supervision_list_release(supervision_list *l);

/*
 * The supervision_close event of c closing order o (open, of c) by actor at
 * now: its payload names the order and what ordered it ({"order",
 * "order_seq", "clock", "level"}); the note stays with the order.
 */
void supervision_close_event(const complaint *c, int64_t actor, int64_t now, const supervision *o, event *ev);

/*
 * A penalty ledger entry (考核, core/cases.h): written with the close event
 * that decided it, one per (complaint, no). A write with status "waived"
 * updates the entry (waived_*) instead of inserting it.
 */
typedef struct penalty {
    int64_t id;            /* OUT of the store */
    int64_t complaint_id;
    int no;                /* 1, 2, … within the complaint */
    int64_t event_seq;     /* the close event */
    int64_t created_at;
    char month[8];         /* YYYY-MM, local: the ledger's month */
    char rule[32];
    char role[24];         /* staff, station_manager, … (the pack's) */
    char *role_name;       /* owned by a list, borrowed when writing */
    char *person;          /* the staff member; NULL for a unit's entry */
    int64_t unit;
    int64_t amount_fen;
    int points;
    bool award_loss;       /* the unit loses the year's award eligibility */
    bool performance_pay;  /* the month's performance pay is lost */
    char status[8];        /* active, waived */
    int64_t waived_at, waived_by;
    char *waive_reason;    /* owned by a list, borrowed when writing */
    char number[32];       /* OUT of lists: the complaint's number */
    char category[64];     /* OUT of lists: the complaint's category */
} penalty;

typedef struct penalty_list {
    penalty *items;
    size_t n;
} penalty_list;
void penalty_list_release(penalty_list *l);

/*
 * A compensation (授权补偿): granted within the actor's limit, or pending a
 * manager's approval. A write with status "approved" or "refused" updates
 * the row (decided_*) instead of inserting it.
 */
typedef struct compensation {
    int64_t id;            /* OUT of the store */
    int64_t complaint_id;
    int no;                /* 1, 2, … within the complaint */
    char kind[32];         /* refund, voucher, … (the pack's) */
    int64_t amount_fen;
    char *reason;          /* owned by a list, borrowed when writing */
    char status[12];       /* granted, pending, approved, refused */
    bool senior;           /* the request goes to senior management */
    int64_t approver_unit; /* 0 when granted directly */
    int64_t requested_by, requested_at;
    int64_t decided_by, decided_at;
    char *decision;        /* owned by a list, borrowed when writing */
    char number[32];       /* OUT of lists: the complaint's number */
} compensation;

typedef struct compensation_list {
    compensation *items;
    size_t n;
} compensation_list;
void compensation_list_release(compensation_list *l);

/*
 * Authority used by one person in a period (授权使用, seed 001 2.5: 对各级别
 * 授权的使用进行控制和考核): how many compensations, and how much, they
 * granted within their own limit (AU_GRANTED), asked for above it
 * (AU_REFERRED: pending, approved or refused since), and approved for
 * others (AU_APPROVED). A row of the store's totals carries one of the three.
 */
enum { AU_GRANTED, AU_REFERRED, AU_APPROVED, AU__COUNT };
typedef struct authority_use {
    int64_t user;
    int what; /* AU_* */
    int64_t count, amount_fen;
} authority_use;

typedef struct authority_use_list {
    authority_use *items;
    size_t n;
} authority_use_list;
void authority_use_list_release(authority_use_list *l);

#endif
