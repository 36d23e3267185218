// The memory-access handlers' building blocks, included by engine.c after its handler macros
// (HANDLER, DISPATCH, TRAP, A): where an access ends, the checked and the guarded (guard-page)
// ways to reach guest memory, and the macros that define each load and store in either kind.
// engine.c instantiates them over operations.h's lists and registers them in its tables.
#ifndef WDB_MEMORY_ACCESS_H
#define WDB_MEMORY_ACCESS_H

// Loads and stores: word 1 is the end (low half: the memarg offset plus the bytes accessed) and
// an addend (high half: an `i32.add` of a constant that computed the address, folded in; the sum
// wraps at 32 bits, as the add does). Word 2's low half is the address slot; a store's value
// slot (RR) is in its high half. END() is where the access ends, so the bounds check is one
// comparison with no addition of the size, and the access starts `sizeof(T)` bytes before it
// (a displacement of the machine instruction).
#define END() ((u64)(u32)(fp[(u32)pc[2]] + (pc[1] >> 32)) + (u32)pc[1])
#define INDEXED_END() ((u64)(u32)(fp[(u32)pc[2]] + fp[pc[1] >> 32]) + (u32)pc[1])

// Each access comes in two kinds. Checked (plain names): the end is compared with the memory's
// size. Guarded (`G_` names, guard_pages.h): no comparison; the memory's reservation makes an
// access past its size fault, and the access is one instruction with pc, fp and code pinned in
// the registers the fault handler reads them from.
#define CHECKED_ACCESS(T, endExpr) \
    u64 end = (endExpr); \
    if (end > memSize) TRAP(WDB_TRAP_OUT_OF_BOUNDS_MEMORY); \
    uint8_t *at = mem + end - sizeof(T)
#define CHECKED_READ(T, v) memcpy(&(v), at, sizeof(T))
#define CHECKED_WRITE(T, v) memcpy(at, &(v), sizeof(T))
#define CHECKED_HANDLER(name) HANDLER(name)

#if WDB_GUARD_PAGES
#define GUARDED_ACCESS(T, endExpr) \
    (void)memSize; \
    uint8_t *at = mem + (endExpr) - sizeof(T); \
    register u64 *pinnedPC __asm__("r12") = pc; \
    register u64 *pinnedFP __asm__("r13") = fp; \
    register u64 *pinnedCode __asm__("rdi") = code
#define PINNED "r"(pinnedPC), "r"(pinnedFP), "r"(pinnedCode)
/// Reads sizeof(T) bytes at `at` into v (zero-extended through a 64-bit value, which the
/// compiler is told, so that widening it again costs nothing).
#define GUARDED_READ(T, v) do { \
    u64 raw_; \
    if (sizeof(T) == 1) __asm__ volatile("movzbl %1, %k0" : "=r"(raw_) : "m"(*(const uint8_t *)at), PINNED); \
    else if (sizeof(T) == 2) __asm__ volatile("movzwl %1, %k0" : "=r"(raw_) : "m"(*(const uint16_t *)at), PINNED); \
    else if (sizeof(T) == 4) __asm__ volatile("movl %1, %k0" : "=r"(raw_) : "m"(*(const u32 *)at), PINNED); \
    else __asm__ volatile("movq %1, %0" : "=r"(raw_) : "m"(*(const u64 *)at), PINNED); \
    if (sizeof(T) < 8) __builtin_assume((raw_ >> (sizeof(T) * 8 % 64)) == 0); \
    memcpy(&(v), &raw_, sizeof(T)); \
} while (0)
#define GUARDED_WRITE(T, v) do { \
    if (sizeof(T) == 1) __asm__ volatile("movb %b1, %0" : "=m"(*(uint8_t *)at) : "r"((u64)(v)), PINNED); \
    else if (sizeof(T) == 2) __asm__ volatile("movw %w1, %0" : "=m"(*(uint16_t *)at) : "r"((u64)(v)), PINNED); \
    else if (sizeof(T) == 4) __asm__ volatile("movl %k1, %0" : "=m"(*(u32 *)at) : "r"((u64)(v)), PINNED); \
    else __asm__ volatile("movq %1, %0" : "=m"(*(u64 *)at) : "r"((u64)(v)), PINNED); \
} while (0)
/// Guarded handlers live in their own section: the fault handler knows a guest access by its
/// instruction pointer.
#define GUARDED_HANDLER(name) static HANDLER_CC __attribute__((section("wdb_guarded"), used)) uint8_t name(HANDLER_ARGS)
#endif

#define DEFINE_LOAD_KIND(H, P, ACCESS, READ, N, T, widen) \
    H(P##F_##N##_R) { \
        ACCESS(T, END()); \
        T v; READ(T, v); fp[A] = (widen); pc += 3; DISPATCH(); }
#define DEFINE_INDEXED_LOAD_KIND(H, P, ACCESS, READ, N, T, widen) \
    H(P##X_##N) { \
        ACCESS(T, INDEXED_END()); \
        T v; READ(T, v); fp[A] = (widen); pc += 3; DISPATCH(); }
#define DEFINE_INDEXED_STORE_KIND(H, P, ACCESS, WRITE, N, T) \
    H(P##X_##N##_R) { \
        ACCESS(T, INDEXED_END()); \
        T v = (T)fp[pc[2] >> 32]; WRITE(T, v); pc += 3; DISPATCH(); } \
    H(P##X_##N##_I) { \
        ACCESS(T, INDEXED_END()); \
        T v = (T)pc[3]; WRITE(T, v); pc += 4; DISPATCH(); }
#define DEFINE_STORE_KIND(H, P, ACCESS, WRITE, N, T) \
    H(P##F_##N##_RR) { \
        ACCESS(T, END()); \
        T v = (T)fp[pc[2] >> 32]; WRITE(T, v); pc += 3; DISPATCH(); } \
    H(P##F_##N##_RI) { \
        ACCESS(T, END()); \
        T v = (T)pc[3]; WRITE(T, v); pc += 4; DISPATCH(); }
#define DEFINE_LOAD(N, T, widen) DEFINE_LOAD_KIND(CHECKED_HANDLER, , CHECKED_ACCESS, CHECKED_READ, N, T, widen)
#define DEFINE_INDEXED_LOAD(N, T, widen) DEFINE_INDEXED_LOAD_KIND(CHECKED_HANDLER, , CHECKED_ACCESS, CHECKED_READ, N, T, widen)
#define DEFINE_STORE(N, T) DEFINE_STORE_KIND(CHECKED_HANDLER, , CHECKED_ACCESS, CHECKED_WRITE, N, T)
#define DEFINE_INDEXED_STORE(N, T) DEFINE_INDEXED_STORE_KIND(CHECKED_HANDLER, , CHECKED_ACCESS, CHECKED_WRITE, N, T)
#if WDB_GUARD_PAGES
#define DEFINE_GUARDED_LOAD(N, T, widen) DEFINE_LOAD_KIND(GUARDED_HANDLER, G_, GUARDED_ACCESS, GUARDED_READ, N, T, widen)
#define DEFINE_GUARDED_INDEXED_LOAD(N, T, widen) DEFINE_INDEXED_LOAD_KIND(GUARDED_HANDLER, G_, GUARDED_ACCESS, GUARDED_READ, N, T, widen)
#define DEFINE_GUARDED_STORE(N, T) DEFINE_STORE_KIND(GUARDED_HANDLER, G_, GUARDED_ACCESS, GUARDED_WRITE, N, T)
#define DEFINE_GUARDED_INDEXED_STORE(N, T) DEFINE_INDEXED_STORE_KIND(GUARDED_HANDLER, G_, GUARDED_ACCESS, GUARDED_WRITE, N, T)
#endif

#endif
