/* SPDX-License-Identifier: MIT */
/* t-validate.c: the validators of validate.c. */
#include "unit.h"

#define V(mask, s)	px_validate(mask, s, strlen(s))

START_TEST(dates)
{
	ck_assert(V(PX_VAL_DATE, "03/14/2021"));
	ck_assert(V(PX_VAL_DATE, "2/29/2020"));
	ck_assert(!V(PX_VAL_DATE, "2/29/2021"));
	ck_assert(!V(PX_VAL_DATE, "13/01/2021"));
	ck_assert(!V(PX_VAL_DATE, "4/31"));
	ck_assert(V(PX_VAL_DATE, "7/22"));
	ck_assert(V(PX_VAL_DATE, "2021-03-14"));
	ck_assert(!V(PX_VAL_DATE, "2021-14-03"));
	ck_assert(V(PX_VAL_DATE, "March 14, 2021"));
	ck_assert(V(PX_VAL_DATE, "14-Mar-2021"));
	ck_assert(!V(PX_VAL_DATE, "Feb 30"));
	ck_assert(V(PX_VAL_DATE, "Jan 3rd"));
	ck_assert(V(PX_VAL_DATE, "20210314"));
	ck_assert(!V(PX_VAL_DATE, "20211314"));
	/* two dates run together count only in order */
	ck_assert(V(PX_VAL_DATE, "11/05/11/06"));
	ck_assert(!V(PX_VAL_DATE, "11/06/11/05"));
	ck_assert(!V(PX_VAL_DATE, "2/31/3/1"));
	ck_assert(V(PX_VAL_DATE, "3/14 10:30"));
}
END_TEST

START_TEST(numbers)
{
	ck_assert(V(PX_VAL_LUHN, "4111 1111 1111 1111"));
	ck_assert(!V(PX_VAL_LUHN, "4111 1111 1111 1112"));
	ck_assert(V(PX_VAL_SSN, "123-45-6789"));
	ck_assert(!V(PX_VAL_SSN, "000-45-6789"));
	ck_assert(!V(PX_VAL_SSN, "666-45-6789"));
	ck_assert(!V(PX_VAL_SSN, "912-45-6789"));
	ck_assert(!V(PX_VAL_SSN, "123-00-6789"));
	ck_assert(!V(PX_VAL_SSN, "123-45-0000"));
	ck_assert(V(PX_VAL_IPV4, "192.168.10.1"));
	ck_assert(!V(PX_VAL_IPV4, "192.168.300.1"));
	ck_assert(V(PX_VAL_AGE90, "92 years"));
	ck_assert(!V(PX_VAL_AGE90, "89 years"));
	ck_assert(V(PX_VAL_YEAR, "in 1999"));
	ck_assert(!V(PX_VAL_YEAR, "in 3999"));
	ck_assert(V(PX_VAL_DATE | PX_VAL_YEAR, "03/14/2021"));
}
END_TEST

START_TEST(parse)
{
	unsigned bit;

	ck_assert_int_eq(px_validator_parse("luhn", &bit), PHI_OK);
	ck_assert_uint_eq(bit, PX_VAL_LUHN);
	ck_assert_int_eq(px_validator_parse("nope", &bit), PHI_EINVAL);
}
END_TEST

UNIT_MAIN("validate", dates, numbers, parse)
