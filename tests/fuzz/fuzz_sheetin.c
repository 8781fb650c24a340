/*
 * fuzz_sheetin: util/sheetin, the reader of the ledgers an import takes in,
 * on any bytes — CSV, or XLSX when they start as a zip archive — and each
 * row it gives through a mapping (core/importmap) to an intake body. The
 * reader must end (a row, the end or a reason) without reading outside its
 * buffers, give every row at least one cell and no more than its limit,
 * and say how far it is between 0 and 1.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/importmap.h"
#include "util/jsonr.h"
#include "util/sheetin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char MAPPING[] =
    "{\"key\":\"编号\",\"fields\":{\"received_at\":\"受理时间\",\"channel\":\"渠道\",\"customer.name\":\"客户\","
    "\"closed_at\":\"结案时间\",\"nature\":\"性质\",\"on_time\":\"及时\",\"level\":\"等级\"},"
    "\"values\":{\"channel\":{\"电话\":\"phone\"}},\"defaults\":{\"customer.class\":\"ordinary\"},"
    "\"formats\":{\"received_at\":[\"%Y/%m/%d %H:%M\",\"%Y年%m月%d日\"],\"closed_at\":\"%Y-%m-%d\"}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[200];
    sheetin *r = sheetin_open_mem(data, size, err, sizeof err);
    if (!r)
        return 0;
    json_t *mj = jsonr_loads(MAPPING, NULL);
    cerr e = CERR_INIT;
    importmap *m = importmap_parse(mj, &e);
    assert(m);
    const char *const *cells;
    size_t n;
    int64_t row;
    int got, rows = 0;
    bool bound = false;
    while ((got = sheetin_next(r, &cells, &n, &row)) == 1 && rows++ < 10000) {
        assert(n >= 1 && n <= SHEETIN_MAX_COLS);
        for (size_t i = 0; i < n; i++)
            assert(cells[i] && strlen(cells[i]) <= SHEETIN_MAX_CELL);
        double p = sheetin_progress(r);
        assert(p >= 0 && p <= 1);
        if (!bound) {
            bound = importmap_bind(m, cells, n, &e) == 0;
            continue;
        }
        importmap_row out;
        importmap_row_make(m, cells, n, 480, &out, &e);
        importmap_row_release(&out);
    }
    assert(got != -1 || sheetin_error(r)[0]);
    importmap_free(m);
    json_decref(mj);
    sheetin_close(r);
    return 0;
}
