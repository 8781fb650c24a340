/*
 * csv: writing CSV (RFC 4180) that is safe to open in a spreadsheet. Every
 * CSV file Redress writes goes through csv_cell, so no cell of user text
 * becomes a formula: a cell that begins with = + - @, a tab or a carriage
 * return (what Excel, LibreOffice and WPS read as the start of a formula,
 * e.g. a responsible person named =HYPERLINK(…)) is written with a leading
 * apostrophe, which spreadsheets show as text (the OWASP advice for CSV
 * injection).
 */
#ifndef REDRESS_CSV_H
#define REDRESS_CSV_H

#include <stdbool.h>

#include "util/buf.h"

/* Appends s (NULL = empty) as one cell to out, quoted when it holds a comma,
 * quote or line break, then "," or, for the last cell of a row, "\r\n". */
void csv_cell(buf *out, const char *s, bool last);

#endif
