/*
 * test_mask: what someone sees of a customer without asking for it in
 * clear (sec/mask.h) — enough to recognise a caller, never enough to reach
 * them: the digits, names and addresses in the middle are gone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sec/mask.h"

static void masks_to(const char *field, const char *clear, const char *want)
{
    char *got = mask_value(field, clear);
    if (strcmp(got, want) != 0)
        fail_msg("mask_value(%s, \"%s\") = \"%s\", want \"%s\"", field, clear, got, want);
    free(got);
}

static void text_masks_to(const char *text, const char *name, const char *want)
{
    char *got = mask_text(text, name);
    if (strcmp(got, want) != 0)
        fail_msg("mask_text(\"%s\") = \"%s\", want \"%s\"", text, got, want);
    free(got);
}

static void test_fields(void **state)
{
    (void)state;
    masks_to("phone", "13812345678", "138****5678");
    masks_to("phone", "138 1234 5678", "138****5678");
    masks_to("phone", "+86 138-1234-5678", "861****5678");
    masks_to("phone", "021-5555123", "****5123"); /* short numbers keep only the end */
    masks_to("name", "张伟", "张**");
    masks_to("name", "欧阳娜娜", "欧**"); /* the length is not given away */
    masks_to("name", "Zhang Wei", "Z**");
    masks_to("name", "", "**");
    masks_to("email", "zhang.wei@example.cn", "z***@example.cn");
    masks_to("email", "no-at-sign", "***");
    masks_to("plate", "沪A12345", "沪A***");
    masks_to("emergency_contact", "李四 13912340000", "李***"); /* a name and a number: the family name alone */
    masks_to("address", "上海市浦东新区世纪大道100号", "上海市浦东新****");
    masks_to("card_no", "6222020200112233", "****2233");
    masks_to("account_no", "1234", "****");
    masks_to("unknown_field", "anything", "***");
}

static void test_free_text(void **state)
{
    (void)state;
    text_masks_to("加油员态度恶劣，拒绝开具发票。", "王先生", "加油员态度恶劣，拒绝开具发票。");
    text_masks_to("王先生要求回电13812345678，谢谢王先生", "王先生", "王**要求回电138****5678，谢谢王**");
    text_masks_to("卡号6222020200112233有误", NULL, "卡号622****2233有误");
    text_masks_to("邮件 zhang.wei@example.cn 已发", NULL, "邮件 z***@example.cn 已发");
    text_masks_to("3号加油机，下午3点，金额200元", NULL, "3号加油机，下午3点，金额200元"); /* short numbers stay */
    text_masks_to("No.13812345678", NULL, "No.138****5678");
    text_masks_to("", "王先生", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_free_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
