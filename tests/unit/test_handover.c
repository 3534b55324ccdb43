/* test_handover.c — process/handover.c: records written are read back in order
 * with their bytes, through the anonymous file the exec hands over; a damaged
 * file (bad magic, a record running past the end) is refused, never read past. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../process/handover.h"
#include "../../redox/rx.h"

static struct lx_handover two_records(void)
{
    struct lx_handover h = { 0 };
    int fd = 7;
    lx_ho_put(&h, LX_HO_EXECFN, "/bin/x", 7);
    lx_ho_put2(&h, LX_HO_MOUNT, &fd, sizeof fd, "/guest");
    return h;
}

Test(handover, records_come_back_in_order)
{
    struct lx_handover h = two_records();
    size_t pos = 0;
    struct lx_ho_rec r;
    cr_assert_eq(lx_ho_next(&h, &pos, &r), 1);
    cr_assert_eq(r.tag, LX_HO_EXECFN);
    cr_assert_eq(r.len, 7);
    cr_assert_str_eq(r.data, "/bin/x");
    cr_assert_eq(lx_ho_next(&h, &pos, &r), 1);
    cr_assert_eq(r.tag, LX_HO_MOUNT);
    cr_assert_eq(r.len, sizeof(int) + 7);
    int fd;
    memcpy(&fd, r.data, sizeof fd);
    cr_assert_eq(fd, 7);
    cr_assert_str_eq((const char *)r.data + sizeof(int), "/guest");
    cr_assert_eq(lx_ho_next(&h, &pos, &r), 0);
    free(h.data);
}

Test(handover, through_the_file)
{
    struct lx_handover h = two_records(), back;
    long fd = lx_ho_send(&h);
    cr_assert_geq(fd, 0);
    cr_assert_eq(lx_ho_receive((int)fd, &back), 0);
    cr_assert_eq(back.len, h.len);
    cr_assert_eq(memcmp(back.data, h.data, h.len), 0);
    cr_assert_lt(rx_fcntl((int)fd, RX_F_GETFD, 0), 0, "receive closes the file");
    free(h.data);
    free(back.data);
}

Test(handover, damage_is_refused)
{
    struct lx_handover h = two_records();
    size_t pos = 0;
    struct lx_ho_rec r;
    struct lx_handover cut = h;
    cut.len -= 3; /* the last record runs past the end */
    cr_assert_eq(lx_ho_next(&cut, &pos, &r), 1);
    cr_assert_eq(lx_ho_next(&cut, &pos, &r), -1);
    h.data[0] ^= 1; /* not a handover */
    pos = 0;
    cr_assert_eq(lx_ho_next(&h, &pos, &r), -1);
    long fd = lx_ho_send(&h);
    struct lx_handover back;
    cr_assert_eq(lx_ho_receive((int)fd, &back), -EINVAL);
    free(h.data);
    free(back.data);
}
