// The engine's run loop (see include/wdb_engine.h for the division of work with Swift, and
// Sources/WasmVM/InternalOp.swift for the instruction format).
//
// Every pointer dereference here relies on invariants the compiler and the store establish:
// code words are well formed and branch targets lie inside the function; operand slots lie inside
// the frame, and a call checks that the callee's frame fits below stackEnd; guest memory is
// accessed only after the one bounds check against memSize.
#include "wdb_engine.h"
#include "operations.h"
#include "chains.h"

#include <math.h>
#include <string.h>

typedef uint64_t u64;
typedef int64_t i64;
typedef uint32_t u32;
typedef int32_t i32;

static inline float f32_of(u64 slot) { float f; u32 b = (u32)slot; memcpy(&f, &b, 4); return f; }
static inline double f64_of(u64 slot) { double d; memcpy(&d, &slot, 8); return d; }
static inline u64 slot_f32(float f) { u32 b; memcpy(&b, &f, 4); return b; }
static inline u64 slot_f64(double d) { u64 b; memcpy(&b, &d, 8); return b; }

// Wasm's min/max: NaN if either operand is NaN, and -0 < +0.
static inline float fmin32(float a, float b) {
    if (a != a || b != b) return a + b;
    if (a == b) return signbit(a) ? a : b;
    return a < b ? a : b;
}
static inline float fmax32(float a, float b) {
    if (a != a || b != b) return a + b;
    if (a == b) return signbit(a) ? b : a;
    return a > b ? a : b;
}
static inline double fmin64(double a, double b) {
    if (a != a || b != b) return a + b;
    if (a == b) return signbit(a) ? a : b;
    return a < b ? a : b;
}
static inline double fmax64(double a, double b) {
    if (a != a || b != b) return a + b;
    if (a == b) return signbit(a) ? b : a;
    return a > b ? a : b;
}

static inline u32 rotl32(u32 x, u32 n) { n &= 31; return n ? (x << n) | (x >> (32 - n)) : x; }
static inline u32 rotr32(u32 x, u32 n) { n &= 31; return n ? (x >> n) | (x << (32 - n)) : x; }
static inline u64 rotl64(u64 x, u64 n) { n &= 63; return n ? (x << n) | (x >> (64 - n)) : x; }
static inline u64 rotr64(u64 x, u64 n) { n &= 63; return n ? (x >> n) | (x << (64 - n)) : x; }

/// Moves `count` slots down the frame (branch results to their label's height); dst <= src, so
/// a forward copy is right for overlapping ranges.
static inline void move_slots(u64 *fp, intptr_t src, intptr_t dst, intptr_t count) {
    for (intptr_t i = 0; i < count; i++) fp[dst + i] = fp[src + i];
}

// Each non-trapping binary operation as a function, for the chained forms (chains.h), which
// apply two of them in one handler.
#define DEFINE_BINARY_FUNCTION(N, expr) \
    static inline __attribute__((always_inline)) u64 binary_##N(u64 x, u64 y) { return (expr); }
WDB_BINARY_OPS(DEFINE_BINARY_FUNCTION)

_Static_assert(WDB_FUSED(WDB_OPCODE_COUNT, 0) <= WDB_CHAIN_BASE, "chained forms overlap register forms");

int wdb_chain_index(uint16_t first, uint16_t second) {
    // Numbered in WDB_CHAINS order, as the handler table is filled.
    static int16_t index[256][256];
    static bool ready = false;
    if (!ready) {
        int16_t n = 0;
#define NUMBER_CHAIN(F, S) index[WDB_OP_##F][WDB_OP_##S] = ++n;
        WDB_CHAINS(NUMBER_CHAIN)
        _Static_assert(WDB_CHAIN_BASE + 194 * WDB_CHAIN_FORM_COUNT <= WDB_STEP_BASE, "chains overlap steps");
        _Static_assert(WDB_STEP_BASE + 10 * WDB_STEP_FORM_COUNT <= WDB_TABLE_SIZE, "steps beyond the table");
        ready = true;
    }
    if (first >= 256 || second >= 256) return -1;
    return index[first][second] - 1;
}

static const void *const *handlers;
static const void *slowHandler;

bool wdb_core_handles(uint16_t operation) {
    if (handlers == NULL) {
        // Running once with a single step on an empty program fills the table.
        uint64_t code[1] = { WDB_IOP_BREAKPOINT };
        wdb_function_entry entry = { 0 };
        wdb_frame frame;
        wdb_core core = { .pc = code, .fp = code, .code = code, .entries = &entry, .frames = &frame,
                          .stackEnd = code };
        wdb_core_run(&core, code[0], true);
    }
    return handlers[operation & (WDB_TABLE_SIZE - 1)] != slowHandler;
}

uint8_t wdb_core_run(wdb_core *core, uint64_t firstWord, bool singleStep) {
    // One table entry per operation number; unset entries are operations left to Swift.
    static const void *table[WDB_TABLE_SIZE];
    // Bytes accessed by each register-form load and store (0 for every other operation).
    static uint8_t accessSize[WDB_TABLE_SIZE];
    static const void *stepTable[WDB_TABLE_SIZE];
    static bool ready = false;
    if (!ready) {
        for (int i = 0; i < WDB_TABLE_SIZE; i++) { table[i] = &&slow; stepTable[i] = &&step_done; }
        table[WDB_IOP_COPY] = &&L_COPY;
        table[WDB_IOP_COPY2] = &&L_COPY2;
        table[WDB_IOP_CONST] = &&L_CONST;
        table[WDB_IOP_CONST2] = &&L_CONST2;
        table[WDB_IOP_JUMP] = &&L_JUMP;
        table[WDB_IOP_BR_IF] = &&L_BR_IF;
        table[WDB_IOP_BR_IF_NOT] = &&L_BR_IF_NOT;
        table[WDB_IOP_BR_COPY] = &&L_BR_COPY;
        table[WDB_IOP_BR_IF_COPY] = &&L_BR_IF_COPY;
        table[WDB_IOP_BR_TABLE] = &&L_BR_TABLE;
        table[WDB_IOP_RETURN] = &&L_RETURN;
        table[WDB_IOP_CALL] = &&L_CALL;
        table[WDB_IOP_CALL_INDIRECT] = &&L_CALL_INDIRECT;
        table[WDB_IOP_SELECT2] = &&L_SELECT2;
        table[WDB_IOP_GLOBAL_GET2] = &&L_GLOBAL_GET2;
        table[WDB_IOP_GLOBAL_SET2] = &&L_GLOBAL_SET2;
        table[WDB_IOP_BREAKPOINT] = &&L_BREAKPOINT;
        table[WDB_IOP_INTERRUPT] = &&L_INTERRUPT;
        table[WDB_OP_UNREACHABLE] = &&L_UNREACHABLE;
        table[WDB_OP_SELECT] = &&L_SELECT;
        table[WDB_OP_GLOBAL_GET] = &&L_GLOBAL_GET;
        table[WDB_OP_GLOBAL_SET] = &&L_GLOBAL_SET;
        table[WDB_OP_MEMORY_SIZE] = &&L_MEMORY_SIZE;
#define REGISTER_BINARY(N, expr) \
        table[WDB_FUSED(WDB_OP_##N, WDB_FORM_RR)] = &&F_##N##_RR; \
        table[WDB_FUSED(WDB_OP_##N, WDB_FORM_RI)] = &&F_##N##_RI;
#define REGISTER_COMPARE(N, expr) REGISTER_BINARY(N, expr) \
        table[WDB_FUSED(WDB_OP_##N, WDB_FORM_RR_BR)] = &&F_##N##_RR_BR; \
        table[WDB_FUSED(WDB_OP_##N, WDB_FORM_RI_BR)] = &&F_##N##_RI_BR; \
        table[WDB_FUSED(WDB_OP_##N, WDB_FORM_RR_BRNOT)] = &&F_##N##_RR_BRNOT; \
        table[WDB_FUSED(WDB_OP_##N, WDB_FORM_RI_BRNOT)] = &&F_##N##_RI_BRNOT;
#define REGISTER_DIVISION(N, check, expr) REGISTER_BINARY(N, expr)
#define REGISTER_UNARY(N, expr) table[WDB_FUSED(WDB_OP_##N, WDB_FORM_R)] = &&F_##N##_R;
#define REGISTER_LOAD(N, T, widen) table[WDB_FUSED(WDB_OP_##N, WDB_FORM_R)] = &&F_##N##_R;
#define REGISTER_STORE(N, T) \
        table[WDB_FUSED(WDB_OP_##N, WDB_FORM_RR)] = &&F_##N##_RR; \
        table[WDB_FUSED(WDB_OP_##N, WDB_FORM_RI)] = &&F_##N##_RI;
#define SIZE_OF_LOAD(N, T, widen) accessSize[WDB_FUSED(WDB_OP_##N, WDB_FORM_R)] = sizeof(T);
#define SIZE_OF_STORE(N, T) \
        accessSize[WDB_FUSED(WDB_OP_##N, WDB_FORM_RR)] = sizeof(T); \
        accessSize[WDB_FUSED(WDB_OP_##N, WDB_FORM_RI)] = sizeof(T);
        WDB_LOAD_OPS(SIZE_OF_LOAD)
        WDB_STORE_OPS(SIZE_OF_STORE)
        table[WDB_IOP_WATCHED_ACCESS] = &&L_WATCHED_ACCESS;
        table[WDB_IOP_SELECT_SLOTS] = &&L_SELECT_SLOTS;
        WDB_COMPARE_OPS(REGISTER_COMPARE)
        WDB_BINARY_OPS(REGISTER_BINARY)
        WDB_DIVISION_OPS(REGISTER_DIVISION)
        WDB_UNARY_OPS(REGISTER_UNARY)
        WDB_LOAD_OPS(REGISTER_LOAD)
        WDB_STORE_OPS(REGISTER_STORE)
        {
            int chain = 0;
#define REGISTER_CHAIN(F, S) \
            table[WDB_CHAIN_BASE + chain * WDB_CHAIN_FORM_COUNT + WDB_CHAIN_RR] = &&C_##F##_##S##_RR; \
            table[WDB_CHAIN_BASE + chain * WDB_CHAIN_FORM_COUNT + WDB_CHAIN_RI] = &&C_##F##_##S##_RI; \
            table[WDB_CHAIN_BASE + chain * WDB_CHAIN_FORM_COUNT + WDB_CHAIN_RR_I] = &&C_##F##_##S##_RR_I; \
            table[WDB_CHAIN_BASE + chain * WDB_CHAIN_FORM_COUNT + WDB_CHAIN_RI_I] = &&C_##F##_##S##_RI_I; \
            table[WDB_CHAIN_BASE + chain * WDB_CHAIN_FORM_COUNT + WDB_CHAIN_RR_REV] = &&C_##F##_##S##_RR_REV; \
            table[WDB_CHAIN_BASE + chain * WDB_CHAIN_FORM_COUNT + WDB_CHAIN_RI_REV] = &&C_##F##_##S##_RI_REV; \
            chain += 1;
            WDB_CHAINS(REGISTER_CHAIN)
        }
#define REGISTER_STEP(N, expr) \
        table[WDB_STEP_BASE + (WDB_OP_##N - WDB_OP_I32_EQ) * WDB_STEP_FORM_COUNT + WDB_STEP_RR_BR] = &&S_##N##_RR_BR; \
        table[WDB_STEP_BASE + (WDB_OP_##N - WDB_OP_I32_EQ) * WDB_STEP_FORM_COUNT + WDB_STEP_RI_BR] = &&S_##N##_RI_BR; \
        table[WDB_STEP_BASE + (WDB_OP_##N - WDB_OP_I32_EQ) * WDB_STEP_FORM_COUNT + WDB_STEP_RR_BRNOT] = &&S_##N##_RR_BRNOT; \
        table[WDB_STEP_BASE + (WDB_OP_##N - WDB_OP_I32_EQ) * WDB_STEP_FORM_COUNT + WDB_STEP_RI_BRNOT] = &&S_##N##_RI_BRNOT;
        WDB_I32_COMPARE_OPS(REGISTER_STEP)
        handlers = table;
        slowHandler = &&slow;
        ready = true;
    }

    u64 *pc = core->pc;
    u64 *fp = core->fp;
    u64 *code = core->code;
    u32 function = core->function;
    intptr_t depth = core->depth;
    uint8_t *const mem = core->memBase;
    const u64 memSize = core->memSize;
    u64 *const *const globals = core->globals;
    const wdb_function_entry *const entries = core->entries;
    const void *const *const next = singleStep ? stepTable : table;
    u64 word = firstWord;
    uint8_t status;
    // The call being made (L_CALL and L_CALL_INDIRECT share its tail).
    u32 callee;
    u64 *base;
    u64 *returnPC;

#define A ((intptr_t)(word >> 32))
#define DISPATCH() do { word = *pc; goto *next[word & (WDB_TABLE_SIZE - 1)]; } while (0)
#define TRAP(code_) do { core->trap = (code_); status = WDB_STATUS_TRAPPED; goto leave; } while (0)
// Operand slots of a one-word numeric instruction: first operand (and result) at A, second at A+1.

    goto *table[word & (WDB_TABLE_SIZE - 1)];


    // ---- internal operations ----
L_COPY: fp[A] = fp[(intptr_t)pc[1]]; pc += 2; DISPATCH();
L_COPY2: { intptr_t s = (intptr_t)pc[1]; fp[A] = fp[s]; fp[A + 1] = fp[s + 1]; pc += 2; DISPATCH(); }
L_CONST: fp[A] = pc[1]; pc += 2; DISPATCH();
L_CONST2: fp[A] = pc[1]; fp[A + 1] = pc[2]; pc += 3; DISPATCH();
L_JUMP: pc = code + pc[1]; DISPATCH();
L_BR_IF: pc = U32(fp[A]) ? code + pc[1] : pc + 2; DISPATCH();
L_BR_IF_NOT: pc = U32(fp[A]) ? pc + 2 : code + pc[1]; DISPATCH();
L_BR_COPY: move_slots(fp, (intptr_t)pc[2], A, (intptr_t)pc[3]); pc = code + pc[1]; DISPATCH();
L_BR_IF_COPY:
    if (U32(fp[A])) {
        u64 w = pc[2];
        move_slots(fp, (intptr_t)(w & 0xFFFFFFFFu), (intptr_t)(w >> 32), (intptr_t)pc[3]);
        pc = code + pc[1];
    } else {
        pc += 4;
    }
    DISPATCH();
L_BR_TABLE: {
    u64 n = pc[1] & 0xFFFFFFFFu;
    u64 i = U32(fp[A]);
    if (i > n) i = n;
    // The compiler emitted n + 1 entries (target | destination slot << 32) after three words.
    u64 entry = pc[3 + i];
    move_slots(fp, (intptr_t)pc[2], (intptr_t)(entry >> 32), (intptr_t)(pc[1] >> 32));
    pc = code + (entry & 0xFFFFFFFFu);
    DISPATCH();
}
L_RETURN: {
    if (depth == core->entryDepth) {
        if (A != 0) move_slots(fp, A, 0, (intptr_t)pc[1]);
        status = WDB_STATUS_FINISHED;
        goto leave;
    }
    const wdb_frame *caller = &core->frames[depth - 1];
    const wdb_function_entry *e = &entries[caller->function];
    // Returning into another instance switches memory and globals: Swift does that.
    if (e->contextPointer != core->context) goto slow;
    if (A != 0) move_slots(fp, A, 0, (intptr_t)pc[1]);
    depth -= 1;
    fp = caller->fp;
    pc = caller->returnPC;
    function = caller->function;
    code = e->code;
    DISPATCH();
}
L_CALL_INDIRECT: {
    // w1 = table index; w2 = type id | index slot << 32. Anything that traps (index out of
    // bounds, null entry, type mismatch) goes to Swift, which reports it in detail.
    const wdb_table_view *t = core->tables[pc[1]];
    u64 w = pc[2];
    u64 index = U32(fp[w >> 32]);
    if (index >= t->count) goto slow;
    u64 ref = t->elements[index];
    if (ref == 0 || entries[(u32)(ref - 1)].typeID != (u32)w) goto slow;
    callee = (u32)(ref - 1);
    base = fp + A;
    returnPC = pc + 3;
    goto call;
}
L_CALL:
    callee = (u32)pc[1];
    base = fp + A;
    returnPC = pc + 2;
call: {
    const wdb_function_entry *e = &entries[callee];
    // Host functions, callees not compiled yet and calls into another instance go to Swift.
    if (e->isHost || e->code == NULL || e->contextPointer != core->context) goto slow;
    if (depth + 2 > core->maxDepth) TRAP(WDB_TRAP_CALL_STACK_EXHAUSTED);
    if (core->stackEnd - base <= (intptr_t)e->frameSize) TRAP(WDB_TRAP_CALL_STACK_EXHAUSTED);
    core->frames[depth] = (wdb_frame){ .function = function, .fp = fp, .returnPC = returnPC };
    depth += 1;
    // Non-parameter locals start at zero.
    // (The empty asm keeps clang from turning this loop into a memset call, which costs more
    // than the loop for the handful of locals a function has: 14 % of a call-heavy benchmark.)
    for (u64 *p = base + e->paramSlots, *end = base + e->localsEnd; p < end; p++) {
        *p = 0;
        __asm__ volatile("" : "+r"(p));
    }
    fp = base;
    code = e->code;
    pc = code;
    function = callee;
    DISPATCH();
}
L_SELECT_SLOTS: {
    u64 w = pc[1];
    fp[A] = U32(fp[(u32)pc[2]]) ? fp[(u32)w] : fp[w >> 32];
    pc += 3;
    DISPATCH();
}
L_SELECT2:
    if (U32(fp[A + 4]) == 0) { fp[A] = fp[A + 2]; fp[A + 1] = fp[A + 3]; }
    pc += 1;
    DISPATCH();
L_GLOBAL_GET2: { const u64 *g = globals[pc[1]]; fp[A] = g[0]; fp[A + 1] = g[1]; pc += 2; DISPATCH(); }
L_GLOBAL_SET2: { u64 *g = globals[pc[1]]; g[0] = fp[A]; g[1] = fp[A + 1]; pc += 2; DISPATCH(); }
L_BREAKPOINT: status = WDB_STATUS_BREAKPOINT; goto leave;
L_INTERRUPT: status = WDB_STATUS_INTERRUPTED; goto leave;
L_WATCHED_ACCESS: {
    // The original operation is kept in bits 16..31 of the patched word (Debug/Patching.swift).
    u64 original = (word & 0xFFFFFFFF00000000ull) | ((word >> 16) & 0xFFFF);
    uint16_t op = (uint16_t)original;
    uint8_t size = accessSize[op & (WDB_TABLE_SIZE - 1)];
    if (size != 0) {
        // The address of a load or store, as DEFINE_LOAD/DEFINE_STORE compute it.
        u64 w1 = pc[1];
        u64 ea = (u64)(u32)(fp[(u32)pc[2]] + (w1 >> 32)) + (u32)w1;
        if (ea >= core->watchHigh || ea + size <= core->watchLow) {
            word = original;
            goto *table[op & (WDB_TABLE_SIZE - 1)];
        }
    }
    status = WDB_STATUS_WATCH;
    goto leave;
}

    // ---- Wasm operations ----
L_UNREACHABLE: TRAP(WDB_TRAP_UNREACHABLE);
L_SELECT: if (U32(fp[A + 2]) == 0) fp[A] = fp[A + 1]; pc += 1; DISPATCH();
L_GLOBAL_GET: fp[A] = globals[pc[1]][0]; pc += 2; DISPATCH();
L_GLOBAL_SET: globals[pc[1]][0] = fp[A]; pc += 2; DISPATCH();
L_MEMORY_SIZE: fp[A] = memSize / 65536; pc += 2; DISPATCH();

    // ---- register-form operations (see the operand forms in wdb_engine.h) ----
#define DEFINE_BINARY(N, expr) \
    F_##N##_RR: { u64 x = fp[(u32)pc[1]], y = fp[pc[1] >> 32]; fp[A] = (expr); pc += 2; DISPATCH(); } \
    F_##N##_RI: { u64 x = fp[(u32)pc[1]], y = pc[2]; fp[A] = (expr); pc += 3; DISPATCH(); }
#define DEFINE_COMPARE(N, expr) DEFINE_BINARY(N, expr) \
    F_##N##_RR_BR: { u64 x = fp[(u32)pc[1]], y = fp[pc[1] >> 32]; pc = (expr) ? code + pc[2] : pc + 3; DISPATCH(); } \
    F_##N##_RI_BR: { u64 x = fp[(u32)pc[1]], y = pc[2]; pc = (expr) ? code + pc[3] : pc + 4; DISPATCH(); } \
    F_##N##_RR_BRNOT: { u64 x = fp[(u32)pc[1]], y = fp[pc[1] >> 32]; pc = (expr) ? pc + 3 : code + pc[2]; DISPATCH(); } \
    F_##N##_RI_BRNOT: { u64 x = fp[(u32)pc[1]], y = pc[2]; pc = (expr) ? pc + 4 : code + pc[3]; DISPATCH(); }
#define DEFINE_DIVISION(N, check, expr) \
    F_##N##_RR: { u64 x = fp[(u32)pc[1]], y = fp[pc[1] >> 32]; check; fp[A] = (expr); pc += 2; DISPATCH(); } \
    F_##N##_RI: { u64 x = fp[(u32)pc[1]], y = pc[2]; check; fp[A] = (expr); pc += 3; DISPATCH(); }
#define DEFINE_UNARY(N, expr) \
    F_##N##_R: { u64 x = fp[(u32)pc[1]]; fp[A] = (expr); pc += 2; DISPATCH(); }
// Loads and stores: word 1 is the offset (low half) and an addend (high half): an `i32.add` of
// a constant that computed the address, folded in (the sum wraps at 32 bits, as the add does).
// Word 2's low half is the address slot; a store's value slot (RR) is in its high half.
#define ADDRESS() ((u64)(u32)(fp[(u32)pc[2]] + (pc[1] >> 32)) + (u32)pc[1])
#define DEFINE_LOAD(N, T, widen) \
    F_##N##_R: { \
        u64 ea = ADDRESS(); \
        if (ea + sizeof(T) > memSize) TRAP(WDB_TRAP_OUT_OF_BOUNDS_MEMORY); \
        T v; memcpy(&v, mem + ea, sizeof(T)); fp[A] = (widen); pc += 3; DISPATCH(); }
#define DEFINE_STORE(N, T) \
    F_##N##_RR: { \
        u64 ea = ADDRESS(); \
        if (ea + sizeof(T) > memSize) TRAP(WDB_TRAP_OUT_OF_BOUNDS_MEMORY); \
        T v = (T)fp[pc[2] >> 32]; memcpy(mem + ea, &v, sizeof(T)); pc += 3; DISPATCH(); } \
    F_##N##_RI: { \
        u64 ea = ADDRESS(); \
        if (ea + sizeof(T) > memSize) TRAP(WDB_TRAP_OUT_OF_BOUNDS_MEMORY); \
        T v = (T)pc[3]; memcpy(mem + ea, &v, sizeof(T)); pc += 4; DISPATCH(); }

    WDB_COMPARE_OPS(DEFINE_COMPARE)
    WDB_BINARY_OPS(DEFINE_BINARY)
    WDB_DIVISION_OPS(DEFINE_DIVISION)
    WDB_UNARY_OPS(DEFINE_UNARY)
    WDB_LOAD_OPS(DEFINE_LOAD)
    WDB_STORE_OPS(DEFINE_STORE)

    // ---- chained operations (chains.h; word layouts in wdb_engine.h) ----
#define DEFINE_CHAIN(F, S) \
    C_##F##_##S##_RR: { u64 w = pc[1]; \
        fp[A] = binary_##S(binary_##F(fp[(u32)w], fp[w >> 32]), fp[(u32)pc[2]]); pc += 3; DISPATCH(); } \
    C_##F##_##S##_RI: { u64 w = pc[1]; \
        fp[A] = binary_##S(binary_##F(fp[(u32)w], pc[2]), fp[w >> 32]); pc += 3; DISPATCH(); } \
    C_##F##_##S##_RR_I: { u64 w = pc[1]; \
        fp[A] = binary_##S(binary_##F(fp[(u32)w], fp[w >> 32]), pc[2]); pc += 3; DISPATCH(); } \
    C_##F##_##S##_RI_I: \
        fp[A] = binary_##S(binary_##F(fp[(u32)pc[1]], pc[2]), pc[3]); pc += 4; DISPATCH(); \
    C_##F##_##S##_RR_REV: { u64 w = pc[1]; \
        fp[A] = binary_##S(fp[(u32)pc[2]], binary_##F(fp[(u32)w], fp[w >> 32])); pc += 3; DISPATCH(); } \
    C_##F##_##S##_RI_REV: { u64 w = pc[1]; \
        fp[A] = binary_##S(fp[w >> 32], binary_##F(fp[(u32)w], pc[2])); pc += 3; DISPATCH(); }
    WDB_CHAINS(DEFINE_CHAIN)

    // ---- increment-and-branch (wdb_engine.h): the local is written before y is read ----
#define STEP_INCREMENT() u64 w = pc[1]; u64 x = (u32)(U32(fp[(u32)w]) + (u32)(w >> 32)); fp[A] = x
#define DEFINE_STEP(N, expr) \
    S_##N##_RR_BR: { STEP_INCREMENT(); u64 y = fp[(u32)pc[2]]; pc = (expr) ? code + pc[3] : pc + 4; DISPATCH(); } \
    S_##N##_RI_BR: { STEP_INCREMENT(); u64 y = pc[2]; pc = (expr) ? code + pc[3] : pc + 4; DISPATCH(); } \
    S_##N##_RR_BRNOT: { STEP_INCREMENT(); u64 y = fp[(u32)pc[2]]; pc = (expr) ? pc + 4 : code + pc[3]; DISPATCH(); } \
    S_##N##_RI_BRNOT: { STEP_INCREMENT(); u64 y = pc[2]; pc = (expr) ? pc + 4 : code + pc[3]; DISPATCH(); }
    WDB_I32_COMPARE_OPS(DEFINE_STEP)

slow:
    status = WDB_STATUS_SLOW;
    goto leave;
step_done:
    status = WDB_STATUS_RUNNING;
leave:
    core->pc = pc;
    core->fp = fp;
    core->code = code;
    core->function = function;
    core->depth = depth;
    return status;
}
