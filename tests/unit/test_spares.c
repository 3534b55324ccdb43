/* test_spares.c — the spare-object slots threads keep their stacks and records in
 * (redox/spares.h): a give is kept until the slots are full, a take hands each
 * kept object out once, and racing takers and givers never lose or duplicate one. */
#include <criterion/criterion.h>
#include <pthread.h>

#include "../../redox/spares.h"

static int objects[64];

Test(spares, empty_gives_nothing)
{
    void *slots[4] = { 0 };
    cr_assert_null(lx_spare_take(slots, LX_SPARES_N(slots)));
}

Test(spares, kept_until_full_then_each_handed_out_once)
{
    void *slots[4] = { 0 };
    for (int i = 0; i < 4; i++) cr_assert_eq(lx_spare_give(slots, 4, &objects[i]), 1, "object %d refused", i);
    cr_assert_eq(lx_spare_give(slots, 4, &objects[4]), 0, "a fifth object kept in four slots");
    int seen[4] = { 0 };
    for (int i = 0; i < 4; i++) {
        int *p = lx_spare_take(slots, 4);
        cr_assert_not_null(p, "take %d found nothing", i);
        cr_assert(p >= objects && p < objects + 4, "take %d gave an object never kept", i);
        cr_assert_eq(seen[p - objects]++, 0, "object %td handed out twice", p - objects);
    }
    cr_assert_null(lx_spare_take(slots, 4), "a fifth take found something");
}

/* Each racer owns 8 objects: it gives what it holds and takes back what it can;
 * at the end every object is held by exactly one racer or sits in exactly one slot. */
#define RACERS 4
#define OWN 8
#define ROUNDS 200000
static void *race_slots[6];

static void *racer(void *arg)
{
    int *mine = arg;
    void *held[64];
    int n = 0;
    for (int i = 0; i < OWN; i++) held[n++] = &mine[i];
    for (int r = 0; r < ROUNDS; r++) {
        if (n && (r & 1) && lx_spare_give(race_slots, LX_SPARES_N(race_slots), held[n - 1])) n--;
        else if (n < 64) {
            void *p = lx_spare_take(race_slots, LX_SPARES_N(race_slots));
            if (p) held[n++] = p;
        }
    }
    for (int i = 0; i < n; i++) __atomic_fetch_add((int *)held[i], 1, __ATOMIC_RELAXED);
    return NULL;
}

Test(spares, racing_takers_and_givers_lose_and_duplicate_nothing)
{
    static int pool[RACERS * OWN];
    pthread_t th[RACERS];
    for (int i = 0; i < RACERS; i++) cr_assert_eq(pthread_create(&th[i], NULL, racer, &pool[i * OWN]), 0);
    for (int i = 0; i < RACERS; i++) pthread_join(th[i], NULL);
    for (size_t i = 0; i < LX_SPARES_N(race_slots); i++)
        if (race_slots[i]) (*(int *)race_slots[i])++;
    for (int i = 0; i < RACERS * OWN; i++) cr_assert_eq(pool[i], 1, "object %d counted %d times", i, pool[i]);
}
