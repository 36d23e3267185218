// swift-tools-version:6.0
// wdb: a WebAssembly debugger and REPL. The targets follow the pipeline of Docs/architecture.md:
// WasmCore (model, binary, validator) -> WasmText (WAT/WAST) -> WasmVM (engine) -> wdb (CLI).
import PackageDescription

let package = Package(
    name: "wdb",
    products: [
        .executable(name: "wdb", targets: ["wdb"]),
        .library(name: "WasmCore", targets: ["WasmCore"]),
        .library(name: "WasmText", targets: ["WasmText"]),
        .library(name: "WasmVM", targets: ["WasmVM"]),
        .library(name: "WASI", targets: ["WASI"]),
        .library(name: "Debugger", targets: ["Debugger"]),
        .library(name: "DebugInfo", targets: ["DebugInfo"]),
        .library(name: "WastScripts", targets: ["WastScripts"]),
        .library(name: "DebuggerCommands", targets: ["DebuggerCommands"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "WasmCore"),
        .target(name: "WasmText", dependencies: ["WasmCore"]),
        // The engine's run loop in C (threaded handlers); WasmVM compiles to its instruction format.
        // DWARF 4 debug information: clang writes DWARF 5 by default, which valgrind 3.19's
        // reader rejects for the whole binary, and callgrind counts the benchmarks' instructions.
        // Leaf functions without frame pointers (SwiftPM asks for them everywhere): the handlers
        // only tail-call each other, and a frame would cost three instructions in each. Each
        // handler on its own 64-byte line: with 16-byte alignment the FP benchmark ran 30 %
        // slower (727 vs 561 ms; 32 bytes 741 ms, 128 bytes 552 ms), from how the handlers'
        // jumps share the branch predictor's entries.
        .target(name: "CWasmEngine", cSettings: [.unsafeFlags(["-gdwarf-4", "-momit-leaf-frame-pointer", "-falign-functions=64"])]),
        .target(name: "WasmVM", dependencies: ["WasmCore", "CWasmEngine"]),
        .target(name: "WASI", dependencies: ["WasmCore", "WasmVM"]),
        // Spec-test scripts (.wast): the runner `wdb wast`, the REPL and the tests share.
        .target(name: "WastScripts", dependencies: ["WasmCore", "WasmText", "WasmVM"]),
        // DWARF reader: lines, functions, variables, types of modules built with -g (no I/O).
        // Its demangler uses the C++ runtime's __cxa_demangle through a small C shim.
        // DWARF 4, as for CWasmEngine: valgrind 3.19 gives up on the whole binary at DWARF 5.
        .target(name: "CDemangle", cSettings: [.unsafeFlags(["-gdwarf-4"])]),
        .target(name: "DebugInfo", dependencies: ["WasmCore", "CDemangle"], linkerSettings: [.linkedLibrary("stdc++")]),
        .target(name: "Debugger", dependencies: ["WasmCore", "WasmText", "WasmVM", "WASI", "DebugInfo"]),
        // The debugger's command language: one table of commands with their handlers, the
        // session that runs typed lines, and the terminal driver. Front ends call it.
        .target(name: "DebuggerCommands",
                dependencies: ["WasmCore", "WasmText", "WasmVM", "WASI", "DebugInfo", "Debugger", "WastScripts", "LineEditor"]),
        // libedit is loaded with dlopen when a line editor is made (editline.c); its header
        // (libedit-dev) is needed to build.
        .target(name: "CEditLine", cSettings: [.unsafeFlags(["-gdwarf-4"])]),
        .target(name: "LineEditor", dependencies: ["CEditLine"]),
        .executableTarget(
            name: "wdb",
            dependencies: [
                "WasmCore", "WasmText", "WasmVM", "WASI", "DebugInfo", "Debugger", "WastScripts", "DebuggerCommands",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Benchmarks/density: instances per second and bytes per instance (not part of swift test).
        .executableTarget(name: "wdb-density", dependencies: ["WasmCore", "WasmVM"], path: "Benchmarks/density"),
        .testTarget(name: "WasmCoreTests", dependencies: ["WasmCore"]),
        .testTarget(name: "WasmTextTests", dependencies: ["WasmText", "WasmCore"]),
        .testTarget(name: "WasmVMTests", dependencies: ["WasmVM", "WasmText", "WasmCore"]),
        .testTarget(name: "WASITests", dependencies: ["WASI", "WasmCore", "WasmVM", "WasmText"]),
        .testTarget(name: "DebuggerTests", dependencies: ["Debugger", "DebugInfo", "WasmCore", "WasmText", "WasmVM", "WASI"]),
        .testTarget(name: "DebugInfoTests", dependencies: ["DebugInfo", "WasmCore"]),
        .testTarget(name: "LineEditorTests", dependencies: ["LineEditor"]),
        .testTarget(name: "WastScriptsTests", dependencies: ["WastScripts", "WasmCore", "WasmText", "WasmVM"]),
        .testTarget(name: "DebuggerCommandsTests",
                    dependencies: ["DebuggerCommands", "Debugger", "WasmCore", "WasmText", "WasmVM", "LineEditor"]),
        .testTarget(name: "wdbTests", dependencies: ["wdb", "DebuggerCommands", "WasmText"]),
    ],
    swiftLanguageModes: [.v5]
)
