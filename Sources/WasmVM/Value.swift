import WasmCore

/// A typed WebAssembly value as the embedding API and the debugger see it.
/// Numbers are kept as raw bits so that NaN payloads and -0.0 survive every round trip.
public enum Value: Hashable, Sendable {
    case i32(UInt32)
    case i64(UInt64)
    /// IEEE 754 binary32 bits.
    case f32(UInt32)
    /// IEEE 754 binary64 bits.
    case f64(UInt64)
    case v128(V128)
    /// A function reference: the function's address in its runtime (nil = null).
    case funcref(UInt32?)
    /// A host reference (nil = null).
    case externref(UInt32?)
    /// An exception reference: the exception object's index in its runtime (nil = null).
    case exnref(UInt32?)
    /// A reference of the GC proposal's `any` hierarchy (any, eq, i31, struct, array; nil =
    /// null). Read through a store (`Store.loadValue`), which makes the object handles.
    case anyref(AnyReference?)
    /// An i31 or heap object converted to `extern` (`extern.convert_any`); a host reference
    /// is `.externref` whichever way it travelled.
    case externAny(AnyReference)

    public static func int32(_ v: Int32) -> Value { .i32(UInt32(bitPattern: v)) }
    public static func int64(_ v: Int64) -> Value { .i64(UInt64(bitPattern: v)) }
    public static func float(_ v: Float) -> Value { .f32(v.bitPattern) }
    public static func double(_ v: Double) -> Value { .f64(v.bitPattern) }

    public var type: ValueType {
        switch self {
        case .i32: .i32
        case .i64: .i64
        case .f32: .f32
        case .f64: .f64
        case .v128: .v128
        case .funcref: .funcref
        case .externref, .externAny: .externref
        case .exnref: .exnref
        case .anyref: .ref(RefType(nullable: true, .any))
        }
    }

    /// Whether this is a null reference (of any hierarchy).
    public var isNullReference: Bool {
        switch self {
        case .funcref(nil), .externref(nil), .anyref(nil), .exnref(nil): true
        default: false
        }
    }

    /// The zero value (or null reference) of a type.
    public static func zero(_ type: ValueType) -> Value {
        switch type {
        case .i32: .i32(0)
        case .i64: .i64(0)
        case .f32: .f32(0)
        case .f64: .f64(0)
        case .v128: .v128(V128(low: 0, high: 0))
        case .funcref: .funcref(nil)
        case .externref: .externref(nil)
        case .ref(let r):
            switch r.heapType {
            case .abstract(let a) where a.top == .extern: .externref(nil)
            case .abstract(let a) where a.top == .any: .anyref(nil)
            case .abstract(let a) where a.top == .exn: .exnref(nil)
            default: .funcref(nil)
            }
        }
    }

    /// Writes the value into engine slots (one, or two for v128).
    func store(to slots: UnsafeMutablePointer<UInt64>) {
        switch self {
        case .i32(let v): slots[0] = UInt64(v)
        case .i64(let v): slots[0] = v
        case .f32(let v): slots[0] = UInt64(v)
        case .f64(let v): slots[0] = v
        case .v128(let v): slots[0] = v.low; slots[1] = v.high
        case .funcref(let a): slots[0] = a.map { UInt64($0) &+ 1 } ?? 0
        case .externref(let a): slots[0] = a.map { UInt64($0) &+ 1 } ?? 0
        case .exnref(let a): slots[0] = a.map { ExceptionHeap.encode(Int($0)) } ?? 0
        case .anyref(let a): slots[0] = a?.bits ?? 0
        case .externAny(let a): slots[0] = a.bits
        }
    }

    /// Reads a value of `type` from engine slots.
    static func load(_ type: ValueType, from slots: UnsafePointer<UInt64>) -> Value {
        let raw = slots[0]
        switch type {
        case .i32: return .i32(UInt32(truncatingIfNeeded: raw))
        case .i64: return .i64(raw)
        case .f32: return .f32(UInt32(truncatingIfNeeded: raw))
        case .f64: return .f64(raw)
        case .v128: return .v128(V128(low: raw, high: slots[1]))
        case .funcref: return .funcref(raw == 0 ? nil : UInt32(truncatingIfNeeded: raw &- 1))
        case .externref where raw >> 62 == 0: return .externref(raw == 0 ? nil : UInt32(truncatingIfNeeded: raw &- 1))
        case .ref(let r):
            // The store reads GC references (Store.loadValue); here only what needs no heap.
            switch r.heapType {
            case .abstract(let a) where a.top == .extern:
                if raw >> 62 == 0 { return .externref(raw == 0 ? nil : UInt32(truncatingIfNeeded: raw &- 1)) }
                return AnyReference(bits: raw, object: { _ in nil }).map { .externAny($0) } ?? .externref(nil)
            case .abstract(let a) where a.top == .any:
                return .anyref(AnyReference(bits: raw, object: { _ in nil }))
            case .abstract(let a) where a.top == .exn:
                return .exnref(ExceptionHeap.decode(raw).map { UInt32(truncatingIfNeeded: $0) })
            default:
                return .funcref(raw == 0 ? nil : UInt32(truncatingIfNeeded: raw &- 1))
            }
        }
    }
}

extension ValueType {
    /// `exnref`, the nullable reference to any exception.
    public static let exnref = ValueType.ref(RefType(nullable: true, .exn))
}

/// A non-null reference of the `any` hierarchy.
public enum AnyReference: Hashable, Sendable {
    /// An unboxed 31-bit integer (`ref.i31`), kept as its 31 bits.
    case i31(UInt32)
    /// A struct or array in the store's heap; the handle keeps it alive.
    case object(GCObject)
    /// A host reference converted to `any` (`any.convert_extern`).
    case host(UInt32)

    /// The slot encoding (Heap.swift, `ReferenceBits`).
    var bits: UInt64 {
        switch self {
        case .i31(let v): ReferenceBits.i31(v)
        case .object(let o): ReferenceBits.object(o.id)
        case .host(let h): UInt64(h) &+ 1
        }
    }

    /// The reference a non-null slot holds; `object` makes the handle of an object id (nil
    /// when there is no such object, and for null).
    init?(bits: UInt64, object: (UInt32) -> GCObject?) {
        if bits == 0 { return nil }
        if ReferenceBits.isI31(bits) {
            self = .i31(UInt32(truncatingIfNeeded: bits) & 0x7FFF_FFFF)
        } else if ReferenceBits.isObject(bits) {
            guard let o = object(ReferenceBits.objectID(bits)) else { return nil }
            self = .object(o)
        } else {
            self = .host(UInt32(truncatingIfNeeded: bits &- 1))
        }
    }

    /// The i31's value sign-extended (`i31.get_s`).
    public static func signed(_ v: UInt32) -> Int32 { Int32(bitPattern: v << 1) >> 1 }
}

extension Value: CustomStringConvertible {
    /// The value notation (Docs/architecture.md, Notation: values) (`i32:5`, `f64:-0.25`, `funcref:null`).
    public var description: String { ValueFormatter.format(self) }
}
