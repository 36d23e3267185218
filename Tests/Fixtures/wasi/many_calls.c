/* Benchmark guest (not a test): makes 2*N small WASI calls, alternating clock_time_get and a
 * one-byte fd_write to stdout (send stdout to /dev/null), N = argv[1] (default 50000), and
 * reports the count on stderr. Used to compare tracing off, to a file, and with a filter that
 * matches nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 50000;
    struct timespec t;
    long long sum = 0;
    int calls = 0;
    for (int i = 0; i < n; i++) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        sum += t.tv_nsec & 1;
        if (write(1, "x", 1) == 1) calls++;
        calls++;
    }
    fprintf(stderr, "calls=%d parity=%d\n", calls, sum >= 0);
    return 0;
}
