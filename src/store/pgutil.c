/* pgutil: see pgutil.h. */
#include "store/pgutil.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

enum pg_failure pgutil_classify(const char *sqlstate, bool connection_bad)
{
    if (connection_bad)
        return PGF_LOST;
    if (!sqlstate || strlen(sqlstate) != 5)
        return PGF_ERROR;
    /* Class 23: integrity constraint violation (23505 unique, 23503 foreign key, …). */
    if (strncmp(sqlstate, "23", 2) == 0)
        return PGF_CONFLICT;
    /* 40001 serialization_failure, 40P01 deadlock_detected: nothing was written. */
    if (strcmp(sqlstate, "40001") == 0 || strcmp(sqlstate, "40P01") == 0)
        return PGF_RETRY;
    /*
     * Class 08: connection exceptions. 57P01–57P03: the server is shutting
     * down, crashed or is still starting. 25006 read_only_sql_transaction:
     * after a failover this connection reached a standby; a new connection
     * (target_session_attrs=read-write) finds the new primary.
     */
    if (strncmp(sqlstate, "08", 2) == 0 || strcmp(sqlstate, "57P01") == 0 || strcmp(sqlstate, "57P02") == 0 ||
        strcmp(sqlstate, "57P03") == 0 || strcmp(sqlstate, "25006") == 0)
        return PGF_LOST;
    return PGF_ERROR;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int unhex(const char *hex, size_t nbytes, uint8_t *out)
{
    for (size_t i = 0; i < nbytes; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int pgutil_bytea(const char *text, uint8_t *out, size_t n)
{
    if (!text || text[0] != '\\' || text[1] != 'x' || strlen(text + 2) != 2 * n)
        return -1;
    return unhex(text + 2, n, out);
}

uint8_t *pgutil_bytea_dup(const char *text, size_t *len)
{
    if (!text || text[0] != '\\' || text[1] != 'x')
        return NULL;
    size_t hex = strlen(text + 2);
    if (hex % 2)
        return NULL;
    uint8_t *out = xmalloc(hex / 2 + 1);
    if (unhex(text + 2, hex / 2, out)) {
        free(out);
        return NULL;
    }
    *len = hex / 2;
    return out;
}

void pgutil_int_array(buf *b, const int64_t *v, size_t n)
{
    buf_putc(b, '{');
    for (size_t i = 0; i < n; i++)
        buf_printf(b, i ? ",%lld" : "%lld", (long long)v[i]);
    buf_putc(b, '}');
}

void pgutil_text_array(buf *b, const char *const *v, size_t n)
{
    buf_putc(b, '{');
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(b, ',');
        buf_putc(b, '"');
        for (const char *p = v[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                buf_putc(b, '\\');
            buf_putc(b, *p);
        }
        buf_putc(b, '"');
    }
    buf_putc(b, '}');
}

void pgutil_ident(buf *b, const char *name)
{
    buf_putc(b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            buf_putc(b, '"');
        buf_putc(b, *p);
    }
    buf_putc(b, '"');
}
