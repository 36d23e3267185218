import Foundation
import LineEditor
import Testing

/// Counts hook calls; a global so the C-convention hook can reach it.
nonisolated(unsafe) private var hookCalls = 0

@Suite(.serialized) struct InterruptTests {
    @Test func aSignalRaisesTheFlagUntilConsumed() {
        Interrupt.clear()
        #expect(!Interrupt.isPending)
        let before = Interrupt.count
        Interrupt.signalArrived()
        #expect(Interrupt.isPending)
        #expect(Interrupt.count == before + 1)
        #expect(Interrupt.consume())
        #expect(!Interrupt.isPending)
        #expect(!Interrupt.consume())
    }

    @Test func theHookRunsOnEachInterrupt() {
        hookCalls = 0
        Interrupt.setHook { hookCalls += 1 }
        Interrupt.signalArrived()
        Interrupt.signalArrived()
        Interrupt.setHook(nil)
        Interrupt.signalArrived()
        #expect(hookCalls == 2)
        Interrupt.clear()
    }

    @Test func aRealSIGINTIsCaughtAndTheProcessLives() {
        #expect(Interrupt.installHandler())
        Interrupt.clear()
        let before = Interrupt.count
        // To the process, not this thread: the test runner's threads may block signals, and
        // some other thread takes it. Wait for the handler.
        kill(getpid(), SIGINT)
        var waited = 0
        while !Interrupt.isPending && waited < 400 {
            usleep(5000)
            waited += 1
        }
        #expect(Interrupt.consume())
        #expect(Interrupt.count == before + 1)
    }
}
