/* deliver: see deliver.h. */
#include "jobs/deliver.h"

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/custmsg.h"
#include "app/inapp.h"
#include "app/pii.h"
#include "core/custmsg.h"
#include "core/erasure.h"
#include "sec/auth.h"
#include "util/log.h"
#include "util/mime.h"
#include "util/timeutil.h"
#include "util/worker.h"
#include "util/xalloc.h"

/*
 * A claim outlives the longest a batch can take: its transfers run together
 * (run_all), at most DELIVER_BATCH / 2 to one receiver at once, so every
 * attempt timing out is two waves of the timeout; 5 s a wave for connecting
 * and rendering, and 30 s for recording the batch and the nodes' clocks.
 * A node killed mid-batch holds its rows this long; then another claims them.
 */
static int64_t lease_of(const deliver_config *cfg)
{
    return 2 * ((int64_t)cfg->timeout_s + 5) + 30;
}

/* ---- rendering ------------------------------------------------------------------- */

static void html_text(buf *b, const char *s)
{
    static const char *const entity[128] = {
        ['<'] = "&lt;", ['>'] = "&gt;", ['&'] = "&amp;", ['"'] = "&quot;", ['\''] = "&#39;"};
    for (; *s; s++) {
        const char *e = (unsigned char)*s < 128 ? entity[(unsigned char)*s] : NULL;
        if (e)
            buf_puts(b, e);
        else
            buf_putc(b, *s);
    }
}

static const char *str_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

enum { NROWS = 5 };

/*
 * The subject and the labelled facts of the dispatch payload p (borrowed
 * from p): what a staff member of the unit may see of any complaint sent
 * to it — no customer data is in the payload (app/notify.c).
 */
static void dispatch_facts(const json_t *p, buf *subject, const char *rows[NROWS][2])
{
    const char *labels[NROWS] = {"工单编号 Number", "投诉类别 Category", "投诉等级 Level", "被投诉单位 Subject unit",
                                 "处理时限 Due"};
    const char *keys[NROWS] = {"number", "category", "level", "subject_unit", "stage_due"};
    for (int i = 0; i < NROWS; i++) {
        rows[i][0] = labels[i];
        rows[i][1] = str_of(p, keys[i]);
    }
    const char *number = str_of(p, "number");
    buf_printf(subject, "【投诉工单】%s 已派发至%s，请及时处理 (complaint %s dispatched)", number, str_of(p, "unit"),
               number);
}

/* Whether template_name is a pack rule's or an incident's notice (app/rules.c, app/incident.c). */
static bool urgent_notice(const char *template_name)
{
    return template_name &&
           (strcmp(template_name, "rule_notify") == 0 || strcmp(template_name, "incident_opened") == 0);
}

/* The Chinese text of a notice's pack message (a string or {"zh-CN", "en"}) in payload p. */
static const char *notice_text(const json_t *p)
{
    const json_t *m = json_object_get(p, "message");
    const char *s = json_is_string(m) ? json_string_value(m) : json_string_value(json_object_get(m, "zh-CN"));
    return s ? s : "";
}

/* A notice as an e-mail: the number and the pack's message. */
static void render_notice(const json_t *p, const char *to_name, buf *subject, buf *text, buf *html)
{
    const char *number = str_of(p, "number"), *msg = notice_text(p);
    const char *who = to_name && *to_name ? to_name : "您好";
    buf_printf(subject, "【投诉工单紧急通报】%s (urgent: complaint %s)", number, number);
    buf_printf(text, "%s，您好：\n\n投诉工单 %s：%s\n\n此邮件由投诉工单系统自动发送，请勿回复。\n", who, number, msg);
    buf_puts(html, "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"></head><body><p>");
    html_text(html, who);
    buf_puts(html, "，您好：</p><p>投诉工单 <b>");
    html_text(html, number);
    buf_puts(html, "</b>：");
    html_text(html, msg);
    buf_puts(html, "</p><p>此邮件由投诉工单系统自动发送，请勿回复。</p></body></html>\n");
}

/* The payload of a row of template_name as an object (new reference), or NULL when it cannot be rendered. */
static json_t *payload_of(const char *template_name, const char *payload)
{
    json_t *p = json_loads(payload ? payload : "", 0, NULL);
    if (!json_is_object(p) ||
        (strcmp(template_name, "dispatch") != 0 && strcmp(template_name, "status") != 0 && !urgent_notice(template_name))) {
        json_decref(p);
        return NULL;
    }
    return p;
}

int deliver_render(const char *template_name, const char *payload, const char *to_name, buf *subject, buf *text,
                   buf *html)
{
    json_t *p = payload_of(template_name, payload);
    if (!p)
        return -1;
    if (urgent_notice(template_name)) {
        render_notice(p, to_name, subject, text, html);
        json_decref(p);
        return 0;
    }
    const char *rows[NROWS][2];
    dispatch_facts(p, subject, rows);
    const char *number = str_of(p, "number"), *to_unit = str_of(p, "unit");
    buf_printf(text, "%s，您好：\n\n投诉工单 %s 已派发至%s，请登录系统受理并在时限内处理。\n\n",
               to_name && *to_name ? to_name : "您好", number, to_unit);
    buf_puts(html, "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"></head><body><p>");
    html_text(html, to_name && *to_name ? to_name : "您好");
    buf_puts(html, "，您好：</p><p>投诉工单 <b>");
    html_text(html, number);
    buf_puts(html, "</b> 已派发至");
    html_text(html, to_unit);
    buf_puts(html, "，请登录系统受理并在时限内处理。</p><table>");
    for (size_t i = 0; i < NROWS; i++) {
        if (!*rows[i][1])
            continue;
        buf_printf(text, "%s：%s\n", rows[i][0], rows[i][1]);
        buf_puts(html, "<tr><th align=\"left\">");
        html_text(html, rows[i][0]);
        buf_puts(html, "</th><td>");
        html_text(html, rows[i][1]);
        buf_puts(html, "</td></tr>");
    }
    buf_puts(text,
             "\n此邮件由投诉工单系统自动发送，请勿回复。\nThis message was sent automatically; please do not reply.\n");
    buf_puts(html, "</table><p>此邮件由投诉工单系统自动发送，请勿回复。<br>This message was sent automatically; please "
                   "do not reply.</p></body></html>\n");
    json_decref(p);
    return 0;
}

int deliver_sms_text(const char *template_name, const char *payload, buf *out)
{
    json_t *p = json_loads(payload ? payload : "", 0, NULL);
    bool warn = template_name && strcmp(template_name, "sla_warning") == 0, urgent = urgent_notice(template_name);
    if (!json_is_object(p) || (!warn && !urgent && (!template_name || strcmp(template_name, "supervision") != 0))) {
        json_decref(p);
        return -1;
    }
    /* Short: a text message is read on a phone, and long ones are split. */
    if (urgent)
        buf_printf(out, "【投诉工单紧急通报】%s：%s", str_of(p, "number"), notice_text(p));
    else if (warn)
        buf_printf(out, "【投诉工单预警】%s 的处理时限 %s 即将到期，请尽快处理。", str_of(p, "number"),
                   str_of(p, "deadline"));
    else
        buf_printf(out, "【投诉工单督办】%s 已超过时限 %s（%lld 级督办），请立即督促处理。", str_of(p, "number"),
                   str_of(p, "deadline"), (long long)json_integer_value(json_object_get(p, "level")));
    json_decref(p);
    return 0;
}

int deliver_webhook_body(const outbox_msg *m, int format, buf *out)
{
    json_t *p = payload_of(m->template_name, m->payload);
    if (!p)
        return -1;
    json_t *body;
    if (format == WEBHOOK_JSON) {
        body = json_pack("{s:s,s:s,s:I,s:O}", "id", m->key, "event", m->template_name, "created_at",
                         (json_int_t)m->created_at, "data", p);
    } else {
        /* A group robot's text message: WeCom and DingTalk take the same shape. */
        const char *rows[NROWS][2];
        buf text;
        buf_init(&text);
        dispatch_facts(p, &text, rows);
        for (int i = 0; i < NROWS; i++)
            if (*rows[i][1])
                buf_printf(&text, "\n%s：%s", rows[i][0], rows[i][1]);
        body = json_pack("{s:s,s:{s:s}}", "msgtype", "text", "text", "content", text.data);
        buf_release(&text);
    }
    char *s = json_dumps(body, JSON_COMPACT);
    buf_puts(out, s);
    free(s);
    json_decref(body);
    json_decref(p);
    return 0;
}

/* ---- libcurl ------------------------------------------------------------------- */

/*
 * One transfer of a batch: the easy handle and everything it points at,
 * alive until the batch's transfers have all ended (deliver_batch runs them
 * together on one multi handle, so that a slow receiver does not hold up
 * the others and connections to one host are reused).
 */
typedef struct xfer {
    CURL *h;
    struct curl_slist *headers, *rcpts;
    buf body;
    size_t off; /* SMTP: how much of body was read */
    char from[300], rcpt[300];
    char err[CURL_ERROR_SIZE];
    CURLcode rc;
    bool http; /* a webhook: a status outside 2xx fails it */
} xfer;

/* The time limits and error buffer of x's transfer (cfg's). */
static void limits(xfer *x, const deliver_config *cfg)
{
    curl_easy_setopt(x->h, CURLOPT_TIMEOUT, (long)cfg->timeout_s);
    curl_easy_setopt(x->h, CURLOPT_CONNECTTIMEOUT, (long)(cfg->timeout_s < 10 ? cfg->timeout_s : 10));
    curl_easy_setopt(x->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(x->h, CURLOPT_ERRORBUFFER, x->err);
    curl_easy_setopt(x->h, CURLOPT_PRIVATE, x);
}

/* What x's ended transfer came to: 0, or -1 with err; *code the reply code (SMTP) or status (HTTP), 0 when none. */
static int xfer_result(xfer *x, int *code, char *err, size_t errlen)
{
    long reply = 0;
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &reply);
    *code = (int)reply;
    if (x->rc != CURLE_OK) {
        snprintf(err, errlen, "%s", *x->err ? x->err : curl_easy_strerror(x->rc));
        return -1;
    }
    if (x->http && (*code < 200 || *code > 299)) {
        snprintf(err, errlen, "HTTP %d", *code);
        return -1;
    }
    return 0;
}

static void xfer_release(xfer *x)
{
    if (x->h)
        curl_easy_cleanup(x->h);
    curl_slist_free_all(x->headers);
    curl_slist_free_all(x->rcpts);
    buf_release(&x->body);
}

/* ---- HTTP (webhooks) ------------------------------------------------------------- */

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p, (void)arg;
    return size * n;
}

/* Sets x up to POST its body to url with its headers (a 2xx is success). -1 when libcurl cannot start. */
static int http_post(xfer *x, const deliver_config *cfg, const char *url)
{
    if (!(x->h = curl_easy_init()))
        return -1;
    x->http = true;
    curl_easy_setopt(x->h, CURLOPT_URL, url);
    curl_easy_setopt(x->h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(x->h, CURLOPT_POST, 1L);
    curl_easy_setopt(x->h, CURLOPT_POSTFIELDS, x->body.data);
    curl_easy_setopt(x->h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->body.len);
    curl_easy_setopt(x->h, CURLOPT_HTTPHEADER, x->headers);
    curl_easy_setopt(x->h, CURLOPT_WRITEFUNCTION, discard);
    limits(x, cfg);
    return 0;
}

/* ---- SMTP ------------------------------------------------------------------------ */

static size_t read_msg(char *to, size_t size, size_t n, void *arg)
{
    xfer *x = arg;
    size_t left = x->body.len - x->off, want = size * n;
    if (want > left)
        want = left;
    memcpy(to, x->body.data + x->off, want);
    x->off += want;
    return want;
}

/* Sets x up to send its body (the message) from cfg's sender to one address. -1 when libcurl cannot start. */
static int smtp_send(xfer *x, const deliver_config *cfg, const char *to)
{
    if (!(x->h = curl_easy_init()))
        return -1;
    snprintf(x->from, sizeof x->from, "<%s>", cfg->smtp_from);
    snprintf(x->rcpt, sizeof x->rcpt, "<%s>", to);
    x->rcpts = curl_slist_append(NULL, x->rcpt);
    curl_easy_setopt(x->h, CURLOPT_URL, cfg->smtp_url);
    if (cfg->smtp_user && *cfg->smtp_user) {
        curl_easy_setopt(x->h, CURLOPT_USERNAME, cfg->smtp_user);
        curl_easy_setopt(x->h, CURLOPT_PASSWORD, cfg->smtp_password ? cfg->smtp_password : "");
    }
    /* smtps:// is TLS from the start; smtp:// upgrades when the server offers STARTTLS. */
    curl_easy_setopt(x->h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    curl_easy_setopt(x->h, CURLOPT_MAIL_FROM, x->from);
    curl_easy_setopt(x->h, CURLOPT_MAIL_RCPT, x->rcpts);
    curl_easy_setopt(x->h, CURLOPT_READFUNCTION, read_msg);
    curl_easy_setopt(x->h, CURLOPT_READDATA, x);
    curl_easy_setopt(x->h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(x->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)x->body.len);
    limits(x, cfg);
    return 0;
}

/* ---- a pass ---------------------------------------------------------------------- */

static void rfc5322_date(int64_t t, char *out, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    snprintf(out, n, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The Message-ID of row m: the same on every attempt, unique by its key. */
static void message_id(const deliver_config *cfg, const outbox_msg *m, char *out, size_t n)
{
    const char *at = strchr(cfg->smtp_from, '@');
    int len = snprintf(out, n, "redress.%lld.", (long long)m->id);
    for (const char *k = m->key; *k && len + 1 < (int)n; k++)
        out[len++] = *k == '/' ? '.' : *k;
    out[len] = '\0';
    snprintf(out + len, n - (size_t)len, "@%s", at ? at + 1 : "redress.invalid");
}

/* What an attempt came to: 0 sent, -1 failed (code, err), or skip: a reason it is not made at all. */
typedef struct outcome {
    int rc;
    int code;
    char err[CURL_ERROR_SIZE + 32];
    const char *skip;
} outcome;

/*
 * The recipient of row m into u, reached through channel (NOTIFY_EMAIL or
 * NOTIFY_SMS): NULL, or why the row is not sent — nobody, an inactive
 * account, no address or number, or a person who wants none of these.
 */
static const char *recipient(app *a, const outbox_msg *m, user *u, unsigned channel)
{
    bool mail = channel == NOTIFY_EMAIL;
    /* An emergency the pack names people for (a rule's or a crisis's notice: 000 第十四条, 立即报告)
     * reaches their phone whatever their preference; routine messages follow it. */
    bool emergency = !mail && (strcmp(m->template_name, "rule_notify") == 0 ||
                               strcmp(m->template_name, "incident_opened") == 0);
    if (!m->recipient_user || store_user_get(a->db, NULL, m->recipient_user, u, NULL) != 0)
        return "no recipient";
    if (!u->active)
        return "the recipient's account is inactive";
    if (!(mail ? u->email : u->phone))
        return mail ? "the recipient has no e-mail address" : "the recipient has no phone number";
    if (!(u->notify & channel) && !emergency)
        return mail ? "the recipient does not want e-mail" : "the recipient does not want text messages";
    return NULL;
}

/* ---- the customer's own messages (app/custmsg.h) ---------------------------------- */

static bool to_customer(const outbox_msg *m)
{
    return strcmp(m->target, CUSTMSG_TARGET) == 0;
}

/* A sealed value of complaint id opened in clear into *text (heap, replaced); false when it cannot be (erased). */
static bool open_sealed(app *a, int64_t id, char **text)
{
    return app_pii_open_texts(a, NULL, &id, text, 1, true) == 0 && *text && strcmp(*text, PII_ANONYMISED) != 0;
}

/*
 * The phone (sms) or e-mail address (mail) of row m's complaint's customer,
 * opened, into *to (heap; the caller wipes and frees it): NULL, or why the
 * row is not sent.
 */
static const char *customer_address(app *a, const outbox_msg *m, bool mail, char **to)
{
    complaint c;
    complaint_init(&c);
    const char *why = NULL;
    *to = NULL;
    if (store_complaint_get(a->db, m->complaint_id, NULL, &c) != 0)
        why = "the complaint cannot be read";
    else {
        const char *sealed = json_string_value(json_object_get(json_object_get(c.data, "customer"), mail ? "email" : "phone"));
        *to = sealed && *sealed ? xstrdup(sealed) : NULL;
        if (!*to)
            why = mail ? "the customer has no e-mail address" : "the customer has no phone number";
        else if (!open_sealed(a, c.id, to))
            why = "the customer's data cannot be opened (erased)";
    }
    complaint_release(&c);
    return why;
}

/* Member key of payload p in clear into *out (heap; NULL when absent): a sealed one (a reply's text, a survey link) opened. */
static bool payload_text(app *a, const outbox_msg *m, const json_t *p, const char *key, char **out)
{
    const char *v = str_of(p, key);
    *out = *v ? xstrdup(v) : NULL;
    return !*out || !pii_is_sealed(*out) || open_sealed(a, m->complaint_id, out);
}

static void wipe(char *s)
{
    if (s) {
        sodium_memzero(s, strlen(s));
        free(s);
    }
}

/*
 * The customer's row m rendered (core/custmsg.h), its payload read and its
 * sealed parts opened once: the Chinese text into zh; with en, the English
 * one there (empty when it says nothing more); with subject, an e-mail's
 * subject naming the kind of work order. -1 when the pack has no template.
 */
static int customer_texts(app *a, const outbox_msg *m, buf *zh, buf *en, buf *subject)
{
    json_t *p = json_loads(m->payload ? m->payload : "", 0, NULL);
    char *content = NULL, *link = NULL;
    int rc = -1;
    if (payload_text(a, m, p, "content", &content) && payload_text(a, m, p, "link", &link)) {
        /* Rows queued before {type} existed name no kind: theirs is a complaint. */
        const char *type = *str_of(p, "type") ? str_of(p, "type") : "投诉";
        const char *type_en = *str_of(p, "type_en") ? str_of(p, "type_en") : "complaint";
        custmsg_vars v = {str_of(p, "number"), str_of(p, "promised"), link, content, type};
        app_enter(a); /* the templates of the pack in force when it is sent */
        const json_t *section = json_object_get(app_pol(a)->raw, "customer_messages");
        rc = custmsg_render(section, str_of(p, "kind"), "zh-CN", &v, zh);
        if (rc == 0 && en) {
            v.type = type_en;
            if (custmsg_render(section, str_of(p, "kind"), "en", &v, en) != 0 || strcmp(en->data, zh->data) == 0)
                buf_clear(en);
        }
        app_leave(a);
        if (rc == 0 && subject)
            buf_printf(subject, "您的%s %s (your %s %s)", type, str_of(p, "number"), type_en, str_of(p, "number"));
    }
    wipe(content);
    wipe(link);
    json_decref(p);
    return rc;
}

/* The e-mail of the customer's row m: its text in Chinese and in English, as plain text and HTML. */
static int customer_email(app *a, const outbox_msg *m, buf *subject, buf *text, buf *html)
{
    buf en;
    buf_init(&en);
    int rc = customer_texts(a, m, text, &en, subject);
    if (rc == 0 && en.len)
        buf_printf(text, "\n\n%s", en.data);
    buf_release(&en);
    if (rc)
        return rc;
    buf_puts(html, "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"></head><body><p>");
    for (const char *s = text->data; *s; s++) {
        if (*s == '\n')
            buf_puts(html, "<br>");
        else {
            char one[2] = {*s, 0};
            html_text(html, one);
        }
    }
    buf_puts(html, "</p></body></html>\n");
    return 0;
}

/* Renders the e-mail row m and sets x up to send it to its recipient's current address (or o->skip says why not). */
static void send_email(app *a, const deliver_config *cfg, const outbox_msg *m, int64_t now, outcome *o, xfer *x)
{
    user u = {0};
    char *customer = NULL;
    buf subject, text, html;
    buf_init(&subject);
    buf_init(&text);
    buf_init(&html);
    if (!cfg->smtp_url || !*cfg->smtp_url)
        o->skip = "no mail server is set (smtp-url)";
    else if (to_customer(m)) {
        if (!(o->skip = customer_address(a, m, true, &customer)) && customer_email(a, m, &subject, &text, &html))
            o->skip = "unknown template";
    } else if ((o->skip = recipient(a, m, &u, NOTIFY_EMAIL)))
        ;
    else if (deliver_render(m->template_name, m->payload, u.name, &subject, &text, &html))
        o->skip = "unknown template";
    if (!o->skip) {
        char date[64], mid[200];
        rfc5322_date(now, date, sizeof date);
        message_id(cfg, m, mid, sizeof mid);
        const char *to = customer ? customer : u.email;
        mime_mail mail = {.from = cfg->smtp_from,
                          .to = to,
                          .to_name = customer ? "" : u.name,
                          .subject = subject.data,
                          .date = date,
                          .message_id = mid,
                          .key = m->key,
                          .text = text.data,
                          .html = html.data,
                          .boundary = "=_redress_alt"};
        mime_build(&x->body, &mail);
        if (smtp_send(x, cfg, to)) {
            o->rc = -1;
            snprintf(o->err, sizeof o->err, "cannot start libcurl");
        }
    }
    wipe(customer);
    user_release(&u);
    buf_release(&subject);
    buf_release(&text);
    buf_release(&html);
}

/* The headers of a signed JSON POST of body at now (auth_sign) with its idempotency key. */
static struct curl_slist *signed_headers(const char *secret, int64_t now, const buf *body, const char *key)
{
    char sig[65], line[160];
    auth_sign(secret, now, body->data, body->len, sig);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
    snprintf(line, sizeof line, "X-Redress-Timestamp: %lld", (long long)now);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "X-Redress-Signature: sha256=%s", sig);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "Idempotency-Key: %s", key);
    h = curl_slist_append(h, line);
    return curl_slist_append(h, "Expect:"); /* no 100-continue round trip */
}

/*
 * The payload of a partner's status row m with the reply's content opened
 * (app/notify.h: the outbox keeps it sealed, as the step did; the partner
 * answers its customer with it). NULL when there is none to open, or it
 * could not be (*failed then).
 */
static char *opened_payload(app *a, const outbox_msg *m, bool *failed)
{
    *failed = false;
    if (strcmp(m->template_name, "status") != 0)
        return NULL;
    json_t *p = json_loads(m->payload ? m->payload : "", 0, NULL);
    json_t *reply = json_object_get(p, "reply");
    const char *content = json_string_value(json_object_get(reply, "content"));
    char *text = content ? xstrdup(content) : NULL, *out = NULL;
    if (text && app_pii_open_texts(a, NULL, &m->complaint_id, &text, 1, true) != 0)
        *failed = true;
    else if (text) {
        json_object_set_new(reply, "content", json_string(text));
        out = json_dumps(p, JSON_COMPACT);
    }
    free(text);
    json_decref(p);
    return out;
}

/* Sets x up to post the webhook row m, signed, to its webhook's current URL (or o->skip says why not). */
static void send_webhook(app *a, const deliver_config *cfg, const outbox_msg *m, int64_t now, outcome *o, xfer *x)
{
    webhook w = {0};
    int format = -1;
    bool failed;
    outbox_msg open = *m;
    char *opened = opened_payload(a, m, &failed);
    if (opened)
        open.payload = opened;
    if (failed) {
        o->rc = -1;
        snprintf(o->err, sizeof o->err, "cannot open the reply's text");
        return;
    }
    if (store_webhook_get(a->db, m->target, &w) != 0)
        o->skip = "the webhook was removed";
    else if ((format = notify_webhook_format(w.format)) < 0 || deliver_webhook_body(&open, format, &x->body))
        o->skip = "unknown template";
    free(opened);
    if (!o->skip) {
        x->headers = signed_headers(w.secret, now, &x->body, m->key);
        if (http_post(x, cfg, w.url)) {
            o->rc = -1;
            snprintf(o->err, sizeof o->err, "cannot start libcurl");
        }
    }
    webhook_release(&w);
}

/*
 * Sets x up to post the SMS row m to the gateway: {"id": its key, "to": the
 * recipient's phone, "text"}, signed with sms_secret like a webhook (or
 * o->skip says why not).
 */
static void send_sms(app *a, const deliver_config *cfg, const outbox_msg *m, int64_t now, outcome *o, xfer *x)
{
    user u = {0};
    char *customer = NULL;
    buf text;
    buf_init(&text);
    if (!cfg->sms_url || !*cfg->sms_url)
        o->skip = "no SMS gateway is set (sms-url)";
    else if (to_customer(m)) {
        if (!(o->skip = customer_address(a, m, false, &customer)) && customer_texts(a, m, &text, NULL, NULL))
            o->skip = "unknown template";
    } else if ((o->skip = recipient(a, m, &u, NOTIFY_SMS)))
        ;
    else if (deliver_sms_text(m->template_name, m->payload, &text))
        o->skip = "unknown template";
    if (!o->skip) {
        json_t *body = json_pack("{s:s,s:s,s:s}", "id", m->key, "to", customer ? customer : u.phone, "text", text.data);
        char *js = json_dumps(body, JSON_COMPACT);
        buf_puts(&x->body, js);
        free(js);
        json_decref(body);
        x->headers = signed_headers(cfg->sms_secret ? cfg->sms_secret : "", now, &x->body, m->key);
        if (http_post(x, cfg, cfg->sms_url)) {
            o->rc = -1;
            snprintf(o->err, sizeof o->err, "cannot start libcurl");
        }
    }
    wipe(customer);
    user_release(&u);
    buf_release(&text);
}

/* One claimed row's attempt and the end to record. */
typedef struct done {
    outcome o;
    outbox_attempt at;
    outbox_finish f;
} done;

/* Prepares the claimed row m's transfer in x (none when it is skipped or cannot start). */
static void deliver_prepare(app *a, const deliver_config *cfg, const outbox_msg *m, done *d, xfer *x)
{
    int64_t now = time_now();
    d->at = (outbox_attempt){.outbox_id = m->id, .at = now};
    buf_init(&x->body);
    if (strcmp(m->channel, "webhook") == 0)
        send_webhook(a, cfg, m, now, &d->o, x);
    else if (strcmp(m->channel, "sms") == 0)
        send_sms(a, cfg, m, now, &d->o, x);
    else
        send_email(a, cfg, m, now, &d->o, x);
}

/* Fills d with what to record of row m, whose transfer x has ended (ms: how long the batch's transfers took). */
static void deliver_finish(app *a, const deliver_config *cfg, const outbox_msg *m, done *d, xfer *x, double ms,
                           deliver_stats *st)
{
    int64_t now = time_now();
    outcome *o = &d->o;
    curl_off_t us = 0;
    if (!o->skip && x->h) {
        o->rc = xfer_result(x, &o->code, o->err, sizeof o->err);
        if (curl_easy_getinfo(x->h, CURLINFO_TOTAL_TIME_T, &us) == CURLE_OK)
            ms = (double)us / 1000.0; /* its own transfer, not the batch's */
    }
    d->at.latency_ms = (int)ms;
    d->at.code = o->code;
    d->f = (outbox_finish){.m = m, .next_at = m->next_at, .at = &d->at};
    if (o->skip) {
        d->f.status = "cancelled";
        d->f.error = o->skip;
        d->f.at = NULL;
        st->skipped++;
    } else if (o->rc == 0) {
        snprintf(d->at.result, sizeof d->at.result, "sent");
        d->f.status = "sent";
        d->f.sent_at = now;
        st->sent++;
        atomic_fetch_add(&a->notify_sent, 1);
    } else {
        snprintf(d->at.result, sizeof d->at.result, "failed");
        d->at.error = o->err;
        d->f.error = o->err;
        int tries = m->attempts + 1 - m->retry_base;
        d->f.status = notify_status_after_failure(&cfg->backoff, tries);
        d->f.next_at = now + notify_backoff_delay(&cfg->backoff, tries, randombytes_uniform(1000000) / 1e6);
        bool dead = strcmp(d->f.status, "dead") == 0;
        if (dead)
            st->dead++;
        else
            st->failed++;
        atomic_fetch_add(dead ? &a->notify_dead : &a->notify_failed, 1);
        /* Addresses and URLs stay out of the log: the row's id names the message. */
        log_warn("deliver: outbox row %lld: attempt %d failed (%s, code %d)%s", (long long)m->id, m->attempts + 1,
                 o->err, o->code, dead ? "; a dead letter now" : "");
    }
}

/* Runs the transfers of xs together until each has ended, its result in its rc. */
static void run_all(xfer *xs, size_t n)
{
    CURLM *multi = curl_multi_init();
    if (multi) /* no receiver gets more than half a batch at once */
        curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)(DELIVER_BATCH / 2));
    size_t added = 0;
    for (size_t i = 0; i < n; i++) {
        if (!xs[i].h)
            continue;
        if (multi && curl_multi_add_handle(multi, xs[i].h) == CURLM_OK)
            added++;
        else
            xs[i].rc = curl_easy_perform(xs[i].h); /* alone, the way it would have gone */
    }
    int running = (int)added;
    while (running > 0) {
        if (curl_multi_perform(multi, &running) != CURLM_OK)
            break;
        if (running > 0 && curl_multi_poll(multi, NULL, 0, 1000, NULL) != CURLM_OK)
            break;
    }
    CURLMsg *msg;
    int left;
    while (multi && (msg = curl_multi_info_read(multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        xfer *x = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        if (x)
            x->rc = msg->data.result;
    }
    for (size_t i = 0; multi && i < n; i++)
        if (xs[i].h)
            curl_multi_remove_handle(multi, xs[i].h);
    if (multi)
        curl_multi_cleanup(multi);
}

/*
 * Sends the claimed rows of l — their transfers together, so a slow
 * receiver holds up only itself — then records them all in one transaction.
 */
static void deliver_batch(app *a, const deliver_config *cfg, const outbox_list *l, deliver_stats *st)
{
    size_t n = l->n ? l->n : 1;
    done *d = xcalloc(n, sizeof *d);
    outbox_finish *f = xcalloc(n, sizeof *f);
    xfer *xs = xcalloc(n, sizeof *xs);
    for (size_t i = 0; i < l->n; i++) {
        deliver_prepare(a, cfg, &l->items[i], &d[i], &xs[i]);
        xs[i].rc = CURLE_FAILED_INIT; /* until the transfer says otherwise */
    }
    double t0 = time_mono_ms();
    run_all(xs, l->n);
    double ms = time_mono_ms() - t0;
    for (size_t i = 0; i < l->n; i++) {
        deliver_finish(a, cfg, &l->items[i], &d[i], &xs[i], ms, st);
        f[i] = d[i].f;
        xfer_release(&xs[i]);
    }
    int rc = store_outbox_finish_batch(a->db, f, l->n);
    for (size_t i = 0; i < l->n; i++) {
        if (f[i].rc == STORE_CONFLICT) {
            st->lost_claims++;
            log_warn("deliver: outbox row %lld was retried, cancelled or claimed again while it was sent",
                     (long long)l->items[i].id);
        }
    }
    if (rc)
        log_warn("deliver: cannot record %zu attempts; their rows are sent again after their lease", l->n);
    free(xs);
    free(f);
    free(d);
}

/*
 * The due rows of channel "internal": each becomes the in-app notices of
 * the people it reaches, stored with the row's end in one transaction
 * (app/inapp.h) — nothing leaves the process, so no attempt is recorded.
 */
static int deliver_inapp(app *a, const deliver_config *cfg, int64_t now, deliver_stats *st, size_t *n)
{
    outbox_list l = {0};
    int rc = store_outbox_claim(a->db, "internal", now, lease_of(cfg), DELIVER_BATCH, &l);
    for (size_t i = 0; i < l.n && !rc; i++) {
        rc = app_inapp_deliver(a, &l.items[i], now);
        if (rc == STORE_CONFLICT) {
            st->lost_claims++;
            rc = 0;
        } else if (!rc) {
            st->sent++;
        }
    }
    if (l.n > *n)
        *n = l.n;
    outbox_list_release(&l);
    return rc;
}

int deliver_run(app *a, const deliver_config *cfg, int64_t now, deliver_stats *st, size_t *n)
{
    *n = 0;
    /* E-mail only with a mail server, text messages only with a gateway; webhooks
     * always (they are configured one by one). */
    const char *channels[] = {cfg->smtp_url && *cfg->smtp_url ? "email" : NULL, "webhook",
                              cfg->sms_url && *cfg->sms_url ? "sms" : NULL};
    int rc = deliver_inapp(a, cfg, now, st, n);
    for (int k = 0; k < 3 && !rc; k++) {
        outbox_list l = {0};
        rc = channels[k] ? store_outbox_claim(a->db, channels[k], now, lease_of(cfg), DELIVER_BATCH, &l) : 0;
        if (rc)
            break;
        deliver_batch(a, cfg, &l, st);
        if (l.n > *n)
            *n = l.n;
        outbox_list_release(&l);
    }
    return rc;
}

/* ---- the deliverer thread -------------------------------------------------------- */

struct deliverer {
    app *a;
    deliver_config cfg;
    char *strings[6]; /* cfg's copies */
    worker w;
};

static void *deliverer_main(void *arg)
{
    deliverer *d = arg;
    bool failing = false;
    pthread_mutex_lock(&d->w.mu);
    for (;;) {
        pthread_mutex_unlock(&d->w.mu);
        size_t n = 0;
        deliver_stats st = {0};
        int rc = deliver_run(d->a, &d->cfg, time_now(), &st, &n);
        if (rc && !failing)
            log_warn("deliver: cannot claim from the outbox; trying again every second");
        failing = rc != 0;
        pthread_mutex_lock(&d->w.mu);
        if (d->w.stop)
            break;
        if (n == DELIVER_BATCH)
            continue; /* more may be due */
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += 1;
        while (!d->w.stop && pthread_cond_timedwait(&d->w.cv, &d->w.mu, &until) == 0)
            ;
        if (d->w.stop)
            break;
    }
    pthread_mutex_unlock(&d->w.mu);
    return NULL;
}

static void release(deliverer *d)
{
    for (int i = 0; i < 6; i++)
        free(d->strings[i]);
    free(d);
    curl_global_cleanup();
}

deliverer *deliverer_start(app *a, const deliver_config *cfg)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    deliverer *d = xcalloc(1, sizeof *d);
    d->a = a;
    d->cfg = *cfg;
    const char **fields[] = {&d->cfg.smtp_url,  &d->cfg.smtp_user, &d->cfg.smtp_password,
                             &d->cfg.smtp_from, &d->cfg.sms_url,   &d->cfg.sms_secret};
    for (int i = 0; i < 6; i++) {
        d->strings[i] = xstrdup(*fields[i] ? *fields[i] : "");
        *fields[i] = d->strings[i];
    }
    if (worker_start(&d->w, deliverer_main, d) != 0) {
        log_error("deliver: cannot start the deliverer");
        release(d);
        return NULL;
    }
    return d;
}

void deliverer_stop(deliverer *d)
{
    if (!d)
        return;
    worker_stop(&d->w);
    release(d);
}
