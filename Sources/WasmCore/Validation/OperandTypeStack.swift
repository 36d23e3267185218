/// The validator's operand stack of type codes: a growable buffer behind a class, so a push or
/// a pop is a bounds check and a store, not an array mutation. With `[TypeCode]` every push and
/// pop checked the array's uniqueness and capacity; that was a fifth of validating a large
/// module (Docs/performance.md, "Large modules").
///
/// `unsafe` justification: the buffer is owned by this object alone (allocated in `init` and
/// `grow`, freed in `deinit`), every read and write is at an index below `count`, which never
/// exceeds `capacity`, and the validator checks `count` against the frame's floor before any
/// pop. Shared by copies of a `FunctionValidator`, which is harmless: every body and constant
/// expression starts with `removeAll()`, and copies are never used at the same time.
final class OperandTypeStack {
    private var base: UnsafeMutablePointer<TypeCode>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        self.capacity = Swift.max(capacity, 4)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always)
    func append(_ type: TypeCode) {
        if count == capacity { grow() }
        base[count] = type
        count &+= 1
    }

    /// The top value, removed; the caller has checked that the stack is not empty.
    @inline(__always)
    func removeLast() -> TypeCode {
        precondition(count > 0, "operand type stack underflow")
        count &-= 1
        return base[count]
    }

    subscript(index: Int) -> TypeCode {
        precondition(index >= 0 && index < count, "operand type stack index out of range")
        return base[index]
    }

    /// The values from `start` to the top, as an array (for error messages).
    subscript(from start: Int) -> [TypeCode] {
        let lower = Swift.min(Swift.max(start, 0), count)
        return Array(UnsafeBufferPointer(start: base + lower, count: count - lower))
    }

    /// Drops the values from `height` up.
    func truncate(to height: Int) {
        precondition(height >= 0, "negative operand stack height")
        if height < count { count = height }
    }

    func removeAll() { count = 0 }

    private func grow() {
        let larger = capacity * 2
        let moved = UnsafeMutablePointer<TypeCode>.allocate(capacity: larger)
        moved.moveInitialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }
}
