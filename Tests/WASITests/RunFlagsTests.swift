// Each bad flag value gets one line naming the flag and the fault; special files given as the
// module get a plain reason.

import Foundation
import Testing
@testable import WASI

#if canImport(Glibc)
import Glibc
#endif

@Suite struct RunFlagsTests {
    func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func environmentEntriesNeedANameAndAnEqualsSign() {
        #expect(message { try WASIRunOptions.checkEnvironment("NOEQ") } == "--env NOEQ: expected NAME=VALUE")
        #expect(message { try WASIRunOptions.checkEnvironment("=") } == "--env =: expected NAME=VALUE, and NAME is empty")
        #expect(message { try WASIRunOptions.checkEnvironment("=x") } == "--env =x: expected NAME=VALUE, and NAME is empty")
        #expect(message { try WASIRunOptions.checkEnvironment("A=") } == nil)
        #expect(message { try WASIRunOptions.checkEnvironment("A=b=c") } == nil)
    }

    @Test func preopenSpecsNeedBothHalves() throws {
        #expect(message { _ = try WASIPreopen.parse("/tmp::") }
                == "--dir /tmp::: expected HOST[::GUEST], and GUEST after '::' is empty")
        #expect(message { _ = try WASIPreopen.parse("::/x", readOnly: true) }
                == "--dir-ro ::/x: expected HOST[::GUEST], and HOST is empty")
        #expect(message { _ = try WASIPreopen.parse("") } == "--dir : expected HOST[::GUEST], and HOST is empty")
        #expect(try WASIPreopen.parse("/tmp::/t") == WASIPreopen(hostPath: "/tmp", guestPath: "/t"))
        #expect(try WASIPreopen.parse("data", readOnly: true) == WASIPreopen(hostPath: "data", readOnly: true))
    }

    @Test func preloadSpecsNeedANameAndAFile() throws {
        #expect(message { _ = try WASIRunOptions.parsePreload("=x") } == "--preload =x: expected NAME=FILE, and NAME is empty")
        #expect(message { _ = try WASIRunOptions.parsePreload("x") } == "--preload x: expected NAME=FILE")
        #expect(message { _ = try WASIRunOptions.parsePreload("m=") } == "--preload m=: expected NAME=FILE, and FILE is empty")
        let parsed = try WASIRunOptions.parsePreload("env=lib.wasm")
        #expect(parsed.name == "env" && parsed.file == "lib.wasm")
    }

    @Test func validateAndMakeHostReportTheFirstBadFlag() {
        var options = WASIRunOptions()
        options.env = ["A=1", "NOEQ"]
        #expect(message { try options.validate() } == "--env NOEQ: expected NAME=VALUE")
        #expect(message { _ = try options.makeHost(arguments: ["p"]) } == "--env NOEQ: expected NAME=VALUE")
        options.env = []
        options.dirs = ["/tmp::"]
        #expect(message { try options.validate() } == "--dir /tmp::: expected HOST[::GUEST], and GUEST after '::' is empty")
        #expect(message { _ = try options.makeHost(arguments: ["p"]) } != nil)
        options.dirs = []
        options.tcpListen = ["1234"]
        #expect(message { try options.validate() } == "--tcplisten 1234: expected HOST:PORT")
        options.tcpListen = []
        options.traceFormat = "xml"
        options.trace = ""
        #expect(message { try options.validate() } == "--trace-format must be text or json, not 'xml'")
        #expect(message { try WASIRunOptions().validate() } == nil)
    }

    @Test func stdinMustNotBeADirectory() throws {
        let tree = TempTree()
        tree.write("in.txt", "x")
        #expect(message { _ = try WASIRunOptions.openStdin(tree.root.path) } == "--stdin \(tree.root.path): is a directory, not a file")
        #expect(message { _ = try WASIRunOptions.openStdin(tree.path("missing")) }
                == "--stdin \(tree.path("missing")): No such file or directory")
        let fd = try WASIRunOptions.openStdin(tree.path("in.txt"))
        #expect(fd >= 0)
        close(fd)
    }

}
