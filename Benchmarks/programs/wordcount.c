// String processing: generates English-like text (words from syllables, punctuation, line
// breaks), then tokenizes it byte by byte (character classes, lower-casing), counts the words
// in a chained hash table of strings (strcmp-style compares, memcpy of new keys), and reports
// the most frequent word, the number of distinct words and a checksum over the counts.
// Argument: the text's size in KiB (default 4096).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "size_argument.h"

static const char *const syllables[] = {
    "the", "an", "ing", "er", "qu", "ion", "re", "con", "ex", "al", "ly", "ment", "ab", "in",
    "pro", "ter", "de", "ous", "ver", "str", "a", "o", "is", "on",
};
#define SYLLABLES (sizeof syllables / sizeof syllables[0])

struct entry { struct entry *next; uint32_t hash; int count; int length; char word[]; };

#define BUCKETS 4096
static struct entry *buckets[BUCKETS];
static int distinct;

static uint32_t state = 2024;
static uint32_t next_random(void) {
    state ^= state << 13; state ^= state >> 17; state ^= state << 5;
    return state;
}

static char *generate(size_t size) {
    char *text = malloc(size + 1);
    if (!text) { fprintf(stderr, "out of memory\n"); exit(1); }
    size_t at = 0;
    int column = 0;
    while (at < size) {
        // A word of 1..4 syllables, sometimes capitalized, then a separator.
        char word[64];
        int length = 0;
        // Skew toward short, frequent words so counts are uneven.
        int parts = 1 + (int)(next_random() % 4 == 0) + (int)(next_random() % 3 == 0) + (int)(next_random() % 7 == 0);
        uint32_t pick = next_random();
        for (int p = 0; p < parts; p++) {
            const char *s = syllables[(pick >> (5 * p)) % (p == 0 ? 12 : SYLLABLES)];
            size_t n = strlen(s);
            memcpy(word + length, s, n);
            length += (int)n;
        }
        if (next_random() % 9 == 0) word[0] = (char)(word[0] - 'a' + 'A');
        uint32_t sep = next_random() % 16;
        word[length++] = sep == 0 ? ',' : sep == 1 ? '.' : sep == 2 ? ';' : ' ';
        if (sep <= 2) word[length++] = ' ';
        column += length;
        if (column > 72) { word[length - 1] = '\n'; column = 0; }
        for (int i = 0; i < length && at < size; i++) text[at++] = word[i];
    }
    text[size] = '\0';
    return text;
}

static void count_word(const char *word, int length) {
    uint32_t hash = 2166136261u;
    for (int i = 0; i < length; i++) hash = (hash ^ (uint8_t)word[i]) * 16777619u;
    struct entry **slot = &buckets[hash % BUCKETS];
    for (struct entry *e = *slot; e; e = e->next) {
        if (e->hash == hash && e->length == length && memcmp(e->word, word, (size_t)length) == 0) {
            e->count++;
            return;
        }
    }
    struct entry *e = malloc(sizeof *e + (size_t)length + 1);
    if (!e) { fprintf(stderr, "out of memory\n"); exit(1); }
    e->hash = hash;
    e->count = 1;
    e->length = length;
    memcpy(e->word, word, (size_t)length);
    e->word[length] = '\0';
    e->next = *slot;
    *slot = e;
    distinct++;
}

int main(int argc, char **argv) {
    size_t kib = (size_t)size_argument(argc, argv, 4096, 1, 65536);
    char *text = generate(kib * 1024);
    long long words = 0, lines = 0;
    for (int pass = 0; pass < 4; pass++) {
        char word[64];
        int length = 0;
        for (const char *p = text; ; p++) {
            char c = *p;
            if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
            if (c >= 'a' && c <= 'z') {
                if (length < (int)sizeof word) word[length++] = c;
                continue;
            }
            if (length > 0) { count_word(word, length); words++; length = 0; }
            if (c == '\n') lines++;
            if (c == '\0') break;
        }
    }
    const struct entry *best = NULL;
    uint32_t checksum = 0;
    for (int b = 0; b < BUCKETS; b++)
        for (const struct entry *e = buckets[b]; e; e = e->next) {
            checksum = checksum * 31 + (uint32_t)e->count * e->hash;
            if (!best || e->count > best->count || (e->count == best->count && strcmp(e->word, best->word) < 0)) best = e;
        }
    printf("wordcount words %lld lines %lld distinct %d most \"%s\" x%d checksum %08x\n", words, lines, distinct,
           best ? best->word : "", best ? best->count : 0, checksum);
    free(text);
    return 0;
}
