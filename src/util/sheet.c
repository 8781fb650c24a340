/* sheet: see sheet.h. */
#include "util/sheet.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "util/csv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

enum {
    WIDTH_MIN = 6,
    WIDTH_MAX = 60,
    XLSX_TEXT_MAX = 32767 /* a cell's characters in Excel; bytes here, which is stricter */
};

struct sheet {
    sheet_format fmt;
    sheet_col *cols;
    size_t ncols, col;
    uint32_t row; /* the row being written; 0 is the header */
    double *width;
    buf csv;
    lxw_workbook *wb;
    lxw_worksheet *ws, *notes;
    uint32_t notes_row;
    lxw_format *head, *pct, *yuan, *when, *wrap;
    char path[64];
    bool failed;
};

int sheet_format_parse(const char *s, sheet_format *f)
{
    if (s && strcmp(s, "csv") == 0)
        *f = SHEET_CSV;
    else if (s && strcmp(s, "xlsx") == 0)
        *f = SHEET_XLSX;
    else
        return -1;
    return 0;
}

const char *sheet_mime(sheet_format f)
{
    return f == SHEET_XLSX ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                           : "text/csv; charset=utf-8";
}

const char *sheet_ext(sheet_format f)
{
    return f == SHEET_XLSX ? "xlsx" : "csv";
}

/* How wide text shows: a character outside ASCII's one byte (Chinese, full-width
 * punctuation) takes about two columns, the other continuation bytes none. */
static double text_width(const char *s)
{
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x80)
            w += 1;
        else if (*p >= 0xE0)
            w += 2;
        else if (*p >= 0xC0)
            w += 1;
    }
    return w;
}

/* The current cell's column, and the next cell's position after it. */
static size_t cell(sheet *s, double width)
{
    size_t c = s->col;
    assert(c < s->ncols);
    if (width + 2 > s->width[c])
        s->width[c] = width + 2;
    if (++s->col == s->ncols) {
        s->col = 0;
        s->row++;
    }
    return c;
}

/* An XLSX worksheet name: no []:*?/\ and at most 31 bytes, cut on a character. */
static void sheet_name(const char *name, char *out, size_t outlen)
{
    size_t n = 0;
    for (const char *p = name && *name ? name : "Sheet1"; *p && n + 1 < outlen; p++)
        out[n++] = strchr("[]:*?/\\", *p) ? '_' : *p;
    out[n] = '\0';
    size_t cut = n < 31 ? n : 31;
    while (cut > 0 && ((unsigned char)out[cut] & 0xC0) == 0x80)
        cut--;
    out[cut] = '\0';
}

static bool xlsx_open(sheet *s, const char *name)
{
    const char *dir = getenv("TMPDIR");
    snprintf(s->path, sizeof s->path, "%s/redress-XXXXXX", dir && *dir && strlen(dir) < 40 ? dir : "/tmp");
    int fd = mkstemp(s->path);
    if (fd < 0)
        return false;
    close(fd);
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    if (!(s->wb = workbook_new_opt(s->path, &opt)))
        return false;
    char ws_name[64];
    sheet_name(name, ws_name, sizeof ws_name);
    if (!(s->ws = workbook_add_worksheet(s->wb, ws_name)))
        return false;
    s->head = workbook_add_format(s->wb);
    format_set_bold(s->head);
    format_set_bg_color(s->head, 0xE8EEF7);
    format_set_border(s->head, LXW_BORDER_THIN);
    s->pct = workbook_add_format(s->wb);
    format_set_num_format(s->pct, "0.0%");
    s->yuan = workbook_add_format(s->wb);
    format_set_num_format(s->yuan, "#,##0.00");
    s->when = workbook_add_format(s->wb);
    format_set_num_format(s->when, "yyyy-mm-dd hh:mm");
    s->wrap = workbook_add_format(s->wb);
    format_set_text_wrap(s->wrap);
    format_set_align(s->wrap, LXW_ALIGN_VERTICAL_TOP);
    worksheet_freeze_panes(s->ws, 1, 0);
    return true;
}

sheet *sheet_open(sheet_format f, const char *name, const sheet_col *cols, size_t ncols)
{
    assert(ncols > 0);
    sheet *s = xcalloc(1, sizeof *s);
    s->fmt = f;
    s->ncols = ncols;
    s->cols = xcalloc(ncols, sizeof *s->cols);
    s->width = xcalloc(ncols, sizeof *s->width);
    buf_init(&s->csv);
    for (size_t i = 0; i < ncols; i++) {
        s->cols[i].title = xstrdup(cols[i].title ? cols[i].title : "");
        s->cols[i].type = cols[i].type;
    }
    if (f == SHEET_CSV)
        buf_puts(&s->csv, "\xEF\xBB\xBF");
    else if (!xlsx_open(s, name))
        s->failed = true;
    for (size_t i = 0; i < ncols; i++) {
        if (f == SHEET_CSV) {
            csv_cell(&s->csv, s->cols[i].title, i == ncols - 1);
            cell(s, 0);
        } else if (!s->failed) {
            worksheet_write_string(s->ws, 0, (lxw_col_t)cell(s, text_width(s->cols[i].title)), s->cols[i].title,
                                   s->head);
        }
    }
    if (s->failed) {
        s->col = 0;
        s->row = 1;
    }
    return s;
}

/* Text cut to fit an XLSX cell, on a character boundary; *owned to free. */
static const char *xlsx_text(const char *v, char **owned)
{
    size_t n = strlen(v);
    *owned = NULL;
    if (n <= XLSX_TEXT_MAX)
        return v;
    while (n > XLSX_TEXT_MAX || ((unsigned char)v[n] & 0xC0) == 0x80)
        n--;
    return *owned = xstrndup(v, n);
}

void sheet_text(sheet *s, const char *v)
{
    v = v ? v : "";
    double w = text_width(v);
    if (s->fmt == SHEET_CSV) {
        csv_cell(&s->csv, v, s->col == s->ncols - 1);
        cell(s, 0);
        return;
    }
    uint32_t row = s->row;
    size_t c = cell(s, w < WIDTH_MAX ? w : WIDTH_MAX);
    if (s->failed)
        return;
    char *owned;
    const char *t = xlsx_text(v, &owned);
    if (worksheet_write_string(s->ws, row, (lxw_col_t)c, t, w > WIDTH_MAX ? s->wrap : NULL) != LXW_NO_ERROR)
        s->failed = true;
    free(owned);
}

void sheet_blank(sheet *s)
{
    sheet_text(s, "");
}

/* A number's cell: CSV writes text, XLSX the number in the column's format. */
static void number_cell(sheet *s, double v, const char *csv_text, lxw_format *fmt)
{
    if (s->fmt == SHEET_CSV) {
        /* Our own digits, not user text: written as they are, so -1 stays a number. */
        buf_puts(&s->csv, csv_text);
        buf_puts(&s->csv, s->col == s->ncols - 1 ? "\r\n" : ",");
        cell(s, 0);
        return;
    }
    uint32_t row = s->row;
    size_t c = cell(s, text_width(csv_text) + 1);
    if (!s->failed && worksheet_write_number(s->ws, row, (lxw_col_t)c, v, fmt) != LXW_NO_ERROR)
        s->failed = true;
}

void sheet_int(sheet *s, int64_t v)
{
    char t[32];
    snprintf(t, sizeof t, "%lld", (long long)v);
    number_cell(s, (double)v, t, NULL);
}

void sheet_number(sheet *s, double v)
{
    if (isnan(v)) {
        sheet_blank(s);
        return;
    }
    sheet_type type = s->cols[s->col].type;
    char t[48];
    lxw_format *fmt = NULL;
    if (type == SHEET_PERCENT) {
        snprintf(t, sizeof t, "%.2f%%", v * 100);
        fmt = s->pct;
    } else if (type == SHEET_YUAN) {
        snprintf(t, sizeof t, "%.2f", v);
        fmt = s->yuan;
    } else {
        snprintf(t, sizeof t, "%.10g", v);
    }
    number_cell(s, v, t, fmt);
}

void sheet_time(sheet *s, int64_t unix_s, int tz_offset_min)
{
    if (!unix_s) {
        sheet_blank(s);
        return;
    }
    int64_t local = unix_s + (int64_t)tz_offset_min * 60;
    int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int64_t secs = local - day * 86400, y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    char t[40];
    snprintf(t, sizeof t, "%04lld-%02u-%02u %02lld:%02lld", (long long)y, m, d, (long long)(secs / 3600),
             (long long)(secs / 60 % 60));
    /* Excel counts days from 1899-12-30: the Unix epoch is day 25569. */
    number_cell(s, (double)local / 86400.0 + 25569.0, t, s->when);
}

void sheet_note(sheet *s, const char *term, const char *text)
{
    if (s->fmt != SHEET_XLSX || s->failed)
        return;
    if (!s->notes) {
        if (!(s->notes = workbook_add_worksheet(s->wb, "说明"))) {
            s->failed = true;
            return;
        }
        worksheet_set_column(s->notes, 0, 0, 24, NULL);
        worksheet_set_column(s->notes, 1, 1, 100, s->wrap);
    }
    char *owned1, *owned2;
    const char *a = xlsx_text(term ? term : "", &owned1), *b = xlsx_text(text ? text : "", &owned2);
    if (worksheet_write_string(s->notes, s->notes_row, 0, a, s->head) != LXW_NO_ERROR ||
        worksheet_write_string(s->notes, s->notes_row, 1, b, s->wrap) != LXW_NO_ERROR)
        s->failed = true;
    s->notes_row++;
    free(owned1);
    free(owned2);
}

/* The finished workbook's bytes appended to out; 0 or -1. */
static int xlsx_close(sheet *s, buf *out)
{
    for (size_t i = 0; i < s->ncols && !s->failed; i++) {
        double w = s->width[i] < WIDTH_MIN ? WIDTH_MIN : s->width[i] > WIDTH_MAX ? WIDTH_MAX : s->width[i];
        worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i, w, NULL);
    }
    if (s->wb && workbook_close(s->wb) != LXW_NO_ERROR)
        s->failed = true;
    s->wb = NULL;
    FILE *f = s->failed || !*s->path ? NULL : fopen(s->path, "rb");
    int rc = f ? 0 : -1;
    size_t start = out->len;
    char chunk[16384];
    size_t n;
    while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(out, chunk, n);
    if (f && ferror(f)) {
        rc = -1;
        out->len = start;
        out->data[start] = '\0';
    }
    if (f)
        fclose(f);
    if (*s->path)
        unlink(s->path);
    return rc;
}

int sheet_close(sheet *s, buf *out)
{
    int rc = 0;
    if (s->fmt == SHEET_CSV)
        buf_append(out, s->csv.data, s->csv.len);
    else
        rc = xlsx_close(s, out);
    for (size_t i = 0; i < s->ncols; i++)
        free((char *)s->cols[i].title);
    free(s->cols);
    free(s->width);
    buf_release(&s->csv);
    free(s);
    return rc;
}
