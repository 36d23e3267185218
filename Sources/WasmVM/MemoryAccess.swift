import WasmCore

// Typed views of the words of the instructions that access linear memory, so each layout is
// decoded in one place: the interpreter reads a `memoryOperation`'s words through
// `MemoryOperationWords`; watchpoints ask `MemoryAccess` which stop points access memory (to
// patch them) and what a patched one is about to touch.
//
// Which operations access memory comes from the tables, not from a list here: the internal
// operations flagged `memory` in Scripts/internal-ops.txt (`simd`, `memoryOperation`), the
// register forms of loads and stores and the load chains (Scripts/engine-forms.txt), and the
// Wasm memory instructions in stack form (their immediate kind in Scripts/instructions.txt).
//
// Layouts (the address operand is a frame slot; offsets are the memarg's):
// - register-form loads and stores, load chains (memory 0, 32-bit): w1 = offset | addend << 32,
//   low half of w2 = address slot; the address is (u32)(fp[address slot] + addend) + offset,
//   where an indexed form's addend is the value of the slot its high half names;
// - a memory instruction in stack form (memory 0): address at fp[a], w1 = offset; the same in
//   an `InternalOp.simd` word: w1 = SIMD opcode, w2 = offset; bulk operations (memory.fill,
//   memory.copy, memory.init): operands at fp[a...];
// - `memoryOperation` (any memory but a 32-bit memory 0): MemoryOperationWords.

/// The words of a `memoryOperation` (Compiler+Memories.swift).
struct MemoryOperationWords {
    /// The Wasm instruction (a raw value: the interpreter reports one it does not know).
    let opcode: UInt16
    /// The memory it accesses (memory.copy: the destination).
    let memory: Int
    /// Loads and stores: the offset (up to 64 bits); memory.copy: the source memory;
    /// memory.init: the data segment; otherwise unused.
    let immediate: UInt64
    /// The lane of a load-lane or store-lane, else unused.
    let lane: UInt64

    @inline(__always)
    init(at pc: UnsafePointer<UInt64>) {
        let w1 = pc[1]
        opcode = UInt16(truncatingIfNeeded: w1)
        memory = Int(w1 >> 32)
        immediate = pc[2]
        lane = pc[3]
    }

    var op: Opcode? { Opcode(rawValue: opcode) }
    var offset: UInt64 { immediate }
    var sourceMemory: Int { Int(truncatingIfNeeded: immediate) }
    var dataSegment: Int { Int(truncatingIfNeeded: immediate) }
}

/// The access to linear memory an instruction makes: its Wasm instruction, its memories and
/// where its address comes from.
struct MemoryAccess: Equatable {
    /// How the instruction finds its address.
    enum Address: Equatable {
        /// A register form or load chain: (u32)(fp[slot] + addend) + offset.
        case register(slot: Int, offset: UInt32, addend: Addend)
        /// A stack form or `memoryOperation`: fp[a] (its low half for a 32-bit memory) + offset.
        case stack(a: Int, offset: UInt64)
        /// A bulk operation: operands at fp[a...] (destination, source or value, length).
        case bulk(a: Int)
    }

    enum Addend: Equatable {
        case constant(UInt32)
        /// An indexed form: the value of this slot.
        case slot(Int)
    }

    /// The Wasm memory instruction (a load-and-operate's load).
    let op: Opcode
    /// The memory it accesses (memory.copy: the one it writes).
    let memory: UInt32
    /// memory.copy's source memory.
    let sourceMemory: UInt32?
    let address: Address

    /// The access of the instruction at `pc`, whose unpatched first word is `word` and after
    /// which `available` words of code remain (the first included); nil when it accesses no
    /// memory bytes (memory.size and memory.grow included) or its words run past the code.
    init?(_ word: UInt64, at pc: UnsafePointer<UInt64>, available: Int = .max) {
        let raw = CodeWord.op(word), a = CodeWord.a(word)
        if raw >= InternalOp.base, let operation = InternalOp.decode(raw) {
            guard operation.mayAccessMemory, available >= 3 else { return nil }
            switch operation {
            case .simd:
                guard let op = Opcode(rawValue: UInt16(truncatingIfNeeded: pc[1])), op.accessesMemoryBytes else { return nil }
                self.init(op: op, memory: 0, address: .stack(a: a, offset: pc[2]))
            case .memoryOperation:
                guard available >= 4 else { return nil }
                let words = MemoryOperationWords(at: pc)
                guard let op = words.op else { return nil }
                let memory = UInt32(truncatingIfNeeded: words.memory)
                switch op {
                case .memoryFill, .memoryInit: self.init(op: op, memory: memory, address: .bulk(a: a))
                case .memoryCopy:
                    self.init(op: op, memory: memory, sourceMemory: UInt32(truncatingIfNeeded: words.sourceMemory),
                              address: .bulk(a: a))
                default:
                    guard op.accessesMemoryBytes else { return nil }
                    self.init(op: op, memory: memory, address: .stack(a: a, offset: words.offset))
                }
            default:
                return nil
            }
        } else if raw < InternalOp.base, let op = Opcode(rawValue: raw) {
            switch op {
            case .memoryFill, .memoryInit: self.init(op: op, memory: 0, address: .bulk(a: a))
            case .memoryCopy: self.init(op: op, memory: 0, sourceMemory: 0, address: .bulk(a: a))
            default:
                guard op.accessesMemoryBytes, available >= 2 else { return nil }
                self.init(op: op, memory: 0, address: .stack(a: a, offset: pc[1]))
            }
        } else {
            guard let op = Self.registerAccess(raw), available >= 3 else { return nil }
            let w1 = pc[1]
            let addend: Addend = Self.isIndexed(raw) ? .slot(Int(w1 >> 32)) : .constant(UInt32(truncatingIfNeeded: w1 >> 32))
            // The word holds where the access ends (wdb_engine.h): offset + size.
            let offset = UInt32(truncatingIfNeeded: w1) &- UInt32(op.info.naturalAlignment)
            self.init(op: op, memory: 0, address: .register(slot: Int(UInt32(truncatingIfNeeded: pc[2])),
                                                            offset: offset, addend: addend))
        }
    }

    init(op: Opcode, memory: UInt32, sourceMemory: UInt32? = nil, address: Address) {
        self.op = op
        self.memory = memory
        self.sourceMemory = sourceMemory
        self.address = address
    }

    /// The memories the access touches.
    var memories: [UInt32] { sourceMemory.map { [memory, $0] } ?? [memory] }

    /// A bulk operation (it writes a range of bytes; memory.copy also reads one).
    var isBulk: Bool { if case .bulk = address { true } else { false } }

    /// Whether it writes memory: a store or a bulk operation.
    var isWrite: Bool { isBulk || (op.info.signature?.results.isEmpty ?? false) }

    /// Bytes a load or store accesses.
    var size: UInt64 { UInt64(op.info.naturalAlignment) }

    /// The effective address of a load or store (nil for a bulk operation) in frame `fp`;
    /// `is64`: the memory has 64-bit addresses. Not checked against the memory's size.
    func effectiveAddress(_ fp: UnsafePointer<UInt64>, is64: Bool) -> UInt64? {
        switch address {
        case .register(let slot, let offset, let addend):
            let add: UInt32
            switch addend {
            case .constant(let value): add = value
            case .slot(let index): add = UInt32(truncatingIfNeeded: fp[index])
            }
            return UInt64(UInt32(truncatingIfNeeded: fp[slot]) &+ add) &+ UInt64(offset)
        case .stack(let a, let offset):
            return (is64 ? fp[a] : fp[a] & 0xFFFF_FFFF) &+ offset
        case .bulk:
            return nil
        }
    }

    /// The load or store a register-range operation number stands for (a load-and-operate's or
    /// load-compare-and-branch's load), nil for any other.
    static func registerAccess(_ raw: UInt16) -> Opcode? {
        switch OperationRange.of(raw) {
        case .loadChain:
            return EngineChains.loads[Int((raw - OperationRange.loadChain.base) / OperationRange.loadChain.slots)].load
        case let range? where range.loadOfLoadCompare != nil:
            return range.loadOfLoadCompare
        case .register:
            guard let (op, form) = RegisterOperation.decode(raw), let kind = RegisterKind.of(op),
                  OperationLayout.register(kind, form) != nil else { return nil }
            return kind == .load || kind == .store ? op : nil
        default:
            return nil
        }
    }

    /// Whether a register-form load or store adds an index slot (instead of a constant addend).
    static func isIndexed(_ raw: UInt16) -> Bool {
        guard let (op, form) = RegisterOperation.decode(raw), let kind = RegisterKind.of(op) else { return false }
        return form == .indexed || (kind == .store && form == RegisterForm.indexedImmediateStore)
    }
}

extension Opcode {
    /// A load or store (scalar or SIMD) of a memarg: it accesses `naturalAlignment` bytes.
    var accessesMemoryBytes: Bool { info.immediate == .memarg || info.immediate == .memlane }
}

extension OperationRange {
    /// The load-compare-and-branch ranges (wdb_engine.h), one per load that has one.
    static let loadCompares: [OperationRange] = [.loadCompare, .loadCompare8U, .loadCompare8S,
                                                 .loadCompare16U, .loadCompare16S, .loadCompare64]

    /// The load-compare-and-branch range of a load, nil for a load without one.
    static func loadCompare(of load: Opcode) -> OperationRange? {
        loadCompares.first { $0.loadOfLoadCompare == load }
    }

    /// The load of a load-compare-and-branch range, nil for any other range.
    var loadOfLoadCompare: Opcode? {
        switch self {
        case .loadCompare: .i32Load
        case .loadCompare8U: .i32Load8U
        case .loadCompare8S: .i32Load8S
        case .loadCompare16U: .i32Load16U
        case .loadCompare16S: .i32Load16S
        case .loadCompare64: .i64Load
        default: nil
        }
    }
}
