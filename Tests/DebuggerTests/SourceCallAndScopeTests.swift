import Testing
import DebugInfo
@testable import Debugger

/// Frames ending (a watched local's frame, an inlined call, a struct returned through memory)
/// and guest functions called from C expressions, on calls.c, counter.cpp and primes.c at -O2.
@Suite struct SourceCallAndScopeTests {
    // MARK: watch scope

    /// gdb deletes a watchpoint on a local when its frame returns and stops in the caller.
    @Test func watchOnALocalEndsWhenItsFrameReturns() throws {
        let session = try sessionStopped("calls-O0.wasm", at: "calls.c", containing: "int total = 0;")
        let lvalue = try session.sourceLvalue("total")
        let bp = try session.watch("mem[0x\(String(lvalue.address, radix: 16))..0x\(String(lvalue.address + 4, radix: 16))]")
        try session.scopeWatch(bp.number, toFrame: 0)
        var changes = 0
        var stop = try session.continueExecution()
        while case .watchpoint = stop.reason {
            changes += 1
            stop = try session.continueExecution()
        }
        // total = 1, 5, 14, 30, and the first write (0) when the stack slot held something else.
        #expect(changes >= 4 && changes <= 5)
        #expect(stop.reason == .watchScopeEnded)
        #expect(session.takeEndedWatchScopes() == [bp.number])
        #expect(session.breakpoint(bp.number) == nil)
        let caller = try sourceLine("calls.c", containing: "int sum = running_total(4);")
        #expect(stop.position?.source?.function == "main")
        #expect(stop.position?.source?.line == caller)
        // The program goes on to its end.
        #expect(try session.continueExecution().reason == .exited(code: 49))
    }

    /// A recursive call of the same function returning does not end the outer frame's watch.
    @Test func scopeIsTheFrameNotTheFunction() throws {
        // factorial(3), called by factorial(4): factorial(2) and (1) return to the same place.
        let session = try sessionStopped("c-O0-dwarf5.wasm", at: "primes.c", containing: "return n * factorial(n - 1);", hits: 3)
        try session.delete([1])
        #expect(try session.printSource("n") == "3")
        let lvalue = try session.sourceLvalue("n")
        let bp = try session.watch("mem[0x\(String(lvalue.address, radix: 16))..0x\(String(lvalue.address + 4, radix: 16))]")
        let depth = session.backtrace().count
        try session.scopeWatch(bp.number, toFrame: 0)
        let stop = try session.continueExecution()
        #expect(stop.reason == .watchScopeEnded)
        #expect(session.backtrace().count == depth - 1)
        #expect(stop.position?.source?.function == "factorial")
        #expect(try session.printSource("n") == "4")
    }

    // MARK: finish

    /// At -O2 `is_prime` is inlined into `count_primes`, inlined into `main`: `finish` from the
    /// inlined frame stops when its code is left, in the frame it was inlined into.
    @Test func finishOutOfAnInlinedFrame() throws {
        let session = try sessionStopped("c-O2-dwarf5.wasm", at: "primes.c", containing: "if (n < 2)")
        #expect(session.backtrace().first?.source?.isInlined == true)
        #expect(session.backtrace().first?.source?.function == "is_prime")
        let invocation = try #require(session.current).invocation
        let wasmDepth = try #require(session.debuggee?.current(invocation)?.depth)
        let stop = try session.finish()
        #expect(stop.reason == .stepDone)
        #expect(stop.position?.source?.function == "count_primes")
        #expect(session.debuggee?.current(invocation)?.depth == wasmDepth)
        // Out of count_primes (inlined into main) in turn, past is_prime's breakpoint.
        try session.delete([1])
        let out = try session.finish()
        #expect(out.position?.source?.function == "main")
        #expect(session.backtrace().first?.source?.isInlined == false)
    }

    /// `finish` from an inlined frame still stops at a breakpoint on the way.
    @Test func finishOutOfAnInlinedFrameStopsAtABreakpoint() throws {
        let session = try sessionStopped("c-O2-dwarf5.wasm", at: "primes.c", containing: "if (n < 2)")
        _ = try session.selectFrame(1)  // count_primes: its loop reaches is_prime's breakpoint again
        let stop = try session.finish()
        #expect(stop.reason == .breakpoint(number: 1))
    }

    private func finishValue(_ fixture: String, source: String, at text: String) throws -> String? {
        let session = try sessionStopped(fixture, at: source, containing: text)
        let offset = try #require(session.currentPosition?.position.fileOffset)
        let function = try #require(session.debugInfo?.function(containing: offset))
        let address = session.sourceReturnAddress(of: function)
        guard case .finished(let values) = try session.finish().reason,
              let value = session.sourceReturnValue(of: function, results: values, returnAddress: address) else { return nil }
        return session.formatSourceValue(value)
    }

    @Test func finishPrintsStructsReturnedThroughMemory() throws {
        #expect(try finishValue("calls-O0.wasm", source: "calls.c", at: "struct pair p = {x, y};") == "{x = 1, y = 2}")
        #expect(try finishValue("cpp-counter-O0.wasm", source: "counter.cpp", at: "Point corner() const") == "{x = 2, y = 3}")
    }

    @Test func finishPrintsRustEnums() throws {
        // Through memory: Option<usize> is a tag and a number (the hidden first parameter is
        // the caller's slot; `&[i32]` takes two Wasm parameters, so the counts differ by more).
        #expect(try finishValue("rust-O0.wasm", source: "inventory.rs", at: "for (index, value) in haystack")
                == "core::option::Option<usize>::Some(2)")
        // As one scalar: the pointer (null for None) and the non-zero number.
        #expect(try finishValue("rust-enums-O0.wasm", source: "enums.rs", at: "if *value > 0 { Some(value) }")?
                .hasPrefix("core::option::Option<&i32>::Some(0x") == true)
        #expect(try finishValue("rust-enums-O0.wasm", source: "enums.rs", at: "NonZeroU32::new(n)")
                == "core::option::Option<core::num::nonzero::NonZeroU32>::Some(core::num::nonzero::NonZeroU32 (3))")
    }

    @Test func finishOfACppMethodPrintsItsCType() throws {
        #expect(try finishValue("cpp-O0-dwarf5.wasm", source: "rect.cpp", at: "int result = width_ * height_;") == "30")
        #expect(try finishValue("cpp-counter-O0.wasm", source: "counter.cpp", at: "count_ += by;") == "2")
        // A scalar result keeps coming from the Wasm results.
        #expect(try finishValue("calls-O0.wasm", source: "calls.c", at: "return total;") == "30")
    }

    // MARK: ptype

    /// gdb 13 (on clang's DWARF): statics first, a blank line between data, methods and the
    /// class's typedefs, access labels where the access changes, own typedefs by local name.
    @Test func ptypeListsTypedefsAndStaticMembers() throws {
        let session = try sessionStopped("cpp-counter-O0.wasm", at: "counter.cpp", containing: "counter.bump(2);")
        #expect(try session.ptypeSource("counter") == """
            type = class geo::Counter {
              public:
                static int instances;
                static const int limit;
              private:
                value_type count_;
                tag_type tag_;

              public:
                Counter(void);
                value_type bump(value_type);
                geo::Point corner(void) const;

              private:
                typedef int value_type;
                typedef char tag_type;
            }
            """)
        #expect(try session.whatisSource("counter.tag_") == "type = geo::Counter::tag_type")
    }

    // MARK: calls

    @Test func callsRunTheGuestFunction() throws {
        let session = try sessionStopped("calls-O0.wasm", at: "calls.c", containing: "if (sum < 0)")
        let position = session.currentPosition
        #expect(try session.printSource("square(d)") == "9")
        #expect(try session.printSource("add(d, 2) * 10") == "50")
        #expect(try session.printSource("half(d)") == "1.5")
        #expect(try session.printSource("make_pair(3, 4)") == "{x = 3, y = 4}")
        #expect(try session.printSource("widen(97, 2)") == "97000000002")
        #expect(try session.printSource("(&add)(2, 3)") == "5")
        #expect(try session.evaluateSource("running_total(0)").type.name == "int")
        #expect(throws: DebuggerError("Too few arguments in function call.")) { try session.printSource("add(1)") }
        #expect(throws: DebuggerError("Invalid data type for function to be called.")) { try session.printSource("d(1)") }
        // `sizeof` and `whatis` do not run it (its breakpoint would stop).
        try session.setBreakpoint("make_pair")
        #expect(try session.printSource("sizeof(make_pair(1, 2))") == "8")
        #expect(session.currentPosition == position)
        #expect(try session.continueExecution().reason == .exited(code: 49))
    }

    @Test func aStopInsideACalledFunctionIsReportedAndUnwound() throws {
        let session = try sessionStopped("calls-O0.wasm", at: "calls.c", containing: "if (sum < 0)")
        let frames = session.backtrace().count
        let position = session.currentPosition
        var reported: [Stop] = []
        session.calledFunctionStopReporter = { reported.append($0) }
        try session.setBreakpoint("make_pair")
        #expect(throws: CalledFunctionError.self) { try session.printSource("make_pair(5, 6)") }
        #expect(reported.first?.reason == .breakpoint(number: 2))
        #expect(reported.first?.position?.source?.function == "make_pair")
        #expect(throws: CalledFunctionError.self) { try session.printSource("divide_by_zero(1)") }
        guard case .trapped(let trap)? = reported.last?.reason else { Issue.record("no trap reported"); return }
        #expect(trap.message.contains("divide by zero"))
        // Still at the original stop, the stack pointer restored, the program able to go on.
        #expect(session.backtrace().count == frames)
        #expect(session.currentPosition == position)
        try session.delete([2])
        #expect(try session.printSource("make_pair(1, 2).x + square(2)") == "5")
        #expect(try session.continueExecution().reason == .exited(code: 49))
    }
}
