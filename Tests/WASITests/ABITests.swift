import Testing
import WasmCore
@testable import WASI

@Suite struct ABITests {
    /// The import names come from a table (no reflection at start-up); it must name each case
    /// as the case is spelled, in order, all 46 of them.
    @Test func functionNamesAreTheCaseNames() {
        #expect(WASIFunction.names.count == WASIFunction.allCases.count)
        #expect(WASIFunction.allCases.count == 46)
        for function in WASIFunction.allCases {
            #expect(function.name == String(describing: function))
            #expect(WASIFunction(name: function.name) == function)
        }
    }

    @Test func errnoNumbersAndNames() {
        #expect(WASIErrno.allCases.count == 77)
        #expect(WASIErrno.badf.rawValue == 8)
        #expect(WASIErrno.inval.rawValue == 28)
        #expect(WASIErrno.noent.rawValue == 44)
        #expect(WASIErrno.rofs.rawValue == 69)
        #expect(WASIErrno.notcapable.rawValue == 76)
        #expect(WASIErrno.toobig.name == "E2BIG")
        #expect(WASIErrno.notcapable.name == "ENOTCAPABLE")
        #expect(WASIErrno(name: "EIO") == .io)
        #expect(WASIErrno(name: "io") == .io)
        #expect(WASIErrno(name: "EXDEV") == .xdev)
        #expect(WASIErrno(name: "EXIST") == .exist)
        #expect(WASIErrno(name: "29") == .io)
        #expect(WASIErrno(name: "EBOGUS") == nil)
    }

    @Test func rightsBits() {
        #expect(WASIRights.fdRead.rawValue == 2)
        #expect(WASIRights.fdWrite.rawValue == 64)
        #expect(WASIRights.pathOpen.rawValue == 1 << 13)
        #expect(WASIRights.sockAccept.rawValue == 1 << 29)
        #expect(WASIRights.names.count == 30)
        #expect(formatFlags(WASIRights([.fdRead, .fdWrite]).rawValue, WASIRights.names)
            == "FD_READ|FD_WRITE")
        #expect(formatFlags(0, WASIOFlags.names) == "0")
        #expect(formatFlags(0x9 | 0x100, WASIOFlags.names) == "O_CREAT|O_TRUNC|0x100")
    }

    @Test func signaturesMatchWasiLibc() {
        #expect(WASIFunction.allCases.count == 46)
        #expect(WASIFunction.fd_write.funcType == FuncType(params: [.i32, .i32, .i32, .i32], results: [.i32]))
        #expect(WASIFunction.path_open.funcType
            == FuncType(params: [.i32, .i32, .i32, .i32, .i32, .i64, .i64, .i32, .i32], results: [.i32]))
        #expect(WASIFunction.fd_seek.funcType == FuncType(params: [.i32, .i64, .i32, .i32], results: [.i32]))
        #expect(WASIFunction.clock_time_get.funcType == FuncType(params: [.i32, .i64, .i32], results: [.i32]))
        #expect(WASIFunction.fd_filestat_set_times.funcType
            == FuncType(params: [.i32, .i64, .i64, .i32], results: [.i32]))
        #expect(WASIFunction.proc_exit.funcType == FuncType(params: [.i32], results: []))
        #expect(WASIFunction.sched_yield.funcType == FuncType(params: [], results: [.i32]))
        #expect(WASIFunction(name: "path_open") == .path_open)
        #expect(WASIFunction.path_open.group == .filesystem)
        #expect(WASIFunction.poll_oneoff.group == .poll)
    }
}
