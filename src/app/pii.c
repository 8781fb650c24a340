/* app_pii: see app_pii.h. */
#include "app/pii.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/auditlog.h"
#include "core/chain.h"
#include "sec/audit.h"
#include "sec/mask.h"
#include "store/checkpoints.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* The customer fields that are sealed (the class stays in clear: statistics count it). */
static const char *const customer_fields[] = {"name",    "phone",      "email",
                                               "address", "plate",      "card_no",
                                               "account_no", "emergency_contact"};
enum { NCUST = sizeof customer_fields / sizeof customer_fields[0] };
/* The intake's free text. */
static const char *const intake_texts[] = {"place", "description", "demand", "evidence"};

/* config keys of the wrapped phone index key and chain key: "KEYID:HEX" */
#define INDEX_KEY_CONFIG "pii_index_key"
#define CHAIN_KEY_CONFIG "chain_key"
#define SEARCH_KEY_CONFIG "search_key"
/* config key of the chain's epoch (core/chain.h): "EVENTS_FROM AUDIT_FROM MACHEX" */
#define CHAIN_EPOCH_CONFIG "chain_epoch"

/* ---- keys ------------------------------------------------------------------------- */

static int wrapped_key_read(app *a, const char *what, const char *text, uint8_t out[PII_KEY_BYTES], char *err,
                            size_t errlen)
{
    const char *colon = strchr(text, ':');
    uint8_t w[PII_WRAPPED_BYTES];
    size_t len = 0;
    char id[PII_ID_MAX];
    if (!colon || colon - text >= PII_ID_MAX ||
        sodium_hex2bin(w, sizeof w, colon + 1, strlen(colon + 1), NULL, &len, NULL) != 0 || len != sizeof w) {
        snprintf(err, errlen, "the stored %s is damaged", what);
        return -1;
    }
    snprintf(id, sizeof id, "%.*s", (int)(colon - text), text);
    int rc = pii_unwrap(a->pii, id, w, len, out);
    if (rc != 0) {
        snprintf(err, errlen, "the %s is wrapped by master key \"%s\", which %s", what, id, pii_unwrap_why(rc));
        return -1;
    }
    return 0;
}

/* A key as stored: the current master key's wrapping of key. */
static char *wrapped_key_text(app *a, const uint8_t key[PII_KEY_BYTES])
{
    char id[PII_ID_MAX];
    uint8_t w[PII_WRAPPED_BYTES];
    char hex[2 * PII_WRAPPED_BYTES + 1];
    pii_wrap(a->pii, key, id, w);
    sodium_bin2hex(hex, sizeof hex, w, sizeof w);
    return xasprintf("%s:%s", id, hex);
}

/*
 * Reads the key stored under config name into out, making a random one
 * when there is none (*made: this call stored it).
 */
static int wrapped_key_load(app *a, const char *name, const char *what, uint8_t out[PII_KEY_BYTES], bool *made,
                            char *err, size_t errlen)
{
    char *text = NULL;
    *made = false;
    int rc = store_config_get(a->db, name, &text);
    if (rc == STORE_NOTFOUND) {
        /* A new installation (or one from before the key existed): a random key, wrapped. */
        uint8_t k[PII_KEY_BYTES];
        pii_datakey_new(k);
        char *t = wrapped_key_text(a, k);
        rc = store_config_add(a->db, name, t);
        /* Read back what is stored: a node that started at the same moment may have won. */
        if (rc == 0)
            rc = store_config_get(a->db, name, &text);
        *made = rc == 0 && strcmp(text, t) == 0;
        free(t);
        sodium_memzero(k, sizeof k);
    }
    if (rc != 0) {
        snprintf(err, errlen, "cannot read the %s from the database", what);
        free(text);
        return -1;
    }
    rc = wrapped_key_read(a, what, text, out, err, errlen);
    free(text);
    return rc;
}

/*
 * The chain's epoch (core/chain.h) into k. A chain key made just now fixes
 * it at the next event id and audit seq: what was written before carries
 * unkeyed hashes. An epoch that is missing or does not carry its MAC is
 * reported by `redress verify`; meanwhile every row must be keyed.
 */
static int chain_epoch_load(app *a, chain_keys *k, bool made)
{
    char *text = NULL;
    int rc = store_config_get(a->db, CHAIN_EPOCH_CONFIG, &text);
    if (rc == STORE_NOTFOUND && made) {
        int64_t last_event, audit_seq;
        if (store_chain_heads(a->db, &last_event, &audit_seq))
            return -1;
        k->events_from = last_event + 1;
        k->audit_from = audit_seq + 1;
        uint8_t mac[32];
        char hex[65];
        chain_epoch_mac(k, mac);
        sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
        char *t = xasprintf("%lld %lld %s", (long long)k->events_from, (long long)k->audit_from, hex);
        rc = store_config_add(a->db, CHAIN_EPOCH_CONFIG, t);
        free(t);
        if (rc == 0)
            rc = store_config_get(a->db, CHAIN_EPOCH_CONFIG, &text);
    }
    if (rc != 0 && rc != STORE_NOTFOUND)
        return -1;
    long long ev = 1, au = 1;
    char hex[65] = "";
    uint8_t mac[32], want[32];
    size_t n = 0;
    a->chain_epoch_ok = text && sscanf(text, "%lld %lld %64s", &ev, &au, hex) == 3 && ev >= 1 && au >= 1 &&
                        sodium_hex2bin(mac, sizeof mac, hex, strlen(hex), NULL, &n, NULL) == 0 && n == sizeof mac;
    free(text);
    k->events_from = a->chain_epoch_ok ? ev : 1;
    k->audit_from = a->chain_epoch_ok ? au : 1;
    chain_epoch_mac(k, want);
    if (!a->chain_epoch_ok || sodium_memcmp(mac, want, sizeof mac) != 0) {
        a->chain_epoch_ok = false;
        k->events_from = k->audit_from = 1;
    }
    return 0;
}

static int chain_open(app *a, char *err, size_t errlen)
{
    bool made;
    if (wrapped_key_load(a, CHAIN_KEY_CONFIG, "chain key", a->chain_key, &made, err, errlen))
        return -1;
    chain_keys_derive(a->chain_key, &a->chain);
    if (chain_epoch_load(a, &a->chain, made)) {
        snprintf(err, errlen, "cannot read the chain's epoch from the database");
        return -1;
    }
    a->chain_ready = true;
    /* The first checkpoint seals what was written before the chain was keyed. */
    checkpoint cp;
    int rc = made ? store_checkpoint_add(a->db, &a->chain, time_now(), &cp) : 0;
    if (rc && rc != STORE_CONFLICT) {
        snprintf(err, errlen, "cannot store the first checkpoint of the event log");
        return -1;
    }
    return 0;
}

int app_pii_open(app *a, const char *key_file, const char *key_env, bool create, char *err, size_t errlen)
{
    const char *envv = key_env && *key_env ? getenv(key_env) : NULL;
    if (create && !(envv && *envv) && key_file && *key_file) {
        int made = pii_keyfile_create(key_file, err, errlen);
        if (made < 0)
            return -1;
        if (made)
            log_info("created the master key file %s (mode 0600): keep it apart from the database's backups",
                     key_file);
    }
    a->pii = pii_keyring_load(key_file, key_env, err, errlen);
    if (!a->pii)
        return -1;
    bool made;
    if (wrapped_key_load(a, INDEX_KEY_CONFIG, "phone index key", a->pii_index, &made, err, errlen) ||
        wrapped_key_load(a, SEARCH_KEY_CONFIG, "search index key", a->search_key, &made, err, errlen) ||
        chain_open(a, err, errlen))
        return -1;
    a->pii_ready = true;
    return 0;
}

int app_pii_rewrap_index(app *a)
{
    char *t = wrapped_key_text(a, a->pii_index);
    int rc = store_config_set(a->db, INDEX_KEY_CONFIG, t);
    free(t);
    if (rc == 0) {
        t = wrapped_key_text(a, a->chain_key);
        rc = store_config_set(a->db, CHAIN_KEY_CONFIG, t);
        free(t);
    }
    if (rc == 0) {
        t = wrapped_key_text(a, a->search_key);
        rc = store_config_set(a->db, SEARCH_KEY_CONFIG, t);
        free(t);
    }
    return rc;
}

int app_pii_phone_index(app *a, const char *phone, char out[PII_INDEX_HEX])
{
    char digits[24];
    if (!a->pii_ready || phone_normalise(phone, digits, sizeof digits))
        return -1;
    pii_blind_index(a->pii_index, digits, out);
    sodium_memzero(digits, sizeof digits);
    return 0;
}

/* The data keys of n complaints (ids) into dks; ok[i] false when none is held. */
static int data_keys(app *a, const int64_t *ids, size_t n, uint8_t (*dks)[PII_KEY_BYTES], bool *ok)
{
    pii_keyrow *rows = xcalloc(n ? n : 1, sizeof *rows);
    for (size_t i = 0; i < n; i++)
        rows[i].complaint_id = ids[i];
    int rc = store_pii_keys_get(a->db, rows, n);
    for (size_t i = 0; i < n; i++) {
        int why = rc == 0 && a->pii_ready && rows[i].found
                      ? pii_unwrap(a->pii, rows[i].key_id, rows[i].wrapped, rows[i].len, dks[i])
                      : PII_KEY_UNKNOWN;
        ok[i] = why == 0;
        if (rc == 0 && a->pii_ready && rows[i].found && !ok[i])
            log_warn("pii: the data key of complaint %lld cannot be unwrapped: master key \"%s\" %s",
                     (long long)ids[i], rows[i].key_id, pii_unwrap_why(why));
    }
    sodium_memzero(rows, n * sizeof *rows);
    free(rows);
    return rc;
}

int app_pii_data_key(app *a, int64_t id, uint8_t dk[PII_KEY_BYTES], bool *ok)
{
    uint8_t (*dks)[PII_KEY_BYTES] = (uint8_t (*)[PII_KEY_BYTES])dk;
    return data_keys(a, &id, 1, dks, ok);
}

/* ---- sealing -------------------------------------------------------------------------- */

static void free_secret(char *s)
{
    if (s) {
        sodium_memzero(s, strlen(s));
        free(s);
    }
}

void app_pii_memo_release(pii_memo *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->sealed[i]);
        free_secret(m->clear[i]);
    }
    free_secret(m->name);
    memset(m, 0, sizeof *m);
}

/* The clear text of sealed in m, or NULL. */
static const char *memo_find(const pii_memo *m, const char *sealed)
{
    for (size_t i = 0; m && i < m->n; i++)
        if (strcmp(m->sealed[i], sealed) == 0)
            return m->clear[i];
    return NULL;
}

/* Seals o[key] in place when it is a non-empty string; memo (may be NULL) keeps both forms. */
static void seal_member(json_t *o, const char *key, const uint8_t dk[PII_KEY_BYTES], pii_memo *memo)
{
    const char *v = json_string_value(json_object_get(o, key));
    if (!v || !*v || pii_is_sealed(v))
        return;
    char *s = pii_seal(dk, v);
    if (memo && memo->n < PII_MEMO_MAX) {
        memo->sealed[memo->n] = xstrdup(s);
        memo->clear[memo->n++] = xstrdup(v);
    }
    json_object_set_new(o, key, json_string(s));
    free(s);
}

int app_pii_no_key(cerr *e)
{
    return cerr_set(e, "unavailable", "", "客户信息密钥不可用 (the customer-data keys are not loaded)");
}

int app_pii_seal_intake(app *a, event *ev, pii_keyrow *k, pii_memo *memo, cerr *e)
{
    memset(k, 0, sizeof *k);
    if (!a->pii_ready)
        return app_pii_no_key(e);
    uint8_t dk[PII_KEY_BYTES];
    pii_datakey_new(dk);
    json_t *p = ev->payload;
    json_t *cust = json_object_get(p, "customer");
    if (memo) {
        const char *name = json_string_value(json_object_get(cust, "name"));
        memo->name = name && !pii_is_sealed(name) ? xstrdup(name) : NULL;
    }
    for (size_t i = 0; i < NCUST; i++)
        seal_member(cust, customer_fields[i], dk, memo);
    for (size_t i = 0; i < sizeof intake_texts / sizeof intake_texts[0]; i++)
        seal_member(p, intake_texts[i], dk, memo);
    const char *digits = json_string_value(json_object_get(p, "phone_key"));
    if (digits) {
        char idx[PII_INDEX_HEX];
        pii_blind_index(a->pii_index, digits, idx);
        json_object_set_new(p, "phone_key", json_string(idx));
    }
    pii_wrap(a->pii, dk, k->key_id, k->wrapped);
    k->len = PII_WRAPPED_BYTES;
    sodium_memzero(dk, sizeof dk);
    return 0;
}

/* The customer's own words in a step: its free-text fields (with the
 * closing fields of an action that closes), and the words given with a
 * survey's answers. With dk, each is sealed under dk in place; returns
 * whether there is any. */
static bool fields_texts(const wf_field *fields, json_t *payload, const uint8_t *dk)
{
    bool any = false;
    for (const wf_field *f = fields; f && f->name; f++) {
        json_t *v = json_object_get(payload, f->name);
        if (f->type == F_TEXTAREA && json_string_value(v) && *json_string_value(v)) {
            any = true;
            if (dk)
                seal_member(payload, f->name, dk, NULL);
        } else if (f->type == F_SURVEY) {
            size_t i;
            json_t *ans;
            json_array_foreach(v, i, ans)
            {
                if (json_string_value(json_object_get(ans, "text"))) {
                    any = true;
                    if (dk)
                        seal_member(ans, "text", dk, NULL);
                }
            }
        }
    }
    return any;
}

static bool step_texts(const wf_action *act, json_t *payload, const uint8_t *dk)
{
    bool own = fields_texts(act ? act->fields : NULL, payload, dk);
    return fields_texts(workflow_closing_fields(act), payload, dk) || own;
}

int app_pii_seal_step(app *a, const complaint *cur, event *ev, cerr *e)
{
    const wf_action *act = workflow_find(ev->action);
    bool any = step_texts(act, ev->payload, NULL);
    if (!any)
        return 0;
    if (!a->pii_ready)
        return app_pii_no_key(e);
    uint8_t dk[PII_KEY_BYTES];
    bool ok = false;
    int rc = app_pii_data_key(a, cur->id, dk, &ok);
    if (rc)
        return rc;
    if (!ok)
        return cerr_set(e, "action_not_allowed", "",
                        "客户信息已匿名化，不能再记录文字 (the customer's data was anonymised: no more text can be recorded)");
    step_texts(act, ev->payload, dk);
    sodium_memzero(dk, sizeof dk);
    return 0;
}

/* ---- viewing ---------------------------------------------------------------------------- */

typedef struct view {
    const uint8_t *dk; /* NULL: no key */
    bool clear;
    const char *name;  /* the customer's name in clear, for masking free text; may be NULL */
    const pii_memo *memo; /* what an intake just sealed, in clear; may be NULL */
} view;

bool app_pii_is_customer_field(const char *k)
{
    for (size_t i = 0; i < NCUST; i++)
        if (strcmp(customer_fields[i], k) == 0)
            return true;
    return false;
}

/* The shown form of one sealed value under key k (in a customer object when in_customer). */
static json_t *shown(const view *v, const char *k, bool in_customer, const char *sealed)
{
    const char *known = memo_find(v->memo, sealed);
    char *clear = known ? xstrdup(known) : v->dk ? pii_open(v->dk, sealed) : NULL;
    if (!clear)
        return json_string(PII_ANONYMISED);
    char *out = v->clear ? clear
                : in_customer && app_pii_is_customer_field(k) ? mask_value(k, clear)
                                                       : mask_text(clear, v->name);
    json_t *j = json_string(out);
    if (out != clear)
        free(out);
    sodium_memzero(clear, strlen(clear));
    free(clear);
    return j;
}

static void walk(const view *v, json_t *o, bool in_customer)
{
    if (json_is_object(o)) {
        const char *k;
        json_t *x;
        void *tmp;
        json_object_foreach_safe(o, tmp, k, x)
        {
            if (json_is_string(x) && pii_is_sealed(json_string_value(x))) {
                json_object_set_new(o, k, shown(v, k, in_customer, json_string_value(x)));
            } else if (json_is_string(x) && in_customer && app_pii_is_customer_field(k) && !v->clear &&
                       strcmp(json_string_value(x), PII_ANONYMISED) != 0) {
                /* Stored before sealing existed: masked all the same. */
                char *m = mask_value(k, json_string_value(x));
                json_object_set_new(o, k, json_string(m));
                free(m);
            } else if (json_is_object(x) || json_is_array(x))
                walk(v, x, strcmp(k, "customer") == 0);
        }
    } else if (json_is_array(o)) {
        for (size_t i = 0; i < json_array_size(o); i++) {
            json_t *x = json_array_get(o, i);
            if (json_is_string(x) && pii_is_sealed(json_string_value(x)))
                json_array_set_new(o, i, shown(v, "", false, json_string_value(x)));
            else
                walk(v, x, false);
        }
    }
}

/* The customer's name of a sealed data document in clear (heap), or NULL. */
static char *name_of(const json_t *data, const uint8_t *dk)
{
    const char *s = json_string_value(json_object_get(json_object_get(data, "customer"), "name"));
    return dk && s ? pii_open(dk, s) : NULL;
}

int app_pii_view(app *a, complaint *cs, size_t n, bool clear)
{
    if (n == 0)
        return 0;
    int64_t *ids = xcalloc(n, sizeof *ids);
    uint8_t (*dks)[PII_KEY_BYTES] = xcalloc(n, sizeof *dks);
    bool *ok = xcalloc(n, sizeof *ok);
    for (size_t i = 0; i < n; i++)
        ids[i] = cs[i].id;
    int rc = data_keys(a, ids, n, dks, ok);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char *name = name_of(cs[i].data, ok[i] ? dks[i] : NULL);
        view v = {ok[i] ? dks[i] : NULL, clear, name, NULL};
        walk(&v, cs[i].data, false);
        free_secret(name);
    }
    sodium_memzero(dks, n * sizeof *dks);
    free(dks);
    free(ids);
    free(ok);
    return rc;
}

/* Does m hold every sealed string inside o? */
static bool memo_covers(const pii_memo *m, const json_t *o)
{
    if (json_is_string(o))
        return !pii_is_sealed(json_string_value(o)) || memo_find(m, json_string_value(o));
    if (json_is_object(o)) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)o, k, x) if (!memo_covers(m, x)) return false;
    } else if (json_is_array(o)) {
        for (size_t i = 0; i < json_array_size(o); i++)
            if (!memo_covers(m, json_array_get(o, i)))
                return false;
    }
    return true;
}

int app_pii_view_memo(app *a, complaint *c, const pii_memo *m)
{
    if (!m || !memo_covers(m, c->data))
        return app_pii_view(a, c, 1, false);
    view v = {NULL, false, m->name, m};
    walk(&v, c->data, false);
    return 0;
}

int app_pii_view_events(app *a, const complaint *c, event *evs, size_t n, bool clear)
{
    uint8_t dk[PII_KEY_BYTES];
    bool ok = false;
    int rc = app_pii_data_key(a, c->id, dk, &ok);
    if (rc)
        return rc;
    char *name = name_of(c->data, ok ? dk : NULL);
    view v = {ok ? dk : NULL, clear, name, NULL};
    for (size_t i = 0; i < n; i++)
        walk(&v, evs[i].payload, false);
    free_secret(name);
    sodium_memzero(dk, sizeof dk);
    return 0;
}

int app_pii_view_texts(app *a, const int64_t *ids, char **texts, size_t n)
{
    return app_pii_open_texts(a, NULL, ids, texts, n, false);
}

int app_pii_open_texts(app *a, const complaint *c, const int64_t *ids, char **texts, size_t n, bool clear)
{
    if (n == 0)
        return 0;
    uint8_t (*dks)[PII_KEY_BYTES] = xcalloc(n, sizeof *dks);
    bool *ok = xcalloc(n, sizeof *ok);
    int rc = data_keys(a, ids, n, dks, ok);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (!texts[i] || !pii_is_sealed(texts[i]))
            continue;
        /* Masked against the customer's name when the texts are c's. */
        char *name = c && c->id == ids[i] && ok[i] ? name_of(c->data, dks[i]) : NULL;
        view v = {ok[i] ? dks[i] : NULL, clear, name, NULL};
        json_t *j = shown(&v, "", false, texts[i]);
        if (name) {
            sodium_memzero(name, strlen(name));
            free(name);
        }
        free(texts[i]);
        texts[i] = xstrdup(json_string_value(j));
        json_decref(j);
    }
    sodium_memzero(dks, n * sizeof *dks);
    free(dks);
    free(ok);
    return rc;
}

bool app_pii_may_unmask(app *a, const actor *who)
{
    int granted = -1;
    if (who->id <= 0 || store_grant_get(a->db, who->id, "pii", &granted) != 0)
        return false;
    return granted >= 0 ? granted == 1 : (who->roles & PII_DEFAULT_ROLES) != 0;
}

int app_pii_confidential(app *a, const actor *who, const complaint *c, bool has_reason, cerr *e)
{
    app_enter(a);
    bool inside = c->subject_unit && org_within(app_org(a), who->unit, c->subject_unit);
    unsigned allowed = 0;
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(json_object_get(app_pol(a)->raw, "confidentiality"), "subject_unit_roles"), i, r)
        allowed |= role_parse(json_string_value(r) ? json_string_value(r) : "");
    app_leave(a);
    if (!inside)
        return 0;
    if (!(who->roles & allowed))
        return cerr_set(e, "forbidden", "",
                        "被投诉单位不能查看投诉人信息 (the unit complained about does not see who complained)");
    if (!has_reason)
        return cerr_set(e, "validation_failed", "reason",
                        "reason: 被投诉单位查看投诉人信息须说明原因 (the unit complained about states why)");
    return 0;
}

/* ---- audit ------------------------------------------------------------------------------- */

int app_pii_seal_audit(app *a, int64_t complaint_id, json_t *detail, const char *member)
{
    const char *v = json_string_value(json_object_get(detail, member));
    if (!v || !*v || pii_is_sealed(v))
        return 0;
    uint8_t dk[PII_KEY_BYTES];
    bool ok = false;
    int rc = a->pii_ready ? app_pii_data_key(a, complaint_id, dk, &ok) : 0;
    if (rc)
        return rc;
    if (ok)
        seal_member(detail, member, dk, NULL);
    else
        json_object_set_new(detail, member, json_string(PII_ANONYMISED));
    sodium_memzero(dk, sizeof dk);
    return 0;
}

int app_pii_seal_texts(app *a, int64_t complaint_id, char **texts, size_t n)
{
    json_t *o = json_object();
    char key[16];
    for (size_t i = 0; i < n; i++) {
        snprintf(key, sizeof key, "%zu", i);
        json_object_set_new(o, key, texts[i] ? json_string(texts[i]) : json_null());
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        snprintf(key, sizeof key, "%zu", i);
        rc = app_pii_seal_audit(a, complaint_id, o, key);
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        snprintf(key, sizeof key, "%zu", i);
        const char *v = json_string_value(json_object_get(o, key));
        if (!texts[i] || !v || strcmp(v, texts[i]) == 0)
            continue;
        sodium_memzero(texts[i], strlen(texts[i]));
        free(texts[i]);
        texts[i] = xstrdup(v);
    }
    json_decref(o);
    return rc;
}

/* Does the JSON text hold a sealed string? (A cheap test before parsing.) */
static bool holds_sealed(const char *text)
{
    return text && strstr(text, "\"pii1:") != NULL;
}

/* The detail of one entry shown under key dk (may be NULL), for the customer of c (may be NULL). */
static void view_detail(audit_row *r, const uint8_t *dk, const complaint *c, bool clear)
{
    json_t *d = json_loads(r->detail, 0, NULL);
    if (!d)
        return;
    char *name = c ? name_of(c->data, dk) : NULL;
    view v = {dk, clear, name, NULL};
    walk(&v, d, false);
    free_secret(name);
    char *text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
    if (text) {
        free_secret(r->detail);
        r->detail = text;
    }
}

int app_pii_view_audit(app *a, audit_row *rows, size_t n, bool clear)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        int64_t id;
        if (!holds_sealed(rows[i].detail))
            continue;
        bool ok = false, have_name = false;
        uint8_t dk[PII_KEY_BYTES];
        complaint c;
        complaint_init(&c);
        if (auditlog_about(rows[i].subject, &id) == AUDIT_ABOUT_COMPLAINT) {
            rc = data_keys(a, &id, 1, &dk, &ok);
            /* The customer's name, which the text is masked against. */
            have_name = rc == 0 && ok && store_complaint_get(a->db, id, NULL, &c) == 0;
        }
        if (rc == 0)
            view_detail(&rows[i], ok ? dk : NULL, have_name ? &c : NULL, clear);
        complaint_release(&c);
        sodium_memzero(dk, sizeof dk);
    }
    return rc;
}

int app_pii_audit(app *a, int64_t now, int64_t actor_id, const char *action, const char *subject,
                  const char *customer, const char *ip, const char *detail)
{
    audit_entry e = {.at = now,
                     .key = app_audit_key(a),
                     .actor = actor_id,
                     .action = action,
                     .subject = subject,
                     .customer = customer && *customer ? customer : NULL,
                     .ip = ip,
                     .detail = detail};
    return audit_record(a->db, &e);
}
