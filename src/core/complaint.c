/* complaint: see complaint.h. */
#include "core/complaint.h"
#include "util/jsonw.h"

#include <string.h>

static const char *status_names[ST__COUNT] = {
    "", "registered", "dispatched", "processing", "resolved", "replied", "revisited", "closed", "archived",
};
static const char *status_zh[ST__COUNT] = {
    "", "已登记", "已派单", "处理中", "已办结", "已答复", "已回访", "已结案", "已归档",
};
static const char *status_en[ST__COUNT] = {
    "", "Registered", "Dispatched", "Processing", "Resolved", "Replied", "Revisited", "Closed", "Archived",
};
static const char *stage_names[SG__COUNT] = {
    "", "dispatch", "handle", "reply", "revisit", "close", "archive", "done",
};

void complaint_init(complaint *c)
{
    memset(c, 0, sizeof *c);
    c->data = json_object();
}

void complaint_release(complaint *c)
{
    json_decref(c->data);
    c->data = NULL;
}

void complaint_copy(complaint *dst, const complaint *src)
{
    *dst = *src;
    dst->data = jsonw_copy(src->data);
}

const char *status_name(int st)
{
    return st > ST_NONE && st < ST__COUNT ? status_names[st] : "";
}

int status_parse(const char *s)
{
    for (int i = 1; i < ST__COUNT; i++)
        if (strcmp(s, status_names[i]) == 0)
            return i;
    return ST_NONE;
}

const char *status_label(int st, bool en)
{
    if (st <= ST_NONE || st >= ST__COUNT)
        return "";
    return en ? status_en[st] : status_zh[st];
}

int stage_of(int st)
{
    switch (st) {
    case ST_REGISTERED: return SG_DISPATCH;
    case ST_DISPATCHED:
    case ST_PROCESSING: return SG_HANDLE;
    case ST_RESOLVED: return SG_REPLY;
    case ST_REPLIED: return SG_REVISIT;
    case ST_REVISITED: return SG_CLOSE;
    case ST_CLOSED: return SG_ARCHIVE;
    case ST_ARCHIVED: return SG_DONE;
    default: return SG_NONE;
    }
}

const char *stage_name(int sg)
{
    return sg > SG_NONE && sg < SG__COUNT ? stage_names[sg] : "";
}

int stage_parse(const char *s)
{
    for (int i = 1; i < SG__COUNT; i++)
        if (strcmp(s, stage_names[i]) == 0)
            return i;
    return SG_NONE;
}

const char *complaint_diff(const complaint *a, const complaint *b)
{
#define CMP(f) if (a->f != b->f) return #f
#define CMPS(f) if (strcmp(a->f, b->f) != 0) return #f
    CMP(id);
    CMPS(number);
    CMP(status);
    CMP(level);
    CMPS(nature);
    CMPS(channel);
    CMPS(category);
    CMPS(phone);
    CMP(subject_unit);
    CMP(owner_unit);
    CMP(handler_unit);
    CMP(received_at);
    CMP(created_at);
    CMP(updated_at);
    CMP(closed_at);
    CMP(stage_due);
    CMP(overall_due);
    CMP(warn_at);
    CMP(next_check_at);
    CMP(first_contact);
    CMP(created_by);
    CMP(version);
    if (memcmp(a->head, b->head, sizeof a->head) != 0)
        return "head";
    if (!json_equal(a->data, b->data))
        return "data";
    return NULL;
#undef CMP
#undef CMPS
}
