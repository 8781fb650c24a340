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

#endif
