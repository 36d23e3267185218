// Recursive calls: naive Fibonacci. Measures call/return cost.
#include <stdio.h>

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(void) {
    int total = 0;
    for (int i = 0; i < 3; i++) total += fib(35 + i % 2);
    printf("fib checksum %d\n", total);
    return 0;
}
