/*
 * password: the policy a new password must meet, pure (no I/O). Besides a
 * length of 8 to 128 bytes, a password must not be one of the most common
 * passwords (a list built into the binary, src/sec/common-passwords.txt,
 * compared without regard to case and to trailing digits and symbols), nor
 * contain the user's name or its reverse, nor be one character or a short
 * group repeated, nor a simple run of letters, digits or keys (abcdefgh,
 * 87654321, qwertyui, 1qaz2wsx). Guessers try exactly these first.
 */
#ifndef REDRESS_PASSWORD_H
#define REDRESS_PASSWORD_H

/*
 * 0 when password may be set for username (may be NULL: not known yet);
 * -1 with *why (OUT: a static, bilingual message) when it may not.
 */
int password_ok(const char *password, const char *username, const char **why);

#endif
