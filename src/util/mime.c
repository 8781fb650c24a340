/* mime: see mime.h. */
#include "util/mime.h"

#include <sodium.h>
#include <stdbool.h>
#include <string.h>

void mime_base64(buf *out, const void *p, size_t n)
{
    const unsigned char *b = p;
    /* 57 bytes make one 76-character line. */
    for (size_t i = 0; i < n; i += 57) {
        size_t len = n - i < 57 ? n - i : 57;
        char line[80];
        sodium_bin2base64(line, sizeof line, b + i, len, sodium_base64_VARIANT_ORIGINAL);
        buf_puts(out, line);
        buf_puts(out, "\r\n");
    }
}

static bool plain_ascii(const char *s)
{
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
            return false;
    return strstr(s, "=?") == NULL; /* text that looks like an encoded word is encoded */
}

/* The length of the UTF-8 character that starts with byte c (1 for a stray byte). */
static size_t char_len(unsigned char c)
{
    return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

void mime_header_text(buf *out, const char *s)
{
    if (plain_ascii(s)) {
        buf_puts(out, s);
        return;
    }
    /* "=?UTF-8?B?" + base64 + "?=" ≤ 75: at most 45 bytes (60 characters) a word. */
    size_t n = strlen(s), i = 0;
    bool first = true;
    while (i < n) {
        size_t len = 0;
        while (i + len < n) {
            size_t c = char_len((unsigned char)s[i + len]);
            if (i + len + c > n)
                c = n - i - len;
            if (len + c > 45)
                break;
            len += c;
        }
        char word[64];
        sodium_bin2base64(word, sizeof word, (const unsigned char *)s + i, len, sodium_base64_VARIANT_ORIGINAL);
        buf_printf(out, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", word);
        first = false;
        i += len;
    }
}

static void part(buf *out, const char *boundary, const char *type, const char *body)
{
    buf_printf(out, "--%s\r\nContent-Type: %s; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n", boundary,
               type);
    mime_base64(out, body, strlen(body));
}

void mime_build(buf *out, const mime_mail *m)
{
    buf_puts(out, "From: ");
    buf_puts(out, m->from);
    buf_puts(out, "\r\nTo: ");
    if (m->to_name && *m->to_name) {
        mime_header_text(out, m->to_name);
        buf_printf(out, " <%s>", m->to);
    } else {
        buf_puts(out, m->to);
    }
    buf_puts(out, "\r\nSubject: ");
    mime_header_text(out, m->subject);
    buf_printf(out, "\r\nDate: %s\r\nMessage-ID: <%s>\r\n", m->date, m->message_id);
    if (m->key)
        buf_printf(out, "X-Redress-Key: %s\r\n", m->key);
    buf_printf(out,
               "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n"
               "This is a message in MIME format.\r\n",
               m->boundary);
    part(out, m->boundary, "text/plain", m->text);
    part(out, m->boundary, "text/html", m->html);
    buf_printf(out, "--%s--\r\n", m->boundary);
}
