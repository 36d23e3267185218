import ArgumentParser
import Foundation

/// The `wdb` executable: subcommands for the batch tools; the interactive debugger comes later.
@main
struct WDB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wdb",
        abstract: "A WebAssembly debugger, REPL and toolkit.",
        subcommands: [Run.self, Wast.self])
}
