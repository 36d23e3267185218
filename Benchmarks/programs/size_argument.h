// The benchmark programs' optional first argument: the problem size. Without it each program
// does its full-size work (what Benchmarks/run.py measures); a smaller size lets
// Benchmarks/debug/run.sh run all of them under callgrind in minutes.
#include <stdio.h>
#include <stdlib.h>

// argv[1] as a decimal integer in [lo, hi], or `fallback` when there is none; anything else
// prints the usage and exits with status 2. (Parsed by hand: strtol would add 60 KiB of libc
// to each module.)
static long size_argument(int argc, char **argv, long fallback, long lo, long hi) {
    if (argc < 2) return fallback;
    const char *digits = argv[1];
    long value = 0;
    int ok = argc == 2 && *digits != '\0';
    for (; ok && *digits; digits++) {
        int d = *digits - '0';
        // value * 10 + d <= hi, without overflowing
        if (d < 0 || d > 9 || value > (hi - d) / 10) ok = 0;
        else value = value * 10 + d;
    }
    if (!ok || value < lo) {
        fprintf(stderr, "usage: %s [SIZE]   (SIZE from %ld to %ld, default %ld)\n", argv[0], lo, hi, fallback);
        exit(2);
    }
    return value;
}
