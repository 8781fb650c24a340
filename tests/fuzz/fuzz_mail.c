/*
 * fuzz_mail: util/mailmsg, the reading of the e-mail the intake fetches,
 * on any bytes. Whatever comes, it gives a message or a reason it is not
 * one, never a crash; every string of a message is valid UTF-8 without
 * NUL, a file's bytes are as long as it says, and the complaint number a
 * subject carries is found without reading past the subject. The HTML
 * reduction runs on the same bytes as a document.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "util/mailmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void valid(const char *s)
{
    if (!s || !g_utf8_validate(s, -1, NULL))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mailmsg m = {0};
    const char *why = NULL;
    if (mailmsg_parse(data, size, &m, &why) == 0) {
        valid(m.from_addr);
        valid(m.from_name);
        valid(m.subject);
        valid(m.message_id);
        valid(m.text);
        if (!strchr(m.from_addr, '@') || m.date < 0)
            abort();
        for (size_t i = 0; i < m.n_parts; i++) {
            valid(m.parts[i].name);
            valid(m.parts[i].type);
            if (m.parts[i].n && !m.parts[i].data)
                abort();
        }
        char number[32];
        if (mailmsg_number(m.subject, "TS", number, sizeof number) == 0 && strncmp(number, "TS", 2) != 0)
            abort();
    } else if (!why) {
        abort();
    }
    mailmsg_release(&m);
    char *text = mailmsg_html_text((const char *)data, size);
    valid(text);
    free(text);
    return 0;
}
