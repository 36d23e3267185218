// Sorting through function pointers: qsort with a comparator (indirect calls).
// Argument: the number of values (default and most 200000).
#include <stdio.h>
#include <stdlib.h>
#include "size_argument.h"

#define N 200000
static int values[N];

static int compare_ints(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int compare_desc(const void *a, const void *b) { return compare_ints(b, a); }

int main(int argc, char **argv) {
    int count = (int)size_argument(argc, argv, N, 1, N);
    unsigned state = 42;
    long long checksum = 0;
    int (*comparators[2])(const void *, const void *) = {compare_ints, compare_desc};
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < count; i++) {
            state = state * 1664525u + 1013904223u;
            values[i] = (int)(state >> 8) % 1000000;
        }
        qsort(values, (size_t)count, sizeof values[0], comparators[round & 1]);
        for (int i = 0; i < count; i += 997) checksum += (long long)values[i] * (i % 7 + 1);
    }
    printf("sort checksum %lld\n", checksum);
    return 0;
}
