/*
 * mask: how customer data is shown to someone who did not ask to see it in
 * clear (docs/privacy.md) — enough to recognise a caller ("138****5678",
 * "张**", "z***@example.cn"), not enough to contact or identify them. Pure
 * functions over UTF-8 text; every result is a new heap string the caller
 * frees.
 */
#ifndef REDRESS_MASK_H
#define REDRESS_MASK_H

/*
 * Masks the value of customer field `field` ("name", "phone", "email",
 * "address", "plate", "card_no", "account_no"; anything else is masked
 * whole): a phone keeps its first three and last four digits, a name its
 * first character, an e-mail the first character and the domain, a plate
 * its first two characters, an address its first six, card and account
 * numbers their last four.
 */
char *mask_value(const char *field, const char *clear);
/*
 * Masks free text: the customer's name (may be NULL) wherever it occurs,
 * every run of seven or more digits (phone, card and account numbers) and
 * every e-mail address, each as mask_value would; the rest stays readable,
 * so staff can work on the complaint without seeing who made it.
 */
char *mask_text(const char *text, const char *name);

#endif
