import Testing
import WasmCore
import WasmVM
@testable import Debugger

/// The operand stack the debugger shows at every stepi equals a reference evaluation of the
/// function: a small stack machine over the decoded Wasm instructions, independent of the
/// engine's compiled code.
@Suite struct OperandStackTests {
    /// Evaluates a function of i32 straight-line code and loops, recording the stack before
    /// every instruction, keyed by its file offset (in execution order).
    func reference(_ module: Module, function index: UInt32, arguments: [UInt32]) throws -> [(UInt32, [UInt32])] {
        guard let f = module.definedFunction(index) else { throw DebuggerError("no function") }
        var locals = arguments + f.expandedLocals.map { _ in UInt32(0) }
        var stack: [UInt32] = []
        var trace: [(UInt32, [UInt32])] = []
        var loops: [Int] = []
        var pc = 0
        let decoded = f.body  // decoded once (a loaded module's body decodes on each read)
        let body = decoded.instructions
        while pc < body.count {
            let ins = body[pc]
            trace.append((decoded.offsets[pc], stack))
            pc += 1
            switch ins.opcode {
            case .localGet: stack.append(locals[Int(ins.index)])
            case .localSet: locals[Int(ins.index)] = stack.removeLast()
            case .localTee: locals[Int(ins.index)] = stack.last ?? 0
            case .i32Const:
                guard case .i32(let v) = ins.immediate else { throw DebuggerError("bad const") }
                stack.append(UInt32(bitPattern: v))
            case .i32Add, .i32Mul, .i32LtU:
                let b = stack.removeLast(), a = stack.removeLast()
                stack.append(ins.opcode == .i32Add ? a &+ b : ins.opcode == .i32Mul ? a &* b : (a < b ? 1 : 0))
            case .i32Store: stack.removeLast(2)
            case .loop: loops.append(pc)
            case .brIf:
                if stack.removeLast() != 0, let target = loops.last { pc = target }
            case .end: if !loops.isEmpty { loops.removeLast() }
            default: throw DebuggerError("the reference does not evaluate \(ins.opcode.mnemonic)")
            }
        }
        return trace
    }

    /// `minimumStops`: how many stop points the function passes at least (folded runs, see
    /// Compiler+Operands.swift in WasmVM, make fewer stops than instructions).
    func check(function name: String, arguments: [UInt32], minimumStops: Int) throws {
        let s = try session()
        guard let module = s.module, let index = try s.resolveFunction(name) else { return }
        let expected = try reference(module, function: index, arguments: arguments)
        try s.setBreakpoint(name)
        var stop = try s.invoke(name, arguments.map { .i32($0) })
        var seen: [(UInt32, [UInt32])] = []
        while let p = stop.position, stop.reason != .returned(values: []) {
            let stack = try s.operandStack().map { v -> UInt32 in
                if case .i32(let x) = v { return x }
                return 0xDEAD_BEEF
            }
            seen.append((p.position.fileOffset, stack))
            stop = try s.stepInstruction()
            if case .returned = stop.reason { break }
        }
        // The debugger stops only at stop points; every one of them must agree with the
        // reference at that offset, in the same order.
        var k = 0
        for (offset, stack) in seen {
            while k < expected.count && expected[k].0 != offset { k += 1 }
            #expect(k < expected.count, "offset 0x\(String(offset, radix: 16)) is not in the reference trace")
            guard k < expected.count else { return }
            #expect(expected[k].1 == stack, "at 0x\(String(offset, radix: 16))")
            k += 1
        }
        #expect(seen.count >= minimumStops)
    }

    // $sum: `local.get $x; local.get $y; i32.add; local.set $k` is one run, then
    // `local.get $k; local.get $k; i32.mul`, then the return.
    @Test func straightLineCode() throws { try check(function: "$sum", arguments: [6, 7], minimumStops: 3) }
    @Test func aLoopWithStores() throws { try check(function: "$fill", arguments: [3], minimumStops: 8) }
}
