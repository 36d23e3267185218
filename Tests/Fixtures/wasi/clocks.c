/* Clocks: realtime is a plausible date, monotonic never goes back, resolutions are positive. */
#include <stdio.h>
#include <time.h>

int main(void) {
    struct timespec a, b, res;
    clock_gettime(CLOCK_REALTIME, &a);
    printf("realtime after 2020: %s\n", a.tv_sec > 1577836800 ? "yes" : "no");
    clock_gettime(CLOCK_MONOTONIC, &a);
    int monotonic = 1;
    for (int i = 0; i < 1000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (b.tv_sec < a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec < a.tv_nsec)) monotonic = 0;
        a = b;
    }
    printf("monotonic never decreases: %s\n", monotonic ? "yes" : "no");
    clock_getres(CLOCK_MONOTONIC, &res);
    printf("monotonic resolution positive: %s\n", res.tv_sec > 0 || res.tv_nsec > 0 ? "yes" : "no");
    clock_getres(CLOCK_REALTIME, &res);
    printf("realtime resolution positive: %s\n", res.tv_sec > 0 || res.tv_nsec > 0 ? "yes" : "no");
    printf("time() agrees with realtime: %s\n", time(NULL) >= 1577836800 ? "yes" : "no");
    return 0;
}
