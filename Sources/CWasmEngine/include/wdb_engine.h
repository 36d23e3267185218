// The hot core of wdb's engine: the run loop over internal code (Sources/WasmVM/InternalOp.swift
// describes the instruction format). It is C because C has what Swift lacks for an interpreter:
// guaranteed tail calls (`musttail`), so each handler is a small function that ends in its own
// indirect jump to the next (better branch prediction than one shared switch) and the machine
// registers stay in CPU registers, as the handlers' arguments, instead of an inout struct.
//
// The core executes the frequent, simple operations. Any other operation (host calls, calls that
// must compile their callee or switch instance, bulk memory, tables, SIMD, saturating float
// truncations, debug patches that need the debugger) makes it return WDB_SLOW with pc at that
// instruction and nothing changed; the Swift side (Interpreter.swift) executes it and re-enters.
// So every operation has exactly one implementation, in C or in Swift.
#ifndef WDB_ENGINE_H
#define WDB_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include "wdb_opcodes.h"

/// What the engine knows about a function (Swift: `FunctionEntry`), one per store address.
typedef struct wdb_function_entry {
    /// The compiled body; NULL until the first call (and always for host functions).
    uint64_t *_Nullable code;
    /// The defining instance's `InstanceContext` (NULL for host functions); the core only
    /// compares it, to leave instance switches to Swift.
    void *_Nullable contextPointer;
    /// Canonical id of the function type (equal types, equal ids), for call_indirect.
    uint32_t typeID;
    uint32_t paramSlots;
    uint32_t resultSlots;
    /// Slots of params + locals (the operand stack starts here). Valid once compiled.
    uint32_t localsEnd;
    /// Slots the frame needs: localsEnd + maximum operand-stack height. Valid once compiled.
    uint32_t frameSize;
    bool isHost;
    /// The core's calls zero slots [paramSlots, zeroEnd) at entry: the locals a read may see
    /// before any write (the compiler gives them the first slots after the parameters), or every
    /// local (zeroEnd = localsEnd) in a debug session. Valid once compiled.
    uint32_t zeroEnd;
} wdb_function_entry;

/// The first two fields of a table (Swift `TableStorage`, whose layout a test checks).
typedef struct wdb_table_view {
    uint64_t *_Nullable elements;
    uint64_t count;
} wdb_table_view;

/// A saved caller (Swift: `Frame`): where to continue when the callee returns.
typedef struct wdb_frame {
    uint32_t function;
    uint64_t *_Nonnull fp;
    uint64_t *_Nonnull returnPC;
    /// The caller's code when returning to it needs no instance switch (the core's return then
    /// needs no look-up of the caller's entry); NULL makes the return go to Swift.
    uint64_t *_Nullable code;
} wdb_frame;

/// The registers the core reads and updates; the Swift side copies its `Registers` in and out.
typedef struct wdb_core {
    uint64_t *_Nonnull pc;
    uint64_t *_Nonnull fp;
    uint64_t *_Nonnull code;
    uint32_t function;
    /// Context of the running function (compared with callees' and callers' contexts).
    void *_Nullable context;
    uint8_t *_Nullable memBase;
    uint64_t memSize;
    /// Bytes of address space reserved at memBase (0: the memory is a heap block). At least
    /// WDB_GUARDED_RESERVATION: the core runs without bounds checks (guard_pages.h).
    uint64_t memReserved;
    /// The instance's globals (two slots each), NULL when it has none.
    uint64_t *_Nonnull *_Nullable globals;
    /// The instance's tables, NULL when it has none.
    const wdb_table_view *_Nonnull const *_Nullable tables;
    intptr_t depth;
    intptr_t entryDepth;
    const wdb_function_entry *_Nonnull entries;
    wdb_frame *_Nonnull frames;
    uint64_t *_Nonnull stackEnd;
    intptr_t maxDepth;
    /// Union of the watched memory ranges, [watchLow, watchHigh) (empty when low >= high): a
    /// watched-access patch lets accesses outside it run inline.
    uint64_t watchLow;
    uint64_t watchHigh;
    /// The trap (Swift `TrapCode` raw value) when the result is WDB_STATUS_TRAPPED.
    uint8_t trap;
} wdb_core;

/// The reservation that lets a memory run without bounds checks: every address a register-form
/// load or store can form, (u32)(address + addend) + end with end <= 2^32 - 1, lies below it.
#define WDB_GUARDED_RESERVATION ((uint64_t)8 << 30)
/// WDB_GUARDED_RESERVATION, for Swift (which does not import the macro's expression).
uint64_t wdb_guarded_reservation(void);
/// How many guest accesses this thread's guarded runs turned from a fault into a trap (tests).
uint64_t wdb_guard_fault_count(void);

/// Results of `wdb_core_run`; the first seven equal Swift's `Status` raw values.
enum {
    WDB_STATUS_RUNNING = 0,
    WDB_STATUS_FINISHED = 1,
    WDB_STATUS_TRAPPED = 2,
    WDB_STATUS_BREAKPOINT = 3,
    WDB_STATUS_INTERRUPTED = 4,
    /// A watched access (or a watched global or bulk operation) is about to run: pc is at it.
    WDB_STATUS_WATCH = 5,
    /// The instruction at pc is one the core leaves to Swift; nothing was executed.
    WDB_STATUS_SLOW = 16,
};

/// Swift `TrapCode` raw values the core raises.
enum {
    WDB_TRAP_UNREACHABLE = 1,
    WDB_TRAP_DIVIDE_BY_ZERO = 2,
    WDB_TRAP_INTEGER_OVERFLOW = 3,
    WDB_TRAP_INVALID_CONVERSION = 4,
    WDB_TRAP_OUT_OF_BOUNDS_MEMORY = 5,
    WDB_TRAP_CALL_STACK_EXHAUSTED = 10,
};

// The internal operations' numbers (WDB_IOP_*) are generated from Scripts/internal-ops.txt.
#include "wdb_internal_ops.h"

// The operation numbers above the internal operations: the register forms and the
// superinstructions below. Their ranges (WDB_*_BASE, _BLOCKS, _END, WDB_TABLE_SIZE) and form
// numbers are generated from Scripts/engine-forms.txt, which computes each range from what it
// holds (the opcodes, the chain lists), with static asserts that they follow one another.
#include "wdb_forms.h"

/// Register forms of the Wasm operations the core implements (operations.h): operation number
/// WDB_FUSED(opcode, form). Word 0 is the operation with the destination slot in bits 32..63;
/// the words after it hold, by form (WDB_FORM_*):
///   RR        lhs slot | rhs slot << 32
///   RI        lhs slot, immediate (raw 64-bit slot value)
///   IR        rhs slot, immediate lhs (non-trapping binary operations only; RR_BR's number)
///   R         source slot
///   RR_BR     lhs | rhs << 32, branch target (code index): branch when the comparison holds
///   RI_BR     lhs, immediate, target
///   RR_BRNOT, RI_BRNOT: the same, branching when it does not hold (the `if` instruction)
/// Loads (form R): end | addend << 32, address slot. Stores: RR: end | addend << 32,
/// address slot | value slot << 32; RI: end | addend << 32, address slot, immediate value.
/// `end` is the memarg offset plus the bytes accessed, so (u32)(slot value + addend) + end is
/// where the access ends: the bounds check compares it with the memory's size and the access
/// starts `size` bytes before it (one addition fewer than offset-then-size; the compiler gives
/// an access whose offset + size exceeds 32 bits to the memoryOperation form). The addend is a
/// folded i32.add. Indexed loads and stores (an i32.add of two slots folded in) put the second
/// slot where the addend was: the end is (u32)(base slot value + index slot value) + end. Loads: form
/// INDEXED; stores: INDEXED (value slot) and INDEXED_I (immediate value, R's number), same word
/// layouts. Branch forms have no destination.
#define WDB_FUSED(opcode, form) (WDB_FUSED_BASE + (opcode) * WDB_FORM_COUNT + (form))

/// Chained operations (chains.h): operation number WDB_CHAIN_BASE + chain index *
/// WDB_CHAIN_FORM_COUNT + form, where the chain index is wdb_chain_index(first, second). Word 0
/// is the operation with the destination slot in bits 32..63; the words after it hold, by form:
///   RR        x | y << 32, z slot           op2(op1(x, y), z)
///   RI        x | z << 32, immediate C      op2(op1(x, C), z)
///   RR_I      x | y << 32, immediate K      op2(op1(x, y), K)
///   RI_I      x, immediate C, immediate K   op2(op1(x, C), K)
///   RR_REV    x | y << 32, z slot           op2(z, op1(x, y))
///   RI_REV    x | z << 32, immediate C      op2(z, op1(x, C))

/// Increment-and-branch: `local.tee l (i32.add x C)` followed by an i32 comparison of l with y
/// and a br_if / if on it (a loop counter's step and test), as one instruction. Operation number
/// WDB_STEP_BASE + (comparison opcode - i32.eq) * WDB_STEP_FORM_COUNT + form (WDB_STEP_RR_BR,
/// RI_BR, RR_BRNOT, RI_BRNOT); word 0 is the operation with local l in bits 32..63; then
/// x | C << 32, y (a slot for the RR forms, an immediate for RI), target. l is compared on the
/// left (the compiler mirrors a comparison that has it on the right). The same with a step from
/// a slot (x | step slot << 32: WDB_STEP_SLOT_BASE), and for i64 (i64.add and the i64
/// comparisons, counted from i64.eq): WDB_STEP64_BASE with a constant step (sign-extended from
/// the 32 bits it has in word 1), WDB_STEP64_SLOT_BASE with a slot.

/// Compare-and-select: a comparison whose result only a following `select` uses, as one
/// instruction: fp[A] = (x cmp y) ? v1 : v2. Operation number WDB_SELECT_BASE + (comparison
/// opcode - i32.eq) * WDB_SELECT_FORM_COUNT + form for the i32 comparisons, WDB_SELECT_WIDE_BASE
/// + (opcode - i64.eq) * ... for the i64, f32 and f64 ones (contiguous opcodes from i64.eq);
/// words: v1 | v2 << 32, then x | y << 32 (WDB_SELECT_RR) or x and the immediate y (RI).

/// Test-and-branch: `i32.and x y` (or i64.and) whose result only a br_if / if tests, directly,
/// through `i32.eqz` / `i64.eqz` or as `== 0` / `!= 0`: one instruction that branches when x & y
/// is nonzero (WDB_STEP_RR_BR, RI_BR) or zero (RR_BRNOT, RI_BRNOT). Operation number
/// WDB_TEST_BASE (i32) or WDB_TEST64_BASE (i64) + form; words: x | y << 32 (RR) or x and the
/// immediate y (RI), then the target.

/// Load-compare-and-branch: a load whose value only a comparison tests, and a br_if / if on that
/// comparison (a branch on the value itself is `!= 0`, on its eqz `== 0`), as one instruction.
/// One range per load (WDB_LOAD_COMPARE_BASE i32.load, ..8U_BASE, ..8S_BASE, ..16U_BASE,
/// ..16S_BASE, WDB_LOAD_COMPARE64_BASE i64.load); operation number base + (comparison opcode -
/// i32.eq or i64.eq) * WDB_STEP_FORM_COUNT + form (the step forms). Words: the load's own
/// (end | addend << 32, address slot), the y slot in bits 32..63 of the second word (RR) or an
/// immediate y word (RI), then the target. The loaded value is compared on the left (the compiler
/// mirrors a comparison that has it on the right). A bounds trap is the load's.

/// Load-and-operate (chains.h): operation number WDB_LOAD_CHAIN_BASE + index *
/// WDB_LOAD_FORM_COUNT + form, where the index is wdb_load_chain_index(load, operation). Words:
/// end | addend << 32, address slot | z slot << 32, and for LOAD_IMMEDIATE the immediate K.
/// Forms: WDB_LOAD_FIRST op(load, z), WDB_LOAD_SECOND op(z, load), WDB_LOAD_IMMEDIATE op(load, K).

/// The index of load `load` feeding binary operation `operation` (Wasm opcodes), or -1.
int wdb_load_chain_index(uint16_t load, uint16_t operation);

/// The chain index of `first` feeding `second` (Wasm opcodes), or -1 when they have no chained
/// form.
int wdb_chain_index(uint16_t first, uint16_t second);

/// Whether the core executes `operation` itself (else it returns WDB_STATUS_SLOW at it).
bool wdb_core_handles(uint16_t operation);

/// Runs from core->pc, executing `firstWord` as the first instruction's first word (the word at
/// pc, or the original of a debug patch being replayed). With `singleStep` it returns after one
/// instruction (WDB_STATUS_RUNNING). Returns a WDB_STATUS_* value; the registers in `core` are
/// up to date on return.
uint8_t wdb_core_run(wdb_core *_Nonnull core, uint64_t firstWord, bool singleStep);

#endif
