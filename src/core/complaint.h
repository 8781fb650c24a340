/*
 * complaint: the work order's current state — the projection of its events.
 * Columns the store indexes (status, owner, deadlines, …) are typed fields;
 * everything else of the record form and of later steps (customer, what
 * happened, the resolution, the reply, the revisit, the closing) lives in
 * `data`, a JSON object. The projection is only ever changed by applying an
 * event (workflow_apply), so replaying a complaint's events rebuilds it.
 */
#ifndef REDRESS_COMPLAINT_H
#define REDRESS_COMPLAINT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Statuses in workflow order. */
enum status {
    ST_NONE = 0,
    ST_REGISTERED,
    ST_DISPATCHED,
    ST_PROCESSING,
    ST_RESOLVED,
    ST_REPLIED,
    ST_REVISITED,
    ST_CLOSED,
    ST_ARCHIVED,
    ST__COUNT
};

/* The stage whose clock runs in a status. */
enum stage { SG_NONE = 0, SG_DISPATCH, SG_HANDLE, SG_REPLY, SG_REVISIT, SG_CLOSE, SG_ARCHIVE, SG_DONE, SG__COUNT };

typedef struct complaint {
    int64_t id;
    char number[32];
    int status; /* enum status */
    int level;
    char nature[16];   /* valid, invalid, suggestion; "" until decided */
    char channel[32];
    char category[64];
    char phone[40];    /* the lookup key: the blind index of the customer's phone (sec/pii.h), "" once anonymised */
    int64_t subject_unit;
    int64_t owner_unit;
    int64_t handler_unit; /* the last unit that handled it (reopen goes back there) */
    int64_t received_at, created_at, updated_at, closed_at;
    int64_t stage_due, overall_due; /* 0 = no deadline */
    /* From data.clocks (core/sla.h), 0 = none: the earliest warning point of
     * a running clock, and when the deadline sweeper next has work here. */
    int64_t warn_at, next_check_at;
    bool first_contact;
    int64_t created_by;
    int64_t version;   /* = the seq of the last event */
    uint8_t head[32];  /* hash of the last event */
    json_t *data;      /* owned; never NULL after complaint_init */
} complaint;

void complaint_init(complaint *c);
void complaint_release(complaint *c);
/* Deep copy of src into dst (dst must be released or uninitialised). */
void complaint_copy(complaint *dst, const complaint *src);

const char *status_name(int st);
int status_parse(const char *s); /* ST_NONE if unknown */
const char *status_label(int st, bool en);
int stage_of(int st);
const char *stage_name(int sg);
int stage_parse(const char *s);
static inline bool status_open(int st) { return st >= ST_REGISTERED && st < ST_CLOSED; }

/*
 * Compares two projections field by field; returns NULL when equal or a
 * static string naming the first field that differs.
 */
const char *complaint_diff(const complaint *a, const complaint *b);

#endif
