import Testing
import WasmCore
@testable import WasmVM

/// A breakpoint on a function's entry does not compile the function: the engine translates
/// only up to its first stop point, and the patch is applied when the function is compiled at
/// its first call.
@Suite struct EntryBreakpointTests {
    static let wat = """
    (module
      (func $callee (param i32) (result i32) (local i32)
        (block $b (br_if $b (i32.eqz (local.get 0))) (local.set 1 (i32.const 4)))
        (i32.add (local.get 0) (local.get 1)))
      (func (export "run") (param i32) (result i32)
        (if (result i32) (local.get 0) (then (call $callee (local.get 0))) (else (i32.const -1)))))
    """

    @Test func theEntryBreakpointWaitsForTheFirstCall() throws {
        let instance = try instantiate(Self.wat)
        let debuggee = try Debuggee(instance: instance)
        let callee = try #require(debuggee.functionAddress(ofIndex: 0))
        let entry = try #require(debuggee.entryStopPoint(ofFunction: callee))
        let location = CodeLocation(function: callee, codeIndex: entry.codeIndex)
        #expect(debuggee.armBreakpoint(location))
        #expect(instance.store.compiled(callee) == nil)
        #expect(debuggee.isStopPoint(location) && debuggee.hasBreakpointPatch(location))
        #expect(debuggee.position(of: location)?.fileOffset == entry.fileOffset)
        let run = try #require(instance.function("run"))

        // A run that does not call it leaves it uncompiled.
        let notCalled = run.startInvocation([.i32(0)])
        #expect(debuggee.run(notCalled) == .finished([.i32(0xFFFF_FFFF)]))
        #expect(instance.store.compiled(callee) == nil)

        // The first call compiles it with the patch in place: the run stops there.
        let called = run.startInvocation([.i32(3)])
        #expect(debuggee.run(called) == .breakpoint)
        #expect(debuggee.current(called)?.location == location)
        // The whole compilation put the first stop point where the partial one said.
        #expect(debuggee.stopPoints(ofFunction: callee).first == entry)
        _ = debuggee.step(called)
        #expect(debuggee.run(called) == .finished([.i32(7)]))
        // Disarmed, the next call runs through.
        debuggee.disarmBreakpoint(location)
        #expect(debuggee.run(run.startInvocation([.i32(2)])) == .finished([.i32(6)]))
    }

    /// The partial translation finds the first stop point the whole one makes, in functions
    /// of every shape (the debug-invariant fixtures), also with fuel metering (its own first
    /// stop point).
    @Test(arguments: [false, true])
    func thePartialTranslationAgreesWithTheWholeOne(_ metered: Bool) throws {
        var configuration = Configuration()
        if metered { configuration.fuel = 1_000_000 }
        var compared = 0
        for wat in DebugInvariantTests.fixtures.map(\.wat) + [Self.wat] {
            let instance = try Runtime(configuration: configuration).instantiate(try assemble(wat))
            let debuggee = try Debuggee(instance: instance)
            for address in debuggee.functionAddresses where debuggee.hostName(ofAddress: address) == nil {
                guard instance.store.compiled(address) == nil else { continue }
                let entry = debuggee.entryStopPoint(ofFunction: address)
                #expect(instance.store.compiled(address) == nil)
                #expect(debuggee.stopPoints(ofFunction: address).first == entry)
                compared += 1
            }
        }
        #expect(compared > 30)
    }
}
