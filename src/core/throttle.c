/* throttle: see throttle.h. */
#include "core/throttle.h"

int64_t throttle_wait(const throttle_state *s, int64_t now)
{
    return s->blocked_until > now ? s->blocked_until - now : 0;
}

bool throttle_stale(const throttle_rule *r, const throttle_state *s, int64_t now)
{
    return s->blocked_until <= now && s->last_at + r->forget <= now;
}

static int64_t delay(const throttle_rule *r, int failures)
{
    int64_t d = r->first_delay > 0 ? r->first_delay : 1;
    for (int k = r->limit; k < failures && d < r->max_delay; k++)
        d *= 2;
    return d < r->max_delay ? d : r->max_delay;
}

bool throttle_record(const throttle_rule *r, throttle_state *s, bool ok, int64_t now)
{
    if (!ok && throttle_wait(s, now) > 0)
        return true;
    if (ok || throttle_stale(r, s, now))
        *s = (throttle_state){0};
    if (ok)
        return false;
    s->failures++;
    s->last_at = now;
    if (r->limit <= 0 || s->failures < r->limit)
        return false;
    s->blocked_until = now + delay(r, s->failures);
    return true;
}
