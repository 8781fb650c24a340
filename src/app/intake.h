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
 * by the caller, released by the caller). Returns 0, CERR_USER with e set for a
 * user error, or a STORE_* code. memo (may be NULL; zeroed by the caller,
 * released with app_pii_memo_release) keeps what was sealed, so the reply
 * can be masked without opening it again.
 */
int app_intake(app *a, const actor *who, const json_t *input, int64_t now, complaint *out, pii_memo *memo,
               cerr *e);

/*
 * A ledger row's intake (app/import.c): app_intake's validation, grading
 * and sealing, and in the same transaction the "import" event that follows
 * it (workflow_import with info, borrowed, at instant at: a historical
 * closing, or the import's time) and mark, the row's key (borrowed). No
 * crisis clustering or repeat links: a ledger's rows are history, not news.
 * A key stored already gives STORE_NOTFOUND. With mark NULL the row is
 * only checked (a dry run): nothing is sealed or stored, out is untouched.
 */
int app_intake_imported(app *a, const actor *who, const json_t *input, int64_t now, const json_t *info,
                        int64_t at, const store_import_mark *mark, complaint *out, cerr *e);

#endif
