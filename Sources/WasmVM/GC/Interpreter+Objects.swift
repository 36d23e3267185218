#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmCore

// Struct and array instructions: allocation (which may collect first) and field and element
// access. Struct fields take 8 bytes each (16 for v128) whatever their storage type; array
// elements are packed by their storage size (TypeRegistry.elementSize).

/// Reading and writing one field or element by its storage kind.
enum FieldAccess {
    /// Reads a value of `kind` at `p` into slots (`signed`: sign-extend a packed value).
    @inline(__always)
    static func read(_ kind: StorageKind, from p: UnsafeRawPointer, to slots: UnsafeMutablePointer<UInt64>, signed: Bool) {
        switch kind {
        case .i8:
            let v = p.load(as: UInt8.self)
            slots[0] = signed ? UInt64(UInt32(bitPattern: Int32(Int8(bitPattern: v)))) : UInt64(v)
        case .i16:
            let v = p.loadUnaligned(as: UInt16.self)
            slots[0] = signed ? UInt64(UInt32(bitPattern: Int32(Int16(bitPattern: v)))) : UInt64(v)
        case .bits32:
            slots[0] = UInt64(p.loadUnaligned(as: UInt32.self))
        case .bits64:
            slots[0] = p.loadUnaligned(as: UInt64.self)
        case .v128:
            slots[0] = p.loadUnaligned(as: UInt64.self)
            slots[1] = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        }
    }

    @inline(__always)
    static func write(_ kind: StorageKind, to p: UnsafeMutableRawPointer, from slots: UnsafePointer<UInt64>) {
        switch kind {
        case .i8: p.storeBytes(of: UInt8(truncatingIfNeeded: slots[0]), as: UInt8.self)
        case .i16: p.storeBytes(of: UInt16(truncatingIfNeeded: slots[0]), as: UInt16.self)
        case .bits32: p.storeBytes(of: UInt32(truncatingIfNeeded: slots[0]), as: UInt32.self)
        case .bits64: p.storeBytes(of: slots[0], as: UInt64.self)
        case .v128:
            p.storeBytes(of: slots[0], as: UInt64.self)
            p.storeBytes(of: slots[1], toByteOffset: 8, as: UInt64.self)
        }
    }

    static func read(_ storage: StorageType, from p: UnsafeRawPointer, to slots: UnsafeMutablePointer<UInt64>, signed: Bool) {
        read(StorageKind(storage), from: p, to: slots, signed: signed)
    }

    static func write(_ storage: StorageType, to p: UnsafeMutableRawPointer, from slots: UnsafePointer<UInt64>) {
        write(StorageKind(storage), to: p, from: slots)
    }
}

extension Store {
    /// Allocates an object of store type `typeID`, collecting first when due (`r`: the run in
    /// progress, whose frames are roots). Returns the block and id, or the trap.
    func allocateObject(typeID: UInt32, length: UInt32, payloadBytes: Int, running r: Registers?) -> Result<(UnsafeMutableRawPointer, UInt32), TrapKind> {
        let total = GCHeap.headerSize + payloadBytes
        guard reserveHeap(total, running: r), let id = heap.allocate(typeID: typeID, length: length, payloadBytes: payloadBytes),
              let block = heap.block(id) else {
            return .failure(heapExhausted)
        }
        return .success((block, id))
    }

    /// Bytes of an array of `length` elements of `elementSize`, or nil when that overflows.
    static func arrayBytes(_ length: UInt64, _ elementSize: Int) -> Int? {
        let (bytes, overflow) = length.multipliedReportingOverflow(by: UInt64(elementSize))
        return overflow || bytes > UInt64(UInt32.max) ? nil : Int(bytes)
    }
}

extension Interpreter {
    private static func fail(_ ex: Execution, _ message: String) -> Status {
        ex.trapDetail = .reference(message)
        return trap(ex, .detailed)
    }

    private static func fail(_ ex: Execution, _ kind: TrapKind) -> Status {
        ex.trapDetail = kind
        return trap(ex, .detailed)
    }

    @inline(__always)
    private static func u32(_ slot: UInt64) -> UInt64 { slot & 0xFFFF_FFFF }

    /// Struct and array instructions; on success pc is at the next instruction.
    static func allocatingOrAccess(_ op: Opcode, _ r: inout Registers, _ store: Store, _ ex: Execution, _ a: Int,
                                   heap: GCHeap, types: TypeRegistry) -> Status {
        let pc = r.pc
        let fp = r.fp
        let w1 = pc[1]
        let typeID = UInt32(truncatingIfNeeded: w1)
        guard Int(typeID) < types.layoutCount else { return fail(ex, .invalidCode("unknown type")) }
        // Plain data (TypeRegistry.layouts): nothing here counts references.
        let layout = types.layouts[Int(typeID)]
        let size = Int(layout.payloadSize)
        // pc stays at the instruction until it has run: an allocation may collect, and the
        // collector reads this frame's operands from the stop point at pc.
        switch (op, layout.kind) {
        case (.structNew, .structure), (.structNewDefault, .structure):
            switch store.allocateObject(typeID: typeID, length: 0, payloadBytes: size, running: r) {
            case .failure(let kind): return fail(ex, kind)
            case .success(let (block, id)):
                if op == .structNew {
                    let payload = heap.payload(block)
                    var slot = a
                    let fields = types.fieldSlots + Int(layout.firstField)
                    for i in 0..<Int(layout.fieldCount) {
                        let field = fields[i]
                        FieldAccess.write(field.kind, to: payload + Int(field.offset), from: fp + slot)
                        slot += field.kind.slotCount
                    }
                }
                fp[a] = ReferenceBits.object(id)
            }
        case (.structGet, .structure), (.structGetS, .structure), (.structGetU, .structure), (.structSet, .structure):
            let index = Int(w1 >> 32)
            guard index < Int(layout.fieldCount) else { return fail(ex, .invalidCode("unknown field")) }
            guard let block = object(fp[a], heap) else { return fail(ex, "null structure reference") }
            let field = types.fieldSlots[Int(layout.firstField) + index]
            let p = heap.payload(block) + Int(field.offset)
            if op == .structSet {
                FieldAccess.write(field.kind, to: p, from: fp + a + 1)
            } else {
                FieldAccess.read(field.kind, from: p, to: fp + a, signed: op == .structGetS)
            }
        case (.arrayNew, .array), (.arrayNewDefault, .array):
            let element = layout.element
            let lengthSlot = op == .arrayNew ? a + element.slotCount : a
            let length = u32(fp[lengthSlot])
            guard let bytes = Store.arrayBytes(length, size) else { return fail(ex, store.heapExhausted) }
            // The initial value, read before the result overwrites its slot.
            var value = (fp[a], fp[a + 1])
            switch store.allocateObject(typeID: typeID, length: UInt32(length), payloadBytes: bytes, running: r) {
            case .failure(let kind): return fail(ex, kind)
            case .success(let (block, id)):
                if op == .arrayNew {
                    let payload = heap.payload(block)
                    withUnsafeMutablePointer(to: &value) { v in
                        v.withMemoryRebound(to: UInt64.self, capacity: 2) { s in
                            for i in 0..<Int(length) { FieldAccess.write(element, to: payload + i * size, from: s) }
                        }
                    }
                }
                fp[a] = ReferenceBits.object(id)
            }
        case (.arrayNewFixed, .array):
            let count = Int(w1 >> 32)
            guard let bytes = Store.arrayBytes(UInt64(count), size) else { return fail(ex, store.heapExhausted) }
            switch store.allocateObject(typeID: typeID, length: UInt32(count), payloadBytes: bytes, running: r) {
            case .failure(let kind): return fail(ex, kind)
            case .success(let (block, id)):
                let payload = heap.payload(block)
                let width = layout.element.slotCount
                for i in 0..<count { FieldAccess.write(layout.element, to: payload + i * size, from: fp + a + i * width) }
                fp[a] = ReferenceBits.object(id)
            }
        case (.arrayNewData, .array), (.arrayNewElem, .array):
            let segment = Int(w1 >> 32)
            let instance = store.instances[r.context.pointee.instanceIndex]
            let offset = u32(fp[a]), length = u32(fp[a + 1])
            if op == .arrayNewData {
                let bytes = segment < instance.data.count ? instance.data[segment] : []
                guard let total = Store.arrayBytes(length, size), offset <= UInt64(bytes.count),
                      UInt64(total) <= UInt64(bytes.count) - offset else {
                    return fail(ex, .outOfBoundsMemoryAccess)
                }
                switch store.allocateObject(typeID: typeID, length: UInt32(length), payloadBytes: total, running: r) {
                case .failure(let kind): return fail(ex, kind)
                case .success(let (block, id)):
                    if total > 0 {
                        bytes.withUnsafeBytes { src in
                            heap.payload(block).copyMemory(from: src.baseAddress! + Int(offset), byteCount: total)
                        }
                    }
                    fp[a] = ReferenceBits.object(id)
                }
            } else {
                let items = segment < instance.elements.count ? instance.elements[segment] : []
                guard offset <= UInt64(items.count), length <= UInt64(items.count) - offset,
                      let total = Store.arrayBytes(length, size) else {
                    return fail(ex, .outOfBoundsTableAccess)
                }
                switch store.allocateObject(typeID: typeID, length: UInt32(length), payloadBytes: total, running: r) {
                case .failure(let kind): return fail(ex, kind)
                case .success(let (block, id)):
                    let payload = heap.payload(block)
                    var item: UInt64 = 0
                    for i in 0..<Int(length) {
                        item = items[Int(offset) + i]
                        FieldAccess.write(layout.element, to: payload + i * size, from: &item)
                    }
                    fp[a] = ReferenceBits.object(id)
                }
            }
        case (.arrayGet, .array), (.arrayGetS, .array), (.arrayGetU, .array), (.arraySet, .array):
            guard let block = object(fp[a], heap) else { return fail(ex, "null array reference") }
            let index = u32(fp[a + 1])
            guard index < UInt64(heap.header(block).pointee.length) else { return fail(ex, "out of bounds array access") }
            let p = heap.payload(block) + Int(index) * size
            if op == .arraySet {
                FieldAccess.write(layout.element, to: p, from: fp + a + 2)
            } else {
                FieldAccess.read(layout.element, from: p, to: fp + a, signed: op == .arrayGetS)
            }
        case (.arrayFill, .array):
            guard let block = object(fp[a], heap) else { return fail(ex, "null array reference") }
            let offset = u32(fp[a + 1])
            let n = u32(fp[a + 2 + layout.element.slotCount])
            let length = UInt64(heap.header(block).pointee.length)
            guard offset <= length, n <= length - offset else { return fail(ex, "out of bounds array access") }
            let payload = heap.payload(block)
            for i in 0..<Int(n) {
                FieldAccess.write(layout.element, to: payload + (Int(offset) + i) * size, from: fp + a + 2)
            }
        case (.arrayCopy, .array):
            guard let destination = object(fp[a], heap) else { return fail(ex, "null array reference") }
            guard let source = object(fp[a + 2], heap) else { return fail(ex, "null array reference") }
            let d = u32(fp[a + 1]), s = u32(fp[a + 3]), n = u32(fp[a + 4])
            let dLength = UInt64(heap.header(destination).pointee.length)
            let sLength = UInt64(heap.header(source).pointee.length)
            guard d <= dLength, n <= dLength - d, s <= sLength, n <= sLength - s else {
                return fail(ex, "out of bounds array access")
            }
            if n > 0 {
                memmove(heap.payload(destination) + Int(d) * size, heap.payload(source) + Int(s) * size, Int(n) * size)
            }
        case (.arrayInitData, .array), (.arrayInitElem, .array):
            guard let block = object(fp[a], heap) else { return fail(ex, "null array reference") }
            let segment = Int(w1 >> 32)
            let instance = store.instances[r.context.pointee.instanceIndex]
            let d = u32(fp[a + 1]), s = u32(fp[a + 2]), n = u32(fp[a + 3])
            let length = UInt64(heap.header(block).pointee.length)
            guard d <= length, n <= length - d else { return fail(ex, "out of bounds array access") }
            let payload = heap.payload(block) + Int(d) * size
            if op == .arrayInitData {
                let bytes = segment < instance.data.count ? instance.data[segment] : []
                guard let total = Store.arrayBytes(n, size), s <= UInt64(bytes.count), UInt64(total) <= UInt64(bytes.count) - s else {
                    return fail(ex, .outOfBoundsMemoryAccess)
                }
                if total > 0 { bytes.withUnsafeBytes { payload.copyMemory(from: $0.baseAddress! + Int(s), byteCount: total) } }
            } else {
                let items = segment < instance.elements.count ? instance.elements[segment] : []
                guard s <= UInt64(items.count), n <= UInt64(items.count) - s else {
                    return fail(ex, .outOfBoundsTableAccess)
                }
                var item: UInt64 = 0
                for i in 0..<Int(n) {
                    item = items[Int(s) + i]
                    FieldAccess.write(layout.element, to: payload + i * size, from: &item)
                }
            }
        default:
            return fail(ex, .invalidCode("\(op.mnemonic) does not fit type \(typeID)"))
        }
        r.pc = pc + 2
        return .running
    }

    @inline(__always)
    private static func object(_ bits: UInt64, _ heap: GCHeap) -> UnsafeMutableRawPointer? {
        ReferenceBits.isObject(bits) ? heap.block(ReferenceBits.objectID(bits)) : nil
    }
}
