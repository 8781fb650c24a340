/*
 * cerr: a user error raised by the domain — a stable machine code, the JSON
 * path of the offending field (may be empty) and a human message. The API
 * layer maps the code to an HTTP status; the CLI prints the message.
 */
#ifndef REDRESS_CERR_H
#define REDRESS_CERR_H

typedef struct cerr {
    const char *code; /* static string: "validation_failed", "unknown_unit", … */
    char field[96];
    char message[320];
} cerr;

/* Fills e (if not NULL) and returns -1, so callers can `return cerr_set(…)`. */
int cerr_set(cerr *e, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
