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

    /// Frames equal the reference interpreter's at every stop although the clean locals'
    /// slots hold $dirty's values until $check writes them.
    @Test(arguments: [0, 1])
    func framesShowWasmValuesOverADirtyStack(_ p: Int) throws {
        let module = try assemble(Self.wat)
        let runtime = Runtime()
        let instance = try runtime.instantiate(module)
        let function = try #require(instance.function("dirty-stack"))
        var reference = ReferenceInterpreter(module: module, function: 2, arguments: [.i32(UInt32(p))],
                                             heap: ObjectIdentifier(runtime.store.heap), firstObjectID: 0)
        let checkAddress = try #require(instance.function(at: 1)).address
        let invocation = function.startInvocation([.i32(UInt32(p))])
        var stops = 0, checked = 0
        while case .running = invocation.state {
            let frames = invocation.frames
            let innermost = try #require(frames.first?.position)
            var guardSteps = 0
            while !reference.isFinished, stops > 0 && guardSteps == 0
                    || reference.offset != innermost.fileOffset || reference.frames.count != frames.count {
                reference.step()
                guardSteps += 1
                if guardSteps > 1000 { break }
            }
            try #require(reference.frames.count == frames.count)
            for (k, frame) in frames.enumerated() {
                #expect(frame.locals == reference.frames[reference.frames.count - 1 - k].locals, "frame \(k) at stop \(stops)")
            }
            if frames.count == 2 && frames[0].functionAddress == checkAddress { checked += 1 }
            stops += 1
            invocation.step()
        }
        let expected: UInt32 = p == 1 ? 13 + 4 + 8 : 13 + 5 + 8
        #expect(invocation.state == Invocation.State.finished([Value.i32(expected)]))
        #expect(checked > 10)
        // The run did not zero everything: $check's clean locals were left to the rule.
        #expect(!runtime.store.zeroesAllLocals)
        let check = try #require(runtime.store.compiled(checkAddress))
        #expect(check.debugZeroEnd < check.localsEnd)
    }

    /// The debugger gives a value to a local $check has not written: it shows from then on,
    /// and the other frames' unwritten locals still show zero.
    @Test func writingAnUnwrittenLocalKeepsEveryFrameExact() throws {
        let instance = try instantiate(Self.wat)
        let function = try #require(instance.function("dirty-stack"))
        let check = try #require(instance.function(at: 1)).address
        let debuggee = try Debuggee(instance: instance)
        let invocation = function.startInvocation([.i32(0)])
        // Into $check, before it writes anything.
        while case .running = invocation.state, invocation.frames.first?.functionAddress != check { invocation.step() }
        #expect(invocation.frames.first?.locals == [.i32(0), .i32(0), .i32(0), .i32(0), .i32(0), .i32(0), .i32(0), .i64(0)])
        try debuggee.setLocal(invocation, frame: 0, index: 6, value: .i32(77))   // $late
        try debuggee.setLocal(invocation, frame: 0, index: 4, value: .i32(55))   // $bothArms
        for _ in 0..<3 { invocation.step() }
        let locals = try #require(invocation.frames.first?.locals)
        #expect(locals[6] == .i32(77) && locals[7] == .i64(0) && locals[5] == .i32(0) && locals[2] == .i32(0))
        #expect(debuggee.frames(invocation).first?.locals == locals)
        // $late and $bothArms are written again before their reads: 13 + 5 + 8.
        #expect(invocation.run() == .finished([.i32(26)]))
    }
}
