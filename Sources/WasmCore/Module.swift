/// The one module model of wdb: what the decoder and the WAT assembler produce, and what the
/// validator, encoder, printer and engine consume (spec §2.5).

/// An expression: a sequence of instructions that ends with `end` (the `end` is included).
/// Used for function bodies and constant expressions alike.
public struct Expression: Hashable, Sendable {
    public var instructions: [Instruction]
    /// Module file offset of each instruction (parallel to `instructions`); empty when the
    /// expression was not decoded from a binary (the encoder can compute them).
    public var offsets: [UInt32]

    public init(_ instructions: [Instruction], offsets: [UInt32] = []) {
        self.instructions = instructions
        self.offsets = offsets
    }
}

public struct Import: Hashable, Sendable {
    public enum Descriptor: Hashable, Sendable {
        case function(typeIndex: UInt32)
        case table(TableType)
        case memory(MemoryType)
        case global(GlobalType)
        case tag(TagType)

        public var kind: ExternalKind {
            switch self {
            case .function: .function
            case .table: .table
            case .memory: .memory
            case .global: .global
            case .tag: .tag
            }
        }
    }

    public var module: String
    public var name: String
    public var descriptor: Descriptor

    public init(module: String, name: String, descriptor: Descriptor) {
        self.module = module
        self.name = name
        self.descriptor = descriptor
    }
}

/// A run of locals of one type, as declared in a function body (`count` × `type`).
public struct LocalDeclaration: Hashable, Sendable {
    public var count: UInt32
    public var type: ValueType

    public init(count: UInt32, type: ValueType) {
        self.count = count
        self.type = type
    }
}

/// A function defined in the module (imports are in `Module.imports`).
///
/// A decoded module does not keep its bodies decoded: `code` is the body's bytes in the module
/// file (a slice sharing the file's storage), and `body` decodes them on each use. Whoever needs
/// the instructions (the validator, the compiler, the printers) decodes one body, uses it and
/// drops it, so a module costs about its file size in memory, not 9–23 bytes of `Instruction`s
/// per byte of code (Docs/performance.md). Modules built in memory (the WAT parser, tests) hold
/// `Expression`s, and so does a function whose `body` was assigned.
public struct Function: Hashable, Sendable {
    public var typeIndex: UInt32
    public var locals: [LocalDeclaration]
    /// The body's instructions, encoded or decoded.
    public private(set) var code: FunctionCode
    /// Module file offset of the body's first byte (its local declarations, after the size
    /// field): the origin of `$f+0x12` positions. 0 when not decoded from a binary.
    public var bodyOffset: UInt32
    /// Size in bytes of the body (local declarations + code), as encoded.
    public var bodySize: UInt32

    public init(typeIndex: UInt32, locals: [LocalDeclaration] = [], body: Expression,
                bodyOffset: UInt32 = 0, bodySize: UInt32 = 0) {
        self.init(typeIndex: typeIndex, locals: locals, code: .decoded(body), bodyOffset: bodyOffset, bodySize: bodySize)
    }

    init(typeIndex: UInt32, locals: [LocalDeclaration], code: FunctionCode, bodyOffset: UInt32, bodySize: UInt32) {
        self.typeIndex = typeIndex
        self.locals = locals
        self.code = code
        self.bodyOffset = bodyOffset
        self.bodySize = bodySize
    }

    /// The body's instructions (ending with `end`) with their file offsets. For a decoded
    /// module this decodes the body's bytes on every read: take it once per use, into a local.
    /// Setting it replaces the body with the given (decoded) instructions.
    public var body: Expression {
        get { code.expression }
        set { code = .decoded(newValue) }
    }

    /// Whether the body is held as instructions (not only as bytes of the module file).
    public var isBodyDecoded: Bool {
        if case .decoded = code { return true }
        return false
    }

    /// Declared locals expanded to one type per local (parameters not included).
    public var expandedLocals: [ValueType] {
        locals.flatMap { Array(repeating: $0.type, count: Int($0.count)) }
    }

    /// Two functions are equal when their types, locals, positions and instructions are,
    /// however each holds its body.
    public static func == (a: Function, b: Function) -> Bool {
        a.typeIndex == b.typeIndex && a.locals == b.locals && a.bodyOffset == b.bodyOffset
            && a.bodySize == b.bodySize && a.code == b.code
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(typeIndex)
        hasher.combine(locals)
        hasher.combine(bodyOffset)
    }
}

/// How a `Function` holds its body's instructions.
public enum FunctionCode: Hashable, Sendable {
    /// Decoded instructions: a module built in memory, or a body someone assigned.
    case decoded(Expression)
    /// The encoded instructions (after the local declarations) in the file the module was
    /// decoded from, decoded on demand.
    case encoded(EncodedCode)

    /// The instructions, decoding them when they are encoded.
    public var expression: Expression {
        switch self {
        case .decoded(let expression): return expression
        case .encoded(let encoded): return encoded.decode()
        }
    }

    public static func == (a: FunctionCode, b: FunctionCode) -> Bool {
        switch (a, b) {
        case (.encoded(let x), .encoded(let y)) where x.bytes.startIndex == y.bytes.startIndex && x.bytes.elementsEqual(y.bytes):
            return true
        default:
            return a.expression == b.expression
        }
    }

    /// Hashes nothing of the body: an encoded body equals its decoded instructions, and
    /// hashing those would decode it (`Function` hashes its type, locals and position).
    public func hash(into hasher: inout Hasher) {}
}

/// A function body's instructions as encoded in a module file: a slice of the file's bytes
/// (shared storage, nothing copied) whose indices are file offsets. Only the decoder makes one,
/// and a module it returns has had every body decoded successfully with `features` (by
/// `decode`, or by `decodeValidated`'s one-pass check before it returns), so decoding them
/// again cannot fail.
public struct EncodedCode: Sendable {
    /// From the body's first instruction to its end (the final `end` included).
    public let bytes: ArraySlice<UInt8>
    let features: Features

    init(bytes: ArraySlice<UInt8>, features: Features) {
        self.bytes = bytes
        self.features = features
    }

    /// The decoded instructions and their file offsets.
    public func decode() -> Expression {
        var instructions: [Instruction] = []
        var offsets: [UInt32] = []
        decode(into: &instructions, offsets: &offsets)
        return Expression(instructions, offsets: offsets)
    }

    /// Decodes into `instructions` and `offsets`, replacing their contents but keeping their
    /// capacity: a caller that walks many bodies (the validator) reuses one pair of buffers.
    public func decode(into instructions: inout [Instruction], offsets: inout [UInt32]) {
        instructions.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        do throws(DecodeError) {
            try ModuleDecoder.decodeCode(bytes, features: features, into: &instructions, offsets: &offsets)
        } catch {
            // Unreachable (see the type's comment). Should it happen anyway, the body traps
            // rather than running something else, and nothing crashes.
            instructions = [Instruction(.unreachable), Instruction(.end)]
            offsets = [UInt32(truncatingIfNeeded: bytes.startIndex), UInt32(truncatingIfNeeded: bytes.startIndex)]
        }
    }
}

extension EncodedCode: Hashable {
    public static func == (a: EncodedCode, b: EncodedCode) -> Bool {
        a.bytes.startIndex == b.bytes.startIndex && a.bytes.elementsEqual(b.bytes)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(bytes.startIndex)
        hasher.combine(bytes.count)
    }
}

public struct Global: Hashable, Sendable {
    public var type: GlobalType
    public var initializer: Expression

    public init(type: GlobalType, initializer: Expression) {
        self.type = type
        self.initializer = initializer
    }
}

public struct Export: Hashable, Sendable {
    public var name: String
    public var kind: ExternalKind
    public var index: UInt32

    public init(name: String, kind: ExternalKind, index: UInt32) {
        self.name = name
        self.kind = kind
        self.index = index
    }
}

public struct ElementSegment: Hashable, Sendable {
    public enum Mode: Hashable, Sendable {
        case passive
        case active(table: UInt32, offset: Expression)
        case declarative
    }

    public enum Items: Hashable, Sendable {
        /// Function indices (encodings 0–3).
        case functions([UInt32])
        /// Constant expressions (encodings 4–7).
        case expressions([Expression])

        public var count: Int {
            switch self {
            case .functions(let f): f.count
            case .expressions(let e): e.count
            }
        }
    }

    public var mode: Mode
    public var type: RefType
    public var items: Items
    /// The segment's flag word (0–7) as decoded, so re-encoding reproduces it; nil lets the
    /// encoder pick the shortest encoding.
    public var encodingFlags: UInt8?

    public init(mode: Mode, type: RefType, items: Items, encodingFlags: UInt8? = nil) {
        self.mode = mode
        self.type = type
        self.items = items
        self.encodingFlags = encodingFlags
    }
}

public struct DataSegment: Hashable, Sendable {
    public enum Mode: Hashable, Sendable {
        case passive
        case active(memory: UInt32, offset: Expression)
    }

    public var mode: Mode
    public var bytes: [UInt8]
    /// The segment's flag word (0–2) as decoded; nil lets the encoder choose.
    public var encodingFlags: UInt8?

    public init(mode: Mode, bytes: [UInt8], encodingFlags: UInt8? = nil) {
        self.mode = mode
        self.bytes = bytes
        self.encodingFlags = encodingFlags
    }
}

/// Section ids of the binary format, in their required order (custom sections aside).
public enum SectionID: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case custom = 0, type = 1, `import` = 2, function = 3, table = 4, memory = 5, global = 6,
         export = 7, start = 8, element = 9, code = 10, data = 11, dataCount = 12, tag = 13

    /// Position in the required order (tag between memory and global, data count before code).
    public var order: Int {
        switch self {
        case .custom: 0
        case .type, .import, .function, .table, .memory: Int(rawValue)
        case .tag: 6
        case .global, .export, .start, .element: Int(rawValue) + 1
        case .dataCount: 11
        case .code: 12
        case .data: 13
        }
    }

    public var description: String {
        switch self {
        case .custom: "Custom"
        case .type: "Type"
        case .import: "Import"
        case .function: "Function"
        case .table: "Table"
        case .memory: "Memory"
        case .global: "Global"
        case .export: "Export"
        case .start: "Start"
        case .element: "Elem"
        case .code: "Code"
        case .data: "Data"
        case .dataCount: "DataCount"
        case .tag: "Tag"
        }
    }
}

/// A custom section kept verbatim. `after` is the last non-custom section before it (nil when
/// it precedes all of them), so the encoder can put it back where it was.
///
/// A decoded module's sections are slices of the bytes it was decoded from: decoding copies
/// nothing of them, so 20 MB of DWARF costs a free run nothing until a reader asks for it
/// (Docs/performance.md). `payload` makes an array of its own, on each use.
public struct CustomSection: Hashable, Sendable {
    public var name: String
    /// The payload, sharing the module file's storage when it was decoded from one.
    public var contents: ArraySlice<UInt8>
    public var after: SectionID?

    public init(name: String, payload: [UInt8], after: SectionID? = nil) {
        self.init(name: name, contents: payload[...], after: after)
    }

    public init(name: String, contents: ArraySlice<UInt8>, after: SectionID? = nil) {
        self.name = name
        self.contents = contents
        self.after = after
    }

    /// The payload as an array of its own (a copy: use `contents` to read without one).
    public var payload: [UInt8] {
        get { Array(contents) }
        set { contents = newValue[...] }
    }

    public static func == (a: CustomSection, b: CustomSection) -> Bool {
        a.name == b.name && a.after == b.after && a.contents.elementsEqual(b.contents)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(after)
        hasher.combine(contents.count)
    }
}

/// The contents of the `name` custom section (with the extended-name subsections wabt writes).
public struct NameSection: Hashable, Sendable {
    public var moduleName: String?
    public var functionNames: [UInt32: String] = [:]
    /// Function index → local index → name.
    public var localNames: [UInt32: [UInt32: String]] = [:]
    /// Function index → label index → name.
    public var labelNames: [UInt32: [UInt32: String]] = [:]
    public var typeNames: [UInt32: String] = [:]
    public var tableNames: [UInt32: String] = [:]
    public var memoryNames: [UInt32: String] = [:]
    public var globalNames: [UInt32: String] = [:]
    public var elementNames: [UInt32: String] = [:]
    public var dataNames: [UInt32: String] = [:]
    /// Type index → field index → name (GC struct fields).
    public var fieldNames: [UInt32: [UInt32: String]] = [:]
    public var tagNames: [UInt32: String] = [:]

    public init() {}

    public var isEmpty: Bool { self == NameSection() }
}

/// Where a section sat in the binary it was decoded from (for `wdb dump`).
public struct SectionLocation: Hashable, Sendable {
    public var id: SectionID
    /// File offset of the section id byte.
    public var headerOffset: UInt32
    /// File offset of the payload (after the size field) and its size.
    public var payloadOffset: UInt32
    public var payloadSize: UInt32
    /// For custom sections, the name.
    public var customName: String?
    /// Number of entries for vector sections.
    public var count: UInt32?

    public init(id: SectionID, headerOffset: UInt32, payloadOffset: UInt32, payloadSize: UInt32,
                customName: String? = nil, count: UInt32? = nil) {
        self.id = id
        self.headerOffset = headerOffset
        self.payloadOffset = payloadOffset
        self.payloadSize = payloadSize
        self.customName = customName
        self.count = count
    }
}

/// A WebAssembly module.
public struct Module: Hashable, Sendable {
    /// The type section: one entry per type index (function, struct or array types with
    /// their supertypes). Setting it keeps `types` in step.
    public var typeDefinitions: [SubType] = [] {
        didSet { functionTypeCache = typeDefinitions.map { $0.functionType ?? FuncType() } }
    }
    /// How the type section groups `typeDefinitions` into recursion groups; empty means one
    /// group per type (the Wasm 2.0 reading).
    public var recursionGroups: [RecursionGroup] = []
    private var functionTypeCache: [FuncType] = []

    /// The function type of each type index, as Wasm 2.0 code reads the type section. A
    /// struct or array type reads as `[] -> []` here (see `typeDefinitions`). Setting it
    /// replaces the type section with plain, final function types.
    public var types: [FuncType] {
        get { functionTypeCache }
        set {
            typeDefinitions = newValue.map { SubType(.function($0)) }
            recursionGroups = []
        }
    }
    public var imports: [Import] = []
    public var functions: [Function] = []
    public var tables: [TableType] = []
    public var memories: [MemoryType] = []
    /// Tags defined in the module (exception handling), after the imported ones.
    public var tags: [TagType] = []
    public var globals: [Global] = []
    public var exports: [Export] = []
    public var start: UInt32?
    public var elements: [ElementSegment] = []
    /// The data count section's value, when the module has one.
    public var dataCount: UInt32?
    public var data: [DataSegment] = []
    /// Custom sections in file order, the `name` section included (verbatim).
    public var customSections: [CustomSection] = []
    /// The decoded `name` section (also the names the assembler knows from WAT identifiers).
    public var names = NameSection()
    /// Section layout of the binary this module was decoded from; empty otherwise.
    public var sectionLocations: [SectionLocation] = []

    public init() {}

    // MARK: index spaces (imports first)

    public var importedFunctionCount: Int { imports.count { $0.descriptor.kind == .function } }
    public var importedTableCount: Int { imports.count { $0.descriptor.kind == .table } }
    public var importedMemoryCount: Int { imports.count { $0.descriptor.kind == .memory } }
    public var importedGlobalCount: Int { imports.count { $0.descriptor.kind == .global } }
    public var importedTagCount: Int { imports.count { $0.descriptor.kind == .tag } }

    public var functionCount: Int { importedFunctionCount + functions.count }
    public var tableCount: Int { importedTableCount + tables.count }
    public var memoryCount: Int { importedMemoryCount + memories.count }
    public var globalCount: Int { importedGlobalCount + globals.count }
    public var tagCount: Int { importedTagCount + tags.count }

    /// Type indices of every function in the function index space. Builds an array: callers
    /// that look up many functions build it once (`functionType(of:)` does not use it).
    public var functionTypeIndices: [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(imports.count + functions.count)
        for imp in imports { if case .function(let t) = imp.descriptor { result.append(t) } }
        result.append(contentsOf: functions.lazy.map(\.typeIndex))
        return result
    }

    public var allTableTypes: [TableType] {
        imports.compactMap { if case .table(let t) = $0.descriptor { t } else { nil } } + tables
    }

    public var allMemoryTypes: [MemoryType] {
        imports.compactMap { if case .memory(let m) = $0.descriptor { m } else { nil } } + memories
    }

    public var allGlobalTypes: [GlobalType] {
        imports.compactMap { if case .global(let g) = $0.descriptor { g } else { nil } } + globals.map(\.type)
    }

    public var allTagTypes: [TagType] {
        imports.compactMap { if case .tag(let t) = $0.descriptor { t } else { nil } } + tags
    }

    /// The recursion groups as ranges of type indices (one per type when none are recorded
    /// or the record does not add up to the type count).
    public var recursionGroupRanges: [Range<Int>] {
        let total = recursionGroups.reduce(0) { $0 + Int($1.count) }
        if recursionGroups.isEmpty || total != typeDefinitions.count {
            return typeDefinitions.indices.map { $0..<$0 + 1 }
        }
        var ranges: [Range<Int>] = []
        var start = 0
        for group in recursionGroups {
            ranges.append(start..<start + Int(group.count))
            start += Int(group.count)
        }
        return ranges
    }

    /// The type index of function `index` in the function index space, if it exists. Walks the
    /// imports only (no allocation): the compiler and the printers call it once per call site.
    public func functionTypeIndex(of index: UInt32) -> UInt32? {
        var remaining = Int(index)
        for imp in imports {
            guard case .function(let t) = imp.descriptor else { continue }
            if remaining == 0 { return t }
            remaining -= 1
        }
        return remaining < functions.count ? functions[remaining].typeIndex : nil
    }

    /// The type of function `index` in the function index space, if both exist.
    public func functionType(of index: UInt32) -> FuncType? {
        guard let t = functionTypeIndex(of: index), Int(t) < types.count else { return nil }
        return types[Int(t)]
    }

    /// The defined function for an index in the function index space (nil for imports).
    public func definedFunction(_ index: UInt32) -> Function? {
        let i = Int(index) - importedFunctionCount
        return i >= 0 && i < functions.count ? functions[i] : nil
    }
}
