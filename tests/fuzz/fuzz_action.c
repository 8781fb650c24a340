/*
 * fuzz_action: POST /api/v1/complaints/{id}/actions/{action} — the action
 * name, the If-Match header and the JSON body, all untrusted — on a fresh
 * complaint, for up to eight steps in a row so the later states of the
 * workflow are reached. One input line is one step:
 *
 *   USER ACTION [IF-MATCH] [BODY]
 *
 * USER is one of the demo users (anyone else acts as agent1), IF-MATCH is
 * any word not starting with '{', BODY the rest of the line. The complaint
 * is named by its id on odd steps and by its number on even ones.
 *
 * Besides the sanitizers: no answer may be a 5xx; after the steps the
 * complaint, its timeline and its next actions must render (as the
 * branch's manager); and the complaint rebuilt from its events must equal
 * the stored row (app_verify_complaint) — a step that stores what its event
 * does not say, or an event chain that breaks, is a failure.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/intake.h"
#include "app/verify.h"
#include "fixture.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

enum { MAX_STEPS = 8, RESET_AFTER = 500 };

static app A;
static const route *act;
static actor agent;
static unsigned long created;

static const char *const users[] = {"admin", "agent1", "agent2", "super1", "pd01", "pd02", "pd03", "mh01", "mh02", "mh03", "pdmgr", "mhmgr", "ops1", "qc1", "fin1", "card1", "nf1", "manager1", "auditor1", NULL};

/* The complaint every input starts from. */
static const char intake[] =
    "{\"channel\":\"phone\",\"customer\":{\"name\":\"王先生\",\"phone\":\"13812345678\"},"
    "\"subject_unit\":\"SH-PD-01\",\"subject_staff\":\"加油员 李强\",\"category\":\"service.attitude\","
    "\"description\":\"加油员态度生硬，未提醒关闭油箱盖。\",\"demand\":\"要求道歉。\",\"confirmed\":true}";

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void open_app(void)
{
    fz_open(&A, false);
    user u = {0};
    if (store_user_get(A.db, "agent1", 0, &u, NULL) != 0)
        abort();
    agent = (actor){u.id, u.roles, u.unit};
    user_release(&u);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    open_app();
    act = fz_route("POST", "/api/v1/complaints/{id}/actions/{action}");
    return 0;
}

static const char *user_of(const char *word)
{
    for (int i = 0; users[i]; i++)
        if (strcmp(users[i], word) == 0)
            return users[i];
    return "agent1";
}

/* Splits off the next space-separated word of *s (NUL-terminating it). */
static char *word(char **s)
{
    char *w = *s, *sp = strchr(w, ' ');
    if (sp) {
        *sp = '\0';
        *s = sp + 1;
    } else {
        *s = w + strlen(w);
    }
    return w;
}

static void step(const complaint *c, int n, char *line)
{
    const char *who = user_of(word(&line));
    const char *action = word(&line);
    const char *if_match = NULL;
    if (!*action || strchr(action, '/'))
        return; /* no route would match */
    if (*line && *line != '{')
        if_match = word(&line);
    char id[32];
    snprintf(id, sizeof id, "%" PRId64, c->id);
    fz_request r;
    fz_request_init(&r, "POST", "/api/v1/complaints/{id}/actions/{action}", line, strlen(line));
    fz_param(&r, n % 2 ? c->number : id);
    fz_param(&r, action);
    if (if_match)
        fz_header(&r, "If-Match", if_match);
    fz_sign_in(&A, &r, who);
    http_resp rs;
    fz_call(&A, act, &r, &rs);
    if (rs.status >= 500) {
        fprintf(stderr, "fuzz_action: step %d (%s by %s) answered %d: %.*s\n", n, action, who, rs.status,
                (int)rs.body.len, rs.body.data);
        abort();
    }
    fz_response_release(&rs);
    fz_request_release(&r);
}

/* What the steps stored is read back as the UI reads it: the complaint, its
 * timeline (every event payload rendered) and what may be done next. */
static void read_back(const complaint *c)
{
    static const char *const paths[] = {"/api/v1/complaints/{id}", "/api/v1/complaints/{id}/events",
                                        "/api/v1/complaints/{id}/actions"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        fz_request r;
        fz_request_init(&r, "GET", paths[i], NULL, 0);
        fz_param(&r, c->number);
        fz_sign_in(&A, &r, "manager1");
        http_resp rs;
        fz_call(&A, fz_route("GET", paths[i]), &r, &rs);
        /* 404: the steps moved it out of the branch manager's scope. */
        if (rs.status != 200 && rs.status != 404) {
            fprintf(stderr, "fuzz_action: GET %s answered %d: %.*s\n", paths[i], rs.status, (int)rs.body.len,
                    rs.body.data);
            abort();
        }
        fz_response_release(&rs);
        fz_request_release(&r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *in = json_loads(intake, 0, NULL);
    complaint c;
    complaint_init(&c);
    cerr e;
    if (!in || app_intake(&A, &agent, in, time_now(), NULL, &c, NULL, &e) != 0)
        abort();
    json_decref(in);
    created++;
    char *text = xstrndup((const char *)data, size);
    char *line = text;
    for (int n = 1; n <= MAX_STEPS && *line; n++) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        step(&c, n, line);
        line = nl ? nl + 1 : line + strlen(line);
    }
    read_back(&c);
    char msg[512];
    if (app_verify_complaint(&A, c.id, msg, sizeof msg) != 0) {
        fprintf(stderr, "fuzz_action: %s\n", msg);
        abort();
    }
    free(text);
    complaint_release(&c);
    if (created >= RESET_AFTER) {
        fz_close(&A);
        open_app();
        created = 0;
    }
    return 0;
}
