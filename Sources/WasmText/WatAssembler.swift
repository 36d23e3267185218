import WasmCore

/// A module assembled from WAT text: the model, its binary encoding, and the map from
/// instructions back to their WAT positions.
public struct AssembledModule: Hashable, Sendable {
    /// The module, with the names of the WAT identifiers in `names` (whether or not the name
    /// section was written), and the positions in `bytes` (function body offsets, instruction
    /// offsets, section locations) filled in as the decoder would.
    public var module: Module
    /// The encoded module (`BinaryEncoder.encode`).
    public var bytes: [UInt8]
    public var sourceMap: SourceMap

    public init(module: Module, bytes: [UInt8], sourceMap: SourceMap) {
        self.module = module
        self.bytes = bytes
        self.sourceMap = sourceMap
    }
}

/// The WAT front end: text → `Module` → bytes, with errors in wabt's
/// `file:line:col: error: message` form.
public enum WatAssembler {
    public struct Options: Hashable, Sendable {
        /// Run the validator and report its errors at the WAT position of the instruction.
        public var validate: Bool
        /// Write the `name` section from the WAT identifiers and `@name` annotations (wabt's
        /// `--debug-names`).
        public var debugNames: Bool
        /// Whose encoding choices to make: wabt's (the default) or `wasm-tools parse`'s, for
        /// the code, the segments, the type and data count sections, and the name section's
        /// layout (EncodingStyle.swift, DebugNames.swift).
        public var style: EncodingStyle

        /// Append the source map as a `wdb.sourcemap` custom section (see SourceMapSection.swift).
        public var embedSourceMap: Bool

        /// Decode the encoded bytes once more to give the model and the source map each
        /// instruction's file offset. The debugger needs them; a plain `wat2wasm` does not, and
        /// skipping the second pass saves about a tenth of its time.
        public var recordOffsets: Bool

        /// The language accepted: WebAssembly 3.0 unless set to `.wasm20`.
        public var features: Features

        public init(validate: Bool = true, debugNames: Bool = false, embedSourceMap: Bool = false,
                    recordOffsets: Bool = true, features: Features = .default, style: EncodingStyle = .wabt) {
            self.features = features
            self.style = style
            self.validate = validate
            self.debugNames = debugNames
            self.embedSourceMap = embedSourceMap
            self.recordOffsets = recordOffsets
        }
    }

    /// Parses WAT text (`(module …)` or a bare list of fields) into a module and its source
    /// map, without encoding or validating. `line`/`column` give the position of the text's
    /// first byte when it was cut out of a larger file (a script).
    public static func parse(_ text: String, file: String, line: Int = 1, column: Int = 1,
                             features: Features = .default) throws(WatError) -> (Module, SourceMap) {
        try parse(bytes: Array(text.utf8), file: file, line: line, column: column, features: features)
    }

    public static func parse(bytes: [UInt8], file: String, line: Int = 1, column: Int = 1,
                             features: Features = .default) throws(WatError) -> (Module, SourceMap) {
        let parsed = try parseWithHints(bytes: bytes, file: file, line: line, column: column, features: features)
        // The model has no place for a hint on a non-branch: refuse it here, as invalid.
        if let invalid = parsed.invalidBranchHint { throw invalid }
        return (parsed.module, parsed.map)
    }

    /// What `parse` reads, plus what only the encoding needs: the branch hints of the text
    /// (their section needs the encoded offsets) and the parameter names of function types.
    struct ParsedText {
        var module: Module
        var map: SourceMap
        var hints: [WatParser.BranchHint]
        var typeParameterNames: [UInt32: [UInt32: String]]
        /// A branch hint on an instruction that is not a branch (`WatParser.invalidBranchHint`).
        var invalidBranchHint: WatError?
    }

    static func parseWithHints(bytes: [UInt8], file: String, line: Int, column: Int,
                               features: Features, style: EncodingStyle = .wabt) throws(WatError) -> ParsedText {
        let stream = try Lexer.tokenize(bytes, file: file, line: line, column: column)
        let parser = WatParser(stream)
        parser.features = features
        parser.encodingStyle = style
        let module = try parser.parseModule()
        var map = SourceMap(file: file, firstFunctionIndex: UInt32(module.importedFunctionCount),
                            packed: parser.functionLocations)
        map.fieldLocations = parser.fieldLocations
        return ParsedText(module: module, map: map, hints: parser.branchHints, typeParameterNames: parser.typeParameterNames,
                          invalidBranchHint: parser.invalidBranchHint)
    }

    /// Assembles WAT text: parse, validate (unless disabled), encode, and record each
    /// instruction's file offset in the source map.
    public static func assemble(_ text: String, file: String, options: Options = Options()) throws(WatError) -> AssembledModule {
        try assemble(bytes: Array(text.utf8), file: file, line: 1, column: 1, options: options)
    }

    /// Assembles WAT source given as UTF-8 bytes (the caller checks the encoding).
    public static func assemble(bytes: [UInt8], file: String, options: Options = Options()) throws(WatError) -> AssembledModule {
        try assemble(bytes: bytes, file: file, line: 1, column: 1, options: options)
    }

    static func assemble(bytes text: [UInt8], file: String, line: Int, column: Int,
                         options: Options) throws(WatError) -> AssembledModule {
        let parsed = try parseWithHints(bytes: text, file: file, line: line, column: column,
                                        features: options.features, style: options.style)
        if options.validate {
            if let invalid = parsed.invalidBranchHint { throw invalid }
            try validate(parsed.module, sourceMap: parsed.map, text: text, line: line, column: column, features: options.features)
        }
        return finish(parsed.module, parsed.map, options: options, branchHints: parsed.hints,
                      typeParameterNames: parsed.typeParameterNames)
    }

    /// Encodes and attaches file offsets.
    static func finish(_ module: Module, _ map: SourceMap, options: Options,
                       branchHints: [WatParser.BranchHint] = [],
                       typeParameterNames: [UInt32: [UInt32: String]] = [:]) -> AssembledModule {
        var encoded = module
        encoded.names = NameSection()
        if !branchHints.isEmpty,
           let first = try? BinaryDecoder.decode(BinaryEncoder.encode(encoded), features: options.features),
           let payload = branchHintPayload(branchHints, decoded: first) {
            // The hints count bytes from each function body's start, which the section (placed
            // before the code section, after any custom section placed there) does not move.
            encoded.customSections.append(CustomSection(name: "metadata.code.branch_hint", payload: payload, after: .dataCount))
        }
        if options.debugNames {
            if let payload = DebugNames.payload(module.names, functionCount: module.functionCount,
                                                typeParameterNames: typeParameterNames, style: options.style) {
                encoded.customSections.append(CustomSection(name: "name", payload: payload, after: .data))
            }
        }
        var bytes = BinaryEncoder.encode(encoded)
        var map = map
        var module = module
        if options.recordOffsets || options.embedSourceMap, let decoded = try? BinaryDecoder.decode(bytes, features: options.features) {
            map.attachFileOffsets(from: decoded)
            // The functions as the bytes hold them: the positions of the bytes they were encoded
            // to (for `$f+0x12`), and the bodies as slices of those bytes, decoded on demand, so
            // a module loaded from text is held as one loaded from its binary (one path for
            // every consumer, and no decoded bodies kept).
            if decoded.functions.count == module.functions.count {
                module.functions = decoded.functions
            }
            module.sectionLocations = decoded.sectionLocations
            // The custom sections the bytes hold (the name section just written), so the model
            // shows what a decoder of the same bytes would.
            module.customSections = decoded.customSections
            // With a name section written, its names are the module's (what wabt writes: no label
            // names), so a dump of the text and of its binary agree.
            if options.debugNames { module.names = decoded.names }
        }
        if options.embedSourceMap, let payload = map.customSectionPayload() {
            // Appended after everything else, so no instruction offset moves.
            bytes += customSection(SourceMap.customSectionName, payload)
        }
        return AssembledModule(module: module, bytes: bytes, sourceMap: map)
    }

    /// A whole custom section: id 0, size, name, payload.
    static func customSection(_ name: String, _ payload: [UInt8]) -> [UInt8] {
        var content: [UInt8] = []
        LEB128.appendUnsigned(UInt32(truncatingIfNeeded: name.utf8.count), to: &content)
        content += Array(name.utf8) + payload
        var out: [UInt8] = [0]
        LEB128.appendUnsigned(UInt32(truncatingIfNeeded: content.count), to: &out)
        return out + content
    }

    /// Assembles a module of a WAST script: text and quoted modules are parsed (positions
    /// are those of the script), binary modules are decoded.
    public static func assemble(_ module: WastModule, options: Options = Options()) throws(WatError) -> AssembledModule {
        let location = module.location
        switch module.source {
        case .text(let text):
            return try assemble(bytes: Array(text.utf8), file: location.file, line: location.line,
                                column: location.column, options: options)
        case .quote(let text):
            do {
                return try assemble(bytes: Array(text.utf8), file: location.file, line: location.line,
                                    column: location.column, options: options)
            } catch {
                var e = error
                e.message += " (in quoted module text)"
                throw e
            }
        case .binary(let bytes):
            let decoded: Module
            do {
                decoded = try BinaryDecoder.decode(bytes, features: options.features)
            } catch {
                throw WatError(kind: .malformedBinary, message: error.message, location: location)
            }
            if options.validate {
                do {
                    try Validator.validate(decoded, features: options.features)
                } catch {
                    throw WatError(kind: .invalid, message: error.description, location: location)
                }
            }
            return AssembledModule(module: decoded, bytes: bytes, sourceMap: SourceMap(file: location.file))
        }
    }

    /// Validates an assembled module; a failing instruction is reported at its WAT position.
    public static func validate(_ assembled: AssembledModule, text: String) throws(WatError) {
        let map = assembled.sourceMap
        try validate(assembled.module, sourceMap: map, text: Array(text.utf8), line: 1, column: 1)
    }

    static func validate(_ module: Module, sourceMap: SourceMap, text: [UInt8], line: Int, column: Int,
                         features: Features = .default) throws(WatError) {
        do {
            try Validator.validate(module, features: features)
        } catch {
            throw locate(error, sourceMap: sourceMap, text: text, line: line, column: column)
        }
    }

    /// Turns a validation error into a WatError at the failing instruction's WAT position
    /// (or at the start of the text when the error is not about an instruction).
    static func locate(_ error: ValidationError, sourceMap: SourceMap, text: [UInt8], line: Int, column: Int) -> WatError {
        var target = SourceLocation(file: sourceMap.file, line: line, column: column)
        if let f = error.functionIndex, let i = error.instructionIndex,
           let found = sourceMap.location(function: f, instruction: i) {
            target = found
        } else if error.functionIndex == nil, let found = sourceMap.location(describedIn: error.message) {
            target = found
        }
        guard let offset = byteOffset(of: target, in: text, line: line, column: column) else {
            return WatError(kind: .invalid, message: error.message, location: target)
        }
        var tokenEnd = offset
        while tokenEnd < text.count, !isDelimiter(text[tokenEnd]) { tokenEnd += 1 }
        return WatError.at(error.message, bytes: text, offset: offset, length: max(1, tokenEnd - offset),
                           file: sourceMap.file, baseLine: line, baseColumn: column, kind: .invalid)
    }

    private static func isDelimiter(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r")
            || b == UInt8(ascii: ")") || b == UInt8(ascii: "(")
    }

    /// The byte offset of a line:column position in `text` whose first byte is at
    /// `baseLine:baseColumn`.
    static func byteOffset(of location: SourceLocation, in text: [UInt8], line baseLine: Int, column baseColumn: Int) -> Int? {
        var line = baseLine
        var lineStart = 0
        var i = 0
        while line < location.line {
            guard i < text.count else { return nil }
            if text[i] == UInt8(ascii: "\n") {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        let columnBase = location.line == baseLine ? baseColumn : 1
        let offset = lineStart + location.column - columnBase
        return offset >= 0 && offset <= text.count ? offset : nil
    }
}

extension WatAssembler {
    /// Parses a script module without encoding or validating (binary modules are decoded).
    /// Parses (or decodes) a script module in the language `features` describes.
    public static func parse(_ module: WastModule, features: Features = .default) throws(WatError) -> (Module, SourceMap) {
        let location = module.location
        switch module.source {
        case .text(let text):
            return try parse(bytes: Array(text.utf8), file: location.file, line: location.line, column: location.column,
                             features: features)
        case .quote(let text):
            return try parse(bytes: Array(text.utf8), file: location.file, line: location.line, column: location.column,
                             features: features)
        case .binary(let bytes):
            do {
                return (try BinaryDecoder.decode(bytes, features: features), SourceMap(file: location.file))
            } catch {
                throw WatError(kind: .malformedBinary, message: error.message, location: location)
            }
        }
    }
}
