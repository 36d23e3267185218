// Times BinaryDecoder.decode, and decode + Validator.validate, on one file.
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
var kept: Module? = nil
for _ in 0..<runs {
    kept = nil  // free the previous module outside the timed region
    let start = DispatchTime.now().uptimeNanoseconds
    do {
        kept = try BinaryDecoder.decode(bytes)
    } catch {
        print("decode failed: \(error)")
        exit(1)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    best = min(best, seconds)
    instructions = kept?.functions.reduce(0) { $0 + $1.body.instructions.count } ?? 0
}
let megabytes = Double(bytes.count) / 1e6
print(String(format: "wdb decode: %.2f MB, %d instructions, best of %d: %.1f ms, %.1f MB/s",
             megabytes, instructions, runs, best * 1000, megabytes / best))

var bestBoth = Double.infinity
for _ in 0..<runs {
    kept = nil
    let start = DispatchTime.now().uptimeNanoseconds
    do {
        let module = try BinaryDecoder.decode(bytes)
        try Validator.validate(module)
        kept = module
    } catch {
        print("decode + validate failed: \(error)")
        exit(1)
    }
    bestBoth = min(bestBoth, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}
print(String(format: "wdb decode + validate: best of %d: %.1f ms, %.1f MB/s", runs, bestBoth * 1000, megabytes / bestBoth))
