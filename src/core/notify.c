/* notify: see notify.h. */
#include "core/notify.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static bool domain_ok(const char *d)
{
    /* Labels of letters, digits and hyphens, dot-separated, at least two. */
    int labels = 0, len = 0;
    for (const char *p = d;; p++) {
        if (*p == '.' || *p == '\0') {
            if (len == 0 || len > 63 || p[-1] == '-')
                return false;
            labels++;
            len = 0;
            if (!*p)
                break;
            continue;
        }
        bool ok =
            (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || (*p == '-' && len > 0);
        if (!ok)
            return false;
        len++;
    }
    return labels >= 2;
}

bool notify_email_ok(const char *s)
{
    if (!s)
        return false;
    size_t n = strlen(s);
    const char *at = strchr(s, '@');
    if (n > 254 || !at || at == s || at - s > 64 || strchr(at + 1, '@'))
        return false;
    for (const char *p = s; p < at; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch <= ' ' || ch >= 0x7f || strchr("\"(),:;<>[\\]", ch))
            return false;
        if (ch == '.' && (p == s || p + 1 == at || p[1] == '.'))
            return false;
    }
    return domain_ok(at + 1);
}

bool notify_phone_ok(const char *s)
{
    if (!s)
        return false;
    const char *p = s;
    if (*p == '+')
        p++;
    int digits = 0;
    bool sep_ok = false; /* a separator may follow a digit only */
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            digits++;
            sep_ok = true;
        } else if ((*p == ' ' || *p == '-') && sep_ok && p[1] >= '0' && p[1] <= '9') {
            sep_ok = false;
        } else {
            return false;
        }
    }
    return digits >= 5 && digits <= 20;
}

static const char *const channel_names[] = {"email", "sms", NULL};

const char *notify_channel_name(int i)
{
    return i >= 0 && i < (int)(sizeof channel_names / sizeof *channel_names) ? channel_names[i] : NULL;
}

int notify_channels_parse(const char *s, unsigned *out)
{
    *out = 0;
    while (s && *s) {
        size_t len = strcspn(s, ",");
        int found = -1;
        for (int i = 0; channel_names[i]; i++)
            if (strlen(channel_names[i]) == len && strncmp(s, channel_names[i], len) == 0)
                found = i;
        if (found < 0 || (*out & (1u << found)))
            return -1;
        *out |= 1u << found;
        s += len;
        if (*s == ',' && *++s == '\0')
            return -1;
    }
    return 0;
}

void notify_channels_text(unsigned bits, char *out, size_t n)
{
    assert(n >= 16);
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; channel_names[i]; i++)
        if (bits & (1u << i))
            len += (size_t)snprintf(out + len, n - len, "%s%s", len ? "," : "", channel_names[i]);
}

int64_t notify_backoff_delay(const notify_backoff *b, int n, double jitter)
{
    assert(n >= 1 && jitter >= 0 && jitter < 1 && b->base >= 1 && b->cap >= b->base);
    int64_t d = b->base;
    for (int i = 1; i < n && d < b->cap; i++)
        d *= 2;
    if (d > b->cap)
        d = b->cap;
    int64_t spread = d - d / 2;
    d = d / 2 + (int64_t)(jitter * (double)(spread + 1));
    return d < 1 ? 1 : d;
}

const char *notify_status_after_failure(const notify_backoff *b, int tries)
{
    assert(tries >= 1 && b->max_attempts >= 1);
    return tries >= b->max_attempts ? "dead" : "failed";
}

bool notify_webhook_name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 32)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return false;
    return true;
}

bool notify_url_ok(const char *s)
{
    if (!s || strlen(s) > 2000)
        return false;
    const char *host = strncmp(s, "https://", 8) == 0 ? s + 8 : strncmp(s, "http://", 7) == 0 ? s + 7 : NULL;
    if (!host || !*host || *host == '/' || *host == ':')
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
            return false;
    return true;
}

int notify_webhook_format(const char *s)
{
    static const char *const names[] = {
        [WEBHOOK_JSON] = "json", [WEBHOOK_WECOM] = "wecom", [WEBHOOK_DINGTALK] = "dingtalk"};
    for (int i = 0; s && i < (int)(sizeof names / sizeof *names); i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}
