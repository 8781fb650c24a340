/*
 * intake: taking a complaint in — validated, graded by the pack's rules,
 * its customer data sealed, numbered and stored, the rules' notifications
 * queued and the crisis clustering done (intake.c).
 */
#ifndef REDRESS_APP_INTAKE_H
#define REDRESS_APP_INTAKE_H

#include "app/app.h"

/* The intake's customer data in clear beside its sealed form (app_pii.h). */
typedef struct pii_memo pii_memo;

/*
 * Intake: validates input and stores a new complaint into out (initialised
 * by the caller, released by the caller). partner (NULL: none) names the
 * partner system that sent it (a webhook with a channel, migration 021),
 * which is then told of its steps (app/notify.h). Returns 0, CERR_USER with
 * e set for a user error, a STORE_* code, or 1 when the input's
 * external_ref was given to a complaint of its channel already: nothing is
 * created and out holds that complaint. memo (may be NULL; zeroed by the
 * caller, released with app_pii_memo_release) keeps what was sealed, so
 * the reply can be masked without opening it again.
 */
int app_intake(app *a, const actor *who, const json_t *input, int64_t now, const char *partner, complaint *out,
               pii_memo *memo, cerr *e);

/* An intake decided and sealed, waiting to be stored with others (app_intake_store_many). */
typedef struct app_intake_prep app_intake_prep;

/*
 * A ledger row's intake (app/import.c), in two steps so that many rows are
 * committed together: app_intake's validation, grading and sealing, with
 * the "import" event that follows the intake (workflow_import with info,
 * borrowed, at instant at: a historical closing, or the import's time) and
 * mark, the row's key (borrowed until stored). No crisis clustering or
 * repeat links: a ledger's rows are history, not news. *out (OUT) the
 * prepared intake, for app_intake_store_many; NULL on a refusal, and with
 * mark NULL (a dry run: only checked, nothing sealed). 0, CERR_USER (e
 * set) or a STORE_* code.
 */
int app_intake_imported(app *a, const actor *who, const json_t *input, int64_t now, const json_t *info,
                        int64_t at, const store_import_mark *mark, app_intake_prep **out, cerr *e);
/*
 * Stores ps[0..n) (store_complaint_create_many: one transaction on SQLite)
 * and frees them (ps[i] set to NULL); rcs[i] (OUT) each one's result —
 * STORE_NOTFOUND when its key was imported already. Returns the first
 * failure of a whole transaction, or 0.
 */
int app_intake_store_many(app *a, app_intake_prep **ps, size_t n, int *rcs);
/* Frees a prepared intake that will not be stored (NULL is fine). */
void app_intake_prep_free(app_intake_prep *p);

#endif
