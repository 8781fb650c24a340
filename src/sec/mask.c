/* mask: see mask.h. */
#include "sec/mask.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

/* Bytes of the UTF-8 character at s (1 for a stray byte). */
static size_t char_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    for (size_t i = 1; i < n; i++)
        if (!s[i])
            return i;
    return n;
}

/* The first `keep` characters of s into b, then "stars" once. */
static void keep_prefix(buf *b, const char *s, size_t keep, const char *stars)
{
    const char *p = s;
    for (size_t i = 0; i < keep && *p; i++)
        p += char_len(p);
    buf_append(b, s, (size_t)(p - s));
    buf_puts(b, stars);
}

static void mask_digits(buf *b, const char *digits, size_t n)
{
    if (n >= 11) {
        buf_append(b, digits, 3);
        buf_puts(b, "****");
        buf_append(b, digits + n - 4, 4);
    } else if (n > 4) {
        buf_puts(b, "****");
        buf_append(b, digits + n - 4, 4);
    } else {
        buf_puts(b, "****");
    }
}

static void mask_email(buf *b, const char *s, size_t len)
{
    const char *at = memchr(s, '@', len);
    if (!at || at == s) {
        buf_puts(b, "***");
        return;
    }
    buf_append(b, s, char_len(s));
    buf_puts(b, "***");
    buf_append(b, at, len - (size_t)(at - s));
}

char *mask_value(const char *field, const char *clear)
{
    buf b;
    buf_init(&b);
    if (!clear)
        clear = "";
    if (strcmp(field, "phone") == 0) {
        char digits[64];
        size_t n = 0;
        for (const char *p = clear; *p && n < sizeof digits - 1; p++)
            if (isdigit((unsigned char)*p))
                digits[n++] = *p;
        mask_digits(&b, digits, n);
    } else if (strcmp(field, "name") == 0) {
        keep_prefix(&b, clear, 1, "**");
    } else if (strcmp(field, "email") == 0) {
        mask_email(&b, clear, strlen(clear));
    } else if (strcmp(field, "plate") == 0) {
        keep_prefix(&b, clear, 2, "***");
    } else if (strcmp(field, "emergency_contact") == 0) {
        keep_prefix(&b, clear, 1, "***"); /* a name and a number: the family name alone */
    } else if (strcmp(field, "address") == 0) {
        keep_prefix(&b, clear, 6, "****");
    } else if (strcmp(field, "card_no") == 0 || strcmp(field, "account_no") == 0) {
        size_t n = strlen(clear);
        buf_puts(&b, "****");
        if (n > 8)
            buf_append(&b, clear + n - 4, 4);
    } else {
        buf_puts(&b, "***");
    }
    return buf_detach(&b, NULL);
}

static bool email_char(char c)
{
    return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-' || c == '+';
}

char *mask_text(const char *text, const char *name)
{
    buf b;
    buf_init(&b);
    size_t nlen = name ? strlen(name) : 0;
    const char *p = text;
    while (*p) {
        if (nlen && strncmp(p, name, nlen) == 0) {
            keep_prefix(&b, name, 1, "**");
            p += nlen;
            continue;
        }
        if (isdigit((unsigned char)*p)) {
            size_t n = strspn(p, "0123456789");
            if (n >= 7)
                mask_digits(&b, p, n);
            else
                buf_append(&b, p, n);
            p += n;
            continue;
        }
        if (email_char(*p)) {
            size_t n = 0;
            while (email_char(p[n]) || p[n] == '@')
                n++;
            const char *at = memchr(p, '@', n);
            if (at && at > p && memchr(at, '.', n - (size_t)(at - p))) {
                mask_email(&b, p, n);
                p += n;
                continue;
            }
            /* Not an address: go on character by character, so that the
             * digits inside "No.13800138000" are still found. */
        }
        size_t n = char_len(p);
        buf_append(&b, p, n);
        p += n;
    }
    return buf_detach(&b, NULL);
}
