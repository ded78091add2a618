/* assert_double_equal for cmocka versions that lack it (Debian 12's). */
#ifndef HS_ASSERT_H
#define HS_ASSERT_H

#include <math.h>

#ifndef assert_double_equal
#define assert_double_equal(a, b, eps)                                       \
    do {                                                                     \
        double a_ = (a), b_ = (b), e_ = (eps);                               \
        if (!(fabs(a_ - b_) <= e_))                                          \
            fail_msg("%s = %.17g, expected %.17g (tolerance %g)", #a, a_,    \
                     b_, e_);                                                \
    } while (0)
#endif

#endif
