import CWasmEngine
import WasmCore

/// A saved caller: where to continue when the callee returns. Defined in C, because the C core
/// pushes and pops frames too.
typealias Frame = wdb_frame

/// The machine registers of the run loop. Kept in a struct passed inout, so the Swift
/// optimiser keeps them in CPU registers.
struct Registers {
    /// The next instruction to execute (at a stop, the instruction about to run).
    var pc: UnsafeMutablePointer<UInt64>
    /// Frame pointer: slot 0 of the current frame.
    var fp: UnsafeMutablePointer<UInt64>
    /// First word of the current function's code (branch targets are relative to it).
    var code: UnsafeMutablePointer<UInt64>
    var function: UInt32
    var context: UnsafeMutablePointer<InstanceContext>
    /// Cached memory 0 of the current instance; reloaded after calls, returns and growth.
    var memBase: UnsafeMutableRawPointer?
    var memSize: UInt64
    /// Bytes of address space reserved at memBase (the C core runs a memory whose reservation
    /// covers every register-form address without bounds checks: guard_pages.h).
    var memReserved: UInt64 = 0
    /// Number of saved callers in use in `Execution.frames`.
    var depth: Int
    /// The depth at which the current invocation began: returning at it finishes the run.
    var entryDepth: Int
    var entries: UnsafeMutablePointer<FunctionEntry>
}

enum Status: UInt8 {
    case running
    case finished
    case trapped
    /// Debug stops (Debug/): pc is at the instruction that has not run yet.
    case breakpoint
    case interrupted
    case watch
    /// A host call the debugger asked to see before it happens (catchpoints, host writes
    /// into watched memory); pc is at the call.
    case hostCall
    /// A throw the debugger asked to see before it happens (ExceptionHeap.stopAtThrow); pc is
    /// at the throwing instruction.
    case exceptionThrown
    /// An exception was just delivered to a handler (ExceptionHeap.stopAtCatch); pc is at the
    /// handler.
    case exceptionCaught
}

/// The value stack and call stack of a store, with the state a trap leaves behind.
final class Execution {
    let stack: UnsafeMutablePointer<UInt64>
    let stackEnd: UnsafeMutablePointer<UInt64>
    let frames: UnsafeMutablePointer<Frame>
    let maxDepth: Int
    var fuel: UInt64
    let meterFuel: Bool
    /// First free slot and frame for a new invocation (moves up during host calls, so a host
    /// function can call back into the guest above the suspended frames).
    var stackTop: UnsafeMutablePointer<UInt64>
    var depth = 0
    /// Set by an instruction that traps.
    var trap: TrapCode = .none
    /// The full kind when `trap` is `.detailed` (compile errors, host failures).
    var trapDetail: TrapKind?
    /// Union of the watched memory ranges, [watchLow, watchHigh) (empty when low >= high),
    /// read only by the `watchedAccess` patch.
    var watchLow: UInt64 = 1
    var watchHigh: UInt64 = 0
    /// Which host calls stop before they run (nil: none, the usual case: one branch on the
    /// host-call path), and a one-shot pass for the call the debugger is resuming.
    var hostCallFilter: ((UInt32) -> Bool)?
    var passNextHostCall = false
    /// Runs whose frames lie below the running one, for the collector's roots (Store+GC.swift):
    /// callers suspended in a host call, and debugger invocations stopped at an event.
    var hostCallers: [Registers] = []
    var suspendedRuns: [ObjectIdentifier: Registers] = [:]

    /// Bytes mapped for `stack` and `frames` (see `init`).
    private let stackBytes: Int
    private let frameBytes: Int

    init(configuration: Configuration) {
        // Both stacks are sized by limits, not by use: they are mapped lazily (VirtualMemory),
        // so the kernel backs only the pages a run touches, and a limit of a billion calls
        // costs nothing until the guest recurses that deep. Slots are left uninitialised:
        // every slot is written before it is read (arguments and zeroed locals on entry,
        // operands by their producers).
        var slots = max(configuration.stackSlots, 1024)
        // (Clamped so the frame array's size cannot overflow: 2^36 frames is 1.5 TiB.)
        var depth = min(max(configuration.maxCallDepth, 1), 1 << 36)
        // When the system refuses a mapping (an address-space limit), halve the limit until it
        // fits: the guest then meets "call stack exhausted" sooner, the host keeps running.
        var stackMapping = VirtualMemory.allocateLazily(slots * 8)
        while stackMapping == nil && slots > 1024 {
            slots /= 2
            stackMapping = VirtualMemory.allocateLazily(slots * 8)
        }
        var frameMapping = VirtualMemory.allocateLazily((depth + 1) * MemoryLayout<Frame>.stride)
        while frameMapping == nil && depth > 1024 {
            depth /= 2
            frameMapping = VirtualMemory.allocateLazily((depth + 1) * MemoryLayout<Frame>.stride)
        }
        stackBytes = stackMapping == nil ? 0 : slots * 8
        frameBytes = frameMapping == nil ? 0 : (depth + 1) * MemoryLayout<Frame>.stride
        // (The last resort, the heap, for a system that refuses even the smallest mapping.)
        stack = stackMapping?.bindMemory(to: UInt64.self, capacity: slots) ?? .allocate(capacity: slots)
        frames = frameMapping?.bindMemory(to: Frame.self, capacity: depth + 1) ?? .allocate(capacity: depth + 1)
        // One slot short of the mapping: a call zeroes the two slots after its parameters
        // without a loop (engine.c, ZERO_LOCALS), the second of which may lie one past a frame
        // that ends right at stackEnd.
        stackEnd = stack + slots - 1
        maxDepth = depth
        fuel = configuration.fuel ?? 0
        meterFuel = configuration.fuel != nil
        stackTop = stack
    }

    deinit {
        if stackBytes > 0 { VirtualMemory.release(UnsafeMutableRawPointer(stack), stackBytes) } else { stack.deallocate() }
        if frameBytes > 0 { VirtualMemory.release(UnsafeMutableRawPointer(frames), frameBytes) } else { frames.deallocate() }
    }
}

/// How a stopped run looks to a debugger: one entry per frame, innermost first.
public struct FrameState: Hashable, Sendable {
    public var functionAddress: UInt32
    /// Position of the instruction about to run (innermost frame) or of the call in progress.
    public var position: CodePosition?
    public var locals: [Value]
    /// Wasm operand stack, bottom first.
    public var operandStack: [Value]
}

extension Store {
    /// Reads the frames of a stopped run (after a step, or after a trap).
    func frameStates(_ r: Registers, trapped: Bool) -> [FrameState] {
        var result: [FrameState] = []
        var function = r.function
        var fp = r.fp
        var pcIndex = r.pc - r.code
        var calleeFP: UnsafeMutablePointer<UInt64>? = nil
        var level = r.depth
        while true {
            result.append(frameState(function: function, fp: fp, codeIndex: pcIndex, calleeFP: calleeFP,
                                     trapped: trapped && result.isEmpty))
            if level <= r.entryDepth { break }
            level -= 1
            let saved = execution.frames[level]
            calleeFP = fp
            function = saved.function
            fp = saved.fp
            guard let code = entries[Int(function)].code else { break }
            pcIndex = saved.returnPC - code - 1
        }
        return result
    }

    private func frameState(function: UInt32, fp: UnsafeMutablePointer<UInt64>, codeIndex: Int,
                            calleeFP: UnsafeMutablePointer<UInt64>?, trapped: Bool) -> FrameState {
        guard let compiled = compiled(function), compiled.stopPoint(containing: codeIndex) != nil else {
            return FrameState(functionAddress: function, position: nil, locals: [], operandStack: [])
        }
        let module = self.module(ofFunction: function)
        let position = position(function: function, codeIndex: codeIndex, trapped: trapped)
        let locals = frameLocals(function, compiled, fp: fp, at: position?.fileOffset ?? 0)
        // In a caller, the call's arguments have moved into the callee's frame.
        let stack = compiled.operandStack(atCodeIndex: codeIndex, fp: fp, limit: calleeFP.map { $0 - fp } ?? .max,
                                          trapped: trapped) { self.loadValue($0, from: $1, module: module) }
        return FrameState(functionAddress: function, position: position, locals: locals, operandStack: stack)
    }

    /// The locals of a frame of `compiled` at `fp` whose position is file offset `position`.
    /// A local the function has not written yet there is zero, whatever its slot holds (a debug
    /// session's calls zero only the locals that need it: Compiler+DebugLocals.swift).
    func frameLocals(_ function: UInt32, _ compiled: CompiledFunction, fp: UnsafeMutablePointer<UInt64>,
                     at position: UInt32) -> [Value] {
        let module = self.module(ofFunction: function)
        return compiled.localTypes.indices.map { i in
            zeroesAllLocals || !compiled.isUnwritten(local: i, at: position)
                ? loadValue(compiled.localTypes[i], from: fp + compiled.localSlots[i], module: module)
                : .zero(compiled.localTypes[i])
        }
    }

    /// The backtrace of a stopped run, innermost first: at most `inner` innermost and `outer`
    /// outermost frames (a runaway recursion has tens of thousands), and how many were left out.
    func backtrace(_ r: Registers, trapped: Bool, inner: Int = 48, outer: Int = 16) -> (frames: [BacktraceFrame], omitted: Int) {
        var result = [describe(function: r.function, codeIndex: r.pc - r.code, trapped: trapped)]
        let callers = r.depth - r.entryDepth
        let omitted = max(0, callers + 1 - inner - outer)
        var level = r.depth
        var skipped = false
        while level > r.entryDepth {
            level -= 1
            // Skip the middle of a deep stack.
            if omitted > 0 && !skipped && result.count == inner {
                skipped = true
                level -= omitted - 1
                continue
            }
            let saved = execution.frames[level]
            guard let code = entries[Int(saved.function)].code else { break }
            result.append(describe(function: saved.function, codeIndex: saved.returnPC - code - 1))
        }
        return (result, omitted)
    }
}
