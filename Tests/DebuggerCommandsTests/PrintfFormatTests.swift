import Testing
@testable import DebuggerCommands

/// `printf`'s format string and arguments, as gdb's printf reads them.
struct PrintfFormatTests {
    @Test func splitsTheFormatFromTheArguments() throws {
        let (format, arguments) = try PrintfFormat.split(#""a=%d, b=%x\n\"q\"", $a, mem.i32[($b + 4)], f(1, 2)"#)
        #expect(format == "a=%d, b=%x\n\"q\"")
        #expect(arguments == ["$a", "mem.i32[($b + 4)]", "f(1, 2)"])
        #expect(try PrintfFormat.split(#""plain""#).arguments.isEmpty)
    }

    @Test func rejectsMalformedInput() {
        #expect(throws: PrintfFormat.Failure.self) { try PrintfFormat.split("no quotes") }
        #expect(throws: PrintfFormat.Failure.self) { try PrintfFormat.split(#""open"#) }
        #expect(throws: PrintfFormat.Failure.self) { try PrintfFormat.split(#""x" $a"#) }
        #expect(throws: PrintfFormat.Failure.self) { try PrintfFormat.split(#""x", , $a"#) }
    }

    @Test func formatsIntegersAndFloatsWithCConversions() throws {
        let minusOne = PrintfFormat.Argument.integer(signed: -1, unsigned: 0xFFFF_FFFF, width: 32)
        #expect(try PrintfFormat.format("%d %u %x %X %o", [minusOne, minusOne, minusOne, minusOne, minusOne])
                == "-1 4294967295 ffffffff FFFFFFFF 37777777777")
        let seven = PrintfFormat.Argument.integer(signed: 7, unsigned: 7, width: 32)
        #expect(try PrintfFormat.format("[%04d|%-3d|%+d|%#x|%ld|%lld]", [seven, seven, seven, seven, seven, seven])
                == "[0007|7  |+7|0x7|7|7]")
        #expect(try PrintfFormat.format("%.2f %g %e 100%%", [.float(1.005), .float(0.5), .float(1)])
                == "1.00 0.5 1.000000e+00 100%")
        #expect(try PrintfFormat.format("%c%c", [.integer(signed: 104, unsigned: 104, width: 32),
                                                 .integer(signed: 0x263A, unsigned: 0x263A, width: 32)]) == "h\u{263A}")
        #expect(try PrintfFormat.format("%f", [seven]) == "7.000000")
    }

    @Test func countsConversionsAgainstArguments() throws {
        let one = PrintfFormat.Argument.integer(signed: 1, unsigned: 1, width: 32)
        #expect(throws: PrintfFormat.Failure.self) { try PrintfFormat.format("%d %d", [one]) }
        #expect(throws: PrintfFormat.Failure.self) { try PrintfFormat.format("%d", [one, one]) }
        #expect(throws: PrintfFormat.Failure.self) { try PrintfFormat.format("%s", [one]) }
        #expect(throws: PrintfFormat.Failure.self) { try PrintfFormat.format("%q", [one]) }
        #expect(throws: PrintfFormat.Failure.self) { try PrintfFormat.format("%d", [.float(1)]) }
        #expect(throws: PrintfFormat.Failure.self) { try PrintfFormat.format("50%", []) }
        #expect(throws: PrintfFormat.Failure.self) { try PrintfFormat.format("%1000d", [one]) }
        #expect(throws: PrintfFormat.Failure.self) { try PrintfFormat.format("%.1000f", [.float(1)]) }
        #expect(try PrintfFormat.format("%999d", [one]).count == 999)
    }
}
