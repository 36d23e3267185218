import Dispatch

/// Loading a binary module that must be valid, with each function body decoded once.
///
/// `BinaryDecoder.decode` checks every body (a module it returns is well formed) and
/// `Validator.validate` then reads every body again; for a large module (CPython for WASI:
/// 99 MB, 89,000 functions) those two passes over the code were most of the load time.
/// `decodeValidated` decodes everything but the bodies, then checks each body in one pass that
/// decodes and types it together (FunctionValidator+Streaming.swift).
///
/// The answer is the one decode-then-validate gives: a malformed module is reported as
/// malformed even when a body before the malformed bytes is also invalid, because on any
/// failure the bodies not yet checked are decoded (only decoded) first, in file order.

/// Why `BinaryDecoder.decodeValidated` refused a module.
public enum ModuleCheckError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The bytes are not a module (what `BinaryDecoder.decode` throws).
    case malformed(DecodeError)
    /// A well-formed module that is not valid (what `Validator.validate` throws).
    case invalid(ValidationError)

    public var description: String {
        switch self {
        case .malformed(let error): error.description
        case .invalid(let error): error.description
        }
    }
}

extension BinaryDecoder {
    /// Decodes `bytes` and validates the module in the language `features` describes, decoding
    /// each function body once. Same result as `decode` followed by `Validator.validate`.
    public static func decodeValidated(_ bytes: [UInt8], features: Features = .default) throws(ModuleCheckError) -> Module {
        try decodeValidated(bytes, features: features, chunks: nil)
    }

    /// `decodeValidated` with the bodies checked in `chunks` runs (nil: 1 for a small module,
    /// more for a large one); tests force several runs on small modules.
    static func decodeValidated(_ bytes: [UInt8], features: Features, chunks: Int?) throws(ModuleCheckError) -> Module {
        guard bytes.count <= Int(UInt32.max) else {
            throw .malformed(DecodeError("length out of bounds: module larger than 4 GiB", at: 0))
        }
        let result: Result<Module, ModuleCheckError> = bytes.withUnsafeBufferPointer { buffer in
            var decoder = ModuleDecoder(ByteReader(buffer), features: features)
            decoder.source = bytes
            decoder.deferBodies = true
            do throws(DecodeError) {
                try decoder.decodeModule()
            } catch {
                // The bodies read so far come before the error in the file.
                return .failure(.malformed(decoder.firstMalformedDeferredBody(decoder.codeBodies, in: 0..<decoder.codeBodies.count) ?? error))
            }
            return decoder.validateDeferredBodies(features: features, chunks: chunks)
        }
        return try result.get()
    }
}

extension ModuleDecoder {
    /// After `decodeModule` with `deferBodies`: validates the module, checking each deferred
    /// body in one pass. A large module's bodies are checked in `chunks` runs of consecutive
    /// bodies on the available cores (each run with its own decoder and validator state); the
    /// answer is the one a single run in file order gives (see `combine`).
    mutating func validateDeferredBodies(features: Features, chunks requested: Int? = nil) -> Result<Module, ModuleCheckError> {
        let module = self.module
        var validator: ModuleValidator
        do throws(ValidationError) {
            validator = try ModuleValidator(module, features: features)
        } catch {
            return .failure(malformedBeforeInvalid(from: 0) ?? .invalid(error))
        }
        let runs = BodyRuns.split(module.functions, into: requested ?? BodyRuns.automaticCount(module.functions))
        var outcomes: [BodyRunOutcome]
        if runs.count <= 1 {
            let outcome = checkBodies(module.functions, in: 0..<module.functions.count, validator: &validator.functionValidator)
            outcomes = [outcome]
        } else {
            outcomes = Array(repeating: BodyRunOutcome(), count: runs.count)
            let bytes = reader.bytes
            let shared = validator.functionValidator
            outcomes.withUnsafeMutableBufferPointer { results in
                // Each iteration writes only its own element of `results`.
                DispatchQueue.concurrentPerform(iterations: runs.count) { run in
                    var decoder = ModuleDecoder(ByteReader(bytes), features: features)
                    var functionValidator = shared.forked()
                    results[run] = decoder.checkBodies(module.functions, in: runs[run], validator: &functionValidator)
                }
            }
        }
        return combine(outcomes, module: module)
    }

    /// The single-run answer from the runs' outcomes: a decode error anywhere wins (the first
    /// in file order: each run reports its first, and after a validation error a run still
    /// decodes the rest of its bodies), then a missing data count section, then the first
    /// validation error.
    mutating func combine(_ outcomes: [BodyRunOutcome], module: Module) -> Result<Module, ModuleCheckError> {
        for outcome in outcomes {
            if let malformed = outcome.malformed { return .failure(.malformed(malformed)) }
            if outcome.usesDataIndices { usesDataIndices = true }
        }
        do throws(DecodeError) { try checkDataCountPresent() } catch { return .failure(.malformed(error)) }
        for outcome in outcomes {
            if let invalid = outcome.invalid { return .failure(.invalid(invalid)) }
        }
        return .success(module)
    }

    /// Checks the bodies `range` of `functions` in order, with this decoder reading the file.
    mutating func checkBodies(_ functions: [Function], in range: Range<Int>, validator: inout FunctionValidator) -> BodyRunOutcome {
        var outcome = BodyRunOutcome()
        defer { outcome.usesDataIndices = usesDataIndices }
        for index in range {
            let function = functions[index]
            guard case .encoded(let code) = function.code else {
                // A body decoded while its section was read (see `readCodeSection`).
                do throws(ValidationError) {
                    _ = try validator.validate(definedIndex: index)
                } catch {
                    outcome.malformed = firstMalformedDeferredBody(functions, in: index + 1..<range.upperBound)
                    outcome.invalid = error
                    return outcome
                }
                continue
            }
            reader.position = code.bytes.startIndex
            let bodyEnd = Int(function.bodyOffset) + Int(function.bodySize)
            do throws(BodyCheckFailure) {
                _ = try validator.validateEncoded(definedIndex: index, decoder: &self, bodyEnd: bodyEnd)
            } catch {
                switch error {
                case .malformed(let malformed):
                    outcome.malformed = malformed
                case .invalid(let invalid):
                    outcome.malformed = firstMalformedDeferredBody(functions, in: index..<range.upperBound)
                    outcome.invalid = invalid
                }
                return outcome
            }
        }
        return outcome
    }

    /// The decode error that outranks a validation error: in a deferred body from `first` on,
    /// or the missing data count section.
    mutating func malformedBeforeInvalid(from first: Int) -> ModuleCheckError? {
        if let error = firstMalformedDeferredBody(codeBodies, in: first..<codeBodies.count) { return .malformed(error) }
        do throws(DecodeError) { try checkDataCountPresent() } catch { return .malformed(error) }
        return nil
    }

    /// Decodes (only) the deferred bodies `range` of `functions`, in file order, and returns the
    /// first decode error: the error `readCodeSection` would have thrown without `deferBodies`.
    mutating func firstMalformedDeferredBody(_ functions: [Function], in range: Range<Int>) -> DecodeError? {
        for index in range {
            guard case .encoded(let code) = functions[index].code else { continue }
            let bodyStart = Int(functions[index].bodyOffset)
            let bodyEnd = bodyStart + Int(functions[index].bodySize)
            reader.position = code.bytes.startIndex
            containerEnd = bodyEnd
            var instructions: [Instruction] = [], offsets: [UInt32] = []
            swap(&instructions, &bodyScratch)
            swap(&offsets, &bodyOffsetScratch)
            defer {
                instructions.removeAll(keepingCapacity: true)
                offsets.removeAll(keepingCapacity: true)
                swap(&instructions, &bodyScratch)
                swap(&offsets, &bodyOffsetScratch)
            }
            do throws(DecodeError) {
                try instructionSequence(into: &instructions, offsets: &offsets)
            } catch {
                return error
            }
            if reader.position != bodyEnd {
                return DecodeError("section size mismatch: function body declared \(bodyEnd - bodyStart) bytes, took \(reader.position - bodyStart)",
                                   at: bodyStart)
            }
        }
        return nil
    }
}

/// What checking a run of consecutive bodies found: its first decode error, its first
/// validation error (the bodies after it are then only decoded), and whether any body uses
/// `memory.init` or `data.drop`.
struct BodyRunOutcome {
    var malformed: DecodeError?
    var invalid: ValidationError?
    var usesDataIndices = false
}

/// How the bodies are split into runs for checking on several cores.
enum BodyRuns {
    /// Code below this many bytes is checked in one run: threads would cost more than they save.
    static let parallelThreshold = 1 << 20

    /// 16 runs for a large module (the system spreads them over the cores it has, a late run
    /// taking the place of one that finished early), else 1.
    static func automaticCount(_ functions: [Function]) -> Int {
        var total = 0
        for function in functions { total += Int(function.bodySize) }
        return total < parallelThreshold ? 1 : 16
    }

    /// `count` ranges of consecutive functions with about the same number of code bytes each.
    static func split(_ functions: [Function], into count: Int) -> [Range<Int>] {
        guard count > 1, functions.count > 1 else { return [0..<functions.count] }
        var total = 0
        for function in functions { total += Int(function.bodySize) }
        let share = Swift.max(1, total / count)
        var ranges: [Range<Int>] = []
        var start = 0, bytes = 0
        for index in functions.indices {
            bytes += Int(functions[index].bodySize)
            if bytes >= share && ranges.count < count - 1 {
                ranges.append(start..<index + 1)
                start = index + 1
                bytes = 0
            }
        }
        if start < functions.count { ranges.append(start..<functions.count) }
        return ranges
    }
}
