/*
 * imap: the few IMAP commands the e-mail intake needs (RFC 3501), over
 * libcurl, which speaks the protocol, TLS (imaps://, or STARTTLS when the
 * server offers it) and the login: a folder's UIDVALIDITY and next UID,
 * the UIDs above one, a message's size, and a message's bytes. One
 * session keeps its connection between commands.
 */
#ifndef REDRESS_IMAP_H
#define REDRESS_IMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

typedef struct imap_session imap_session;

/*
 * A session on the folder of url (imap://HOST[:PORT]/FOLDER or imaps://…;
 * INBOX when none) as user with password (borrowed until imap_close);
 * timeout_s bounds each command. NULL only when libcurl cannot start.
 */
imap_session *imap_open(const char *url, const char *user, const char *password, int timeout_s);
void imap_close(imap_session *s);

/* The folder's UIDVALIDITY and UIDNEXT. 0, or -1 with the reason in err. */
int imap_status(imap_session *s, int64_t *uidvalidity, int64_t *uidnext, char *err, size_t errlen);
/* The UIDs above after, ascending, into *uids (heap, caller frees), *n of them. 0 or -1 with err. */
int imap_search(imap_session *s, int64_t after, int64_t **uids, size_t *n, char *err, size_t errlen);
/* The size in bytes of message uid (*size -1 when it is gone) and whether it was read (\\Seen). 0 or -1 with err. */
int imap_size(imap_session *s, int64_t uid, int64_t *size, bool *seen, char *err, size_t errlen);
/*
 * Marks message uid unread again (\\Seen removed): libcurl fetches with
 * BODY[], which marks it read, so a message nobody had read stays unread
 * for the people who share the mailbox. 0 or -1 with err.
 */
int imap_unsee(imap_session *s, int64_t uid, char *err, size_t errlen);
/*
 * The bytes of message uid appended to out — only its header when
 * header_only — at most max bytes (more is an error). 0 or -1 with err.
 */
int imap_fetch(imap_session *s, int64_t uid, bool header_only, size_t max, buf *out, char *err, size_t errlen);

/* The URL's scheme and form are one the session takes: imap:// or imaps://, a host, no spaces or control characters. */
bool imap_url_ok(const char *url);

#endif
