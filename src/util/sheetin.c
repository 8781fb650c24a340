/* sheetin: see sheetin.h. */
#include "util/sheetin.h"

#include <assert.h>
#include <errno.h>
#include <expat.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "util/buf.h"
#include "util/xalloc.h"

enum { CHUNK = 16384 };

struct sheetin {
    bool xlsx;
    bool failed, ended;
    char err[160];
    /* the current row: its cells' text, NUL-separated, at the offsets */
    buf text;
    size_t off[SHEETIN_MAX_COLS];
    const char *cells[SHEETIN_MAX_COLS];
    size_t ncells;
    int64_t row;
    /* CSV */
    FILE *f;
    int64_t line; /* the line the reader is on, 1-based */
    long size;
    /* XLSX */
    zip_t *zip;
    zip_file_t *sheet;
    zip_uint64_t sheet_size, sheet_read;
    XML_Parser xp;
    char **sst; /* the shared strings */
    size_t nsst;
    unsigned char *is_date; /* per cell style (cellXfs index): a date format */
    size_t nstyles;
    struct fmt_code {
        long id;
        bool date;
    } custom[256]; /* while styles.xml is read: its custom number formats */
    size_t ncustom;
    bool in_xfs;
    /* the cell being parsed */
    int depth_t;     /* inside <v>, <t> of <is>, or a shared string's <t> */
    bool in_rph;     /* inside a phonetic run, left out */
    char ctype[12];  /* the cell's t attribute */
    long cstyle;     /* its s attribute */
    long ccol;       /* its column, 0-based */
    buf cell;        /* its text so far */
    bool row_done;   /* a </row> with cells was parsed (the parser is suspended) */
    bool in_row;
};

static int fail(sheetin *r, const char *fmt, const char *arg)
{
    if (!r->failed)
        snprintf(r->err, sizeof r->err, fmt, arg ? arg : "");
    r->failed = true;
    return -1;
}

static void row_reset(sheetin *r)
{
    buf_clear(&r->text);
    r->ncells = 0;
}

/* Appends a cell at column col (0-based), empty cells before it. */
static int row_cell(sheetin *r, long col, const char *s, size_t n)
{
    if (col < (long)r->ncells)
        return fail(r, "row %s: cells out of order", "");
    if (col >= SHEETIN_MAX_COLS)
        return fail(r, "more than 1024 columns%s", NULL);
    while ((long)r->ncells <= col) {
        r->off[r->ncells++] = r->text.len;
        if ((long)r->ncells <= col)
            buf_putc(&r->text, '\0');
    }
    buf_append(&r->text, s, n);
    buf_putc(&r->text, '\0');
    return 0;
}

static void row_finish(sheetin *r)
{
    for (size_t i = 0; i < r->ncells; i++)
        r->cells[i] = r->text.data + r->off[i];
}

/* ---- CSV ---------------------------------------------------------------------------------------- */

static int csv_next(sheetin *r)
{
    row_reset(r);
    int c = getc_unlocked(r->f);
    while (c == '\r' || c == '\n') { /* blank lines */
        if (c == '\n')
            r->line++;
        c = getc_unlocked(r->f);
    }
    if (c == EOF)
        return ferror(r->f) ? fail(r, "cannot read the file%s", NULL) : 0;
    r->row = r->line;
    buf cell;
    buf_init(&cell);
    int rc = 1;
    for (;;) {
        buf_clear(&cell);
        if (c == '"') {
            for (;;) {
                c = getc_unlocked(r->f);
                if (c == EOF) {
                    rc = fail(r, "a quoted cell is not closed%s", NULL);
                    goto out;
                }
                if (c == '"') {
                    c = getc_unlocked(r->f);
                    if (c != '"')
                        break;
                }
                if (c == '\n')
                    r->line++;
                buf_putc(&cell, (char)c);
                if (cell.len > SHEETIN_MAX_CELL) {
                    rc = fail(r, "a cell is longer than 64 KiB%s", NULL);
                    goto out;
                }
            }
        }
        while (c != ',' && c != '\n' && c != EOF) {
            if (c != '\r')
                buf_putc(&cell, (char)c);
            if (cell.len > SHEETIN_MAX_CELL) {
                rc = fail(r, "a cell is longer than 64 KiB%s", NULL);
                goto out;
            }
            c = getc_unlocked(r->f);
        }
        if (memchr(cell.data, '\0', cell.len)) {
            rc = fail(r, "a cell holds a NUL byte%s", NULL);
            goto out;
        }
        if (row_cell(r, (long)r->ncells, cell.data, cell.len)) {
            rc = -1;
            goto out;
        }
        if (c != ',')
            break;
        c = getc_unlocked(r->f);
    }
    if (c == '\n')
        r->line++;
    row_finish(r);
out:
    buf_release(&cell);
    return rc;
}

/* ---- XLSX ---------------------------------------------------------------------------------------- */

static const char *attr(const XML_Char **a, const char *name)
{
    for (; a && a[0]; a += 2)
        if (strcmp(a[0], name) == 0)
            return a[1];
    return NULL;
}

/* The local part of an element's name ("x:row" → "row"). */
static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

/* Reads all of member name through expat with the handlers; a missing member is no error when optional. */
static int parse_member(sheetin *r, const char *name, bool optional, XML_StartElementHandler st,
                        XML_EndElementHandler en, XML_CharacterDataHandler ch)
{
    zip_file_t *zf = zip_fopen(r->zip, name, 0);
    if (!zf)
        return optional ? 0 : fail(r, "not a workbook: %s is missing", name);
    XML_Parser p = XML_ParserCreate("UTF-8");
    XML_SetUserData(p, r);
    XML_SetElementHandler(p, st, en);
    XML_SetCharacterDataHandler(p, ch);
    char chunk[CHUNK];
    int rc = 0;
    for (;;) {
        zip_int64_t got = zip_fread(zf, chunk, sizeof chunk);
        if (got < 0 || XML_Parse(p, chunk, (int)(got > 0 ? got : 0), got == 0) == XML_STATUS_ERROR) {
            rc = fail(r, "%s is not well-formed XML", name);
            break;
        }
        if (got == 0 || r->failed)
            break;
    }
    XML_ParserFree(p);
    zip_fclose(zf);
    return r->failed ? -1 : rc;
}

/* xl/sharedStrings.xml: <si> of <t> runs (phonetic <rPh> runs left out). */
static void sst_start(void *u, const XML_Char *name, const XML_Char **a)
{
    (void)a;
    sheetin *r = u;
    const char *n = local(name);
    if (strcmp(n, "si") == 0)
        buf_clear(&r->cell);
    else if (strcmp(n, "rPh") == 0)
        r->in_rph = true;
    else if (strcmp(n, "t") == 0 && !r->in_rph)
        r->depth_t = 1;
}

static void sst_end(void *u, const XML_Char *name)
{
    sheetin *r = u;
    const char *n = local(name);
    if (strcmp(n, "t") == 0)
        r->depth_t = 0;
    else if (strcmp(n, "rPh") == 0)
        r->in_rph = false;
    else if (strcmp(n, "si") == 0) {
        if (r->nsst % 1024 == 0)
            r->sst = xrealloc(r->sst, (r->nsst + 1024) * sizeof *r->sst);
        r->sst[r->nsst++] = xstrndup(r->cell.data, r->cell.len);
        buf_clear(&r->cell);
    }
}

static void text(void *u, const XML_Char *s, int len)
{
    sheetin *r = u;
    if (!r->depth_t)
        return;
    if (r->cell.len + (size_t)len > SHEETIN_MAX_CELL) {
        fail(r, "a cell is longer than 64 KiB%s", NULL);
        return;
    }
    buf_append(&r->cell, s, (size_t)len);
}

/* A number format's code shows a date or a time: y, d, h or s outside quotes, brackets and escapes. */
static bool date_code(const char *code)
{
    for (const char *p = code; *p; p++) {
        if (*p == '"') {
            while (p[1] && p[1] != '"')
                p++;
            if (p[1])
                p++;
        } else if (*p == '[') {
            while (p[1] && p[1] != ']')
                p++;
        } else if (*p == '\\' && p[1]) {
            p++;
        } else if (strchr("yYdDhHsS", *p)) {
            return true;
        }
    }
    return false;
}

/* Excel's built-in date and time formats, the Chinese ones included (27–36, 50–58). */
static bool date_builtin(long id)
{
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

/* xl/styles.xml: the custom number formats, then each cellXfs <xf>'s numFmtId. */
static void sty_start(void *u, const XML_Char *name, const XML_Char **a)
{
    sheetin *r = u;
    const char *n = local(name);
    if (strcmp(n, "numFmt") == 0 && r->ncustom < 256) {
        const char *id = attr(a, "numFmtId"), *code = attr(a, "formatCode");
        if (id && code)
            r->custom[r->ncustom++] = (struct fmt_code){strtol(id, NULL, 10), date_code(code)};
    } else if (strcmp(n, "cellXfs") == 0) {
        r->in_xfs = true;
    } else if (strcmp(n, "xf") == 0 && r->in_xfs) {
        const char *ids = attr(a, "numFmtId");
        long id = ids ? strtol(ids, NULL, 10) : 0;
        bool date = date_builtin(id);
        for (size_t i = 0; i < r->ncustom; i++)
            if (r->custom[i].id == id)
                date = r->custom[i].date;
        if (r->nstyles % 64 == 0)
            r->is_date = xrealloc(r->is_date, r->nstyles + 64);
        r->is_date[r->nstyles++] = date;
    }
}

static void sty_end(void *u, const XML_Char *name)
{
    sheetin *r = u;
    if (strcmp(local(name), "cellXfs") == 0)
        r->in_xfs = false;
}

/* Excel's serial days (from 1899-12-30) as "YYYY-MM-DD HH:MM:SS"; -1 when out of range. */
static int serial_text(const char *v, char *out, size_t n)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || !(d >= 1 && d < 2958466)) /* 1900-01-01 .. 9999-12-31 */
        return -1;
    long long secs = (long long)(d * 86400.0 + 0.5);
    long long days = secs / 86400, rem = secs % 86400;
    /* days from 1899-12-30 to civil date (H. Hinnant's days_from_civil inverse) */
    long long z = days - 25569 + 719468; /* 1970-01-01 is serial 25569 */
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    long long dd = doy - (153 * mp + 2) / 5 + 1, mm = mp < 10 ? mp + 3 : mp - 9;
    y += mm <= 2;
    snprintf(out, n, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld", y, mm, dd, rem / 3600, rem / 60 % 60, rem % 60);
    return 0;
}

/* A cell reference's column ("BC12" → 54), or -1. */
static long ref_col(const char *ref)
{
    long col = 0;
    const char *p = ref;
    for (; *p >= 'A' && *p <= 'Z'; p++)
        if ((col = col * 26 + (*p - 'A' + 1)) > SHEETIN_MAX_COLS)
            return SHEETIN_MAX_COLS;
    return p == ref ? -1 : col - 1;
}

static void ws_start(void *u, const XML_Char *name, const XML_Char **a)
{
    sheetin *r = u;
    const char *n = local(name);
    if (strcmp(n, "row") == 0) {
        row_reset(r);
        r->in_row = true;
        const char *rn = attr(a, "r");
        r->row = rn ? strtoll(rn, NULL, 10) : r->row + 1;
    } else if (strcmp(n, "c") == 0 && r->in_row) {
        const char *t = attr(a, "t"), *s = attr(a, "s"), *ref = attr(a, "r");
        snprintf(r->ctype, sizeof r->ctype, "%s", t ? t : "n");
        r->cstyle = s ? strtol(s, NULL, 10) : 0;
        r->ccol = ref ? ref_col(ref) : (long)r->ncells;
        if (r->ccol < 0)
            fail(r, "a cell's reference \"%s\" is not a cell", ref);
        buf_clear(&r->cell);
    } else if ((strcmp(n, "v") == 0 || (strcmp(n, "t") == 0 && !r->in_rph)) && r->in_row) {
        r->depth_t = 1;
    } else if (strcmp(n, "rPh") == 0) {
        r->in_rph = true;
    }
}

static void ws_end(void *u, const XML_Char *name)
{
    sheetin *r = u;
    const char *n = local(name);
    if (strcmp(n, "v") == 0 || strcmp(n, "t") == 0) {
        r->depth_t = 0;
    } else if (strcmp(n, "rPh") == 0) {
        r->in_rph = false;
    } else if (strcmp(n, "c") == 0 && r->in_row && !r->failed) {
        const char *v = r->cell.data;
        char when[32];
        if (strcmp(r->ctype, "s") == 0) {
            char *end;
            long i = strtol(v, &end, 10);
            if (end == v || *end || i < 0 || (size_t)i >= r->nsst) {
                fail(r, "a shared string's index \"%s\" is out of range", v);
                return;
            }
            v = r->sst[i];
        } else if (strcmp(r->ctype, "b") == 0) {
            v = strcmp(v, "1") == 0 ? "TRUE" : "FALSE";
        } else if (strcmp(r->ctype, "n") == 0 && *v && r->cstyle >= 0 && (size_t)r->cstyle < r->nstyles &&
                   r->is_date[r->cstyle] && serial_text(v, when, sizeof when) == 0) {
            v = when;
        }
        row_cell(r, r->ccol, v, strlen(v));
    } else if (strcmp(n, "row") == 0 && r->in_row) {
        r->in_row = false;
        if (r->ncells && !r->failed) {
            r->row_done = true;
            XML_StopParser(r->xp, XML_TRUE);
        }
    }
}

/* The first worksheet: sheet1.xml, else the first member under xl/worksheets/. */
static const char *first_sheet(sheetin *r, char *name, size_t n)
{
    if (zip_name_locate(r->zip, "xl/worksheets/sheet1.xml", 0) >= 0)
        return "xl/worksheets/sheet1.xml";
    zip_int64_t count = zip_get_num_entries(r->zip, 0);
    for (zip_int64_t i = 0; i < count; i++) {
        const char *m = zip_get_name(r->zip, (zip_uint64_t)i, 0);
        size_t len = m ? strlen(m) : 0;
        if (m && strncmp(m, "xl/worksheets/", 14) == 0 && len > 18 && strcmp(m + len - 4, ".xml") == 0 &&
            !strchr(m + 14, '/')) {
            snprintf(name, n, "%s", m);
            return name;
        }
    }
    return NULL;
}

static int xlsx_open(sheetin *r)
{
    int rc = parse_member(r, "xl/sharedStrings.xml", true, sst_start, sst_end, text);
    if (rc == 0)
        rc = parse_member(r, "xl/styles.xml", true, sty_start, sty_end, NULL);
    if (rc)
        return rc;
    char other[256];
    const char *ws = first_sheet(r, other, sizeof other);
    if (!ws)
        return fail(r, "not a workbook: it has no worksheet%s", NULL);
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(r->zip, ws, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE))
        r->sheet_size = st.size;
    r->sheet = zip_fopen(r->zip, ws, 0);
    if (!r->sheet)
        return fail(r, "cannot read the worksheet %s", ws);
    r->xp = XML_ParserCreate("UTF-8");
    XML_SetUserData(r->xp, r);
    XML_SetElementHandler(r->xp, ws_start, ws_end);
    XML_SetCharacterDataHandler(r->xp, text);
    return 0;
}

static int xlsx_next(sheetin *r)
{
    r->row_done = false;
    XML_ParsingStatus ps;
    XML_GetParsingStatus(r->xp, &ps);
    if (ps.parsing == XML_SUSPENDED && XML_ResumeParser(r->xp) == XML_STATUS_ERROR)
        return fail(r, "the worksheet is not well-formed XML%s", NULL);
    while (!r->row_done && !r->failed) {
        XML_GetParsingStatus(r->xp, &ps);
        if (ps.parsing == XML_FINISHED)
            return 0;
        void *chunk = XML_GetBuffer(r->xp, CHUNK);
        zip_int64_t got = chunk ? zip_fread(r->sheet, chunk, CHUNK) : -1;
        if (got < 0)
            return fail(r, "cannot read the worksheet%s", NULL);
        r->sheet_read += (zip_uint64_t)got;
        if (XML_ParseBuffer(r->xp, (int)got, got == 0) == XML_STATUS_ERROR)
            return fail(r, "the worksheet is not well-formed XML%s", NULL);
        if (got == 0 && !r->row_done)
            return r->failed ? -1 : 0;
    }
    if (r->failed)
        return -1;
    row_finish(r);
    return 1;
}

/* ---- the interface -------------------------------------------------------------------------------- */

/* The archive of src (NULL: it could not be made). */
static sheetin *open_zip(sheetin *r, zip_source_t *src)
{
    if (!src) {
        fail(r, "cannot read the archive%s", NULL);
        return r;
    }
    zip_error_t ze;
    zip_error_init(&ze);
    r->zip = zip_open_from_source(src, ZIP_RDONLY, &ze);
    zip_error_fini(&ze);
    if (!r->zip) {
        zip_source_free(src);
        fail(r, "not a readable zip archive (XLSX)%s", NULL);
        return r;
    }
    r->xlsx = true;
    xlsx_open(r);
    return r;
}

static sheetin *alloc(void)
{
    sheetin *r = xcalloc(1, sizeof *r);
    buf_init(&r->text);
    buf_init(&r->cell);
    r->line = 1;
    return r;
}

/* CSV: the byte-order mark skipped. */
static void csv_start(sheetin *r)
{
    unsigned char bom[3];
    size_t got = fread(bom, 1, 3, r->f);
    if (!(got == 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF))
        rewind(r->f);
}

/* Moves a failed open's reason into err and frees r. */
static sheetin *opened(sheetin *r, char *err, size_t errlen)
{
    if (!r->failed)
        return r;
    snprintf(err, errlen, "%s", r->err);
    sheetin_close(r);
    return NULL;
}

sheetin *sheetin_open(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        sheetin *r = alloc();
        fail(r, "cannot open %s", path);
        return opened(r, err, errlen);
    }
    return sheetin_open_file(f, err, errlen);
}

/* A zip source over a seekable stream (libzip's own needs a file descriptor, which a stream over a spool has not). */
typedef struct stream_src {
    FILE *f;
    zip_uint64_t size;
    zip_error_t error;
} stream_src;

static zip_int64_t stream_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    stream_src *x = ud;
    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        return fseeko(x->f, 0, SEEK_SET) ? -1 : 0;
    case ZIP_SOURCE_READ: {
        size_t got = fread(data, 1, len, x->f);
        if (got < len && ferror(x->f)) {
            zip_error_set(&x->error, ZIP_ER_READ, EIO);
            return -1;
        }
        return (zip_int64_t)got;
    }
    case ZIP_SOURCE_CLOSE:
        return 0;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &x->error);
        if (!st)
            return -1;
        zip_stat_init(st);
        st->size = x->size;
        st->valid |= ZIP_STAT_SIZE;
        return sizeof *st;
    }
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&x->error, data, len);
    case ZIP_SOURCE_FREE:
        fclose(x->f);
        zip_error_fini(&x->error);
        free(x);
        return 0;
    case ZIP_SOURCE_SEEK: {
        zip_int64_t at = zip_source_seek_compute_offset((zip_uint64_t)ftello(x->f), x->size, data, len, &x->error);
        return at < 0 || fseeko(x->f, (off_t)at, SEEK_SET) ? -1 : 0;
    }
    case ZIP_SOURCE_TELL:
        return (zip_int64_t)ftello(x->f);
    case ZIP_SOURCE_SUPPORTS:
        return ZIP_SOURCE_SUPPORTS_SEEKABLE;
    default:
        zip_error_set(&x->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
}

sheetin *sheetin_open_file(FILE *f, char *err, size_t errlen)
{
    sheetin *r = alloc();
    r->f = f;
    unsigned char magic[4] = {0};
    size_t got = fread(magic, 1, 4, r->f);
    fseek(r->f, 0, SEEK_END);
    r->size = ftell(r->f);
    rewind(r->f);
    if (got == 4 && memcmp(magic, "PK\3\4", 4) == 0) {
        r->f = NULL; /* the zip reader's now, which closes it */
        stream_src *x = xcalloc(1, sizeof *x);
        *x = (stream_src){f, (zip_uint64_t)r->size, {0}};
        zip_error_init(&x->error);
        zip_source_t *src = zip_source_function_create(stream_cb, x, NULL);
        if (!src) {
            stream_cb(x, NULL, 0, ZIP_SOURCE_FREE);
            fail(r, "cannot read the file%s", NULL);
        } else {
            open_zip(r, src);
        }
    } else {
        csv_start(r);
    }
    return opened(r, err, errlen);
}

sheetin *sheetin_open_mem(const void *data, size_t n, char *err, size_t errlen)
{
    sheetin *r = alloc();
    if (n >= 4 && memcmp(data, "PK\3\4", 4) == 0) {
        open_zip(r, zip_source_buffer_create(data, n, 0, NULL));
    } else {
        r->size = (long)n;
        r->f = n ? fmemopen((void *)data, n, "rb") : fopen("/dev/null", "rb");
        if (!r->f)
            fail(r, "cannot read the data%s", NULL);
        else
            csv_start(r);
    }
    return opened(r, err, errlen);
}

int sheetin_next(sheetin *r, const char *const **cells, size_t *n, int64_t *row)
{
    if (r->failed)
        return -1;
    if (r->ended)
        return 0;
    int rc = r->xlsx ? xlsx_next(r) : csv_next(r);
    if (rc == 0)
        r->ended = true;
    if (rc != 1)
        return rc;
    assert(r->ncells > 0);
    *cells = r->cells;
    *n = r->ncells;
    *row = r->row;
    return 1;
}

const char *sheetin_error(const sheetin *r)
{
    return r->failed ? r->err : "";
}

const char *sheetin_kind(const sheetin *r)
{
    return r->xlsx ? "xlsx" : "csv";
}

double sheetin_progress(const sheetin *r)
{
    if (r->ended)
        return 1;
    double p = 0; /* an archive's stated size may be wrong: kept within 0–1 */
    if (r->xlsx && r->sheet_size)
        p = (double)r->sheet_read / (double)r->sheet_size;
    long at = !r->xlsx && r->f ? ftell(r->f) : 0;
    if (r->size > 0 && at > 0)
        p = (double)at / (double)r->size;
    return p < 0 ? 0 : p > 1 ? 1 : p;
}

void sheetin_close(sheetin *r)
{
    if (!r)
        return;
    if (r->f)
        fclose(r->f);
    if (r->xp)
        XML_ParserFree(r->xp);
    if (r->sheet)
        zip_fclose(r->sheet);
    if (r->zip)
        zip_discard(r->zip);
    for (size_t i = 0; i < r->nsst; i++)
        free(r->sst[i]);
    free(r->sst);
    free(r->is_date);
    buf_release(&r->text);
    buf_release(&r->cell);
    free(r);
}
