/* roles: see roles.h. */
#include "core/roles.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static const struct {
    unsigned bit;
    const char *name, *zh, *en;
} roles[] = {
    {R_AGENT, "agent", "座席员", "Agent"},
    {R_HANDLER, "handler", "处理人", "Handler"},
    {R_SUPERVISOR, "supervisor", "主管", "Supervisor"},
    {R_MANAGER, "manager", "管理层", "Manager"},
    {R_AUDITOR, "auditor", "质检", "Auditor"},
    {R_ADMIN, "admin", "管理员", "Administrator"},
};
enum { NROLES = sizeof roles / sizeof roles[0] };

unsigned role_parse(const char *name)
{
    for (size_t i = 0; i < NROLES; i++)
        if (strcmp(name, roles[i].name) == 0)
            return roles[i].bit;
    return 0;
}

const char *role_name(unsigned bit)
{
    for (size_t i = 0; i < NROLES; i++)
        if (roles[i].bit == bit)
            return roles[i].name;
    return "";
}

const char *role_label(unsigned bit, bool en)
{
    for (size_t i = 0; i < NROLES; i++)
        if (roles[i].bit == bit)
            return en ? roles[i].en : roles[i].zh;
    return "";
}

void roles_text(unsigned bits, char *out, size_t n)
{
    assert(out && n > 0);
    out[0] = '\0';
    for (size_t i = 0; i < NROLES; i++) {
        /* The table is in bit order, one bit each: the text is too. */
        assert(roles[i].bit == 1u << i);
        if (!(bits & roles[i].bit))
            continue;
        if (out[0])
            strncat(out, ",", n - strlen(out) - 1);
        strncat(out, roles[i].name, n - strlen(out) - 1);
    }
}

unsigned roles_parse(const char *text)
{
    unsigned bits = 0;
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%s", text ? text : "");
    char *save = NULL;
    for (char *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save))
        bits |= role_parse(t);
    return bits;
}
