/*
 * utf8: validation and character counting for user-supplied text. Field
 * limits are in characters (what a Chinese user counts), not bytes.
 */
#ifndef REDRESS_UTF8_H
#define REDRESS_UTF8_H

#include <stddef.h>

/* Returns the number of code points in s, or -1 if s is not valid UTF-8
 * or contains a control character (C0 other than \t, \n, \r; DEL; C1). */
long utf8_count(const char *s);

/*
 * Makes s valid UTF-8 in place: every byte that does not start a valid
 * sequence (a stray continuation byte, an overlong form, a surrogate, a
 * sequence cut short — also by truncation at the end) becomes '?'. Control
 * characters are kept. Returns the number of bytes replaced. For text that
 * quotes untrusted bytes into a JSON string (error messages), since a JSON
 * string cannot hold invalid UTF-8.
 */
size_t utf8_scrub(char *s);

#endif
