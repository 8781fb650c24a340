/* mailmsg: see mailmsg.h. */
#include "util/mailmsg.h"

#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "util/buf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void setup(void)
{
    g_mime_init();
}

/* A heap copy of s (any bytes, may be NULL) as valid UTF-8 without NUL or other control characters but tab and newline. */
static char *clean(const char *s, size_t n)
{
    if (!s)
        return xstrdup("");
    char *v = g_utf8_make_valid(s, (gssize)n);
    buf b;
    buf_init(&b);
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\t')
            buf_putc(&b, *p == '\t' ? ' ' : *p);
        else if (*p == '\r' && p[1] != '\n')
            buf_putc(&b, '\n');
    g_free(v);
    buf_putc(&b, '\0');
    return buf_detach(&b, NULL);
}

static char *clean0(const char *s)
{
    return clean(s, s ? strlen(s) : 0);
}

/* The decoded bytes of part (transfer encoding undone) into b. */
static void part_bytes(GMimePart *part, buf *b)
{
    GMimeDataWrapper *w = g_mime_part_get_content(part);
    if (!w)
        return;
    GMimeStream *mem = g_mime_stream_mem_new();
    g_mime_data_wrapper_write_to_stream(w, mem);
    GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    if (ba && ba->len)
        buf_append(b, ba->data, ba->len);
    g_object_unref(mem);
}

/* The text of a text part in UTF-8 (its charset converted; GB2312 read as GB18030, its superset). */
static char *part_text(GMimePart *part)
{
    buf raw;
    buf_init(&raw);
    part_bytes(part, &raw);
    const char *cs = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
    char *out = NULL;
    if (cs && raw.len && g_ascii_strcasecmp(cs, "utf-8") != 0 && g_ascii_strcasecmp(cs, "us-ascii") != 0) {
        const char *from = g_ascii_strcasecmp(cs, "gb2312") == 0 || g_ascii_strcasecmp(cs, "gbk") == 0 ||
                                   g_ascii_strcasecmp(cs, "x-gbk") == 0
                               ? "GB18030"
                               : g_mime_charset_iconv_name(cs);
        gsize written = 0;
        char *conv = g_convert_with_fallback(raw.data, (gssize)raw.len, "UTF-8", from, "?", NULL, &written, NULL);
        if (conv)
            out = clean(conv, written);
        g_free(conv);
    }
    if (!out)
        out = clean(raw.data, raw.len);
    buf_release(&raw);
    return out;
}

typedef struct walk {
    mailmsg *m;
    char *plain, *html;
    size_t cap;
} walk;

static void add_file(walk *w, GMimePart *part)
{
    GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
    char *type = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
    buf b;
    buf_init(&b);
    part_bytes(part, &b);
    if (w->m->n_parts == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 4;
        w->m->parts = xrealloc(w->m->parts, w->cap * sizeof *w->m->parts);
    }
    mail_part *p = &w->m->parts[w->m->n_parts++];
    p->name = clean0(g_mime_part_get_filename(part));
    p->type = clean0(type ? type : "application/octet-stream");
    p->n = b.len;
    p->data = (unsigned char *)buf_detach(&b, NULL);
    g_free(type);
}

static void visit(GMimeObject *parent, GMimeObject *obj, gpointer arg)
{
    (void)parent;
    walk *w = arg;
    if (!GMIME_IS_PART(obj))
        return;
    GMimePart *part = GMIME_PART(obj);
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    bool attached = g_mime_part_is_attachment(part) || g_mime_part_get_filename(part);
    if (!attached && ct && g_mime_content_type_is_type(ct, "text", "plain") && !w->plain)
        w->plain = part_text(part);
    else if (!attached && ct && g_mime_content_type_is_type(ct, "text", "html") && !w->html)
        w->html = part_text(part);
    else if (attached || !ct || !g_mime_content_type_is_type(ct, "text", "*"))
        add_file(w, part);
}

/* s cut to at most max characters, on a character's boundary. */
static void cut(char *s, size_t max)
{
    size_t chars = 0;
    for (char *p = s; *p; p++)
        if (((unsigned char)*p & 0xC0) != 0x80 && chars++ == max) {
            *p = '\0';
            return;
        }
}

int mailmsg_parse(const void *raw, size_t n, mailmsg *out, const char **why)
{
    pthread_once(&once, setup);
    *out = (mailmsg){0};
    *why = NULL;
    GMimeStream *st = g_mime_stream_mem_new_with_buffer(raw, n);
    GMimeParser *ps = g_mime_parser_new_with_stream(st);
    GMimeMessage *msg = g_mime_parser_construct_message(ps, NULL);
    g_object_unref(ps);
    g_object_unref(st);
    if (!msg) {
        *why = "unparseable";
        return -1;
    }
    InternetAddressList *from = g_mime_message_get_from(msg);
    InternetAddress *ad = from && internet_address_list_length(from) > 0 ? internet_address_list_get_address(from, 0)
                                                                         : NULL;
    const char *addr = ad && INTERNET_ADDRESS_IS_MAILBOX(ad) ? internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ad))
                                                             : NULL;
    if (!addr || !strchr(addr, '@') || strlen(addr) > 254) {
        g_object_unref(msg);
        *why = "no sender";
        return -1;
    }
    out->from_addr = clean0(addr);
    out->from_name = clean0(internet_address_get_name(ad));
    out->subject = clean0(g_mime_message_get_subject(msg));
    out->message_id = clean0(g_mime_message_get_message_id(msg));
    GDateTime *dt = g_mime_message_get_date(msg);
    out->date = dt ? (int64_t)g_date_time_to_unix(dt) : 0;
    if (out->date < 0)
        out->date = 0;
    walk w = {.m = out};
    GMimeObject *body = g_mime_message_get_mime_part(msg);
    if (body && GMIME_IS_MULTIPART(body))
        g_mime_multipart_foreach(GMIME_MULTIPART(body), visit, &w);
    else if (body)
        visit(NULL, body, &w);
    if (w.plain && *w.plain) {
        out->text = w.plain;
        w.plain = NULL;
    } else if (w.html) {
        out->text = mailmsg_html_text(w.html, strlen(w.html));
    } else {
        out->text = xstrdup("");
    }
    free(w.plain);
    free(w.html);
    cut(out->text, MAILMSG_TEXT_MAX);
    g_object_unref(msg);
    return 0;
}

void mailmsg_release(mailmsg *m)
{
    free(m->from_addr);
    free(m->from_name);
    free(m->subject);
    free(m->message_id);
    free(m->text);
    for (size_t i = 0; i < m->n_parts; i++) {
        free(m->parts[i].name);
        free(m->parts[i].type);
        free(m->parts[i].data);
    }
    free(m->parts);
    *m = (mailmsg){0};
}

/* ---- HTML to text ----------------------------------------------------------------------- */

static bool tag_is(const char *p, const char *end, const char *name)
{
    size_t k = strlen(name);
    return (size_t)(end - p) > k && g_ascii_strncasecmp(p, name, k) == 0 && !isalnum((unsigned char)p[k]);
}

/* The entity at p (after '&') appended to b; returns the bytes it took, 0 when it is none. */
static size_t entity(const char *p, const char *end, buf *b)
{
    static const struct {
        const char *name, *text;
    } named[] = {{"amp;", "&"}, {"lt;", "<"}, {"gt;", ">"}, {"quot;", "\""}, {"apos;", "'"}, {"nbsp;", " "}};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        size_t k = strlen(named[i].name);
        if ((size_t)(end - p) >= k && memcmp(p, named[i].name, k) == 0) {
            buf_puts(b, named[i].text);
            return k;
        }
    }
    if (p < end && *p == '#') {
        const char *q = p + 1;
        int base = q < end && (*q == 'x' || *q == 'X') ? (q++, 16) : 10;
        unsigned long cp = 0;
        const char *d = q;
        while (q < end && q - d < 8 && (base == 16 ? isxdigit((unsigned char)*q) : isdigit((unsigned char)*q)))
            cp = cp * (unsigned long)base + (unsigned long)g_ascii_xdigit_value(*q++);
        if (q > d && q < end && *q == ';' && cp >= 0x20 && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF)) {
            char u[8];
            int k = g_unichar_to_utf8((gunichar)cp, u);
            buf_append(b, u, (size_t)k);
            return (size_t)(q + 1 - p);
        }
    }
    return 0;
}

char *mailmsg_html_text(const char *html, size_t n)
{
    buf b;
    buf_init(&b);
    const char *p = html, *end = html + n;
    while (p < end) {
        if (*p == '<') {
            const char *q = p + 1;
            bool closing = q < end && *q == '/';
            if (closing)
                q++;
            const char *skip_to = NULL;
            if (!closing && tag_is(q, end, "script"))
                skip_to = "</script";
            else if (!closing && tag_is(q, end, "style"))
                skip_to = "</style";
            if (tag_is(q, end, "br") || tag_is(q, end, "p") || tag_is(q, end, "div") || tag_is(q, end, "tr") ||
                tag_is(q, end, "li") || tag_is(q, end, "h1") || tag_is(q, end, "h2") || tag_is(q, end, "h3"))
                buf_putc(&b, '\n');
            const char *gt = memchr(p, '>', (size_t)(end - p));
            p = gt ? gt + 1 : end;
            if (skip_to) {
                const char *e = g_strstr_len(p, end - p, skip_to);
                const char *gt2 = e ? memchr(e, '>', (size_t)(end - e)) : NULL;
                p = gt2 ? gt2 + 1 : end;
            }
        } else if (*p == '&') {
            size_t k = entity(p + 1, end, &b);
            if (!k)
                buf_putc(&b, '&');
            p += 1 + k;
        } else if (*p == '\r' || *p == '\n' || *p == '\t') {
            buf_putc(&b, ' ');
            p++;
        } else {
            buf_putc(&b, *p++);
        }
    }
    /* Lines trimmed, runs of spaces and of empty lines made one. */
    buf_putc(&b, '\0');
    buf o;
    buf_init(&o);
    bool space = false;
    int newlines = 2;
    for (const char *s = b.data; *s; s++) {
        if (*s == ' ') {
            space = true;
            continue;
        }
        if (*s == '\n') {
            space = false;
            if (newlines < 2)
                buf_putc(&o, '\n');
            newlines++;
            continue;
        }
        if (space && newlines == 0)
            buf_putc(&o, ' ');
        space = false;
        newlines = 0;
        buf_putc(&o, *s);
    }
    while (o.len && o.data[o.len - 1] == '\n')
        o.len--;
    buf_putc(&o, '\0');
    buf_release(&b);
    char *r = clean(o.data, o.len ? o.len - 1 : 0);
    buf_release(&o);
    return r;
}

int mailmsg_number(const char *subject, const char *prefix, char *out, size_t outlen)
{
    size_t k = strlen(prefix);
    for (const char *p = subject; k && (p = strstr(p, prefix)) != NULL; p++) {
        const char *q = p + k;
        size_t d = 0;
        while (d < 8 && isdigit((unsigned char)q[d]))
            d++;
        if (d != 8 || q[8] != '-')
            continue;
        size_t s = 0;
        while (s < 7 && isdigit((unsigned char)q[9 + s]))
            s++;
        if (s < 1 || s > 6 || (p > subject && isalnum((unsigned char)p[-1])))
            continue;
        size_t len = k + 9 + s;
        if (len >= outlen)
            return -1;
        memcpy(out, p, len);
        out[len] = '\0';
        return 0;
    }
    return -1;
}
