// 64-bit integer arithmetic: a splitmix64 generator feeding modular exponentiation
// (i64.mul, i64.rem_u, shifts) and a Miller-Rabin primality test of 32-bit odd numbers with
// witnesses 2, 7 and 61 (exact below 2^32), plus a 64-bit xorshift-multiply mixing step.
// Argument: the number of candidates tested (default 600000).
#include <stdint.h>
#include <stdio.h>
#include "size_argument.h"

static uint64_t splitmix_state = 0x0123456789ABCDEFull;

static uint64_t splitmix64(void) {
    uint64_t z = (splitmix_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// base^exponent mod modulus, for modulus < 2^32 (so every product fits in 64 bits).
static uint64_t modpow(uint64_t base, uint64_t exponent, uint64_t modulus) {
    uint64_t result = 1 % modulus;
    base %= modulus;
    while (exponent) {
        if (exponent & 1) result = result * base % modulus;
        base = base * base % modulus;
        exponent >>= 1;
    }
    return result;
}

static int witness_says_composite(uint64_t a, uint64_t n, uint64_t d, int s) {
    uint64_t x = modpow(a, d, n);
    if (x == 1 || x == n - 1) return 0;
    for (int r = 1; r < s; r++) {
        x = x * x % n;
        if (x == n - 1) return 0;
    }
    return 1;
}

static int is_prime(uint64_t n) {
    if (n < 2) return 0;
    static const uint64_t small[] = {2, 3, 5, 7, 11, 13, 61};
    for (int i = 0; i < 7; i++) {
        if (n == small[i]) return 1;
        if (n % small[i] == 0) return 0;
    }
    uint64_t d = n - 1;
    int s = 0;
    while ((d & 1) == 0) { d >>= 1; s++; }
    static const uint64_t witnesses[] = {2, 7, 61};
    for (int i = 0; i < 3; i++)
        if (witness_says_composite(witnesses[i], n, d, s)) return 0;
    return 1;
}

int main(int argc, char **argv) {
    long candidates = size_argument(argc, argv, 600000, 1, 100000000);
    uint64_t primes = 0, mix = 0, powsum = 0;
    for (long i = 0; i < candidates; i++) {
        uint64_t r = splitmix64();
        uint64_t n = (r >> 32) | 1;
        if (is_prime(n)) {
            primes++;
            mix ^= n * 0x2545F4914F6CDD1Dull;
        }
        // A 64-bit exponent and a full 64-bit mix per candidate, whatever the test said.
        powsum += modpow(r & 0xFFFFFFFF, r, 4294967291ull);
        mix = (mix << 7 | mix >> 57) + (r / ((r & 0xFFFF) + 1));
    }
    printf("modexp64 primes %llu checksum %016llx %llu\n", (unsigned long long)primes,
           (unsigned long long)mix, (unsigned long long)powsum);
    return 0;
}
