// Recursive calls: naive Fibonacci. Measures call/return cost.
// Argument: n, for fib(n), fib(n + 1), fib(n) (default 35).
#include <stdio.h>
#include "size_argument.h"

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(int argc, char **argv) {
    int n = (int)size_argument(argc, argv, 35, 0, 40);
    int total = 0;
    for (int i = 0; i < 3; i++) total += fib(n + i % 2);
    printf("fib checksum %d\n", total);
    return 0;
}
