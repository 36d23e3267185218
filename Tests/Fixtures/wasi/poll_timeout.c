/* Timeouts: poll() with no descriptors and nanosleep() both wait at least as long as asked. */
#include <poll.h>
#include <stdio.h>
#include <time.h>

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int main(void) {
    long long start = now_ms();
    int ready = poll(NULL, 0, 50);
    long long waited = now_ms() - start;
    printf("poll returned %d, waited >= 50ms: %s\n", ready, waited >= 50 ? "yes" : "no");
    struct timespec request = {0, 30 * 1000000};
    start = now_ms();
    nanosleep(&request, NULL);
    printf("nanosleep waited >= 30ms: %s\n", now_ms() - start >= 30 ? "yes" : "no");
    return 0;
}
