/* imap: see imap.h. */
#include "util/imap.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "util/xalloc.h"

struct imap_session {
    CURL *h;
    char *base;   /* scheme://host[:port]/ */
    char *folder; /* the folder, URL-encoded as given */
    buf out;      /* what the last command answered */
    size_t max;   /* the most out may hold */
};

bool imap_url_ok(const char *url)
{
    if (!url || strlen(url) > 1000)
        return false;
    const char *h = strncmp(url, "imap://", 7) == 0 ? url + 7 : strncmp(url, "imaps://", 8) == 0 ? url + 8 : NULL;
    if (!h || !*h || *h == '/' || *h == ':')
        return false;
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == ';' || *p == '?' || *p == '#')
            return false;
    return true;
}

static size_t collect(char *p, size_t size, size_t n, void *arg)
{
    imap_session *s = arg;
    if (s->out.len + size * n > s->max)
        return 0; /* too much: the transfer fails */
    buf_append(&s->out, p, size * n);
    return size * n;
}

imap_session *imap_open(const char *url, const char *user, const char *password, int timeout_s)
{
    CURL *h = curl_easy_init();
    if (!h)
        return NULL;
    imap_session *s = xcalloc(1, sizeof *s);
    s->h = h;
    const char *host = strstr(url, "://") + 3;
    const char *slash = strchr(host, '/');
    s->base = slash ? xstrndup(url, (size_t)(slash + 1 - url)) : xasprintf("%s/", url);
    s->folder = xstrdup(slash && slash[1] ? slash + 1 : "INBOX");
    size_t k = strlen(s->folder);
    if (k && s->folder[k - 1] == '/')
        s->folder[k - 1] = '\0';
    buf_init(&s->out);
    curl_easy_setopt(h, CURLOPT_USERNAME, user);
    curl_easy_setopt(h, CURLOPT_PASSWORD, password);
    curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)timeout_s);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)timeout_s);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "imap,imaps");
    return s;
}

void imap_close(imap_session *s)
{
    if (!s)
        return;
    curl_easy_cleanup(s->h);
    free(s->base);
    free(s->folder);
    buf_release(&s->out);
    free(s);
}

/* Runs command (NULL: fetch the URL's message) on url, its answer in s->out (NUL-ended). */
static int run(imap_session *s, const char *url, const char *command, size_t max, char *err, size_t errlen)
{
    buf_clear(&s->out);
    s->max = max;
    curl_easy_setopt(s->h, CURLOPT_URL, url);
    curl_easy_setopt(s->h, CURLOPT_CUSTOMREQUEST, command);
    CURLcode rc = curl_easy_perform(s->h);
    buf_putc(&s->out, '\0');
    s->out.len--;
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "%s", rc == CURLE_WRITE_ERROR ? "the message is larger than allowed" : curl_easy_strerror(rc));
        return -1;
    }
    return 0;
}

/* The number after key in s->out ("UIDVALIDITY 123"), or -1. */
static int64_t number_after(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    if (!p)
        return -1;
    p += strlen(key);
    while (*p == ' ')
        p++;
    if (!isdigit((unsigned char)*p))
        return -1;
    return strtoll(p, NULL, 10);
}

int imap_status(imap_session *s, int64_t *uidvalidity, int64_t *uidnext, char *err, size_t errlen)
{
    char *cmd = xasprintf("STATUS \"%s\" (UIDVALIDITY UIDNEXT)", s->folder);
    int rc = run(s, s->base, cmd, 1 << 16, err, errlen);
    free(cmd);
    if (rc)
        return -1;
    *uidvalidity = number_after(s->out.data, "UIDVALIDITY");
    *uidnext = number_after(s->out.data, "UIDNEXT");
    if (*uidvalidity <= 0) {
        snprintf(err, errlen, "the server did not tell the folder's UIDVALIDITY");
        return -1;
    }
    return 0;
}

int imap_search(imap_session *s, int64_t after, int64_t **uids, size_t *n, char *err, size_t errlen)
{
    *uids = NULL;
    *n = 0;
    char *url = xasprintf("%s%s", s->base, s->folder);
    char *cmd = xasprintf("UID SEARCH UID %lld:*", (long long)after + 1);
    int rc = run(s, url, cmd, 1 << 24, err, errlen);
    free(url);
    free(cmd);
    if (rc)
        return -1;
    size_t cap = 0;
    for (const char *line = s->out.data; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, "* SEARCH", 8) != 0)
            continue;
        for (const char *p = line + 8; *p && *p != '\r' && *p != '\n';) {
            char *end;
            long long v = strtoll(p, &end, 10);
            if (end == p) {
                p++;
                continue;
            }
            p = end;
            /* "n:*" always answers the last message, even when it is below n. */
            if (v <= after)
                continue;
            if (*n == cap) {
                cap = cap ? cap * 2 : 16;
                *uids = xrealloc(*uids, cap * sizeof **uids);
            }
            (*uids)[(*n)++] = v;
        }
    }
    for (size_t i = 1; i < *n; i++) /* ascending (servers answer so; made sure) */
        for (size_t j = i; j > 0 && (*uids)[j - 1] > (*uids)[j]; j--) {
            int64_t t = (*uids)[j];
            (*uids)[j] = (*uids)[j - 1];
            (*uids)[j - 1] = t;
        }
    return 0;
}

/* Runs command (a printf format of one UID) on the folder. */
static int on_folder(imap_session *s, const char *format, int64_t uid, char *err, size_t errlen)
{
    char *url = xasprintf("%s%s", s->base, s->folder);
    char *cmd = xasprintf(format, (long long)uid);
    int rc = run(s, url, cmd, 1 << 16, err, errlen);
    free(url);
    free(cmd);
    return rc;
}

int imap_size(imap_session *s, int64_t uid, int64_t *size, bool *seen, char *err, size_t errlen)
{
    if (on_folder(s, "UID FETCH %lld (FLAGS RFC822.SIZE)", uid, err, errlen))
        return -1;
    *size = number_after(s->out.data, "RFC822.SIZE");
    const char *flags = strstr(s->out.data, "FLAGS (");
    const char *end = flags ? strchr(flags, ')') : NULL;
    const char *mark = flags ? strstr(flags, "\\Seen") : NULL;
    *seen = mark && end && mark < end;
    return 0;
}

int imap_unsee(imap_session *s, int64_t uid, char *err, size_t errlen)
{
    return on_folder(s, "UID STORE %lld -FLAGS.SILENT (\\Seen)", uid, err, errlen);
}

int imap_fetch(imap_session *s, int64_t uid, bool header_only, size_t max, buf *out, char *err, size_t errlen)
{
    char *url = xasprintf("%s%s;UID=%lld%s", s->base, s->folder, (long long)uid, header_only ? ";SECTION=HEADER" : "");
    int rc = run(s, url, NULL, max, err, errlen);
    free(url);
    if (rc == 0)
        buf_append(out, s->out.data, s->out.len);
    return rc;
}
