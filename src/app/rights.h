/*
 * rights: a customer's rights over their data on a complaint — correcting
 * the sealed customer fields, and erasure (anonymisation with the data key
 * destroyed), on request or by the retention policy (docs/privacy.md). Each
 * is a versioned change of the complaint (app/act.h) over the sealing of
 * app/pii.h.
 */
#ifndef REDRESS_APP_RIGHTS_H
#define REDRESS_APP_RIGHTS_H

#include "app/app.h"

/*
 * Corrects the customer fields of complaint id (fields: an object of
 * customer.* values in clear, borrowed; null removes one), as a `correct`
 * event. Returns 0, CERR_USER with e (validation_failed naming the field,
 * not_found, anonymised), or a STORE_* code.
 */
int app_pii_correct(app *a, const actor *who, int64_t id, const json_t *fields, int64_t now, cerr *e);
/*
 * The same, as a correction of one complaint's record (更正, 004: the
 * address, plate, card number or emergency contact mistyped at intake): only
 * by who may take its `correct` action (the pack's corrections.roles; never
 * the unit complained about), with reason (required, sealed with the values).
 */
int app_record_correct_customer(app *a, const actor *who, int64_t id, const json_t *fields, const char *reason,
                                int64_t now, cerr *e);
/*
 * Anonymises complaint id (reason "request" or "retention") and destroys its
 * data key. 0, 1 when it was anonymised already, CERR_USER with e, or a STORE_* code.
 */
int app_pii_erase(app *a, const actor *who, int64_t id, const char *reason, int64_t now, cerr *e);

#endif
