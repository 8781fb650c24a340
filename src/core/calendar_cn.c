/*
 * calendar_cn: the official PRC public-holiday schedule (全国年节及纪念日
 * 放假安排) for 2025 and 2026, with its make-up workdays (调休上班日), as a
 * schedule document that calendar_merge_json() reads. It is compiled into
 * the binary so that a fresh install computes "working day" deadlines
 * correctly without any data file; packs may add later years with their
 * own schedule documents or an .ics import.
 *
 * Source: the General Office of the State Council's notices on the
 * arrangement of certain holidays (国务院办公厅关于2025年/2026年部分节假日
 * 安排的通知). Every make-up workday falls on a Saturday or Sunday, and
 * every holiday range is inclusive. The State Council publishes the next
 * year's schedule each November; add it here as a new document and list
 * it in calendar_builtin_schedule().
 */
#include "core/calendar.h"

#include <string.h>

static const char cn_2025_2026[] =
    "{\n"
    "  \"name\": \"cn-2025-2026\",\n"
    "  \"source\": \"国务院办公厅关于2025年、2026年部分节假日安排的通知\",\n"
    "  \"holidays\": [\n"
    "    {\"name\": \"元旦\",        \"from\": \"2025-01-01\", \"to\": \"2025-01-01\"},\n"
    "    {\"name\": \"春节\",        \"from\": \"2025-01-28\", \"to\": \"2025-02-04\"},\n"
    "    {\"name\": \"清明节\",      \"from\": \"2025-04-04\", \"to\": \"2025-04-06\"},\n"
    "    {\"name\": \"劳动节\",      \"from\": \"2025-05-01\", \"to\": \"2025-05-05\"},\n"
    "    {\"name\": \"端午节\",      \"from\": \"2025-05-31\", \"to\": \"2025-06-02\"},\n"
    "    {\"name\": \"国庆节、中秋节\", \"from\": \"2025-10-01\", \"to\": \"2025-10-08\"},\n"
    "    {\"name\": \"元旦\",        \"from\": \"2026-01-01\", \"to\": \"2026-01-03\"},\n"
    "    {\"name\": \"春节\",        \"from\": \"2026-02-15\", \"to\": \"2026-02-23\"},\n"
    "    {\"name\": \"清明节\",      \"from\": \"2026-04-04\", \"to\": \"2026-04-06\"},\n"
    "    {\"name\": \"劳动节\",      \"from\": \"2026-05-01\", \"to\": \"2026-05-05\"},\n"
    "    {\"name\": \"端午节\",      \"from\": \"2026-06-19\", \"to\": \"2026-06-21\"},\n"
    "    {\"name\": \"中秋节\",      \"from\": \"2026-09-25\", \"to\": \"2026-09-27\"},\n"
    "    {\"name\": \"国庆节\",      \"from\": \"2026-10-01\", \"to\": \"2026-10-07\"}\n"
    "  ],\n"
    "  \"workdays\": [\n"
    "    {\"name\": \"春节调休上班（周日）\",   \"date\": \"2025-01-26\"},\n"
    "    {\"name\": \"春节调休上班（周六）\",   \"date\": \"2025-02-08\"},\n"
    "    {\"name\": \"劳动节调休上班（周日）\", \"date\": \"2025-04-27\"},\n"
    "    {\"name\": \"国庆节调休上班（周日）\", \"date\": \"2025-09-28\"},\n"
    "    {\"name\": \"国庆节调休上班（周六）\", \"date\": \"2025-10-11\"},\n"
    "    {\"name\": \"元旦调休上班（周日）\",   \"date\": \"2026-01-04\"},\n"
    "    {\"name\": \"春节调休上班（周六）\",   \"date\": \"2026-02-14\"},\n"
    "    {\"name\": \"春节调休上班（周六）\",   \"date\": \"2026-02-28\"},\n"
    "    {\"name\": \"劳动节调休上班（周六）\", \"date\": \"2026-05-09\"},\n"
    "    {\"name\": \"国庆节调休上班（周日）\", \"date\": \"2026-09-20\"},\n"
    "    {\"name\": \"国庆节调休上班（周六）\", \"date\": \"2026-10-10\"}\n"
    "  ]\n"
    "}\n";

const char *calendar_cn_schedule_json(void)
{
    return cn_2025_2026;
}

const char *calendar_builtin_schedule(const char *name)
{
    if (name == NULL)
        return NULL;
    if (strcmp(name, "cn-2025-2026") == 0 || strcmp(name, "cn") == 0)
        return cn_2025_2026;
    return NULL;
}
