/* links: see links.h. */
#include "core/links.h"

#include <string.h>

static const struct {
    const char *kind, *reverse;
    bool given; /* a caller may ask for it */
} kinds[] = {
    {"related", "related", true},         {"duplicate", "duplicated_by", true}, {"follow_on", "followed_by", true},
    {"repeat", "repeated_by", true},      {"duplicated_by", "duplicate", false}, {"followed_by", "follow_on", false},
    {"repeated_by", "repeat", false},
};

bool link_kind_ok(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
        if (kinds[i].given && strcmp(kinds[i].kind, kind) == 0)
            return true;
    return false;
}

const char *link_kind_reverse(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].kind, kind) == 0)
            return kinds[i].reverse;
    return kind;
}

bool link_has(const complaint *c, const char *kind, int64_t to)
{
    size_t i;
    const json_t *l;
    json_array_foreach(json_object_get(c->data, "links"), i, l)
    {
        const char *k = json_string_value(json_object_get(l, "kind"));
        if (k && strcmp(k, kind) == 0 && json_integer_value(json_object_get(l, "to")) == to)
            return true;
    }
    return false;
}

void link_event(const complaint *c, int64_t actor, int64_t now, const char *kind, int64_t to, const char *number,
                event *ev)
{
    event_head(c, actor, now, "link", ev);
    json_decref(ev->payload);
    ev->payload = json_pack("{s:s,s:I,s:s}", "kind", kind, "to", (json_int_t)to, "number", number);
}

void link_apply(complaint *c, const event *ev)
{
    const json_t *p = ev->payload;
    const char *kind = json_string_value(json_object_get(p, "kind"));
    int64_t to = json_integer_value(json_object_get(p, "to"));
    if (!kind || link_has(c, kind, to))
        return;
    json_t *links = json_object_get(c->data, "links");
    if (!json_is_array(links)) {
        links = json_array();
        json_object_set_new(c->data, "links", links);
    }
    json_array_append_new(links, json_pack("{s:s,s:I,s:O,s:I,s:I}", "kind", kind, "to", (json_int_t)to, "number",
                                           json_object_get(p, "number"), "at", (json_int_t)ev->at, "by",
                                           (json_int_t)ev->actor));
}
