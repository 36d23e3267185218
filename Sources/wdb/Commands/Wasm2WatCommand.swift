import ArgumentParser
import FoundationEssentials
import Glibc
import WasmText

/// `wdb wasm2wat FILE.wasm [-o OUT] [--fold]`: print a module as WAT text that reassembles to
/// the same bytes. Does not validate, so invalid modules can be inspected too.
struct Wasm2WatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wasm2wat",
        abstract: "Print a binary module as WAT text.")

    @Argument(help: "The module (.wasm; .wat is accepted and re-printed).")
    var file: String

    @Option(name: .short, help: "Output file (default: stdout).")
    var output: String?

    @Flag(help: "Print instructions as folded s-expressions.")
    var fold = false

    func run() throws {
        try reportingErrors {
            let loaded = try ModuleLoader.load(path: file, validate: false)
            // Streamed: the text is written as it is made (a module of a few bytes may print
            // gigabytes, e.g. 4,294,967,295 locals), so memory stays bounded.
            let path = output ?? "-"
            let stream: UnsafeMutablePointer<FILE>
            if path == "-" {
                stream = stdout
            } else {
                guard let file = fopen(path, "wb") else {
                    throw CommandError(file: path, "cannot write file: \(String(cString: strerror(errno)))")
                }
                stream = file
            }
            var failed = false
            WatPrinter.print(loaded.module, folded: fold) { piece in
                guard !failed else { return }
                var text = piece
                text.withUTF8 { bytes in
                    if fwrite(bytes.baseAddress, 1, bytes.count, stream) != bytes.count { failed = true }
                }
            }
            if fflush(stream) != 0 { failed = true }
            if stream != stdout { fclose(stream) }
            if failed { throw CommandError(file: path, "cannot write file: \(String(cString: strerror(errno)))") }
        }
    }
}
