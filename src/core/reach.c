/* reach: see reach.h. */
#include "core/reach.h"

#include "core/roles.h"

/* The lowest role bit of a non-empty set, to name one role in a message. */
static unsigned lowest(unsigned bits)
{
    return bits & -bits;
}

/* Whether unit lies in the scope of someone whose home unit is home. */
static bool in_scope(const org *o, int64_t home, int64_t unit_id)
{
    int64_t root = org_scope_root(o, home);
    return root && org_within(o, unit_id, root);
}

int reach_unit(const org *o, const reach_caller *by, int64_t unit_id, const char *field, cerr *e)
{
    const unit *root = org_find(o, org_scope_root(o, by->unit));
    bool ok = unit_id ? in_scope(o, by->unit, org_scope_root(o, unit_id)) : root && root->parent == 0;
    if (ok)
        return 0;
    if (!field)
        return cerr_set(e, "forbidden", NULL, "超出您的管辖范围 (outside your unit's scope)");
    return cerr_set(e, "forbidden", field, "%s: 超出您的管辖范围 (outside your unit's scope)", field);
}

int reach_roles(const reach_caller *by, unsigned roles, const char *field, cerr *e)
{
    unsigned beyond = by->token ? roles & ~by->roles : 0;
    if (!beyond)
        return 0;
    unsigned bit = lowest(beyond);
    return cerr_set(e, "forbidden", field, "%s: 您的令牌没有角色 %s，不能授予 (your token does not hold the role %s)",
                    field, role_name(bit), role_name(bit));
}

int reach_user(const org *o, const reach_caller *by, unsigned roles, int64_t home, cerr *e)
{
    return reach_unit(o, by, home, "unit", e) ? CERR_USER : reach_roles(by, roles, "roles", e);
}

int reach_user_change(const org *o, const reach_caller *by, bool self, unsigned old_roles, int64_t old_unit,
                      unsigned new_roles, int64_t new_unit, cerr *e)
{
    if (reach_unit(o, by, old_unit, NULL, e))
        return CERR_USER;
    if (new_unit != old_unit && reach_unit(o, by, new_unit, "unit", e))
        return CERR_USER;
    if ((new_roles != old_roles || new_unit != old_unit) && reach_roles(by, new_roles, "roles", e))
        return CERR_USER;
    if (self && (old_roles & R_ADMIN) && !(new_roles & R_ADMIN))
        return cerr_set(e, "validation_failed", "roles",
                        "roles: 不能移除自己的管理员角色 (you cannot remove your own admin role)");
    if (self && new_unit != old_unit && !in_scope(o, new_unit, org_scope_root(o, old_unit)))
        return cerr_set(e, "validation_failed", "unit",
                        "unit: 不能把自己调出自己的管辖范围 (you cannot move yourself out of your own scope)");
    return 0;
}

int reach_token(const org *o, const reach_caller *by, unsigned user_roles, int64_t user_unit, unsigned *roles,
                int64_t *unit_id, cerr *e)
{
    if (reach_unit(o, by, user_unit, "username", e))
        return CERR_USER;
    if (*roles & ~user_roles) {
        unsigned bit = lowest(*roles & ~user_roles);
        return cerr_set(e, "validation_failed", "roles",
                        "roles: 该用户没有角色 %s (the user does not hold the role %s)", role_name(bit),
                        role_name(bit));
    }
    if (*unit_id && !in_scope(o, user_unit, *unit_id))
        return cerr_set(e, "validation_failed", "unit", "unit: 超出该用户的管辖范围 (outside the user's scope)");
    if (*unit_id && reach_unit(o, by, *unit_id, "unit", e))
        return CERR_USER;
    if (by->token && !*roles)
        *roles = user_roles & by->roles;
    if (by->token && !*roles)
        return cerr_set(e, "forbidden", "roles",
                        "roles: 您的令牌与该用户没有共同的角色 (your token shares no role with the user)");
    return reach_roles(by, *roles, "roles", e);
}
