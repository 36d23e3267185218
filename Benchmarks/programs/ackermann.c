// Deep recursion: Ackermann's function (recursion thousands of frames deep), Takeuchi's tak
// (three-argument calls) and a mutually recursive even/odd pair that the compiler cannot turn
// into a loop (a counter threads through both).
// Argument: n for ackermann(2, n ... n + 39) (default 1000) and ackermann(3, 8 + n / 1000).
// At the default the deepest recursion is between 4,000 and 4,500 frames: inside every measured
// engine's default call stack (WasmKit 0.4.2 stops near 5,950).
#include <stdio.h>
#include "size_argument.h"

static int calls;

static int ackermann(int m, int n) {
    calls++;
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static int tak(int x, int y, int z) {
    calls++;
    if (y >= x) return z;
    return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
}

static int is_odd(unsigned n, int *steps);
static int __attribute__((noinline)) is_even(unsigned n, int *steps) {
    ++*steps;
    return n == 0 ? 1 : is_odd(n - 1, steps);
}
static int __attribute__((noinline)) is_odd(unsigned n, int *steps) {
    ++*steps;
    return n == 0 ? 0 : is_even(n - 1, steps);
}

int main(int argc, char **argv) {
    int n = (int)size_argument(argc, argv, 1000, 1, 3000);
    long long total = 0;
    for (int i = 0; i < 40; i++) total += ackermann(2, n + i);
    total += ackermann(3, 8 + n / 1000);
    total += tak(18 + n / 1000, 12, 6);
    int steps = 0;
    for (unsigned i = 0; i < 400; i++) total += is_even(4000 + i, &steps);
    printf("ackermann checksum %lld calls %d steps %d\n", total, calls, steps);
    return 0;
}
