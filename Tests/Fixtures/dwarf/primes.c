// primes.c: loops, a recursive function and an off-by-one-style bound (DWARF fixture).
#include "shapes.h"

static int call_count;
int prime_limit = 30;

static inline int square(int x) { return x * x; }

int is_prime(int n) {
    call_count++;
    if (n < 2)
        return 0;
    for (int d = 2; square(d) <= n; d++) {
        if (n % d == 0)
            return 0;
    }
    return 1;
}

int count_primes(int limit) {
    int count = 0;
    for (int candidate = 0; candidate < limit; candidate++) {
        if (is_prime(candidate))
            count++;
    }
    return count;
}

int factorial(int n) {
    if (n <= 1)
        return 1;
    return n * factorial(n - 1);
}

// Meant to sum 1..n, but the bound stops one short.
int sum_below(int n) {
    int total = 0;
    for (int i = 1; i < n; i++)
        total += i;
    return total;
}

int main(void) {
    volatile int limit = prime_limit;
    int primes = count_primes(limit);
    int fact = factorial(5);
    int sum = sum_below(10);
    struct shape shape = {
        .color = BLUE,
        .corners = {{0, 0}, {4, 0}, {4, 3}, {0, 3}},
        .label = "box",
        .title = "a box",
        .weight = {.i = 7},
        .flags = {.ready = 1, .mode = 5, .count = 300, .sign = -2},
    };
    int described = describe(&shape);
    return (primes + fact + sum + described + call_count) & 0x7f;
}
