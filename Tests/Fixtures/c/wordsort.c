// A small C program compiled with clang and wasi-libc: real compiler output (wasm-ld's
// sections, padded LEB128 relocations, producers and target_features custom sections)
// for the decoder and encoder tests.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int compare_words(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static uint32_t fnv1a(const char *s) {
    uint32_t h = 2166136261u;
    while (*s) h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}

int main(int argc, char **argv) {
    const char *words[] = {"delta", "alpha", "echo", "charlie", "bravo"};
    size_t n = sizeof words / sizeof words[0];
    const char **sorted = malloc(n * sizeof *sorted);
    if (!sorted) return 1;
    memcpy(sorted, words, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, compare_words);
    uint32_t hash = 0;
    for (size_t i = 0; i < n; i++) {
        write(1, sorted[i], strlen(sorted[i]));
        write(1, "\n", 1);
        hash ^= fnv1a(sorted[i]);
    }
    free(sorted);
    return (int)(hash % 7) + argc - 1;
}
