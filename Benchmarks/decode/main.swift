// Times BinaryDecoder.decode (and Validator.validate once it exists) on one file.
// Built by run.sh together with the WasmCore sources in one optimized module.
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2, let data = FileManager.default.contents(atPath: arguments[1]) else {
    print("usage: decode-bench FILE.wasm [RUNS]")
    exit(2)
}
let bytes = [UInt8](data)
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 10 : 10
var best = Double.infinity
var instructions = 0
for _ in 0..<runs {
    let start = DispatchTime.now().uptimeNanoseconds
    do {
        let module = try BinaryDecoder.decode(bytes)
        instructions = module.functions.reduce(0) { $0 + $1.body.instructions.count }
    } catch {
        print("decode failed: \(error)")
        exit(1)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    best = min(best, seconds)
}
let megabytes = Double(bytes.count) / 1e6
print(String(format: "wdb decode: %.2f MB, %d instructions, best of %d: %.1f ms, %.1f MB/s",
             megabytes, instructions, runs, best * 1000, megabytes / best))
