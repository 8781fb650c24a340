/*
 * seed: fills the search index of a benchmark database (bench/search/run.sh)
 * whose synthetic complaints bench/seed.sql made (numbers BN…). Each gets a
 * Chinese description of about 300 characters — phrases of complaints at
 * fuel stations, with some characters at random, the benchmark's words at
 * known rates — and its phone; their terms are keyed with the database's
 * own search key (opened with its master key, as the server does), sorted
 * and written in one transaction straight into SQLite, the way an intake
 * would have written them one by one. BENCH_RECENT=N leaves the newest N
 * complaints in the index's recent level instead (one packed row each, as
 * an intake writes it), as if the merger had fallen N behind.
 * BENCH_PREFIX (default BN) names the numbers to index, BENCH_CHARS (default
 * 300) the length of each description: the pages' benchmark indexes a
 * million complaints (BR…, bench/reports/seed.sql) with shorter ones, whose
 * benchmark words keep their rates, so a search reads as long a list.
 *
 *   seed DB_PATH KEY_FILE
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/pii.h"
#include "core/search.h"

static const char *const phrases[] = {
    "加油员态度恶劣", "拒绝开具发票", "汽油质量有问题", "车辆加油后发动机故障", "加油机计量不准",
    "收银员多收费用", "便利店商品过期", "洗车服务不满意", "积分没有到账", "会员卡无法使用",
    "排队时间过长", "站内卫生很差", "油枪漏油弄脏衣服", "没有按规定找零", "促销活动不兑现",
    "客户要求赔偿损失", "投诉处理太慢", "电话一直无人接听", "工作人员吸烟", "加错了汽油型号",
    "发票抬头开错", "支付宝付款失败", "微信支付重复扣款", "加油卡余额不对", "夜间不营业",
    "停车位被占用", "卫生间没有纸", "油价与公示不符", "加油量不足", "服务人员推销过度",
    "客户情绪激动", "要求站长道歉", "已经多次反映", "希望尽快处理", "如不处理将向媒体反映",
};
static const char pool[] = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
                           "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当"
                           "使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你"
                           "明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果";

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A description of about 300 characters into out. */
static void describe(char *out, size_t cap, uint64_t id, size_t length)
{
    size_t n = 0, chars = 0, npool = (sizeof pool - 1) / 3;
    out[0] = '\0';
    /* The benchmark's words: 油品 (two characters) in 10 % of the complaints, 质量问题 (a phrase of four) in 1 %. */
    if (id % 10 == 3)
        n += (size_t)snprintf(out + n, cap - n, "油品");
    if (id % 100 == 7)
        n += (size_t)snprintf(out + n, cap - n, "质量问题");
    while (chars < length && n + 64 < cap) {
        if (next() % 10 < 7) {
            const char *p = phrases[next() % (sizeof phrases / sizeof phrases[0])];
            n += (size_t)snprintf(out + n, cap - n, "%s，", p);
            chars += strlen(p) / 3 + 1;
        } else {
            size_t k = next() % npool;
            memcpy(out + n, pool + 3 * k, 3);
            n += 3;
            chars++;
        }
    }
    out[n] = '\0';
}

typedef struct row {
    int64_t term;
    int32_t id, tf;
} row;

static int by_term_id(const void *a, const void *b)
{
    const row *x = a, *y = b;
    if (x->term != y->term)
        return x->term < y->term ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: seed DB_PATH KEY_FILE\n");
        return 2;
    }
    char url[1024], err[512];
    snprintf(url, sizeof url, "sqlite:%s", argv[1]);
    app a;
    if (app_open(&a, url, true, err, sizeof err) || app_pii_open(&a, argv[2], NULL, false, err, sizeof err)) {
        fprintf(stderr, "seed: %s\n", err);
        return 1;
    }
    uint8_t key[SEARCH_KEY_BYTES];
    memcpy(key, a.search_key, sizeof key);
    app_close(&a);

    sqlite3 *db;
    if (sqlite3_open(argv[1], &db) != SQLITE_OK)
        return 1;
    const char *prefix = getenv("BENCH_PREFIX") ? getenv("BENCH_PREFIX") : "BN";
    size_t length = getenv("BENCH_CHARS") ? (size_t)atol(getenv("BENCH_CHARS")) : 300;
    char like[16];
    snprintf(like, sizeof like, "%.8s%%", prefix);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "SELECT id, number, phone FROM complaints WHERE number LIKE ? ORDER BY id", -1, &st, NULL);
    sqlite3_bind_text(st, 1, like, -1, SQLITE_TRANSIENT);
    size_t cap = 1 << 20, n = 0, docs = 0;
    row *rows = malloc(cap * sizeof *rows);
    const char *recent_env = getenv("BENCH_RECENT");
    int64_t recent = recent_env ? atoll(recent_env) : 0, first_recent = INT64_MAX;
    sqlite3_stmt *mx;
    sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(id), 0) FROM complaints WHERE number LIKE ?", -1, &mx, NULL);
    sqlite3_bind_text(mx, 1, like, -1, SQLITE_TRANSIENT);
    if (recent > 0 && sqlite3_step(mx) == SQLITE_ROW)
        first_recent = sqlite3_column_int64(mx, 0) - recent + 1;
    sqlite3_finalize(mx);
    sqlite3_stmt *doc, *rec;
    sqlite3_exec(db, "PRAGMA synchronous = OFF; BEGIN; DROP INDEX IF EXISTS search_terms_complaint", NULL, NULL,
                 NULL);
    sqlite3_prepare_v2(db, "INSERT INTO search_docs (complaint_id, len) VALUES (?, ?)", -1, &doc, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO search_recent (complaint_id, terms) VALUES (?, ?)", -1, &rec, NULL);
    char text[4096];
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        search_terms t;
        search_terms_init(&t);
        describe(text, sizeof text, (uint64_t)id, length);
        search_terms_add(&t, key, text);
        search_terms_add(&t, key, (const char *)sqlite3_column_text(st, 1));
        search_terms_add(&t, key, (const char *)sqlite3_column_text(st, 2));
        search_terms_done(&t);
        if (id >= first_recent) {
            size_t bytes;
            unsigned char *packed = search_terms_pack(&t, &bytes);
            sqlite3_bind_int64(rec, 1, id);
            sqlite3_bind_blob(rec, 2, packed, (int)bytes, SQLITE_TRANSIENT);
            sqlite3_step(rec);
            sqlite3_reset(rec);
            free(packed);
        }
        for (size_t i = 0; id < first_recent && i < t.n; i++) {
            if (n == cap)
                rows = realloc(rows, (cap *= 2) * sizeof *rows);
            rows[n++] = (row){t.v[i].term, (int32_t)id, t.v[i].tf};
        }
        sqlite3_bind_int64(doc, 1, id);
        sqlite3_bind_int64(doc, 2, t.len);
        sqlite3_step(doc);
        sqlite3_reset(doc);
        search_terms_release(&t);
        docs++;
    }
    sqlite3_finalize(st);
    sqlite3_finalize(doc);
    sqlite3_finalize(rec);
    fprintf(stderr, "seed: %zu complaints, %zu terms; sorting\n", docs, n);
    qsort(rows, n, sizeof *rows, by_term_id);
    sqlite3_prepare_v2(db, "INSERT INTO search_terms (term, complaint_id, tf) VALUES (?, ?, ?)", -1, &st, NULL);
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_int64(st, 1, rows[i].term);
        sqlite3_bind_int64(st, 2, rows[i].id);
        sqlite3_bind_int64(st, 3, rows[i].tf);
        if (sqlite3_step(st) != SQLITE_DONE) {
            fprintf(stderr, "seed: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    free(rows);
    fprintf(stderr, "seed: indexing by complaint\n");
    if (sqlite3_exec(db, "CREATE INDEX search_terms_complaint ON search_terms (complaint_id); COMMIT; ANALYZE",
                     NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "seed: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_close(db);
    return 0;
}
