// Bit manipulation: population counts, leading/trailing zeros, rotations, bit reversal, Gray
// codes and a software popcount, over a stream of pseudo-random 32- and 64-bit words
// (i32/i64.popcnt, clz, ctz, rotl, shifts, and/or/xor).
// Argument: the number of words (default 6000000).
#include <stdint.h>
#include <stdio.h>
#include "size_argument.h"

static uint32_t reverse_bits(uint32_t v) {
    v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
    v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
    v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
    v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
    return (v >> 16) | (v << 16);
}

// The SWAR popcount, to check the instruction's and to give the shift/mask chain some weight.
static uint32_t popcount_swar(uint64_t v) {
    v = v - ((v >> 1) & 0x5555555555555555ull);
    v = (v & 0x3333333333333333ull) + ((v >> 2) & 0x3333333333333333ull);
    v = (v + (v >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (uint32_t)((v * 0x0101010101010101ull) >> 56);
}

static uint32_t rotl32(uint32_t v, int n) { return (v << (n & 31)) | (v >> ((32 - n) & 31)); }

// Index of the next set bit after `bit` in a 64-bit mask, or 64.
static int next_set_bit(uint64_t mask, int bit) {
    uint64_t rest = bit >= 63 ? 0 : mask & (~0ull << (bit + 1));
    return rest ? __builtin_ctzll(rest) : 64;
}

int main(int argc, char **argv) {
    long words = size_argument(argc, argv, 6000000, 1, 1000000000);
    uint64_t state = 0x9E3779B97F4A7C15ull;
    uint64_t acc = 0, mismatches = 0;
    uint32_t rolling = 0;
    for (long i = 0; i < words; i++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        uint64_t w = state;
        uint32_t lo = (uint32_t)w, hi = (uint32_t)(w >> 32);
        uint32_t pc = (uint32_t)__builtin_popcountll(w);
        if (pc != popcount_swar(w)) mismatches++;
        uint32_t lz = lo ? (uint32_t)__builtin_clz(lo) : 32;
        uint32_t tz = hi ? (uint32_t)__builtin_ctz(hi) : 32;
        uint32_t gray = lo ^ (lo >> 1);
        uint32_t rev = reverse_bits(hi);
        rolling = rotl32(rolling ^ rev, (int)(pc & 31)) + gray;
        // Walk the set bits of the low byte pair: a data-dependent loop on ctz.
        int walked = 0;
        for (int bit = next_set_bit(w & 0xFFFF, -1); bit < 64; bit = next_set_bit(w & 0xFFFF, bit)) walked += bit;
        acc += (uint64_t)pc * 3 + lz * 5 + tz * 7 + (uint64_t)walked + (__builtin_popcount(gray & rev) ^ (lo & 0xFF));
        acc ^= (uint64_t)rolling << (i & 31);
    }
    printf("bitops checksum %llu %u %llu\n", (unsigned long long)acc, rolling, (unsigned long long)mismatches);
    return 0;
}
