/* custmsg: see custmsg.h. */
#include "core/custmsg.h"

#include <stdio.h>
#include <string.h>

static const char *const kinds[] = {"ack", "reply", "survey", "confirm", NULL};
static const char *const variables[] = {"number", "promised", "link", "content", "type", NULL};

static bool listed(const char *const *names, const char *s, size_t n)
{
    for (size_t i = 0; names[i]; i++)
        if (strlen(names[i]) == n && strncmp(names[i], s, n) == 0)
            return true;
    return false;
}

/* "HH:MM" into minutes of the day; -1 otherwise. */
static int clock_minutes(const json_t *v)
{
    const char *s = json_string_value(v);
    if (!s || strlen(s) != 5 || s[2] != ':')
        return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
    return h < 24 && m < 60 ? h * 60 + m : -1;
}

/* A template: text with known {variables} and balanced, unnested [optional parts]. */
static int check_template(const json_t *t, const char *path, cerr *e)
{
    const char *s = json_string_value(t);
    if (!s || !*s || strlen(s) > 1000)
        return cerr_set(e, "invalid_pack", path, "%s: expected a text of 1–1000 bytes", path);
    bool open = false;
    for (const char *p = s; *p; p++) {
        if (*p == '[' || *p == ']') {
            if ((*p == '[') == open)
                return cerr_set(e, "invalid_pack", path, "%s: unbalanced [ ]", path);
            open = !open;
        } else if (*p == '{') {
            const char *end = strchr(p, '}');
            if (!end || !listed(variables, p + 1, (size_t)(end - p - 1)))
                return cerr_set(e, "invalid_pack", path,
                                "%s: expected {number}, {promised}, {link}, {content} or {type} between braces", path);
            p = end;
        }
    }
    if (open)
        return cerr_set(e, "invalid_pack", path, "%s: unbalanced [ ]", path);
    return 0;
}

int custmsg_check(const json_t *section, cerr *e)
{
    static const char *const members[] = {"channels", "quiet_hours", "ack", "reply", "survey", "confirm", "notes", NULL};
    static const char *const channels[] = {"sms", "email", NULL};
    static const char *const langs[] = {"zh-CN", "en", NULL};
    const char *top = "customer_messages";
    char path[96];
    if (!section)
        return 0;
    if (!json_is_object(section))
        return cerr_set(e, "invalid_pack", top, "%s: expected {channels, quiet_hours, ack, reply}", top);
    if (cerr_members(e, section, top, members)) {
        if (e)
            e->code = "invalid_pack";
        return -1;
    }
    const json_t *ch = json_object_get(section, "channels"), *v;
    size_t i;
    snprintf(path, sizeof path, "%s.channels", top);
    if (!json_is_array(ch) || !json_array_size(ch))
        return cerr_set(e, "invalid_pack", path, "%s: expected a list of sms and email", path);
    json_array_foreach(ch, i, v)
    {
        const char *name = json_string_value(v);
        if (!name || !listed(channels, name, strlen(name)))
            return cerr_set(e, "invalid_pack", path, "%s: expected sms or email", path);
    }
    const json_t *q = json_object_get(section, "quiet_hours");
    snprintf(path, sizeof path, "%s.quiet_hours", top);
    if (q && (!json_is_object(q) || json_object_size(q) != 2 || clock_minutes(json_object_get(q, "from")) < 0 ||
              clock_minutes(json_object_get(q, "to")) < 0))
        return cerr_set(e, "invalid_pack", path, "%s: expected {\"from\": \"HH:MM\", \"to\": \"HH:MM\"}", path);
    for (size_t k = 0; kinds[k]; k++) {
        const json_t *t = json_object_get(section, kinds[k]);
        snprintf(path, sizeof path, "%s.%s", top, kinds[k]);
        if (!t)
            continue;
        if (!json_is_object(t) || !json_object_size(t))
            return cerr_set(e, "invalid_pack", path, "%s: expected {\"zh-CN\": text, \"en\": text}", path);
        if (cerr_members(e, t, path, langs)) {
            if (e)
                e->code = "invalid_pack";
            return -1;
        }
        for (size_t l = 0; langs[l]; l++) {
            char tp[112];
            snprintf(tp, sizeof tp, "%s.%s", path, langs[l]);
            if (json_object_get(t, langs[l]) && check_template(json_object_get(t, langs[l]), tp, e))
                return -1;
        }
    }
    return 0;
}

bool custmsg_sends(const json_t *section, const char *kind, const char *channel)
{
    if (!json_object_get(section, kind))
        return false;
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(section, "channels"), i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), channel) == 0)
            return true;
    }
    return false;
}

/* The value of the variable named by s[0..n), or NULL. */
static const char *value_of(const custmsg_vars *v, const char *s, size_t n)
{
    const char *const values[] = {v->number, v->promised, v->link, v->content, v->type};
    for (size_t i = 0; variables[i]; i++)
        if (strlen(variables[i]) == n && strncmp(variables[i], s, n) == 0)
            return values[i] && *values[i] ? values[i] : NULL;
    return NULL;
}

/* Appends s[0..n) with its variables filled; false when one of them has no value. */
static bool fill(const char *s, size_t n, const custmsg_vars *v, buf *out)
{
    bool all = true;
    for (size_t i = 0; i < n; i++) {
        const char *end = s[i] == '{' ? memchr(s + i, '}', n - i) : NULL;
        if (!end) {
            buf_putc(out, s[i]);
            continue;
        }
        const char *val = value_of(v, s + i + 1, (size_t)(end - s - i - 1));
        all = all && val;
        buf_puts(out, val ? val : "");
        i = (size_t)(end - s);
    }
    return all;
}

int custmsg_render(const json_t *section, const char *kind, const char *lang, const custmsg_vars *v, buf *out)
{
    const json_t *t = json_object_get(section, kind);
    const char *s = json_string_value(json_object_get(t, lang));
    if (!s)
        s = json_string_value(json_object_get(t, strcmp(lang, "en") == 0 ? "zh-CN" : "en"));
    if (!s)
        return -1;
    while (*s) {
        const char *open = strchr(s, '[');
        size_t plain = open ? (size_t)(open - s) : strlen(s);
        fill(s, plain, v, out);
        if (!open)
            break;
        const char *close = strchr(open, ']');
        size_t len = close ? (size_t)(close - open - 1) : strlen(open + 1);
        /* An optional part: kept only when each of its variables has a value. */
        buf part;
        buf_init(&part);
        if (fill(open + 1, len, v, &part))
            buf_append(out, part.data ? part.data : "", part.len);
        buf_release(&part);
        s = close ? close + 1 : open + 1 + len;
    }
    return 0;
}

int64_t custmsg_quiet_end(const json_t *section, int tz_offset_min, int64_t now)
{
    const json_t *q = json_object_get(section, "quiet_hours");
    int from = clock_minutes(json_object_get(q, "from")), to = clock_minutes(json_object_get(q, "to"));
    if (from < 0 || to < 0 || from == to)
        return now;
    int64_t local = now + (int64_t)tz_offset_min * 60;
    int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    int minute = (int)((local - day * 86400) / 60);
    bool inside = from < to ? minute >= from && minute < to : minute >= from || minute < to;
    if (!inside)
        return now;
    /* The end: "to" today, or tomorrow when the quiet hours run past midnight and it is evening. */
    int64_t end_day = from > to && minute >= from ? day + 1 : day;
    return end_day * 86400 + (int64_t)to * 60 - (int64_t)tz_offset_min * 60;
}
