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
#include "guard_pages.h"

#include <math.h>
#include <pthread.h>
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
    // A plain loop: branches move a slot or two, and clang's vectorized version needs enough
    // registers to make the handlers that use it save and restore five of them every time.
#pragma clang loop vectorize(disable) unroll(disable)
    for (intptr_t i = 0; i < count; i++) fp[dst + i] = fp[src + i];
}

// Each non-trapping binary operation as a function, for the chained forms (chains.h), which
// apply two of them in one handler.
#define DEFINE_BINARY_FUNCTION(N, expr) \
    static inline __attribute__((always_inline, unused)) u64 binary_##N(u64 x, u64 y) { return (expr); }
WDB_BINARY_OPS(DEFINE_BINARY_FUNCTION)

// The operation-number ranges and their static asserts are generated (include/wdb_forms.h,
// from Scripts/engine-forms.txt), with the chain lists of chains.h.

// ---- Threaded dispatch ----
//
// Every operation is its own function with the same signature, and each ends by tail-calling
// the next instruction's handler (`musttail`: a jump, never a call, also in debug builds). The
// interpreter's registers are the arguments, so they stay in machine registers across handlers,
// and each small function gets its own register allocation: one large computed-goto function
// with a thousand labels left clang shuffling and spilling registers between handlers.

// Handlers use clang's preserve_none convention where it has it: no register is callee-saved,
// so a handler that needs a few temporaries does not save and restore any (with the C
// convention six registers hold the arguments and only three are free).
#if __has_attribute(preserve_none)
#define HANDLER_CC __attribute__((preserve_none))
#else
#define HANDLER_CC
#endif
typedef struct wdb_dispatch wdb_dispatch;
// `memSize` is core->memSize, constant during a run of the core (memory.grow and instance
// switches happen in Swift, which re-enters with the new size): as an argument it stays in a
// register, and a load or store's bounds check compares with it instead of loading it.
#define HANDLER_ARGS u64 *pc, u64 *fp, u64 word, wdb_core *core, u64 *code, uint8_t *mem, \
    const wdb_dispatch *next, u64 memSize
#define HANDLER(name) static HANDLER_CC uint8_t name(HANDLER_ARGS)
typedef HANDLER_CC uint8_t (*wdb_handler)(HANDLER_ARGS);
/// A handler table, indexed by the low 16 bits of an instruction word (operation numbers are
/// below WDB_TABLE_SIZE; indexing by the whole half-word saves a mask in every dispatch).
struct wdb_dispatch { wdb_handler handlers[1 << 16]; };

// Dispatch-sequence counting (off by default): dispatch_counting.h.
#include "dispatch_counting.h"

/// The slot operand in bits 32..63 of the instruction word.
#define A ((intptr_t)(word >> 32))
#define TAIL(handler, word_) __attribute__((musttail)) return (handler)(pc, fp, (word_), core, code, mem, next, memSize)
#define DISPATCH() do { word = *pc; COUNT_SEQUENCE((uint16_t)word); TAIL(next->handlers[(uint16_t)word], word); } while (0)
#define EXIT(status_) return leave(pc, fp, code, core, (status_))
#define TRAP(code_) do { core->trap = (code_); EXIT(WDB_STATUS_TRAPPED); } while (0)

static inline uint8_t leave(u64 *pc, u64 *fp, u64 *code, wdb_core *core, uint8_t status) {
    core->pc = pc;
    core->fp = fp;
    core->code = code;
    return status;
}

/// One entry per operation number; unset entries are operations left to Swift.
static wdb_dispatch runTable;
static wdb_handler *const table = runTable.handlers;
/// Single steps: every entry returns before the next instruction runs.
static wdb_dispatch stepTable;
#if WDB_GUARD_PAGES
/// The run table for guarded memories (guard_pages.h): its loads and stores check no bounds.
static wdb_dispatch guardedTable;
/// The guarded handler of each memory-access operation (NULL for any other), registered beside
/// its checked one (SET_ACCESS); fill_tables lays them over a copy of the run table.
static wdb_handler guardedHandlers[WDB_TABLE_SIZE];
#define SET_GUARDED(number_, handler_) (guardedHandlers[number_] = (handler_))
#else
#define SET_GUARDED(number_, handler_) ((void)0)
#endif
/// Chain index + 1 of each (first, second) and (load, operation) pair of Wasm opcodes (0: none),
/// numbered as fill_tables registers their handlers.
static int16_t chainIndex[256][256];
static int16_t loadChainIndex[256][256];
/// Bytes accessed by each register-form load and store (0 for every other operation).
static uint8_t accessSize[WDB_TABLE_SIZE];
/// Whether a load or store's address adds an index slot rather than a constant addend.
static bool accessIndexed[WDB_TABLE_SIZE];

HANDLER(h_slow) { (void)word; (void)mem; (void)next; EXIT(WDB_STATUS_SLOW); }
HANDLER(h_step_done) { (void)word; (void)mem; (void)next; EXIT(WDB_STATUS_RUNNING); }

// ---- internal operations ----
HANDLER(L_COPY) { fp[A] = fp[(intptr_t)pc[1]]; pc += 2; DISPATCH(); }
HANDLER(L_COPY2) { intptr_t s = (intptr_t)pc[1]; fp[A] = fp[s]; fp[A + 1] = fp[s + 1]; pc += 2; DISPATCH(); }
HANDLER(L_CONST) { fp[A] = pc[1]; pc += 2; DISPATCH(); }
HANDLER(L_CONST2) { fp[A] = pc[1]; fp[A + 1] = pc[2]; pc += 3; DISPATCH(); }
HANDLER(L_JUMP) { pc = code + pc[1]; DISPATCH(); }
HANDLER(L_BR_IF) { pc = U32(fp[A]) ? code + pc[1] : pc + 2; DISPATCH(); }
HANDLER(L_BR_IF_NOT) { pc = U32(fp[A]) ? pc + 2 : code + pc[1]; DISPATCH(); }
HANDLER(L_BR_COPY) { move_slots(fp, (intptr_t)pc[2], A, (intptr_t)pc[3]); pc = code + pc[1]; DISPATCH(); }
HANDLER(L_BR_IF_COPY) {
    if (U32(fp[A])) {
        u64 w = pc[2];
        move_slots(fp, (intptr_t)(w & 0xFFFFFFFFu), (intptr_t)(w >> 32), (intptr_t)pc[3]);
        pc = code + pc[1];
    } else {
        pc += 4;
    }
    DISPATCH();
}
HANDLER(L_BR_TABLE) {
    u64 n = pc[1] & 0xFFFFFFFFu;
    u64 i = U32(fp[A]);
    // A branch, not a conditional move: the next dispatch's address hangs on this index, and
    // with a cmov in the chain a mispredicted jump resolved later (bytecode: 1.46 s -> 1.13 s).
    if (__builtin_expect(i > n, 0)) i = n;
    // The compiler emitted n + 1 entries (target | destination slot << 32) after three words.
    u64 entry = pc[3 + i];
    move_slots(fp, (intptr_t)pc[2], (intptr_t)(entry >> 32), (intptr_t)(pc[1] >> 32));
    pc = code + (entry & 0xFFFFFFFFu);
    DISPATCH();
}
/// Moves a return's results (pc[1] slots from fp[A]) to fp[0...]. The first is copied
/// unconditionally (most functions return one value; with none, fp[0] and fp[A] are dead slots
/// inside the value stack), the others in the loop.
#define MOVE_RESULTS() do { \
    fp[0] = fp[A]; \
    if (A != 0) move_slots(fp, A + 1, 1, (intptr_t)pc[1] - 1); \
} while (0)
HANDLER(L_RETURN) {
    intptr_t depth = core->depth;
    if (__builtin_expect(depth == core->entryDepth, 0)) {
        MOVE_RESULTS();
        EXIT(WDB_STATUS_FINISHED);
    }
    const wdb_frame *caller = &core->frames[depth - 1];
    // A caller in another instance (code NULL) needs memory and globals switched: Swift does
    // that (with nothing moved yet).
    u64 *callerCode = caller->code;
    if (__builtin_expect(callerCode == NULL, 0)) EXIT(WDB_STATUS_SLOW);
    MOVE_RESULTS();
    core->depth = depth - 1;
    core->function = caller->function;
    fp = caller->fp;
    pc = caller->returnPC;
    code = callerCode;
    DISPATCH();
}

/// Zeroes slots [paramSlots, zeroEnd) of the frame at `base_` of function entry `e_`: the
/// locals a read may see before a write (wdb_function_entry.zeroEnd), the first of which is the
/// zero slot when the function has one. The first two are zeroed whatever zeroEnd says, with no
/// loop: most functions zero one or two slots (a debug session's calls often two, a free run's
/// one), and two stores cost what one store and a loop test did. Slots past zeroEnd are then a
/// local the function writes before reading it, an operand slot, or one of the two slots above
/// the frame, all dead at entry and inside the value stack (the call checked base + frameSize <
/// stackEnd, and stackEnd stops one slot short of the stack's end: Execution.swift). (The empty
/// asm keeps clang from turning the loop into a memset call, which costs more than the loop for
/// the handful of locals a function has.)
#define ZERO_LOCALS(base_, e_) do { \
    u64 *p = (base_) + (e_)->paramSlots, *end = (base_) + (e_)->zeroEnd; \
    p[0] = 0; \
    p[1] = 0; \
    p += 2; \
    while (p < end) { \
        *p = 0; \
        p++; \
        __asm__ volatile("" : "+r"(p)); \
    } \
} while (0)

/// Enters function `callee_` with its frame at `base_`; the caller continues at `returnPC_`.
/// Host functions, callees not compiled yet and calls into another instance go to Swift.
#define CALL(callee_, base_, returnPC_) do { \
    u32 callee = (callee_); \
    u64 *base = (base_); \
    const wdb_function_entry *e = &core->entries[callee]; \
    /* Host functions have no code either: one test covers them and callees not compiled. */ \
    u64 *calleeCode = e->code; \
    if (calleeCode == NULL || e->contextPointer != core->context) EXIT(WDB_STATUS_SLOW); \
    intptr_t depth = core->depth; \
    if (depth + 2 > core->maxDepth) TRAP(WDB_TRAP_CALL_STACK_EXHAUSTED); \
    if (base + e->frameSize >= core->stackEnd) TRAP(WDB_TRAP_CALL_STACK_EXHAUSTED); \
    /* (Field by field: a compound literal would also store zeros into the padding.) */ \
    wdb_frame *frame = &core->frames[depth]; \
    frame->function = core->function; \
    frame->fp = fp; \
    frame->returnPC = (returnPC_); \
    frame->code = code; \
    core->depth = depth + 1; \
    core->function = callee; \
    ZERO_LOCALS(base, e); \
    fp = base; \
    code = calleeCode; \
    pc = code; \
    DISPATCH(); \
} while (0)

/// Copies a call's folded arguments into the callee's frame (Compiler+Calls.swift): bits
/// 32..47 of `w1` count the copies (`destination | source << 32`, one word each), bits 48..63
/// the constants (destination, value: two words each), listed from `list`. Every call handler
/// copies before anything that may leave the core, so the Swift slow path (host callees,
/// callees not compiled yet, other instances, traps) finds the arguments in place, as a stepped
/// or resumed call does.
static inline __attribute__((always_inline)) void copy_arguments(u64 *fp, const u64 *list, u64 w1) {
    u64 copies = (w1 >> 32) & 0xFFFF, constants = w1 >> 48;
    // Plain loops, as in move_slots (this is the rarer general list: constants, or more than
    // three copies).
#pragma clang loop vectorize(disable) unroll(disable)
    for (u64 i = 0; i < copies; i++) { u64 w = list[i]; fp[(u32)w] = fp[w >> 32]; }
    list += copies;
#pragma clang loop vectorize(disable) unroll(disable)
    for (u64 i = 0; i < constants; i++) fp[list[2 * i]] = list[2 * i + 1];
}
/// The words of the argument list described by `w1`.
#define ARGUMENT_WORDS(w1_) ((((w1_) >> 32) & 0xFFFF) + 2 * ((w1_) >> 48))
/// Exactly `n_` copies then `k_` constants, unrolled (the CALL_COPYn and CALL_..._CONST1 forms:
/// most calls with folded arguments).
#define COPY_ARGUMENTS(list_, n_, k_) do { \
    const u64 *l_ = (list_); \
    _Pragma("clang loop unroll(full)") \
    for (int i_ = 0; i_ < (n_); i_++) { u64 w_ = l_[i_]; fp[(u32)w_] = fp[w_ >> 32]; } \
    _Pragma("clang loop unroll(full)") \
    for (int i_ = 0; i_ < (k_); i_++) fp[l_[(n_) + 2 * i_]] = l_[(n_) + 2 * i_ + 1]; \
} while (0)

// A call with a general argument list (CALL_LIST) copies it and then jumps to a handler that
// enters the callee: the copy loops and CALL in one function made clang keep three of the
// handler's registers on the stack around every call.
static HANDLER_CC uint8_t L_CALL_ENTER(HANDLER_ARGS);
static HANDLER_CC uint8_t L_CALL_INDIRECT_ENTER(HANDLER_ARGS);
HANDLER(L_CALL_LIST) { copy_arguments(fp, pc + 2, pc[1]); TAIL(L_CALL_ENTER, word); }
HANDLER(L_CALL_INDIRECT_LIST) { copy_arguments(fp, pc + 3, pc[1]); TAIL(L_CALL_INDIRECT_ENTER, word); }

/// A call without an argument list (its arguments are in the callee's frame already).
HANDLER(L_CALL) { CALL((u32)pc[1], fp + A, pc + 2); }
HANDLER(L_CALL_ENTER) { u64 w1 = pc[1]; CALL((u32)w1, fp + A, pc + 2 + ARGUMENT_WORDS(w1)); }
#define DEFINE_CALL_FORM(name_, n_, k_) \
    HANDLER(name_) { COPY_ARGUMENTS(pc + 2, n_, k_); CALL((u32)pc[1], fp + A, pc + 2 + (n_) + 2 * (k_)); }
DEFINE_CALL_FORM(L_CALL_COPY1, 1, 0)
DEFINE_CALL_FORM(L_CALL_COPY2, 2, 0)
DEFINE_CALL_FORM(L_CALL_COPY3, 3, 0)
DEFINE_CALL_FORM(L_CALL_CONST1, 0, 1)
DEFINE_CALL_FORM(L_CALL_COPY1_CONST1, 1, 1)
DEFINE_CALL_FORM(L_CALL_COPY2_CONST1, 2, 1)

/// The table lookup of an indirect call (w1 = table index | argument counts << 32; w2 = type
/// id | index slot << 32), then the call, returning to `returnPC_`. Anything that traps (index
/// out of bounds, null entry, type mismatch) goes to Swift, which reports it in detail.
#define CALL_INDIRECT(returnPC_) do { \
    const wdb_table_view *t = core->tables[(u32)pc[1]]; \
    u64 w = pc[2]; \
    u64 index = U32(fp[w >> 32]); \
    if (index >= t->count) EXIT(WDB_STATUS_SLOW); \
    u64 ref = t->elements[index]; \
    if (ref == 0 || core->entries[(u32)(ref - 1)].typeID != (u32)w) EXIT(WDB_STATUS_SLOW); \
    CALL((u32)(ref - 1), fp + A, (returnPC_)); \
} while (0)
HANDLER(L_CALL_INDIRECT) { CALL_INDIRECT(pc + 3); }
HANDLER(L_CALL_INDIRECT_ENTER) { CALL_INDIRECT(pc + 3 + ARGUMENT_WORDS(pc[1])); }
#define DEFINE_CALL_INDIRECT_COPIES(n_) \
    HANDLER(L_CALL_INDIRECT_COPY##n_) { COPY_ARGUMENTS(pc + 3, n_, 0); CALL_INDIRECT(pc + 3 + (n_)); }
DEFINE_CALL_INDIRECT_COPIES(1)
DEFINE_CALL_INDIRECT_COPIES(2)
DEFINE_CALL_INDIRECT_COPIES(3)

/// Enters function `callee_` in place of the current frame (a Wasm tail call): the arguments
/// move from fp[A...] down to fp[0...], the saved callers and the depth stay as they are, so a
/// tail-recursive loop runs in constant stack. Host functions, callees not compiled yet and
/// callees in another instance go to Swift, as for CALL.
#define TAIL_CALL(callee_) do { \
    u32 callee = (callee_); \
    const wdb_function_entry *e = &core->entries[callee]; \
    u64 *calleeCode = e->code; \
    if (calleeCode == NULL || e->contextPointer != core->context) EXIT(WDB_STATUS_SLOW); \
    if (core->stackEnd - fp <= (intptr_t)e->frameSize) TRAP(WDB_TRAP_CALL_STACK_EXHAUSTED); \
    move_slots(fp, A, 0, (intptr_t)e->paramSlots); \
    core->function = callee; \
    ZERO_LOCALS(fp, e); \
    code = calleeCode; \
    pc = code; \
    DISPATCH(); \
} while (0)

HANDLER(L_RETURN_CALL) { TAIL_CALL((u32)pc[1]); }
HANDLER(L_RETURN_CALL_INDIRECT) {
    // As L_CALL_INDIRECT: anything that traps goes to Swift, and so does a 64-bit table (bit 32
    // of pc[1]), whose index is all 64 bits of the slot.
    if (pc[1] >> 32) EXIT(WDB_STATUS_SLOW);
    const wdb_table_view *t = core->tables[pc[1]];
    u64 w = pc[2];
    u64 index = U32(fp[w >> 32]);
    if (index >= t->count) EXIT(WDB_STATUS_SLOW);
    u64 ref = t->elements[index];
    if (ref == 0 || core->entries[(u32)(ref - 1)].typeID != (u32)w) EXIT(WDB_STATUS_SLOW);
    TAIL_CALL((u32)(ref - 1));
}
HANDLER(L_SELECT_SLOTS) {
    u64 w = pc[1];
    fp[A] = U32(fp[(u32)pc[2]]) ? fp[(u32)w] : fp[w >> 32];
    pc += 3;
    DISPATCH();
}
HANDLER(L_SELECT2) {
    if (U32(fp[A + 4]) == 0) { fp[A] = fp[A + 2]; fp[A + 1] = fp[A + 3]; }
    pc += 1;
    DISPATCH();
}
HANDLER(L_GLOBAL_GET2) { const u64 *g = core->globals[pc[1]]; fp[A] = g[0]; fp[A + 1] = g[1]; pc += 2; DISPATCH(); }
HANDLER(L_GLOBAL_SET2) { u64 *g = core->globals[pc[1]]; g[0] = fp[A]; g[1] = fp[A + 1]; pc += 2; DISPATCH(); }
HANDLER(L_BREAKPOINT) { (void)word; (void)mem; (void)next; EXIT(WDB_STATUS_BREAKPOINT); }
HANDLER(L_INTERRUPT) { (void)word; (void)mem; (void)next; EXIT(WDB_STATUS_INTERRUPTED); }
HANDLER(L_WATCHED_ACCESS) {
    // The original operation is kept in bits 16..31 of the patched word (Debug/Patching.swift).
    u64 original = (word & 0xFFFFFFFF00000000ull) | ((word >> 16) & 0xFFFF);
    uint16_t op = (uint16_t)original;
    uint8_t size = accessSize[op & (WDB_TABLE_SIZE - 1)];
    if (size != 0) {
        // Where the load or store ends, as END() computes it, and so where it starts.
        u64 w1 = pc[1];
        u64 addend = accessIndexed[op & (WDB_TABLE_SIZE - 1)] ? fp[w1 >> 32] : (w1 >> 32);
        u64 end = (u64)(u32)(fp[(u32)pc[2]] + addend) + (u32)w1;
        if (end - size >= core->watchHigh || end <= core->watchLow) TAIL(table[op], original);
    }
    EXIT(WDB_STATUS_WATCH);
}

// ---- Wasm operations ----
HANDLER(L_UNREACHABLE) { (void)word; (void)mem; (void)next; TRAP(WDB_TRAP_UNREACHABLE); }
HANDLER(L_SELECT) { if (U32(fp[A + 2]) == 0) fp[A] = fp[A + 1]; pc += 1; DISPATCH(); }
HANDLER(L_GLOBAL_GET) { fp[A] = core->globals[pc[1]][0]; pc += 2; DISPATCH(); }
HANDLER(L_GLOBAL_SET) { core->globals[pc[1]][0] = fp[A]; pc += 2; DISPATCH(); }
HANDLER(L_MEMORY_SIZE) { fp[A] = memSize / 65536; pc += 2; DISPATCH(); }

// ---- register-form operations (see the operand forms in wdb_engine.h) ----
#define DEFINE_BINARY(N, expr) \
    HANDLER(F_##N##_RR) { u64 x = fp[(u32)pc[1]], y = fp[pc[1] >> 32]; fp[A] = (expr); pc += 2; DISPATCH(); } \
    HANDLER(F_##N##_RI) { u64 x = fp[(u32)pc[1]], y = pc[2]; fp[A] = (expr); pc += 3; DISPATCH(); }
#define DEFINE_COMPARE(N, expr) DEFINE_BINARY(N, expr) \
    HANDLER(F_##N##_RR_BR) { u64 x = fp[(u32)pc[1]], y = fp[pc[1] >> 32]; pc = (expr) ? code + pc[2] : pc + 3; DISPATCH(); } \
    HANDLER(F_##N##_RI_BR) { u64 x = fp[(u32)pc[1]], y = pc[2]; pc = (expr) ? code + pc[3] : pc + 4; DISPATCH(); } \
    HANDLER(F_##N##_RR_BRNOT) { u64 x = fp[(u32)pc[1]], y = fp[pc[1] >> 32]; pc = (expr) ? pc + 3 : code + pc[2]; DISPATCH(); } \
    HANDLER(F_##N##_RI_BRNOT) { u64 x = fp[(u32)pc[1]], y = pc[2]; pc = (expr) ? pc + 4 : code + pc[3]; DISPATCH(); }
#define DEFINE_DIVISION(N, check, expr) \
    HANDLER(F_##N##_RR) { u64 x = fp[(u32)pc[1]], y = fp[pc[1] >> 32]; check; fp[A] = (expr); pc += 2; DISPATCH(); } \
    HANDLER(F_##N##_RI) { u64 x = fp[(u32)pc[1]], y = pc[2]; check; fp[A] = (expr); pc += 3; DISPATCH(); }
#define DEFINE_UNARY(N, expr) \
    HANDLER(F_##N##_R) { u64 x = fp[(u32)pc[1]]; fp[A] = (expr); pc += 2; DISPATCH(); }
#define DEFINE_TRAPPING_UNARY(N, check, expr) \
    HANDLER(F_##N##_R) { u64 x = fp[(u32)pc[1]]; check; fp[A] = (expr); pc += 2; DISPATCH(); }
// Loads and stores (memory_access.h): the word layout, and the checked and guarded kinds.
#include "memory_access.h"

// Immediate first (IR): word 1 the slot of y, word 2 the constant x (`C - y`, `C / y`).
#define DEFINE_IMMEDIATE_FIRST(N, expr) \
    HANDLER(F_##N##_IR) { u64 x = pc[2], y = fp[(u32)pc[1]]; fp[A] = (expr); pc += 3; DISPATCH(); }

WDB_COMPARE_OPS(DEFINE_COMPARE)
WDB_BINARY_OPS(DEFINE_BINARY)
WDB_BINARY_OPS(DEFINE_IMMEDIATE_FIRST)
WDB_DIVISION_OPS(DEFINE_DIVISION)
WDB_UNARY_OPS(DEFINE_UNARY)
WDB_TRUNCATION_OPS(DEFINE_TRAPPING_UNARY)
WDB_LOAD_OPS(DEFINE_LOAD)
WDB_STORE_OPS(DEFINE_STORE)
WDB_LOAD_OPS(DEFINE_INDEXED_LOAD)
WDB_STORE_OPS(DEFINE_INDEXED_STORE)
#if WDB_GUARD_PAGES
WDB_LOAD_OPS(DEFINE_GUARDED_LOAD)
WDB_STORE_OPS(DEFINE_GUARDED_STORE)
WDB_LOAD_OPS(DEFINE_GUARDED_INDEXED_LOAD)
WDB_STORE_OPS(DEFINE_GUARDED_INDEXED_STORE)
#endif

// ---- chained operations (chains.h; word layouts in wdb_engine.h) ----
#define DEFINE_CHAIN(F, S) \
    HANDLER(C_##F##_##S##_RR) { u64 w = pc[1]; \
        fp[A] = binary_##S(binary_##F(fp[(u32)w], fp[w >> 32]), fp[(u32)pc[2]]); pc += 3; DISPATCH(); } \
    HANDLER(C_##F##_##S##_RI) { u64 w = pc[1]; \
        fp[A] = binary_##S(binary_##F(fp[(u32)w], pc[2]), fp[w >> 32]); pc += 3; DISPATCH(); } \
    HANDLER(C_##F##_##S##_RR_I) { u64 w = pc[1]; \
        fp[A] = binary_##S(binary_##F(fp[(u32)w], fp[w >> 32]), pc[2]); pc += 3; DISPATCH(); } \
    HANDLER(C_##F##_##S##_RI_I) { \
        fp[A] = binary_##S(binary_##F(fp[(u32)pc[1]], pc[2]), pc[3]); pc += 4; DISPATCH(); } \
    HANDLER(C_##F##_##S##_RR_REV) { u64 w = pc[1]; \
        fp[A] = binary_##S(fp[(u32)pc[2]], binary_##F(fp[(u32)w], fp[w >> 32])); pc += 3; DISPATCH(); } \
    HANDLER(C_##F##_##S##_RI_REV) { u64 w = pc[1]; \
        fp[A] = binary_##S(fp[w >> 32], binary_##F(fp[(u32)w], pc[2])); pc += 3; DISPATCH(); }
WDB_CHAINS(DEFINE_CHAIN)

// ---- increment-and-branch (wdb_engine.h): the local is written before y is read ----
#define STEP_I32() u64 w = pc[1]; u64 x = (u32)(U32(fp[(u32)w]) + (u32)(w >> 32)); fp[A] = x
#define STEP_I32_SLOT() u64 w = pc[1]; u64 x = (u32)(U32(fp[(u32)w]) + U32(fp[w >> 32])); fp[A] = x
#define STEP_I64() u64 w = pc[1]; u64 x = fp[(u32)w] + (u64)(i64)(i32)(u32)(w >> 32); fp[A] = x
#define STEP_I64_SLOT() u64 w = pc[1]; u64 x = fp[(u32)w] + fp[w >> 32]; fp[A] = x
#define DEFINE_STEP_FAMILY(P, INCREMENT, N, expr) \
    HANDLER(P##_##N##_RR_BR) { INCREMENT(); u64 y = fp[(u32)pc[2]]; pc = (expr) ? code + pc[3] : pc + 4; DISPATCH(); } \
    HANDLER(P##_##N##_RI_BR) { INCREMENT(); u64 y = pc[2]; pc = (expr) ? code + pc[3] : pc + 4; DISPATCH(); } \
    HANDLER(P##_##N##_RR_BRNOT) { INCREMENT(); u64 y = fp[(u32)pc[2]]; pc = (expr) ? pc + 4 : code + pc[3]; DISPATCH(); } \
    HANDLER(P##_##N##_RI_BRNOT) { INCREMENT(); u64 y = pc[2]; pc = (expr) ? pc + 4 : code + pc[3]; DISPATCH(); }
#define DEFINE_STEP(N, expr) DEFINE_STEP_FAMILY(S, STEP_I32, N, expr) DEFINE_STEP_FAMILY(SS, STEP_I32_SLOT, N, expr)
#define DEFINE_STEP64(N, expr) DEFINE_STEP_FAMILY(S64, STEP_I64, N, expr) DEFINE_STEP_FAMILY(SS64, STEP_I64_SLOT, N, expr)
WDB_I32_COMPARE_OPS(DEFINE_STEP)
WDB_I64_COMPARE_OPS(DEFINE_STEP64)

// ---- compare-and-select (wdb_engine.h): fp[A] = x cmp y ? v1 : v2 ----
#define DEFINE_SELECT(N, expr) \
    HANDLER(SEL_##N##_RR) { u64 w = pc[1], c = pc[2]; u64 x = fp[(u32)c], y = fp[c >> 32]; \
        fp[A] = (expr) ? fp[(u32)w] : fp[w >> 32]; pc += 3; DISPATCH(); } \
    HANDLER(SEL_##N##_RI) { u64 w = pc[1]; u64 x = fp[(u32)pc[2]], y = pc[3]; \
        fp[A] = (expr) ? fp[(u32)w] : fp[w >> 32]; pc += 4; DISPATCH(); }
WDB_COMPARE_OPS(DEFINE_SELECT)

// ---- load-and-operate (chains.h) ----
#define DEFINE_LOAD_CHAIN_KIND(H, P, ACCESS, READ, L, T, widen, N) \
    H(P##LC_##L##_##N##_FIRST) { ACCESS(T, END()); T v; READ(T, v); u64 loaded = (widen); \
        fp[A] = binary_##N(loaded, fp[pc[2] >> 32]); pc += 3; DISPATCH(); } \
    H(P##LC_##L##_##N##_SECOND) { ACCESS(T, END()); T v; READ(T, v); u64 loaded = (widen); \
        fp[A] = binary_##N(fp[pc[2] >> 32], loaded); pc += 3; DISPATCH(); } \
    H(P##LC_##L##_##N##_IMMEDIATE) { ACCESS(T, END()); T v; READ(T, v); u64 loaded = (widen); \
        fp[A] = binary_##N(loaded, pc[3]); pc += 4; DISPATCH(); }
#define DEFINE_LOAD_CHAIN(L, T, widen, N) DEFINE_LOAD_CHAIN_KIND(CHECKED_HANDLER, , CHECKED_ACCESS, CHECKED_READ, L, T, widen, N)
WDB_LOAD_CHAINS(DEFINE_LOAD_CHAIN)
#if WDB_GUARD_PAGES
#define DEFINE_GUARDED_LOAD_CHAIN(L, T, widen, N) DEFINE_LOAD_CHAIN_KIND(GUARDED_HANDLER, G_, GUARDED_ACCESS, GUARDED_READ, L, T, widen, N)
WDB_LOAD_CHAINS(DEFINE_GUARDED_LOAD_CHAIN)
#endif

// ---- test-and-branch (wdb_engine.h): branch on x & y being nonzero (BR) or zero (BRNOT) ----
#define DEFINE_TEST(P, W) \
    HANDLER(P##_RR_BR) { u64 x = fp[(u32)pc[1]], y = fp[pc[1] >> 32]; pc = (W)(x & y) ? code + pc[2] : pc + 3; DISPATCH(); } \
    HANDLER(P##_RI_BR) { u64 x = fp[(u32)pc[1]], y = pc[2]; pc = (W)(x & y) ? code + pc[3] : pc + 4; DISPATCH(); } \
    HANDLER(P##_RR_BRNOT) { u64 x = fp[(u32)pc[1]], y = fp[pc[1] >> 32]; pc = (W)(x & y) ? pc + 3 : code + pc[2]; DISPATCH(); } \
    HANDLER(P##_RI_BRNOT) { u64 x = fp[(u32)pc[1]], y = pc[2]; pc = (W)(x & y) ? pc + 4 : code + pc[3]; DISPATCH(); }
DEFINE_TEST(T_I32_AND, u32)
DEFINE_TEST(T_I64_AND, u64)

// ---- load-compare-and-branch (wdb_engine.h): x is the loaded value, the load's words stay ----
// Checked and guarded kinds, as for the plain loads.
#define DEFINE_LOAD_COMPARE_KIND(H, P, ACCESS, READ, L, T, widen, N, expr) \
    H(P##LB_##L##_##N##_RR_BR) { ACCESS(T, END()); T v; READ(T, v); u64 x = (widen), y = fp[pc[2] >> 32]; \
        pc = (expr) ? code + pc[3] : pc + 4; DISPATCH(); } \
    H(P##LB_##L##_##N##_RI_BR) { ACCESS(T, END()); T v; READ(T, v); u64 x = (widen), y = pc[3]; \
        pc = (expr) ? code + pc[4] : pc + 5; DISPATCH(); } \
    H(P##LB_##L##_##N##_RR_BRNOT) { ACCESS(T, END()); T v; READ(T, v); u64 x = (widen), y = fp[pc[2] >> 32]; \
        pc = (expr) ? pc + 4 : code + pc[3]; DISPATCH(); } \
    H(P##LB_##L##_##N##_RI_BRNOT) { ACCESS(T, END()); T v; READ(T, v); u64 x = (widen), y = pc[3]; \
        pc = (expr) ? pc + 5 : code + pc[4]; DISPATCH(); }
// One list per load with a load-compare range (its comparisons are its type's), each expanded
// with LOAD_COMPARE_KIND defined as the kind to generate.
#define LOAD_COMPARES_I32(N, expr) LOAD_COMPARE_KIND(I32_LOAD, u32, v, N, expr)
#define LOAD_COMPARES_8U(N, expr) LOAD_COMPARE_KIND(I32_LOAD8_U, uint8_t, v, N, expr)
#define LOAD_COMPARES_8S(N, expr) LOAD_COMPARE_KIND(I32_LOAD8_S, int8_t, (u32)(i32)v, N, expr)
#define LOAD_COMPARES_16U(N, expr) LOAD_COMPARE_KIND(I32_LOAD16_U, uint16_t, v, N, expr)
#define LOAD_COMPARES_16S(N, expr) LOAD_COMPARE_KIND(I32_LOAD16_S, int16_t, (u32)(i32)v, N, expr)
#define LOAD_COMPARES_I64(N, expr) LOAD_COMPARE_KIND(I64_LOAD, u64, v, N, expr)
#define ALL_LOAD_COMPARES() \
    WDB_I32_COMPARE_OPS(LOAD_COMPARES_I32) WDB_I32_COMPARE_OPS(LOAD_COMPARES_8U) \
    WDB_I32_COMPARE_OPS(LOAD_COMPARES_8S) WDB_I32_COMPARE_OPS(LOAD_COMPARES_16U) \
    WDB_I32_COMPARE_OPS(LOAD_COMPARES_16S) WDB_I64_COMPARE_OPS(LOAD_COMPARES_I64)
#define LOAD_COMPARE_KIND(L, T, widen, N, expr) \
    DEFINE_LOAD_COMPARE_KIND(CHECKED_HANDLER, , CHECKED_ACCESS, CHECKED_READ, L, T, widen, N, expr)
ALL_LOAD_COMPARES()
#undef LOAD_COMPARE_KIND
#if WDB_GUARD_PAGES
#define LOAD_COMPARE_KIND(L, T, widen, N, expr) \
    DEFINE_LOAD_COMPARE_KIND(GUARDED_HANDLER, G_, GUARDED_ACCESS, GUARDED_READ, L, T, widen, N, expr)
ALL_LOAD_COMPARES()
#undef LOAD_COMPARE_KIND
#endif

// ---- the tables ----

/// Registers memory-access operation `number_`: its checked handler in the run table, its
/// guarded twin (the same name with G_ in front) for the guarded table, and the bytes it accesses.
#define SET_ACCESS(number_, handler_, size_) do { \
    int n_ = (number_); \
    table[n_] = handler_; \
    SET_GUARDED(n_, G_##handler_); \
    accessSize[n_] = (size_); \
} while (0)

static void fill_tables(void) {
    for (int i = 0; i < (1 << 16); i++) { table[i] = h_slow; stepTable.handlers[i] = h_step_done; }
#if WDB_COUNT_DISPATCH_SEQUENCES
    sequenceHandlers = (void *const *)table;
    sequenceBase = (void *)fill_tables;
    atexit(dump_sequences);
#endif
    table[WDB_IOP_COPY] = L_COPY;
    table[WDB_IOP_COPY2] = L_COPY2;
    table[WDB_IOP_CONST] = L_CONST;
    table[WDB_IOP_CONST2] = L_CONST2;
    table[WDB_IOP_JUMP] = L_JUMP;
    table[WDB_IOP_BR_IF] = L_BR_IF;
    table[WDB_IOP_BR_IF_NOT] = L_BR_IF_NOT;
    table[WDB_IOP_BR_COPY] = L_BR_COPY;
    table[WDB_IOP_BR_IF_COPY] = L_BR_IF_COPY;
    table[WDB_IOP_BR_TABLE] = L_BR_TABLE;
    table[WDB_IOP_RETURN] = L_RETURN;
    table[WDB_IOP_CALL] = L_CALL;
    table[WDB_IOP_CALL_INDIRECT] = L_CALL_INDIRECT;
    table[WDB_IOP_CALL_COPY1] = L_CALL_COPY1;
    table[WDB_IOP_CALL_COPY2] = L_CALL_COPY2;
    table[WDB_IOP_CALL_COPY3] = L_CALL_COPY3;
    table[WDB_IOP_CALL_LIST] = L_CALL_LIST;
    table[WDB_IOP_CALL_INDIRECT_LIST] = L_CALL_INDIRECT_LIST;
    table[WDB_IOP_CALL_CONST1] = L_CALL_CONST1;
    table[WDB_IOP_CALL_COPY1_CONST1] = L_CALL_COPY1_CONST1;
    table[WDB_IOP_CALL_COPY2_CONST1] = L_CALL_COPY2_CONST1;
    table[WDB_IOP_CALL_INDIRECT_COPY1] = L_CALL_INDIRECT_COPY1;
    table[WDB_IOP_CALL_INDIRECT_COPY2] = L_CALL_INDIRECT_COPY2;
    table[WDB_IOP_CALL_INDIRECT_COPY3] = L_CALL_INDIRECT_COPY3;
    table[WDB_IOP_SELECT2] = L_SELECT2;
    table[WDB_IOP_GLOBAL_GET2] = L_GLOBAL_GET2;
    table[WDB_IOP_GLOBAL_SET2] = L_GLOBAL_SET2;
    table[WDB_IOP_BREAKPOINT] = L_BREAKPOINT;
    table[WDB_IOP_INTERRUPT] = L_INTERRUPT;
    table[WDB_IOP_WATCHED_ACCESS] = L_WATCHED_ACCESS;
    table[WDB_IOP_SELECT_SLOTS] = L_SELECT_SLOTS;
    table[WDB_IOP_RETURN_CALL] = L_RETURN_CALL;
    table[WDB_IOP_RETURN_CALL_INDIRECT] = L_RETURN_CALL_INDIRECT;
    table[WDB_OP_UNREACHABLE] = L_UNREACHABLE;
    table[WDB_OP_SELECT] = L_SELECT;
    table[WDB_OP_GLOBAL_GET] = L_GLOBAL_GET;
    table[WDB_OP_GLOBAL_SET] = L_GLOBAL_SET;
    table[WDB_OP_MEMORY_SIZE] = L_MEMORY_SIZE;
#define REGISTER_BINARY(N, expr) \
    table[WDB_FUSED(WDB_OP_##N, WDB_FORM_RR)] = F_##N##_RR; \
    table[WDB_FUSED(WDB_OP_##N, WDB_FORM_RI)] = F_##N##_RI;
#define REGISTER_COMPARE(N, expr) REGISTER_BINARY(N, expr) \
    table[WDB_FUSED(WDB_OP_##N, WDB_FORM_RR_BR)] = F_##N##_RR_BR; \
    table[WDB_FUSED(WDB_OP_##N, WDB_FORM_RI_BR)] = F_##N##_RI_BR; \
    table[WDB_FUSED(WDB_OP_##N, WDB_FORM_RR_BRNOT)] = F_##N##_RR_BRNOT; \
    table[WDB_FUSED(WDB_OP_##N, WDB_FORM_RI_BRNOT)] = F_##N##_RI_BRNOT;
#define REGISTER_DIVISION(N, check, expr) REGISTER_BINARY(N, expr)
#define REGISTER_UNARY(N, expr) table[WDB_FUSED(WDB_OP_##N, WDB_FORM_R)] = F_##N##_R;
#define REGISTER_TRAPPING_UNARY(N, check, expr) REGISTER_UNARY(N, expr)
#define REGISTER_LOAD(N, T, widen) SET_ACCESS(WDB_FUSED(WDB_OP_##N, WDB_FORM_R), F_##N##_R, sizeof(T));
#define REGISTER_STORE(N, T) \
    SET_ACCESS(WDB_FUSED(WDB_OP_##N, WDB_FORM_RR), F_##N##_RR, sizeof(T)); \
    SET_ACCESS(WDB_FUSED(WDB_OP_##N, WDB_FORM_RI), F_##N##_RI, sizeof(T));
    WDB_COMPARE_OPS(REGISTER_COMPARE)
    WDB_BINARY_OPS(REGISTER_BINARY)
#define REGISTER_IMMEDIATE_FIRST(N, expr) table[WDB_FUSED(WDB_OP_##N, WDB_FORM_IR)] = F_##N##_IR;
    WDB_BINARY_OPS(REGISTER_IMMEDIATE_FIRST)
    WDB_DIVISION_OPS(REGISTER_DIVISION)
    WDB_UNARY_OPS(REGISTER_UNARY)
    WDB_TRUNCATION_OPS(REGISTER_TRAPPING_UNARY)
    WDB_LOAD_OPS(REGISTER_LOAD)
    WDB_STORE_OPS(REGISTER_STORE)
#define REGISTER_INDEXED_LOAD(N, T, widen) { \
    int number = WDB_FUSED(WDB_OP_##N, WDB_FORM_INDEXED); \
    SET_ACCESS(number, X_##N, sizeof(T)); accessIndexed[number] = true; }
#define REGISTER_INDEXED_STORE(N, T) { \
    int number = WDB_FUSED(WDB_OP_##N, WDB_FORM_INDEXED); \
    SET_ACCESS(number, X_##N##_R, sizeof(T)); accessIndexed[number] = true; \
    number = WDB_FUSED(WDB_OP_##N, WDB_FORM_INDEXED_I); \
    SET_ACCESS(number, X_##N##_I, sizeof(T)); accessIndexed[number] = true; }
    WDB_LOAD_OPS(REGISTER_INDEXED_LOAD)
    WDB_STORE_OPS(REGISTER_INDEXED_STORE)
    int chain = 0;
#define REGISTER_CHAIN(F, S) { \
    int number = WDB_CHAIN_BASE + chain * WDB_CHAIN_FORM_COUNT; \
    table[number + WDB_CHAIN_RR] = C_##F##_##S##_RR; \
    table[number + WDB_CHAIN_RI] = C_##F##_##S##_RI; \
    table[number + WDB_CHAIN_RR_I] = C_##F##_##S##_RR_I; \
    table[number + WDB_CHAIN_RI_I] = C_##F##_##S##_RI_I; \
    table[number + WDB_CHAIN_RR_REV] = C_##F##_##S##_RR_REV; \
    table[number + WDB_CHAIN_RI_REV] = C_##F##_##S##_RI_REV; \
    chainIndex[WDB_OP_##F][WDB_OP_##S] = (int16_t)(chain + 1); \
    chain += 1; }
    WDB_CHAINS(REGISTER_CHAIN)
#define REGISTER_STEP_FAMILY(P, BASE, FIRST, N) { \
    int number = BASE + (WDB_OP_##N - WDB_OP_##FIRST) * WDB_STEP_FORM_COUNT; \
    table[number + WDB_STEP_RR_BR] = P##_##N##_RR_BR; \
    table[number + WDB_STEP_RI_BR] = P##_##N##_RI_BR; \
    table[number + WDB_STEP_RR_BRNOT] = P##_##N##_RR_BRNOT; \
    table[number + WDB_STEP_RI_BRNOT] = P##_##N##_RI_BRNOT; }
#define REGISTER_STEP(N, expr) \
    REGISTER_STEP_FAMILY(S, WDB_STEP_BASE, I32_EQ, N) REGISTER_STEP_FAMILY(SS, WDB_STEP_SLOT_BASE, I32_EQ, N)
#define REGISTER_STEP64(N, expr) \
    REGISTER_STEP_FAMILY(S64, WDB_STEP64_BASE, I64_EQ, N) REGISTER_STEP_FAMILY(SS64, WDB_STEP64_SLOT_BASE, I64_EQ, N)
    WDB_I32_COMPARE_OPS(REGISTER_STEP)
    WDB_I64_COMPARE_OPS(REGISTER_STEP64)
#define REGISTER_SELECT_FAMILY(BASE, FIRST, N) { \
    int number = BASE + (WDB_OP_##N - WDB_OP_##FIRST) * WDB_SELECT_FORM_COUNT; \
    table[number + WDB_SELECT_RR] = SEL_##N##_RR; \
    table[number + WDB_SELECT_RI] = SEL_##N##_RI; }
#define REGISTER_SELECT32(N, expr) REGISTER_SELECT_FAMILY(WDB_SELECT_BASE, I32_EQ, N)
#define REGISTER_SELECT_WIDE(N, expr) REGISTER_SELECT_FAMILY(WDB_SELECT_WIDE_BASE, I64_EQ, N)
    WDB_I32_COMPARE_OPS(REGISTER_SELECT32)
    WDB_I64_COMPARE_OPS(REGISTER_SELECT_WIDE)
    WDB_FLOAT_COMPARE_OPS(REGISTER_SELECT_WIDE)
#define REGISTER_TEST(BASE, P) \
    table[BASE + WDB_STEP_RR_BR] = P##_RR_BR; table[BASE + WDB_STEP_RI_BR] = P##_RI_BR; \
    table[BASE + WDB_STEP_RR_BRNOT] = P##_RR_BRNOT; table[BASE + WDB_STEP_RI_BRNOT] = P##_RI_BRNOT;
    REGISTER_TEST(WDB_TEST_BASE, T_I32_AND)
    REGISTER_TEST(WDB_TEST64_BASE, T_I64_AND)
    // (The load-compare ranges, one per load, in the order of the load lists above.)
#define LOAD_COMPARE_BASE_I32_LOAD WDB_LOAD_COMPARE_BASE
#define LOAD_COMPARE_BASE_I32_LOAD8_U WDB_LOAD_COMPARE8U_BASE
#define LOAD_COMPARE_BASE_I32_LOAD8_S WDB_LOAD_COMPARE8S_BASE
#define LOAD_COMPARE_BASE_I32_LOAD16_U WDB_LOAD_COMPARE16U_BASE
#define LOAD_COMPARE_BASE_I32_LOAD16_S WDB_LOAD_COMPARE16S_BASE
#define LOAD_COMPARE_BASE_I64_LOAD WDB_LOAD_COMPARE64_BASE
#define LOAD_COMPARE_NUMBER(L, N) (LOAD_COMPARE_BASE_##L + \
    (WDB_OP_##N - (WDB_OP_##L == WDB_OP_I64_LOAD ? WDB_OP_I64_EQ : WDB_OP_I32_EQ)) * WDB_STEP_FORM_COUNT)
#define LOAD_COMPARE_KIND(L, T, widen, N, expr) { \
    int number = LOAD_COMPARE_NUMBER(L, N); \
    SET_ACCESS(number + WDB_STEP_RR_BR, LB_##L##_##N##_RR_BR, sizeof(T)); \
    SET_ACCESS(number + WDB_STEP_RI_BR, LB_##L##_##N##_RI_BR, sizeof(T)); \
    SET_ACCESS(number + WDB_STEP_RR_BRNOT, LB_##L##_##N##_RR_BRNOT, sizeof(T)); \
    SET_ACCESS(number + WDB_STEP_RI_BRNOT, LB_##L##_##N##_RI_BRNOT, sizeof(T)); }
    ALL_LOAD_COMPARES()
#undef LOAD_COMPARE_KIND
    chain = 0;
#define REGISTER_LOAD_CHAIN(L, T, widen, N) { \
    int number = WDB_LOAD_CHAIN_BASE + chain * WDB_LOAD_FORM_COUNT; \
    SET_ACCESS(number + WDB_LOAD_FIRST, LC_##L##_##N##_FIRST, sizeof(T)); \
    SET_ACCESS(number + WDB_LOAD_SECOND, LC_##L##_##N##_SECOND, sizeof(T)); \
    SET_ACCESS(number + WDB_LOAD_IMMEDIATE, LC_##L##_##N##_IMMEDIATE, sizeof(T)); \
    loadChainIndex[WDB_OP_##L][WDB_OP_##N] = (int16_t)(chain + 1); \
    chain += 1; }
    WDB_LOAD_CHAINS(REGISTER_LOAD_CHAIN)
#if WDB_GUARD_PAGES
    // The guarded table: the run table with every register-form access replaced by its guarded
    // twin (same operation numbers, same words), as SET_ACCESS registered them.
    memcpy(&guardedTable, &runTable, sizeof runTable);
    for (int i = 0; i < WDB_TABLE_SIZE; i++) {
        if (guardedHandlers[i] != NULL) guardedTable.handlers[i] = guardedHandlers[i];
    }
#endif
}

static pthread_once_t tablesFilled = PTHREAD_ONCE_INIT;

int wdb_chain_index(uint16_t first, uint16_t second) {
    pthread_once(&tablesFilled, fill_tables);
    return first < 256 && second < 256 ? chainIndex[first][second] - 1 : -1;
}

int wdb_load_chain_index(uint16_t load, uint16_t operation) {
    pthread_once(&tablesFilled, fill_tables);
    return load < 256 && operation < 256 ? loadChainIndex[load][operation] - 1 : -1;
}

bool wdb_core_handles(uint16_t operation) {
    pthread_once(&tablesFilled, fill_tables);
    return table[operation & (WDB_TABLE_SIZE - 1)] != h_slow;
}

uint8_t wdb_core_run(wdb_core *core, uint64_t firstWord, bool singleStep) {
    pthread_once(&tablesFilled, fill_tables);
    COUNT_SEQUENCE((uint16_t)firstWord);
#if WDB_GUARD_PAGES
    wdb_guard_scope scope;
    if (wdb_guarded_memory(core) && wdb_guard_begin(&scope, core)) {
        // A guest access past the memory's size comes back here, with the core's registers
        // and trap set by the fault handler (guard_pages.c).
        uint8_t status;
        if (sigsetjmp(scope.jump, 0) == 0) {
            status = guardedTable.handlers[(uint16_t)firstWord](core->pc, core->fp, firstWord, core, core->code,
                core->memBase, singleStep ? &stepTable : &guardedTable, core->memSize);
        } else {
            status = WDB_STATUS_TRAPPED;
        }
        wdb_guard_end(&scope);
        return status;
    }
#endif
    return table[(uint16_t)firstWord](core->pc, core->fp, firstWord, core, core->code, core->memBase,
                                      singleStep ? &stepTable : &runTable, core->memSize);
}
