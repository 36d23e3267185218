import Testing
import WasmCore
@testable import WasmVM

/// A debug session's calls zero only the locals the debugger could not show otherwise
/// (Compiler+DebugLocals.swift); it shows the others as zero until their first write. Frames
/// must still show Wasm's values everywhere, also over a stack a previous call left dirty, and
/// after the debugger writes a local the function has not written yet.
@Suite struct DebugLocalsTests {
    /// $check's locals in every state a path can leave them in. $dirty runs first, at the same
    /// frame position, so every slot $check does not zero holds 9x.
    static let wat = """
    (module
      (func $dirty (param i32) (result i32) (local i32 i32 i32 i32 i32 i32 i64)
        (local.set 1 (i32.const 91)) (local.set 2 (i32.const 92)) (local.set 3 (i32.const 93))
        (local.set 4 (i32.const 94)) (local.set 5 (i32.const 95)) (local.set 6 (i32.const 96))
        (local.set 7 (i64.const 97))
        (i32.add (local.get 0) (i32.add (local.get 6) (local.get 1))))
      (func $check (param $p i32) (result i32)
        (local $before i32) (local $inLoop i32) (local $oneArm i32) (local $bothArms i32)
        (local $afterBranch i32) (local $late i32) (local $never i64)
        (local.set $before (i32.const 1))
        (if (local.get $p) (then (local.set $oneArm (i32.const 3))))
        (if (local.get $p) (then (local.set $bothArms (i32.const 4))) (else (local.set $bothArms (i32.const 5))))
        (block $b (br_if $b (i32.eqz (local.get $p))) (local.set $afterBranch (i32.const 6)))
        (loop $l
          (local.set $inLoop (i32.add (local.get $before) (i32.const 10)))
          (local.set $before (i32.add (local.get $before) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $before) (i32.const 4))))
        (local.set $late (i32.const 8))
        (i32.add (local.get $inLoop) (i32.add (local.get $bothArms) (local.get $late))))
      (func (export "dirty-stack") (param i32) (result i32)
        (drop (call $dirty (local.get 0)))
        (call $check (local.get 0))))
    """

    @Test func onlyLocalsSomePathMayLeaveUnwrittenAreZeroed() throws {
        let module = try assemble(Self.wat)
        let body = try #require(module.definedFunction(1)?.body)
        let analysis = try #require(Compiler.debugLocals(body.instructions, offsets: body.offsets, paramCount: 1, localCount: 8).debug)
        // p, before, inLoop, oneArm, bothArms, afterBranch, late, never
        #expect(analysis.ambiguous == [false, false, true, true, false, true, false, false])
        // Written from after their set on: $before, $late. $bothArms: written at the end of the
        // then arm, not at the start of the else arm, written again at its end. $never: never.
        #expect(analysis.writtenChanges.map(\.count) == [0, 1, 0, 0, 3, 0, 1, 0])
        #expect(analysis.writtenChanges[4] == analysis.writtenChanges[4].sorted())
    }

    /// Frames equal the reference interpreter's at every stop point of $check although its
    /// clean locals' slots hold $dirty's values until $check writes them. The guest runs in the
    /// run loop between breakpoints on every stop point of $check: its calls zero only the
    /// debugger's share of locals (a stepped call, in Swift, zeroes them all).
    @Test(arguments: [0, 1])
    func framesShowWasmValuesOverADirtyStack(_ p: Int) throws {
        let module = try assemble(Self.wat)
        let runtime = Runtime()
        let instance = try runtime.instantiate(module)
        let debuggee = try Debuggee(instance: instance)
        let function = try #require(instance.function("dirty-stack"))
        let check = try #require(debuggee.functionAddress(ofIndex: 1))
        for stop in debuggee.stopPoints(ofFunction: check) {
            #expect(debuggee.armBreakpoint(CodeLocation(function: check, codeIndex: stop.codeIndex)))
        }
        var reference = ReferenceInterpreter(module: module, function: 2, arguments: [.i32(UInt32(p))],
                                             heap: ObjectIdentifier(runtime.store.heap), firstObjectID: 0)
        let invocation = function.startInvocation([.i32(UInt32(p))])
        var hits = 0, garbage = 0
        while debuggee.run(invocation) == .breakpoint {
            let frames = debuggee.frames(invocation)
            let innermost = try #require(frames.first?.position)
            var steps = 0
            while !reference.isFinished, hits > 0 && steps == 0
                    || reference.offset != innermost.fileOffset || reference.frames.count != frames.count {
                reference.step()
                steps += 1
                if steps > 1000 { break }
            }
            try #require(reference.frames.count == frames.count)
            for (k, frame) in frames.enumerated() {
                #expect(frame.locals == reference.frames[reference.frames.count - 1 - k].locals, "frame \(k) at hit \(hits)")
            }
            // The slots the rule covers do hold $dirty's values at $check's first stop.
            if hits == 0, let c = runtime.store.compiled(check), let r = invocation.registers {
                garbage = c.localTypes.indices.filter { c.localSlots[$0] >= c.debugZeroEnd && r.fp[c.localSlots[$0]] >= 91 }.count
            }
            hits += 1
            _ = debuggee.step(invocation)
        }
        let expected: UInt32 = p == 1 ? 13 + 4 + 8 : 13 + 5 + 8
        #expect(invocation.state == Invocation.State.finished([Value.i32(expected)]))
        #expect(hits > 10)
        #expect(garbage >= 3)
        #expect(!runtime.store.zeroesAllLocals)
        let compiled = try #require(runtime.store.compiled(check))
        #expect(compiled.debugZeroEnd < compiled.localsEnd)
    }

    /// The debugger gives a value to a local $check has not written: it shows from then on,
    /// and the unwritten locals, whose slots held $dirty's values, still show zero.
    @Test func writingAnUnwrittenLocalKeepsEveryFrameExact() throws {
        let instance = try instantiate(Self.wat)
        let function = try #require(instance.function("dirty-stack"))
        let debuggee = try Debuggee(instance: instance)
        let check = try #require(debuggee.functionAddress(ofIndex: 1))
        let entry = try #require(debuggee.entryStopPoint(ofFunction: check))
        #expect(debuggee.armBreakpoint(CodeLocation(function: check, codeIndex: entry.codeIndex)))
        let invocation = function.startInvocation([.i32(0)])
        #expect(debuggee.run(invocation) == .breakpoint)
        let zeros: [Value] = [.i32(0), .i32(0), .i32(0), .i32(0), .i32(0), .i32(0), .i32(0), .i64(0)]
        #expect(debuggee.frames(invocation).first?.locals == zeros)
        try debuggee.setLocal(invocation, frame: 0, index: 6, value: .i32(77))   // $late
        #expect(instance.store.zeroesAllLocals)
        var expected = zeros
        expected[6] = .i32(77)
        #expect(debuggee.frames(invocation).first?.locals == expected)
        for _ in 0..<3 { _ = debuggee.step(invocation) }
        let locals = try #require(debuggee.frames(invocation).first?.locals)
        #expect(locals[6] == .i32(77) && locals[7] == .i64(0) && locals[5] == .i32(0))
        // $late is written again before its read: 13 + 5 + 8.
        #expect(debuggee.run(invocation) == .finished([.i32(26)]))
    }

    /// Past `Compiler.debugLocalsLimit` instructions a function skips the analysis: a debug
    /// session's calls zero all its locals, and frames read every slot as it is.
    @Test(arguments: [10, Compiler.debugLocalsLimit])
    func aLargeFunctionZeroesEveryLocal(_ nops: Int) throws {
        let instance = try instantiate("""
        (module (func (export "f") (result i32) (local i32 i32)
          (local.set 0 (i32.const 1)) \(String(repeating: "nop ", count: nops))
          (local.set 1 (i32.const 2)) (i32.add (local.get 0) (local.get 1))))
        """)
        let f = try #require(instance.function("f"))
        #expect(f.startInvocation([]).run() == .finished([.i32(3)]))
        let compiled = try #require(instance.store.compiled(f.address))
        if nops < Compiler.debugLocalsLimit {
            #expect(compiled.debugZeroEnd < compiled.localsEnd && !compiled.writtenChanges.isEmpty)
        } else {
            #expect(compiled.debugZeroEnd == compiled.localsEnd && compiled.writtenChanges.isEmpty)
        }
    }
}
