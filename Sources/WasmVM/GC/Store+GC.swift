import WasmCore

// The store's side of the GC proposal: reading references out of slots as `Value`s (making the
// handles that pin objects), the roots of a collection, and allocation with its limit.

extension Store {
    // MARK: values

    /// The module of Wasm function `address` (nil for host functions).
    func module(ofFunction address: UInt32) -> Module? {
        guard Int(address) < functions.count, case .wasm(let instance, _) = functions[Int(address)].kind else { return nil }
        return instances[instance].module
    }

    /// Reads a value of `type` (in the type indices of `module`, or store type ids when
    /// `module` is nil) from slots, making object handles for GC references.
    func loadValue(_ type: ValueType, from slots: UnsafePointer<UInt64>, module: Module?) -> Value {
        guard case .ref(let r) = type else { return Value.load(type, from: slots) }
        let kind: AbstractHeapType
        switch r.heapType {
        case .abstract(let a): kind = a
        case .concrete(let x):
            if let module {
                kind = Int(x) < module.typeDefinitions.count ? module.typeDefinitions[Int(x)].composite.abstractSupertype : .func
            } else {
                kind = types.abstractKind(of: r.heapType)
            }
        }
        let raw = slots[0]
        switch kind.top {
        case .any:
            return .anyref(anyReference(raw))
        case .extern:
            if raw >> 62 == 0 { return .externref(raw == 0 ? nil : UInt32(truncatingIfNeeded: raw &- 1)) }
            return anyReference(raw).map { .externAny($0) } ?? .externref(nil)
        default:
            return Value.load(.ref(RefType(nullable: r.isNullable, .abstract(kind))), from: slots)
        }
    }

    /// Whether an object reference is one of this store's (always true for i31 and host).
    func owns(_ reference: AnyReference) -> Bool {
        if case .object(let o) = reference { return o.heap == ObjectIdentifier(heap) }
        return true
    }

    /// The `any` reference in a slot (nil for null, or for an object id that does not exist).
    func anyReference(_ bits: UInt64) -> AnyReference? {
        AnyReference(bits: bits) { heap.handle($0, types: types) }
    }

    /// Whether `value` may be passed where `type` (of `module`) is expected: numbers by equal
    /// type, references by hierarchy and nullability, and objects and functions by their
    /// defined type when the type names one.
    func value(_ value: Value, matches type: ValueType, module: Module?) -> Bool {
        guard case .ref(let r) = type else { return value.type == type }
        var expected = r.heapType
        if case .concrete(let x) = r.heapType, let module {
            guard Int(x) < module.typeDefinitions.count else { return false }
            expected = .concrete(types.register(module)[Int(x)])
        }
        let top = types.top(of: expected)
        switch value {
        case .funcref(nil), .externref(nil), .anyref(nil), .exnref(nil):
            // Null is 0 in every hierarchy: which kind of null the caller built does not matter.
            return r.isNullable
        case .exnref(_?):
            return top == .exn && expected != .abstract(.noexn)
        case .funcref(let a?):
            guard top == .func, Int(a) < functions.count else { return false }
            return types.heapMatches(.concrete(entries[Int(a)].typeID), expected)
        case .externAny(let a) where !owns(a):
            return false
        case .externref, .externAny:
            // A host reference also passes as `any` (the spec tests' `ref.host`).
            if top == .any { return expected == .abstract(.any) }
            return top == .extern && expected != .abstract(.noextern)
        case .anyref(let a?):
            guard top == .any, owns(a) else { return false }
            return matches(bits: a.bits, heapType: expected)
        default:
            return false
        }
    }

    // MARK: runtime types

    /// Whether the non-null reference `bits` of the `any` hierarchy has store-form heap type
    /// `target` (ref.test, ref.cast, br_on_cast).
    func matches(bits: UInt64, heapType target: HeapType) -> Bool {
        let actual: HeapType
        if ReferenceBits.isI31(bits) {
            actual = .abstract(.i31)
        } else if ReferenceBits.isObject(bits) {
            guard let block = heap.block(ReferenceBits.objectID(bits)) else { return false }
            actual = .concrete(heap.header(block).pointee.typeID)
        } else {
            // A host reference converted to any: only `any` itself contains it.
            if case .abstract(.any) = target { return true }
            return false
        }
        return types.heapMatches(actual, target)
    }

    // MARK: collection

    /// Collects garbage with `running` as the registers of the run in progress (nil when no
    /// guest code runs: instantiation, host calls from the embedder).
    func collectGarbage(running: Registers?) {
        heap.collect(types: types) { mark in
            for g in globals where g.type.valueType.isReference { mark(g.slots[0]) }
            for t in tables where t.pointee.count > 0 && types.top(of: t.pointee.elementType.heapType) != .func {
                let elements = t.pointee.elements.unsafelyUnwrapped
                for i in 0..<Int(t.pointee.count) { mark(elements[i]) }
            }
            for instance in instances where !instance.isDropped {
                for segment in instance.elements { for item in segment { mark(item) } }
            }
            if let running { markFrames(running, mark) }
            for r in execution.hostCallers { markFrames(r, mark) }
            for r in execution.suspendedRuns.values { markFrames(r, mark) }
            // Exceptions in flight or held by an exnref may carry references in their payload
            // (conservatively: a payload number that looks like a live object keeps it).
            for case let exception? in exceptionHeap.objects { for raw in exception.payload { mark(raw) } }
        }
    }

    /// Marks the references in the frames of run `r`: reference-typed locals, and the
    /// reference-typed operand-stack entries in canonical slots at each frame's stop point
    /// (the compiler's stack nodes say which slots those are; Docs/wasm-3.0.md).
    private func markFrames(_ r: Registers, _ mark: (UInt64) -> Void) {
        var function = r.function
        var fp = r.fp
        var pcIndex = r.pc - r.code
        var calleeFP: UnsafeMutablePointer<UInt64>? = nil
        var level = r.depth
        while true {
            if let compiled = compiled(function) {
                for (t, s) in zip(compiled.localTypes, compiled.localSlots) where t.isReference { mark(fp[s]) }
                if let stop = compiled.stopPoint(containing: pcIndex) {
                    let limit = calleeFP.map { $0 - fp } ?? .max
                    var slot = compiled.localsEnd
                    for (type, home) in compiled.stackEntries(node: compiled.stopStackNode[stop]) {
                        if case .canonical = home, type.isReference, slot < limit { mark(fp[slot]) }
                        slot += type.slotCount
                    }
                }
            }
            if level <= r.entryDepth { break }
            level -= 1
            let saved = execution.frames[level]
            calleeFP = fp
            function = saved.function
            fp = saved.fp
            guard let code = entries[Int(function)].code else { break }
            pcIndex = saved.returnPC - code - 1
        }
    }

    /// Room for an object of `bytes` (header included): collects when the allocation since
    /// the last collection calls for it, and says whether the limit still allows it.
    func reserveHeap(_ bytes: Int, running: Registers?) -> Bool {
        if heap.wantsCollection(before: bytes) { collectGarbage(running: running) }
        return heap.fits(bytes)
    }

    /// The trap of an allocation over `--max-gc-heap`.
    var heapExhausted: TrapKind {
        .reference("out of GC heap: live objects would exceed the limit of \(heap.maxBytes) bytes (--max-gc-heap)")
    }
}

/// What the GC heap holds now (for tests, `info gc` and leak checks).
public struct GCStatistics: Hashable, Sendable {
    public var liveObjects: Int
    public var liveBytes: Int
    public var peakBytes: Int
    public var collections: Int
    public var allocatedObjects: Int
    /// Objects pinned by handles the embedder holds.
    public var pinnedObjects: Int
}

extension Runtime {
    public var gcStatistics: GCStatistics {
        let h = store.heap
        return GCStatistics(liveObjects: h.liveObjects, liveBytes: h.liveBytes, peakBytes: h.peakBytes,
                            collections: h.collections, allocatedObjects: h.allocatedObjects, pinnedObjects: h.pinnedCount)
    }

    /// Collects now (the debugger's `gc` command and tests); objects held through `Value`s stay.
    public func collectGarbage() {
        store.collectGarbage(running: nil)
    }
}
