/*
 * app_pii: customer data at the application's edge (docs/privacy.md). The
 * domain (core/) sees customer fields and free text only as sealed, opaque
 * strings; this module seals them on the way in (intake, every step with a
 * text field, a correction), and on the way out either masks them or — for
 * a caller with the "pii" permission who asked — opens them. It also carries
 * out a customer's rights (export, correct, erase) and the retention
 * policy's anonymisation, and records each access in the audit log.
 *
 * Which fields are sealed:
 *   customer.{name, phone, email, address, plate, card_no, account_no};
 *   place, description, demand, evidence of the intake; every textarea
 *   field of a later step (notes, reasons, results, replies, remarks);
 *   the texts of an appeal's report (app/appeal.h).
 * The phone's lookup key (complaints.phone, the intake's phone_key) is the
 * blind index of its digits (sec/pii.h), never the digits.
 */
#ifndef REDRESS_APP_PII_H
#define REDRESS_APP_PII_H

#include <stdbool.h>

#include "app/app.h"
#include "sec/pii.h"

/*
 * Loads the master keys (key_file, or the variable named key_env when it is
 * set) and this database's phone index key. With create, a missing key file
 * is created first (mode 0600). A database without an index key gets one;
 * one without a chain key gets one, its epoch and a first checkpoint, and
 * the chain's keys are installed for the process (core/chain.h).
 * Returns 0 or -1 with a message in err. app_close wipes and frees them.
 */
int app_pii_open(app *a, const char *key_file, const char *key_env, bool create, char *err, size_t errlen);
/* Stores the phone index key, the search index key and the chain key (core/chain.h) wrapped by the current
 * master key (redress rekey). */
int app_pii_rewrap_index(app *a);

/* The blind index of a phone number as typed (digits into out); -1 if not 7–20 digits. */
int app_pii_phone_index(app *a, const char *phone, char out[PII_INDEX_HEX]);

/*
 * What an intake sealed, each value beside its clear text (secret: released
 * with app_pii_memo_release, which wipes it). The 201 of an intake is masked
 * from it: opening what was sealed a moment ago (a base64 decoding and a
 * decryption per field, and the key's row read back) was a tenth of the
 * intake's work.
 */
#define PII_MEMO_MAX 12
typedef struct pii_memo pii_memo;
struct pii_memo {
    size_t n;
    char *sealed[PII_MEMO_MAX];
    char *clear[PII_MEMO_MAX];
    char *name; /* the customer's name in clear, which free text is masked against */
};
void app_pii_memo_release(pii_memo *m);

/*
 * Seals the intake event's customer data and free text under a new data
 * key, and replaces its phone_key by the blind index; k (OUT) is the
 * wrapped key to store with the complaint; memo (may be NULL) records what
 * was sealed. Returns 0 or CERR_USER with e.
 */
int app_pii_seal_intake(app *a, event *ev, pii_keyrow *k, pii_memo *memo, cerr *e);
/* Seals the textarea fields of a step's event on complaint cur under its key. */
int app_pii_seal_step(app *a, const complaint *cur, event *ev, cerr *e);

/*
 * Replaces the sealed values in cs[0..n).data in place: masked (mask.h),
 * or in clear with clear. A value that cannot be opened (the key was
 * destroyed) reads PII_ANONYMISED. One store round trip for all n.
 */
int app_pii_view(app *a, complaint *cs, size_t n, bool clear);
/* app_pii_view(a, c, 1, false) of the complaint an intake just stored, from
 * its memo; any sealed value the memo does not hold is opened as usual. */
int app_pii_view_memo(app *a, complaint *c, const pii_memo *m);
/* The same for the payloads of c's events (c still sealed, borrowed). */
int app_pii_view_events(app *a, const complaint *c, event *evs, size_t n, bool clear);

/*
 * Replaces each sealed texts[i] — a step's text quoted outside its
 * complaint ids[i], such as a penalty waiver's or a compensation's reason —
 * by its masked form (heap; the sealed string is freed). Strings that are
 * NULL or not sealed stay. One store round trip for all n.
 */
int app_pii_view_texts(app *a, const int64_t *ids, char **texts, size_t n);
/*
 * The same, masked or (clear) in clear — a caller with the pii permission's
 * audited view; c (borrowed, sealed, may be NULL): the complaint the texts
 * belong to, whose customer's name is masked wherever it occurs in them.
 */
int app_pii_open_texts(app *a, const complaint *c, const int64_t *ids, char **texts, size_t n, bool clear);
/*
 * Seals each texts[i] (heap, replaced in place; NULL and sealed ones stay)
 * under complaint_id's data key, as app_pii_seal_audit seals a member: free
 * text of a record kept beside the complaint, such as its appeal report,
 * which may name the customer. Returns 0 or a STORE_* code.
 */
int app_pii_seal_texts(app *a, int64_t complaint_id, char **texts, size_t n);

/* May who see customer data in clear? Their grant, else their roles' default. */
bool app_pii_may_unmask(app *a, const actor *who);
/* The roles that may unmask unless a grant says otherwise. */
#define PII_DEFAULT_ROLES (R_AGENT | R_HANDLER | R_SUPERVISOR)

/*
 * Confidentiality toward the complained-about (001: 受理人及受理机关应严格遵守
 * 保密制度, 为投诉者保密): whether who, working in complaint c's subject unit
 * or below it, may see its customer in clear. Outside the subject unit this
 * is 0 (only app_pii_may_unmask applies). Inside it: 0 only when the pack's
 * `confidentiality.subject_unit_roles` names one of who's roles and a reason
 * is given (has_reason); otherwise CERR_USER with e ("forbidden", or
 * "validation_failed" naming reason when only the reason is missing).
 */
int app_pii_confidential(app *a, const actor *who, const complaint *c, bool has_reason, cerr *e);

/*
 * Records an access or change of customer data in the audit log (the
 * actions of sec/audit.h: pii_view, pii_export, pii_correct, pii_erase,
 * retention_anonymise, rekey). subject, customer (a blind index), ip and
 * detail (JSON text, never customer data) may be NULL. Returns 0 or a
 * STORE_* code; callers refuse to hand out data they could not record.
 */
int app_pii_audit(app *a, int64_t now, int64_t actor_id, const char *action, const char *subject,
                  const char *customer, const char *ip, const char *detail);

/*
 * Free text in audit entries. A reason or note a user typed about a
 * complaint (the reason for viewing its customer data) may name the
 * customer, so it is sealed like the complaint's own texts, under that
 * complaint's data key (erasing the complaint shreds it too), before the
 * entry is hashed. app_pii_seal_audit seals detail[member] in place when it
 * is a non-empty string; when the complaint has no key any more (it was
 * anonymised) or the keys are not loaded, the text is replaced by
 * PII_ANONYMISED rather than stored in clear. Returns 0 or a STORE_* code.
 */
int app_pii_seal_audit(app *a, int64_t complaint_id, json_t *detail, const char *member);
/*
 * Replaces the detail of each of rows[0..n) that holds sealed text (its
 * subject names the complaint whose key sealed it) by the same JSON with
 * those texts masked, or in clear with clear. A text whose key is gone
 * reads PII_ANONYMISED. Returns 0 or a STORE_* code.
 */
int app_pii_view_audit(app *a, audit_row *rows, size_t n, bool clear);

/* For the rights of app/rights.h, over the sealing here: */
/* The data key of complaint id into dk; *ok false when none is held or it cannot be unwrapped. 0 or a STORE_* code. */
int app_pii_data_key(app *a, int64_t id, uint8_t dk[PII_KEY_BYTES], bool *ok);
/* The user error of a step that needs the customer-data keys when they are not loaded: CERR_USER. */
int app_pii_no_key(cerr *e);
/* Whether k names a customer field ("name", "phone", …) that is sealed. */
bool app_pii_is_customer_field(const char *k);

#endif
