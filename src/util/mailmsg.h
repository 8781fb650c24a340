/*
 * mailmsg: an e-mail message read from its bytes (RFC 5322 and MIME, through
 * GMime 3), for the e-mail intake (app/mailin.c): the sender, the subject
 * decoded from RFC 2047 words, the Message-ID, the date, one text in UTF-8
 * (text/plain preferred, else text/html reduced to its text; any charset
 * GMime and iconv know — GB2312, GBK, GB18030, Big5, UTF-8 … — converted)
 * and the attached files.
 *
 * It is pure: bytes in, a struct out, no I/O and no state but GMime's
 * one-time set-up, so a fuzzer drives it (tests/fuzz/fuzz_mail.c). Any
 * byte sequence gives either a message or a reason it is not one; every
 * string it returns is valid UTF-8 without NUL.
 */
#ifndef REDRESS_MAILMSG_H
#define REDRESS_MAILMSG_H

#include <stddef.h>
#include <stdint.h>

enum { MAILMSG_TEXT_MAX = 1 << 20 /* characters of text kept; the rest is cut */ };

/* A file attached to a message: its name as sent (never NULL, may be ""), its declared type and its bytes. */
typedef struct mail_part {
    char *name;
    char *type;
    unsigned char *data;
    size_t n;
} mail_part;

/* A message read (mailmsg_release frees every member). */
typedef struct mailmsg {
    char *from_addr;  /* the first sender's address */
    char *from_name;  /* their display name, "" when none */
    char *subject;    /* "" when none */
    char *message_id; /* without angle brackets; "" when none */
    int64_t date;     /* Unix seconds; 0 when absent or unreadable */
    char *text;       /* the body as text, "" when none */
    mail_part *parts;
    size_t n_parts;
} mailmsg;

/*
 * Reads raw[0..n) into out (zeroed by the caller). 0, or -1 with *why a
 * static reason ("unparseable", "no sender") and out released.
 */
int mailmsg_parse(const void *raw, size_t n, mailmsg *out, const char **why);
void mailmsg_release(mailmsg *m);

/*
 * The text of an HTML document: tags dropped (script and style with their
 * content), block ends as line breaks, the common entities and numeric
 * references decoded. A new heap string.
 */
char *mailmsg_html_text(const char *html, size_t n);

/*
 * The complaint number a subject carries: the first run of prefix (e.g.
 * "TS") followed by 8 digits, '-' and 1–6 digits, copied into out. 0, or -1
 * when there is none.
 */
int mailmsg_number(const char *subject, const char *prefix, char *out, size_t outlen);

#endif
