/*
 * live: the open pages of signed-in people, told of what concerns them as
 * it happens (Server-Sent Events, GET /api/v1/events/stream). A page's
 * stream is a queue of event text in memory; the hub holds every stream
 * of this process:
 *
 *   feed (jobs/live.c) ──live_notice / live_complaint / live_beat──▶ hub ──wake──▶ transport
 *        one thread, reads the store                  (one mutex)        reads the queue
 *                                                                         (live_read) on
 *                                                                         an I/O thread
 *
 * A stream is opened by the API for a person and the session or token that
 * asked (live_open, bounded per person and in all), and closed by the
 * transport when its connection ends (live_close). A notice goes to its
 * person's streams; a complaint's change to the streams of everyone who
 * sees the complaint (app_sees), as its id, number, version and status —
 * nothing sealed; live_end_token ends the streams of a session that ended
 * (sign-out, timeouts, which the feed checks at each heartbeat). A stream
 * whose reader does not keep up (its queue over LIVE_QUEUE_MAX bytes) is
 * ended: the page reconnects and reads the lists again.
 *
 * States of a stream: open ──end (sign-out, session over, slow reader,
 * hub freed)──▶ ended (read drains, then HTTP_READ_END) ──live_close──▶ gone.
 * The wake function is called under the hub's mutex and must not call back
 * into the hub.
 */
#ifndef REDRESS_APP_LIVE_H
#define REDRESS_APP_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/complaint.h"
#include "core/org.h"

enum { LIVE_QUEUE_MAX = 256 << 10 };

typedef struct live_hub live_hub;
typedef struct live_stream live_stream;

/* A hub for at most total streams, per_user of them for one person (≥ 1 each). */
live_hub *live_hub_new(unsigned per_user, unsigned total);
/* Frees h; its streams must have been closed (the transport is stopped first). */
void live_hub_free(live_hub *h);

/* Why live_open refused. */
enum { LIVE_FULL = 1, LIVE_FULL_USER = 2 };

/*
 * Opens a stream for the person user_id at home in unit home, asked by the
 * session or token token_id (hash: its secret's hash, copied, for the
 * heartbeat's check), with first (copied) queued: the stream's opening
 * event. wake(arg) is called when there is something to read or the
 * stream ended. NULL when a limit is reached (*why: LIVE_FULL, LIVE_FULL_USER).
 */
live_stream *live_open(live_hub *h, int64_t user_id, int64_t home, int64_t token_id, const uint8_t hash[32],
                       const char *first, void (*wake)(void *arg), void *arg, int *why);
/* Moves up to max queued bytes to out: their count, 0 when nothing waits, -1 when the stream ended and is drained. */
long live_read(live_stream *s, char *out, size_t max);
/* The reader is gone: s is freed. */
void live_close(live_stream *s);

/* Queues the event text ev ("event: …\ndata: …\n\n", copied) on the streams of user_id. */
void live_notice(live_hub *h, int64_t user_id, const char *ev);
/* Queues the event text ev about c on the streams of everyone who sees c under o. */
void live_complaint(live_hub *h, const org *o, const complaint *c, const char *ev);
/* Queues a heartbeat comment on every stream. */
void live_beat(live_hub *h);
/* Ends the streams of token_id. */
void live_end_token(live_hub *h, int64_t token_id);

/* The sessions and tokens of the open streams (heap array of *n distinct ids, with their hashes in *hashes). */
void live_tokens(live_hub *h, int64_t **ids, uint8_t (**hashes)[32], size_t *n);
/* How many streams are open (for /metrics and tests). */
size_t live_count(live_hub *h);

#endif
