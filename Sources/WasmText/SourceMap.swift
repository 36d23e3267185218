import WasmCore

/// Where each instruction of an assembled module came from in the WAT text, and (after
/// encoding) where it sits in the module file: the debugger's `break file.wat:LINE` and `list`.
///
/// Instructions are keyed by (function index in the function index space, instruction index in
/// the body), the same coordinates as `Expression.instructions` and
/// `ValidationError.instructionIndex`. Locations are stored packed (line, column) per function.
public struct SourceMap: Hashable, Sendable {
    public var file: String
    /// Index of the first defined function in the function index space (the imported count).
    public var firstFunctionIndex: UInt32
    /// Per defined function, per instruction: `line << 32 | column`.
    var packed: [[Int64]]
    /// Per defined function, per instruction: the module file offset; empty until
    /// `attachFileOffsets` ran.
    public internal(set) var fileOffsets: [[UInt32]] = []
    /// Positions of module-level items (globals, segments, imports, exports, start), keyed
    /// as validation messages name them ("global 3", "data segment 0" …).
    var fieldLocations: [String: Int64] = [:]

    public init(file: String, firstFunctionIndex: UInt32 = 0) {
        self.file = file
        self.firstFunctionIndex = firstFunctionIndex
        self.packed = []
    }

    init(file: String, firstFunctionIndex: UInt32, packed: [[Int64]]) {
        self.file = file
        self.firstFunctionIndex = firstFunctionIndex
        self.packed = packed
    }

    /// The WAT position of the module-level item a validation message is about, if any.
    func location(describedIn message: String) -> SourceLocation? {
        // The subject of a message comes after what it refers to ("unknown global 5:
        // initializer of global 1 …"), so the last mention wins.
        let text = Array(message.utf8)
        var best: (position: Int, at: Int64)?
        for (key, at) in fieldLocations {
            guard let position = lastMention(Array(key.utf8), in: text) else { continue }
            if let b = best, b.position >= position { continue }
            best = (position, at)
        }
        return best.map { unpack($0.at) }
    }

    /// Where `key` last occurs in `text` not followed by a digit ("global 3" is not in
    /// "global 30").
    private func lastMention(_ key: [UInt8], in text: [UInt8]) -> Int? {
        guard !key.isEmpty, key.count <= text.count else { return nil }
        var start = text.count - key.count
        while start >= 0 {
            let end = start + key.count
            if text[start..<end].elementsEqual(key),
               end == text.count || !(text[end] >= UInt8(ascii: "0") && text[end] <= UInt8(ascii: "9")) {
                return start
            }
            start -= 1
        }
        return nil
    }

    /// Number of defined functions the map covers.
    public var functionCount: Int { packed.count }

    private func unpack(_ p: Int64) -> SourceLocation {
        SourceLocation(file: file, line: Int(p >> 32), column: Int(p & 0xFFFF_FFFF))
    }

    /// The WAT position of instruction `instruction` of function `function` (index space).
    public func location(function: UInt32, instruction: Int) -> SourceLocation? {
        guard function >= firstFunctionIndex else { return nil }
        let f = Int(function - firstFunctionIndex)
        guard f < packed.count, instruction >= 0, instruction < packed[f].count else { return nil }
        return unpack(packed[f][instruction])
    }

    /// All instruction locations of function `function` (index space), in body order.
    public func locations(function: UInt32) -> [SourceLocation] {
        guard function >= firstFunctionIndex, Int(function - firstFunctionIndex) < packed.count else { return [] }
        return packed[Int(function - firstFunctionIndex)].map(unpack)
    }

    /// Records the module file offset of every instruction, from a module decoded from the
    /// encoded bytes (its `Expression.offsets`). Functions whose instruction count differs
    /// are left without offsets.
    public mutating func attachFileOffsets(from decoded: Module) {
        fileOffsets = packed.indices.map { f in
            guard f < decoded.functions.count else { return [] }
            let offsets = decoded.functions[f].body.offsets
            return offsets.count == packed[f].count ? offsets : []
        }
    }

    /// The instruction at module file offset `offset`: the one starting there, else the one
    /// whose encoding contains it.
    public func instruction(atFileOffset offset: UInt32) -> (function: UInt32, instruction: Int)? {
        for (f, offsets) in fileOffsets.enumerated() {
            guard let first = offsets.first, let last = offsets.last, offset >= first, offset <= last else { continue }
            // Binary search for the last instruction starting at or before `offset`.
            var lo = 0, hi = offsets.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if offsets[mid] <= offset { lo = mid } else { hi = mid - 1 }
            }
            return (firstFunctionIndex + UInt32(f), lo)
        }
        return nil
    }

    /// The WAT position of the instruction at (or containing) module file offset `offset`.
    public func location(forFileOffset offset: UInt32) -> SourceLocation? {
        guard let (function, instruction) = instruction(atFileOffset: offset) else { return nil }
        return location(function: function, instruction: instruction)
    }

    /// Module file offsets of the instructions that start on WAT line `line`, in order.
    public func fileOffsets(forLine line: Int) -> [UInt32] {
        var result: [UInt32] = []
        for (f, locations) in packed.enumerated() where f < fileOffsets.count && fileOffsets[f].count == locations.count {
            for (i, p) in locations.enumerated() where Int(p >> 32) == line {
                result.append(fileOffsets[f][i])
            }
        }
        return result.sorted()
    }

    /// (function, instruction) pairs of the instructions that start on WAT line `line`.
    public func instructions(onLine line: Int) -> [(function: UInt32, instruction: Int)] {
        var result: [(UInt32, Int)] = []
        for (f, locations) in packed.enumerated() {
            for (i, p) in locations.enumerated() where Int(p >> 32) == line {
                result.append((firstFunctionIndex + UInt32(f), i))
            }
        }
        return result
    }
}
