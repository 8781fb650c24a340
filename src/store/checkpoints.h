/*
 * checkpoints: the stored checkpoints of the event log (core/chain.h,
 * migration 011), written once for both backends over the driver.
 */
#ifndef REDRESS_STORE_CHECKPOINTS_H
#define REDRESS_STORE_CHECKPOINTS_H

#include "core/chain.h"
#include "store/store.h"

/*
 * Stores value under config key unless the key holds one already (then
 * nothing changes): the chain key and its epoch are made once, by whichever
 * node starts first. 0 either way; read the key back for what is stored.
 */
int store_config_add(store *s, const char *key, const char *value);

/* The highest event id and the audit log's head seq (0 when empty). */
int store_chain_heads(store *s, int64_t *last_event, int64_t *audit_seq);

/*
 * Seals and stores the next checkpoint at now: the newest one carried on
 * over the events written since, up to the last event id, and the audit
 * log's head. On PostgreSQL the events table is locked against writers
 * (SHARE ROW EXCLUSIVE, which two checkpoints also take in turn) for the
 * while, so that no event with a lower id commits after the checkpoint was
 * taken. *out (OUT) is the new checkpoint, or the newest one
 * when nothing was written since it (then STORE_CONFLICT is returned).
 */
int store_checkpoint_add(store *s, const chain_keys *k, int64_t now, checkpoint *out);

/* Every stored checkpoint, oldest first (heap array into *out, count into *n). */
int store_checkpoint_list(store *s, checkpoint **out, size_t *n);

#endif
